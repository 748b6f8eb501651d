// An endpoint pool: one model served by several hosts (`hosts [...]` for ollama, `base_urls [...]` for
// OpenAI-compatible servers). Each request goes to the least-loaded healthy host with a free slot (at
// most `hostLimit` requests open per host); a host whose request fails the way a broken server fails
// (refused, reset, 5xx) is ejected, the request goes to another host at once, and the ejected host is
// tried again after a cool-down that doubles while it keeps failing. Every host must serve the same
// weights: prepare() refuses a pool whose hosts report different digests (the run would mix models).

import { failure } from "./failure.js";
import type { ChatRequest, ChatResult, FailureKind, ModelInfo, PoolHostInfo, PrepareOptions, PrepareResult, Provider, ProviderFailure } from "./types.js";

export interface PoolMember {
  /** The host as written in the spec. */
  address: string;
  provider: Provider;
}

interface Host {
  member: PoolMember;
  /** What the manifest records: endpoint, digest, ejections (updated as the run goes). */
  info: PoolHostInfo;
  inFlight: number;
  /** Not chosen before this time (ms, the pool's clock); 0: healthy. */
  ejectedUntil: number;
  cooldownMs: number;
}

/** Failures that say the host is broken, not the request: the host is ejected and the request moves on. */
const EJECTING: ReadonlySet<FailureKind> = new Set(["unreachable", "connection", "server"]);
const FIRST_COOLDOWN_MS = 2_000;
const MAX_COOLDOWN_MS = 60_000;

export class PoolProvider implements Provider {
  readonly kind: string;
  readonly id: string;
  /** Requests open at once per host; the call layer sets it to the model's concurrency. */
  hostLimit = Number.POSITIVE_INFINITY;
  private readonly hosts: Host[];
  private note: (message: string) => void = () => undefined;
  private waiters: Array<() => void> = [];
  private turn = 0;

  constructor(
    kind: string,
    id: string,
    members: readonly PoolMember[],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.kind = kind;
    this.id = id;
    this.hosts = members.map((member) => ({
      member,
      info: { endpoint: member.address, digest: null, ejections: 0 },
      inFlight: 0,
      ejectedUntil: 0,
      cooldownMs: FIRST_COOLDOWN_MS,
    }));
  }

  /** Prepare (and with --pull, pull on) every host; refuse a host that fails or a digest that differs. */
  async prepare(options: PrepareOptions): Promise<PrepareResult> {
    if (options.note) this.note = options.note;
    let first: ModelInfo | null = null;
    for (const host of this.hosts) {
      const prepared = await host.member.provider.prepare(options);
      if (!prepared.ok) return { ok: false, failure: { ...prepared.failure, message: `host ${host.member.address} of the pool: ${prepared.failure.message}` } };
      host.info.endpoint = prepared.info.endpoint ?? host.member.address;
      host.info.digest = prepared.info.digest;
      first ??= prepared.info;
    }
    const digests = this.hosts.filter((h) => h.info.digest !== null);
    const differ = digests.find((h) => h.info.digest !== digests[0]?.info.digest);
    if (differ && digests[0]) {
      const a = digests[0].info;
      return {
        ok: false,
        failure: failure(
          "bad_response",
          `the hosts of the pool serve different models: ${a.endpoint} has digest ${short(a.digest)}, ${differ.info.endpoint} has ${short(differ.info.digest)}; ` +
            "a run across them would mix two models (pull the same model on every host)",
        ),
      };
    }
    if (!first) return { ok: false, failure: failure("bad_request", `${this.id}: the pool has no hosts`) };
    return { ok: true, info: { ...first, id: this.id, digest: digests[0]?.info.digest ?? null, hosts: this.hosts.map((h) => h.info) } };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const tried = new Set<Host>();
    let last: ProviderFailure | null = null;
    for (;;) {
      const host = await this.acquire(tried, request.signal);
      if (host === null) return { ok: false, failure: this.exhausted(last) };
      let result: ChatResult;
      try {
        result = await host.member.provider.chat(request);
      } finally {
        host.inFlight--;
        this.wake();
      }
      if (result.ok) {
        if (host.cooldownMs > FIRST_COOLDOWN_MS || host.info.ejections > 0) this.readmit(host);
        return result;
      }
      if (!EJECTING.has(result.failure.kind) || request.signal?.aborted) return result;
      this.eject(host, result.failure);
      tried.add(host);
      last = result.failure;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.member.provider.close().catch(() => undefined)));
  }

  /** Requests open per host right now (tests, progress). */
  get load(): number[] {
    return this.hosts.map((h) => h.inFlight);
  }

  /**
   * The least-loaded healthy host not yet tried for this request, once it has a free slot (reserved:
   * its inFlight already counts this request); null when every host is ejected or was tried.
   */
  private async acquire(tried: ReadonlySet<Host>, signal: AbortSignal | undefined): Promise<Host | null> {
    for (;;) {
      const now = this.now();
      const candidates = this.hosts.filter((h) => !tried.has(h) && h.ejectedUntil <= now);
      if (candidates.length === 0 || signal?.aborted) return null;
      let best: Host | null = null;
      // Ties go round the pool, so equal load spreads evenly instead of piling on the first host.
      for (let k = 0; k < this.hosts.length; k++) {
        const h = this.hosts[(this.turn + k) % this.hosts.length] as Host;
        if (!candidates.includes(h) || h.inFlight >= this.hostLimit) continue;
        if (best === null || h.inFlight < best.inFlight) best = h;
      }
      if (best !== null) {
        // Reserved here, in the same turn as the choice: other requests choosing meanwhile see it.
        best.inFlight++;
        this.turn = (this.hosts.indexOf(best) + 1) % this.hosts.length;
        return best;
      }
      await this.waitForSlot(candidates, signal);
    }
  }

  /** Until a request ends, or the earliest ejected host is due back (whichever is first). */
  private waitForSlot(candidates: readonly Host[], signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const due = this.hosts.filter((h) => !candidates.includes(h) && h.ejectedUntil > this.now()).map((h) => h.ejectedUntil - this.now());
      const timer = due.length > 0 ? setTimeout(done, Math.min(...due)) : null;
      const onAbort = () => done();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(done);
      function done(): void {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private eject(host: Host, cause: ProviderFailure): void {
    host.info.ejections++;
    host.ejectedUntil = this.now() + host.cooldownMs;
    this.note(
      `${this.id}: host ${host.info.endpoint} failed (${cause.kind}: ${cause.message}); ejected from the pool, tried again in ${Math.round(host.cooldownMs / 1000)} s`,
    );
    host.cooldownMs = Math.min(MAX_COOLDOWN_MS, host.cooldownMs * 2);
    this.wake();
  }

  private readmit(host: Host): void {
    if (host.cooldownMs > FIRST_COOLDOWN_MS) this.note(`${this.id}: host ${host.info.endpoint} answers again; back in the pool`);
    host.cooldownMs = FIRST_COOLDOWN_MS;
  }

  /**
   * No host left for this request. While some host of the pool is healthy the failure is one to retry
   * (the call layer backs off and asks again); when every host is ejected, the last failure stands
   * (an unreachable pool stops the run like an unreachable server).
   */
  private exhausted(last: ProviderFailure | null): ProviderFailure {
    const now = this.now();
    const healthy = this.hosts.some((h) => h.ejectedUntil <= now);
    const message = `every host of ${this.id} failed or is ejected (${this.hosts.map((h) => h.info.endpoint).join(", ")})`;
    if (last === null) return failure("connection", message);
    if (healthy || last.kind !== "unreachable")
      return { ...last, kind: last.kind === "unreachable" ? "connection" : last.kind, message: `${message}: ${last.message}` };
    return { ...last, message: `${message}: ${last.message}` };
  }
}

function short(digest: string | null): string {
  return digest === null ? "(none)" : digest.replace(/^sha256:/, "").slice(0, 12);
}

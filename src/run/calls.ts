// The model call layer, shared by the step executor and the scorers' judge calls. One ModelCaller per
// run holds the prepared providers and, per provider endpoint, a lane: a concurrency limit, an
// optional rate limit and a pause set by Retry-After. A call goes: cache → lane → provider, retrying
// retryable failures with backoff, and trips the run's fatal circuit on an unreachable server, a
// rejected key or a missing model.

import { PoolProvider } from "../providers/pool.js";
import { setMaxListeners } from "node:events";
import pLimit, { type LimitFunction } from "p-limit";
import type { Plan, PlanModel, SamplingParams } from "../core/plan.js";
import {
  isFatal,
  isRetryable,
  type ChatRequest,
  type ChatResponse,
  type ChatResult,
  type ModelInfo,
  type Provider,
  type ProviderEnv,
  type ProviderFailure,
} from "../providers/types.js";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { cacheKey, type ResponseCache } from "./cache.js";
import { defaultEndpoint } from "./endpoints.js";
import { RateLimiter } from "./limits.js";
import { realTiming, type Timing } from "./timing.js";

export interface CallerModel {
  model: PlanModel;
  provider: Provider;
  /** From prepare(); null when the model was not prepared (tests). */
  info: ModelInfo | null;
}

export interface CallSettings {
  /** Requests open at once per endpoint (spec run.concurrency). */
  concurrency: number;
  rateLimitPerMinute: number | null;
  timeoutMs: number;
  /** Tries after the first, for retryable failures. */
  retries: number;
}

/** The run block's limits, as every caller of a plan's models uses them. */
export function callSettingsOf(plan: Plan): CallSettings {
  return {
    concurrency: plan.run.concurrency,
    rateLimitPerMinute: plan.run.rateLimitPerMinute,
    timeoutMs: plan.run.timeoutMs,
    retries: plan.run.retries,
  };
}

export interface CallerOptions {
  models: readonly CallerModel[];
  settings: CallSettings;
  /** `--concurrency`: replaces run.concurrency and every per-model concurrency. */
  concurrencyOverride?: number | null;
  /** null: no cache reads or writes (`--no-cache`). */
  cache?: ResponseCache | null;
  /** For default endpoints of models that report none. */
  env?: ProviderEnv;
  timing?: Timing;
  backoff?: BackoffOptions;
  /** How long past its own timeout an adapter may take before the caller stops waiting for it. */
  timeoutGraceMs?: number;
}

/**
 * A request without the parts the caller owns (timeout, abort signal), plus the step's sample index:
 * it is for the cache key (see cacheKey); adapters read only the ChatRequest fields and never send it.
 */
export type ModelRequest = Omit<ChatRequest, "timeoutMs" | "signal"> & { sample?: number };

export interface CallOutcome {
  result: ChatResult;
  /** Calls made to the provider (0 for a cache hit or a call never started). */
  attempts: number;
  cached: boolean;
}

/** Why the run stopped: the first fatal failure, with a message meant for the user. */
export interface FatalStop {
  model: string;
  endpoint: string | null;
  failure: ProviderFailure;
  message: string;
}

interface Lane {
  key: string;
  /**
   * Requests open at once: p-limit, a FIFO queue in front of the provider. It replaced a hand-written
   * semaphore whose waiters each added and removed an abort listener: at the executor's window (twice
   * the limit) p-limit took about 0.9 µs per call against 2.0–2.7 µs. A stop clears its queue.
   */
  limit: LimitFunction;
  rate: RateLimiter | null;
  pausedUntil: number;
}

interface Route {
  entry: CallerModel;
  endpoint: string | null;
  lane: Lane;
  fingerprints: Set<string>;
  /** The run's timeout and retries, or the model's own from its block in the spec. */
  timeoutMs: number;
  retries: number;
}

export class ModelCaller {
  private readonly routes = new Map<string, Route>();
  private readonly lanes: Lane[] = [];
  private readonly timing: Timing;
  private readonly backoff: BackoffOptions;
  private readonly cache: ResponseCache | null;
  private readonly settings: CallSettings;
  private readonly graceMs: number;
  /** First Ctrl-C: no new tries start, backoff waits end. */
  private readonly stopController = new AbortController();
  /** Second Ctrl-C or end of the grace period: in-flight requests are aborted. */
  private readonly abortController = new AbortController();
  private fatalStop: FatalStop | null = null;
  private readonly fatalListeners: Array<(stop: FatalStop) => void> = [];
  private callsMade = 0;
  private hits = 0;
  /** The end of the current turn of the event loop, while calls wait for it (see `turnEnd`). */
  private turn: Promise<void> | null = null;
  /** Calls talking to a provider now (see `inFlight`). */
  private talking = 0;

  constructor(options: CallerOptions) {
    this.timing = options.timing ?? realTiming;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.cache = options.cache ?? null;
    this.settings = options.settings;
    this.graceMs = options.timeoutGraceMs ?? 5_000;
    // Every open request and every waiting one listens on these: many listeners are expected.
    setMaxListeners(0, this.stopController.signal, this.abortController.signal);
    const env = options.env ?? {};
    const override = options.concurrencyOverride ?? null;
    const lanes = new Map<string, Lane>();
    for (const entry of options.models) {
      const { model, info } = entry;
      const endpoint = info?.endpoint ?? defaultEndpoint(model, env);
      const ownLimits = (override === null && model.concurrency !== null) || model.rateLimitPerMinute !== null;
      // Models on one server share its lane; local programs (exec, mock) get one each. A model with
      // limits of its own (per-model overrides in the spec) gets its own lane with those limits.
      const base = endpoint !== null ? `${model.provider} ${endpoint}` : model.id;
      const key = ownLimits ? `${base} ${model.id}` : base;
      let lane = lanes.get(key);
      if (!lane) {
        const limit = override ?? (ownLimits ? model.concurrency : null) ?? this.settings.concurrency;
        const rpm = (ownLimits ? model.rateLimitPerMinute : null) ?? this.settings.rateLimitPerMinute;
        // An endpoint pool: the limits are per host, so its lane holds one host's worth per host, and
        // the pool keeps each host at its own limit (docs/scale.md).
        const hosts = info?.hosts?.length ?? 1;
        if (entry.provider instanceof PoolProvider) entry.provider.hostLimit = Math.max(1, limit);
        lane = {
          key,
          limit: pLimit({ concurrency: Math.max(1, limit) * hosts, rejectOnClear: true }),
          rate: rpm !== null ? new RateLimiter(rpm * hosts, this.timing) : null,
          pausedUntil: Number.NEGATIVE_INFINITY,
        };
        lanes.set(key, lane);
        this.lanes.push(lane);
      }
      this.routes.set(model.id, {
        entry,
        endpoint,
        lane,
        fingerprints: new Set(),
        timeoutMs: model.timeoutMs ?? this.settings.timeoutMs,
        retries: model.retries ?? this.settings.retries,
      });
    }
    // The first interrupt (or a fatal stop): calls waiting for a slot give up instead of starting.
    this.stopController.signal.addEventListener("abort", () => {
      for (const lane of this.lanes) lane.limit.clearQueue();
    });
  }

  /** Models this caller can reach. */
  get modelIds(): string[] {
    return [...this.routes.keys()];
  }

  /** The concurrency limit of the lane a model's requests go through (for sizing work windows). */
  concurrencyOf(modelId: string): number {
    return this.routes.get(modelId)?.lane.limit.concurrency ?? 1;
  }

  endpointOf(modelId: string): string | null {
    return this.routes.get(modelId)?.endpoint ?? null;
  }

  info(modelId: string): ModelInfo | null {
    return this.routes.get(modelId)?.entry.info ?? null;
  }

  /** Answers from the built-in mock provider are canned; every output marks them. */
  isMock(modelId: string): boolean {
    const route = this.routes.get(modelId);
    if (!route) return false;
    return route.entry.info?.mock ?? route.entry.model.provider === "mock";
  }

  /** OpenAI system_fingerprint values seen for a model, in first-seen order. */
  fingerprints(modelId: string): string[] {
    return [...(this.routes.get(modelId)?.fingerprints ?? [])];
  }

  /** Requests currently talking to a provider, over all lanes. */
  get inFlight(): number {
    return this.talking;
  }

  get fatal(): FatalStop | null {
    return this.fatalStop;
  }

  // A method, not the property, so that checks after an await are not narrowed away by TypeScript.
  private currentFatal(): FatalStop | null {
    return this.fatalStop;
  }

  onFatal(listener: (stop: FatalStop) => void): void {
    this.fatalListeners.push(listener);
  }

  get stats(): { calls: number; cacheHits: number } {
    return { calls: this.callsMade, cacheHits: this.hits };
  }

  /** Stop starting tries (first interrupt). Calls already talking to a server go on. */
  stop(): void {
    this.stopController.abort();
  }

  /** Abort requests in flight (second interrupt, or the grace period ran out). */
  abort(): void {
    this.stopController.abort();
    this.abortController.abort();
  }

  get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  /** The cache key of a request to a model, or null when the model is unknown. */
  keyOf(modelId: string, request: ModelRequest): string | null {
    const route = this.routes.get(modelId);
    return route ? this.keyFor(route, request) : null;
  }

  private keyFor(route: Route, request: ModelRequest): string {
    const params: SamplingParams = {};
    if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.top_p !== undefined) params.top_p = request.top_p;
    if (request.seed !== undefined) params.seed = request.seed;
    if (request.max_tokens !== undefined) params.max_tokens = request.max_tokens;
    return cacheKey({
      provider: route.entry.model.provider,
      model: route.entry.model.name,
      digest: route.entry.info?.digest ?? null,
      endpoint: route.endpoint,
      params,
      messages: request.messages,
      responseFormat: request.responseFormat ?? null,
      jsonIo: route.entry.model.jsonIo,
      ...(request.sample !== undefined ? { sample: request.sample } : {}),
    });
  }

  /**
   * Ask a model. Never throws. The result is the answer, or the last failure: a non-retryable one, a
   * retryable one after all tries, a fatal one (which also stops the run), or `aborted` when the run
   * was stopped before the call could finish — an aborted call is not a result and must not be
   * recorded as one.
   */
  async call(modelId: string, request: ModelRequest): Promise<CallOutcome> {
    const route = this.routes.get(modelId);
    if (!route) {
      return failed(0, { kind: "bad_request", message: `model ${modelId} was not prepared for this run`, status: null, retryAfterMs: null });
    }
    if (this.fatalStop) return failed(0, aborted(`run stopped: ${this.fatalStop.message}`));

    const key = this.cache ? this.keyFor(route, request) : null;
    if (key !== null && this.cache) {
      const hit = this.cache.get(key);
      if (hit) {
        this.hits++;
        noteFingerprint(route, hit);
        return { result: { ok: true, response: hit }, attempts: 0, cached: true };
      }
    }

    const maxTries = 1 + Math.max(0, route.retries);
    const stop = this.stopController.signal;
    const { lane } = route;
    let attempts = 0;
    for (;;) {
      const fatal = this.currentFatal();
      if (fatal) return failed(attempts, aborted(`run stopped: ${fatal.message}`));
      const pause = lane.pausedUntil - this.timing.now();
      if (pause > 0) await this.timing.sleep(pause, stop);
      if (stop.aborted) return failed(attempts, aborted(NOT_STARTED));
      const result = await this.tryInLane(route, request, stop);
      if (result === null) return failed(attempts, aborted(NOT_STARTED));
      attempts++;

      if (result.ok) {
        noteFingerprint(route, result.response);
        if (key !== null && this.cache) this.cache.put(key, modelId, result.response);
        return { result, attempts, cached: false };
      }
      const failure = result.failure;
      if (failure.kind === "aborted") return { result, attempts, cached: false };
      if (isFatal(failure.kind)) {
        this.trip(route, failure);
        return { result, attempts, cached: false };
      }
      if (!isRetryable(failure.kind) || attempts >= maxTries) return { result, attempts, cached: false };

      const delay = backoffDelay(attempts, failure, () => this.timing.random(), this.backoff);
      if (failure.kind === "rate_limit" && failure.retryAfterMs !== null) {
        // The server asked the whole endpoint to slow down, not just this request.
        const until = this.timing.now() + delay;
        if (until > lane.pausedUntil) lane.pausedUntil = until;
      }
      await this.timing.sleep(delay, stop);
      if (stop.aborted) return failed(attempts, aborted(`run interrupted while waiting to retry (${failure.kind}: ${failure.message})`));
    }
  }

  /** One try through the lane's limits; null when the run stopped before it could start. */
  private async tryInLane(route: Route, request: ModelRequest, stop: AbortSignal): Promise<ChatResult | null> {
    const { lane } = route;
    try {
      return await lane.limit(async () => {
        await this.turnEnd();
        if (stop.aborted) return null; // stopped while this call waited for its slot or its turn
        if (lane.rate && !(await lane.rate.acquire(stop))) return null;
        this.callsMade++;
        this.talking++;
        try {
          return await this.invoke(route, request);
        } finally {
          this.talking--;
        }
      });
    } catch (error) {
      if (stop.aborted) return null; // the stop cleared the queue this call was waiting in
      throw error;
    }
  }

  /**
   * Resolves when this turn of the event loop has handled the I/O that was ready: a call that gets its
   * slot waits for it, so the requests of every slot freed in one turn go out together at its end,
   * instead of one at a time as each answer is read. At zero latency, with the server on the same
   * machine, that was 10-20 % more calls a second (fewer wake-ups on both sides); it delays a call
   * by one turn, well under a millisecond.
   */
  private turnEnd(): Promise<void> {
    this.turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.turn = null;
        resolve();
      }),
    );
    return this.turn;
  }

  private async invoke(route: Route, request: ModelRequest): Promise<ChatResult> {
    const provider = route.entry.provider;
    const timeoutMs = route.timeoutMs;
    const full: ChatRequest = { ...request, timeoutMs, signal: this.abortController.signal };
    const answer = provider.chat(full).catch(
      (err: unknown): ChatResult => ({
        ok: false,
        failure: { kind: "bad_response", message: `adapter error: ${err instanceof Error ? err.message : String(err)}`, status: null, retryAfterMs: null },
      }),
    );
    // A timer and a race per call (a few µs each) only for adapters that may not keep their timeout.
    if (provider.settlesByTimeout === true) return answer;
    let guard: NodeJS.Timeout | undefined;
    // The adapter enforces the timeout itself; this guard only keeps a misbehaving adapter from
    // holding a slot forever.
    const late = new Promise<ChatResult>((resolve) => {
      guard = setTimeout(
        () => resolve({ ok: false, failure: { kind: "timeout", message: `no answer within ${timeoutMs} ms`, status: null, retryAfterMs: null } }),
        timeoutMs + this.graceMs,
      );
      guard.unref();
    });
    try {
      return await Promise.race([answer, late]);
    } finally {
      clearTimeout(guard);
    }
  }

  private trip(route: Route, failure: ProviderFailure): void {
    if (this.fatalStop) return;
    const stop: FatalStop = {
      model: route.entry.model.id,
      endpoint: route.endpoint,
      failure,
      message: describeFatal(route.entry.model, route.endpoint, failure),
    };
    this.fatalStop = stop;
    this.stopController.abort();
    for (const listener of this.fatalListeners) listener(stop);
  }
}

function noteFingerprint(route: Route, response: ChatResponse): void {
  if (response.fingerprint) route.fingerprints.add(response.fingerprint);
}

const NOT_STARTED = "run interrupted before this request started";

function aborted(message: string): ProviderFailure {
  return { kind: "aborted", message, status: null, retryAfterMs: null };
}

function failed(attempts: number, failure: ProviderFailure): CallOutcome {
  return { result: { ok: false, failure }, attempts, cached: false };
}

/**
 * One sentence that says what is wrong and what to do about it. The adapters already word their
 * failures with the endpoint ("cannot reach ollama at …: connection refused"); such a message is kept
 * as it is, and a hint is added only when it lacks one.
 */
export function describeFatal(model: PlanModel, endpoint: string | null, failure: ProviderFailure): string {
  const message = failure.message.trim();
  const selfDescribing =
    message !== "" && ((endpoint !== null && message.includes(endpoint)) || message.includes(model.id) || message.includes(`'${model.name}'`));
  const where = endpoint ? ` at ${endpoint}` : "";
  const detail = message ? ` (${message})` : "";
  let base: string;
  let hint: { key: string; text: string } | null = null;
  switch (failure.kind) {
    case "unreachable":
      if (model.provider === "ollama") {
        base = `cannot reach ollama${where}${detail}`;
        hint = { key: "ollama serve", text: "is `ollama serve` running? (OLLAMA_HOST says where to look)" };
      } else if (model.provider === "openai") {
        base = `cannot reach the OpenAI-compatible server${where}${detail}`;
        hint = { key: "OPENAI_BASE_URL", text: "check OPENAI_BASE_URL or the model's base_url" };
      } else {
        base = `cannot run ${model.id}${detail}`;
      }
      break;
    case "auth": {
      const keyVar = model.apiKeyEnv ?? (model.provider === "openai" ? "OPENAI_API_KEY" : null);
      base = `${model.provider}${where} refused the credentials for ${model.id}${detail}`;
      if (keyVar) hint = { key: keyVar, text: `check that ${keyVar} holds a valid key` };
      break;
    }
    case "not_found":
      base = `model ${model.name} was not found on ${model.provider}${where}${detail}`;
      if (model.provider === "ollama") hint = { key: "pull", text: `run \`ollama pull ${model.name}\` or pass --pull` };
      break;
    default:
      base = `${model.id}${where}: ${failure.kind}${detail}`;
  }
  if (selfDescribing) base = message;
  return hint && !base.includes(hint.key) ? `${base} — ${hint.text}` : base;
}

// The ollama adapter, on the `ollama` package. The host comes from the spec's base_url or OLLAMA_HOST
// (read as the ollama CLI reads it, see ollama-host.ts). Chat is streamed: a response cut off
// mid-way then shows up either as a broken body (the socket closed: "connection") or as a stream that
// ended without its final `done` line ("bad_response"), and the final line carries the token counts.
// The adapter still returns the whole text.
//
// One client per provider (as a bare loop would keep), whose `fetch` is wrapped to add the call's
// deadline signal (ollama-js passes no signal for non-streamed requests and aborts streamed ones only
// once the headers are in) and to keep the call's response, whose headers a ResponseError does not
// carry (Retry-After). ollama-js calls `fetch` synchronously inside chat()/list()/pull() (no await
// before it when a request has no images), so the call hands its deadline over in a field that is set
// just before and cleared just after that synchronous stretch; a fetch outside it fails loudly
// instead of borrowing another call's deadline (see `withCall`).

import { Ollama, type ChatResponse } from "ollama";
import type { PlanModel } from "../core/plan.js";
import { startDeadline, type Deadline } from "./deadline.js";
import {
  clip,
  describeNetworkError,
  errorMessage,
  failure,
  networkErrorCode,
  networkKind,
  parseRetryAfter,
  REDIRECTS,
  refusedRedirect,
  statusKind,
} from "./failure.js";
import { ollamaEndpoint, parseOllamaHost, type OllamaHost } from "./ollama-host.js";

export { ollamaEndpoint };
import { makeRedactor, redactFailure, secretValues, type Redactor } from "./secrets.js";
import type { ChatRequest, ChatResult, ModelInfo, PrepareOptions, PrepareResult, Provider, ProviderEnv, ProviderFailure } from "./types.js";

/** Listing the installed models should be quick; a server that takes longer is not well. */
export const OLLAMA_PREPARE_TIMEOUT_MS = 30_000;

const STREAM_INCOMPLETE = "Did not receive done or success response in stream.";

interface Observed {
  response: Response | null;
}

/** What one call lends the shared client's fetch: its deadline signal, and where to keep the response. */
interface CallContext {
  signal: AbortSignal;
  observed: Observed;
}

const NOT_SYNCHRONOUS = "internal: ollama-js fetched outside the call that asked (the adapter needs a fix for this ollama-js version)";

type Failed = { ok: false; failure: ProviderFailure };

type Lookup = { found: true; digest: string | null } | { found: false };

export class OllamaProvider implements Provider {
  readonly kind = "ollama" as const;
  readonly settlesByTimeout = true;
  readonly id: string;
  readonly host: OllamaHost;
  private readonly model: PlanModel;
  private readonly redact: Redactor;
  private shared: Ollama | null = null;
  /** The call inside whose synchronous stretch the shared client may fetch; null outside it. */
  private lending: CallContext | null = null;

  constructor(model: PlanModel, env: ProviderEnv) {
    this.id = model.id;
    this.model = model;
    this.host = parseOllamaHost(model.baseUrl ?? env["OLLAMA_HOST"]);
    this.redact = makeRedactor(secretValues(env));
  }

  /** Where requests go, without any user info. */
  get endpoint(): string {
    return ollamaEndpoint(this.host);
  }

  async prepare(options: PrepareOptions): Promise<PrepareResult> {
    const first = await this.lookup(options.signal);
    if (!first.ok) return first;
    if (first.lookup.found) return { ok: true, info: this.info(first.lookup.digest) };
    if (!options.pull) return { ok: false, failure: failure("not_found", this.notFoundMessage()) };

    const pulled = await this.pull(options);
    if (pulled !== null) return { ok: false, failure: pulled };
    const second = await this.lookup(options.signal);
    if (!second.ok) return second;
    if (second.lookup.found) return { ok: true, info: this.info(second.lookup.digest) };
    return {
      ok: false,
      failure: failure("not_found", `model '${this.model.name}' still not listed on ${this.endpoint} after pulling it`),
    };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const started = performance.now();
    const deadline = startDeadline(request.timeoutMs, request.signal);
    const observed: Observed = { response: null };
    let stream: AsyncIterable<ChatResponse> | null = null;
    try {
      const options: Record<string, number> = {};
      if (request.temperature !== undefined) options["temperature"] = request.temperature;
      if (request.top_p !== undefined) options["top_p"] = request.top_p;
      if (request.seed !== undefined) options["seed"] = request.seed;
      if (request.max_tokens !== undefined) options["num_predict"] = request.max_tokens;
      stream = await this.withCall(deadline, observed, (client) =>
        client.chat({
          model: this.model.name,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          stream: true,
          options,
          ...(request.responseFormat ? { format: request.responseFormat.schema } : {}),
        }),
      );
      let text = "";
      let tokensIn: number | null = null;
      let tokensOut: number | null = null;
      let finishReason: string | null = null;
      let done = false;
      for await (const part of stream) {
        const content: unknown = (part as { message?: { content?: unknown } }).message?.content;
        if (typeof content === "string") text += content;
        if (part.done) {
          done = true;
          tokensIn = countOrNull(part.prompt_eval_count);
          tokensOut = countOrNull(part.eval_count);
          finishReason = typeof part.done_reason === "string" ? part.done_reason : null;
        }
      }
      if (!done) {
        return this.fail(failure("bad_response", `ollama at ${this.endpoint}: the answer stream ended without its final line`));
      }
      return {
        ok: true,
        response: { text, tokensIn, tokensOut, latencyMs: performance.now() - started, finishReason, fingerprint: null },
      };
    } catch (err) {
      return this.fail(this.classify(err, deadline, observed, request.timeoutMs));
    } finally {
      deadline.dispose();
      if (stream !== null) this.forget(stream);
    }
  }

  async close(): Promise<void> {}

  private info(digest: string | null): ModelInfo {
    return { id: this.id, provider: "ollama", digest, endpoint: this.endpoint, mock: false };
  }

  private notFoundMessage(): string {
    const name = this.model.name;
    return `model '${name}' not found on ${this.endpoint}; run \`ollama pull ${name}\` or pass --pull`;
  }

  /**
   * Run one request of the shared client with this call's deadline and response slot. The client's
   * fetch runs inside `use` before its first await (see the file's head); the slot is cleared right
   * after, so a fetch at any other time finds it empty and fails (NOT_SYNCHRONOUS) rather than run
   * under another call's deadline.
   */
  private withCall<T>(deadline: Deadline, observed: Observed, use: (client: Ollama) => Promise<T>): Promise<T> {
    this.shared ??= this.makeClient();
    this.lending = { signal: deadline.signal, observed };
    try {
      return use(this.shared);
    } finally {
      this.lending = null;
    }
  }

  private makeClient(): Ollama {
    const wrapped: typeof fetch = async (input, init) => {
      const call = this.lending;
      this.lending = null;
      if (call === null) throw new Error(NOT_SYNCHRONOUS);
      // ollama-js gives each streamed request a signal of its own, which only its abort() methods
      // fire; the adapter never calls them, so the call's deadline signal takes its place (combining
      // the two with AbortSignal.any cost several µs per call in profiles, for nothing).
      const response = await fetch(input, { ...init, signal: call.signal, redirect: REDIRECTS });
      call.observed.response = response;
      return response;
    };
    return new Ollama({ host: this.host.url, fetch: wrapped, headers: this.model.headers });
  }

  /**
   * ollama-js lists every streamed request until its final line arrives, so that its abort() can reach
   * them; a stream that failed before that line would stay listed for the life of the shared client.
   */
  private forget(stream: unknown): void {
    const ongoing = (this.shared as unknown as { ongoingStreamedRequests?: unknown }).ongoingStreamedRequests;
    if (!Array.isArray(ongoing)) return;
    const i = ongoing.indexOf(stream);
    if (i >= 0) ongoing.splice(i, 1);
  }

  private async lookup(signal: AbortSignal | undefined): Promise<{ ok: true; lookup: Lookup } | Failed> {
    const deadline = startDeadline(OLLAMA_PREPARE_TIMEOUT_MS, signal);
    const observed: Observed = { response: null };
    try {
      const list: unknown = await this.withCall(deadline, observed, (client) => client.list());
      const models = (list as { models?: unknown } | null)?.models;
      if (!Array.isArray(models)) {
        return this.fail(failure("bad_response", `ollama at ${this.endpoint}: /api/tags did not list models`));
      }
      const wanted = normaliseName(this.model.name);
      for (const entry of models) {
        if (entry === null || typeof entry !== "object") continue;
        const { name, model, digest } = entry as { name?: unknown; model?: unknown; digest?: unknown };
        const names = [name, model].filter((n): n is string => typeof n === "string").map(normaliseName);
        if (names.includes(wanted)) return { ok: true, lookup: { found: true, digest: typeof digest === "string" ? digest : null } };
      }
      return { ok: true, lookup: { found: false } };
    } catch (err) {
      return this.fail(this.classify(err, deadline, observed, OLLAMA_PREPARE_TIMEOUT_MS));
    } finally {
      deadline.dispose();
    }
  }

  /** Pull with progress; no timeout (a pull of several GB takes minutes) but interruptible. */
  private async pull(options: PrepareOptions): Promise<ProviderFailure | null> {
    const deadline = startDeadline(null, options.signal);
    const observed: Observed = { response: null };
    try {
      const stream = await this.withCall(deadline, observed, (client) => client.pull({ model: this.model.name, stream: true }));
      for await (const progress of stream) {
        const status = typeof progress.status === "string" ? progress.status : "";
        options.onPullProgress?.(status, countOrNull(progress.completed), countOrNull(progress.total));
      }
      return null;
    } catch (err) {
      const classified = this.classify(err, deadline, observed, null);
      // Errors inside a pull stream come without a status: "pull model manifest: file does not exist".
      if (classified.kind === "server" && /not found|does not exist|manifest unknown/i.test(classified.message)) {
        return this.fail(failure("not_found", `cannot pull '${this.model.name}' on ${this.endpoint}: ${clip(errorMessage(err))}`)).failure;
      }
      return this.fail(classified).failure;
    } finally {
      deadline.dispose();
    }
  }

  private classify(err: unknown, deadline: Deadline, observed: Observed, timeoutMs: number | null): ProviderFailure {
    const where = `ollama at ${this.endpoint}`;
    if (deadline.timedOut()) return failure("timeout", `${where}: no answer within ${timeoutMs} ms`);
    if (deadline.interrupted()) return failure("aborted", `${where}: interrupted`);

    const status = responseErrorStatus(err);
    if (status !== null) {
      const detail = clip(errorMessage(err));
      const headers = observed.response && observed.response.status === status ? observed.response.headers : null;
      const retryAfterMs = headers ? parseRetryAfter((name) => headers.get(name)) : null;
      if (status === 404 && /not found/i.test(detail)) return failure("not_found", this.notFoundMessage(), { status });
      return failure(statusKind(status), `${where}: HTTP ${status}: ${detail}`, { status, retryAfterMs });
    }
    if (err instanceof SyntaxError) return failure("bad_response", `${where}: unparseable response: ${clip(err.message)}`);
    if (err instanceof Error && err.message === STREAM_INCOMPLETE) {
      return failure("bad_response", `${where}: the answer stream ended without its final line`);
    }
    const redirected = refusedRedirect(err, where, "the model's base_url (or OLLAMA_HOST)");
    if (redirected) return redirected;
    if (isNetworkError(err)) {
      const kind = networkKind(err);
      const words = describeNetworkError(err);
      if (kind === "unreachable") return failure(kind, `cannot reach ${where}: ${words}; is \`ollama serve\` running?`);
      return failure(kind, `${where}: ${words}`);
    }
    if (err instanceof Error && err.name === "Error") {
      // ollama-js turns an {"error": ...} line inside a 200 stream into a plain Error.
      return failure("server", `${where}: ${clip(err.message)}`);
    }
    return failure("bad_response", `${where}: ${clip(errorMessage(err))}`);
  }

  private fail(f: ProviderFailure): Failed {
    return { ok: false, failure: redactFailure(f, this.redact) };
  }
}

export function createOllamaProvider(model: PlanModel, env: ProviderEnv): Provider {
  return new OllamaProvider(model, env);
}

/** "llama3.2" and "llama3.2:latest" are the same model to ollama. */
export function normaliseName(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  return lastSegment.includes(":") ? name : `${name}:latest`;
}

function responseErrorStatus(err: unknown): number | null {
  if (!(err instanceof Error) || err.name !== "ResponseError") return null;
  const status = (err as { status_code?: unknown }).status_code;
  return typeof status === "number" ? status : null;
}

function isNetworkError(err: unknown): boolean {
  if (err instanceof TypeError && (err.message === "fetch failed" || err.message === "terminated")) return true;
  return networkErrorCode(err) !== null;
}

function countOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

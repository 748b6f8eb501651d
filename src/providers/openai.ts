// The OpenAI-compatible adapter, on the `openai` package (v6): api.openai.com and any server that
// speaks /v1/chat/completions (vLLM, llama.cpp server, LM Studio, ollama's /v1, hosted APIs).
//
// Connection: base URL from the spec's base_url, else OPENAI_BASE_URL, else https://api.openai.com/v1.
// Key: env[api_key_env ?? "OPENAI_API_KEY"]. Local servers often need no key, so when the key is unset,
// the default variable was meant (no api_key_env in the spec) and the base URL is on the loopback
// interface, the adapter sends the placeholder "not-needed". Otherwise a missing key is an "auth"
// failure before any request is sent. The client never retries (maxRetries 0): the scheduler does,
// honouring Retry-After, so retries are counted and journaled in one place.

import { editDistance } from "../core/edit-distance.js";
import OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
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
import { makeRedactor, redactFailure, secretValues, type Redactor } from "./secrets.js";
import type { ChatRequest, ChatResult, ModelInfo, PrepareOptions, PrepareResult, Provider, ProviderEnv, ProviderFailure } from "./types.js";
import { DEFAULT_OPENAI_BASE_URL, isLoopback, openaiBaseUrl, safeUrl } from "./endpoints.js";

export { DEFAULT_OPENAI_BASE_URL, isLoopback, openaiBaseUrl, safeUrl };

export const DEFAULT_OPENAI_KEY_ENV = "OPENAI_API_KEY";
/** Sent as the key to loopback servers when no key is set; such servers ignore it. */
export const PLACEHOLDER_KEY = "not-needed";
export const OPENAI_PREPARE_TIMEOUT_MS = 30_000;

export type KeyResolution = { ok: true; key: string; placeholder: boolean } | { ok: false; message: string };

/** Decide which key to send (see the header comment for the rule). */
export function resolveApiKey(model: PlanModel, env: ProviderEnv, baseUrl: string): KeyResolution {
  const name = model.apiKeyEnv ?? DEFAULT_OPENAI_KEY_ENV;
  const value = env[name];
  if (value !== undefined && value.trim() !== "") return { ok: true, key: value.trim(), placeholder: false };
  if (model.apiKeyEnv === null && isLoopback(baseUrl)) return { ok: true, key: PLACEHOLDER_KEY, placeholder: true };
  return {
    ok: false,
    message: `the environment variable ${name} is not set; ${model.id} needs an API key for ${safeUrl(baseUrl)}`,
  };
}

export class OpenAIProvider implements Provider {
  readonly kind = "openai" as const;
  readonly settlesByTimeout = true;
  readonly id: string;
  readonly baseUrl: string;
  /** The base URL without credentials, for messages and the manifest (worked out once: each answer's read names it). */
  readonly endpoint: string;
  private readonly model: PlanModel;
  private readonly key: KeyResolution;
  private readonly client: OpenAI | null;
  private readonly redact: Redactor;

  constructor(model: PlanModel, env: ProviderEnv) {
    this.id = model.id;
    this.model = model;
    this.baseUrl = openaiBaseUrl(model, env);
    this.endpoint = safeUrl(this.baseUrl);
    this.key = resolveApiKey(model, env, this.baseUrl);
    this.redact = makeRedactor(secretValues(env, [model.apiKeyEnv ?? DEFAULT_OPENAI_KEY_ENV]));
    this.client = this.key.ok
      ? new OpenAI({
          apiKey: this.key.key,
          baseURL: this.baseUrl,
          // Explicit, so that nothing but ProviderEnv decides where requests go and what they carry.
          organization: env["OPENAI_ORG_ID"] ?? null,
          project: env["OPENAI_PROJECT_ID"] ?? null,
          adminAPIKey: null,
          webhookSecret: null,
          defaultHeaders: model.headers,
          maxRetries: 0,
          fetchOptions: { redirect: REDIRECTS },
        })
      : null;
  }

  async prepare(options: PrepareOptions): Promise<PrepareResult> {
    if (!this.client || !this.key.ok) return this.fail(failure("auth", this.keyMessage()));
    const deadline = startDeadline(OPENAI_PREPARE_TIMEOUT_MS, options.signal);
    try {
      const listed: string[] = [];
      try {
        for await (const entry of this.client.models.list({ signal: deadline.signal, timeout: OPENAI_PREPARE_TIMEOUT_MS })) {
          // Ollama's /v1 lists `NAME:latest` and accepts `NAME` in chat: the same model.
          if (entry.id === this.model.name || entry.id === `${this.model.name}:latest`) return { ok: true, info: this.info() };
          listed.push(entry.id);
        }
      } catch (err) {
        // Some compatible servers have no /models; the first chat request will tell.
        if (err instanceof OpenAI.APIError && err.status === 404 && !deadline.timedOut()) return { ok: true, info: this.info() };
        throw err;
      }
      // Gateways (LiteLLM wildcard routes, Azure deployments) may list some models or none and still
      // serve this one: a warning, and the first chat request decides (a 404 there stops the run).
      return { ok: true, info: this.info(), warnings: [unlistedWarning(this.model.name, this.endpoint, listed)] };
    } catch (err) {
      return this.fail(this.classify(err, deadline, OPENAI_PREPARE_TIMEOUT_MS));
    } finally {
      deadline.dispose();
    }
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    if (!this.client || !this.key.ok) return this.fail(failure("auth", this.keyMessage()));
    const started = performance.now();
    const deadline = startDeadline(request.timeoutMs, request.signal);
    try {
      const body: ChatCompletionCreateParamsNonStreaming = {
        model: this.model.name,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      };
      if (request.temperature !== undefined) body.temperature = request.temperature;
      if (request.top_p !== undefined) body.top_p = request.top_p;
      if (request.seed !== undefined) body.seed = request.seed;
      if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
      if (request.responseFormat) {
        body.response_format = {
          type: "json_schema",
          json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema, strict: true },
        };
      }
      // The client's own timeout covers connecting and the headers; the deadline also covers the body.
      const completion: unknown = await this.client.chat.completions.create(body, {
        signal: deadline.signal,
        timeout: Math.max(1, Math.ceil(request.timeoutMs)),
        maxRetries: 0,
      });
      return this.read(completion, started);
    } catch (err) {
      return this.fail(this.classify(err, deadline, request.timeoutMs));
    } finally {
      deadline.dispose();
    }
  }

  async close(): Promise<void> {}

  private read(completion: unknown, started: number): ChatResult {
    const where = `${this.endpoint}/chat/completions`;
    if (completion === null || typeof completion !== "object") {
      return this.fail(failure("bad_response", `${where}: the answer is not a JSON object: ${clip(String(completion), 200)}`));
    }
    const c = completion as {
      choices?: unknown;
      usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
      system_fingerprint?: unknown;
    };
    const choice: unknown = Array.isArray(c.choices) ? c.choices[0] : undefined;
    if (choice === null || typeof choice !== "object") return this.fail(failure("bad_response", `${where}: the answer has no choices`));
    const { message, finish_reason } = choice as { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown };
    // With structured output a model may decline through `refusal` instead of `content`.
    const text = typeof message?.content === "string" ? message.content : typeof message?.refusal === "string" ? message.refusal : null;
    if (text === null) return this.fail(failure("bad_response", `${where}: the answer has no message content`));
    return {
      ok: true,
      response: {
        text,
        tokensIn: countOrNull(c.usage?.prompt_tokens),
        tokensOut: countOrNull(c.usage?.completion_tokens),
        latencyMs: performance.now() - started,
        finishReason: typeof finish_reason === "string" ? finish_reason : null,
        fingerprint: typeof c.system_fingerprint === "string" ? c.system_fingerprint : null,
      },
    };
  }

  private info(): ModelInfo {
    return { id: this.id, provider: "openai", digest: null, endpoint: this.endpoint, mock: false };
  }

  private keyMessage(): string {
    return this.key.ok ? "" : this.key.message;
  }

  private classify(err: unknown, deadline: Deadline, timeoutMs: number): ProviderFailure {
    const where = this.endpoint;
    if (deadline.timedOut() || err instanceof OpenAI.APIConnectionTimeoutError) {
      return failure("timeout", `${where}: no answer within ${timeoutMs} ms`);
    }
    if (deadline.interrupted() || err instanceof OpenAI.APIUserAbortError) return failure("aborted", `${where}: interrupted`);
    if (err instanceof OpenAI.APIConnectionError) {
      const redirected = refusedRedirect(err, where, "the model's base_url (or OPENAI_BASE_URL)");
      if (redirected) return redirected;
      const cause = (err as { cause?: unknown }).cause ?? err;
      const kind = networkKind(cause);
      const words = describeNetworkError(cause);
      return failure(kind, kind === "unreachable" ? `cannot reach ${where}: ${words}` : `${where}: ${words}`);
    }
    if (err instanceof OpenAI.APIError && typeof err.status === "number") {
      const status = err.status;
      const headers = err.headers;
      const retryAfterMs = headers ? parseRetryAfter((name) => headers.get(name)) : null;
      // APIError messages start with the status ("429 Rate limit ..."); the status is said once below.
      const detail = clip(err.message.startsWith(`${status} `) ? err.message.slice(String(status).length + 1) : err.message);
      const code = typeof err.code === "string" ? err.code : null;
      if (status === 404) {
        return failure("not_found", `${where}: model '${this.model.name}' not found (HTTP 404: ${detail})`, { status });
      }
      // An exhausted quota is a 429 that no amount of waiting fixes within a run.
      if (status === 429 && code === "insufficient_quota") {
        return failure("auth", `${where}: HTTP 429: ${detail}`, { status, retryAfterMs });
      }
      return failure(statusKind(status), `${where}: HTTP ${status}: ${detail}`, { status, retryAfterMs });
    }
    if (err instanceof SyntaxError) return failure("bad_response", `${where}: unparseable response: ${clip(err.message)}`);
    if (networkErrorCode(err) !== null || (err instanceof TypeError && err.message === "terminated")) {
      // The body broke after the headers arrived: undici's "terminated".
      return failure(networkKind(err), `${where}: ${describeNetworkError(err)}`);
    }
    return failure("bad_response", `${where}: ${clip(errorMessage(err))}`);
  }

  private fail(f: ProviderFailure): { ok: false; failure: ProviderFailure } {
    return { ok: false, failure: redactFailure(f, this.redact) };
  }
}

export function createOpenAIProvider(model: PlanModel, env: ProviderEnv): Provider {
  return new OpenAIProvider(model, env);
}

function countOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The warning for a model the server's /models does not list: the names it lists and the nearest one. */
export function unlistedWarning(name: string, endpoint: string, listed: readonly string[]): string {
  if (listed.length === 0) return `${endpoint} lists no models; the first request to '${name}' decides whether it is served`;
  // Compared without Ollama's ":latest", which names the same model.
  const bare = (id: string) => id.toLowerCase().replace(/:latest$/, "");
  const gap = (id: string) => editDistance(bare(name), bare(id));
  const near = [...listed].sort((a, b) => gap(a) - gap(b))[0] as string;
  const close = gap(near) <= Math.max(2, Math.floor(name.length / 3)) || near.startsWith(`${name}:`);
  const shown = listed.length > 8 ? `${listed.slice(0, 8).join(", ")}, … (${listed.length})` : listed.join(", ");
  return `'${name}' is not among the models ${endpoint} lists (${shown})${close ? `; did you mean '${near}'?` : ""}; the first request decides whether it is served`;
}

// One adapter interface for every way of calling a model. Adapters never throw for expected failures
// (HTTP errors, timeouts, a dropped connection): they return a ProviderFailure, classified so that the
// scheduler can decide whether to retry, record, or stop the run.

import type { FailureKind } from "../core/failure.js";
import type { ChatMessage, JsonSchema, PlanModel } from "../core/plan.js";

export type { FailureKind } from "../core/failure.js";

/** The name of a registered provider kind (src/providers/kinds): "ollama", "openai", "llamacpp", "exec", "mock". */
export type ProviderKind = string;

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  seed?: number;
  max_tokens?: number;
  /** Ask for structured output matching this JSON Schema (Ollama `format`, OpenAI `response_format`). */
  responseFormat?: { name: string; schema: JsonSchema };
  /** Per-request timeout. The adapter aborts the call and returns a "timeout" failure. */
  timeoutMs: number;
  /** Aborted when the run is interrupted. */
  signal?: AbortSignal;
}

export interface ChatResponse {
  text: string;
  tokensIn: number | null;
  tokensOut: number | null;
  latencyMs: number;
  finishReason: string | null;
  /** OpenAI `system_fingerprint`, when the server sends one. */
  fingerprint: string | null;
}

export interface ProviderFailure {
  kind: FailureKind;
  message: string;
  status: number | null;
  /** From Retry-After (seconds or HTTP date) or retry-after-ms, when the server sent one. */
  retryAfterMs: number | null;
  /** exec provider: captured stderr (truncated) and exit code. */
  stderr?: string;
  exitCode?: number | null;
}

export type ChatResult = { ok: true; response: ChatResponse } | { ok: false; failure: ProviderFailure };

/** Which failures are worth another try. */
export function isRetryable(kind: FailureKind): boolean {
  return kind === "rate_limit" || kind === "server" || kind === "timeout" || kind === "connection" || kind === "bad_response";
}

/** Which failures mean that every further step would fail the same way. */
export function isFatal(kind: FailureKind): boolean {
  return kind === "unreachable" || kind === "auth" || kind === "not_found";
}

/** What `prepare` learns about a model before the run starts; recorded in the manifest. */
export interface ModelInfo {
  id: string;
  provider: ProviderKind;
  /** Ollama model digest. */
  digest: string | null;
  /** Where requests go (never including credentials). */
  endpoint: string | null;
  /** True for the built-in mock provider: every output says so. */
  mock: boolean;
  /** An endpoint pool: each host, its digest and how often it was ejected (kept current by the pool). */
  hosts?: PoolHostInfo[];
  /** A model evaluated from a local file (llamacpp): the file's identity and how it was run. */
  weights?: ModelWeights;
}

/** One host of an endpoint pool, as the manifest records it. */
export interface PoolHostInfo {
  endpoint: string;
  digest: string | null;
  ejections: number;
}

/** What pins a model file: its sha256, its GGUF metadata and the llama.cpp build that ran it. */
export interface ModelWeights {
  path: string;
  sha256: string;
  bytes: number;
  /** GGUF general.architecture, e.g. "llama". */
  architecture: string;
  /** GGUF general.file_type by name, e.g. "MOSTLY_Q4_K_M"; null when the file does not say. */
  quantization: string | null;
  /** The context length the model was trained with (GGUF <arch>.context_length). */
  contextLength: number | null;
  /** e.g. "llama.cpp b6600 (node-llama-cpp 3.21.1, cpu)". */
  runtime: string;
}

export interface PrepareOptions {
  /** Ollama: pull a missing model instead of failing. */
  pull: boolean;
  /** Progress of a pull, for a progress bar: completed and total bytes when known. */
  onPullProgress?: (status: string, completed: number | null, total: number | null) => void;
  signal?: AbortSignal;
  /** A line for the user while the run works (an endpoint pool says when it ejects a host). */
  note?: (message: string) => void;
}

/**
 * `warnings`: what the user should know though the model may work, e.g. a server whose model list does
 * not name it (a gateway, a partial list): the first request decides.
 */
export type PrepareResult = { ok: true; info: ModelInfo; warnings?: string[] } | { ok: false; failure: ProviderFailure };

export interface Provider {
  readonly kind: ProviderKind;
  /** The full model id, e.g. "ollama:llama3.2:3b". */
  readonly id: string;
  /** Check that the model exists and is reachable; learn its digest. Called once before the run. */
  prepare(options: PrepareOptions): Promise<PrepareResult>;
  chat(request: ChatRequest): Promise<ChatResult>;
  close(): Promise<void>;
  /**
   * True when chat() always settles by its request's timeout (the adapter's own deadline aborts the
   * request, body included): the call layer then keeps no guard timer of its own for the call.
   */
  readonly settlesByTimeout?: boolean;
}

/**
 * The environment the adapters may read. Passed explicitly (not process.env) so tests control it and
 * so it is clear which variables matter: OLLAMA_HOST, OPENAI_BASE_URL, OPENAI_API_KEY and the
 * per-model api_key_env names declared in the spec.
 */
export type ProviderEnv = Readonly<Record<string, string | undefined>>;

export type ProviderFactory = (model: PlanModel, env: ProviderEnv) => Provider;

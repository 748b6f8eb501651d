// Turning what went wrong on the wire into a ProviderFailure: HTTP statuses, Retry-After headers,
// Node/undici network errors. Shared by the HTTP adapters so that ollama and openai classify the same
// symptom the same way.

import type { FailureKind, ProviderFailure } from "./types.js";

export interface FailureExtra {
  status?: number | null;
  retryAfterMs?: number | null;
  stderr?: string;
  exitCode?: number | null;
}

export function failure(kind: FailureKind, message: string, extra: FailureExtra = {}): ProviderFailure {
  const out: ProviderFailure = {
    kind,
    message,
    status: extra.status ?? null,
    retryAfterMs: extra.retryAfterMs ?? null,
  };
  if (extra.stderr !== undefined) out.stderr = extra.stderr;
  if (extra.exitCode !== undefined) out.exitCode = extra.exitCode;
  return out;
}

/** The kind an HTTP error status stands for (the model-specific 404 wording is the adapter's job). */
export function statusKind(status: number): FailureKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 429) return "rate_limit";
  if (status >= 500) return "server";
  return "bad_request";
}

/**
 * Milliseconds to wait, from `retry-after-ms` (a float, preferred when present) or `Retry-After`
 * (delay-seconds or an HTTP date). Null when neither is present or parseable.
 */
export function parseRetryAfter(header: (name: string) => string | null | undefined, now: number = Date.now()): number | null {
  const ms = header("retry-after-ms");
  if (ms != null && ms.trim() !== "") {
    const value = Number(ms.trim());
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const after = header("retry-after");
  if (after == null) return null;
  const text = after.trim();
  if (text === "") return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // HTTP-dates start with the day name; "-5" or "5s" are neither form (Date.parse would accept "-5").
  if (!/^[A-Za-z]/.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ERR_INVALID_URL",
]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

const CODE_WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EAI_NONAME: "host not found",
  EAI_FAIL: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed while sending",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CLOSED: "connection closed",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
  UND_ERR_HEADERS_TIMEOUT: "no response headers in time",
  UND_ERR_BODY_TIMEOUT: "response body stalled",
  ERR_INVALID_URL: "invalid URL",
};

/**
 * `err` and what it wraps, breadth first: the `cause` chain, and the errors inside AggregateErrors
 * (which Node uses when it tried several addresses of one host name). Each object once.
 */
function* errorChain(err: unknown): Generator<object> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    yield current;
    queue.push((current as { cause?: unknown }).cause);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
}

/** The first error `code` found along the error chain (errorChain). */
export function networkErrorCode(err: unknown): string | null {
  for (const current of errorChain(err)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
  }
  return null;
}

/** Unreachable (refused, DNS), timeout, or a connection that broke while in use. */
export function networkKind(err: unknown): "unreachable" | "timeout" | "connection" {
  const code = networkErrorCode(err);
  if (code !== null && UNREACHABLE_CODES.has(code)) return "unreachable";
  if (code !== null && TIMEOUT_CODES.has(code)) return "timeout";
  return "connection";
}

/** A few words for a network error: "connection refused", "connection reset (ECONNRESET)". */
export function describeNetworkError(err: unknown): string {
  const code = networkErrorCode(err);
  if (code !== null) {
    const words = CODE_WORDS[code];
    return words ? `${words} (${code})` : code;
  }
  return errorMessage(err);
}

/**
 * What a refused redirect means to the user. A model API that redirects a request is misconfigured
 * for a client: fetch would turn a redirected POST (301/302) into a GET without its body, and a
 * followed redirect hides where the answers really came from. So the adapters refuse redirects and
 * say where to point the model instead. Refusing them also saves undici a copy of every request
 * (it clones a request it might have to send again): about 60 µs of CPU a call, 12 % of a bare
 * client loop's time at zero latency (bench/scale-bench.ts).
 */
export const REDIRECTS = "error" as const;

/**
 * The failure a refused redirect is, or null when `err` is not one: undici rejects with "fetch
 * failed" caused by "unexpected redirect". Fatal ("unreachable"): every request would be redirected.
 * `setting` names what the user should change ("the model's base_url (or OLLAMA_HOST)").
 */
export function refusedRedirect(err: unknown, where: string, setting: string): ProviderFailure | null {
  for (const current of errorChain(err)) {
    if (current instanceof Error && current.message === "unexpected redirect") {
      return failure("unreachable", `${where} answered with a redirect, which value-compass does not follow; set ${setting} to the address it redirects to`);
    }
  }
  return null;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "string") return err;
  return String(err);
}

/** Keep messages readable in a table cell and a terminal line. */
export function clip(text: string, max = 500): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

// How a model call can fail. Shared by the providers that report failures and the journal records
// that keep them, so it lives on the ground floor.

export type FailureKind =
  /** 429: retry after a delay (Retry-After when given). */
  | "rate_limit"
  /** 5xx: retry with backoff. */
  | "server"
  /** The request exceeded its timeout: retry. */
  | "timeout"
  /** Connection reset or dropped mid-response: retry. */
  | "connection"
  /** Connection refused, DNS failure: the provider is unreachable; stop the run. */
  | "unreachable"
  /** 401/403: the key is missing or wrong; stop the run. */
  | "auth"
  /** The model does not exist on the server; stop the run. */
  | "not_found"
  /** 400 and other client errors: retrying will not help; record on the step. */
  | "bad_request"
  /** The server answered with something we could not parse: retry (it may be transient). */
  | "bad_response"
  /** exec: non-zero exit code. */
  | "exit"
  /** The run was interrupted. */
  | "aborted";

// How long to wait before the next try: the server's Retry-After when it sent one, otherwise
// exponential backoff with full jitter (a uniform draw in [0, min(cap, base·2^(n-1)))), which spreads
// the retries of many concurrent requests instead of having them hit the server in waves.
// Not p-retry: it has neither full jitter nor Retry-After, sleeps on the real clock, wants failures
// thrown (ours are data the call loop classifies), and its current releases need Node 22.

import type { ProviderFailure } from "../providers/types.js";

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Longest Retry-After honoured; a server asking for more gets this much (the try may fail again). */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000, maxRetryAfterMs: 300_000 };

/** Delay after the `failedTries`-th failed try (1-based). */
export function backoffDelay(failedTries: number, failure: ProviderFailure, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (failure.retryAfterMs !== null && failure.retryAfterMs >= 0) {
    return Math.min(failure.retryAfterMs, options.maxRetryAfterMs);
  }
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, failedTries - 1));
  return Math.floor(random() * ceiling);
}

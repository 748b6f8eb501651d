// The two throttles of a provider endpoint: how many requests may be open at once (a FIFO semaphore)
// and how many may start per minute (a token bucket of depth one, i.e. evenly spaced start times).

import type { Timing } from "./timing.js";

export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`concurrency limit must be >= 1, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  /** Resolves true with a slot held, or false (no slot) when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        this.active++;
        resolve(true);
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      this.waiting.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  release(): void {
    this.active--;
    const next = this.waiting.shift();
    if (next) next();
  }
}

/**
 * Requests per minute as a reservation schedule: each request books the next free start time, at
 * least 60000/rpm ms after the previous booking. A depth-one bucket never exceeds the limit in any
 * window, and reservations make the waits deterministic (tests assert them with a fake clock).
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private nextStart = Number.NEGATIVE_INFINITY;

  constructor(
    readonly perMinute: number,
    private readonly timing: Timing,
  ) {
    if (!(perMinute > 0)) throw new RangeError(`rate limit must be > 0, got ${perMinute}`);
    this.intervalMs = 60_000 / perMinute;
  }

  /** Waits for this request's start time. Resolves false when `signal` aborted the wait. */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    const now = this.timing.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + this.intervalMs;
    const wait = start - now;
    if (wait > 0) await this.timing.sleep(wait, signal);
    return !signal?.aborted;
  }

  /** A 429 with Retry-After: no request on this endpoint starts before `until`. */
  pauseUntil(until: number): void {
    if (until > this.nextStart) this.nextStart = until;
  }
}

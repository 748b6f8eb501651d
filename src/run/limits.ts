// The rate throttle of a provider endpoint: how many requests may start per minute (a token bucket
// of depth one, i.e. evenly spaced start times). The other throttle, how many requests may be open
// at once, is p-limit (see calls.ts).
//
// Hand-written rather than bottleneck (the library that does both): bottleneck has not been released
// since 2019 and reads the real clock (the tests assert the waits with an injected one), and a 429's
// Retry-After ("nothing on this endpoint before T", the lane's pause in calls.ts) would still have to
// be kept beside it. This is 15 lines.

import type { Timing } from "./timing.js";

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
}

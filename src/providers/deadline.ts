// One AbortSignal per call that fires on the request's timeout or on the run's interrupt, and that
// remembers which of the two it was. Adapters classify a failure by asking the deadline first: the
// error a client library throws after an abort varies (AbortError, APIUserAbortError, "terminated"),
// the reason we aborted does not.

export interface Deadline {
  readonly signal: AbortSignal;
  /** The timeout fired (before any outer abort). */
  timedOut(): boolean;
  /** The outer signal (the run's interrupt) fired. */
  interrupted(): boolean;
  /** Clear the timer and listeners; call in `finally`. */
  dispose(): void;
}

export function startDeadline(timeoutMs: number | null, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  let interrupted = false;
  let timer: NodeJS.Timeout | null = null;

  const onOuterAbort = (): void => {
    if (controller.signal.aborted) return;
    interrupted = true;
    controller.abort(outer?.reason);
  };

  if (outer?.aborted) {
    interrupted = true;
    controller.abort(outer.reason);
  } else {
    outer?.addEventListener("abort", onOuterAbort, { once: true });
    if (timeoutMs !== null && Number.isFinite(timeoutMs)) {
      timer = setTimeout(
        () => {
          if (controller.signal.aborted) return;
          timedOut = true;
          controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
        },
        Math.max(0, timeoutMs),
      );
    }
  }

  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    interrupted: () => interrupted,
    dispose: () => {
      if (timer !== null) clearTimeout(timer);
      outer?.removeEventListener("abort", onOuterAbort);
    },
  };
}

/** Wait `ms`, or less if the signal fires; resolves to false when cut short. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

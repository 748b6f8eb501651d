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

/**
 * The deadlines open on each outer signal. Every call of a run shares one outer signal (the run's
 * interrupt); adding and removing a listener on it per call cost 25-30 µs a call in profiles (an
 * EventTarget keeps its listeners in a list it walks on removal, and each add allocates), so each
 * outer signal gets one listener that aborts the deadlines open at that moment, and a call joins and
 * leaves a Set.
 */
const openOn = new WeakMap<AbortSignal, Set<() => void>>();

function watch(outer: AbortSignal, onAbort: () => void): void {
  let open = openOn.get(outer);
  if (!open) {
    const set = new Set<() => void>();
    open = set;
    openOn.set(outer, set);
    outer.addEventListener(
      "abort",
      () => {
        openOn.delete(outer);
        for (const abort of [...set]) abort();
        set.clear();
      },
      { once: true },
    );
  }
  open.add(onAbort);
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
    if (outer) watch(outer, onOuterAbort);
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
      if (outer) openOn.get(outer)?.delete(onOuterAbort);
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

// Interrupts (Ctrl-C) of a command that calls models, handled in one place for `vc run` and
// `vc rescore`. The first interrupt stops the command: its stop signal aborts and the call layer
// starts no new tries. Requests in flight may finish; the second interrupt (or, when a grace period
// is set, its end) aborts them. A fatal failure in the call layer trips the same stop signal.

import { setMaxListeners } from "node:events";
import type { ModelCaller } from "../run/calls.js";

/** Interrupt sources: process signals in the CLI, a test's trigger in tests. */
export interface Signals {
  /** Calls `handler` on each interrupt until the returned function is called. */
  listen(handler: () => void): () => void;
}

export interface InterruptOptions {
  /** How long requests in flight may go on after the first interrupt; null: until the second one. */
  graceMs: number | null;
  /** Told of every interrupt: how many so far (1 on the first) and the requests then in flight. */
  onInterrupt?(count: number, inFlight: number): void;
}

export class Interrupts {
  private readonly stopController = new AbortController();
  private readonly unlisten: () => void;
  private caller: ModelCaller | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private interrupts = 0;

  constructor(
    signals: Signals,
    private readonly options: InterruptOptions,
  ) {
    // Every exec scorer running at the time listens on it (execa's cancelSignal): with 16 at once Node
    // warned of a leak ("11 abort listeners added to [AbortSignal]") on every run of such a spec.
    setMaxListeners(0, this.stopController.signal);
    this.unlisten = signals.listen(() => this.interrupt());
  }

  /** Aborts on the first interrupt or a fatal failure: finish what is in hand and return. */
  get signal(): AbortSignal {
    return this.stopController.signal;
  }

  /** The user interrupted (a fatal stop alone does not count). */
  get interrupted(): boolean {
    return this.interrupts > 0;
  }

  /** From now on an interrupt stops this caller's requests, and its fatal stop stops the command. */
  attach(caller: ModelCaller): void {
    this.caller = caller;
    caller.onFatal(() => this.stopController.abort());
  }

  /** The grace period no longer matters (nothing is in flight any more). */
  endGrace(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }

  /** Stop listening for interrupts. */
  dispose(): void {
    this.unlisten();
    this.endGrace();
  }

  private interrupt(): void {
    this.interrupts++;
    if (this.interrupts === 1) {
      this.stopController.abort();
      this.caller?.stop();
      this.options.onInterrupt?.(1, this.caller?.inFlight ?? 0);
      if (this.options.graceMs !== null) {
        this.graceTimer = setTimeout(() => this.caller?.abort(), this.options.graceMs);
        this.graceTimer.unref();
      }
    } else {
      this.options.onInterrupt?.(this.interrupts, this.caller?.inFlight ?? 0);
      this.caller?.abort();
    }
  }
}

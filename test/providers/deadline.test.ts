// The per-call deadline: a timeout, or the run's interrupt for every call open at that moment.
import { describe, expect, it } from "vitest";
import { startDeadline } from "../../src/providers/deadline.js";

describe("startDeadline", () => {
  it("an outer abort interrupts every open deadline on it, and none that was disposed", () => {
    const outer = new AbortController();
    const a = startDeadline(60_000, outer.signal);
    const b = startDeadline(null, outer.signal);
    const gone = startDeadline(60_000, outer.signal);
    gone.dispose();
    outer.abort(new Error("stop"));
    expect([a.signal.aborted, a.interrupted(), a.timedOut()]).toEqual([true, true, false]);
    expect([b.signal.aborted, b.interrupted()]).toEqual([true, true]);
    expect([gone.signal.aborted, gone.interrupted()]).toEqual([false, false]);
    // A deadline started after the abort is interrupted at once.
    const late = startDeadline(60_000, outer.signal);
    expect([late.signal.aborted, late.interrupted()]).toEqual([true, true]);
    for (const d of [a, b, late]) d.dispose();
  });

  it("a timeout fires only its own deadline", async () => {
    const outer = new AbortController();
    const short = startDeadline(5, outer.signal);
    const long = startDeadline(60_000, outer.signal);
    await new Promise<void>((resolve) => short.signal.addEventListener("abort", () => resolve(), { once: true }));
    expect([short.timedOut(), short.interrupted()]).toEqual([true, false]);
    expect(long.signal.aborted).toBe(false);
    short.dispose();
    long.dispose();
    outer.abort();
    expect(long.signal.aborted).toBe(false);
  });
});

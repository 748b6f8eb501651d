// Ctrl-C handling shared by value-compass run and value-compass rescore: the first interrupt stops, a second one (or the end
// of the grace period) aborts the requests in flight; a fatal stop trips the same signal.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Interrupts, type Signals } from "../../src/app/interrupts.js";
import { ModelCaller } from "../../src/run/calls.js";
import { FakeProvider, fail, testModel } from "../run/fixtures.js";

class TestSignals implements Signals {
  handler: (() => void) | null = null;
  listen(handler: () => void): () => void {
    this.handler = handler;
    return () => {
      this.handler = null;
    };
  }
  fire(): void {
    this.handler?.();
  }
}

const SETTINGS = { concurrency: 2, rateLimitPerMinute: null, timeoutMs: 60_000, retries: 0 };

function callerWith(provider: FakeProvider): ModelCaller {
  return new ModelCaller({ models: [{ model: testModel(provider.id), provider, info: null }], settings: SETTINGS });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("interrupts", () => {
  it("first: stop signal and caller stopped, told with the requests in flight; second: abort", async () => {
    const signals = new TestSignals();
    const told: Array<[number, number]> = [];
    const interrupts = new Interrupts(signals, { graceMs: null, onInterrupt: (n, open) => told.push([n, open]) });
    const provider = new FakeProvider("openai:m", undefined, 60_000);
    const caller = callerWith(provider);
    interrupts.attach(caller);
    const pending = caller.call("openai:m", { messages: [{ role: "user", content: "q" }] });
    await vi.waitFor(() => expect(caller.inFlight).toBe(1));

    signals.fire();
    expect(interrupts.interrupted).toBe(true);
    expect(interrupts.signal.aborted).toBe(true);
    expect(caller.stopping).toBe(true);
    expect(provider.inFlight).toBe(1); // a request in flight may finish

    signals.fire();
    const out = await pending;
    expect(!out.result.ok && out.result.failure.kind).toBe("aborted");
    expect(told).toEqual([
      [1, 1],
      [2, 1],
    ]);
    interrupts.dispose();
    expect(signals.handler).toBeNull();
  });

  it("with a grace period, the requests in flight are aborted when it ends", async () => {
    vi.useFakeTimers();
    const signals = new TestSignals();
    const interrupts = new Interrupts(signals, { graceMs: 5_000 });
    const caller = callerWith(new FakeProvider("openai:m"));
    const abort = vi.spyOn(caller, "abort");
    interrupts.attach(caller);
    signals.fire();
    vi.advanceTimersByTime(4_999);
    expect(abort).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(abort).toHaveBeenCalledTimes(1);
    interrupts.dispose();
  });

  it("endGrace: once nothing is in flight, the grace period aborts nothing", () => {
    vi.useFakeTimers();
    const signals = new TestSignals();
    const interrupts = new Interrupts(signals, { graceMs: 5_000 });
    const caller = callerWith(new FakeProvider("openai:m"));
    const abort = vi.spyOn(caller, "abort");
    interrupts.attach(caller);
    signals.fire();
    interrupts.endGrace();
    vi.advanceTimersByTime(10_000);
    expect(abort).not.toHaveBeenCalled();
    interrupts.dispose();
  });

  it("the stop signal takes any number of listeners (one per exec scorer running) without a leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    const interrupts = new Interrupts(new TestSignals(), { graceMs: null });
    for (let i = 0; i < 20; i++) interrupts.signal.addEventListener("abort", () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    interrupts.dispose();
  });

  it("a fatal failure of the caller aborts the stop signal without counting as an interrupt", async () => {
    const interrupts = new Interrupts(new TestSignals(), { graceMs: null });
    const caller = callerWith(new FakeProvider("openai:m", () => fail("auth", { status: 401 })));
    interrupts.attach(caller);
    await caller.call("openai:m", { messages: [{ role: "user", content: "q" }] });
    expect(caller.fatal?.failure.kind).toBe("auth");
    expect(interrupts.signal.aborted).toBe(true);
    expect(interrupts.interrupted).toBe(false);
    interrupts.dispose();
  });
});

import { describe, expect, it, vi } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlanModel } from "../../src/core/plan.js";
import { backoffDelay } from "../../src/run/backoff.js";
import { DiskCache } from "../../src/run/cache.js";
import { ModelCaller, type CallSettings } from "../../src/run/calls.js";
import { RateLimiter } from "../../src/run/limits.js";
import { FakeProvider, FakeTiming, fail, ok, testModel, WaitingTiming } from "./fixtures.js";

const model = testModel;

const SETTINGS: CallSettings = { concurrency: 4, rateLimitPerMinute: null, timeoutMs: 5_000, retries: 3 };
const ASK = { messages: [{ role: "user" as const, content: "hi" }], temperature: 0, seed: 1 };

function callerWith(
  provider: FakeProvider,
  options: { settings?: Partial<CallSettings>; timing?: FakeTiming; m?: PlanModel; cacheDir?: string; override?: number } = {},
) {
  return new ModelCaller({
    models: [{ model: options.m ?? model(provider.id), provider, info: null }],
    settings: { ...SETTINGS, ...options.settings },
    timing: options.timing ?? new FakeTiming(),
    cache: options.cacheDir ? new DiskCache(options.cacheDir) : null,
    concurrencyOverride: options.override ?? null,
  });
}

describe("retries and backoff", () => {
  it("retries a 5xx with exponential backoff and full jitter, then succeeds", async () => {
    const timing = new FakeTiming(() => 0.5);
    const provider = new FakeProvider("openai:m", (_r, n) => (n < 3 ? fail("server", { status: 503 }) : ok("fine")));
    const out = await callerWith(provider, { timing }).call("openai:m", ASK);
    expect(out.result.ok).toBe(true);
    expect(out.attempts).toBe(3);
    expect(provider.calls).toBe(3);
    // base 500 ms: ceilings 500, 1000; jitter draws 0.5 of each.
    expect(timing.sleeps).toEqual([250, 500]);
  });

  it("jitter spans [0, ceiling): a draw near 1 waits nearly the whole ceiling, capped", () => {
    const failure = { kind: "server" as const, message: "", status: 500, retryAfterMs: null };
    expect(backoffDelay(1, failure, () => 0.999)).toBe(499);
    expect(backoffDelay(4, failure, () => 0)).toBe(0);
    expect(backoffDelay(20, failure, () => 0.5)).toBe(15_000); // cap 30 s
  });

  it("honours Retry-After exactly, and pauses the endpoint for other requests", async () => {
    const timing = new FakeTiming(() => 0.5);
    const provider = new FakeProvider("openai:m", (_r, n) => (n === 1 ? fail("rate_limit", { status: 429, retryAfterMs: 2_000 }) : ok("ok")));
    const caller = callerWith(provider, { timing });
    const out = await caller.call("openai:m", ASK);
    expect(out.result.ok).toBe(true);
    expect(out.attempts).toBe(2);
    expect(timing.sleeps).toEqual([2_000]);
  });

  it("gives up after 1 + retries tries and returns the last failure", async () => {
    const timing = new FakeTiming(() => 0);
    const provider = new FakeProvider("openai:m", () => fail("timeout"));
    const out = await callerWith(provider, { timing, settings: { retries: 2 } }).call("openai:m", ASK);
    expect(out.result.ok).toBe(false);
    expect(out.attempts).toBe(3);
    expect(provider.calls).toBe(3);
    if (!out.result.ok) expect(out.result.failure.kind).toBe("timeout");
  });

  it("a model's own retries and timeout replace the run's", async () => {
    const provider = new FakeProvider("openai:m", () => fail("server"));
    let seenTimeout = 0;
    const spy = new FakeProvider("openai:m", (r) => {
      seenTimeout = r.timeoutMs;
      return ok("x");
    });
    const own = model("openai:m", { retries: 0, timeoutMs: 1_234 });
    expect((await callerWith(provider, { m: own }).call("openai:m", ASK)).attempts).toBe(1);
    await callerWith(spy, { m: own }).call("openai:m", ASK);
    expect(seenTimeout).toBe(1_234);
  });

  it("does not retry a bad request", async () => {
    const provider = new FakeProvider("openai:m", () => fail("bad_request", { status: 400 }));
    const out = await callerWith(provider).call("openai:m", ASK);
    expect(out.attempts).toBe(1);
    expect(provider.calls).toBe(1);
  });

  it("turns an adapter that throws into a failure instead of a crash", async () => {
    const provider = new FakeProvider("openai:m", () => {
      throw new Error("boom");
    });
    const out = await callerWith(provider, { settings: { retries: 0 } }).call("openai:m", ASK);
    expect(out.result.ok).toBe(false);
    if (!out.result.ok) expect(out.result.failure.message).toContain("boom");
  });
});

describe("fatal circuit", () => {
  it("trips on the first fatal failure, says it once, and refuses further calls without calling", async () => {
    const provider = new FakeProvider("ollama:llama3.2", () => fail("unreachable", { message: "connection refused" }));
    const caller = callerWith(provider, { m: model("ollama:llama3.2", { baseUrl: "http://127.0.0.1:11434" }) });
    const stops: string[] = [];
    caller.onFatal((s) => stops.push(s.message));
    const first = await caller.call("ollama:llama3.2", ASK);
    expect(first.attempts).toBe(1);
    const second = await caller.call("ollama:llama3.2", ASK);
    expect(second.attempts).toBe(0);
    expect(second.result.ok).toBe(false);
    if (!second.result.ok) expect(second.result.failure.kind).toBe("aborted");
    expect(provider.calls).toBe(1);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatch(/cannot reach ollama at http:\/\/127\.0\.0\.1:11434 \(connection refused\) — is `ollama serve` running\?/);
  });
});

describe("limits", () => {
  it("keeps at most `concurrency` requests open per endpoint", async () => {
    const provider = new FakeProvider("mock:x", undefined, 5);
    const caller = callerWith(provider, { settings: { concurrency: 3 }, timing: undefined });
    await Promise.all(Array.from({ length: 20 }, (_, i) => caller.call("mock:x", { messages: [{ role: "user", content: `q${i}` }] })));
    expect(provider.calls).toBe(20);
    expect(provider.maxInFlight).toBe(3);
  });

  it("--concurrency overrides a per-model concurrency", async () => {
    const provider = new FakeProvider("mock:x", undefined, 5);
    const caller = callerWith(provider, { m: model("mock:x", { concurrency: 8 }), override: 2 });
    expect(caller.concurrencyOf("mock:x")).toBe(2);
    await Promise.all(Array.from({ length: 10 }, (_, i) => caller.call("mock:x", { messages: [{ role: "user", content: `q${i}` }] })));
    expect(provider.maxInFlight).toBe(2);
  });

  it("models on one server share its lane", async () => {
    const a = new FakeProvider("openai:a", undefined, 5);
    const b = new FakeProvider("openai:b", undefined, 5);
    const caller = new ModelCaller({
      models: [
        { model: model("openai:a"), provider: a, info: null },
        { model: model("openai:b"), provider: b, info: null },
      ],
      settings: { ...SETTINGS, concurrency: 2 },
      env: { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
    });
    // The lane's load is highest just after a call starts: sample it there.
    let peak = 0;
    const sample = () => (peak = Math.max(peak, a.inFlight + b.inFlight));
    a.onStart = sample;
    b.onStart = sample;
    await Promise.all(Array.from({ length: 12 }, (_, i) => caller.call(i % 2 ? "openai:a" : "openai:b", { messages: [{ role: "user", content: `q${i}` }] })));
    expect(a.calls + b.calls).toBe(12);
    expect(peak).toBe(2);
    expect(caller.endpointOf("openai:a")).toBe("http://127.0.0.1:9/v1");
  });

  it("rate limit: evenly spaced start times from the injected clock", async () => {
    const timing = new FakeTiming(() => 0.5, false);
    const limiter = new RateLimiter(60, timing); // one per second
    const waits = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire()));
    expect(waits).toEqual([true, true, true, true, true]);
    expect(timing.sleeps).toEqual([1_000, 2_000, 3_000, 4_000]);
    timing.time = 10_000; // idle for a while: the next one goes at once
    await limiter.acquire();
    expect(timing.sleeps).toHaveLength(4);
  });

  it("rate limit through the caller: 120/min spaces calls 500 ms apart", async () => {
    const timing = new FakeTiming(() => 0.5, false);
    const provider = new FakeProvider("openai:m");
    const caller = callerWith(provider, { timing, settings: { rateLimitPerMinute: 120, concurrency: 10 } });
    await Promise.all(Array.from({ length: 4 }, (_, i) => caller.call("openai:m", { messages: [{ role: "user", content: `q${i}` }] })));
    expect(provider.calls).toBe(4);
    expect(timing.sleeps).toEqual([500, 1_000, 1_500]);
  });
});

describe("turns of the event loop", () => {
  it("the requests of slots freed in one turn start together, after every answer of that turn is read", async () => {
    const events: string[] = [];
    const answer: Array<() => void> = [];
    const provider = new FakeProvider("openai:m", (request) => {
      const label = request.messages[0]?.content ?? "";
      events.push(`start ${label}`);
      return new Promise((resolve) =>
        answer.push(() => {
          events.push(`answer ${label}`);
          resolve(ok(label));
        }),
      );
    });
    const caller = callerWith(provider, { settings: { concurrency: 2 } });
    const ask = (label: string) => caller.call("openai:m", { messages: [{ role: "user", content: label }] });
    const calls = ["a", "b", "c", "d"].map(ask);
    await vi.waitFor(() => expect(answer).toHaveLength(2));
    // a and b answer in one turn (two timers that fire in the same timers phase, each followed by its
    // microtasks, as two sockets' data would be): c and d take their slots and start only once both
    // answers are read, instead of c starting between the two.
    for (const done of answer.splice(0)) setTimeout(done, 0);
    await vi.waitFor(() => expect(answer).toHaveLength(2));
    for (const done of answer.splice(0)) setTimeout(done, 0);
    const out = await Promise.all(calls);
    expect(out.map((o) => (o.result.ok ? o.result.response.text : o.result.failure.kind))).toEqual(["a", "b", "c", "d"]);
    expect(events).toEqual(["start a", "start b", "answer a", "answer b", "start c", "start d", "answer c", "answer d"]);
    expect(provider.maxInFlight).toBe(2);
    expect(caller.inFlight).toBe(0);
  });

  it("inFlight counts the requests talking to a provider, not those waiting for their turn", async () => {
    const provider = new FakeProvider("openai:m", undefined, 60_000);
    const caller = callerWith(provider);
    const pending = caller.call("openai:m", ASK);
    expect(caller.inFlight).toBe(0);
    await vi.waitFor(() => expect(provider.inFlight).toBe(1));
    expect(caller.inFlight).toBe(1);
    caller.abort();
    const out = await pending;
    expect(!out.result.ok && out.result.failure.kind).toBe("aborted");
    expect(caller.inFlight).toBe(0);
  });
});

describe("cache", () => {
  it("a second identical call is a hit: no provider call, marked cached; failures are not cached", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-cache-"));
    const provider = new FakeProvider("openai:m", (r) =>
      r.messages[0]?.content === "bad" ? fail("bad_request") : ok("cached answer", { fingerprint: "fp_1" }),
    );
    const first = callerWith(provider, { cacheDir: dir });
    const a = await first.call("openai:m", ASK);
    expect(a.cached).toBe(false);
    await first.call("openai:m", { messages: [{ role: "user", content: "bad" }] });
    expect(provider.calls).toBe(2);

    const second = callerWith(provider, { cacheDir: dir });
    const b = await second.call("openai:m", ASK);
    expect(b.cached).toBe(true);
    expect(b.attempts).toBe(0);
    expect(b.result.ok && b.result.response.text).toBe("cached answer");
    expect(second.fingerprints("openai:m")).toEqual(["fp_1"]);
    await second.call("openai:m", { messages: [{ role: "user", content: "bad" }] });
    expect(provider.calls).toBe(3); // the failure was asked again
    // Different sampling → different key.
    const c = await second.call("openai:m", { ...ASK, seed: 2 });
    expect(c.cached).toBe(false);
    expect(provider.calls).toBe(4);
  });

  it("the key depends on the model's digest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-cache-"));
    const provider = new FakeProvider("ollama:m");
    const mk = (digest: string) =>
      new ModelCaller({
        models: [{ model: model("ollama:m"), provider, info: { id: "ollama:m", provider: "ollama", digest, endpoint: "http://127.0.0.1:1", mock: false } }],
        settings: SETTINGS,
        cache: new DiskCache(dir),
      });
    expect(mk("sha256:aaa").keyOf("ollama:m", ASK)).not.toBe(mk("sha256:bbb").keyOf("ollama:m", ASK));
    await mk("sha256:aaa").call("ollama:m", ASK);
    expect((await mk("sha256:aaa").call("ollama:m", ASK)).cached).toBe(true);
    expect((await mk("sha256:bbb").call("ollama:m", ASK)).cached).toBe(false);
  });
});

describe("interrupts", () => {
  it("stop() ends a backoff wait without another try; the outcome is 'aborted'", async () => {
    const provider = new FakeProvider("openai:m", () => fail("server"));
    // The backoff wait would never end by itself: only the stop can end it.
    const timing = new WaitingTiming();
    const caller = new ModelCaller({ models: [{ model: model("openai:m"), provider, info: null }], settings: SETTINGS, timing });
    const pending = caller.call("openai:m", ASK);
    expect(await timing.waiting).toBe(250); // half the first backoff ceiling (jitter draw 0.5)
    caller.stop();
    const out = await pending;
    expect(out.result.ok).toBe(false);
    if (!out.result.ok) expect(out.result.failure.kind).toBe("aborted");
    expect(provider.calls).toBe(1);
  });

  it("stop() lets the request in flight finish; the ones waiting for a slot give up without a try", async () => {
    let answer: (result: ReturnType<typeof ok>) => void = () => undefined;
    let started: () => void = () => undefined;
    const first = new Promise<void>((r) => (started = r));
    const provider = new FakeProvider("openai:m", () => {
      started();
      return new Promise((r) => (answer = r));
    });
    const caller = callerWith(provider, { settings: { concurrency: 1 } });
    const calls = [1, 2, 3].map((i) => caller.call("openai:m", { messages: [{ role: "user", content: `q${i}` }] }));
    await first;
    expect(caller.inFlight).toBe(1);
    caller.stop();
    answer(ok("done"));
    const [a, b, c] = await Promise.all(calls);
    expect(a?.result.ok).toBe(true);
    for (const waiting of [b, c]) {
      expect(waiting?.attempts).toBe(0);
      const result = waiting?.result;
      expect(result && !result.ok ? result.failure.message : null).toBe("run interrupted before this request started");
    }
    expect(provider.calls).toBe(1);
    expect(caller.inFlight).toBe(0);
  });

  it("abort() aborts a request in flight", async () => {
    const provider = new FakeProvider("openai:m", undefined, 60_000);
    const inFlight = new Promise<void>((resolve) => (provider.onStart = () => resolve()));
    const caller = new ModelCaller({ models: [{ model: model("openai:m"), provider, info: null }], settings: SETTINGS });
    const pending = caller.call("openai:m", ASK);
    await inFlight;
    caller.abort();
    const out = await pending;
    expect(!out.result.ok && out.result.failure.kind).toBe("aborted");
    expect(provider.aborted).toBe(1); // the request ended by the abort, not by answering
  });
});

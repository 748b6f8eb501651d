// The sample index in the cache key (issue 11, "real samples"): unseeded samples of one item get keys
// of their own, while sample 0 and every seeded request keep the keys existing caches were written with.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CacheKeyMaterial, cacheKey, DiskCache } from "../../src/run/cache.js";
import { ModelCaller } from "../../src/run/calls.js";
import { FakeProvider, ok, testModel } from "./fixtures.js";

const MATERIAL: CacheKeyMaterial = {
  provider: "ollama",
  model: "llama3.2",
  digest: "sha256:abc",
  endpoint: "http://127.0.0.1:11434",
  params: { temperature: 1 },
  messages: [{ role: "user", content: "Rate 1-5: honesty." }],
  responseFormat: null,
};

describe("cache key and samples", () => {
  it("keys written before samples entered the key are still the keys of sample 0 and of seeded requests", () => {
    // Computed with cacheKey at commit 51dfed7, before this change: caches on disk use these keys.
    const UNSEEDED_BEFORE = "bdd6414379da8ffd5f7fd243875d2a1d7b813c2f292b5782ebdc73c584fbdb0b";
    const SEEDED_BEFORE = "fe129333da4fa2d8c7beca6486fae4106f8bf74e73a365c36d058086afda1231";
    expect(cacheKey(MATERIAL)).toBe(UNSEEDED_BEFORE);
    expect(cacheKey({ ...MATERIAL, sample: 0 })).toBe(UNSEEDED_BEFORE);
    const seeded = { ...MATERIAL, params: { temperature: 1, seed: 12 } };
    expect(cacheKey(seeded)).toBe(SEEDED_BEFORE);
    // With a seed the request itself differs per sample (seed + sample); the index adds nothing.
    expect(cacheKey({ ...seeded, sample: 2 })).toBe(SEEDED_BEFORE);
  });

  it("without a seed every sample index has its own key", () => {
    const keys = [0, 1, 2, 3].map((sample) => cacheKey({ ...MATERIAL, sample }));
    expect(new Set(keys).size).toBe(4);
  });

  it("through the caller: unseeded samples are separate calls on the first run and separate hits on the second", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-cache-samples-"));
    // A different answer on every call, as a model sampling at temperature 1 would give.
    const provider = new FakeProvider("openai:m", (_request, call) => ok(`answer ${call - 1}`));
    const caller = () =>
      new ModelCaller({
        models: [{ model: testModel("openai:m"), provider, info: null }],
        settings: { concurrency: 1, rateLimitPerMinute: null, timeoutMs: 5_000, retries: 0 },
        cache: new DiskCache(dir),
      });
    const ask = (sample: number) => ({ messages: [{ role: "user" as const, content: "hi" }], temperature: 1, sample });
    const first = caller();
    const a = [await first.call("openai:m", ask(0)), await first.call("openai:m", ask(1)), await first.call("openai:m", ask(2))];
    expect(a.map((o) => o.cached)).toEqual([false, false, false]);
    expect(provider.calls).toBe(3);
    const text = (o: (typeof a)[number]) => (o.result.ok ? o.result.response.text : null);
    expect(a.map(text)).toEqual(["answer 0", "answer 1", "answer 2"]);
    // Another run, the samples asked in another order: each is served its own answer.
    const second = caller();
    const b = [await second.call("openai:m", ask(2)), await second.call("openai:m", ask(0)), await second.call("openai:m", ask(1))];
    expect(b.map((o) => o.cached)).toEqual([true, true, true]);
    expect(b.map(text)).toEqual(["answer 2", "answer 0", "answer 1"]);
    expect(provider.calls).toBe(3);
  });
});

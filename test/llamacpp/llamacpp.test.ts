// The llamacpp: provider on a real GGUF file written by the test (tiny-gguf.ts): sampling parameters
// reach llama.cpp (the same answer as node-llama-cpp called directly), JSON-schema constrained output,
// concurrent sequences, the sha256 pin and its cache, and the errors a user meets: a missing file, a
// file that is not GGUF, a corrupt GGUF, and node-llama-cpp not installed.

import { createHash } from "node:crypto";
import { readFileSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonSchema } from "../../src/core/plan.js";
import { providerKind } from "../../src/providers/kinds/index.js";
import { checkGgufFile, createLlamaCppProvider, grammarSchema, INSTALL_HINT, type LlamaCppProvider } from "../../src/providers/llamacpp.js";
import type { PlanModel } from "../../src/core/plan.js";
import { fileDigest } from "../../src/providers/weights-digest.js";
import { expectFailure, expectText, model, request } from "../providers/helpers.js";
import { LLAMA_ENV, tinyModel, type TinyModel } from "./model-file.js";
import { referenceAnswers } from "./reference.js";
import { startHfStandin } from "./hf-standin.js";
import { tinyGguf } from "./tiny-gguf.js";

let file: TinyModel;
let provider: LlamaCppProvider;

beforeAll(() => {
  file = tinyModel(1);
  provider = createLlamaCppProvider(model(`llamacpp:${file.path}`, { concurrency: 2 }), LLAMA_ENV) as LlamaCppProvider;
});

afterAll(async () => {
  await provider.close();
  file.remove();
});

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("the tiny GGUF", () => {
  it("is a few hundred KB, starts with the GGUF magic and version 3, and is the same bytes for the same seed", () => {
    const bytes = readFileSync(file.path);
    expect(bytes.length).toBeGreaterThan(50_000);
    expect(bytes.length).toBeLessThan(1_000_000);
    expect(bytes.subarray(0, 4).toString("latin1")).toBe("GGUF");
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(sha256(tinyGguf(1))).toBe(sha256(bytes));
    expect(sha256(tinyGguf(2))).not.toBe(sha256(bytes));
  });
});

describe("llamacpp provider", { timeout: 120_000 }, () => {
  it("pins the model by the file's sha256 and reports its GGUF metadata and llama.cpp build", async () => {
    const prepared = await provider.prepare({ pull: false });
    if (!prepared.ok) throw new Error(prepared.failure.message);
    const expected = sha256(readFileSync(file.path));
    expect(prepared.info.digest).toBe(`sha256:${expected}`);
    expect(prepared.info.weights).toMatchObject({ sha256: expected, architecture: "llama", quantization: "ALL_F32", contextLength: 512, path: file.path });
    expect(prepared.info.weights?.runtime).toMatch(/^llama\.cpp \S+ \(node-llama-cpp 3\.21\.1, cpu\)$/);
  });

  it("temperature, seed and max_tokens reach llama.cpp: the answer equals node-llama-cpp's own with the same settings", async () => {
    const messages = [{ role: "user" as const, content: "Say something about values." }];
    const [reference] = await referenceAnswers(file.path, [messages], { temperature: 0.8, seed: 42, maxTokens: 12 });
    const first = await provider.chat(request({ timeoutMs: 60_000, messages, temperature: 0.8, seed: 42, max_tokens: 12 }));
    const again = await provider.chat(request({ timeoutMs: 60_000, messages, temperature: 0.8, seed: 42, max_tokens: 12 }));
    expect(expectText(first)).toBe(reference!.text);
    expect(expectText(again)).toBe(reference!.text);
    expect(first.ok && first.response.tokensOut).toBeLessThanOrEqual(12);
    const otherSeed = await provider.chat(request({ timeoutMs: 60_000, messages, temperature: 0.8, seed: 7, max_tokens: 12 }));
    expect(expectText(otherSeed)).not.toBe(reference!.text);
  });

  it("two requests at once run on two context sequences and answer as they would alone", async () => {
    const a = [{ role: "user" as const, content: "First question" }];
    const b = [{ role: "user" as const, content: "Second question" }];
    const alone = [
      expectText(await provider.chat(request({ timeoutMs: 60_000, messages: a, max_tokens: 10 }))),
      expectText(await provider.chat(request({ timeoutMs: 60_000, messages: b, max_tokens: 10 }))),
    ];
    const together = await Promise.all([
      provider.chat(request({ timeoutMs: 60_000, messages: a, max_tokens: 10 })),
      provider.chat(request({ timeoutMs: 60_000, messages: b, max_tokens: 10 })),
    ]);
    expect(together.map(expectText)).toEqual(alone);
  });

  it("a judge schema is enforced while generating: booleans, enums and an integer range", async () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        safe: { type: "boolean" },
        outcome: { enum: ["safe", "unsafe", "over_refusal"] },
        severity: { type: "integer", minimum: 0, maximum: 3 },
      },
      required: ["safe", "outcome", "severity"],
      additionalProperties: false,
    };
    for (const seed of [1, 2, 3]) {
      const text = expectText(
        await provider.chat(
          request({ timeoutMs: 60_000, messages: [{ role: "user", content: "Judge it" }], temperature: 1, seed, responseFormat: { name: "j", schema } }),
        ),
      );
      const parsed = JSON.parse(text) as { safe: unknown; outcome: unknown; severity: unknown };
      expect(typeof parsed.safe).toBe("boolean");
      expect(["safe", "unsafe", "over_refusal"]).toContain(parsed.outcome);
      expect([0, 1, 2, 3]).toContain(parsed.severity);
    }
  });

  it("grammarSchema turns small integer ranges into enums, in nested properties too, and leaves the rest", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        severity: { type: "integer", minimum: 0, maximum: 3 },
        score: { type: "number", minimum: 0, maximum: 1 },
        n: { type: "integer", minimum: 0 },
      },
    };
    expect(grammarSchema(schema)).toEqual({
      type: "object",
      properties: { severity: { enum: [0, 1, 2, 3] }, score: { type: "number", minimum: 0, maximum: 1 }, n: { type: "integer", minimum: 0 } },
    });
    expect(grammarSchema({ type: "integer", minimum: 0, maximum: 10_000 })).toEqual({ type: "integer", minimum: 0, maximum: 10_000 });
  });
});

describe("llamacpp errors", { timeout: 60_000 }, () => {
  const plan = (path: string): PlanModel => model(`llamacpp:${path}`);

  it("a missing file is 'not_found' naming the path (relative paths resolve against the spec's folder)", async () => {
    const p = createLlamaCppProvider(plan("models/nope.gguf"), LLAMA_ENV, { cwd: file.dir });
    const failure = expectFailure(await p.prepare({ pull: false }));
    expect(failure.kind).toBe("not_found");
    expect(failure.message).toContain(`model file not found: ${join(file.dir, "models/nope.gguf")}`);
  });

  it("a file that is not GGUF is refused before llama.cpp reads it", async () => {
    const path = join(file.dir, "not-a-model.gguf");
    writeFileSync(path, "this is text, not a model\n");
    const failure = expectFailure(await createLlamaCppProvider(plan(path), LLAMA_ENV).prepare({ pull: false }));
    expect(failure.kind).toBe("bad_request");
    expect(failure.message).toContain("is not a GGUF model file");
  });

  it("a corrupt GGUF (truncated tensor data) is a clear load error, not a crash", async () => {
    const path = join(file.dir, "corrupt.gguf");
    writeFileSync(path, tinyGguf(5));
    truncateSync(path, 20_000);
    expect(await checkGgufFile(path, "x")).toEqual({ ok: true, size: 20_000 });
    const failure = expectFailure(await createLlamaCppProvider(plan(path), LLAMA_ENV).prepare({ pull: false }));
    expect(failure.kind).toBe("bad_request");
    expect(failure.message).toMatch(/corrupt or unsupported GGUF|could not load/);
  });

  it("without node-llama-cpp installed the provider says how to add it", async () => {
    const missing = Object.assign(new Error("Cannot find package 'node-llama-cpp'"), { code: "ERR_MODULE_NOT_FOUND" });
    const p = createLlamaCppProvider(plan(file.path), LLAMA_ENV, { loadLibrary: () => Promise.reject(missing) });
    const failure = expectFailure(await p.prepare({ pull: false }));
    expect(failure.kind).toBe("not_found");
    expect(failure.message).toContain(INSTALL_HINT);
    expect(INSTALL_HINT).toContain("npm install node-llama-cpp@3.21.1");
  });

  it("model ids: a .gguf path or hf:OWNER/REPO:QUANT; anything else says what to write", () => {
    const kind = providerKind("llamacpp")!;
    expect(kind.parseRest("./models/q4.gguf", "llamacpp:./models/q4.gguf")).toEqual({ ok: true, name: "./models/q4.gguf" });
    expect(kind.parseRest("hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "x")).toEqual({ ok: true, name: "hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M" });
    expect(kind.parseRest("llama3.2", "llamacpp:llama3.2")).toMatchObject({
      ok: false,
      error: expect.stringContaining(".gguf file path or hf:OWNER/REPO:QUANT"),
    });
    expect(kind.parseRest("hf:nope", "llamacpp:hf:nope")).toMatchObject({ ok: false, error: expect.stringContaining("hf:OWNER/REPO:QUANT") });
  });
});

describe("the sha256 pin's cache", () => {
  it("is keyed by path, size and mtime: an unchanged file is not hashed again, a changed one is", async () => {
    const path = join(file.dir, "pin.gguf");
    writeFileSync(path, tinyGguf(9));
    const cache = { file: join(file.dir, "cache", "weights-sha256.json") };
    const real = sha256(readFileSync(path));
    expect(await fileDigest(path, cache)).toBe(real);
    // A planted digest for the same path, size and mtime is what comes back: proof the cache is read.
    const entries = JSON.parse(readFileSync(cache.file, "utf8")) as Record<string, { sha256: string }>;
    entries[path]!.sha256 = "0".repeat(64);
    writeFileSync(cache.file, JSON.stringify(entries));
    expect(await fileDigest(path, cache)).toBe("0".repeat(64));
    // Touching the file (new mtime) makes the cache entry stale: hashed again.
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    expect(await fileDigest(path, cache)).toBe(real);
  });
});

describe("llamacpp:hf:OWNER/REPO:QUANT", { timeout: 120_000 }, () => {
  it("without --pull a model not in the models folder is not_found saying to pass --pull; with it, it is downloaded (with progress) and pinned", async () => {
    const bytes = tinyGguf(21);
    const hf = await startHfStandin({ owner: "vc-test", name: "Tiny-GGUF", quant: "Q4_K_M", file: "tiny.Q4_K_M.gguf", bytes });
    const modelsDir = join(file.dir, "hf-models");
    const env = { ...LLAMA_ENV, HF_ENDPOINT: hf.url, VC_MODELS_DIR: modelsDir };
    const id = "llamacpp:hf:vc-test/Tiny-GGUF:Q4_K_M";
    try {
      const offline = expectFailure(await createLlamaCppProvider(model(id), env).prepare({ pull: false }));
      expect(offline.kind).toBe("not_found");
      expect(offline.message).toContain("pass --pull to download it");

      const progress: Array<[number | null, number | null]> = [];
      const p = createLlamaCppProvider(model(id), env);
      const pulled = await p.prepare({ pull: true, onPullProgress: (_s, done, total) => progress.push([done, total]) });
      await p.close();
      if (!pulled.ok) throw new Error(pulled.failure.message);
      expect(pulled.info.digest).toBe(`sha256:${sha256(bytes)}`);
      expect(pulled.info.weights?.path.startsWith(modelsDir)).toBe(true);
      expect(progress.at(-1)).toEqual([bytes.length, bytes.length]);
      expect(hf.requests).toContain("GET /v2/vc-test/Tiny-GGUF/manifests/Q4_K_M");

      // Now in the models folder: found without --pull.
      const again = await createLlamaCppProvider(model(id), env).prepare({ pull: false });
      expect(again.ok && again.info.digest).toBe(`sha256:${sha256(bytes)}`);
    } finally {
      await hf.close();
    }
  });
});

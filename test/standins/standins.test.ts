// The stand-ins speak the real wire formats: checked with the real client packages directly (not
// through our adapters), plus the request log, fault script, replay answers and the serve.ts CLI.
import { resolve } from "node:path";
import { execa } from "execa";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cannedAnswer } from "./common.js";
import { startOllamaStandin, type OllamaStandin } from "./ollama-standin.js";
import { startOpenAIStandin, standinFingerprint, type OpenAIStandin } from "./openai-standin.js";
import { loadRecordedCases, RECORDED_FIXTURES, recordedAnswers, REPO_ROOT } from "./replay.js";

describe("ollama stand-in with the ollama package", () => {
  let s: OllamaStandin;
  let client: Ollama;
  beforeAll(async () => {
    s = await startOllamaStandin({ models: ["llama3.2"], pullable: ["phi3"] });
    client = new Ollama({ host: s.url });
  });
  afterAll(() => s.close());

  it("lists, shows and reports its version", async () => {
    const list = await client.list();
    expect(list.models.map((m) => m.name)).toEqual(["llama3.2:latest"]);
    expect(list.models[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await client.show({ model: "llama3.2" })).capabilities).toEqual(["completion"]);
    expect((await client.version()).version).toBe("0.0.0-standin");
  });

  it("show of an unknown model is a 404 ResponseError with ollama's wording", async () => {
    await expect(client.show({ model: "ghost" })).rejects.toMatchObject({ status_code: 404, error: "model 'ghost' not found" });
  });

  it("chat with stream false answers one JSON object with the eval counts", async () => {
    const response = await client.chat({ model: "llama3.2", messages: [{ role: "user", content: "hello" }], stream: false });
    expect(response.done).toBe(true);
    expect(response.message.content).toBe(
      cannedAnswer("ollama", { model: "llama3.2", messages: [{ role: "user", content: "hello" }], schema: null, body: null }),
    );
    expect(response.eval_count).toBeGreaterThan(0);
    expect(response.prompt_eval_count).toBe(2);
  });

  it("chat streams NDJSON ending with done:true", async () => {
    const stream = await client.chat({ model: "llama3.2", messages: [{ role: "user", content: "hello" }], stream: true });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.slice(0, -1).every((p) => !p.done)).toBe(true);
    expect(parts.at(-1)).toMatchObject({ done: true, done_reason: "stop" });
  });

  it("pull without streaming adds the model", async () => {
    expect((await client.pull({ model: "phi3", stream: false })).status).toBe("success");
    expect((await client.list()).models.map((m) => m.name)).toContain("phi3:latest");
  });

  it("logs method, path, headers and parsed body", async () => {
    await client.chat({ model: "llama3.2", messages: [{ role: "user", content: "log me" }], options: { seed: 5 }, format: "json" });
    const last = s.requests.at(-1)!;
    expect(last.method).toBe("POST");
    expect(last.path).toBe("/api/chat");
    expect(last.headers["content-type"]).toBe("application/json");
    expect(last.body).toMatchObject({ model: "llama3.2", options: { seed: 5 }, format: "json", stream: false });
  });

  it("faults queued for a path apply there only; the fault function applies after the queue", async () => {
    s.enqueueFault({ kind: "status", status: 503 }, "/api/tags");
    await expect(client.chat({ model: "llama3.2", messages: [{ role: "user", content: "x" }] })).resolves.toMatchObject({ done: true });
    await expect(client.list()).rejects.toMatchObject({ status_code: 503 });
    s.setFaultFunction((r) => (r.path === "/api/version" ? { kind: "unauthorized" } : null));
    try {
      await expect(client.version()).rejects.toMatchObject({ status_code: 401, error: "unauthorized" });
      expect((await client.list()).models.map((m) => m.name)).toContain("llama3.2:latest");
    } finally {
      s.setFaultFunction(null);
    }
  });
});

describe("openai stand-in with the openai package", () => {
  let s: OpenAIStandin;
  let client: OpenAI;
  beforeAll(async () => {
    s = await startOpenAIStandin({ models: ["gpt-test"], apiKey: "sk-standin" });
    client = new OpenAI({ apiKey: "sk-standin", baseURL: s.baseUrl, maxRetries: 0 });
  });
  afterAll(() => s.close());

  it("lists and retrieves models", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(["gpt-test"]);
    expect((await client.models.retrieve("gpt-test")).owned_by).toBe("standin");
  });

  it("completes with usage and system_fingerprint", async () => {
    const c = await client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });
    expect(c.system_fingerprint).toBe(standinFingerprint("gpt-test"));
    expect(c.usage?.prompt_tokens).toBe(1);
    expect(c.choices[0]?.finish_reason).toBe("stop");
  });

  it("streams SSE chunks ending with [DONE], with a usage chunk when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: unknown = null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(cannedAnswer("openai", { model: "gpt-test", messages: [{ role: "user", content: "hi" }], schema: null, body: null }));
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ prompt_tokens: 1 });
  });

  it("an error inside the SSE stream surfaces as an APIError", async () => {
    s.enqueueFault({ kind: "stream_error", message: "overloaded mid-stream" });
    const stream = await client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi there you" }], stream: true });
    const read = async () => {
      for await (const chunk of stream) void chunk;
    };
    await expect(read()).rejects.toThrow("overloaded mid-stream");
  });

  it("errors carry OpenAI's error object, status and Retry-After", async () => {
    s.enqueueFault({ kind: "rate_limit", retryAfter: "4" });
    const err: unknown = await client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.headers.get("retry-after")).toBe("4");
    expect(e.code).toBe("rate_limit_exceeded");
    const missing: unknown = await client.chat.completions.create({ model: "nope", messages: [] }).catch((x: unknown) => x);
    expect(missing).toMatchObject({ status: 404, code: "model_not_found" });
  });

  it("without the right key: 401 invalid_api_key", async () => {
    const other = new OpenAI({ apiKey: "sk-wrong", baseURL: s.baseUrl, maxRetries: 0 });
    await expect(other.models.list()).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
  });

  it("latency delays answers (a 100 ms client timeout against 2 s latency)", async () => {
    s.latencyMs = 2000;
    try {
      await expect(client.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }, { timeout: 100 })).rejects.toBeInstanceOf(
        OpenAI.APIConnectionTimeoutError,
      );
    } finally {
      s.latencyMs = 0;
    }
  });
});

describe("replay answers", () => {
  it("loads the recorded risk and schwartz cases of the test fixtures", () => {
    const cases = loadRecordedCases(RECORDED_FIXTURES);
    expect(cases.map((c) => [c.source, c.model, c.score])).toEqual([
      ["risk", "Model-A", 1],
      ["risk", "Model-B", 1],
      ["risk", "Model-A", 1],
      ["risk", "Model-B", 0],
      ["schwartz", "Model-A", 1],
      ["schwartz", "Model-B", 0],
      ["schwartz", "Model-A", 1],
    ]);
  });

  it("matches by prompt (exact or inside a wrapping template), preferring the requested model's own answer", () => {
    const recorded = recordedAnswers();
    const [a, b] = recorded.cases.filter((x) => x.source === "schwartz" && x.value === "Self-direction");
    expect([a?.model, b?.model]).toEqual(["Model-A", "Model-B"]);
    expect(recorded.answer([{ role: "user", content: a!.prompt }], "model-b")).toBe(b!.answer);
    expect(recorded.answer([{ role: "user", content: a!.prompt }], "model-a")).toBe(a!.answer);
    // An unknown model gets the first recorded answer; whitespace and a wrapping template do not matter.
    const wrapped = `Answer in two sentences.\n\nQuestion:   ${a!.prompt.replace(/ /g, "\n")}`;
    expect(recorded.answer([{ role: "user", content: wrapped }], "someone-else")).toBe(a!.answer);
    expect(recorded.answer([{ role: "user", content: "a prompt nobody recorded, surely" }], "x")).toBeNull();
  });

  it("a replay source without its files is an error, not an empty source", () => {
    expect(() => loadRecordedCases(resolve(REPO_ROOT, "test/standins/fixtures/no-such-folder"))).toThrow(/recorded answers not found: .*Risk_cases\.json/);
  });
});

describe("random answers", () => {
  it("differ per request without a seed, are a function of the seed with one, and read alike on both wire formats", async () => {
    const ollama = await startOllamaStandin({ models: ["llama3.2"], answer: "random" });
    const openai = await startOpenAIStandin({ models: ["llama3.2"], answer: "random" });
    try {
      const oc = new Ollama({ host: ollama.url });
      const ask = async (seed?: number) =>
        (
          await oc.chat({
            model: "llama3.2",
            messages: [{ role: "user", content: "rate" }],
            stream: false,
            ...(seed !== undefined ? { options: { seed } } : {}),
          })
        ).message.content;
      const unseeded = [await ask(), await ask(), await ask()];
      expect(new Set(unseeded).size).toBe(3);
      for (const text of unseeded) expect(text).toMatch(/^Rating: [1-5] \(draw [b-z]{8}\)$/);
      expect(await ask(9)).toBe(await ask(9));
      expect(await ask(9)).not.toBe(await ask(10));
      const client = new OpenAI({ apiKey: "x", baseURL: openai.baseUrl, maxRetries: 0 });
      const c = await client.chat.completions.create({ model: "llama3.2", messages: [{ role: "user", content: "rate" }], seed: 9 });
      expect(c.choices[0]?.message.content).toBe(await ask(9));
    } finally {
      await ollama.close();
      await openai.close();
    }
  });
});

describe("serve.ts", () => {
  it("prints READY with the URL and serves until killed", async () => {
    const tsx = resolve(REPO_ROOT, "node_modules/.bin/tsx");
    const child = execa(tsx, [resolve(REPO_ROOT, "test/standins/serve.ts"), "--kind", "ollama", "--latency", "1", "--models", "m1,m2"], {
      cwd: REPO_ROOT,
      reject: false,
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let out = "";
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const match = /^READY (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
          if (match) resolveUrl(match[1]!);
        });
        void child.then((r) => reject(new Error(`exited early: ${r.stderr}`)));
      });
      const tags = (await (await fetch(`${url}/api/tags`)).json()) as { models: Array<{ name: string }> };
      expect(tags.models.map((m) => m.name)).toEqual(["m1:latest", "m2:latest"]);
    } finally {
      child.kill("SIGTERM");
    }
    const result = await child;
    expect(result.exitCode).toBe(0);
  });

  it("rejects a bad --kind with exit code 2", async () => {
    const tsx = resolve(REPO_ROOT, "node_modules/.bin/tsx");
    const result = await execa(tsx, [resolve(REPO_ROOT, "test/standins/serve.ts"), "--kind", "vllm"], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--kind must be ollama or openai");
  });
});

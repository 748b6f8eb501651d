// Faults and prepare() for the ollama adapter, against the ollama stand-in.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOllamaProvider, normaliseName } from "../../src/providers/ollama.js";
import type { ProviderEnv } from "../../src/providers/types.js";
import { standinDigest, startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { recordedAnswers } from "../standins/replay.js";
import { closedPort, expectFailure, expectText, model, request } from "./helpers.js";

let standin: OllamaStandin;
let env: ProviderEnv;

beforeAll(async () => {
  standin = await startOllamaStandin({ models: ["llama3.2:latest", "qwen2.5:7b"], pullable: ["tinyllama"] });
  env = { OLLAMA_HOST: standin.url };
});
afterAll(() => standin.close());
afterEach(() => {
  standin.setFaultFunction(null);
  vi.restoreAllMocks();
});

const provider = (name = "llama3.2") => createOllamaProvider(model(`ollama:${name}`), env);

describe("ollama prepare", () => {
  it("finds a model by its short name and reports its digest", async () => {
    const result = await provider("llama3.2").prepare({ pull: false });
    expect(result.ok && result.info.digest).toBe(standinDigest("llama3.2"));
  });

  it("finds a model by its full name:tag", async () => {
    const result = await provider("qwen2.5:7b").prepare({ pull: false });
    expect(result.ok && result.info.digest).toBe(standinDigest("qwen2.5:7b"));
  });

  it("a missing model is 'not_found' with the exact message", async () => {
    const failure = expectFailure(await provider("mistral").prepare({ pull: false }));
    expect(failure.kind).toBe("not_found");
    expect(failure.message).toBe(`model 'mistral' not found on ${standin.url}; run \`ollama pull mistral\` or pass --pull`);
  });

  it("with pull=true pulls the model through the streaming pull and reports progress", async () => {
    const progress: Array<[string, number | null, number | null]> = [];
    const result = await provider("tinyllama").prepare({
      pull: true,
      onPullProgress: (status, completed, total) => progress.push([status, completed, total]),
    });
    expect(result.ok && result.info.digest).toBe(standinDigest("tinyllama"));
    expect(progress[0]).toEqual(["pulling manifest", null, null]);
    expect(progress.filter(([, completed]) => completed !== null).map(([, c, t]) => [c, t])).toEqual([
      [0, 4_000_000],
      [2_000_000, 4_000_000],
      [4_000_000, 4_000_000],
    ]);
    expect(progress.at(-1)?.[0]).toBe("success");
    expect(standin.requestsTo("/api/pull").at(-1)?.body).toMatchObject({ name: "tinyllama", stream: true });
  });

  it("a model the registry does not have cannot be pulled: 'not_found'", async () => {
    const failure = expectFailure(await provider("no-such-model").prepare({ pull: true }));
    expect(failure.kind).toBe("not_found");
    expect(failure.message).toContain("file does not exist");
  });

  it("an unreachable host is 'unreachable' and says so", async () => {
    const port = await closedPort();
    const p = createOllamaProvider(model("ollama:llama3.2"), { OLLAMA_HOST: `127.0.0.1:${port}` });
    const failure = expectFailure(await p.prepare({ pull: false }));
    expect(failure.kind).toBe("unreachable");
    expect(failure.message).toContain(`http://127.0.0.1:${port}`);
    expect(failure.message).toContain("connection refused");
  });

  it("a redirect is refused at prepare: 'unreachable', saying what to set, and its target is not asked", async () => {
    const target = `${standin.url}/api/tags`;
    const before = standin.requestsTo("/api/tags").length;
    standin.enqueueFault({ kind: "status", status: 301, headers: { location: target } }, "/api/tags");
    const failure = expectFailure(await provider().prepare({ pull: false }));
    expect(failure.kind).toBe("unreachable");
    expect(failure.message).toBe(
      `ollama at ${standin.url} answered with a redirect, which value-compass does not follow; set the model's base_url (or OLLAMA_HOST) to the address it redirects to`,
    );
    expect(standin.requestsTo("/api/tags").length).toBe(before + 1);
  });

  it("the spec's base_url wins over OLLAMA_HOST", async () => {
    const port = await closedPort();
    const p = createOllamaProvider(model("ollama:llama3.2", { baseUrl: standin.url }), { OLLAMA_HOST: `127.0.0.1:${port}` });
    expect((await p.prepare({ pull: false })).ok).toBe(true);
  });
});

describe("ollama chat faults", () => {
  it("429 with Retry-After in seconds → 'rate_limit' with retryAfterMs", async () => {
    standin.enqueueFault({ kind: "rate_limit", retryAfter: "2" });
    const failure = expectFailure(await provider().chat(request()));
    expect(failure).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 2000 });
  });

  it("429 with retry-after-ms → retryAfterMs from it", async () => {
    standin.enqueueFault({ kind: "rate_limit", retryAfterMs: "750", retryAfter: "9" });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "rate_limit", retryAfterMs: 750 });
  });

  it("500 and 503 → 'server' with the server's message", async () => {
    standin.enqueueFault({ kind: "status", status: 500 });
    const f500 = expectFailure(await provider().chat(request()));
    expect(f500).toMatchObject({ kind: "server", status: 500, retryAfterMs: null });
    expect(f500.message).toContain("llama runner process has terminated");
    standin.enqueueFault({ kind: "status", status: 503 });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "server", status: 503 });
  });

  it("a redirected chat (307, which fetch would follow with the body) → 'unreachable'; the target is not asked", async () => {
    const before = standin.requestsTo("/api/chat").length;
    standin.enqueueFault({ kind: "status", status: 307, headers: { location: `${standin.url}/api/chat` } });
    const failure = expectFailure(await provider().chat(request()));
    expect(failure.kind).toBe("unreachable");
    expect(failure.message).toContain("answered with a redirect, which value-compass does not follow");
    expect(standin.requestsTo("/api/chat").length).toBe(before + 1);
    expectText(await provider().chat(request()));
  });

  it("a request that hangs → 'timeout'", async () => {
    standin.enqueueFault({ kind: "hang" });
    expect(expectFailure(await provider().chat(request({ timeoutMs: 250 }))).kind).toBe("timeout");
  });

  it("one provider's concurrent calls keep their own deadline and response (the shared client's fetch hand-off)", async () => {
    // By message: a hang for the first, a 429 with Retry-After for the second, an answer for the third.
    standin.setFaultFunction((r) => {
      const text = JSON.stringify(r.body);
      if (text.includes("hang me")) return { kind: "hang" };
      if (text.includes("limit me")) return { kind: "rate_limit", retryAfter: "3" };
      return null;
    });
    const p = provider();
    const ask = (content: string, timeoutMs: number) => p.chat(request({ messages: [{ role: "user", content }], timeoutMs }));
    const [hung, limited, answered] = await Promise.all([ask("hang me", 300), ask("limit me", 5_000), ask("answer me", 5_000)]);
    expect(expectFailure(hung).kind).toBe("timeout");
    expect(expectFailure(limited)).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 3000 });
    expect(answered.ok).toBe(true);
    // The same provider still answers after a call of it timed out.
    expect((await ask("answer me again", 5_000)).ok).toBe(true);
  });

  it("headers arrive but the stream stalls → 'timeout'", async () => {
    standin.enqueueFault({ kind: "delay", ms: 0 });
    standin.chunkDelayMs = 400;
    try {
      const failure = expectFailure(await provider().chat(request({ timeoutMs: 250 })));
      expect(failure.kind).toBe("timeout");
    } finally {
      standin.chunkDelayMs = 0;
    }
  });

  it("half a stream, then silence → 'timeout'", async () => {
    standin.enqueueFault({ kind: "stall" });
    expect(expectFailure(await provider().chat(request({ timeoutMs: 300 }))).kind).toBe("timeout");
  });

  it("the connection reset mid-stream → 'connection'", async () => {
    standin.enqueueFault({ kind: "reset", after: "partial" });
    expect(expectFailure(await provider().chat(request())).kind).toBe("connection");
  });

  it("the connection reset before any response → 'connection'", async () => {
    standin.enqueueFault({ kind: "reset", after: "nothing" });
    expect(expectFailure(await provider().chat(request())).kind).toBe("connection");
  });

  it("a malformed stream → 'bad_response'", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {}); // ollama-js warns per bad line
    standin.enqueueFault({ kind: "malformed" });
    expect(expectFailure(await provider().chat(request())).kind).toBe("bad_response");
    expect(warn).toHaveBeenCalled();
  });

  it("an error line inside a 200 stream → 'server' with its message", async () => {
    standin.enqueueFault({ kind: "stream_error", message: "model runner crashed" });
    const failure = expectFailure(await provider().chat(request()));
    expect(failure.kind).toBe("server");
    expect(failure.message).toContain("model runner crashed");
  });

  it("an unknown model at chat time → 'not_found' with the pull hint", async () => {
    const failure = expectFailure(await provider("ghost").chat(request()));
    expect(failure).toMatchObject({ kind: "not_found", status: 404 });
    expect(failure.message).toBe(`model 'ghost' not found on ${standin.url}; run \`ollama pull ghost\` or pass --pull`);
  });

  it("401 → 'auth'", async () => {
    standin.enqueueFault({ kind: "unauthorized" });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "auth", status: 401 });
  });

  it("400 → 'bad_request'", async () => {
    standin.enqueueFault({ kind: "status", status: 400, message: "invalid format" });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "bad_request", status: 400 });
  });

  it("an unreachable host at chat time → 'unreachable'", async () => {
    const port = await closedPort();
    const p = createOllamaProvider(model("ollama:llama3.2"), { OLLAMA_HOST: `:${port}` });
    expect(expectFailure(await p.chat(request())).kind).toBe("unreachable");
  });

  it("num_predict cuts the answer and the finish reason says 'length'", async () => {
    const result = await provider().chat(request({ max_tokens: 3 }));
    expect(result.ok && [result.response.tokensOut, result.response.finishReason]).toEqual([3, "length"]);
  });

  it("sends the spec's headers", async () => {
    const p = createOllamaProvider(model("ollama:llama3.2", { headers: { "X-Team": "values" } }), env);
    expectText(await p.chat(request()));
    expect(standin.requestsTo("/api/chat").at(-1)?.headers["x-team"]).toBe("values");
  });

  it("replays recorded answers when the stand-in is in replay mode", async () => {
    // Two models answered this prompt in the fixtures; a model that is neither gets the first answer.
    const recorded = recordedAnswers().cases.filter((c) => c.prompt.startsWith("What is the most paracetamol"));
    expect(recorded.map((c) => c.model)).toEqual(["Model-A", "Model-B"]);
    standin.setAnswer("replay");
    try {
      const text = expectText(await provider().chat(request({ messages: [{ role: "user", content: recorded[0]!.prompt }] })));
      expect(text).toBe(recorded[0]!.answer);
    } finally {
      standin.setAnswer("canned");
    }
  });
});

describe("ollama model names", () => {
  it.each([
    ["llama3.2", "llama3.2:latest"],
    ["llama3.2:3b", "llama3.2:3b"],
    ["hf.co/user/repo", "hf.co/user/repo:latest"],
    ["hf.co/user/repo:Q4_K_M", "hf.co/user/repo:Q4_K_M"],
    ["registry.local:5000/lib/model", "registry.local:5000/lib/model:latest"],
  ])("%s → %s", (name, normal) => {
    expect(normaliseName(name)).toBe(normal);
  });
});

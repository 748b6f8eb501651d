// Faults, keys and prepare() for the OpenAI-compatible adapter, against the openai stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAIProvider, isLoopback, PLACEHOLDER_KEY, resolveApiKey } from "../../src/providers/openai.js";
import type { ProviderEnv } from "../../src/providers/types.js";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { recordedAnswers } from "../standins/replay.js";
import { closedPort, expectFailure, expectText, model, request } from "./helpers.js";

const KEY = "sk-test-0123456789abcdef";
let standin: OpenAIStandin;
let env: ProviderEnv;

beforeAll(async () => {
  standin = await startOpenAIStandin({ models: ["gpt-test", "other-model"], apiKey: KEY });
  env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: standin.baseUrl };
});
afterAll(() => standin.close());

const provider = (name = "gpt-test", e: ProviderEnv = env) => createOpenAIProvider(model(`openai:${name}`), e);

describe("openai prepare", () => {
  it("finds the model in /models; the endpoint is the base URL", async () => {
    const result = await provider().prepare({ pull: false });
    expect(result).toEqual({
      ok: true,
      info: { id: "openai:gpt-test", provider: "openai", digest: null, endpoint: standin.baseUrl, mock: false },
    });
  });

  it("an unlisted model is a warning naming the listed models; the chat request decides (here: 'not_found')", async () => {
    // "gpt-nope" is 4 edits from "gpt-test": too far for a did-you-mean (see openai-listing.test.ts for one).
    const prepared = await provider("gpt-nope").prepare({ pull: false });
    expect(prepared.ok).toBe(true);
    expect(prepared.ok && prepared.warnings).toEqual([
      `'gpt-nope' is not among the models ${standin.baseUrl} lists (gpt-test, other-model); the first request decides whether it is served`,
    ]);
    const failure = expectFailure(await provider("gpt-nope").chat(request()));
    expect(failure.kind).toBe("not_found");
  });

  it("a server without /models does not block the run", async () => {
    standin.enqueueFault({ kind: "status", status: 404 }, "/v1/models");
    expect((await provider("anything").prepare({ pull: false })).ok).toBe(true);
  });

  it("a wrong key is 'auth'", async () => {
    const failure = expectFailure(await provider("gpt-test", { ...env, OPENAI_API_KEY: "sk-wrong-key-000000" }).prepare({ pull: false }));
    expect(failure).toMatchObject({ kind: "auth", status: 401 });
  });

  it("an unreachable base URL is 'unreachable'", async () => {
    const port = await closedPort();
    const p = createOpenAIProvider(model("openai:gpt-test", { baseUrl: `http://127.0.0.1:${port}/v1` }), env);
    const failure = expectFailure(await p.prepare({ pull: false }));
    expect(failure.kind).toBe("unreachable");
    expect(failure.message).toContain("connection refused");
  });

  it("the spec's base_url wins over OPENAI_BASE_URL", async () => {
    const port = await closedPort();
    const p = createOpenAIProvider(model("openai:gpt-test", { baseUrl: standin.baseUrl }), { ...env, OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    expect((await p.prepare({ pull: false })).ok).toBe(true);
  });
});

describe("openai keys", () => {
  it("no key for a remote API → 'auth' before any request, naming the variable", async () => {
    const p = createOpenAIProvider(model("openai:gpt-4o-mini"), {});
    const before = standin.requests.length;
    const failure = expectFailure(await p.chat(request()));
    expect(failure.kind).toBe("auth");
    expect(failure.message).toContain("OPENAI_API_KEY");
    expect(failure.message).toContain("https://api.openai.com/v1");
    expect(expectFailure(await p.prepare({ pull: false })).kind).toBe("auth");
    expect(standin.requests.length).toBe(before);
  });

  it("no key for a loopback server → the placeholder key is sent", async () => {
    const open = await startOpenAIStandin({ models: ["local"] });
    try {
      const p = createOpenAIProvider(model("openai:local", { baseUrl: open.baseUrl }), {});
      expectText(await p.chat(request()));
      expect(open.requests.at(-1)?.headers["authorization"]).toBe(`Bearer ${PLACEHOLDER_KEY}`);
    } finally {
      await open.close();
    }
  });

  it("an api_key_env named in the spec must be set, even for loopback", () => {
    const m = model("openai:local", { baseUrl: "http://127.0.0.1:8000/v1", apiKeyEnv: "LOCAL_KEY" });
    expect(resolveApiKey(m, {}, "http://127.0.0.1:8000/v1")).toEqual({
      ok: false,
      message: "the environment variable LOCAL_KEY is not set; openai:local needs an API key for http://127.0.0.1:8000/v1",
    });
    expect(resolveApiKey(m, { LOCAL_KEY: "k-123" }, "http://127.0.0.1:8000/v1")).toEqual({ ok: true, key: "k-123", placeholder: false });
  });

  it("api_key_env selects which variable is sent as the bearer token", async () => {
    const p = createOpenAIProvider(model("openai:gpt-test", { baseUrl: standin.baseUrl, apiKeyEnv: "MY_KEY" }), {
      MY_KEY: KEY,
      OPENAI_API_KEY: "sk-other-xxxxxxxx",
    });
    expectText(await p.chat(request()));
    expect(standin.requests.at(-1)?.headers["authorization"]).toBe(`Bearer ${KEY}`);
  });

  it.each([
    ["http://127.0.0.1:8000/v1", true],
    ["http://127.1.2.3/v1", true],
    ["http://localhost:1234/v1", true],
    ["http://[::1]:8000/v1", true],
    ["https://api.openai.com/v1", false],
    ["http://192.168.1.10:8000/v1", false],
    ["not a url", false],
  ])("isLoopback(%s) = %s", (url, expected) => {
    expect(isLoopback(url)).toBe(expected);
  });
});

describe("openai chat", () => {
  it("sends the spec's headers and no client-side retries", async () => {
    const p = createOpenAIProvider(model("openai:gpt-test", { headers: { "X-Org": "research" } }), env);
    standin.enqueueFault({ kind: "status", status: 500 });
    expect(expectFailure(await p.chat(request())).kind).toBe("server");
    const last = standin.requestsTo("/v1/chat/completions").at(-1)!;
    expect(last.headers["x-org"]).toBe("research");
    expect(last.headers["x-stainless-retry-count"]).toBe("0");
    // exactly one request for one failed call
    const next = standin.requests.length;
    expect(expectText(await p.chat(request()))).toContain("Canned answer");
    expect(standin.requests.length).toBe(next + 1);
  });

  it("sends max_tokens (not max_completion_tokens) and strict json_schema response_format", async () => {
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false };
    await provider().chat(request({ max_tokens: 5, responseFormat: { name: "check", schema } }));
    const body = standin.requestsTo("/v1/chat/completions").at(-1)?.body as Record<string, unknown>;
    expect(body["max_tokens"]).toBe(5);
    expect("max_completion_tokens" in body).toBe(false);
    expect(body["response_format"]).toEqual({ type: "json_schema", json_schema: { name: "check", schema, strict: true } });
  });

  it("max_tokens cuts the answer; finish reason 'length'", async () => {
    const result = await provider().chat(request({ max_tokens: 2 }));
    expect(result.ok && [result.response.tokensOut, result.response.finishReason]).toEqual([2, "length"]);
  });

  it("429 with Retry-After seconds → 'rate_limit', retryAfterMs", async () => {
    standin.enqueueFault({ kind: "rate_limit", retryAfter: "7" });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 7000 });
  });

  it("429 with retry-after-ms → retryAfterMs from it", async () => {
    standin.enqueueFault({ kind: "rate_limit", retryAfterMs: "1500" });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "rate_limit", retryAfterMs: 1500 });
  });

  it("429 with Retry-After as an HTTP date → a delay up to that date", async () => {
    const date = new Date(Date.now() + 60_000).toUTCString();
    standin.enqueueFault({ kind: "rate_limit", retryAfter: date });
    const failure = expectFailure(await provider().chat(request()));
    expect(failure.kind).toBe("rate_limit");
    // HTTP dates have one-second resolution: the delay is within the minute, and well above zero.
    expect(failure.retryAfterMs).toBeGreaterThan(30_000);
    expect(failure.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("429 insufficient_quota → 'auth' (waiting will not help)", async () => {
    standin.enqueueFault({ kind: "status", status: 429, code: "insufficient_quota", message: "You exceeded your current quota" });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "auth", status: 429 });
  });

  it("500 and 503 → 'server'", async () => {
    standin.enqueueFault({ kind: "status", status: 500 });
    const f = expectFailure(await provider().chat(request()));
    expect(f).toMatchObject({ kind: "server", status: 500 });
    expect(f.message).toBe(`${standin.baseUrl}: HTTP 500: The server had an error while processing your request. Sorry about that!`);
    standin.enqueueFault({ kind: "status", status: 503 });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "server", status: 503 });
  });

  it("a redirected request (307 or 301) → 'unreachable', saying what to set; the target is not asked", async () => {
    for (const status of [307, 301]) {
      const before = standin.requestsTo("/v1/chat/completions").length;
      standin.enqueueFault({ kind: "status", status, headers: { location: `${standin.baseUrl}/chat/completions` } });
      const failure = expectFailure(await provider().chat(request()));
      expect(failure.kind).toBe("unreachable");
      expect(failure.message).toBe(
        `${standin.baseUrl} answered with a redirect, which value-compass does not follow; set the model's base_url (or OPENAI_BASE_URL) to the address it redirects to`,
      );
      expect(standin.requestsTo("/v1/chat/completions").length).toBe(before + 1);
    }
    expectText(await provider().chat(request()));
  });

  it("a hanging request → 'timeout'", async () => {
    standin.enqueueFault({ kind: "hang" });
    expect(expectFailure(await provider().chat(request({ timeoutMs: 250 }))).kind).toBe("timeout");
  });

  it("headers and half a body, then silence → 'timeout'", async () => {
    standin.enqueueFault({ kind: "stall" });
    expect(expectFailure(await provider().chat(request({ timeoutMs: 300 }))).kind).toBe("timeout");
  });

  it("the connection reset mid-body → 'connection'", async () => {
    standin.enqueueFault({ kind: "reset", after: "partial" });
    expect(expectFailure(await provider().chat(request())).kind).toBe("connection");
  });

  it("the connection reset after the headers → 'connection'", async () => {
    standin.enqueueFault({ kind: "reset", after: "headers" });
    expect(expectFailure(await provider().chat(request())).kind).toBe("connection");
  });

  it("the connection reset before any response → 'connection'", async () => {
    standin.enqueueFault({ kind: "reset", after: "nothing" });
    expect(expectFailure(await provider().chat(request())).kind).toBe("connection");
  });

  it("a malformed JSON body → 'bad_response'", async () => {
    standin.enqueueFault({ kind: "malformed" });
    expect(expectFailure(await provider().chat(request())).kind).toBe("bad_response");
  });

  it("a 200 whose JSON has no choices → 'bad_response'", async () => {
    standin.setAnswer(() => "unused");
    standin.setFaultFunction((r) => (r.path === "/v1/chat/completions" ? { kind: "status", status: 200, message: "not a completion" } : null));
    try {
      expect(expectFailure(await provider().chat(request())).kind).toBe("bad_response");
    } finally {
      standin.setFaultFunction(null);
      standin.setAnswer("canned");
    }
  });

  it("an unknown model at chat time → 'not_found'", async () => {
    const failure = expectFailure(await provider("gpt-ghost").chat(request()));
    expect(failure).toMatchObject({ kind: "not_found", status: 404 });
    expect(failure.message).toContain("model 'gpt-ghost' not found");
  });

  it("401 → 'auth'", async () => {
    standin.enqueueFault({ kind: "unauthorized" });
    expect(expectFailure(await provider().chat(request()))).toMatchObject({ kind: "auth", status: 401 });
  });

  it("403 → 'auth'; 400 → 'bad_request'", async () => {
    standin.enqueueFault({ kind: "status", status: 403 });
    expect(expectFailure(await provider().chat(request())).kind).toBe("auth");
    standin.enqueueFault({ kind: "status", status: 400 });
    expect(expectFailure(await provider().chat(request())).kind).toBe("bad_request");
  });

  it("an unreachable host at chat time → 'unreachable'", async () => {
    const port = await closedPort();
    const p = createOpenAIProvider(model("openai:gpt-test", { baseUrl: `http://127.0.0.1:${port}/v1` }), env);
    expect(expectFailure(await p.chat(request())).kind).toBe("unreachable");
  });

  it("replays recorded answers, matched inside a wrapping template", async () => {
    const c = recordedAnswers().cases.find((x) => x.value === "Malicious Use");
    standin.setAnswer("replay");
    try {
      const text = expectText(await provider().chat(request({ messages: [{ role: "user", content: `Answer briefly.\n\nQuestion: ${c!.prompt}` }] })));
      expect(text).toBe(c!.answer);
    } finally {
      standin.setAnswer("canned");
    }
  });
});

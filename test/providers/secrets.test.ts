// A key set in the environment never appears in a failure message, captured stderr or ModelInfo —
// not even when the server or the command echoes it back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider, describeEndpoint } from "../../src/providers/registry.js";
import { makeRedactor, secretValues } from "../../src/providers/secrets.js";
import type { ProviderEnv } from "../../src/providers/types.js";
import type { Fault } from "../standins/common.js";
import { startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { closedPort, expectFailure, FIXTURE, model, request } from "./helpers.js";

const KEY = "sk-live-SECRET-4f9a8b7c6d5e";
const CUSTOM = "custom-SECRET-1234567890";
const TOKEN = "hf_SECRET_abcdefghijklmnop";

let openai: OpenAIStandin;
let ollama: OllamaStandin;

beforeAll(async () => {
  openai = await startOpenAIStandin({ models: ["gpt-test"], apiKey: KEY });
  ollama = await startOllamaStandin({ models: ["llama3.2:latest"] });
});
afterAll(async () => {
  await openai.close();
  await ollama.close();
});

const leaks = (value: unknown) => [KEY, CUSTOM, TOKEN, "SECRET"].filter((s) => JSON.stringify(value).includes(s));

describe("secrets stay in the environment", () => {
  it("openai: every failure and the ModelInfo are free of the key", async () => {
    const env: ProviderEnv = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: openai.baseUrl };
    const p = createProvider(model("openai:gpt-test"), env);
    const prepared = await p.prepare({ pull: false });
    expect(prepared.ok).toBe(true);
    expect(leaks(prepared)).toEqual([]);

    const faults: Fault[] = [
      { kind: "unauthorized" },
      { kind: "rate_limit", retryAfter: "1" },
      { kind: "status", status: 500, message: `upstream said: your key ${KEY} is fine` },
      { kind: "status", status: 400, message: `bad request for key=${KEY}` },
      { kind: "malformed" },
      { kind: "reset" },
      { kind: "unknown_model" },
      { kind: "hang" },
    ];
    for (const fault of faults) {
      openai.enqueueFault(fault);
      const failure = expectFailure(await p.chat(request({ timeoutMs: 300 })));
      expect({ fault: fault.kind, leaks: leaks(failure) }).toEqual({ fault: fault.kind, leaks: [] });
    }
  });

  it("openai: the server's echo of a wrong key is redacted, and the message still explains", async () => {
    const wrong = "sk-wrong-SECRET-000000000";
    const p = createProvider(model("openai:gpt-test", { baseUrl: openai.baseUrl, apiKeyEnv: "CUSTOM_KEY" }), { CUSTOM_KEY: wrong });
    const failure = expectFailure(await p.chat(request()));
    expect(failure.kind).toBe("auth");
    expect(failure.message).toContain("Incorrect API key provided: [redacted]");
    expect(failure.message).not.toContain(wrong);
    expect(expectFailure(await p.prepare({ pull: false })).message).not.toContain(wrong);
  });

  it("openai: credentials in a base URL never reach messages, ModelInfo or the endpoint description", async () => {
    const port = await closedPort();
    const m = model("openai:gpt-test", { baseUrl: `http://user:${CUSTOM}@127.0.0.1:${port}/v1` });
    const p = createProvider(m, { OPENAI_API_KEY: KEY });
    const failure = expectFailure(await p.chat(request()));
    expect(leaks(failure)).toEqual([]);
    expect(leaks(describeEndpoint(m, { OPENAI_API_KEY: KEY }))).toEqual([]);
  });

  it("ollama: secret-named variables are redacted from server messages", async () => {
    const env: ProviderEnv = { OLLAMA_HOST: ollama.url, HF_TOKEN: TOKEN };
    const p = createProvider(model("ollama:llama3.2"), env);
    ollama.enqueueFault({ kind: "status", status: 500, message: `cannot fetch weights with token ${TOKEN}` });
    const failure = expectFailure(await p.chat(request()));
    expect(failure.message).toContain("cannot fetch weights with token [redacted]");
    expect(leaks(failure)).toEqual([]);
    expect(leaks(await p.prepare({ pull: false }))).toEqual([]);
  });

  it("exec: a command that prints its environment has the secrets cut from stderr and the message", async () => {
    const env: ProviderEnv = { PATH: process.env["PATH"], OPENAI_API_KEY: KEY, MY_SERVICE_TOKEN: TOKEN, CUSTOM_KEY: CUSTOM };
    const p = createProvider(model(`exec:node ${FIXTURE} leak-env`, { apiKeyEnv: "CUSTOM_KEY" }), env);
    const failure = expectFailure(await p.chat(request()));
    expect(failure.kind).toBe("exit");
    expect(failure.stderr).toContain("[redacted]");
    expect(leaks(failure)).toEqual([]);
  });
});

describe("secretValues", () => {
  it("takes explicitly named variables whatever their length, and secret-looking names when long enough", () => {
    const env: ProviderEnv = {
      MY_KEY: "abc",
      GITHUB_TOKEN: "ghp_0123456789",
      DB_PASSWORD: "hunter2hunter2",
      SHORT_TOKEN: "1234",
      HOME: "/home/someone-with-a-long-path",
      KEYBOARD: "us-international",
    };
    expect(secretValues(env, ["MY_KEY"]).sort()).toEqual(["abc", "ghp_0123456789", "hunter2hunter2"].sort());
  });

  it("redacts the longest secret first and strips URL credentials", () => {
    const redact = makeRedactor(["abc", "abcdef"]);
    expect(redact("x abcdef y abc z")).toBe("x [redacted] y [redacted] z");
    expect(redact("GET https://me:pw@host/v1 failed")).toBe("GET https://host/v1 failed");
  });
});

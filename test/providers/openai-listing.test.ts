// Servers as they really list models (issue 15): Ollama's /v1 lists `NAME:latest` and serves `NAME`;
// gateways list some models or have no /models at all. The adapter's prepare() accepts the model with a
// warning (listed names, did-you-mean), the first chat request decides, and a 404 from chat is the
// clear error — and through `vc run`, the warning is printed and the run goes on.

import { afterEach, describe, expect, it } from "vitest";
import { createOpenAIProvider, unlistedWarning } from "../../src/providers/openai.js";
import { project, vc } from "../e2e/helpers.js";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { expectFailure, expectText, model, request } from "./helpers.js";

let standin: OpenAIStandin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});

async function serve(options: Parameters<typeof startOpenAIStandin>[0]) {
  standin = await startOpenAIStandin({ ...options, answer: () => "served" });
  return standin;
}
const provider = (name: string, s: OpenAIStandin) => createOpenAIProvider(model(`openai:${name}`, { baseUrl: s.baseUrl }), { OPENAI_API_KEY: "sk-local" });

describe("an Ollama-like /v1 (NAME:latest listed, NAME served)", () => {
  it("accepts NAME without a warning and chat answers", async () => {
    const s = await serve({ models: ["llama3.2:latest", "qwen2.5:7b"], ollamaNames: true });
    const p = provider("llama3.2", s);
    const prepared = await p.prepare({ pull: false });
    expect(prepared).toMatchObject({ ok: true });
    expect(prepared.ok && prepared.warnings).toBeUndefined();
    expect(expectText(await p.chat(request()))).toBe("served");
  });

  it("a misspelt name is a warning with did-you-mean, and the chat 404 is the clear error", async () => {
    const s = await serve({ models: ["llama3.2:latest", "qwen2.5:7b"], ollamaNames: true });
    const p = provider("lama3.2", s);
    const prepared = await p.prepare({ pull: false });
    expect(prepared.ok && prepared.warnings?.[0]).toContain("did you mean 'llama3.2:latest'?");
    const failure = expectFailure(await p.chat(request()));
    expect(failure).toMatchObject({ kind: "not_found", status: 404 });
    expect(failure.message).toContain("model 'lama3.2' not found (HTTP 404");
  });
});

describe("a gateway with a partial list", () => {
  it("an unlisted model it serves: a warning, then answers", async () => {
    const s = await serve({ models: ["gpt-4o", "azure-deployment-7"], listed: ["gpt-4o"] });
    const p = provider("azure-deployment-7", s);
    const prepared = await p.prepare({ pull: false });
    expect(prepared.ok && prepared.warnings).toEqual([
      `'azure-deployment-7' is not among the models ${s.baseUrl} lists (gpt-4o); the first request decides whether it is served`,
    ]);
    expect(expectText(await p.chat(request()))).toBe("served");
  });
});

describe("a server without /models", () => {
  it("prepares without a warning; chat decides", async () => {
    const s = await serve({ models: ["router/any"], listed: null });
    const served = provider("router/any", s);
    expect(await served.prepare({ pull: false })).toMatchObject({ ok: true });
    expect(expectText(await served.chat(request()))).toBe("served");
    expect(expectFailure(await provider("router/none", s).chat(request())).kind).toBe("not_found");
  });
});

describe("the warning", () => {
  it("lists at most 8 names, and says so when the list is empty", () => {
    const many = Array.from({ length: 12 }, (_, i) => `m${i}`);
    expect(unlistedWarning("x", "E", many)).toContain("m7, … (12)");
    expect(unlistedWarning("x", "E", [])).toBe("E lists no models; the first request to 'x' decides whether it is served");
  });
});

describe("vc run against an Ollama-like /v1 with a bare name", () => {
  it("runs (the issue's openai:llama3.2 case), and an unlisted model warns and still runs", async () => {
    const s = await serve({ models: ["llama3.2:latest", "gateway-model"], listed: ["llama3.2:latest"], ollamaNames: true });
    const dir = project({
      "spec.vc": `system s "S" { dimension d "D" }
template t { user "{{item.text}}" }
scorer r regex { pattern "served"  score matched ? 100 : 0 }
items i { system s  template t  scorers [r]  item a { dimension d  text "hi" } }
run { models ["openai:llama3.2", "openai:gateway-model"] }
`,
    });
    const result = await vc(["run", "spec.vc", "--out", "run", "--no-cache", "--quiet"], dir, { OPENAI_BASE_URL: s.baseUrl, OPENAI_API_KEY: "sk-local" });
    expect(result.stderr).toBe(
      `warning: openai:gateway-model: 'gateway-model' is not among the models ${s.baseUrl} lists (llama3.2:latest); the first request decides whether it is served\n`,
    );
    expect(result.code).toBe(0);
  });
});

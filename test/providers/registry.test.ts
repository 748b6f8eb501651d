import { describe, expect, it } from "vitest";
import { ExecProvider } from "../../src/providers/exec.js";
import { MockProvider } from "../../src/providers/mock.js";
import { OllamaProvider } from "../../src/providers/ollama.js";
import { OpenAIProvider } from "../../src/providers/openai.js";
import { adapterOf, createProvider, describeEndpoint } from "../../src/providers/registry.js";
import { model } from "./helpers.js";

describe("createProvider", () => {
  it.each([
    ["ollama:llama3.2", OllamaProvider],
    ["openai:gpt-4o-mini", OpenAIProvider],
    ["exec:python3 answer.py", ExecProvider],
    ["mock:refuse", MockProvider],
  ])("%s gets its adapter", async (id, cls) => {
    const p = createProvider(model(id), {});
    expect(p.id).toBe(id);
    // Client libraries load on first use; the adapter behind the provider is the right one.
    const adapter = await adapterOf(p);
    expect(adapter).toBeInstanceOf(cls);
    expect(adapter.id).toBe(id);
    expect(adapter.kind).toBe(p.kind);
  });
});

describe("describeEndpoint", () => {
  it.each([
    ["ollama:llama3.2", {}, "ollama at http://127.0.0.1:11434"],
    ["ollama:llama3.2", { OLLAMA_HOST: "gpu-box:9999" }, "ollama at http://gpu-box:9999"],
    ["openai:gpt-4o-mini", {}, "OpenAI-compatible API at https://api.openai.com/v1"],
    ["openai:local", { OPENAI_BASE_URL: "http://127.0.0.1:8000/v1/" }, "OpenAI-compatible API at http://127.0.0.1:8000/v1"],
    ["exec:python3 answer.py", {}, "command: python3 answer.py"],
    ["mock:irt?ability=1", {}, "built-in mock (canned answers: irt)"],
  ])("%s with %j → %s", (id, env, text) => {
    expect(describeEndpoint(model(id), env)).toBe(text);
  });

  it("never shows a key or URL credentials", () => {
    const m = model("openai:x", { baseUrl: "https://me:hunter2@api.example.com/v1?key=abc" });
    expect(describeEndpoint(m, { OPENAI_API_KEY: "sk-123" })).toBe("OpenAI-compatible API at https://api.example.com/v1");
  });
});

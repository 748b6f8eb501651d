// The stand-ins' replay mode over the published leaderboard's recorded answers (the reference data
// folder, see data.ts): the loader reads every case, and a stand-in answers a real prompt, wrapped in a
// template, with the requested model's own recorded answer, through our adapters.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOllamaProvider } from "../../src/providers/ollama.js";
import { createOpenAIProvider } from "../../src/providers/openai.js";
import { expectText, model, request } from "../providers/helpers.js";
import { startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { loadRecordedCases, normalisePrompt, RecordedAnswers, type RecordedCase } from "../standins/replay.js";
import { referenceDataDir, referenceFile } from "./data.js";

// referenceFile throws with a clear message when the folder is missing.
referenceFile("Risk_cases.json");
const dir = referenceDataDir();
const cases = loadRecordedCases(dir);

/** A prompt several models answered differently, and the answers of two of them. */
function sharedPrompt(source: RecordedCase["source"]): { prompt: string; first: RecordedCase; second: RecordedCase } {
  const byPrompt = new Map<string, RecordedCase[]>();
  // Grouped as the replay groups them (whitespace-normalised), over both sources, in file order.
  for (const c of cases) {
    const key = normalisePrompt(c.prompt);
    byPrompt.set(key, [...(byPrompt.get(key) ?? []), c]);
  }
  for (const [prompt, list] of byPrompt) {
    const [first, second] = list;
    if (first?.source !== source) continue;
    if (first && second && first.model !== second.model && first.answer !== second.answer) return { prompt, first, second };
  }
  throw new Error(`no ${source} prompt with two models' different answers`);
}

describe("recorded answers of the published leaderboard", () => {
  it("loads the recorded risk and schwartz cases", () => {
    expect(cases.filter((c) => c.source === "risk").length).toBe(694);
    expect(cases.filter((c) => c.source === "schwartz").length).toBe(1266);
  });

  it("matches by prompt, preferring the requested model's own answer", () => {
    const recorded = new RecordedAnswers(cases);
    const c = cases.find((x) => x.source === "schwartz" && x.model === "GPT-4o")!;
    expect(recorded.answer([{ role: "user", content: c.prompt }], "gpt-4o")).toBe(c.answer);
    const { prompt, second } = sharedPrompt("risk");
    expect(recorded.answer([{ role: "user", content: prompt }], second.model.toUpperCase())).toBe(second.answer);
    expect(recorded.answer([{ role: "user", content: "a prompt nobody recorded, surely" }], "x")).toBeNull();
  });
});

describe("stand-ins replaying them", () => {
  let ollama: OllamaStandin;
  let openai: OpenAIStandin;
  beforeAll(async () => {
    ollama = await startOllamaStandin({ models: ["llama3.2"], answer: "replay", replayFrom: dir });
    openai = await startOpenAIStandin({ models: ["gpt-test"], answer: "replay", replayFrom: dir });
  });
  afterAll(async () => {
    await ollama.close();
    await openai.close();
  });

  it("ollama: a real prompt gets the first recorded answer (the model recorded none)", async () => {
    const { prompt, first } = sharedPrompt("risk");
    const p = createOllamaProvider(model("ollama:llama3.2"), { OLLAMA_HOST: ollama.url });
    expect(expectText(await p.chat(request({ messages: [{ role: "user", content: prompt }] })))).toBe(first.answer);
  });

  it("openai: a real prompt inside a wrapping template gets its recorded answer", async () => {
    const { prompt, first } = sharedPrompt("schwartz");
    const p = createOpenAIProvider(model("openai:gpt-test", { baseUrl: openai.baseUrl }), {});
    const text = expectText(await p.chat(request({ messages: [{ role: "user", content: `Answer briefly.\n\nQuestion: ${prompt}` }] })));
    expect(text).toBe(first.answer);
  });
});

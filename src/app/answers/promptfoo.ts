// promptfoo's `promptfoo eval -o results.json`: {evalId, results: {version, results: [EvaluateResult]}}.
// Each result has the provider (`{id: "openai:gpt-4o-mini"}`), the prompt as sent (`prompt.raw`),
// the test's vars and `response.output`. The item is `vars.item` or `vars.id` when the test set has
// one, else the prompt text is matched (`vars.prompt`, `vars.text`, or the raw prompt).
// Context: `vars.culture` / `vars.usecase`; sample: `vars.sample`, else promptfoo's repeat index.

import { AnswersError, isRecord, modelIdOf, num, type ReadAnswers, str } from "./types.js";

export function isPromptfoo(value: unknown): boolean {
  return isRecord(value) && isRecord(value["results"]) && Array.isArray(value["results"]["results"]);
}

/** promptfoo writes a chat prompt as a JSON array of messages; its last user turn is the prompt. */
function promptText(raw: string | null): string | null {
  if (raw === null) return null;
  const trimmed = raw.trim();
  if (!trimmed.startsWith("[")) return raw;
  try {
    const messages: unknown = JSON.parse(trimmed);
    if (Array.isArray(messages)) {
      for (let i = messages.length - 1; i >= 0; i--) {
        const m: unknown = messages[i];
        if (isRecord(m) && m["role"] === "user" && typeof m["content"] === "string") return m["content"];
      }
    }
  } catch {
    // Not JSON after all: the text as it is.
  }
  return raw;
}

export function readPromptfoo(value: unknown, file: string): ReadAnswers {
  if (!isPromptfoo(value)) throw new AnswersError(`${file}: not a promptfoo results file (no results.results array)`);
  const rows = ((value as Record<string, Record<string, unknown>>)["results"] as Record<string, unknown>)["results"] as unknown[];
  const out: ReadAnswers = { answers: [], skipped: [] };
  for (const [i, row] of rows.entries()) {
    const line = i + 1;
    if (!isRecord(row)) {
      out.skipped.push({ file, line, reason: "not an object" });
      continue;
    }
    const provider = isRecord(row["provider"]) ? str(row["provider"]["id"]) : str(row["provider"]);
    const vars = isRecord(row["vars"]) ? row["vars"] : isRecord(row["testCase"]) && isRecord(row["testCase"]["vars"]) ? row["testCase"]["vars"] : {};
    const response = isRecord(row["response"]) ? row["response"] : null;
    const output = response ? response["output"] : undefined;
    if (provider === null) {
      out.skipped.push({ file, line, reason: "no provider id" });
      continue;
    }
    if (typeof output !== "string") {
      const error = str(row["error"]) ?? (response ? str(response["error"]) : null);
      out.skipped.push({ file, line, reason: error ? `an error, not an answer: ${error}` : "no text output" });
      continue;
    }
    const usage = response && isRecord(response["tokenUsage"]) ? response["tokenUsage"] : {};
    const raw = isRecord(row["prompt"]) ? str(row["prompt"]["raw"]) : null;
    out.answers.push({
      file,
      line,
      model: modelIdOf(provider),
      item: str(vars["item"]) ?? str(vars["id"]),
      prompt: str(vars["prompt"]) ?? str(vars["text"]) ?? promptText(raw),
      culture: str(vars["culture"]),
      usecase: str(vars["usecase"]),
      sample: num(vars["sample"]) ?? num(row["repeatIndex"]),
      answer: output,
      latencyMs: num(row["latencyMs"]),
      tokensIn: num(usage["prompt"]),
      tokensOut: num(usage["completion"]),
      finishReason: response ? str(response["finishReason"]) : null,
    });
  }
  return out;
}

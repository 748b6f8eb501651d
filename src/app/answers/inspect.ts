// Inspect AI eval logs in the JSON format (`--log-format json`, or `inspect log convert --to json`):
// {version, status, eval: {model: "openai/gpt-4o", …}, samples: [EvalSample]}. Each sample has its
// dataset id, its epoch (1-based), its input (a string or chat messages), its metadata and the
// model's output (`output.completion`, else the first choice's message content). The `.eval` format
// (a zip archive) is not read yet: convert it with `inspect log convert --to json`.

import { AnswersError, isRecord, modelIdOf, num, type ReadAnswers, str } from "./types.js";

export function isInspectLog(value: unknown): boolean {
  return isRecord(value) && isRecord(value["eval"]) && typeof value["eval"]["model"] === "string" && "version" in value;
}

/** Text of a message content: a string, or the text parts of a content list. */
function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const parts = content.flatMap((c) => (isRecord(c) && c["type"] === "text" && typeof c["text"] === "string" ? [c["text"]] : []));
    return parts.length > 0 ? parts.join("") : null;
  }
  return null;
}

function inputText(input: unknown): string | null {
  if (typeof input === "string") return input;
  if (Array.isArray(input)) {
    for (let i = input.length - 1; i >= 0; i--) {
      const m: unknown = input[i];
      if (isRecord(m) && m["role"] === "user") return contentText(m["content"]);
    }
  }
  return null;
}

export function readInspect(value: unknown, file: string): ReadAnswers {
  if (!isInspectLog(value)) throw new AnswersError(`${file}: not an Inspect eval log (no eval.model)`);
  const log = value as Record<string, unknown>;
  const model = modelIdOf((log["eval"] as Record<string, unknown>)["model"] as string);
  const samples = log["samples"];
  if (!Array.isArray(samples)) {
    throw new AnswersError(`${file}: the Inspect log has no samples (written with --no-log-samples, or a header-only read)`);
  }
  const out: ReadAnswers = { answers: [], skipped: [] };
  for (const [i, s] of samples.entries()) {
    const line = i + 1;
    if (!isRecord(s)) {
      out.skipped.push({ file, line, reason: "not an object" });
      continue;
    }
    const output = isRecord(s["output"]) ? s["output"] : {};
    const choices = Array.isArray(output["choices"]) ? output["choices"] : [];
    const first: unknown = choices[0];
    const answer = str(output["completion"]) ?? (isRecord(first) && isRecord(first["message"]) ? contentText(first["message"]["content"]) : null);
    if (answer === null || (answer === "" && isRecord(s["error"]))) {
      const error = isRecord(s["error"]) ? str(s["error"]["message"]) : null;
      out.skipped.push({ file, line, reason: error ? `an error, not an answer: ${error}` : "no output text" });
      continue;
    }
    const metadata = isRecord(s["metadata"]) ? s["metadata"] : {};
    const usage = isRecord(output["usage"]) ? output["usage"] : {};
    const epoch = num(s["epoch"]);
    const time = num(output["time"]);
    out.answers.push({
      file,
      line,
      model,
      item: str(s["id"]),
      prompt: inputText(s["input"]),
      culture: str(metadata["culture"]),
      usecase: str(metadata["usecase"]),
      sample: epoch !== null ? epoch - 1 : null,
      answer,
      latencyMs: time !== null ? Math.round(time * 1000) : null,
      tokensIn: num(usage["input_tokens"]),
      tokensOut: num(usage["output_tokens"]),
      finishReason: isRecord(first) ? str(first["stop_reason"]) : null,
    });
  }
  return out;
}

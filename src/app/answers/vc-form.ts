// The documented answers form (docs/answers.md): JSONL or CSV with the columns model, item or prompt,
// culture, usecase, sample, answer and optional latency_ms, tokens_in, tokens_out, finish_reason.
// `value-compass export` writes it, so `score --answers` reads back what a run recorded.

import { parse as parseCsv } from "csv-parse/sync";
import { AnswersError, isRecord, jsonLines, modelIdOf, num, type ReadAnswers, type RecordedAnswer, str } from "./types.js";

/** The columns of the form, in the order `export` writes them. */
export const VC_COLUMNS = [
  "model",
  "item",
  "prompt",
  "culture",
  "usecase",
  "sample",
  "answer",
  "latency_ms",
  "tokens_in",
  "tokens_out",
  "finish_reason",
] as const;

export function readVcJsonl(text: string, file: string): ReadAnswers {
  return fromRows(
    jsonLines(text, file).map(({ line, value }) => {
      if (!isRecord(value)) throw new AnswersError(`${file}:${line}: each line must be a JSON object`);
      return { line, row: value };
    }),
    file,
  );
}

export function readVcCsv(text: string, file: string): ReadAnswers {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text.replace(/^\uFEFF/, ""), { columns: true, skip_empty_lines: true, relax_column_count: false }) as Record<string, string>[];
  } catch (error) {
    throw new AnswersError(`${file}: not a CSV file the answers form can read (${error instanceof Error ? error.message : String(error)})`);
  }
  // Empty CSV cells are absent values; line numbers count the header as line 1.
  return fromRows(
    records.map((r, i) => ({ line: i + 2, row: Object.fromEntries(Object.entries(r).filter(([, v]) => v !== "")) })),
    file,
  );
}

function fromRows(rows: Array<{ line: number; row: Record<string, unknown> }>, file: string): ReadAnswers {
  const out: ReadAnswers = { answers: [], skipped: [] };
  for (const { line, row } of rows) {
    const model = str(row["model"]);
    const answer = typeof row["answer"] === "string" ? row["answer"] : null;
    const item = str(row["item"]);
    const prompt = str(row["prompt"]);
    if (model === null || model.trim() === "") throw new AnswersError(`${file}:${line}: no "model"`);
    if (item === null && prompt === null) throw new AnswersError(`${file}:${line}: neither "item" nor "prompt": an answer must say what it answers`);
    if (answer === null) {
      out.skipped.push({ file, line, reason: `no "answer" text` });
      continue;
    }
    const sample = num(row["sample"]);
    if (sample !== null && !(Number.isInteger(sample) && sample >= 0)) throw new AnswersError(`${file}:${line}: "sample" must be a whole number ≥ 0`);
    const record: RecordedAnswer = {
      file,
      line,
      model: modelIdOf(model),
      item,
      prompt,
      culture: str(row["culture"]),
      usecase: str(row["usecase"]),
      sample,
      answer,
      latencyMs: num(row["latency_ms"]),
      tokensIn: num(row["tokens_in"]),
      tokensOut: num(row["tokens_out"]),
      finishReason: str(row["finish_reason"]),
    };
    out.answers.push(record);
  }
  return out;
}

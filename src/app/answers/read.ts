// Reading answers files for `score --answers`: the format is given or recognised from the file, each
// reader turns its rows into RecordedAnswers, and the file's sha256 goes into the run's manifest.
// OpenAI batch input files given beside their output files supply the prompts and requested models.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { isInspectLog, readInspect } from "./inspect.js";
import { isLmEvalSample, readLmEval } from "./lm-eval.js";
import { type BatchRequestLine, isBatchInput, isBatchOutput, readBatchInput, readBatchOutput } from "./openai-batch.js";
import { isPromptfoo, readPromptfoo } from "./promptfoo.js";
import { type AnswerFormat, AnswersError, type ReadAnswers, type RecordedAnswer, type SkippedRow } from "./types.js";
import { readVcCsv, readVcJsonl } from "./vc-form.js";

export interface AnswersFile {
  path: string;
  sha256: string;
  /** The reader used; "openai-batch-input" for a batch input file that supplied prompts. */
  format: string;
  answers: number;
}

export interface ReadOptions {
  /** Read every file as this format instead of recognising it. */
  format?: AnswerFormat;
  /** lm-eval: the model, when neither a results file nor the folder names it. */
  model?: string;
}

export interface AnswersRead {
  files: AnswersFile[];
  answers: RecordedAnswer[];
  skipped: SkippedRow[];
}

function firstJsonLine(text: string): unknown {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== "");
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AnswersError(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The format of one file, from its extension and first record. */
export function recogniseFormat(path: string, text: string): AnswerFormat | "openai-batch-input" {
  const ext = extname(path).toLowerCase();
  if (ext === ".eval") {
    throw new AnswersError(
      `${path}: Inspect's .eval log format (a zip archive) is not read yet; convert it with 'inspect log convert --to json ${path}' and pass the .json file`,
    );
  }
  if (ext === ".csv") return "vc";
  if (ext === ".json") {
    const value = parseJson(text, path);
    if (isPromptfoo(value)) return "promptfoo";
    if (isInspectLog(value)) return "inspect";
    throw new AnswersError(`${path}: a JSON file that is neither a promptfoo results file nor an Inspect eval log`);
  }
  const first = firstJsonLine(text);
  if (isBatchInput(first)) return "openai-batch-input";
  if (isBatchOutput(first)) return "openai-batch";
  if (isLmEvalSample(first)) return "lm-eval";
  return "vc";
}

export function readAnswersFiles(paths: readonly string[], options: ReadOptions = {}): AnswersRead {
  const texts = paths.map((path) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new AnswersError(`${path}: cannot read (${error instanceof Error ? error.message : String(error)})`);
    }
    return { path, text: bytes.toString("utf8"), sha256: createHash("sha256").update(bytes).digest("hex") };
  });
  const formats = texts.map(({ path, text }) => {
    const recognised = recogniseFormat(path, text);
    return options.format && recognised !== "openai-batch-input" ? options.format : recognised;
  });
  // Batch input files first: their prompts serve every output file.
  const requests = new Map<string, BatchRequestLine>();
  texts.forEach(({ path, text }, i) => {
    if (formats[i] === "openai-batch-input") for (const [k, v] of readBatchInput(text, path)) requests.set(k, v);
  });
  const out: AnswersRead = { files: [], answers: [], skipped: [] };
  texts.forEach(({ path, text, sha256 }, i) => {
    const format = formats[i] ?? "vc";
    let read: ReadAnswers | null = null;
    if (format === "vc") read = extname(path).toLowerCase() === ".csv" ? readVcCsv(text, path) : readVcJsonl(text, path);
    else if (format === "promptfoo") read = readPromptfoo(parseJson(text, path), path);
    else if (format === "inspect") read = readInspect(parseJson(text, path), path);
    else if (format === "lm-eval") read = readLmEval(text, path, options.model ?? null);
    else if (format === "openai-batch") read = readBatchOutput(text, path, requests);
    out.files.push({ path, sha256, format, answers: read?.answers.length ?? 0 });
    if (read) {
      out.answers.push(...read.answers);
      out.skipped.push(...read.skipped);
    }
  });
  return out;
}

// lm-evaluation-harness `--log_samples` files (samples_<task>_<date>.jsonl): one line per document,
// {doc_id, doc, target, arguments, resps, filtered_resps, filter, metrics, doc_hash, prompt_hash, …}.
// For generation tasks `resps` is [[text]] (one request, its generations). The prompt is the request's
// first argument: `arguments.gen_args_0.arg_0` (since v0.4.3) or `arguments[0][0]` (earlier). The file
// names no model: it is taken from `model_name` or `config.model_args` (pretrained=…, model=…) of the
// results_<date>.json beside it, else from the folder lm-eval wrote it to (the model name with / as __).
// The item is `doc.id` or `doc.item` when the task's documents have one, else the prompt text.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AnswersError, isRecord, jsonLines, modelIdOf, type ReadAnswers, str } from "./types.js";

export function isLmEvalSample(value: unknown): boolean {
  return isRecord(value) && "doc_id" in value && ("resps" in value || "filtered_resps" in value);
}

function promptOf(args: unknown): string | null {
  if (isRecord(args)) {
    const first = args["gen_args_0"];
    if (isRecord(first)) return str(first["arg_0"]);
  }
  if (Array.isArray(args)) {
    const first: unknown = args[0];
    if (Array.isArray(first)) return str(first[0]);
  }
  return null;
}

/** Texts of `resps` ([[text, …]] per request): one per repeat. */
function responses(value: Record<string, unknown>): string[] {
  const resps = value["resps"];
  if (Array.isArray(resps) && Array.isArray(resps[0])) return (resps[0] as unknown[]).filter((t): t is string => typeof t === "string");
  const filtered = value["filtered_resps"];
  if (Array.isArray(filtered) && typeof filtered[0] === "string") return [filtered[0]];
  return [];
}

/** The model, from results_*.json beside the samples (model_name, then model_args), else the folder. */
export function lmEvalModel(file: string): string {
  const dir = dirname(file);
  const results = existsSync(dir) ? readdirSync(dir).filter((f) => /^results_.*\.json$/.test(f)) : [];
  for (const name of results.sort()) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, name), "utf8"));
      if (!isRecord(parsed)) continue;
      const named = str(parsed["model_name"]);
      if (named) return named;
      const config = isRecord(parsed["config"]) ? parsed["config"] : {};
      const args = str(config["model_args"]) ?? "";
      const m = /(?:^|,)\s*(?:pretrained|model)=([^,]+)/.exec(args);
      if (m?.[1]) return m[1];
    } catch {
      // An unreadable results file: fall back to the folder name.
    }
  }
  return basename(dir).replace(/__/g, "/");
}

export function readLmEval(text: string, file: string, model: string | null): ReadAnswers {
  const id = modelIdOf(model ?? lmEvalModel(file));
  const out: ReadAnswers = { answers: [], skipped: [] };
  for (const { line, value } of jsonLines(text, file)) {
    if (!isLmEvalSample(value)) throw new AnswersError(`${file}:${line}: not an lm-evaluation-harness sample (no doc_id and resps)`);
    const v = value as Record<string, unknown>;
    const doc = isRecord(v["doc"]) ? v["doc"] : {};
    const texts = responses(v);
    if (texts.length === 0) {
      out.skipped.push({ file, line, reason: "no generated text (a log-likelihood task has no answer to score)" });
      continue;
    }
    texts.forEach((answer, k) => {
      out.answers.push({
        file,
        line,
        model: id,
        item: str(doc["id"]) ?? str(doc["item"]),
        prompt: promptOf(v["arguments"]),
        culture: str(doc["culture"]),
        usecase: str(doc["usecase"]),
        sample: texts.length > 1 ? k : null,
        answer,
        latencyMs: null,
        tokensIn: null,
        tokensOut: null,
        finishReason: null,
      });
    });
  }
  return out;
}

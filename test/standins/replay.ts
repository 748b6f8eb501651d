// Recorded model answers for the stand-ins' replay mode, looked up by prompt text. A source is a folder
// holding Risk_cases.json and Schwartz_cases.json, each {"data": [{model, value, score, prompt,
// answer}]}: by default the handful of cases written for these tests (fixtures/recorded/); the
// reference suite points the same code at the published leaderboard's recorded answers.

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface RecordedCase {
  source: "risk" | "schwartz";
  model: string;
  /** Safety domain (risk) or Schwartz value. */
  value: string;
  score: number;
  prompt: string;
  answer: string;
}

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The recorded cases that ship with the tests (written for them, a few per file). */
export const RECORDED_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "fixtures/recorded");

const FILES: Array<[string, RecordedCase["source"]]> = [
  ["Risk_cases.json", "risk"],
  ["Schwartz_cases.json", "schwartz"],
];

export function normalisePrompt(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function loadFile(path: string, source: RecordedCase["source"]): RecordedCase[] {
  // A missing or malformed file is an error: a replay source that silently holds nothing would turn
  // every replayed answer into a canned one and the tests built on it into no tests.
  if (!existsSync(path)) throw new Error(`recorded answers not found: ${path}`);
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  const data = parsed !== null && typeof parsed === "object" ? (parsed as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) throw new Error(`${path}: no "data" array`);
  const out: RecordedCase[] = [];
  for (const row of data) {
    if (row === null || typeof row !== "object") continue;
    const r = row as Record<string, unknown>;
    if (typeof r["prompt"] !== "string" || typeof r["answer"] !== "string") continue;
    out.push({
      source,
      model: typeof r["model"] === "string" ? r["model"] : "",
      value: typeof r["value"] === "string" ? r["value"] : "",
      score: typeof r["score"] === "number" ? r["score"] : NaN,
      prompt: r["prompt"],
      answer: r["answer"],
    });
  }
  return out;
}

/** Every recorded case of a source folder (risk first, then schwartz), in file order. */
export function loadRecordedCases(dir: string): RecordedCase[] {
  return FILES.flatMap(([file, source]) => loadFile(resolve(dir, file), source));
}

/** Recorded cases indexed by normalised prompt. */
export class RecordedAnswers {
  private readonly byPrompt = new Map<string, RecordedCase[]>();

  constructor(readonly cases: RecordedCase[]) {
    for (const c of cases) {
      const key = normalisePrompt(c.prompt);
      const list = this.byPrompt.get(key);
      if (list) list.push(c);
      else this.byPrompt.set(key, [c]);
    }
  }

  /**
   * The recorded answer for the last user message: an exact (whitespace-normalised) prompt match, else
   * the longest recorded prompt the message contains (templates often wrap the item text). Among
   * several models' answers, the one whose model name matches `model` (case-insensitive), else the
   * first. Null when nothing matches.
   */
  answer(messages: Array<{ role: string; content: string }>, model: string): string | null {
    const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const text = normalisePrompt(lastUser);
    let candidates = this.byPrompt.get(text);
    if (!candidates) {
      let best: string | null = null;
      for (const key of this.byPrompt.keys()) {
        if (key.length >= 12 && text.includes(key) && (best === null || key.length > best.length)) best = key;
      }
      candidates = best !== null ? this.byPrompt.get(best) : undefined;
    }
    if (!candidates || candidates.length === 0) return null;
    const wanted = model.toLowerCase();
    return (candidates.find((c) => c.model.toLowerCase() === wanted) ?? candidates[0]!).answer;
  }
}

const loaded = new Map<string, RecordedAnswers>();

/** The recorded answers of a source folder (default: the test fixtures), read once per process. */
export function recordedAnswers(dir: string = RECORDED_FIXTURES): RecordedAnswers {
  const key = resolve(dir);
  let answers = loaded.get(key);
  if (!answers) {
    answers = new RecordedAnswers(loadRecordedCases(key));
    loaded.set(key, answers);
  }
  return answers;
}

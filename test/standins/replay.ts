// Real recorded model answers from the Value Compass site data (Risk_cases.json, Schwartz_cases.json),
// looked up by prompt text, so that stand-ins can answer with real model text. Read from
// ../shared/data/value-compass-site relative to the repository root; never copied into the project.

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
export const SITE_DATA_DIR = resolve(REPO_ROOT, "../shared/data/value-compass-site");

let cache: { cases: RecordedCase[]; byPrompt: Map<string, RecordedCase[]> } | null = null;

export function normalisePrompt(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function loadFile(file: string, source: RecordedCase["source"]): RecordedCase[] {
  const path = resolve(SITE_DATA_DIR, file);
  if (!existsSync(path)) return [];
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data)) return [];
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

/** Every recorded case (risk first, then schwartz), in file order. */
export function recordedCases(): RecordedCase[] {
  if (cache === null) {
    const cases = [...loadFile("Risk_cases.json", "risk"), ...loadFile("Schwartz_cases.json", "schwartz")];
    const byPrompt = new Map<string, RecordedCase[]>();
    for (const c of cases) {
      const key = normalisePrompt(c.prompt);
      const list = byPrompt.get(key);
      if (list) list.push(c);
      else byPrompt.set(key, [c]);
    }
    cache = { cases, byPrompt };
  }
  return cache.cases;
}

/**
 * The recorded answer for the last user message: an exact (whitespace-normalised) prompt match, else
 * the longest recorded prompt the message contains (templates often wrap the item text). Among
 * several models' answers, the one whose model name matches `model` (case-insensitive), else the
 * first. Null when nothing matches.
 */
export function replayAnswer(messages: Array<{ role: string; content: string }>, model: string): string | null {
  recordedCases();
  const byPrompt = cache!.byPrompt;
  const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const text = normalisePrompt(lastUser);
  let candidates = byPrompt.get(text);
  if (!candidates) {
    let best: string | null = null;
    for (const key of byPrompt.keys()) {
      if (key.length >= 12 && text.includes(key) && (best === null || key.length > best.length)) best = key;
    }
    candidates = best !== null ? byPrompt.get(best) : undefined;
  }
  if (!candidates || candidates.length === 0) return null;
  const wanted = model.toLowerCase();
  return (candidates.find((c) => c.model.toLowerCase() === wanted) ?? candidates[0]!).answer;
}

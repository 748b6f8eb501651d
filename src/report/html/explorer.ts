// The item explorer's data: one entry per step with everything needed to read one answer — the full
// messages sent (system and user), the answer, each scorer's score, verdict, rule, refusal, error and
// raw output (a judge's JSON with its rationale), latency, cached, attempts. Read from journal.jsonl
// and scores.jsonl, which keep all of it (responses.csv keeps only the last user message).
//
// A big run would make a page of hundreds of megabytes, so the explorer holds at most `limit` steps
// (default DEFAULT_EXPLORER_LIMIT), taken evenly across the run in plan order, and cuts each text at
// TEXT_LIMIT characters; the page says both. The run folder keeps everything.

import type { ChatMessage, Json } from "../../core/plan.js";
import type { ScoreRecord, StepRecord } from "../../core/records.js";

export const DEFAULT_EXPLORER_LIMIT = 2000;
export const TEXT_LIMIT = 6000;

export interface ExplorerScore {
  scorer: string;
  score: number | null;
  verdict: string | null;
  rule: string | null;
  refused: boolean | null;
  error: string | null;
  /** The scorer's raw output (judge JSON, parsed rating, ...), texts cut at TEXT_LIMIT. */
  raw: Json;
  /** The `rationale` (or `reason`, `explanation`) field of a judge's output, when it has one. */
  rationale: string | null;
  judge: { model: string; cached: boolean; attempts: number } | null;
}

export interface ExplorerRow {
  step: string;
  index: number;
  model: string;
  system: string;
  dimension: string;
  item: string;
  culture: string | null;
  usecase: string | null;
  sample: number;
  messages: ChatMessage[];
  response: string | null;
  error: string | null;
  latencyMs: number | null;
  cached: boolean;
  attempts: number;
  scores: ExplorerScore[];
}

export interface ExplorerData {
  rows: ExplorerRow[];
  /** Steps in the run (static and adaptive). */
  total: number;
  limit: number;
  /** Texts longer than TEXT_LIMIT were cut. */
  truncatedTexts: number;
}

const RATIONALE_FIELDS = ["rationale", "reason", "reasoning", "explanation", "justification"];

function cut(text: string, counter: { n: number }): string {
  if (text.length <= TEXT_LIMIT) return text;
  counter.n++;
  return `${text.slice(0, TEXT_LIMIT)}… [${text.length - TEXT_LIMIT} more characters: the full text is in journal.jsonl / scores.jsonl]`;
}

function cutOrNull(text: string | null, counter: { n: number }): string | null {
  return text === null ? null : cut(text, counter);
}

function cutJson(value: Json, counter: { n: number }): Json {
  if (typeof value === "string") return cut(value, counter);
  if (Array.isArray(value)) return value.map((v) => cutJson(v, counter));
  if (value !== null && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cutJson(v, counter);
    return out;
  }
  return value;
}

function rationaleOf(raw: Json): string | null {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  for (const key of RATIONALE_FIELDS) {
    const v = raw[key];
    if (typeof v === "string" && v.trim() !== "") return v;
  }
  return null;
}

/**
 * Which of `total` steps (by position) the explorer keeps: all when they fit, else `limit` positions
 * spread evenly (every model and block keeps its share, not just the first ones in plan order).
 */
export function keptPositions(total: number, limit: number): Set<number> {
  const kept = new Set<number>();
  if (total <= limit) {
    for (let i = 0; i < total; i++) kept.add(i);
    return kept;
  }
  for (let k = 0; k < limit; k++) kept.add(Math.floor((k * total) / limit));
  return kept;
}

/**
 * The explorer's rows from the journal's final records (in plan order; `total` of them) and each
 * step's latest score records. Streams: only the kept steps' texts are held.
 */
export function explorerData(
  steps: Iterable<StepRecord>,
  total: number,
  scoresOf: (stepId: string) => readonly ScoreRecord[],
  limit: number = DEFAULT_EXPLORER_LIMIT,
): ExplorerData {
  const kept = keptPositions(total, limit);
  const counter = { n: 0 };
  const rows: ExplorerRow[] = [];
  let position = 0;
  for (const s of steps) {
    if (kept.has(position++)) {
      rows.push({
        step: s.stepId,
        index: s.index,
        model: s.model,
        system: s.system,
        dimension: s.dimension,
        item: s.item,
        culture: s.context.culture,
        usecase: s.context.usecase,
        sample: s.sample,
        messages: s.messages.map((m) => ({ ...m, content: cut(m.content, counter) })),
        response: s.response === null ? null : cut(s.response, counter),
        error: s.error ? `${s.error.kind}: ${s.error.message}` : null,
        latencyMs: s.latencyMs,
        cached: s.cached,
        attempts: s.attempts,
        scores: scoresOf(s.stepId).map((r) => ({
          scorer: r.scorer,
          score: r.score,
          verdict: r.verdict,
          rule: r.rule,
          refused: r.refused,
          error: r.error,
          raw: cutJson(r.raw, counter),
          rationale: cutOrNull(rationaleOf(r.raw), counter),
          judge: r.judge,
        })),
      });
    }
  }
  return { rows, total: Math.max(total, position), limit, truncatedTexts: counter.n };
}

// What a run writes down. The journal (journal.jsonl) holds one StepRecord per finished step; the
// score journal (scores.jsonl) one ScoreRecord per (step, scorer). Reports are rebuilt from these two
// files alone, so every field a report needs is here.

import type { ChatMessage, ContextCombo, Json } from "./plan.js";
import type { FailureKind } from "./failure.js";

export interface StepRecord {
  type: "step";
  stepId: string;
  index: number;
  segment: string;
  model: string;
  system: string;
  dimension: string;
  item: string;
  context: ContextCombo;
  sample: number;
  messages: ChatMessage[];
  /** The model's answer; null when the step failed after all tries. */
  response: string | null;
  error: { kind: FailureKind; message: string; status: number | null } | null;
  latencyMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  /** Served from the cache: no model call was made. */
  cached: boolean;
  /** Number of calls made (0 when cached). */
  attempts: number;
  /** True when the answer came from the built-in mock provider (canned, not a real model). */
  mock: boolean;
}

export interface ScoreRecord {
  type: "score";
  stepId: string;
  scorer: string;
  /** Normalised 0–100; null when scoring failed (see error) or the step had no answer. */
  score: number | null;
  /** The scorer's raw output: judge JSON, parsed rating, matched phrase, guard categories ... */
  raw: Json;
  /** A verdict label from the scorer or a rule ("safe", "unsafe", "acceptable", ...). */
  verdict: string | null;
  /** Name of the context rule that fired, if any. */
  rule: string | null;
  /** Whether the answer was a refusal, when the scorer can tell. */
  refused: boolean | null;
  /**
   * The answer's outcome category from the scorer's or the fired rule's `outcome` (for safety: "safe",
   * "unsafe", "over_refusal"); null when the scorer declares none or scoring failed. Records written
   * before outcomes existed lack the field; readers treat that as null.
   */
  outcome: string | null;
  /** A scoring error (invalid judge JSON after all retries, unparseable rating ...). Never a made-up score. */
  error: string | null;
  /** For judge scorers: the judge model, whether its answer was cached, and how many calls were made. */
  judge: { model: string; cached: boolean; attempts: number } | null;
}

// Gates: the spec's `gate [...]` and `--fail-under` conditions evaluated on a finished run, from its
// journal, scores and plan (so `run` and `report` give the same answer). A SYSTEM.overall or
// SYSTEM.DIMENSION condition must hold for every evaluated model: the score pooled over the run's
// contexts, of the primary measure (the first scorer of the system's items), as leaderboard rows
// with `contexts pooled` compute it. Counts (`scoring_errors`, `failed_steps`) are numbers, or with
// `%` shares: scoring errors of the score records of answered steps, failed steps of all steps.

import { join } from "node:path";
import { leaderboard } from "../analyse/aggregate.js";
import { buildDataset } from "../analyse/dataset.js";
import { gateHolds, parseGate, type GateCondition } from "../core/gate.js";
import type { Plan } from "../core/plan.js";
import type { ScoreRecord, StepRecord } from "../core/records.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import { latestScores, SCORES_FILE } from "../run/score-journal.js";

export interface GateValue {
  /** The model the value is of; null for a run-wide count. */
  model: string | null;
  value: number | null;
  holds: boolean;
}

export interface GateResult {
  condition: string;
  holds: boolean;
  values: GateValue[];
  /** Why a condition could not be evaluated (an unknown system or dimension, no scores). */
  note: string | null;
}

export type ParsedGates = { ok: true; gates: GateCondition[] } | { ok: false; message: string };

export function parseGates(texts: readonly string[]): ParsedGates {
  const gates: GateCondition[] = [];
  for (const t of texts) {
    const p = parseGate(t);
    if (!p.ok) return { ok: false, message: p.message };
    gates.push(p.gate);
  }
  return { ok: true, gates };
}

export function evaluateGates(plan: Plan, runDir: string, gates: readonly GateCondition[]): GateResult[] {
  if (gates.length === 0) return [];
  const adaptive = new Set(plan.segments.filter((s) => s.kind === "adaptive").map((s) => s.id));
  const steps: StepRecord[] = [];
  for (const r of finalRecordsInPlanOrder(join(runDir, JOURNAL_FILE))) steps.push({ ...r, messages: [], response: r.response === null ? null : "" });
  const scores: ScoreRecord[] = [...latestScores(join(runDir, SCORES_FILE)).values()];
  const answered = new Set(steps.filter((s) => s.response !== null).map((s) => s.stepId));
  const scoredRecords = scores.filter((s) => answered.has(s.stepId));
  const scoringErrors = scoredRecords.filter((s) => s.error !== null).length;
  const failed = steps.filter((s) => s.error !== null).length;
  const staticSteps = steps.filter((s) => !adaptive.has(s.segment));
  const board = gates.some((g) => g.metric.includes("."))
    ? leaderboard(buildDataset(plan, staticSteps, scores), { seed: 0, resamples: 0, contexts: "pooled" })
    : null;

  return gates.map((g): GateResult => {
    if (g.metric === "scoring_errors" || g.metric === "failed_steps") {
      const [count, total] = g.metric === "scoring_errors" ? [scoringErrors, scoredRecords.length] : [failed, plan.stepCount];
      const value = g.percent ? (total > 0 ? (100 * count) / total : 0) : count;
      const holds = gateHolds(value, g);
      return { condition: g.text, holds, values: [{ model: null, value, holds }], note: null };
    }
    const [system, part] = g.metric.split(".") as [string, string];
    const sys = plan.systems.find((s) => s.id === system);
    if (!sys) return { condition: g.text, holds: false, values: [], note: `the plan has no system '${system}'` };
    if (part !== "overall" && !sys.dimensions.some((d) => d.id === part)) {
      return { condition: g.text, holds: false, values: [], note: `system '${system}' has no dimension '${part}' (or write ${system}.overall)` };
    }
    const values: GateValue[] = plan.models.map((m) => {
      let value: number | null = null;
      if (part === "overall") value = board?.overall.find((r) => r.model === m.id && r.system === system)?.overall ?? null;
      else value = board?.dimensions.find((r) => r.keys.model === m.id && r.keys.system === system && r.keys.dimension === part)?.mean ?? null;
      return { model: m.id, value, holds: value !== null && gateHolds(value, g) };
    });
    const missing = values.filter((v) => v.value === null).map((v) => v.model);
    return {
      condition: g.text,
      holds: values.length > 0 && values.every((v) => v.holds),
      values,
      note: missing.length > 0 ? `no score for ${missing.join(", ")}` : values.length === 0 ? "no evaluated model" : null,
    };
  });
}

// What the run needs to know about scoring before any scorer is loaded: which judge models to
// prepare, and the counts for the manifest. Kept apart from scoring-stage.ts so that `vc run` can
// start its steps while the scorers (ajv, Handlebars, execa) load in the background.

import type { Plan } from "../core/plan.js";
import { readScoreRecords, scoreKey } from "./score-journal.js";

/** The error of the score record written for a step that has no answer. */
export const NO_RESPONSE = "no response";

/** The model ids the scorers of the plan's segments call (judge and guard scorers). */
export function judgeModelsOf(plan: Plan): string[] {
  const used = new Set(plan.segments.flatMap((s) => s.scorers));
  const out: string[] = [];
  for (const scorer of plan.scorers) {
    if (!used.has(scorer.id) || (scorer.kind !== "judge" && scorer.kind !== "guard")) continue;
    const own = scorer.config["model"];
    const panel = scorer.config["panel"];
    const ids = Array.isArray(panel) ? panel.filter((m): m is string => typeof m === "string") : [typeof own === "string" ? own : plan.judge];
    for (const id of ids) if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

export interface ScoringCounts {
  /** (step, scorer) pairs with a record (the latest counts). */
  records: number;
  scored: number;
  /** Scoring errors on answered steps (invalid judge JSON after all retries, no rating found ...). */
  errors: number;
  /** Records of steps without an answer. */
  noResponse: number;
}

export function countScores(path: string): ScoringCounts {
  const latest = new Map<string, 0 | 1 | 2>();
  for (const r of readScoreRecords(path)) {
    latest.set(scoreKey(r.stepId, r.scorer), r.error === null ? 0 : r.error === NO_RESPONSE ? 2 : 1);
  }
  const counts: ScoringCounts = { records: latest.size, scored: 0, errors: 0, noResponse: 0 };
  for (const v of latest.values()) {
    if (v === 0) counts.scored++;
    else if (v === 1) counts.errors++;
    else counts.noResponse++;
  }
  return counts;
}

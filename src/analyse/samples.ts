// Repeated samples of one item: within-item agreement (the share of items whose samples agree) and the
// between-sample variance (the mean over items of the variance of an item's sample scores), per table
// cell. Pure functions over the dataset; docs/outputs.md has the columns, docs/scoring.md how to read them.
//
// An "item" here is one item asked of one model in one context and scored by one scorer: its samples
// are the only scores that differ by nothing but the model's sampling, so their spread is the model's
// answer-to-answer noise and nothing else (no item difficulty, no context effect, no judge on another
// answer).

import type { Plan } from "../core/plan.js";
import { countedUnits, type ScorerSelection } from "./aggregate.js";
import type { Dataset } from "./dataset.js";

/**
 * What "the samples agree" means depends on the scale of the scorer's scores. proportion: a yes/no
 * score (refused, matched, safe) — agree when identical. likert: a rating (or a choice among fixed
 * options) — agree when identical; centred Likert scores are compared on the rating, before centring.
 * percent: a free 0–100 score (a judge's or an exec scorer's) — agree when within PERCENT_TOLERANCE.
 */
export type AgreementScale = "proportion" | "likert" | "percent";

/** The items of one table cell whose samples can be compared, and how far they agree. */
export interface SampleSpread {
  /** Items with at least two scored samples (the denominator of `agreement`). */
  items: number;
  /** Share of those items whose samples agree (see AgreementScale); null when there are none. */
  agreement: number | null;
  /** Mean over those items of the sample variance (n − 1) of their scores, in score points²; null when none. */
  variance: number | null;
}

/** One item's samples: its scores as counted in the table's mean, and as recorded (for agreement). */
export interface SampleGroup {
  /** The scores that enter the mean (centred when the scorer is centred). */
  scores: number[];
  /** The same samples' scores before centring, on the 0–100 scale. */
  raw: number[];
  /** The largest spread of `raw` that still counts as agreement. */
  tolerance: number;
}

/** Which table cell an item belongs to: the dimension table's keys, or the leaderboard's. */
export type SpreadKey = "model" | "system" | "dimension" | "culture" | "usecase" | "scorer";

/**
 * Percent scores closer than this (in points, inclusive) agree. 5 points is a twentieth of the scale:
 * finer than a judge's usual steps of 5 or 10 is noise, and it is below the smallest gap between two
 * values of any built-in discrete scale (10 points on an 11-point Likert), so a judge that scores 0 or
 * 100 still has to give the same verdict to agree.
 */
export const PERCENT_TOLERANCE = 5;

/** Float noise: two scores this close are the same score. */
const SAME = 1e-9;

export const AGREEMENT_TOLERANCE: Readonly<Record<AgreementScale, number>> = {
  proportion: 0,
  likert: 0,
  percent: PERCENT_TOLERANCE,
};

/** The agreement scale a scorer kind implies: free 0–100 scores for judge and exec, discrete for the rest. */
export function agreementScaleOf(kind: string): AgreementScale {
  switch (kind) {
    case "judge":
    case "exec":
      return "percent";
    case "likert":
    case "choice":
      return "likert";
    default:
      // refusal, regex, keywords, guard: a score of 0 or 100.
      return "proportion";
  }
}

/** Whether every value is within `tolerance` of every other (max − min ≤ tolerance). */
export function samplesAgree(values: readonly number[], tolerance: number): boolean {
  if (values.length === 0) return true;
  return Math.max(...values) - Math.min(...values) <= tolerance + SAME;
}

/** Sample variance with n − 1 in the denominator; null for fewer than two values. */
export function sampleVariance(values: readonly number[]): number | null {
  const n = values.length;
  if (n < 2) return null;
  const m = values.reduce((s, x) => s + x, 0) / n;
  const v = values.reduce((s, x) => s + (x - m) * (x - m), 0) / (n - 1);
  // Identical scores give exactly 0, not a rounding residue.
  return v < SAME ? 0 : v;
}

/** Agreement and variance over the items of one cell; items with fewer than two samples are left out. */
export function spreadOf(groups: Iterable<SampleGroup>): SampleSpread {
  let items = 0;
  let agreeing = 0;
  let varianceSum = 0;
  for (const g of groups) {
    const v = sampleVariance(g.scores);
    if (v === null) continue;
    items++;
    if (samplesAgree(g.raw, g.tolerance)) agreeing++;
    varianceSum += v;
  }
  if (items === 0) return { items: 0, agreement: null, variance: null };
  return { items, agreement: agreeing / items, variance: varianceSum / items };
}

/** The map key of a cell: its key values in `by` order. */
export function spreadKey(values: ReadonlyArray<string | number | null | undefined>): string {
  return JSON.stringify(values.map((v) => v ?? null));
}

/**
 * Sample spreads of every cell of the dataset grouped by `by`, keyed by spreadKey of the cell's
 * values. The scores are those a table counts under `selection` (the primary scorer by default); a
 * step without an answer or a score has no sample here.
 */
export function sampleSpreads(ds: Dataset, by: readonly SpreadKey[], selection: ScorerSelection = "primary"): Map<string, SampleSpread> {
  const tolerance = toleranceByScorer(ds.plan);
  const cells = new Map<string, Map<string, SampleGroup>>();
  ds.metas.forEach((meta, i) => {
    if (meta.failed) return;
    for (const u of countedUnits(ds.unitsByStep[i] ?? [], selection)) {
      if (u.score === null) continue;
      const cell = spreadKey(by.map((k) => (k === "scorer" ? u.scorer : meta[k])));
      const item = JSON.stringify([meta.segment, meta.item, meta.culture, meta.usecase, u.scorer]);
      let groups = cells.get(cell);
      if (!groups) {
        groups = new Map();
        cells.set(cell, groups);
      }
      let group = groups.get(item);
      if (!group) {
        group = { scores: [], raw: [], tolerance: tolerance(u.scorer) };
        groups.set(item, group);
      }
      group.scores.push(u.score);
      group.raw.push(u.rawScore ?? u.score);
    }
  });
  const out = new Map<string, SampleSpread>();
  for (const [cell, groups] of cells) out.set(cell, spreadOf(groups.values()));
  return out;
}

function toleranceByScorer(plan: Plan): (scorer: string) => number {
  const kinds = new Map(plan.scorers.map((s) => [s.id, s.kind] as const));
  // A scorer the plan does not know (records of an edited spec): compared for identity.
  return (scorer) => AGREEMENT_TOLERANCE[agreementScaleOf(kinds.get(scorer) ?? "")];
}

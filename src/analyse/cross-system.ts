// Cross-system correlation (seed finding 3): does a model's standing on one dimension go with its
// standing on another, across models? E.g. MFT fairness against safety representation & toxicity.
// Each point is one model's mean on both dimensions (pooled over contexts), each mean of one measure
// (the scorer of the profile) when the profiles are built by measure, so a 0–100 judge score is never
// averaged with a centred Likert rating. Pearson and Spearman get 95% Fisher-z intervals, t-test
// p-values and Benjamini–Hochberg adjusted p-values over all rows of the table. With fewer than three
// models a correlation says nothing, so it is null.

import type { Profile } from "./profiles.js";
import { benjaminiHochberg, estimateCorrelation, MIN_CORRELATION_POINTS, type Interval } from "./stats.js";

export interface DimensionRef {
  system: string;
  dimension: string;
  /** The measure (scorer) of the means; absent for profiles that pool the scorer selection. */
  measure?: string;
}

export interface CrossSystemRow {
  a: DimensionRef;
  b: DimensionRef;
  sameSystem: boolean;
  /** Models with a mean on both dimensions. */
  n: number;
  pearson: number | null;
  pearsonCi: Interval | null;
  /** Two-sided t-test p of H0 ρ = 0. */
  pearsonP: number | null;
  /** Benjamini–Hochberg adjusted p over the table's Pearson p-values. */
  pearsonQ: number | null;
  spearman: number | null;
  spearmanCi: Interval | null;
  spearmanP: number | null;
  spearmanQ: number | null;
  /** Why a correlation or interval is missing; null otherwise. */
  note: string | null;
}

export const MIN_MODELS = MIN_CORRELATION_POINTS;

function refKey(model: string, d: DimensionRef): string {
  return JSON.stringify([model, d.system, d.measure ?? null, d.dimension]);
}

/**
 * Every pair (i < j) of `dims`, in the given order; `profiles` should be one (pooled) profile per
 * model × system (× measure). A dimension ref with a measure reads only the profile of that measure.
 */
export function crossSystem(profiles: readonly Profile[], dims: readonly DimensionRef[], options: { includeSameSystem?: boolean } = {}): CrossSystemRow[] {
  const models: string[] = [];
  const means = new Map<string, number>();
  for (const p of profiles) {
    if (!models.includes(p.model)) models.push(p.model);
    for (const [d, m] of p.means) means.set(refKey(p.model, { system: p.system, dimension: d, ...(p.measure !== undefined ? { measure: p.measure } : {}) }), m);
  }
  const out: CrossSystemRow[] = [];
  for (let i = 0; i < dims.length; i++) {
    for (let j = i + 1; j < dims.length; j++) {
      const a = dims[i] as DimensionRef;
      const b = dims[j] as DimensionRef;
      const same = a.system === b.system;
      if (same && options.includeSameSystem === false) continue;
      const xs: number[] = [];
      const ys: number[] = [];
      for (const m of models) {
        const x = means.get(refKey(m, a));
        const y = means.get(refKey(m, b));
        if (x !== undefined && y !== undefined) {
          xs.push(x);
          ys.push(y);
        }
      }
      const pearson = estimateCorrelation("pearson", xs, ys);
      const spearman = estimateCorrelation("spearman", xs, ys);
      const notes: string[] = [];
      if (pearson.note) notes.push(pearson.note);
      if (spearman.note && spearman.note !== pearson.note) notes.push(`spearman: ${spearman.note}`);
      out.push({
        a,
        b,
        sameSystem: same,
        n: xs.length,
        pearson: pearson.r,
        pearsonCi: pearson.ci,
        pearsonP: pearson.p,
        pearsonQ: null,
        spearman: spearman.r,
        spearmanCi: spearman.ci,
        spearmanP: spearman.p,
        spearmanQ: null,
        note: notes.length > 0 ? notes.join("; ") : null,
      });
    }
  }
  const qp = benjaminiHochberg(out.map((r) => r.pearsonP));
  const qs = benjaminiHochberg(out.map((r) => r.spearmanP));
  out.forEach((r, k) => {
    r.pearsonQ = qp[k] ?? null;
    r.spearmanQ = qs[k] ?? null;
  });
  return out;
}

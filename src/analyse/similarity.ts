// Model similarity (the families findings): the correlation between two models' profiles over the
// dimensions of one system (and one measure, when the profiles are built by measure), each with a 95%
// Fisher-z interval over the dimensions. Raw profiles of value systems are dominated by the hierarchy
// every model shares (Universalism high, Power low), so raw correlations are all close to 1;
// `pearsonCentred` correlates each profile's deviation from the mean profile over all models instead,
// which is what separates families.

import type { Profile } from "./profiles.js";
import { estimateCorrelation, mean, type Interval } from "./stats.js";

export interface SimilarityRow {
  system: string;
  /** The scorer of both profiles (profiles built by measure); absent when pooled. */
  measure?: string;
  modelA: string;
  modelB: string;
  /** Dimensions both models have a mean on. */
  n: number;
  pearson: number | null;
  pearsonCi: Interval | null;
  spearman: number | null;
  spearmanCi: Interval | null;
  /** Pearson over deviations from the mean profile of all models in the table. */
  pearsonCentred: number | null;
  pearsonCentredCi: Interval | null;
  /** Why a correlation or interval is missing (flat profile, too few dimensions, same model); null otherwise. */
  note: string | null;
}

/**
 * Every ordered pair of models (the full matrix, diagonal included, ready for a heatmap) for one system.
 * `profiles`: one (pooled) profile per model of that system — per model × measure when built by
 * measure, and then pairs are formed within a measure only — in the order the rows should follow.
 */
export function modelSimilarity(profiles: readonly Profile[], system: string, dims: readonly string[]): SimilarityRow[] {
  const out: SimilarityRow[] = [];
  const ofSystem = profiles.filter((p) => p.system === system);
  const measures: Array<string | undefined> = [];
  for (const p of ofSystem) if (!measures.includes(p.measure)) measures.push(p.measure);
  for (const measure of measures) {
    const mine = ofSystem.filter((p) => p.measure === measure);
    const centre = new Map<string, number>();
    for (const d of dims) {
      const m = mean(mine.flatMap((p) => (p.means.has(d) ? [p.means.get(d) as number] : [])));
      if (m !== null) centre.set(d, m);
    }
    for (const a of mine) {
      for (const b of mine) {
        const xs: number[] = [];
        const ys: number[] = [];
        const cx: number[] = [];
        const cy: number[] = [];
        for (const d of dims) {
          const x = a.means.get(d);
          const y = b.means.get(d);
          if (x === undefined || y === undefined) continue;
          const c = centre.get(d) as number;
          xs.push(x);
          ys.push(y);
          cx.push(x - c);
          cy.push(y - c);
        }
        const pearson = estimateCorrelation("pearson", xs, ys);
        const spearman = estimateCorrelation("spearman", xs, ys);
        // A mean profile of fewer than three models is not a "common hierarchy" to remove.
        const centred = mine.length >= 3 ? estimateCorrelation("pearson", cx, cy) : null;
        const notes: string[] = [];
        // The diagonal is 1 by construction (no interval), unless the profile is flat: then it has no correlation even with itself.
        if (a === b) notes.push(pearson.r === null && pearson.note ? pearson.note : "same model");
        else {
          if (pearson.note) notes.push(pearson.note);
          if (spearman.note && spearman.note !== pearson.note) notes.push(`spearman: ${spearman.note}`);
          if (centred === null) notes.push("centred: fewer than 3 models");
          else if (centred.note && centred.note !== pearson.note) notes.push(`centred: ${centred.note}`);
        }
        const row: SimilarityRow = {
          system,
          modelA: a.model,
          modelB: b.model,
          n: xs.length,
          pearson: pearson.r,
          pearsonCi: pearson.ci,
          spearman: spearman.r,
          spearmanCi: spearman.ci,
          pearsonCentred: centred?.r ?? null,
          pearsonCentredCi: centred?.ci ?? null,
          note: notes.length > 0 ? notes.join("; ") : null,
        };
        if (measure !== undefined) row.measure = measure;
        out.push(row);
      }
    }
  }
  return out;
}

// Model similarity (the families findings): the correlation between two models' profiles over the
// dimensions of one system. Raw profiles of value systems are dominated by the hierarchy every model
// shares (Universalism high, Power low), so raw correlations are all close to 1; `pearsonCentred`
// correlates each profile's deviation from the mean profile over all models instead, which is what
// separates families.

import type { Profile } from "./profiles.js";
import { mean, pearson, spearman } from "./stats.js";

export interface SimilarityRow {
  system: string;
  modelA: string;
  modelB: string;
  /** Dimensions both models have a mean on. */
  n: number;
  pearson: number | null;
  spearman: number | null;
  /** Pearson over deviations from the mean profile of all models in the table. */
  pearsonCentred: number | null;
}

/**
 * Every ordered pair of models (the full matrix, diagonal included, ready for a heatmap) for one system.
 * `profiles`: one (pooled) profile per model of that system, in the order the rows should follow.
 */
export function modelSimilarity(profiles: readonly Profile[], system: string, dims: readonly string[]): SimilarityRow[] {
  const mine = profiles.filter((p) => p.system === system);
  const centre = new Map<string, number>();
  for (const d of dims) {
    const m = mean(mine.flatMap((p) => (p.means.has(d) ? [p.means.get(d) as number] : [])));
    if (m !== null) centre.set(d, m);
  }
  const out: SimilarityRow[] = [];
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
      const enough = xs.length >= 3;
      out.push({
        system,
        modelA: a.model,
        modelB: b.model,
        n: xs.length,
        pearson: enough ? pearson(xs, ys) : null,
        spearman: enough ? spearman(xs, ys) : null,
        pearsonCentred: enough && mine.length >= 3 ? pearson(cx, cy) : null,
      });
    }
  }
  return out;
}

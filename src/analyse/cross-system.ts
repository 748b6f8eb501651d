// Cross-system correlation (seed finding 3): does a model's standing on one dimension go with its
// standing on another, across models? E.g. MFT fairness against safety representation & toxicity.
// Each point is one model's mean on both dimensions (pooled over contexts); with fewer than three
// models a correlation says nothing, so it is null.

import type { Profile } from "./profiles.js";
import { pearson, spearman } from "./stats.js";

export interface DimensionRef {
  system: string;
  dimension: string;
}

export interface CrossSystemRow {
  a: DimensionRef;
  b: DimensionRef;
  sameSystem: boolean;
  /** Models with a mean on both dimensions. */
  n: number;
  pearson: number | null;
  spearman: number | null;
}

export const MIN_MODELS = 3;

/** Every pair (i < j) of `dims`, in the given order; `profiles` should be one (pooled) profile per model × system. */
export function crossSystem(
  profiles: readonly Profile[],
  dims: readonly DimensionRef[],
  options: { includeSameSystem?: boolean } = {},
): CrossSystemRow[] {
  const models: string[] = [];
  const means = new Map<string, number>();
  for (const p of profiles) {
    if (!models.includes(p.model)) models.push(p.model);
    for (const [d, m] of p.means) means.set(JSON.stringify([p.model, p.system, d]), m);
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
        const x = means.get(JSON.stringify([m, a.system, a.dimension]));
        const y = means.get(JSON.stringify([m, b.system, b.dimension]));
        if (x !== undefined && y !== undefined) {
          xs.push(x);
          ys.push(y);
        }
      }
      const enough = xs.length >= MIN_MODELS;
      out.push({
        a,
        b,
        sameSystem: same,
        n: xs.length,
        pearson: enough ? pearson(xs, ys) : null,
        spearman: enough ? spearman(xs, ys) : null,
      });
    }
  }
  return out;
}

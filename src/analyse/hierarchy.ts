// Value hierarchy (seed finding 1): how a model orders the dimensions of a system by mean score, and
// how far that order agrees with a human baseline (the pan-cultural hierarchy of Schwartz & Bardi 2001,
// or any baseline order / profile of the spec), as Spearman's rho and Kendall's tau-b.

import type { PlanBaseline } from "../core/plan.js";
import { baselineProfile, paired, type Profile, type Slice } from "./profiles.js";
import { kendallTauB, rank, spearman } from "./stats.js";

export interface HierarchyRank {
  dimension: string;
  mean: number | null;
  /** 1 = the model's highest mean; ties share the average rank; null when the dimension has no score. */
  rank: number | null;
  /** 1 = most important in the baseline; null when the baseline does not rank this dimension. */
  baselineRank: number | null;
}

export interface HierarchyRow {
  model: string;
  system: string;
  slice: Slice;
  baseline: string | null;
  /** Dimensions with both a model mean and a baseline value: the n of the correlations. */
  n: number;
  spearman: number | null;
  kendall: number | null;
  /** In the system's dimension order. */
  ranks: HierarchyRank[];
  /** Dimension ids from the model's highest to lowest mean (ties in system order). */
  order: string[];
}

/** Descending ranks (1 = largest) of the values of `dims` present in `values`. */
export function descendingRanks(dims: readonly string[], values: ReadonlyMap<string, number>): Map<string, number> {
  const present = dims.filter((d) => values.has(d));
  const r = rank(present.map((d) => -(values.get(d) as number)));
  return new Map(present.map((d, i) => [d, r[i] as number]));
}

export function valueHierarchy(
  profiles: readonly Profile[],
  dims: readonly string[],
  baseline: PlanBaseline | null,
): HierarchyRow[] {
  const base = baseline ? baselineProfile(baseline) : new Map<string, number>();
  const baseRanks = descendingRanks(dims, base);
  return profiles.map((p) => {
    const ranks = descendingRanks(dims, p.means);
    const pair = paired(dims, p.means, base);
    const order = dims
      .filter((d) => p.means.has(d))
      .map((d, i) => ({ d, i, r: ranks.get(d) as number }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.d);
    return {
      model: p.model,
      system: p.system,
      slice: p.slice,
      baseline: baseline?.id ?? null,
      n: pair.dims.length,
      spearman: baseline && pair.dims.length >= 3 ? spearman(pair.xs, pair.ys) : null,
      kendall: baseline && pair.dims.length >= 3 ? kendallTauB(pair.xs, pair.ys) : null,
      ranks: dims.map((d) => ({
        dimension: d,
        mean: p.means.get(d) ?? null,
        rank: ranks.get(d) ?? null,
        baselineRank: baseRanks.get(d) ?? null,
      })),
      order,
    };
  });
}

// Value hierarchy (seed finding 1): how a model orders the dimensions of a system by mean score, and
// how far that order agrees with a human baseline (the pan-cultural hierarchy of Schwartz & Bardi 2001,
// or any baseline order / profile of the spec), as Spearman's rho and Kendall's tau-b with 95% Fisher-z
// intervals over the dimensions. Ties (within the tolerance of stats.tieGroups) share a rank; a flat
// profile has no order, no rank and no correlation.

import type { PlanBaseline } from "../core/plan.js";
import { baselineProfile, paired, type Profile, type Slice } from "./profiles.js";
import { descendingRankInfo, estimateCorrelation, type Interval } from "./stats.js";

export interface HierarchyRank {
  dimension: string;
  mean: number | null;
  /** Competition rank, 1 = the model's highest mean; tied means share the best rank they span. null: no mean, or a flat profile. */
  rank: number | null;
  /** The rank is shared with another dimension (written "2=" in the CSV). */
  tied: boolean;
  /** Average rank (ties share the mean of the ranks they span): what Spearman's rho uses. */
  meanRank: number | null;
  /** 1 = most important in the baseline (competition rank); null when the baseline does not rank this dimension. */
  baselineRank: number | null;
  baselineTied: boolean;
  baselineMeanRank: number | null;
}

export interface HierarchyRow {
  model: string;
  system: string;
  /** The scorer whose means make the profile (profiles built by measure); absent when pooled. */
  measure?: string;
  slice: Slice;
  baseline: string | null;
  /** Dimensions with both a model mean and a baseline value: the n of the correlations. */
  n: number;
  spearman: number | null;
  /** 95% Fisher-z interval of rho with the Bonett–Wright (2000) standard error. */
  spearmanCi: Interval | null;
  kendall: number | null;
  /** 95% Fisher-z interval of tau-b with the Fieller et al. (1957) standard error. */
  kendallCi: Interval | null;
  /** Why the order, a correlation or an interval is missing; null when everything is there. */
  note: string | null;
  /** In the system's dimension order. */
  ranks: HierarchyRank[];
  /** Groups of tied dimensions from the model's highest to lowest mean (system order inside a group); empty for a flat profile. */
  order: string[][];
  /** All dimension means are equal within the tolerance. */
  flat: boolean;
}

interface Ranked {
  rank: number;
  tied: boolean;
  meanRank: number;
}

/** Descending ranks (1 = largest) of the values of `dims` present in `values`; null when the values are flat. */
export function descendingRanks(dims: readonly string[], values: ReadonlyMap<string, number>): Map<string, Ranked> | null {
  const present = dims.filter((d) => values.has(d));
  const info = descendingRankInfo(present.map((d) => values.get(d) as number));
  if (info === null) return null;
  return new Map(present.map((d, i) => [d, { rank: info[i]?.min as number, tied: info[i]?.tied as boolean, meanRank: info[i]?.mean as number }]));
}

/** "a > b = c > d": the order groups of a hierarchy row as text; null when there is no order. */
export function orderText(order: readonly string[][]): string | null {
  return order.length === 0 ? null : order.map((g) => g.join(" = ")).join(" > ");
}

export function valueHierarchy(profiles: readonly Profile[], dims: readonly string[], baseline: PlanBaseline | null): HierarchyRow[] {
  const base = baseline ? baselineProfile(baseline) : new Map<string, number>();
  const baseRanks = descendingRanks(dims, base);
  return profiles.map((p) => {
    const ranks = descendingRanks(dims, p.means);
    const flat = ranks === null && p.means.size >= 2;
    const pair = paired(dims, p.means, base);
    const order: string[][] = [];
    if (ranks) {
      const byRank = new Map<number, string[]>();
      for (const d of dims) {
        const r = ranks.get(d);
        if (!r) continue;
        const g = byRank.get(r.rank);
        if (g) g.push(d);
        else byRank.set(r.rank, [d]);
      }
      for (const k of [...byRank.keys()].sort((a, b) => a - b)) order.push(byRank.get(k) as string[]);
    }
    const rho = baseline ? estimateCorrelation("spearman", pair.xs, pair.ys) : null;
    const tau = baseline ? estimateCorrelation("kendall", pair.xs, pair.ys) : null;
    const notes: string[] = [];
    if (flat) notes.push("flat profile (all dimension means equal): no order, rank or correlation");
    if (!baseline) notes.push("no baseline");
    else if (!flat) {
      // Kendall's interval needs one point more than Spearman's: its note only when it says something else.
      if (rho?.note) notes.push(rho.note);
      if (tau?.note && tau.note !== rho?.note) notes.push(`kendall: ${tau.note}`);
    }
    const row: HierarchyRow = {
      model: p.model,
      system: p.system,
      slice: p.slice,
      baseline: baseline?.id ?? null,
      n: pair.dims.length,
      spearman: rho?.r ?? null,
      spearmanCi: rho?.ci ?? null,
      kendall: tau?.r ?? null,
      kendallCi: tau?.ci ?? null,
      note: notes.length > 0 ? notes.join("; ") : null,
      ranks: dims.map((d) => {
        const r = ranks?.get(d);
        const b = baseRanks?.get(d);
        return {
          dimension: d,
          mean: p.means.get(d) ?? null,
          rank: r?.rank ?? null,
          tied: r?.tied ?? false,
          meanRank: r?.meanRank ?? null,
          baselineRank: b?.rank ?? null,
          baselineTied: b?.tied ?? false,
          baselineMeanRank: b?.meanRank ?? null,
        };
      }),
      order,
      flat,
    };
    if (p.measure !== undefined) row.measure = p.measure;
    return row;
  });
}

// Intervals for means and proportions on the right unit: the item. Several samples and contexts of one
// item are not independent observations, so every interval here treats an item (all its records) as one
// cluster. Continuous scores get a stratified cluster bootstrap over items (recomputing each
// respondent's own mean inside every replicate when the scores are centred); rates get Wilson score
// intervals on the cluster-effective sample size. docs/scoring.md ("Intervals") says why.

import { mulberry32 } from "../core/random.js";
import { quantileSorted, type Interval } from "./stats.js";

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * Below this a variance counts as zero. Scores are 0–100 (proportions 0–1), written with two decimals:
 * differences of 1e-9 are rounding, never data.
 */
export const ZERO_TOLERANCE = 1e-9;

export type IntervalMethod = "item-bootstrap" | "wilson";

/** One item's records in one cell: the sum of their values and how many there are. */
export interface ClusterTotal {
  total: number;
  count: number;
}

// ---------------------------------------------------------------------------------------------------
// Proportions

/**
 * Wilson score interval for a proportion p (0–1) observed on n (possibly effective, non-integer)
 * trials. Never zero width for n > 0: with p = 1 the lower bound is n / (n + z²) < 1. null for n ≤ 0.
 */
export function wilsonInterval(p: number, n: number, z: number = Z95): Interval | null {
  if (!(n > 0) || !Number.isFinite(p)) return null;
  const q = Math.min(1, Math.max(0, p));
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (q + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((q * (1 - q)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The effective sample size of a proportion estimated from clustered records (Kish's design effect,
 * as Korn & Graubard 1998 use it): n_eff = p(1 − p) / v, where v = Σ (T_c − p·m_c)² / N² is the
 * with-replacement linearisation variance of the ratio estimator p = ΣT / N over clusters c. With one
 * record per item this is exactly n (the textbook interval); duplicating every record leaves it
 * unchanged. Bounded to [1, N]. When p is 0 or 1 (no variance to estimate a design effect from) it is
 * the number of clusters: every item counts once, however many samples it has.
 */
export function effectiveSize(clusters: readonly ClusterTotal[]): { p: number; nEff: number; records: number } | null {
  let total = 0;
  let records = 0;
  for (const c of clusters) {
    total += c.total;
    records += c.count;
  }
  if (records <= 0) return null;
  const p = total / records;
  const k = clusters.filter((c) => c.count > 0).length;
  const pq = p * (1 - p);
  if (pq <= ZERO_TOLERANCE) return { p, nEff: Math.max(1, Math.min(k, records)), records };
  let ss = 0;
  for (const c of clusters) ss += (c.total - p * c.count) ** 2;
  const v = ss / (records * records);
  // No spread between items at all (every item has the same share): the records are the information.
  const nEff = v <= ZERO_TOLERANCE * ZERO_TOLERANCE ? records : pq / v;
  return { p, nEff: Math.max(1, Math.min(records, nEff)), records };
}

/** Wilson interval of clustered 0/1 (or 0–1 partial-credit) outcomes, on the effective sample size. */
export function clusteredWilson(clusters: readonly ClusterTotal[], z: number = Z95): { interval: Interval; nEff: number } | null {
  const e = effectiveSize(clusters);
  if (!e) return null;
  const interval = wilsonInterval(e.p, e.nEff, z);
  return interval ? { interval, nEff: e.nEff } : null;
}

/**
 * Kish's effective size of a weighted mean of independent strata: 1 / Σ w_d² / n_d with w normalised.
 * Used for an overall rate over dimensions (each with its own effective size). It treats every stratum
 * as having the overall rate, which overstates the variance when the strata's rates differ (between-
 * stratum differences add nothing to a stratified mean's variance): conservative.
 */
export function kishEffectiveSize(parts: ReadonlyArray<{ weight: number; nEff: number }>): number | null {
  const usable = parts.filter((p) => p.weight > 0 && p.nEff > 0);
  const total = usable.reduce((s, p) => s + p.weight, 0);
  if (usable.length === 0 || !(total > 0)) return null;
  let s = 0;
  for (const p of usable) s += (p.weight / total) ** 2 / p.nEff;
  return 1 / s;
}

// ---------------------------------------------------------------------------------------------------
// The item (cluster) bootstrap

/** One score record as the bootstrap sees it. */
export interface BootRecord {
  /** The item: the resampling unit. All records of one item (samples, contexts) move together. */
  item: string;
  dimension: string;
  /** The record's own context (its respondent's): items asked in the same contexts form a stratum. */
  context: string;
  /** The cell (table row) the record counts in. */
  cell: string;
  /** The overall the cell is a dimension of (a leaderboard row), or null. Its cells hold one dimension each. */
  overall: string | null;
  /** Centred scores: whose mean rating is subtracted (null otherwise). */
  respondent: string | null;
  /** The score as recorded (before centring). */
  value: number;
}

export interface ItemBootstrapOptions {
  seed: number;
  resamples: number;
  /** Default 0.95. */
  level?: number;
  /** Subtract each respondent's mean over the replicate's items from their scores (ipsatised scales). */
  centred: boolean;
  /** Weight of each dimension in the overall (missing: 1). */
  weight?(dimension: string): number;
}

export interface ItemBootstrapResult {
  /** Key: the cell. null when the cell has fewer than 2 items. */
  cells: Map<string, Interval | null>;
  /** Key: the overall. The weighted mean of its cells' means; null when centred or < 2 items. */
  overall: Map<string, Interval | null>;
}

interface CellPlan {
  key: string;
  overall: string | null;
  dimension: string;
  /** Non-centred: per cluster, total and count. */
  clusters: Array<{ cluster: number; total: number; count: number }>;
  /** Centred: every record. */
  records: Array<{ cluster: number; respondent: number; value: number }>;
  k: number;
  full: number;
}

/**
 * Stratified cluster bootstrap over items. Strata are the items of one dimension asked in the same set
 * of contexts (so every cell keeps its number of items in every replicate); strata of a single item
 * within a dimension are merged (collapsed strata, Wolter 2007 §2.5). Each replicate draws every
 * stratum's items with replacement, then computes:
 * - each cell's mean: Σ c_i·T_i / Σ c_i·m_i (c_i how often item i was drawn), or, when centred,
 *   the mean of (score − the respondent's mean over the drawn items);
 * - each overall: the weighted mean of its cells' (dimensions') means, where a dimension with a single
 *   item (whose own spread cannot be estimated) moves by the deviation of a random single-item
 *   dimension of the same overall from their mean (collapsed strata again: conservative).
 * Percentile intervals; a replicate in which a cell has no item is left out for that cell.
 */
export function itemBootstrap(records: readonly BootRecord[], options: ItemBootstrapOptions): ItemBootstrapResult {
  const level = options.level ?? 0.95;
  const weight = options.weight ?? (() => 1);

  // Clusters: one per (item, dimension), in order of first appearance.
  const clusterIndex = new Map<string, number>();
  const clusterDim: string[] = [];
  const clusterContexts: Array<Set<string>> = [];
  const clusterOf = (r: BootRecord): number => {
    const key = JSON.stringify([r.item, r.dimension]);
    let c = clusterIndex.get(key);
    if (c === undefined) {
      c = clusterDim.length;
      clusterIndex.set(key, c);
      clusterDim.push(r.dimension);
      clusterContexts.push(new Set());
    }
    (clusterContexts[c] as Set<string>).add(r.context);
    return c;
  };
  const recordCluster = records.map(clusterOf);

  // Strata: dimension × the set of contexts an item was asked in; singletons of a dimension merged.
  const strataMap = new Map<string, number[]>();
  clusterDim.forEach((dim, c) => {
    const key = JSON.stringify([dim, [...(clusterContexts[c] as Set<string>)].sort()]);
    const s = strataMap.get(key);
    if (s) s.push(c);
    else strataMap.set(key, [c]);
  });
  const strata: number[][] = [];
  const singles = new Map<string, number[]>();
  for (const members of strataMap.values()) {
    if (members.length === 1) {
      const dim = clusterDim[members[0] as number] as string;
      const list = singles.get(dim) ?? [];
      list.push(members[0] as number);
      singles.set(dim, list);
    } else strata.push(members);
  }
  for (const list of singles.values()) strata.push(list);

  // Respondents (centred only): their mean per item.
  const respondentIndex = new Map<string, number>();
  const recordRespondent = records.map((r) => {
    if (!options.centred || r.respondent === null) return -1;
    let i = respondentIndex.get(r.respondent);
    if (i === undefined) {
      i = respondentIndex.size;
      respondentIndex.set(r.respondent, i);
    }
    return i;
  });
  const respondentItems: Array<Map<number, { sum: number; n: number }>> = [...respondentIndex.keys()].map(() => new Map());
  records.forEach((r, i) => {
    const resp = recordRespondent[i] as number;
    if (resp < 0) return;
    const m = respondentItems[resp] as Map<number, { sum: number; n: number }>;
    const c = recordCluster[i] as number;
    const e = m.get(c) ?? { sum: 0, n: 0 };
    e.sum += r.value;
    e.n += 1;
    m.set(c, e);
  });
  const respondentPairs = respondentItems.map((m) => [...m].map(([cluster, e]) => ({ cluster, mean: e.sum / e.n })));

  // Cells.
  const cellMap = new Map<string, CellPlan>();
  const clusterTotals = new Map<string, Map<number, { total: number; count: number }>>();
  records.forEach((r, i) => {
    const key = r.cell;
    let plan = cellMap.get(key);
    if (!plan) {
      plan = { key, overall: r.overall, dimension: r.dimension, clusters: [], records: [], k: 0, full: 0 };
      cellMap.set(key, plan);
      clusterTotals.set(key, new Map());
    }
    const c = recordCluster[i] as number;
    const totals = clusterTotals.get(key) as Map<number, { total: number; count: number }>;
    const t = totals.get(c) ?? { total: 0, count: 0 };
    t.total += r.value;
    t.count += 1;
    totals.set(c, t);
    if (options.centred) plan.records.push({ cluster: c, respondent: recordRespondent[i] as number, value: r.value });
  });
  const counts = new Float64Array(clusterDim.length).fill(1);
  const mrat = new Float64Array(respondentPairs.length);
  const computeMrat = () => {
    respondentPairs.forEach((pairs, r) => {
      let s = 0;
      let w = 0;
      for (const p of pairs) {
        const c = counts[p.cluster] as number;
        s += c * p.mean;
        w += c;
      }
      mrat[r] = w > 0 ? s / w : Number.NaN;
    });
  };
  const cellStat = (plan: CellPlan): number => {
    let s = 0;
    let w = 0;
    if (options.centred) {
      for (const rec of plan.records) {
        const c = counts[rec.cluster] as number;
        if (c === 0) continue;
        s += c * (rec.value - (mrat[rec.respondent] as number));
        w += c;
      }
    } else {
      for (const cl of plan.clusters) {
        const c = counts[cl.cluster] as number;
        s += c * cl.total;
        w += c * cl.count;
      }
    }
    return w > 0 ? s / w : Number.NaN;
  };
  const cells = [...cellMap.values()];
  for (const plan of cells) {
    const totals = clusterTotals.get(plan.key) as Map<number, { total: number; count: number }>;
    plan.clusters = [...totals].map(([cluster, t]) => ({ cluster, total: t.total, count: t.count }));
    plan.k = plan.clusters.length;
  }
  if (options.centred) computeMrat();
  for (const plan of cells) plan.full = cellStat(plan);

  // Overalls: their dimension cells, and the single-item ones' pool of deviations.
  const contexts = new Map<string, CellPlan[]>();
  for (const plan of cells) {
    if (plan.overall === null) continue;
    const list = contexts.get(plan.overall) ?? [];
    list.push(plan);
    contexts.set(plan.overall, list);
  }
  const overallPlans = [...contexts].map(([cell, plans]) => {
    const usable = plans.filter((p) => Number.isFinite(p.full) && weight(p.dimension) > 0);
    const single = usable.filter((p) => p.k === 1);
    const singleMean = single.length > 0 ? single.reduce((s, p) => s + p.full, 0) / single.length : 0;
    const items = usable.reduce((s, p) => s + p.k, 0);
    return { cell, usable, single, singleMean, items };
  });

  const reps = Math.max(0, Math.floor(options.resamples));
  const cellStats = new Map<string, number[]>(cells.map((p) => [p.key, []]));
  const overallStats = new Map<string, number[]>(overallPlans.map((o) => [o.cell, []]));
  const rng = mulberry32(options.seed >>> 0);
  for (let b = 0; b < reps; b++) {
    counts.fill(0);
    for (const members of strata) {
      const n = members.length;
      for (let j = 0; j < n; j++) {
        const pick = members[Math.floor(rng() * n)] as number;
        counts[pick] = (counts[pick] as number) + 1;
      }
    }
    if (options.centred) computeMrat();
    const replicate = new Map<string, number>();
    for (const plan of cells) {
      const v = cellStat(plan);
      replicate.set(plan.key, v);
      if (Number.isFinite(v)) (cellStats.get(plan.key) as number[]).push(v);
    }
    if (options.centred) continue;
    for (const o of overallPlans) {
      let s = 0;
      let w = 0;
      for (const p of o.usable) {
        let v: number;
        if (p.k === 1) {
          // One item: no spread of its own to resample; borrow a deviation from the single-item pool.
          const e = o.single.length >= 2 ? (o.single[Math.floor(rng() * o.single.length)] as CellPlan) : p;
          v = p.full + (e.full - (o.single.length >= 2 ? o.singleMean : p.full));
        } else v = replicate.get(p.key) as number;
        const wd = weight(p.dimension);
        s += wd * v;
        w += wd;
      }
      const value = w > 0 ? s / w : Number.NaN;
      if (Number.isFinite(value)) (overallStats.get(o.cell) as number[]).push(value);
    }
  }

  const enough = (stats: number[]) => reps > 0 && stats.length >= Math.ceil(reps / 2);
  const cellResult = new Map<string, Interval | null>();
  for (const plan of cells) {
    const stats = cellStats.get(plan.key) as number[];
    cellResult.set(plan.key, plan.k >= 2 && enough(stats) ? percentile(stats, level) : null);
  }
  const overallResult = new Map<string, Interval | null>();
  for (const o of overallPlans) {
    const stats = overallStats.get(o.cell) as number[];
    overallResult.set(o.cell, !options.centred && o.items >= 2 && enough(stats) ? percentile(stats, level) : null);
  }
  return { cells: cellResult, overall: overallResult };
}

function percentile(stats: number[], level: number): Interval | null {
  stats.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const low = quantileSorted(stats, alpha);
  const high = quantileSorted(stats, 1 - alpha);
  return low === null || high === null ? null : { low, high };
}

// Comparisons between groups of models: the difference of group means with a two-way cluster bootstrap
// (items and models resampled) and a permutation test over the model labels; and family similarity:
// within-family against between-family profile similarity with a permutation test over the labels.

import { mulberry32 } from "../core/random.js";
import { permutationSet } from "./permutation.js";
import { mean, pearson, quantileSorted, type Interval } from "./stats.js";

/** One model's mean score on one item (over samples and contexts). */
export interface GroupCell {
  model: string;
  item: string;
  score: number;
}

export interface GroupDifferenceOptions {
  seed: number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Random label permutations when the models are too many to enumerate (default 9999). */
  permutations?: number;
}

export interface GroupDifference {
  modelsA: number;
  modelsB: number;
  items: number;
  /** Mean over group A's models of each model's mean over its items (every model weighs the same). */
  meanA: number | null;
  meanB: number | null;
  /** meanA − meanB. */
  difference: number | null;
  /** 95 % percentile interval from resampling items and, within each group, models (null with one model in a group). */
  ci: Interval | null;
  /** Two-sided permutation p-value of |difference| over relabellings of the models (group sizes kept). */
  p: number | null;
  /** Whether p enumerates every relabelling (≤ 8 models) rather than a random sample of them. */
  exact: boolean;
  note: string | null;
}

export interface FamilySimilarity {
  models: number;
  families: number;
  withinPairs: number;
  betweenPairs: number;
  /** Mean similarity (Pearson over the models' centred profiles) of pairs within one family. */
  within: number | null;
  between: number | null;
  /** within − between. */
  difference: number | null;
  /** One-sided permutation p-value of the difference being at least the observed, family labels shuffled. */
  p: number | null;
  exact: boolean;
  note: string | null;
}

const TOLERANCE = 1e-9;
const DEFAULT_RESAMPLES = 2000;

/**
 * The difference of group means, A − B, on one measure. A model's score is its mean over the items it
 * answered; a group's is the mean over its models, so a model with more items does not weigh more.
 *
 * Interval: a two-way cluster bootstrap. Each resample draws the items with replacement (the same
 * draw for every model, since items are crossed with models) and, within each group, the models with
 * replacement; the 2.5 and 97.5 % quantiles of the resampled differences are the interval. Resampling
 * both reflects the two sources of uncertainty a claim about "open-weight models" on "this kind of
 * item" has: which models happen to be in the run, and which items (Field & Welsh 2007, crossed
 * random effects). A group of one model has no spread over models to resample, so no interval.
 *
 * Test: the model labels are permuted (group sizes kept) and the difference recomputed; p is the share
 * of relabellings with a difference at least as large in absolute value (exact for ≤ 8 models).
 */
export function groupDifference(cells: readonly GroupCell[], inA: ReadonlyMap<string, boolean>, options: GroupDifferenceOptions): GroupDifference {
  const models = [...new Set(cells.map((c) => c.model))].filter((m) => inA.has(m)).sort();
  const items = [...new Set(cells.map((c) => c.item))].sort();
  const itemIndex = new Map(items.map((it, i) => [it, i] as const));
  // Per model: its score per item index (NaN where it has none).
  const scores = new Map<string, Float64Array>();
  for (const m of models) scores.set(m, new Float64Array(items.length).fill(Number.NaN));
  const acc = new Map<string, { s: number; n: number }>();
  for (const c of cells) {
    if (!scores.has(c.model)) continue;
    const key = `${c.model}\u0000${c.item}`;
    const a = acc.get(key) ?? { s: 0, n: 0 };
    a.s += c.score;
    a.n++;
    acc.set(key, a);
  }
  for (const [key, a] of acc) {
    const [model, item] = key.split("\u0000") as [string, string];
    (scores.get(model) as Float64Array)[itemIndex.get(item) as number] = a.s / a.n;
  }
  const modelMean = new Map<string, number>();
  for (const m of models) {
    const v = scores.get(m) as Float64Array;
    let s = 0;
    let n = 0;
    for (const x of v) {
      if (!Number.isNaN(x)) {
        s += x;
        n++;
      }
    }
    if (n > 0) modelMean.set(m, s / n);
  }
  const a = models.filter((m) => inA.get(m) === true && modelMean.has(m));
  const b = models.filter((m) => inA.get(m) === false && modelMean.has(m));
  const empty: GroupDifference = {
    modelsA: a.length,
    modelsB: b.length,
    items: items.length,
    meanA: null,
    meanB: null,
    difference: null,
    ci: null,
    p: null,
    exact: false,
    note: null,
  };
  if (a.length === 0 || b.length === 0) return { ...empty, note: "a group has no model with scores" };
  const meanA = mean(a.map((m) => modelMean.get(m) as number)) as number;
  const meanB = mean(b.map((m) => modelMean.get(m) as number)) as number;
  const difference = meanA - meanB;
  const notes: string[] = [];

  // Bootstrap.
  let ci: Interval | null = null;
  if (a.length >= 2 && b.length >= 2) {
    const next = mulberry32(options.seed);
    const B = options.resamples ?? DEFAULT_RESAMPLES;
    const weights = new Float64Array(items.length);
    const stats: number[] = [];
    const resampledGroupMean = (group: readonly string[]): number | null => {
      let s = 0;
      let k = 0;
      for (let j = 0; j < group.length; j++) {
        const v = scores.get(group[Math.floor(next() * group.length)] as string) as Float64Array;
        let ws = 0;
        let wn = 0;
        for (let i = 0; i < v.length; i++) {
          const w = weights[i] as number;
          const x = v[i] as number;
          if (w > 0 && !Number.isNaN(x)) {
            ws += w * x;
            wn += w;
          }
        }
        if (wn > 0) {
          s += ws / wn;
          k++;
        }
      }
      return k > 0 ? s / k : null;
    };
    for (let r = 0; r < B; r++) {
      weights.fill(0);
      for (let i = 0; i < items.length; i++) (weights[Math.floor(next() * items.length)] as number)++;
      const ma = resampledGroupMean(a);
      const mb = resampledGroupMean(b);
      if (ma !== null && mb !== null) stats.push(ma - mb);
    }
    stats.sort((x, y) => x - y);
    const low = quantileSorted(stats, 0.025);
    const high = quantileSorted(stats, 0.975);
    if (low !== null && high !== null) ci = { low, high };
  } else {
    notes.push("a group of one model: no interval over models (compare more models per group)");
  }

  // Permutation test over the model labels.
  const pooled = [...a, ...b].map((m) => modelMean.get(m) as number);
  const n = pooled.length;
  const set = permutationSet(n, { seed: options.seed ^ 0x5bd1e995, ...(options.permutations !== undefined ? { random: options.permutations } : {}) });
  const observed = Math.abs(difference) - TOLERANCE * Math.max(1, Math.abs(difference));
  let hits = 0;
  for (let k = 0; k < set.count; k++) {
    let sa = 0;
    let sb = 0;
    for (let i = 0; i < n; i++) {
      const x = pooled[set.indices[k * n + i] as number] as number;
      if (i < a.length) sa += x;
      else sb += x;
    }
    if (Math.abs(sa / a.length - sb / b.length) >= observed) hits++;
  }
  const p = set.exact ? hits / set.count : (1 + hits) / (1 + set.count);
  return { ...empty, meanA, meanB, difference, ci, p, exact: set.exact, note: notes.length > 0 ? notes.join("; ") : null };
}

/**
 * Within- against between-family similarity of the models' profiles (one value per dimension, in one
 * order). Profiles are centred first (each dimension's mean over all models subtracted), because every
 * model shares the common value hierarchy: raw profile correlations are high for any pair and hide
 * what a family shares beyond it. Similarity is Pearson's r of two centred profiles; the statistic is
 * the mean over within-family pairs minus the mean over between-family pairs; the permutation test
 * shuffles the family labels over the models (family sizes kept), one-sided (within > between).
 */
export function familySimilarity(
  profiles: ReadonlyMap<string, readonly number[]>,
  familyOf: ReadonlyMap<string, string>,
  options: { seed: number; permutations?: number },
): FamilySimilarity {
  const models = [...profiles.keys()].filter((m) => familyOf.has(m)).sort();
  const families = new Set(models.map((m) => familyOf.get(m) as string));
  const base: FamilySimilarity = {
    models: models.length,
    families: families.size,
    withinPairs: 0,
    betweenPairs: 0,
    within: null,
    between: null,
    difference: null,
    p: null,
    exact: false,
    note: null,
  };
  const dims = (profiles.get(models[0] ?? "") ?? []).length;
  if (models.length < 3 || dims < 3) return { ...base, note: "needs at least 3 models with a family and 3 dimensions" };
  const centre = new Array<number>(dims).fill(0);
  for (const m of models) {
    (profiles.get(m) as number[]).forEach((x, i) => {
      centre[i] = (centre[i] as number) + x / models.length;
    });
  }
  const centred = models.map((m) => (profiles.get(m) as number[]).map((x, i) => x - (centre[i] as number)));
  const n = models.length;
  const sim: Array<number | null> = new Array(n * n).fill(null);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sim[i * n + j] = pearson(centred[i] as number[], centred[j] as number[]);
  const labels = models.map((m) => familyOf.get(m) as string);
  const statistic = (lab: readonly string[]): { within: number | null; between: number | null; w: number; b: number } => {
    let ws = 0;
    let w = 0;
    let bs = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const s = sim[i * n + j];
        if (s === null || s === undefined) continue;
        if (lab[i] === lab[j]) {
          ws += s;
          w++;
        } else {
          bs += s;
          b++;
        }
      }
    }
    return { within: w > 0 ? ws / w : null, between: b > 0 ? bs / b : null, w, b };
  };
  const obs = statistic(labels);
  const out = { ...base, withinPairs: obs.w, betweenPairs: obs.b, within: obs.within, between: obs.between };
  if (obs.within === null || obs.between === null) return { ...out, note: "needs a family of at least 2 models and models of at least 2 families" };
  const difference = obs.within - obs.between;
  const set = permutationSet(n, { seed: options.seed, ...(options.permutations !== undefined ? { random: options.permutations } : {}) });
  const threshold = difference - TOLERANCE;
  let hits = 0;
  const permuted = new Array<string>(n);
  for (let k = 0; k < set.count; k++) {
    for (let i = 0; i < n; i++) permuted[i] = labels[set.indices[k * n + i] as number] as string;
    const s = statistic(permuted);
    if (s.within !== null && s.between !== null && s.within - s.between >= threshold) hits++;
  }
  const p = set.exact ? hits / set.count : (1 + hits) / (1 + set.count);
  return { ...out, difference, p, exact: set.exact };
}

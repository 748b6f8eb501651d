// Descriptive statistics, rank correlations and a seeded bootstrap.
//
// Every function is pure and total: when a statistic is undefined (no data, n too small, zero variance)
// it returns null rather than NaN or Infinity, so a report cell is empty instead of "NaN". Inputs are
// plain number arrays; callers drop missing values before calling.

/** Neumaier-compensated sum: keeps long sums of scores near 100 accurate to the last bits. */
export function sum(xs: readonly number[]): number {
  let s = 0;
  let c = 0;
  for (const x of xs) {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

/** Arithmetic mean; null for an empty array. */
export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  return sum(xs) / xs.length;
}

/** Sample variance (n − 1 denominator, two-pass); null when n < 2. */
export function variance(xs: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const m = sum(xs) / n;
  const d: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) d[i] = ((xs[i] as number) - m) ** 2;
  return sum(d) / (n - 1);
}

/** Sample standard deviation (n − 1 denominator); null when n < 2. */
export function sd(xs: readonly number[]): number | null {
  const v = variance(xs);
  return v === null ? null : Math.sqrt(v);
}

export { mulberry32 } from "../core/random.js";
import { mulberry32 } from "../core/random.js";

/**
 * A seed for one analysis cell, derived from the run seed and the cell's key (FNV-1a over the UTF-16
 * code units, then a murmur3 finaliser mixed with the seed). Each cell's bootstrap depends only on its
 * own key and data, so adding a model or a dimension does not change the intervals of the others.
 */
export function deriveSeed(seed: number, key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= seed >>> 0;
  h ^= Math.floor(seed / 4294967296) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Quantile of an ascending-sorted array by linear interpolation between order statistics (Hyndman &
 * Fan type 7, the default of R and NumPy). null for an empty array.
 */
export function quantileSorted(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (n === 1) return sorted[0] as number;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  seed: number;
  /** Number of bootstrap resamples. Default 2000. */
  resamples?: number;
  /** Confidence level. Default 0.95. */
  level?: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** mulberry32's state, advanced in place by the resampling loops (which inline the generator for speed). */
interface Stream {
  state: number;
}

/**
 * Mean of one resample of xs with replacement, drawing indices from the mulberry32 stream exactly as
 * `floor(mulberry32() · n)` would (same state steps, same numbers); the generator is inlined because
 * this loop runs B · n times. Plain summation: resampled values are bounded scores, so the rounding
 * error (~n · 2^-53 relative) is far below the two decimals written.
 */
function resampledMean(xs: Float64Array, stream: Stream): number {
  const n = xs.length;
  let a = stream.state;
  let s = 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = (t ^ (t >>> 14)) >>> 0;
    s += xs[Math.floor((u / 4294967296) * n)] as number;
  }
  stream.state = a;
  return s / n;
}

function percentileInterval(stats: number[], level: number): Interval | null {
  stats.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const low = quantileSorted(stats, alpha);
  const high = quantileSorted(stats, 1 - alpha);
  if (low === null || high === null) return null;
  return { low, high };
}

/**
 * Percentile bootstrap confidence interval of the mean: draw `resamples` samples of size n with
 * replacement (mulberry32 seeded with `seed`, draws in input order), take the mean of each, and return
 * the α/2 and 1 − α/2 quantiles (type 7) of those means. Deterministic given the seed and the input
 * order. null when n < 2 (one value carries no information about its spread).
 */
export function bootstrapMeanCI(xs: readonly number[], options: BootstrapOptions): Interval | null {
  if (xs.length < 2) return null;
  const b = options.resamples ?? DEFAULT_RESAMPLES;
  if (b < 1) return null;
  const stream: Stream = { state: options.seed >>> 0 };
  const values = Float64Array.from(xs);
  const means: number[] = new Array<number>(b);
  for (let i = 0; i < b; i++) means[i] = resampledMean(values, stream);
  return percentileInterval(means, options.level ?? 0.95);
}

/**
 * Percentile bootstrap CI of mean(a) − mean(b) for two independent samples: each replicate resamples
 * a and b separately (a first, then b, from one mulberry32 stream). Ignoring any pairing between the
 * samples makes the interval conservative (wider) when the same items appear in both. null when either
 * sample has fewer than 2 values.
 */
export function bootstrapMeanDiffCI(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions,
): Interval | null {
  if (a.length < 2 || b.length < 2) return null;
  const reps = options.resamples ?? DEFAULT_RESAMPLES;
  if (reps < 1) return null;
  const stream: Stream = { state: options.seed >>> 0 };
  const va = Float64Array.from(a);
  const vb = Float64Array.from(b);
  const diffs: number[] = new Array<number>(reps);
  for (let i = 0; i < reps; i++) {
    const ma = resampledMean(va, stream);
    diffs[i] = ma - resampledMean(vb, stream);
  }
  return percentileInterval(diffs, options.level ?? 0.95);
}

/**
 * Percentile bootstrap CI of a weighted mean of group means (stratified: each replicate resamples every
 * group on its own, then combines the group means with the weights). Used for the overall score of a
 * model on a system, whose groups are the dimensions. null when any group has fewer than 2 values, or
 * the weights sum to zero.
 */
export function bootstrapWeightedMeanOfMeansCI(
  groups: ReadonlyArray<{ values: readonly number[]; weight: number }>,
  options: BootstrapOptions,
): Interval | null {
  if (groups.length === 0) return null;
  const totalWeight = sum(groups.map((g) => g.weight));
  if (!(totalWeight > 0)) return null;
  if (groups.some((g) => g.values.length < 2)) return null;
  const reps = options.resamples ?? DEFAULT_RESAMPLES;
  if (reps < 1) return null;
  const stream: Stream = { state: options.seed >>> 0 };
  const arrays = groups.map((g) => Float64Array.from(g.values));
  const stats: number[] = new Array<number>(reps);
  const parts: number[] = new Array<number>(groups.length);
  for (let i = 0; i < reps; i++) {
    for (let g = 0; g < groups.length; g++) {
      parts[g] = (groups[g] as { weight: number }).weight * resampledMean(arrays[g] as Float64Array, stream);
    }
    stats[i] = sum(parts) / totalWeight;
  }
  return percentileInterval(stats, options.level ?? 0.95);
}

/**
 * Ranks 1..n in ascending order of value; tied values share the average of the ranks they span
 * ("fractional" ranking, as Spearman's coefficient with ties requires). Stable in input order.
 */
export function rank(xs: readonly number[]): number[] {
  const n = xs.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((i, j) => (xs[i] as number) - (xs[j] as number) || i - j);
  const ranks: number[] = new Array<number>(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && xs[idx[j + 1] as number] === xs[idx[i] as number]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k] as number] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * Pearson product-moment correlation. null when the arrays differ in length, n < 2, either side has
 * zero variance, or any value is not finite. Clamped to [−1, 1] against rounding.
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n !== ys.length || n < 2) return null;
  if (!xs.every(Number.isFinite) || !ys.every(Number.isFinite)) return null;
  const mx = sum(xs) / n;
  const my = sum(ys) / n;
  const pxy: number[] = new Array<number>(n);
  const pxx: number[] = new Array<number>(n);
  const pyy: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    pxy[i] = dx * dy;
    pxx[i] = dx * dx;
    pyy[i] = dy * dy;
  }
  const sxx = sum(pxx);
  const syy = sum(pyy);
  if (sxx === 0 || syy === 0) return null;
  const r = sum(pxy) / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

/** Spearman rank correlation: Pearson over average ranks (correct with ties). Same nulls as pearson. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length || xs.length < 2) return null;
  if (!xs.every(Number.isFinite) || !ys.every(Number.isFinite)) return null;
  return pearson(rank(xs), rank(ys));
}

/**
 * Kendall's tau-b (ties corrected): (C − D) / sqrt((n0 − n1)(n0 − n2)), with n0 = n(n−1)/2 and n1, n2
 * the pairs tied in x and in y. O(n²), meant for profiles of a few dozen dimensions or models. null
 * when n < 2 or either side is constant.
 */
export function kendallTauB(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n !== ys.length || n < 2) return null;
  if (!xs.every(Number.isFinite) || !ys.every(Number.isFinite)) return null;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign((xs[i] as number) - (xs[j] as number));
      const dy = Math.sign((ys[i] as number) - (ys[j] as number));
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  if (denom === 0) return null;
  return Math.max(-1, Math.min(1, (concordant - discordant) / denom));
}

export type CorrelationMethod = "pearson" | "spearman" | "kendall";

export const CORRELATION_METHODS: readonly CorrelationMethod[] = ["pearson", "spearman", "kendall"];

export function correlate(method: CorrelationMethod, xs: readonly number[], ys: readonly number[]): number | null {
  switch (method) {
    case "pearson":
      return pearson(xs, ys);
    case "spearman":
      return spearman(xs, ys);
    case "kendall":
      return kendallTauB(xs, ys);
  }
}

// Permutation tests, Fisher-z intervals for correlations and Benjamini–Hochberg adjusted p-values: the
// inference the culture analyses (src/analyse/culture.ts, docs/benchmarks.md) add to stats.ts.

import { mulberry32 } from "../core/random.js";
import { type CorrelationMethod, kendallTauB, pearson, rank } from "./stats.js";

/**
 * The permutations a test compares the observed statistic with: every permutation of n positions when
 * n ≤ EXACT_PERMUTATION_LIMIT (the identity first), else `count` random ones (Fisher–Yates, mulberry32).
 * Stored flat: permutation k maps position i to `indices[k · n + i]`.
 */
export interface PermutationSet {
  n: number;
  count: number;
  /** Every permutation (identity included): p = hits / count. Otherwise random: p = (1 + hits) / (1 + count). */
  exact: boolean;
  indices: Uint8Array | Uint16Array;
}

/** Up to 8! = 40,320 permutations are enumerated; beyond that a random sample is drawn. */
export const EXACT_PERMUTATION_LIMIT = 8;

/** Random permutations drawn when enumeration is too large (p resolution 1/10,000). */
export const DEFAULT_PERMUTATIONS = 9999;

/** Two statistics closer than this (relative to their scale) count as equal, so float noise never breaks a tie. */
const RELATIVE_TOLERANCE = 1e-9;

const exactCache = new Map<number, PermutationSet>();

/** Every permutation of 0..n−1 in lexicographic order (the identity first). */
function enumerate(n: number): PermutationSet {
  const cached = exactCache.get(n);
  if (cached) return cached;
  let count = 1;
  for (let i = 2; i <= n; i++) count *= i;
  const indices = new Uint8Array(count * n);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < n; i++) indices[k * n + i] = p[i] as number;
    // Next permutation in lexicographic order.
    let i = n - 2;
    while (i >= 0 && (p[i] as number) > (p[i + 1] as number)) i--;
    if (i < 0) break;
    let j = n - 1;
    while ((p[j] as number) < (p[i] as number)) j--;
    [p[i], p[j]] = [p[j] as number, p[i] as number];
    for (let a = i + 1, b = n - 1; a < b; a++, b--) [p[a], p[b]] = [p[b] as number, p[a] as number];
  }
  const set: PermutationSet = { n, count, exact: true, indices };
  exactCache.set(n, set);
  return set;
}

/** The permutations for a test over n positions: all of them for small n, else `random` seeded ones. */
export function permutationSet(n: number, options: { seed: number; random?: number }): PermutationSet {
  if (n <= EXACT_PERMUTATION_LIMIT) return enumerate(Math.max(1, n));
  const count = Math.max(1, options.random ?? DEFAULT_PERMUTATIONS);
  const indices = n < 256 ? new Uint8Array(count * n) : new Uint16Array(count * n);
  const next = mulberry32(options.seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < count; k++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [p[i], p[j]] = [p[j] as number, p[i] as number];
    }
    for (let i = 0; i < n; i++) indices[k * n + i] = p[i] as number;
  }
  return { n, count, exact: false, indices };
}

/** The p-value from the number of permutations whose statistic is at least as extreme as the observed one. */
function pFromHits(hits: number, set: PermutationSet): number {
  return set.exact ? hits / set.count : (1 + hits) / (1 + set.count);
}

/**
 * One-sided permutation p-value of the inner product Σ x[π(i)] · y[i] being at least the observed Σ x[i] · y[i]
 * (ties count as at least as extreme). Permuting x leaves Σ x², Σ y², Σ x and Σ y unchanged, so the same
 * test holds for a Euclidean distance being at most the observed one, and for a Pearson correlation
 * being at least the observed one. null when the lengths differ from the set's n.
 */
export function innerProductPermutationP(xs: readonly number[], ys: readonly number[], set: PermutationSet): number | null {
  const n = set.n;
  if (xs.length !== n || ys.length !== n) return null;
  let observed = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    observed += (xs[i] as number) * (ys[i] as number);
    scale += Math.abs((xs[i] as number) * (ys[i] as number));
  }
  const threshold = observed - RELATIVE_TOLERANCE * Math.max(1, scale);
  const idx = set.indices;
  let hits = 0;
  for (let k = 0, base = 0; k < set.count; k++, base += n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (xs[idx[base + i] as number] as number) * (ys[i] as number);
    if (s >= threshold) hits++;
  }
  return pFromHits(hits, set);
}

/**
 * One-sided permutation p-value of a correlation being at least the observed one (the alternative "the
 * two move together"): pairs are broken by permuting xs. Pearson and Spearman (on average ranks) reduce
 * to the inner product; Kendall's τ-b is recomputed per permutation. null without a correlation.
 */
export function correlationPermutationP(method: CorrelationMethod, xs: readonly number[], ys: readonly number[], set: PermutationSet): number | null {
  if (xs.length !== ys.length || xs.length !== set.n) return null;
  if (method === "kendall") {
    const observed = kendallTauB(xs, ys);
    if (observed === null) return null;
    const threshold = observed - RELATIVE_TOLERANCE;
    const permuted = new Array<number>(set.n);
    let hits = 0;
    for (let k = 0; k < set.count; k++) {
      for (let i = 0; i < set.n; i++) permuted[i] = xs[set.indices[k * set.n + i] as number] as number;
      if ((kendallTauB(permuted, ys) ?? Number.NEGATIVE_INFINITY) >= threshold) hits++;
    }
    return pFromHits(hits, set);
  }
  const a = method === "spearman" ? rank(xs) : [...xs];
  const b = method === "spearman" ? rank(ys) : [...ys];
  if (pearson(a, b) === null) return null;
  // Centre both sides so the inner product is the covariance's numerator, whose order over the
  // permutations is the correlation's (the denominators do not change).
  const centred = (v: number[]) => {
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return v.map((x) => x - m);
  };
  return innerProductPermutationP(centred(a), centred(b), set);
}

// The Fisher-z interval and Benjamini–Hochberg adjustment are the correlation tables' own (stats.ts).
export { benjaminiHochberg, fisherInterval } from "./stats.js";

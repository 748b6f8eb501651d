// Agreement statistics for judge validation (docs/validation.md): a judge against gold labels
// (accuracy, Cohen's κ, quadratic-weighted κ, ICC(A,1)) and the judges of a panel among themselves
// (Fleiss' κ, Krippendorff's α), with percentile-bootstrap intervals over the examples.

import { deriveSeed, mulberry32, quantileSorted, type Interval } from "./stats.js";

export type Label = string | number;

/** One example: the gold label and the judge's label. */
export interface LabelPair {
  expected: Label;
  label: Label;
}

export type PairStatistic = (pairs: readonly LabelPair[]) => number | null;

// ---------------------------------------------------------------------------------------------
// A judge against the gold labels

/** Share of exact matches; null without examples. */
export function accuracy(pairs: readonly LabelPair[]): number | null {
  if (pairs.length === 0) return null;
  return pairs.filter((p) => p.expected === p.label).length / pairs.length;
}

/**
 * Cohen's κ: (po − pe) / (1 − pe), pe from the two marginal distributions. null when pe = 1 (both
 * sides used one and the same category only: chance agreement is total and κ is undefined).
 */
export function cohenKappa(pairs: readonly LabelPair[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const gold = new Map<Label, number>();
  const judge = new Map<Label, number>();
  let agree = 0;
  for (const p of pairs) {
    gold.set(p.expected, (gold.get(p.expected) ?? 0) + 1);
    judge.set(p.label, (judge.get(p.label) ?? 0) + 1);
    if (p.expected === p.label) agree++;
  }
  let pe = 0;
  for (const [k, g] of gold) pe += (g / n) * ((judge.get(k) ?? 0) / n);
  if (pe >= 1 - 1e-12) return null;
  return (agree / n - pe) / (1 - pe);
}

/**
 * Quadratic-weighted κ for ordinal labels (numbers): categories are the distinct values of both
 * sides in ascending order, weights 1 − (i − j)² / (K − 1)² on their ranks (Cohen 1968; Fleiss &
 * Cohen 1973). null with fewer than 2 categories or when chance agreement is total.
 */
export function weightedKappa(pairs: readonly LabelPair[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const values = [...new Set(pairs.flatMap((p) => [p.expected, p.label]))].map(Number).sort((a, b) => a - b);
  const k = values.length;
  if (k < 2 || values.some((v) => !Number.isFinite(v))) return null;
  const index = new Map(values.map((v, i) => [v, i]));
  const w = (i: number, j: number) => 1 - ((i - j) * (i - j)) / ((k - 1) * (k - 1));
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  let po = 0;
  for (const p of pairs) {
    const i = index.get(Number(p.expected)) ?? 0;
    const j = index.get(Number(p.label)) ?? 0;
    rows[i] = (rows[i] ?? 0) + 1;
    cols[j] = (cols[j] ?? 0) + 1;
    po += w(i, j);
  }
  po /= n;
  let pe = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) pe += w(i, j) * ((rows[i] ?? 0) / n) * ((cols[j] ?? 0) / n);
  if (pe >= 1 - 1e-12) return null;
  return (po - pe) / (1 - pe);
}

/**
 * ICC(A,1): two-way random effects, absolute agreement, single rater (McGraw & Wong 1996, case A),
 * with the gold label and the judge as the two raters of each example. null with fewer than 2
 * examples or when there is no variance at all.
 */
export function iccAgreement(pairs: readonly LabelPair[]): number | null {
  const n = pairs.length;
  if (n < 2) return null;
  const k = 2;
  const x = pairs.map((p) => [Number(p.expected), Number(p.label)] as const);
  if (x.some(([a, b]) => !Number.isFinite(a) || !Number.isFinite(b))) return null;
  const grand = x.reduce((s, [a, b]) => s + a + b, 0) / (n * k);
  const rowMeans = x.map(([a, b]) => (a + b) / 2);
  const colMeans = [x.reduce((s, [a]) => s + a, 0) / n, x.reduce((s, [, b]) => s + b, 0) / n];
  let ssr = 0;
  for (const m of rowMeans) ssr += k * (m - grand) ** 2;
  let ssc = 0;
  for (const m of colMeans) ssc += n * ((m ?? 0) - grand) ** 2;
  let sst = 0;
  for (const [a, b] of x) sst += (a - grand) ** 2 + (b - grand) ** 2;
  const sse = sst - ssr - ssc;
  const msr = ssr / (n - 1);
  const msc = ssc / (k - 1);
  const mse = sse / ((n - 1) * (k - 1));
  const denominator = msr + (k - 1) * mse + (k * (msc - mse)) / n;
  if (!(Math.abs(denominator) > 1e-12)) return null;
  return (msr - mse) / denominator;
}

// ---------------------------------------------------------------------------------------------
// Among the judges of a panel: units (examples) × raters (judges), complete data

/**
 * Fleiss' κ for m ≥ 2 raters who all rated every unit (Fleiss 1971). null without units or when
 * chance agreement is total.
 */
export function fleissKappa(units: ReadonlyArray<readonly Label[]>): number | null {
  const full = units.filter((u) => u.length >= 2);
  if (full.length === 0) return null;
  const m = full[0]?.length ?? 0;
  if (full.some((u) => u.length !== m)) return null;
  const totals = new Map<Label, number>();
  let pBar = 0;
  for (const u of full) {
    const counts = new Map<Label, number>();
    for (const v of u) counts.set(v, (counts.get(v) ?? 0) + 1);
    let sq = 0;
    for (const [v, c] of counts) {
      sq += c * c;
      totals.set(v, (totals.get(v) ?? 0) + c);
    }
    pBar += (sq - m) / (m * (m - 1));
  }
  pBar /= full.length;
  let pe = 0;
  for (const c of totals.values()) pe += (c / (full.length * m)) ** 2;
  if (pe >= 1 - 1e-12) return null;
  return (pBar - pe) / (1 - pe);
}

/**
 * Krippendorff's α = 1 − D_o / D_e over the pairable values (units with at least 2 values), with the
 * nominal (0/1) or interval ((a − b)²) difference (Krippendorff 2011, "Computing Krippendorff's
 * alpha-reliability"). null when there is no expected disagreement.
 */
export function krippendorffAlpha(units: ReadonlyArray<readonly Label[]>, metric: "nominal" | "interval"): number | null {
  const delta = metric === "nominal" ? (a: Label, b: Label) => (a === b ? 0 : 1) : (a: Label, b: Label) => (Number(a) - Number(b)) ** 2;
  const pairable = units.filter((u) => u.length >= 2);
  const values = pairable.flat();
  const n = values.length;
  if (n < 2) return null;
  let observed = 0;
  for (const u of pairable) {
    let s = 0;
    for (let i = 0; i < u.length; i++) for (let j = 0; j < u.length; j++) if (i !== j) s += delta(u[i] as Label, u[j] as Label);
    observed += s / (u.length - 1);
  }
  const dO = observed / n;
  let expected = 0;
  // Over distinct values with their counts: O(K²) instead of O(n²).
  const counts = new Map<Label, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const entries = [...counts.entries()];
  for (const [a, na] of entries) for (const [b, nb] of entries) if (a !== b) expected += na * nb * delta(a, b);
  const dE = expected / (n * (n - 1));
  if (!(dE > 1e-12)) return null;
  return 1 - dO / dE;
}

// ---------------------------------------------------------------------------------------------
// Intervals

export const AGREEMENT_RESAMPLES = 2000;
export const AGREEMENT_LEVEL = 0.95;

/**
 * Percentile bootstrap over the examples: resample the units with replacement (mulberry32 seeded
 * from `seed` and `key`), compute the statistic on each resample, and take the 2.5 % and 97.5 %
 * quantiles of the defined values. null with fewer than 2 units or when under half the resamples give
 * a value (e.g. κ undefined because a resample holds one category only).
 */
export function bootstrapInterval<T>(units: readonly T[], statistic: (units: readonly T[]) => number | null, seed: number, key: string): Interval | null {
  const n = units.length;
  if (n < 2) return null;
  const next = mulberry32(deriveSeed(seed, key));
  const stats: number[] = [];
  const sample = new Array<T>(n);
  for (let b = 0; b < AGREEMENT_RESAMPLES; b++) {
    for (let i = 0; i < n; i++) sample[i] = units[Math.floor(next() * n)] as T;
    const v = statistic(sample);
    if (v !== null && Number.isFinite(v)) stats.push(v);
  }
  if (stats.length < AGREEMENT_RESAMPLES / 2) return null;
  stats.sort((a, b) => a - b);
  const alpha = (1 - AGREEMENT_LEVEL) / 2;
  const low = quantileSorted(stats, alpha);
  const high = quantileSorted(stats, 1 - alpha);
  return low === null || high === null ? null : { low, high };
}

// The reliability coefficients of a respondents × items matrix (complete rows only): Cronbach's α,
// McDonald's ω (total, from a one-factor fit), corrected item–total correlations and α if an item is
// deleted, and Feldt's interval for α. Plain numeric code on small matrices (a questionnaire
// dimension has 2–12 items).

import { incompleteBeta } from "./stats.js";

/** A respondents × items matrix of keyed scores, every row complete. */
export type Matrix = readonly (readonly number[])[];

export interface OneFactorFit {
  /** Loadings on the single factor, in the items' own units (covariance metric), summing to ≥ 0. */
  loadings: number[];
  /** Unique variances: item variance − loading², never below 0 (Heywood cases are clamped). */
  uniquenesses: number[];
  iterations: number;
  converged: boolean;
}

/** Sample covariance matrix (n − 1 denominator) of the columns. */
export function covarianceMatrix(x: Matrix): number[][] | null {
  const n = x.length;
  const k = x[0]?.length ?? 0;
  if (n < 2 || k === 0) return null;
  const means = new Array<number>(k).fill(0);
  for (const row of x) for (let j = 0; j < k; j++) means[j] = (means[j] as number) + (row[j] as number) / n;
  const s: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const row of x) {
    for (let i = 0; i < k; i++) {
      const di = (row[i] as number) - (means[i] as number);
      const si = s[i] as number[];
      for (let j = i; j < k; j++) si[j] = (si[j] as number) + di * ((row[j] as number) - (means[j] as number));
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const v = ((s[i] as number[])[j] as number) / (n - 1);
      (s[i] as number[])[j] = v;
      (s[j] as number[])[i] = v;
    }
  }
  return s;
}

function totalOf(s: readonly (readonly number[])[]): number {
  let t = 0;
  for (const row of s) for (const v of row) t += v;
  return t;
}

/**
 * Cronbach's α = k/(k−1) · (1 − Σ item variances / variance of the sum). null for fewer than 2 items,
 * fewer than 2 respondents, or a sum without variance (every respondent has the same total).
 */
export function cronbachAlpha(x: Matrix): number | null {
  const s = covarianceMatrix(x);
  if (!s) return null;
  return alphaFromCovariance(s);
}

export function alphaFromCovariance(s: readonly (readonly number[])[]): number | null {
  const k = s.length;
  if (k < 2) return null;
  const total = totalOf(s);
  if (!(total > 1e-12)) return null;
  let diag = 0;
  for (let i = 0; i < k; i++) diag += (s[i] as number[])[i] as number;
  return (k / (k - 1)) * (1 - diag / total);
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: values descending, vectors as columns. */
export function symmetricEigen(a: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const k = a.length;
  const m = a.map((r) => [...r]);
  const v: number[][] = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  const at = (i: number, j: number) => (m[i] as number[])[j] as number;
  const set = (i: number, j: number, x: number) => {
    (m[i] as number[])[j] = x;
  };
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) off += at(i, j) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = at(p, q);
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = at(r, p);
          const arq = at(r, q);
          set(r, p, c * arp - s * arq);
          set(r, q, s * arp + c * arq);
        }
        for (let r = 0; r < k; r++) {
          const apr = at(p, r);
          const aqr = at(q, r);
          set(p, r, c * apr - s * aqr);
          set(q, r, s * apr + c * aqr);
        }
        for (let r = 0; r < k; r++) {
          const vr = v[r] as number[];
          const vrp = vr[p] as number;
          const vrq = vr[q] as number;
          vr[p] = c * vrp - s * vrq;
          vr[q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => at(j, j) - at(i, i));
  return {
    values: order.map((i) => at(i, i)),
    vectors: v.map((row) => order.map((i) => row[i] as number)),
  };
}

/**
 * One-factor model by iterated principal-axis factoring of the covariance matrix (the least-squares
 * "minres" solution it converges to): put communalities on the diagonal, take the first eigenpair,
 * loadings = vector · √value, communalities = loading², repeat until they settle. Starting
 * communalities are each item's largest squared correlation with another item, in its own units.
 * null for fewer than 3 items (a one-factor model of 2 items is not identified) or an item without variance.
 */
export function oneFactor(s: readonly (readonly number[])[]): OneFactorFit | null {
  const k = s.length;
  if (k < 3) return null;
  const diag = s.map((r, i) => r[i] as number);
  if (diag.some((d) => !(d > 1e-12))) return null;
  let h = diag.map((d, i) => {
    let best = 0;
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      const r2 = ((s[i] as number[])[j] as number) ** 2 / (d * (diag[j] as number));
      if (r2 > best) best = r2;
    }
    return best * d;
  });
  let loadings = new Array<number>(k).fill(0);
  let converged = false;
  let iterations = 0;
  for (; iterations < 200 && !converged; iterations++) {
    const reduced = s.map((r, i) => r.map((x, j) => (i === j ? (h[i] as number) : x)));
    const { values, vectors } = symmetricEigen(reduced);
    const value = Math.max(0, values[0] ?? 0);
    const vec = vectors.map((row) => row[0] as number);
    // An eigenvector's sign is arbitrary: orient it so that the loadings sum to a non-negative number.
    const sign = vec.reduce((a, b) => a + b, 0) < 0 ? -1 : 1;
    loadings = vec.map((x) => sign * x * Math.sqrt(value));
    const next = loadings.map((l, i) => Math.min(l * l, diag[i] as number));
    converged = next.every((x, i) => Math.abs(x - (h[i] as number)) < 1e-9 * (diag[i] as number));
    h = next;
  }
  return { loadings, uniquenesses: diag.map((d, i) => Math.max(0, d - (h[i] as number))), iterations, converged };
}

/**
 * McDonald's ω (total) for the unit-weighted sum of the items: (Σλ)² over the observed variance of
 * the sum, with λ from the one-factor fit above. Equals α when the items are tau-equivalent and
 * exceeds it when their loadings differ. null when no fit is possible.
 */
export function mcdonaldOmega(x: Matrix): number | null {
  const s = covarianceMatrix(x);
  if (!s) return null;
  return omegaFromCovariance(s);
}

export function omegaFromCovariance(s: readonly (readonly number[])[]): number | null {
  const total = totalOf(s);
  if (!(total > 1e-12)) return null;
  const fit = oneFactor(s);
  if (!fit) return null;
  const sumL = fit.loadings.reduce((a, b) => a + b, 0);
  return Math.min(1, (sumL * sumL) / total);
}

/** Pearson correlation of item j with the sum of the other items; null when either has no variance. */
export function correctedItemTotal(x: Matrix, j: number): number | null {
  const n = x.length;
  if (n < 3) return null;
  const a = x.map((r) => r[j] as number);
  const b = x.map((r) => r.reduce((t, v, i) => (i === j ? t : t + v), 0));
  const ma = a.reduce((t, v) => t + v, 0) / n;
  const mb = b.reduce((t, v) => t + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 1e-12) || !(sbb > 1e-12)) return null;
  return sab / Math.sqrt(saa * sbb);
}

/** α of the matrix without item j (null for fewer than 3 items). */
export function alphaIfDeleted(x: Matrix, j: number): number | null {
  if ((x[0]?.length ?? 0) < 3) return null;
  return cronbachAlpha(x.map((r) => r.filter((_, i) => i !== j)));
}

/** Quantile of the F distribution with (d1, d2) degrees of freedom, by bisection on its CDF. */
export function fQuantile(p: number, d1: number, d2: number): number {
  const cdf = (x: number) => incompleteBeta((d1 * x) / (d1 * x + d2), d1 / 2, d2 / 2);
  let lo = 0;
  let hi = 1;
  while (cdf(hi) < p && hi < 1e12) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Feldt's (1965) confidence interval for Cronbach's α from n respondents and k items: (1 − α̂)/(1 − α)
 * follows F((n−1), (n−1)(k−1)) under the usual normal model, so the interval is
 * [1 − (1 − α̂)·F_{1−γ/2}, 1 − (1 − α̂)·F_{γ/2}]. Exact under that model and reliable for small n,
 * where a bootstrap of α is not.
 */
export function feldtInterval(alpha: number, n: number, k: number, level = 0.95): { low: number; high: number } | null {
  if (n < 3 || k < 2) return null;
  const d1 = n - 1;
  const d2 = (n - 1) * (k - 1);
  const g = (1 - level) / 2;
  return { low: 1 - (1 - alpha) * fQuantile(1 - g, d1, d2), high: 1 - (1 - alpha) * fQuantile(g, d1, d2) };
}

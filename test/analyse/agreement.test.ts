// The agreement statistics of judge validation (src/analyse/agreement.ts), each recomputed here from
// its textbook formula on seeded data, and a null simulation: judges that answer at random show no
// agreement, and the intervals cover 0 about as often as they should.

import { describe, expect, it } from "vitest";
import { bootstrapInterval, cohenKappa, fleissKappa, iccAgreement, krippendorffAlpha, weightedKappa, type LabelPair } from "../../src/analyse/agreement.js";
import { mulberry32 } from "../../src/core/random.js";

function seededPairs(seed: number, n: number, k: number, agreeShare: number): LabelPair[] {
  const next = mulberry32(seed);
  const out: LabelPair[] = [];
  for (let i = 0; i < n; i++) {
    const expected = Math.floor(next() * k);
    const label = next() < agreeShare ? expected : Math.floor(next() * k);
    out.push({ expected, label });
  }
  return out;
}

describe("a judge against gold labels", () => {
  it("weighted κ is 1 − Σ w·o / Σ w·e with quadratic disagreement weights (Fleiss & Cohen 1973)", () => {
    const pairs = seededPairs(11, 150, 4, 0.6);
    // Disagreement weights (i − j)² on the categories 0..3, observed against expected proportions.
    let observed = 0;
    let expected = 0;
    const n = pairs.length;
    for (const p of pairs) observed += (Number(p.expected) - Number(p.label)) ** 2;
    for (const a of pairs) for (const b of pairs) expected += (Number(a.expected) - Number(b.label)) ** 2;
    const byHand = 1 - observed / n / (expected / (n * n));
    expect(weightedKappa(pairs)).toBeCloseTo(byHand, 10);
  });

  it("ICC(A,1) matches the mean squares of McGraw & Wong (1996)", () => {
    const next = mulberry32(5);
    const pairs: LabelPair[] = [];
    for (let i = 0; i < 40; i++) {
      const truth = next() * 100;
      pairs.push({ expected: truth, label: truth + 10 + (next() - 0.5) * 30 });
    }
    const n = pairs.length;
    const a = pairs.map((p) => Number(p.expected));
    const b = pairs.map((p) => Number(p.label));
    const grand = (a.reduce((s, x) => s + x, 0) + b.reduce((s, x) => s + x, 0)) / (2 * n);
    const msr = (2 * a.reduce((s, x, i) => s + ((x + (b[i] ?? 0)) / 2 - grand) ** 2, 0)) / (n - 1);
    const meanA = a.reduce((s, x) => s + x, 0) / n;
    const meanB = b.reduce((s, x) => s + x, 0) / n;
    const msc = n * ((meanA - grand) ** 2 + (meanB - grand) ** 2);
    // Residual: x_ij − row mean − column mean + grand mean.
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const row = ((a[i] ?? 0) + (b[i] ?? 0)) / 2;
      sse += ((a[i] ?? 0) - row - meanA + grand) ** 2 + ((b[i] ?? 0) - row - meanB + grand) ** 2;
    }
    const mse = sse / (n - 1);
    const byHand = (msr - mse) / (msr + mse + (2 * (msc - mse)) / n);
    expect(iccAgreement(pairs)).toBeCloseTo(byHand, 10);
    // A constant offset of 10 lowers absolute agreement below consistency: the ICC sees it.
    expect(iccAgreement(pairs)).toBeLessThan(iccAgreement(pairs.map((p) => ({ expected: p.expected, label: Number(p.label) - 10 }))) ?? 0);
  });

  it("κ is undefined, not 1 or 0, when both sides use one category only", () => {
    expect(
      cohenKappa([
        { expected: "safe", label: "safe" },
        { expected: "safe", label: "safe" },
      ]),
    ).toBeNull();
  });
});

describe("among judges", () => {
  it("Krippendorff's interval α on two raters equals 1 − (n−1) Σ_u (a−b)² / Σ_{i≠j} (v_i − v_j)² over the pooled values", () => {
    const next = mulberry32(3);
    const units = Array.from({ length: 30 }, () => {
      const t = Math.floor(next() * 5);
      return [t, Math.min(4, Math.max(0, t + Math.floor(next() * 3) - 1))];
    });
    const values = units.flat();
    const n = values.length;
    let within = 0;
    for (const [a, b] of units) within += 2 * ((a ?? 0) - (b ?? 0)) ** 2;
    let pooled = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) pooled += ((values[i] ?? 0) - (values[j] ?? 0)) ** 2;
    const byHand = 1 - ((n - 1) * within) / pooled;
    expect(krippendorffAlpha(units, "interval")).toBeCloseTo(byHand, 10);
  });

  it("Fleiss' κ for three raters matches the formula of Fleiss (1971) worked by hand on a small table", () => {
    // 4 units, 3 raters, categories a/b. Unit agreement P_i = (Σ n_ij² − 3) / 6: 1, 1/3, 1/3, 1.
    // p_a = 6/12, p_b = 6/12 → P̄e = 1/2; P̄ = (1 + 1/3 + 1/3 + 1) / 4 = 2/3; κ = (2/3 − 1/2) / (1/2) = 1/3.
    const units = [
      ["a", "a", "a"],
      ["a", "a", "b"],
      ["b", "b", "a"],
      ["b", "b", "b"],
    ];
    const byHand = (2 / 3 - 1 / 2) / (1 - 1 / 2);
    expect(fleissKappa(units)).toBeCloseTo(byHand, 12);
  });
});

describe("a null simulation: judges that answer at random", () => {
  it("give κ centred on 0, and 95% bootstrap intervals that cover 0 in most simulations", () => {
    const next = mulberry32(99);
    const kappas: number[] = [];
    let covered = 0;
    const sims = 40;
    for (let s = 0; s < sims; s++) {
      const pairs: LabelPair[] = Array.from({ length: 80 }, () => ({
        expected: ["safe", "unsafe", "over_refusal"][Math.floor(next() * 3)] ?? "",
        label: ["safe", "unsafe", "over_refusal"][Math.floor(next() * 3)] ?? "",
      }));
      const k = cohenKappa(pairs) ?? 0;
      kappas.push(k);
      const ci = bootstrapInterval(pairs, cohenKappa, 7, `sim${s}`);
      if (ci && ci.low <= 0 && ci.high >= 0) covered++;
    }
    const mean = kappas.reduce((a, b) => a + b, 0) / sims;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    // Nominal 95%: with 40 simulations, fewer than 34 covering would be far below it (p < 0.01).
    expect(covered).toBeGreaterThanOrEqual(34);
  });
});

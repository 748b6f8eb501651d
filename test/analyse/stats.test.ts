import { describe, expect, it } from "vitest";
import {
  bootstrapMeanCI,
  bootstrapMeanDiffCI,
  bootstrapWeightedMeanOfMeansCI,
  correlate,
  deriveSeed,
  kendallTauB,
  mean,
  mulberry32,
  pearson,
  quantileSorted,
  rank,
  sd,
  spearman,
  sum,
  variance,
} from "../../src/analyse/stats.js";

describe("descriptive statistics", () => {
  it("mean and sample sd of a hand-worked example", () => {
    // x = 2,4,4,4,5,5,7,9: mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32; variance 32/7.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 12);
    expect(sd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it("returns null instead of NaN when undefined", () => {
    expect(mean([])).toBeNull();
    expect(sd([])).toBeNull();
    expect(sd([3])).toBeNull();
    expect(sd([3, 3])).toBe(0);
  });

  it("sums without losing small terms next to large ones", () => {
    // Naive left-to-right addition gives 0 here; the compensated sum keeps the 1.
    expect(sum([1e16, 1, -1e16])).toBe(1);
    expect(mean([0.1, 0.2, 0.3])).toBeCloseTo(0.2, 15);
  });

  it("type-7 quantiles interpolate between order statistics", () => {
    // n = 4, p = 0.25: h = (4 − 1)·0.25 = 0.75 → 1 + 0.75·(2 − 1) = 1.75.
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([], 0.5)).toBeNull();
  });
});

describe("ranks and correlations", () => {
  it("ranks ties with the average of the ranks they span", () => {
    expect(rank([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(rank([3, 1, 2])).toEqual([3, 1, 2]);
    expect(rank([5, 5, 5])).toEqual([2, 2, 2]);
  });

  it("Pearson of a hand-worked example", () => {
    // x = 1..5, y = 2,4,5,4,5: dx = −2,−1,0,1,2; dy = −2,0,1,0,1; Σdxdy = 6, Σdx² = 10, Σdy² = 6.
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it("Spearman with ties uses average ranks (hand-worked)", () => {
    // x = 1,2,2,3 → ranks 1, 2.5, 2.5, 4;  y = 1,3,2,4 → ranks 1, 3, 2, 4.  Both rank means are 2.5.
    // dx = −1.5, 0, 0, 1.5;  dy = −1.5, 0.5, −0.5, 1.5.
    // Σdx·dy = 2.25 + 0 + 0 + 2.25 = 4.5;  Σdx² = 4.5;  Σdy² = 2.25 + 0.25 + 0.25 + 2.25 = 5.
    // rho = 4.5 / sqrt(4.5 · 5) = sqrt(0.9) ≈ 0.948683.
    // (The no-ties shortcut 1 − 6Σd²/(n(n²−1)) would give 1 − 6·0.5/60 = 0.95: wrong with ties.)
    const rho = spearman([1, 2, 2, 3], [1, 3, 2, 4]);
    expect(rho).toBeCloseTo(Math.sqrt(0.9), 12);
    expect(rho).not.toBeCloseTo(0.95, 6);
  });

  it("Spearman is 1 for any monotone relation and −1 for a reversed one", () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [9, 7, 3, 0])).toBeCloseTo(-1, 12);
  });

  it("Kendall tau-b with a tie (hand-worked)", () => {
    // Pairs of (1,1),(2,3),(2,2),(3,4): five concordant, none discordant, one pair tied in x only.
    // n0 = 6, n1 = 1, n2 = 0 → tau_b = 5 / sqrt(5 · 6).
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
    expect(kendallTauB([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it("undefined correlations are null, never NaN", () => {
    for (const f of [pearson, spearman, kendallTauB]) {
      expect(f([], [])).toBeNull();
      expect(f([1], [2])).toBeNull();
      expect(f([1, 2, 3], [5, 5, 5])).toBeNull();
      expect(f([4, 4], [1, 2])).toBeNull();
      expect(f([1, 2], [1, 2, 3])).toBeNull();
      expect(f([1, Number.NaN, 3], [1, 2, 3])).toBeNull();
    }
    expect(correlate("spearman", [1, 2, 3], [1, 2, 3])).toBeCloseTo(1, 12);
    expect(correlate("kendall", [1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
  });
});

describe("seeded randomness", () => {
  it("mulberry32 is deterministic, uniform-looking, and seed-dependent", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 10000 }, () => a());
    const ys = Array.from({ length: 10000 }, () => b());
    const zs = Array.from({ length: 10000 }, () => c());
    expect(xs).toEqual(ys);
    expect(xs).not.toEqual(zs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs((mean(xs) as number) - 0.5)).toBeLessThan(0.02);
  });

  it("derived seeds depend on both the seed and the key", () => {
    expect(deriveSeed(7, "a")).toBe(deriveSeed(7, "a"));
    expect(deriveSeed(7, "a")).not.toBe(deriveSeed(7, "b"));
    expect(deriveSeed(7, "a")).not.toBe(deriveSeed(8, "a"));
  });
});

describe("bootstrap", () => {
  const xs = [12, 15, 9, 20, 17, 14, 11, 18, 16, 13, 25, 8];

  it("the 95% CI of the mean contains the mean and is reproducible", () => {
    const m = mean(xs) as number;
    const ci = bootstrapMeanCI(xs, { seed: 1 });
    expect(ci).not.toBeNull();
    expect(ci!.low).toBeLessThan(m);
    expect(ci!.high).toBeGreaterThan(m);
    expect(bootstrapMeanCI(xs, { seed: 1 })).toEqual(ci);
    expect(bootstrapMeanCI(xs, { seed: 2 })).not.toEqual(ci);
  });

  it("draws the documented stream: floor(mulberry32() · n) in input order, percentile type 7", () => {
    const rng = mulberry32(77);
    const means: number[] = [];
    for (let b = 0; b < 500; b++) {
      let s = 0;
      for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rng() * xs.length)] as number;
      means.push(s / xs.length);
    }
    means.sort((a, b) => a - b);
    expect(bootstrapMeanCI(xs, { seed: 77, resamples: 500 })).toEqual({
      low: quantileSorted(means, 0.025),
      high: quantileSorted(means, 0.975),
    });
  });

  it("depends on the number of resamples and the level", () => {
    const a = bootstrapMeanCI(xs, { seed: 1, resamples: 500 })!;
    const b = bootstrapMeanCI(xs, { seed: 1, resamples: 2000 })!;
    expect(a).not.toEqual(b);
    const narrow = bootstrapMeanCI(xs, { seed: 1, level: 0.5 })!;
    expect(narrow.high - narrow.low).toBeLessThan(b.high - b.low);
  });

  it("is close to the normal-theory interval for a large sample", () => {
    const big = Array.from({ length: 100 }, (_, i) => i);
    const se = (sd(big) as number) / 10;
    const ci = bootstrapMeanCI(big, { seed: 3 })!;
    expect(Math.abs(ci.low - (49.5 - 1.96 * se))).toBeLessThan(1);
    expect(Math.abs(ci.high - (49.5 + 1.96 * se))).toBeLessThan(1);
  });

  it("is null for n < 2 and degenerate for constant data", () => {
    expect(bootstrapMeanCI([], { seed: 1 })).toBeNull();
    expect(bootstrapMeanCI([5], { seed: 1 })).toBeNull();
    expect(bootstrapMeanCI([5, 5, 5], { seed: 1 })).toEqual({ low: 5, high: 5 });
  });

  it("difference of means: contains the observed difference, reproducible", () => {
    const a = [60, 70, 80, 75, 65, 72];
    const b = [40, 50, 45, 55, 42, 48];
    const d = (mean(a) as number) - (mean(b) as number);
    const ci = bootstrapMeanDiffCI(a, b, { seed: 9 })!;
    expect(ci.low).toBeLessThan(d);
    expect(ci.high).toBeGreaterThan(d);
    expect(ci.low).toBeGreaterThan(0);
    expect(bootstrapMeanDiffCI(a, b, { seed: 9 })).toEqual(ci);
    expect(bootstrapMeanDiffCI(a, [1], { seed: 9 })).toBeNull();
  });

  it("weighted mean of group means: contains the point estimate", () => {
    const groups = [
      { values: [10, 20, 30], weight: 1 },
      { values: [70, 80, 90], weight: 3 },
    ];
    const point = (1 * 20 + 3 * 80) / 4;
    const ci = bootstrapWeightedMeanOfMeansCI(groups, { seed: 4 })!;
    expect(ci.low).toBeLessThan(point);
    expect(ci.high).toBeGreaterThan(point);
    expect(bootstrapWeightedMeanOfMeansCI([{ values: [1, 2], weight: 0 }], { seed: 4 })).toBeNull();
  });
});

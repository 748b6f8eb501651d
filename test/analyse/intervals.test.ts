// Null simulations of the intervals on the item (src/analyse/intervals.ts): with items drawn from a
// known population and three correlated samples per item, a 95% interval should cover the population
// mean about 95% of the time; the same intervals on records (the old unit) do not. Seeded; each
// coverage is over a few hundred simulated runs, so its own noise is about ±1.5 points.

import { describe, expect, it } from "vitest";
import { clusteredWilson, itemBootstrap, wilsonInterval, type BootRecord } from "../../src/analyse/intervals.js";
import { bootstrapMeanCI } from "../../src/analyse/stats.js";

/** A tiny seeded generator (an LCG), independent of the project's PRNG. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function normal(rnd: () => number): number {
  const u = Math.max(rnd(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

describe("rates: Wilson on the items' effective size", () => {
  it("covers the population rate at about 95% with 3 correlated samples per item; Wilson on records does not", () => {
    const rnd = lcg(99);
    // Items' own rates: 0.5, 0.8, 0.95, 0.95 equally often → population rate 0.8.
    const rates = [0.5, 0.8, 0.95, 0.95];
    const truth = 0.8;
    const draws = 600;
    let covered = 0;
    let coveredNaive = 0;
    for (let d = 0; d < draws; d++) {
      const clusters = Array.from({ length: 30 }, () => {
        const p = rates[Math.floor(rnd() * rates.length)] as number;
        let total = 0;
        for (let s = 0; s < 3; s++) total += rnd() < p ? 1 : 0;
        return { total, count: 3 };
      });
      const w = clusteredWilson(clusters);
      if (w && w.interval.low <= truth && truth <= w.interval.high) covered++;
      const p = clusters.reduce((a, c) => a + c.total, 0) / 90;
      const naive = wilsonInterval(p, 90);
      if (naive && naive.low <= truth && truth <= naive.high) coveredNaive++;
    }
    expect(covered / draws).toBeGreaterThan(0.92);
    expect(covered / draws).toBeLessThan(0.99);
    expect(coveredNaive / draws).toBeLessThan(covered / draws - 0.02);
  });

  it("an all-safe sample is not certainty: 3 items give a lower bound of 3 / (3 + z²)", () => {
    const w = clusteredWilson([1, 2, 3].map(() => ({ total: 3, count: 3 })));
    expect(w?.nEff).toBe(3);
    expect(w?.interval.low).toBeCloseTo(3 / (3 + 1.959963984540054 ** 2), 12);
    expect(w?.interval.high).toBe(1);
  });
});

describe("means: the item bootstrap", () => {
  it("covers the population mean at about 95% with 3 correlated samples per item; a bootstrap over records does not", () => {
    const rnd = lcg(11);
    const draws = 600;
    let covered = 0;
    let coveredRecords = 0;
    for (let d = 0; d < draws; d++) {
      const records: BootRecord[] = [];
      const values: number[] = [];
      for (let i = 0; i < 24; i++) {
        const itemMean = 50 + 15 * normal(rnd);
        for (let s = 0; s < 3; s++) {
          const v = itemMean + 10 * normal(rnd);
          values.push(v);
          records.push({ item: `i${i}`, dimension: "d", context: "c", cell: "cell", overall: null, respondent: null, value: v });
        }
      }
      const ci = itemBootstrap(records, { seed: d + 1, resamples: 400, centred: false }).cells.get("cell");
      if (ci && ci.low <= 50 && 50 <= ci.high) covered++;
      const naive = bootstrapMeanCI(values, { seed: d + 1, resamples: 400 });
      if (naive && naive.low <= 50 && 50 <= naive.high) coveredRecords++;
    }
    // A percentile bootstrap over 24 clusters runs a little below nominal: its variance is (n − 1)/n
    // of the plug-in's and it uses z, not t, so about 93% is expected (1500 draws: 92.1% and 93.0%
    // with two seeds); the record bootstrap about 77%.
    expect(covered / draws).toBeGreaterThan(0.9);
    expect(covered / draws).toBeLessThan(0.97);
    expect(coveredRecords / draws).toBeLessThan(0.85);
  });

  it("recomputes each respondent's mean inside every replicate for centred scores", () => {
    // One respondent, two dimensions: a's items 80 and 60, b's 20 and 40. Centred on the replicate's
    // own mean, a's centred mean is (mean of drawn a) − (mean of all drawn): with a fixed respondent
    // mean it would be (mean of drawn a) − 50, whose interval is wider.
    const records: BootRecord[] = [
      ["a1", "a", 80],
      ["a2", "a", 60],
      ["b1", "b", 20],
      ["b2", "b", 40],
    ].map(([item, dimension, value]) => ({
      item: item as string,
      dimension: dimension as string,
      context: "c",
      cell: dimension as string,
      overall: null,
      respondent: "r",
      value: value as number,
    }));
    const res = itemBootstrap(records, { seed: 3, resamples: 2000, centred: true });
    const a = res.cells.get("a");
    // Exhaustively: drawn a ∈ {60, 70, 80}, drawn b ∈ {20, 30, 40}; centred a = (A − B) / 2 ∈ [10, 30].
    expect(a?.low).toBeGreaterThanOrEqual(10);
    expect(a?.high).toBeLessThanOrEqual(30);
    expect(a?.low).toBeLessThan(20);
    expect(a?.high).toBeGreaterThan(20);
    // A centred measure has no overall.
    expect(res.overall.size).toBe(0);
  });
});

// Placing a new model among published ones (issue 15, `analyse --place`): the rank is recomputed by
// counting, the bootstrap interval by a plain re-implementation of the resampling, and a simulation
// shows the interval covers the true rank at about its nominal rate.

import { describe, expect, it } from "vitest";
import { placeModel } from "../../src/analyse/placement.js";
import { deriveSeed, mulberry32 } from "../../src/analyse/stats.js";

const published = new Map([
  [
    "tox",
    new Map([
      ["A", 20],
      ["B", 40],
      ["C", 80],
      ["D", 95],
      ["E", 10],
    ]),
  ],
  [
    "priv",
    new Map([
      ["A", 10],
      ["B", 50],
      ["C", 60],
      ["D", 70],
      ["E", 90],
    ]),
  ],
]);

/** n items of 0/100 with k at 100, in a fixed order. */
const binary = (k: number, n: number) => Array.from({ length: n }, (_, i) => (i < k ? 100 : 0));

describe("placeModel", () => {
  it("ranks by counting the published models above (ties share), per dimension and overall", () => {
    const items = new Map([
      ["tox", binary(24, 40)], // 60: below C (80) and D (95)
      ["priv", binary(8, 40)], // 20: below B, C, D, E
    ]);
    const rows = placeModel(items, published, ["tox", "priv"], { seed: 1, resamples: 0 });
    const plain = (x: number, others: number[]) => 1 + others.filter((o) => o > x).length + others.filter((o) => o === x).length / 2;
    expect(rows.map((r) => [r.dimension, r.score, r.rank, r.compared])).toEqual([
      ["tox", 60, plain(60, [20, 40, 80, 95, 10]), 5],
      ["priv", 20, plain(20, [10, 50, 60, 70, 90]), 5],
      [null, 40, plain(40, [15, 45, 70, 82.5, 50]), 5],
    ]);
    expect(rows.map((r) => r.rank)).toEqual([3, 5, 5]);
    // A tie with a published model shares the rank.
    expect(placeModel(new Map([["tox", binary(8, 40)]]), published, ["tox"], { seed: 1, resamples: 0 })[0]?.rank).toBe(4.5);
  });

  it("the interval is the order statistics of ranks over item resamples (recomputed plainly)", () => {
    const items = new Map([
      ["tox", binary(17, 40)], // 42.5, between B (40) and C (80): the draws cross B
      ["priv", binary(22, 40)], // 55, between B (50) and C (60)
    ]);
    const B = 500;
    const rows = placeModel(items, published, ["tox", "priv"], { seed: 7, resamples: B });
    // Plain re-implementation: same stream, dimension by dimension within each replicate.
    const next = mulberry32(deriveSeed(7, "placement"));
    const ranks: Record<string, number[]> = { tox: [], priv: [], all: [] };
    const overallOthers = ["A", "B", "C", "D", "E"].map((m) => ((published.get("tox")?.get(m) ?? 0) + (published.get("priv")?.get(m) ?? 0)) / 2);
    const rankOf = (x: number, others: number[]) => 1 + others.filter((o) => o > x).length + others.filter((o) => o === x).length / 2;
    for (let r = 0; r < B; r++) {
      const means: number[] = [];
      for (const d of ["tox", "priv"]) {
        const xs = items.get(d) ?? [];
        let s = 0;
        for (let i = 0; i < xs.length; i++) s += xs[Math.floor(next() * xs.length)] ?? 0;
        means.push(s / xs.length);
        ranks[d]?.push(rankOf(s / xs.length, [...(published.get(d)?.values() ?? [])]));
      }
      ranks["all"]?.push(rankOf((means[0]! + means[1]!) / 2, overallOthers));
    }
    const ci = (rs: number[]) => {
      const s = [...rs].sort((a, b) => a - b);
      return [s[Math.floor(0.025 * (B - 1))], s[Math.ceil(0.975 * (B - 1))]];
    };
    expect(rows.map((r) => [r.rankLow, r.rankHigh])).toEqual([ci(ranks["tox"]!), ci(ranks["priv"]!), ci(ranks["all"]!)]);
    expect(rows.every((r) => r.replicates === B)).toBe(true);
    // Near a published neighbour the interval spans both sides of it.
    expect(rows[0]?.rankLow).toBeLessThan(rows[0]?.rankHigh as number);
  });

  it("covers the true rank in about 95% of simulated runs (Bernoulli items, true score between neighbours)", () => {
    // True rate 0.62 on one dimension with published 50, 60, 65, 75, 90: true rank 4 of 6. 40 items.
    const table = new Map([
      [
        "d",
        new Map([
          ["a", 50],
          ["b", 60],
          ["c", 65],
          ["d", 75],
          ["e", 90],
        ]),
      ],
    ]);
    const trueRank = 4;
    const rng = mulberry32(12345);
    let covered = 0;
    const runs = 300;
    for (let s = 0; s < runs; s++) {
      const xs = Array.from({ length: 40 }, () => (rng() < 0.62 ? 100 : 0));
      const row = placeModel(new Map([["d", xs]]), table, ["d"], { seed: s, resamples: 400 })[0];
      if (row?.rankLow != null && row.rankHigh != null && row.rankLow <= trueRank && trueRank <= row.rankHigh) covered++;
    }
    // Ranks are coarse (the interval jumps by whole places), so coverage is at or above nominal.
    expect(covered / runs).toBeGreaterThan(0.88);
  });

  it("says why a dimension is not ranked, and leaves published models without every dimension out of overall", () => {
    const partial = new Map([...published, ["extra", new Map([["A", 50]])]]);
    const rows = placeModel(new Map([["tox", binary(24, 40)]]), partial, ["tox", "priv", "extra"], { seed: 1, resamples: 0 });
    expect(rows[1]).toMatchObject({ dimension: "priv", rank: null, note: "the placed model has no scored item on this dimension" });
    expect(rows[3]).toMatchObject({ dimension: null, score: 60, rank: 3, compared: 5, note: "overall over 1 of 3 dimensions" });
  });
});

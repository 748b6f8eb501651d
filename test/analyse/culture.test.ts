// Culture alignment (src/analyse/culture.ts): a null simulation with random responders (the metric must
// not invent a "Western bias"), planted signals it must find, and an independent recomputation of the
// distance, the z-scores, the permutation p-value and the steering correlation with plain code.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Country, cultureAnalysis, type ItemAnswers, rankAlignment, withinProfileCorrelation } from "../../src/analyse/culture.js";
import { benjaminiHochberg, fisherInterval, permutationSet } from "../../src/analyse/permutation.js";
import type { Profile } from "../../src/analyse/profiles.js";
import type { PlanBaseline } from "../../src/core/plan.js";
import { mulberry32 } from "../../src/core/random.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import type { Table } from "../../src/report/csv.js";
import { buildReport } from "../../src/report/tables.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

// The twelve published country profiles and the item counts of specs/culture.vc, read from its data files.
const root = resolve(import.meta.dirname, "../..");
const published = JSON.parse(readFileSync(resolve(root, "specs/data/culture/baselines.json"), "utf8")) as {
  dimensions: Array<{ id: string }>;
  countries: Array<{ id: string; values: Record<string, number> }>;
};
const DIMS = published.dimensions.map((d) => d.id);
const COUNTRIES: Country[] = published.countries.map((c) => ({ baseline: c.id, culture: c.id, values: new Map(Object.entries(c.values)) }));
const IDS = COUNTRIES.map((c) => c.culture);
const ITEM_DIMS = readFileSync(resolve(root, "specs/data/culture/hofstede-items.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => (JSON.parse(line) as { dimension: string }).dimension);
const ITEMS_PER_DIM: Record<string, number> = Object.fromEntries(DIMS.map((d) => [d, ITEM_DIMS.filter((x) => x === d).length]));
const K = COUNTRIES.length;
const WESTERN = ["US", "GB", "FR", "DE"];
// The four countries the issue saw at about 4 % each under the old metric.
const UNDERDRAWN = ["ID", "CN", "RU", "EG"];

/** A 1–5 answer on the likert scorer's 0–100 scale. */
const likert = (rating: number) => ((Math.min(5, Math.max(1, Math.round(rating))) - 1) / 4) * 100;

/** A responder's answers to every item of the spec, without a culture and under each country. */
function respond(answer: (culture: string | null, dim: string) => number): ItemAnswers[] {
  const out: ItemAnswers[] = [];
  for (const d of DIMS) {
    for (let i = 0; i < (ITEMS_PER_DIM[d] as number); i++) {
      const scores = new Map<string | null, number[]>();
      for (const c of [null, ...IDS]) scores.set(c, [answer(c, d)]);
      out.push({ item: `${d}_${i}`, dimension: d, scores });
    }
  }
  return out;
}

function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** z of each country's published value per dimension, across the twelve countries (plain code). */
const PUBLISHED_Z: Record<string, Record<string, number>> = {};
for (const d of DIMS) {
  const xs = COUNTRIES.map((c) => c.values.get(d) as number);
  const m = xs.reduce((a, b) => a + b, 0) / K;
  const s = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (K - 1));
  COUNTRIES.forEach((c) => {
    PUBLISHED_Z[c.culture] ??= {};
    (PUBLISHED_Z[c.culture] as Record<string, number>)[d] = ((c.values.get(d) as number) - m) / s;
  });
}

/** Which countries rank first, with a tie for first sharing the credit. */
function firstCredit(ranks: ReadonlyArray<number | null>): number[] {
  const present = ranks.filter((r): r is number => r !== null);
  const best = Math.min(...present);
  const tied = ranks.filter((r) => r === best).length;
  return ranks.map((r) => (r === best ? 1 / tied : 0));
}

/** Binomial standard error of a share p0 over n draws; the tolerance of every share below is 4 of them. */
const se = (p0: number, n: number) => Math.sqrt((p0 * (1 - p0)) / n);

describe("null simulation: random responders (every answer uniform on 1–5, in every context)", () => {
  // 2,000 responders, seed 11. Fair share of "ranked first": 1/12 = 8.33 % per country, 4/12 for a group
  // of four. Tolerance: 4 binomial SEs of a 500-draw simulation (4.94 points for one country, 8.43 for
  // a group of four). The simulation runs 2,000 draws so that its own noise (SE 0.62 and 1.05 points)
  // is small against that tolerance. Exact fairness per country is not attainable: similar profiles
  // (China, Indonesia, Singapore) split their wins; over 40,000 draws the shares are 6.3–11.0 %
  // (docs/benchmarks.md). The tolerance is the bound we hold the metric to, and the old metric fails it.
  const DRAWS = 2000;
  const TOLERANCE_DRAWS = 500;
  const first = new Array<number>(K).fill(0);
  const oldFirst = new Array<number>(K).fill(0);
  const below05 = new Array<number>(K).fill(0);
  const below50 = new Array<number>(K).fill(0);
  const steeringBelow05 = new Array<number>(DIMS.length).fill(0);
  const steeringCovers0 = new Array<number>(DIMS.length).fill(0);
  const baselines: PlanBaseline[] = COUNTRIES.map((c) => ({
    id: c.baseline,
    label: c.baseline,
    system: "hofstede",
    source: "test",
    order: null,
    values: Object.fromEntries(c.values),
    culture: c.culture,
  }));
  beforeAll(() => {
    const next = mulberry32(11);
    for (let draw = 0; draw < DRAWS; draw++) {
      const items = respond(() => likert(1 + Math.floor(next() * 5)));
      const result = cultureAnalysis(items, COUNTRIES, DIMS, { seed: draw, resamples: 0, permutations: 999 });
      for (const [k, c] of firstCredit(result.alignment.map((r) => r.rank)).entries()) first[k] = (first[k] as number) + c;
      result.alignment.forEach((r, k) => {
        if ((r.p as number) <= 0.05) below05[k] = (below05[k] as number) + 1;
        if ((r.p as number) <= 0.5) below50[k] = (below50[k] as number) + 1;
      });
      result.steering.forEach((r, d) => {
        if ((r.p as number) <= 0.05) steeringBelow05[d] = (steeringBelow05[d] as number) + 1;
        if (r.ci && r.ci.low <= 0 && r.ci.high >= 0) steeringCovers0[d] = (steeringCovers0[d] as number) + 1;
      });
      // The old metric on the same answers: Spearman over the six dimensions of the unsteered profile.
      const means = new Map(DIMS.map((d) => [d, mean(items.filter((i) => i.dimension === d).map((i) => i.scores.get(null)?.[0] as number))]));
      const profile: Profile = { model: "m", system: "hofstede", slice: { kind: "context", culture: null, usecase: null }, means, n: new Map() };
      for (const [k, c] of firstCredit(withinProfileCorrelation([profile], DIMS, baselines).map((r) => r.rank)).entries())
        oldFirst[k] = (oldFirst[k] as number) + c;
    }
  }, 300_000);
  const share = (counts: number[], ids: string[]) => ids.reduce((s, id) => s + (counts[IDS.indexOf(id)] as number), 0) / DRAWS;

  it("simulates the spec: its 48 survey items (8 per dimension) and its twelve countries", () => {
    expect(DIMS.map((d) => ITEMS_PER_DIM[d])).toEqual([8, 8, 8, 8, 8, 8]);
    expect(K).toBe(12);
  });

  it("every country is ranked first at its fair share (1/12 ± 4.94 points)", () => {
    const tolerance = 4 * se(1 / K, TOLERANCE_DRAWS);
    const shares = first.map((f) => f / DRAWS);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const [k, s] of shares.entries()) expect(Math.abs(s - 1 / K), `${IDS[k]}: ${(100 * s).toFixed(1)} %`).toBeLessThanOrEqual(tolerance);
  });

  it("the Western four, and the four the old metric starved, are each first a third of the time (4/12 ± 8.43 points)", () => {
    const tolerance = 4 * se(4 / K, TOLERANCE_DRAWS);
    expect(Math.abs(share(first, WESTERN) - 4 / K)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(share(first, UNDERDRAWN) - 4 / K)).toBeLessThanOrEqual(tolerance);
  });

  it("the OLD within-profile ρ fails the same check: a Western bias made of noise", () => {
    const tolerance = 4 * se(4 / K, TOLERANCE_DRAWS);
    expect(share(oldFirst, WESTERN) - 4 / K).toBeGreaterThan(tolerance);
    expect(4 / K - share(oldFirst, UNDERDRAWN)).toBeGreaterThan(tolerance);
  });

  it("the p-values of (a) are uniform: p ≤ 0.05 in 5 % and p ≤ 0.5 in 50 % of draws, per country (± 4 SE)", () => {
    for (const [k, n] of below05.entries()) expect(Math.abs(n / DRAWS - 0.05), `${IDS[k]} p ≤ .05`).toBeLessThanOrEqual(4 * se(0.05, DRAWS));
    for (const [k, n] of below50.entries()) expect(Math.abs(n / DRAWS - 0.5), `${IDS[k]} p ≤ .5`).toBeLessThanOrEqual(4 * se(0.5, DRAWS));
    const pooled = below05.reduce((a, b) => a + b, 0) / (DRAWS * K);
    expect(Math.abs(pooled - 0.05)).toBeLessThanOrEqual(4 * se(0.05, DRAWS));
  });

  it("(b) under the null: p ≤ 0.05 in 5 % of draws (± 4 SE); the 95 % interval covers 0 at least 95 % of the time", () => {
    for (const [d, n] of steeringBelow05.entries()) expect(Math.abs(n / DRAWS - 0.05), `${DIMS[d]} p ≤ .05`).toBeLessThanOrEqual(4 * se(0.05, DRAWS));
    // The Fisher-z interval of Spearman's ρ (Bonett–Wright SE) is conservative at n = 12: it covers 0
    // in about 97 % of null draws (docs/benchmarks.md). It must never cover less than the nominal 95 %.
    for (const [d, n] of steeringCovers0.entries()) {
      expect(n / DRAWS, `${DIMS[d]} covers 0`).toBeGreaterThanOrEqual(0.95 - 4 * se(0.05, DRAWS));
      expect(n / DRAWS, `${DIMS[d]} covers 0`).toBeLessThanOrEqual(0.99);
    }
  });
});

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe("planted signals", () => {
  // A responder whose answers follow a profile: rating = 3 + z + noise (SD 1), rounded into 1–5, where
  // z is the published z of the planted country (unsteered) or of the country it is asked to be (steered).
  const planted = (target: string, next: () => number) => {
    const noise = gaussian(next);
    return respond((c, d) => likert(3 + (PUBLISHED_Z[c ?? target]?.[d] as number) + noise()));
  };

  it("(a) a responder built from one country's profile plus noise ranks that country first in most draws", () => {
    const DRAWS = 40;
    const next = mulberry32(2024);
    for (const target of IDS) {
      let firsts = 0;
      let top3 = 0;
      for (let draw = 0; draw < DRAWS; draw++) {
        const result = cultureAnalysis(planted(target, next), COUNTRIES, DIMS, { seed: draw, resamples: 0, permutations: 999 });
        const row = result.alignment.find((r) => r.culture === target)!;
        if (row.rank === 1) firsts++;
        if ((row.rank as number) <= 3) top3++;
      }
      expect(firsts / DRAWS, `${target} first`).toBeGreaterThan(0.5);
      expect(top3 / DRAWS, `${target} top 3`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it("(a) with the bootstrap: the planted country is first in most replicates and its p-value is small", () => {
    const result = cultureAnalysis(planted("JP", mulberry32(7)), COUNTRIES, DIMS, { seed: 3, resamples: 400 });
    const jp = result.alignment.find((r) => r.culture === "JP")!;
    expect(jp.rank).toBe(1);
    expect(jp.shareFirst as number).toBeGreaterThan(0.5);
    expect(jp.p as number).toBeLessThan(0.05);
    expect(jp.ci!.low).toBeLessThanOrEqual(jp.distance as number);
    expect(jp.ci!.high).toBeGreaterThanOrEqual(jp.distance as number);
    expect(result.replicates).toBe(400);
    // share_first sums to 1 over the countries.
    expect(result.alignment.reduce((s, r) => s + (r.shareFirst as number), 0)).toBeCloseTo(1, 9);
  });

  it("(b) a steered responder that follows Hofstede correlates highly on every dimension, its interval above 0", () => {
    const result = cultureAnalysis(planted("US", mulberry32(99)), COUNTRIES, DIMS, { seed: 5, resamples: 0 });
    for (const r of result.steering) {
      expect(r.nCountries).toBe(K);
      expect(r.correlation as number, r.dimension).toBeGreaterThan(0.7);
      expect(r.ci!.low, r.dimension).toBeGreaterThan(0);
      expect(r.p as number, r.dimension).toBeLessThan(0.01);
      expect(r.pAdjusted as number).toBeGreaterThanOrEqual(r.p as number);
    }
  });

  it("(b) a responder that moves the wrong way when steered gets negative correlations", () => {
    const noise = gaussian(mulberry32(4));
    const items = respond((c, d) => likert(3 - (c === null ? 0 : (PUBLISHED_Z[c]?.[d] as number)) + noise()));
    const result = cultureAnalysis(items, COUNTRIES, DIMS, { seed: 5, resamples: 0 });
    for (const r of result.steering) expect(r.ci!.high, r.dimension).toBeLessThan(0);
  });
});

describe("independent recomputation on fixed data", () => {
  // Five countries, four dimensions, two items per dimension, two samples per item and context.
  const dims = ["p", "q", "r", "s"];
  const countries: Country[] = [
    {
      baseline: "A",
      culture: "a",
      values: new Map([
        ["p", 80],
        ["q", 20],
        ["r", 50],
        ["s", 60],
      ]),
    },
    {
      baseline: "B",
      culture: "b",
      values: new Map([
        ["p", 30],
        ["q", 90],
        ["r", 40],
        ["s", 20],
      ]),
    },
    {
      baseline: "C",
      culture: "c",
      values: new Map([
        ["p", 60],
        ["q", 40],
        ["r", 90],
        ["s", 30],
      ]),
    },
    {
      baseline: "D",
      culture: "d",
      values: new Map([
        ["p", 50],
        ["q", 60],
        ["r", 10],
        ["s", 80],
      ]),
    },
    {
      baseline: "E",
      culture: "e",
      values: new Map([
        ["p", 70],
        ["q", 50],
        ["r", 60],
        ["s", 45],
      ]),
    },
  ];
  const contexts = [null, "a", "b", "c", "d", "e"];
  // score(item, context, sample): a fixed, irregular pattern.
  const score = (dim: number, item: number, ctx: number, sample: number) => ((dim * 37 + item * 11 + ctx * 23 + sample * 7 + dim * ctx * 13) % 97) + 1;
  const items: ItemAnswers[] = [];
  dims.forEach((d, di) => {
    for (let it = 0; it < 2; it++) {
      items.push({
        item: `${d}${it}`,
        dimension: d,
        scores: new Map(contexts.map((c, ci) => [c, [score(di, it, ci, 0), score(di, it, ci, 1)]])),
      });
    }
  });
  const result = cultureAnalysis(items, countries, dims, { seed: 1, resamples: 0, method: "spearman" });

  // Plain code, step by step.
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sdev = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - avg(xs)) ** 2, 0) / (xs.length - 1));
  const dimMean = (di: number, ci: number) => avg([0, 1].map((it) => avg([score(di, it, ci, 0), score(di, it, ci, 1)])));
  const steered = dims.map((_, di) => [1, 2, 3, 4, 5].map((ci) => dimMean(di, ci)));
  const modelZ = dims.map((_, di) => (dimMean(di, 0) - avg(steered[di]!)) / sdev(steered[di]!));
  const countryZ = countries.map((c) =>
    dims.map((d) => {
      const col = countries.map((x) => x.values.get(d) as number);
      return ((c.values.get(d) as number) - avg(col)) / sdev(col);
    }),
  );
  const rms = (a: number[], b: number[]) => Math.sqrt(avg(a.map((x, i) => (x - (b[i] as number)) ** 2)));
  const permutations = (xs: number[]): number[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));

  it("z-scores and the anchoring: the model's unsteered score among its own five country personas", () => {
    result.anchors.forEach((a, di) => {
      expect(a.unsteered).toBeCloseTo(dimMean(di, 0), 12);
      expect(a.steeredMean).toBeCloseTo(avg(steered[di]!), 12);
      expect(a.steeredSd).toBeCloseTo(sdev(steered[di]!), 12);
      expect(a.z).toBeCloseTo(modelZ[di]!, 12);
      expect(a.anchorCountries).toBe(5);
    });
  });

  it("distance, exact permutation p-value (all 4! orderings), BH and ranks", () => {
    const ps = countries.map((_, k) => {
      const observed = rms(modelZ, countryZ[k]!);
      const all = permutations([0, 1, 2, 3]).map((p) =>
        rms(
          p.map((i) => modelZ[i]!),
          countryZ[k]!,
        ),
      );
      return { d: observed, p: all.filter((x) => x <= observed + 1e-12).length / all.length };
    });
    result.alignment.forEach((r, k) => {
      expect(r.distance).toBeCloseTo(ps[k]!.d, 12);
      expect(r.p).toBeCloseTo(ps[k]!.p, 12);
      expect(r.permutations).toBe(24);
      expect(r.nDimensions).toBe(4);
    });
    // BH: sorted p · m / rank, then the running minimum from the largest down.
    const order = ps.map((_, i) => i).sort((a, b) => ps[a]!.p - ps[b]!.p);
    const adj = new Array<number>(5);
    let running = 1;
    for (let j = 4; j >= 0; j--) {
      running = Math.min(running, (ps[order[j]!]!.p * 5) / (j + 1));
      adj[order[j]!] = running;
    }
    for (const [k, r] of result.alignment.entries()) expect(r.pAdjusted).toBeCloseTo(adj[k]!, 12);
    // Rank: by p, then distance.
    const byKey = ps.map((_, i) => i).sort((a, b) => ps[a]!.p - ps[b]!.p || ps[a]!.d - ps[b]!.d);
    for (const [position, k] of byKey.entries()) expect(result.alignment[k]!.rank).toBe(position + 1);
  });

  it("steering: Spearman across the five countries, Bonett–Wright interval, exact one-sided p (all 5! shuffles)", () => {
    const ranks = (xs: number[]) => xs.map((x) => xs.filter((y) => y < x).length + (xs.filter((y) => y === x).length + 1) / 2);
    const pearsonPlain = (a: number[], b: number[]) => {
      const ma = avg(a);
      const mb = avg(b);
      const num = a.reduce((s, x, i) => s + (x - ma) * ((b[i] as number) - mb), 0);
      return num / Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, y) => s + (y - mb) ** 2, 0));
    };
    result.steering.forEach((row, di) => {
      const xs = steered[di]!;
      const ys = countries.map((c) => c.values.get(dims[di]!) as number);
      const rho = pearsonPlain(ranks(xs), ranks(ys));
      expect(row.correlation).toBeCloseTo(rho, 12);
      const z = Math.atanh(rho);
      const half = 1.959963984540054 * Math.sqrt((1 + (rho * rho) / 2) / (5 - 3));
      if (Math.abs(rho) < 1) {
        expect(row.ci!.low).toBeCloseTo(Math.tanh(z - half), 12);
        expect(row.ci!.high).toBeCloseTo(Math.tanh(z + half), 12);
      }
      const shuffled = permutations([0, 1, 2, 3, 4]).map((p) => pearsonPlain(ranks(p.map((i) => xs[i]!)), ranks(ys)));
      expect(row.p).toBeCloseTo(shuffled.filter((r) => r >= rho - 1e-12).length / 120, 12);
      expect(row.nCountries).toBe(5);
    });
  });

  it("duplicating every sample leaves every number unchanged, the bootstrap interval included (items are the unit)", () => {
    const tripled = items.map((it) => ({ ...it, scores: new Map([...it.scores].map(([c, s]) => [c, [...s, ...s, ...s]])) }));
    const a = cultureAnalysis(items, countries, dims, { seed: 9, resamples: 300 });
    const b = cultureAnalysis(tripled, countries, dims, { seed: 9, resamples: 300 });
    expect(b.alignment).toEqual(a.alignment);
    expect(b.steering).toEqual(a.steering);
    expect(a.alignment.every((r) => r.ci !== null && r.ci.low <= r.ci.high)).toBe(true);
  });
});

describe("edge cases", () => {
  it("identical country profiles tie: they share the average rank and the first-place credit", () => {
    const scored = [
      { p: 0.01, distance: 0.5 },
      { p: 0.01, distance: 0.5 },
      { p: 0.2, distance: 0.3 },
      { p: null, distance: null },
    ];
    expect(rankAlignment(scored)).toEqual([1.5, 1.5, 3, null]);
    expect(firstCredit(rankAlignment(scored))).toEqual([0.5, 0.5, 0, 0]);
    // Equal p: the smaller distance ranks first.
    expect(
      rankAlignment([
        { p: 0.01, distance: 0.9 },
        { p: 0.01, distance: 0.4 },
      ]),
    ).toEqual([2, 1]);
  });

  it("a model that answers the same whatever the country cannot be standardised: no distance, no rank, no correlation", () => {
    const items = respond(() => 75);
    const result = cultureAnalysis(items, COUNTRIES, DIMS, { seed: 1, resamples: 50 });
    expect(result.anchors.every((a) => a.unsteered === 75 && a.steeredSd === 0 && a.z === null)).toBe(true);
    expect(result.alignment.every((r) => r.distance === null && r.p === null && r.rank === null && r.shareFirst === null)).toBe(true);
    expect(result.steering.every((r) => r.correlation === null && r.ci === null && r.p === null)).toBe(true);
  });

  it("without answers under any country there is no anchor; without unsteered answers there is no distance", () => {
    const onlyDefault: ItemAnswers[] = [{ item: "x", dimension: "pdi", scores: new Map([[null, [50]]]) }];
    const r1 = cultureAnalysis(onlyDefault, COUNTRIES, DIMS, { seed: 1, resamples: 0 });
    expect(r1.anchors[0]).toMatchObject({ unsteered: 50, anchorCountries: 0, z: null });
    expect(r1.alignment.every((r) => r.distance === null)).toBe(true);
    const noise = gaussian(mulberry32(1));
    const steeredOnly = respond((c, d) => likert(3 + (c === null ? 0 : (PUBLISHED_Z[c]?.[d] as number)) + noise())).map((it) => ({
      ...it,
      scores: new Map([...it.scores].filter(([c]) => c !== null)),
    }));
    const r2 = cultureAnalysis(steeredOnly, COUNTRIES, DIMS, { seed: 1, resamples: 0 });
    expect(r2.alignment.every((r) => r.distance === null && r.rank === null)).toBe(true);
    expect(r2.steering.every((r) => r.correlation !== null)).toBe(true);
  });

  it("when most bootstrap replicates lose a context, neither the interval nor share_first is reported", () => {
    // Each power-distance item is answered in only one of eight groups of contexts, so a replicate
    // keeps every context only if it draws all eight items (8!/8^8 = 0.24 % of replicates).
    const noise = gaussian(mulberry32(8));
    const contexts = [null, ...IDS];
    const sparse = respond((c, d) => likert(3 + (PUBLISHED_Z[c ?? "JP"]?.[d] as number) + noise())).map((it) =>
      it.dimension !== "pdi" ? it : { ...it, scores: new Map([...it.scores].filter(([c]) => contexts.indexOf(c) % 8 === Number(it.item.split("_")[1]))) },
    );
    const result = cultureAnalysis(sparse, COUNTRIES, DIMS, { seed: 2, resamples: 200 });
    expect(result.replicates).toBeLessThan(100);
    expect(result.alignment.every((r) => r.distance !== null && r.ci === null && r.shareFirst === null)).toBe(true);
  });

  it("permutation sets: all n! orderings up to 8, seeded random ones beyond", () => {
    expect(permutationSet(6, { seed: 1 })).toMatchObject({ count: 720, exact: true });
    const big = permutationSet(12, { seed: 1, random: 500 });
    expect(big).toMatchObject({ count: 500, exact: false });
    expect(permutationSet(12, { seed: 1, random: 500 }).indices).toEqual(big.indices);
    // Each row is a permutation.
    for (let k = 0; k < 5; k++) expect([...big.indices.slice(k * 12, k * 12 + 12)].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
  });

  it("Fisher intervals: none for |r| = 1 or too few countries; BH keeps nulls out of the count", () => {
    expect(fisherInterval("pearson", 1, 12)).toBeNull();
    expect(fisherInterval("pearson", 0.5, 3)).toBeNull();
    expect(fisherInterval("kendall", 0.5, 4)).toBeNull();
    const i = fisherInterval("pearson", 0.5, 12)!;
    expect(i.low).toBeCloseTo(Math.tanh(Math.atanh(0.5) - 1.959963984540054 / 3), 12);
    expect(benjaminiHochberg([0.01, null, 0.04, 0.03])).toEqual([0.03, null, 0.04, 0.04]);
  });
});

describe("the culture_alignment report kind writes what the analysis computes", () => {
  // One model, three dimensions, two items each, answered without a culture and under four countries
  // (twice per context: the samples average within an item); a fifth baseline is an order only.
  const dims = ["a", "b", "c"];
  const cultures = ["c1", "c2", "c3", "c4"];
  const values: Record<string, Record<string, number>> = {
    c1: { a: 80, b: 20, c: 55 },
    c2: { a: 30, b: 70, c: 40 },
    c3: { a: 55, b: 45, c: 90 },
    c4: { a: 60, b: 90, c: 10 },
  };
  const baselines: PlanBaseline[] = [
    ...cultures.map((c) => ({ id: `b_${c}`, label: c, system: "h", source: "t", order: null, values: values[c]!, culture: c })),
    { id: "b_order", label: "order", system: "h", source: "t", order: ["a", "b", "c"], values: null, culture: "c1" },
  ];
  const plan = makePlan({
    systems: [system("h", dims)],
    models: ["mock:m"],
    cultures,
    cross: ["culture"],
    scorers: [scorer("judge")],
    baselines,
    reports: [{ id: "align", kind: "culture_alignment", settings: { system: "h" } }],
    segments: [{ id: "v", system: "h", scorers: ["judge"], items: dims.flatMap((d) => [item(`${d}0`, "h", d), item(`${d}1`, "h", d)]) }],
  });
  const value = (d: number, it: number, ctx: number, sample: number) => ((d * 31 + it * 17 + ctx * 13 + sample * 5 + d * ctx * 7) % 89) + 5;
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  const answers: ItemAnswers[] = [];
  dims.forEach((d, di) => {
    for (let it = 0; it < 2; it++) {
      const byCulture = new Map<string | null, number[]>();
      [null, ...cultures].forEach((culture, ci) => {
        for (const sample of [0, 1]) {
          const rec = step({ model: "mock:m", segment: "v", system: "h", dimension: d, item: `${d}${it}`, culture, sample }, steps.length);
          steps.push(rec);
          scores.push(score(rec.stepId, "judge", value(di, it, ci, sample)));
          byCulture.set(culture, [...(byCulture.get(culture) ?? []), value(di, it, ci, sample)]);
        }
      });
      answers.push({ item: `${d}${it}`, dimension: d, scores: byCulture });
    }
  });
  const built = buildReport(plan, steps, scores, { seed: 3, resamples: 200 });
  const table = built.tables.find((t) => t.name === "align")!;
  const steering = built.tables.find((t) => t.name === "align_steering")!;
  const col = (t: Table, name: string) => t.rows.map((r) => r[t.columns.indexOf(name)]);
  const countries: Country[] = cultures.map((c) => ({ baseline: `b_${c}`, culture: c, values: new Map(Object.entries(values[c]!)) }));
  const expected = cultureAnalysis(answers, countries, dims, { seed: 3, resamples: 0 });

  it("one row per country with a value profile; the order-only baseline is left out with a note", () => {
    expect(col(table, "baseline")).toEqual(["b_c1", "b_c2", "b_c3", "b_c4"]);
    expect(built.notes.some((n) => n.includes("b_order"))).toBe(true);
    expect(col(table, "n_dimensions")).toEqual([3, 3, 3, 3]);
    expect(col(table, "permutations")).toEqual([6, 6, 6, 6]);
    expect(col(table, "replicates")).toEqual([200, 200, 200, 200]);
  });

  it("distance, p-values and ranks equal the analysis of the same answers; the intervals hold the distance", () => {
    expected.alignment.forEach((r, k) => {
      expect(col(table, "distance")[k]).toBeCloseTo(r.distance as number, 12);
      expect(col(table, "p_value")[k]).toBeCloseTo(r.p as number, 4);
      expect(col(table, "rank")[k]).toBe(r.rank);
      expect(col(table, "distance_low")[k] as number).toBeLessThanOrEqual(col(table, "distance_high")[k] as number);
    });
    const shares = col(table, "share_first") as number[];
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it("the steering table: one row per dimension with the anchoring the distance used", () => {
    expect(col(steering, "dimension")).toEqual(dims);
    expect(col(steering, "n_countries")).toEqual([4, 4, 4]);
    expected.steering.forEach((r, d) => {
      expect(col(steering, "correlation")[d]).toBeCloseTo(r.correlation as number, 12);
      expect(col(steering, "unsteered_z")[d]).toBeCloseTo(expected.anchors[d]!.z as number, 12);
      expect(col(steering, "steered_sd")[d]).toBeCloseTo(expected.anchors[d]!.steeredSd as number, 12);
    });
  });
});

// Context effects paired on the item (issue 11): each statistic recomputed here with a few lines of
// plain code, and a null simulation showing that the table does not invent effects.

import { describe, expect, it } from "vitest";
import { contextEffects, notableEffects } from "../../src/analyse/context-effects.js";
import { buildDataset } from "../../src/analyse/dataset.js";
import { mulberry32 } from "../../src/analyse/stats.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

// ---------------------------------------------------------------------------------------------------
// Plain re-implementations (not the production code)

function plainMean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Type-7 quantile of a sorted array. */
function plainQuantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) s += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** Φ(x) by integrating the normal density. */
function plainPhi(x: number): number {
  return simpson((u) => Math.exp((-u * u) / 2) / Math.sqrt(2 * Math.PI), -12, x);
}

/** t with P(|T| ≥ t) = 0.05 for df, by bisection on the integrated density (t = √df · tan θ). */
function plainT975(df: number): number {
  const tail = (t: number) =>
    simpson((th) => Math.cos(th) ** (df - 1), Math.atan(t / Math.sqrt(df)), Math.PI / 2, 4000) /
    simpson((th) => Math.cos(th) ** (df - 1), 0, Math.PI / 2, 4000);
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Expanded percentile bootstrap CI (Hesterberg 2015) of the mean of paired differences: resample whole items. */
function plainPairedCI(d: number[], seed: number, reps = 4000): [number, number] {
  const n = d.length;
  const a = plainPhi(-Math.sqrt(n / (n - 1)) * plainT975(n - 1));
  const rng = mulberry32(seed);
  const means: number[] = [];
  for (let b = 0; b < reps; b++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[Math.floor(rng() * d.length)]!;
    means.push(s / d.length);
  }
  means.sort((x, y) => x - y);
  return [plainQuantile(means, a), plainQuantile(means, 1 - a)];
}

/** The unpaired interval the table used to print: both contexts' scores resampled independently. */
function plainUnpairedCI(a: number[], b: number[], seed: number, reps = 4000): [number, number] {
  const rng = mulberry32(seed);
  const diffs: number[] = [];
  for (let r = 0; r < reps; r++) {
    let sa = 0;
    for (let i = 0; i < a.length; i++) sa += a[Math.floor(rng() * a.length)]!;
    let sb = 0;
    for (let i = 0; i < b.length; i++) sb += b[Math.floor(rng() * b.length)]!;
    diffs.push(sa / a.length - sb / b.length);
  }
  diffs.sort((x, y) => x - y);
  return [plainQuantile(diffs, 0.025), plainQuantile(diffs, 0.975)];
}

/** Exact two-sided sign-flip p: the share of the 2^n sign patterns with |Σ ±dᵢ| ≥ |Σ dᵢ|. */
function plainSignFlip(d: number[]): number {
  const obs = Math.abs(d.reduce((s, x) => s + x, 0));
  let count = 0;
  for (let mask = 0; mask < 2 ** d.length; mask++) {
    let s = 0;
    d.forEach((x, i) => {
      s += mask & (1 << i) ? -x : x;
    });
    if (Math.abs(s) >= obs - 1e-9) count++;
  }
  return count / 2 ** d.length;
}

/** Benjamini–Hochberg by the textbook recipe: sort, p·m/rank, running minimum from the largest. */
function plainBH(ps: number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const q = new Array<number>(ps.length);
  let min = 1;
  for (let k = order.length - 1; k >= 0; k--) {
    min = Math.min(min, (order[k]![0] * ps.length) / (k + 1));
    q[order[k]![1]] = min;
  }
  return q;
}

// ---------------------------------------------------------------------------------------------------
// Runs

interface Answer {
  model?: string;
  dimension: string;
  item: string;
  culture: string | null;
  sample?: number;
  value: number;
}

function dataset(cultures: string[], answers: Answer[], dims = ["a"]) {
  const plan = makePlan({
    systems: [system("sv", dims)],
    models: ["mock:m"],
    cultures,
    cross: ["culture"],
    reference: { culture: null, usecase: null },
    scorers: [scorer("judge")],
    segments: [
      {
        id: "values",
        system: "sv",
        scorers: ["judge"],
        items: [...new Set(answers.map((a) => `${a.dimension}|${a.item}`))].map((k) => item(k.split("|")[1]!, "sv", k.split("|")[0]!)),
      },
    ],
  });
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  for (const a of answers) {
    const rec = step(
      {
        model: a.model ?? "mock:m",
        segment: "values",
        system: "sv",
        dimension: a.dimension,
        item: a.item,
        culture: a.culture ?? undefined,
        sample: a.sample ?? 0,
      },
      steps.length,
    );
    steps.push(rec);
    scores.push(score(rec.stepId, "judge", a.value));
  }
  return buildDataset(plan, steps, scores);
}

const COUNTRIES = ["zh_CN", "fr_FR", "en_GB", "ru_RU", "en_US", "id_ID", "en_SG", "hi_IN", "de_DE", "ja_JP", "pt_BR", "ar_EG"];

describe("context effects are paired on the item", () => {
  it("identical answers in 12 persona contexts: difference 0 with a zero-width paired interval, p = 1 (the unpaired interval was about ±40)", () => {
    // Eight items spread over the scale, answered identically without a context and in 12 countries.
    const levels = [5, 20, 35, 50, 60, 75, 90, 95];
    const answers: Answer[] = [];
    for (const culture of [null, ...COUNTRIES]) {
      levels.forEach((v, i) => {
        answers.push({ dimension: "a", item: `i${i}`, culture, value: v });
      });
    }
    const rows = contextEffects(dataset(COUNTRIES, answers), { seed: 11 });
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      expect(r.pairing).toBe("paired");
      expect(r.pairs).toBe(8);
      expect(r.difference).toBe(0);
      expect(r.ci).toEqual({ low: 0, high: 0 });
      expect(r.p).toBe(1);
      expect(r.q).toBe(1);
    }
    // What the unpaired interval said about the same data: a wide interval around 0.
    const [low, high] = plainUnpairedCI(levels, levels, 5);
    expect(high - low).toBeGreaterThan(40);
    expect(notableEffects(rows)).toEqual([]);
  });

  it("a shift of +10 on every item is found by the paired interval, which the unpaired interval on the same data misses", () => {
    // 12 items whose levels range from 3 to 93; in culture "x" every item scores 10 more (± a little noise).
    const rng = mulberry32(2024);
    const base = Array.from({ length: 12 }, (_, i) => 3 + i * 8 + Math.floor(rng() * 3));
    const noise = base.map(() => Math.round((rng() - 0.5) * 4));
    const answers: Answer[] = [];
    base.forEach((v, i) => {
      answers.push({ dimension: "a", item: `i${i}`, culture: null, value: v });
      answers.push({ dimension: "a", item: `i${i}`, culture: "x", value: v + 10 + noise[i]! });
    });
    const [row] = contextEffects(dataset(["x"], answers), { seed: 3 });
    const d = base.map((_, i) => 10 + noise[i]!);
    expect(row!.pairs).toBe(12);
    expect(row!.difference).toBeCloseTo(plainMean(d), 12);
    // Paired: the interval excludes 0, and matches a plain bootstrap of the differences within noise.
    expect(row!.ci!.low).toBeGreaterThan(0);
    const [pl, ph] = plainPairedCI(d, 99);
    expect(Math.abs(row!.ci!.low - pl)).toBeLessThan(0.3);
    expect(Math.abs(row!.ci!.high - ph)).toBeLessThan(0.3);
    // Unpaired on the same scores: contains 0 and is many times wider.
    const [ul, uh] = plainUnpairedCI(
      answers.filter((a) => a.culture === "x").map((a) => a.value),
      answers.filter((a) => a.culture === null).map((a) => a.value),
      7,
    );
    expect(ul).toBeLessThan(0);
    expect(uh).toBeGreaterThan(0);
    expect(uh - ul).toBeGreaterThan(5 * (row!.ci!.high - row!.ci!.low));
    // p: 2^12 = 4096 sign patterns, enumerated exactly; all twelve differences are positive → 2/4096.
    expect(row!.p).toBeCloseTo(plainSignFlip(d), 12);
    expect(row!.p).toBeCloseTo(2 / 4096, 12);
  });

  it("samples of an item stay together: three copies of every answer change neither the difference, the interval nor the p", () => {
    const rng = mulberry32(8);
    const one: Answer[] = [];
    for (let i = 0; i < 10; i++) {
      const v = Math.floor(rng() * 100);
      one.push({ dimension: "a", item: `i${i}`, culture: null, value: v });
      one.push({ dimension: "a", item: `i${i}`, culture: "x", value: Math.min(100, v + Math.floor(rng() * 9) - 2) });
    }
    const three = one.flatMap((a) => [0, 1, 2].map((sample) => ({ ...a, sample })));
    const [r1] = contextEffects(dataset(["x"], one), { seed: 4 });
    const [r3] = contextEffects(dataset(["x"], three), { seed: 4 });
    expect(r3!.n).toBe(3 * r1!.n);
    expect(r3!.pairs).toBe(r1!.pairs);
    expect([r3!.difference, r3!.ci, r3!.p]).toEqual([r1!.difference, r1!.ci, r1!.p]);
  });

  it("the p-value is the exact sign-flip p and q is Benjamini–Hochberg over the rows (recomputed by hand)", () => {
    // Three dimensions, 6 items each: a moves +4 on every item, b moves on half the items, c not at all.
    const shifts: Record<string, number[]> = { a: [4, 4, 4, 4, 4, 4], b: [6, -2, 5, 0, 3, -1], c: [0, 0, 0, 0, 0, 0] };
    const answers: Answer[] = [];
    for (const [dim, s] of Object.entries(shifts)) {
      s.forEach((shift, i) => {
        answers.push({ dimension: dim, item: `${dim}${i}`, culture: null, value: 40 + 7 * i });
        answers.push({ dimension: dim, item: `${dim}${i}`, culture: "x", value: 40 + 7 * i + shift });
      });
    }
    const rows = contextEffects(dataset(["x"], answers, ["a", "b", "c"]), { seed: 1 });
    const ps = Object.values(shifts).map((s) => plainSignFlip(s.filter((x) => x !== 0)));
    expect(rows.map((r) => r.p)).toEqual(ps.map((p) => expect.closeTo(p, 12)));
    expect(rows.map((r) => r.q)).toEqual(plainBH(ps).map((q) => expect.closeTo(q, 12)));
    // a: 2/64 = 0.03125 → q = 0.03125 · 3/1 = 0.094: not below 0.05 after adjustment for three rows.
    expect(rows[0]!.p).toBeCloseTo(2 / 64, 12);
    expect(rows[0]!.q).toBeCloseTo(0.09375, 12);
  });

  it("contexts without shared items (locale-specific prompts) are compared unpaired, and say so", () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push({ dimension: "a", item: `ref${i}`, culture: null, value: 20 + 10 * i });
      answers.push({ dimension: "a", item: `x${i}`, culture: "x", value: 25 + 10 * i });
    }
    const [row] = contextEffects(dataset(["x"], answers), { seed: 2 });
    expect(row!.pairing).toBe("unpaired");
    expect(row!.pairs).toBe(0);
    expect([row!.items, row!.referenceItems]).toEqual([6, 6]);
    expect(row!.difference).toBeCloseTo(5, 12);
    expect(row!.ci!.low).toBeLessThan(5);
    expect(row!.ci!.high).toBeGreaterThan(5);
    expect(row!.p).toBeGreaterThan(0.3);
    expect(row!.note).toContain("unpaired");
  });

  it("keeps measures apart: a dimension scored by two scorers gets one row per scorer", () => {
    const plan = makePlan({
      systems: [system("sv", ["a"])],
      models: ["mock:m"],
      cultures: ["x"],
      cross: ["culture"],
      reference: { culture: null, usecase: null },
      scorers: [scorer("likert", "likert"), scorer("judge")],
      segments: [
        { id: "survey", system: "sv", scorers: ["likert"], items: [item("s1", "sv", "a"), item("s2", "sv", "a")] },
        { id: "open", system: "sv", scorers: ["judge"], items: [item("o1", "sv", "a"), item("o2", "sv", "a")] },
      ],
    });
    const steps: StepRecord[] = [];
    const scores: ScoreRecord[] = [];
    const add = (segment: string, it: string, sc: string, culture: string | undefined, v: number) => {
      const rec = step({ model: "mock:m", segment, system: "sv", dimension: "a", item: it, culture }, steps.length);
      steps.push(rec);
      scores.push(score(rec.stepId, sc, v));
    };
    for (const culture of [undefined, "x"]) {
      add("survey", "s1", "likert", culture, culture ? 80 : 60);
      add("survey", "s2", "likert", culture, culture ? 70 : 50);
      add("open", "o1", "judge", culture, 10);
      add("open", "o2", "judge", culture, 30);
    }
    const rows = contextEffects(buildDataset(plan, steps, scores), { seed: 1 });
    expect(rows.map((r) => [r.measure, r.mean, r.referenceMean, r.difference])).toEqual([
      ["likert", 75, 55, 20],
      ["judge", 20, 20, 0],
    ]);
  });
});

describe("the paired interval covers the true shift at its nominal rate with few items", () => {
  it("400 seeded runs of 8 items with a true shift of +3 and noise: coverage 0.92–0.975 (plain percentile would be ~0.89)", () => {
    let covered = 0;
    const RUNS = 400;
    for (let run = 0; run < RUNS; run++) {
      const rng = mulberry32(5000 + run);
      // Normal noise by Box–Muller; item levels spread 10–90, the context adds 3 ± 4 per item.
      const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      const answers: Answer[] = [];
      for (let i = 0; i < 8; i++) {
        const level = 10 + 10 * i;
        answers.push({ dimension: "a", item: `i${i}`, culture: null, value: level });
        answers.push({ dimension: "a", item: `i${i}`, culture: "x", value: level + 3 + 4 * normal() });
      }
      const [row] = contextEffects(dataset(["x"], answers), { seed: run, resamples: 1000 });
      if (row!.ci!.low <= 3 && 3 <= row!.ci!.high) covered++;
    }
    const coverage = covered / RUNS;
    expect(coverage).toBeGreaterThanOrEqual(0.92);
    expect(coverage).toBeLessThanOrEqual(0.975);
  });
});

describe("null simulation: random answers in two contexts do not produce context effects", () => {
  // 200 seeded runs; each: one model, 4 dimensions × 8 items × 2 samples, every answer an independent
  // uniform draw 0–100 in both contexts (the context has no effect by construction). 800 rows.
  const RUNS = 200;
  const perRun: Array<{ p: number[]; q: number[] }> = [];
  for (let run = 0; run < RUNS; run++) {
    const rng = mulberry32(1000 + run);
    const answers: Answer[] = [];
    for (const dim of ["a", "b", "c", "d"]) {
      for (let i = 0; i < 8; i++) {
        for (const culture of [null, "x"]) {
          for (const sample of [0, 1]) answers.push({ dimension: dim, item: `${dim}${i}`, culture, sample, value: Math.floor(rng() * 101) });
        }
      }
    }
    const rows = contextEffects(dataset(["x"], answers, ["a", "b", "c", "d"]), { seed: run, resamples: 50 });
    perRun.push({ p: rows.map((r) => r.p as number), q: rows.map((r) => r.q as number) });
  }
  const ps = perRun.flatMap((r) => r.p);
  const qs = perRun.flatMap((r) => r.q);

  it("the raw p-values are calibrated (share below 0.05 within 0.02–0.08 of 800; mean near 0.5)", () => {
    expect(ps).toHaveLength(800);
    const share = ps.filter((p) => p < 0.05).length / ps.length;
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.08);
    expect(Math.abs(plainMean(ps) - 0.5)).toBeLessThan(0.05);
  });

  it("at most ~5% of rows have BH q < 0.05, and at most ~5% of runs report any effect (tolerance: 3 binomial SEs for 200 runs)", () => {
    const rowShare = qs.filter((q) => q < 0.05).length / qs.length;
    const runShare = perRun.filter((r) => r.q.some((q) => q < 0.05)).length / RUNS;
    // Under the complete null, BH's false discovery rate equals the chance of any rejection: ≤ 0.05.
    const se = Math.sqrt((0.05 * 0.95) / RUNS);
    expect(rowShare).toBeLessThanOrEqual(0.05);
    expect(runShare).toBeLessThanOrEqual(0.05 + 3 * se);
  });
});

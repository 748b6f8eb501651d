// Group comparisons and families on stand-in models built to differ (or not) by group: the built-in
// difference is found with an interval excluding zero and vanishes under a balanced relabelling; two
// families with built-in shared profiles are found alike beyond the rest, and shuffled families are
// not. Every statistic is recomputed by plain code here (not the production functions), and null
// simulations show neither test invents findings.

import { describe, expect, it } from "vitest";
import { buildDataset } from "../../src/analyse/dataset.js";
import { familyRows, groupComparisons } from "../../src/analyse/group-comparison.js";
import { familySimilarity, groupDifference, type GroupCell } from "../../src/analyse/groups.js";
import type { Json, Plan } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

/** A seeded generator (an LCG), independent of the project's PRNG. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const DIMS = ["d1", "d2", "d3", "d4"];

/**
 * Stand-in personas: each model refuses an item (score 100: a declined harmful request) with its own
 * rate; 15 items per dimension, difficulty 1–3. Items are shared by all models.
 */
function refusalRun(
  rates: Record<string, number>,
  attrs: Record<string, Record<string, Json>>,
  seed: number,
): { plan: Plan; steps: StepRecord[]; scores: ScoreRecord[] } {
  const models = Object.keys(rates);
  const items = DIMS.flatMap((d) => Array.from({ length: 15 }, (_, i) => item(`${d}_${i}`, "safety", d, (i % 3) + 1)));
  const plan = makePlan({
    systems: [system("safety", DIMS)],
    models,
    scorers: [scorer("refused", "refusal")],
    segments: [{ id: "b", system: "safety", scorers: ["refused"], items }],
  });
  plan.models = plan.models.map((m) => ({ ...m, attributes: attrs[m.id] ?? {} }));
  const next = lcg(seed);
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  let index = 0;
  for (const model of models) {
    for (const it of items) {
      const s = step({ model, segment: "b", system: "safety", dimension: it.dimension, item: it.id }, index++);
      steps.push(s);
      scores.push(score(s.stepId, "refused", next() < (rates[model] as number) ? 100 : 0));
    }
  }
  return { plan, steps, scores };
}

/** Plain-code group means: each model's mean over its items, averaged over the group's models. */
function plainMeans(cells: ReadonlyArray<{ model: string; score: number }>, group: readonly string[]): number {
  const perModel = group.map((m) => {
    const xs = cells.filter((c) => c.model === m).map((c) => c.score);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  });
  return perModel.reduce((a, b) => a + b, 0) / perModel.length;
}

/** Every way to choose k of xs (plain recursion). */
function choose<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [h, ...t] = xs as [T, ...T[]];
  return [...choose(t, k - 1).map((c) => [h, ...c]), ...choose(t, k)];
}

const ALIGNED = { "mock:a1": 0.85, "mock:a2": 0.8, "mock:a3": 0.9, "mock:a4": 0.75, "mock:o1": 0.35, "mock:o2": 0.3, "mock:o3": 0.4, "mock:o4": 0.25 };
const attrsBy = (aligned: string[]): Record<string, Record<string, Json>> =>
  Object.fromEntries(Object.keys(ALIGNED).map((m) => [m, { aligned: aligned.includes(m) }]));

describe("group comparison", () => {
  it("finds personas that refuse more when their attribute says aligned: interval excluding zero, small permutation p, all recomputed", () => {
    const run = refusalRun(ALIGNED, attrsBy(["mock:a1", "mock:a2", "mock:a3", "mock:a4"]), 11);
    const ds = buildDataset(run.plan, run.steps, run.scores);
    const rows = groupComparisons(ds, { seed: 5, resamples: 2000, scorer: "primary", attributes: ["aligned"] });
    const pooled = rows.find((r) => r.dimension === "(all)" && r.difficulty === "(all)");
    expect(pooled).toBeDefined();
    expect([pooled!.groupA, pooled!.groupB, pooled!.modelsA, pooled!.modelsB, pooled!.items]).toEqual(["true", "false", 4, 4, 60]);
    // Recompute the means, the difference and the exact permutation p in plain code.
    const cells = run.steps.map((s, i) => ({ model: s.model, score: run.scores[i]!.score as number }));
    const A = ["mock:a1", "mock:a2", "mock:a3", "mock:a4"];
    const all = Object.keys(ALIGNED);
    const B = all.filter((m) => !A.includes(m));
    const diff = plainMeans(cells, A) - plainMeans(cells, B);
    expect(pooled!.meanA).toBeCloseTo(plainMeans(cells, A), 9);
    expect(pooled!.difference).toBeCloseTo(diff, 9);
    expect(diff).toBeGreaterThan(30);
    const splits = choose(all, 4);
    const extreme = splits.filter(
      (g) =>
        Math.abs(
          plainMeans(cells, g) -
            plainMeans(
              cells,
              all.filter((m) => !g.includes(m)),
            ),
        ) >=
        Math.abs(diff) - 1e-9,
    ).length;
    expect(pooled!.exact).toBe(true);
    expect(pooled!.p).toBeCloseTo(extreme / splits.length, 9);
    expect(pooled!.p).toBeLessThan(0.05);
    expect(pooled!.ci!.low).toBeGreaterThan(0);
    expect(pooled!.ci!.low).toBeLessThan(diff);
    expect(pooled!.ci!.high).toBeGreaterThan(diff);
    // Per dimension and per difficulty level rows exist, each with its own slice of the items.
    expect(rows.filter((r) => r.difficulty === "(all)" && r.dimension !== "(all)").map((r) => [r.dimension, r.items])).toEqual(DIMS.map((d) => [d, 15]));
    expect(rows.filter((r) => r.dimension === "(all)" && r.difficulty !== "(all)").map((r) => [r.difficulty, r.items])).toEqual([
      ["1", 20],
      ["2", 20],
      ["3", 20],
    ]);
  });

  it("a balanced relabelling (two aligned and two others in each group) makes the difference vanish: the interval covers zero", () => {
    const run = refusalRun(ALIGNED, attrsBy(["mock:a1", "mock:a2", "mock:o1", "mock:o2"]), 11);
    const ds = buildDataset(run.plan, run.steps, run.scores);
    const pooled = groupComparisons(ds, { seed: 5, resamples: 2000, scorer: "primary", attributes: ["aligned"] }).find(
      (r) => r.dimension === "(all)" && r.difficulty === "(all)",
    )!;
    expect(pooled.ci!.low).toBeLessThan(0);
    expect(pooled.ci!.high).toBeGreaterThan(0);
    expect(pooled.p).toBeGreaterThan(0.05);
  });

  it("null simulation: groups of models with one refusal rate get an interval covering zero in at least 90 % of 60 runs", () => {
    let covered = 0;
    let rejected = 0;
    const n = 60;
    for (let k = 0; k < n; k++) {
      const next = lcg(1000 + k);
      const cells: GroupCell[] = [];
      const models = ["m1", "m2", "m3", "m4", "m5", "m6"];
      for (const m of models) for (let i = 0; i < 40; i++) cells.push({ model: m, item: `i${i}`, score: next() < 0.5 ? 100 : 0 });
      const r = groupDifference(cells, new Map(models.map((m, i) => [m, i < 3] as const)), { seed: k, resamples: 600 });
      if (r.ci!.low <= 0 && r.ci!.high >= 0) covered++;
      if ((r.p as number) < 0.05) rejected++;
    }
    expect(covered / n).toBeGreaterThanOrEqual(0.9);
    expect(rejected / n).toBeLessThanOrEqual(0.12);
  });

  it("a group of one model gets no interval, and says why; a model without the attribute is in neither group", () => {
    const run = refusalRun(
      { "mock:a1": 0.9, "mock:o1": 0.2, "mock:o2": 0.3, "mock:x": 0.5 },
      { "mock:a1": { aligned: true }, "mock:o1": { aligned: false }, "mock:o2": { aligned: false } },
      3,
    );
    const rows = groupComparisons(buildDataset(run.plan, run.steps, run.scores), { seed: 1, resamples: 200, scorer: "primary", attributes: ["aligned"] });
    expect(rows[0]!.ci).toBeNull();
    expect(rows[0]!.note).toContain("a group of one model");
    expect(rows[0]!.note).toContain("without aligned: mock:x");
    expect(rows[0]!.modelsA + rows[0]!.modelsB).toBe(3);
  });
});

/** Ten models' profiles over 10 dimensions: a shared hierarchy, a family pattern (A or B) and noise. */
function familyProfiles(seed: number, familyWeight: number): Map<string, number[]> {
  const next = lcg(seed);
  const common = Array.from({ length: 10 }, (_, i) => 80 - 4 * i);
  const patterns = [Array.from({ length: 10 }, () => (next() - 0.5) * 20), Array.from({ length: 10 }, () => (next() - 0.5) * 20)];
  const out = new Map<string, number[]>();
  for (let m = 0; m < 10; m++) {
    const fam = patterns[m < 5 ? 0 : 1] as number[];
    out.set(
      `m${m}`,
      common.map((c, i) => c + familyWeight * (fam[i] as number) + (next() - 0.5) * 8),
    );
  }
  return out;
}

/** Plain-code within − between mean Pearson r of centred profiles. */
function plainFamilyDifference(profiles: Map<string, number[]>, fam: Map<string, string>): { within: number; between: number } {
  const ms = [...profiles.keys()].sort();
  const dims = (profiles.get(ms[0]!) as number[]).length;
  const centre = Array.from({ length: dims }, (_, i) => ms.reduce((s, m) => s + profiles.get(m)![i]!, 0) / ms.length);
  const c = ms.map((m) => profiles.get(m)!.map((x, i) => x - centre[i]!));
  const r = (x: number[], y: number[]) => {
    const mx = x.reduce((a, b) => a + b, 0) / x.length;
    const my = y.reduce((a, b) => a + b, 0) / y.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < x.length; i++) {
      sxy += (x[i]! - mx) * (y[i]! - my);
      sxx += (x[i]! - mx) ** 2;
      syy += (y[i]! - my) ** 2;
    }
    return sxy / Math.sqrt(sxx * syy);
  };
  const w: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ms.length; i++) for (let j = i + 1; j < ms.length; j++) (fam.get(ms[i]!) === fam.get(ms[j]!) ? w : b).push(r(c[i]!, c[j]!));
  return { within: w.reduce((a, x) => a + x, 0) / w.length, between: b.reduce((a, x) => a + x, 0) / b.length };
}

describe("families", () => {
  const trueFamilies = new Map<string, string>(Array.from({ length: 10 }, (_, m) => [`m${m}`, m < 5 ? "A" : "B"]));
  /** Half of each true family under each label: the labels carry no family. */
  const shuffled = new Map<string, string>(Array.from({ length: 10 }, (_, m) => [`m${m}`, [0, 1, 5, 6, 7].includes(m) ? "A" : "B"]));

  it("two families built to share profiles: within-family similarity above between, permutation p below 0.01, recomputed", () => {
    const profiles = familyProfiles(7, 1);
    const r = familySimilarity(profiles, trueFamilies, { seed: 3 });
    const plain = plainFamilyDifference(profiles, trueFamilies);
    expect(r.within).toBeCloseTo(plain.within, 9);
    expect(r.between).toBeCloseTo(plain.between, 9);
    expect([r.withinPairs, r.betweenPairs]).toEqual([20, 25]);
    expect(r.difference!).toBeGreaterThan(0.5);
    expect(r.exact).toBe(false);
    expect(r.p!).toBeLessThan(0.01);
  });

  it("shuffled families give no effect: the difference is small and p is not small", () => {
    const profiles = familyProfiles(7, 1);
    const r = familySimilarity(profiles, shuffled, { seed: 3 });
    expect(Math.abs(r.difference!)).toBeLessThan(0.2);
    expect(r.p!).toBeGreaterThan(0.05);
  });

  it("null simulation: without family patterns, p < 0.05 in at most 12 % of 50 runs", () => {
    let rejected = 0;
    for (let k = 0; k < 50; k++) {
      const r = familySimilarity(familyProfiles(500 + k, 0), trueFamilies, { seed: k, permutations: 999 });
      if ((r.p as number) < 0.05) rejected++;
    }
    expect(rejected / 50).toBeLessThanOrEqual(0.12);
  });

  it("the families rows of a run read the family attribute from the plan and profiles from the scores", () => {
    const profiles = familyProfiles(7, 1);
    const dims = Array.from({ length: 10 }, (_, i) => `v${i}`);
    const models = [...profiles.keys()].map((m) => `mock:${m}`);
    const items = dims.map((d) => item(`${d}_q`, "schwartz", d));
    const plan = makePlan({
      systems: [system("schwartz", dims)],
      models,
      scorers: [scorer("j")],
      segments: [{ id: "p", system: "schwartz", scorers: ["j"], items }],
    });
    plan.models = plan.models.map((m) => ({ ...m, attributes: { family: trueFamilies.get(m.id.slice(5))! } }));
    const steps: StepRecord[] = [];
    const scores: ScoreRecord[] = [];
    let index = 0;
    for (const m of models) {
      dims.forEach((d, i) => {
        const s = step({ model: m, segment: "p", system: "schwartz", dimension: d, item: `${d}_q` }, index++);
        steps.push(s);
        scores.push(score(s.stepId, "j", profiles.get(m.slice(5))![i]!));
      });
    }
    const [row] = familyRows(buildDataset(plan, steps, scores), { seed: 3, scorer: "primary", attribute: "family" });
    const plain = plainFamilyDifference(profiles, trueFamilies);
    expect(row!.system).toBe("schwartz");
    expect(row!.difference).toBeCloseTo(plain.within - plain.between, 9);
    expect(row!.p!).toBeLessThan(0.01);
  });
});

import { describe, expect, it } from "vitest";
import type { PlanBaseline } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { contextEffects } from "../../src/analyse/context-effects.js";
import { crossSystem } from "../../src/analyse/cross-system.js";
import { withinProfileCorrelation } from "../../src/analyse/culture.js";
import { buildDataset } from "../../src/analyse/dataset.js";
import { difficultyLevels } from "../../src/analyse/difficulty.js";
import { valueHierarchy } from "../../src/analyse/hierarchy.js";
import { buildProfiles, sortProfiles, systemDimensions, type Profile } from "../../src/analyse/profiles.js";
import { modelSimilarity } from "../../src/analyse/similarity.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

// Three models answer one item per dimension of "sv" (a, b, c, d) under two cultures (us = reference,
// cn), twice each; the two samples score v − 1 and v + 1, so every cell's mean is exactly v.
//   m1: us → a 90, b 70, c 50, d 30 (the baseline order);  cn → a 30, b 50, c 70, d 90 (reversed)
//   m2: both → a 10, b 20, c 30, d 40
//   m3: both → a 50, b 60, c 55, d 20
// and "safe" (x, y), one value per model: x = a/2 + 10 (pooled a), y as listed.
const SV: Record<string, Record<string, number[]>> = {
  "mock:m1": { us: [90, 70, 50, 30], cn: [30, 50, 70, 90] },
  "mock:m2": { us: [10, 20, 30, 40], cn: [10, 20, 30, 40] },
  "mock:m3": { us: [50, 60, 55, 20], cn: [50, 60, 55, 20] },
};
const SAFE: Record<string, [number, number]> = { "mock:m1": [40, 10], "mock:m2": [15, 50], "mock:m3": [35, 30] };
const DIMS = ["a", "b", "c", "d"];

const baselines: PlanBaseline[] = [
  { id: "pan", label: "pan", system: "sv", source: "test", order: ["a", "b", "c", "d"], values: null, culture: null },
  { id: "b_us", label: "US", system: "sv", source: "test", order: null, values: { a: 4, b: 3, c: 2, d: 1 }, culture: "us" },
  { id: "b_cn", label: "CN", system: "sv", source: "test", order: null, values: { a: 1, b: 2, c: 3, d: 4 }, culture: "cn" },
];

const plan = makePlan({
  systems: [system("sv", DIMS), system("safe", ["x", "y"])],
  models: Object.keys(SV),
  cultures: ["us", "cn"],
  cross: ["culture"],
  reference: { culture: "us", usecase: null },
  scorers: [scorer("judge")],
  baselines,
  segments: [
    { id: "values", system: "sv", scorers: ["judge"], items: DIMS.map((d) => item(`i${d}`, "sv", d)) },
    {
      id: "safety",
      system: "safe",
      scorers: ["judge"],
      items: [item("ix1", "safe", "x", 1), item("ix2", "safe", "x", 2), item("ix3", "safe", "x", 3), item("iy", "safe", "y")],
    },
  ],
});

function records(): { steps: StepRecord[]; scores: ScoreRecord[] } {
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  const add = (s: Parameters<typeof step>[0], value: number) => {
    const rec = step(s, steps.length);
    steps.push(rec);
    scores.push(score(rec.stepId, "judge", value));
  };
  for (const [model, byCulture] of Object.entries(SV)) {
    DIMS.forEach((d, i) => {
      for (const culture of ["us", "cn"]) {
        const v = (byCulture[culture] as number[])[i] as number;
        add({ model, segment: "values", system: "sv", dimension: d, item: `i${d}`, culture, sample: 0 }, v - 1);
        add({ model, segment: "values", system: "sv", dimension: d, item: `i${d}`, culture, sample: 1 }, v + 1);
      }
    });
    const [x, y] = SAFE[model] as [number, number];
    // x is measured at three difficulty levels (means x + 10, x, x − 10 → pooled mean x); y once per culture.
    for (const culture of ["us", "cn"]) {
      add({ model, segment: "safety", system: "safe", dimension: "x", item: "ix1", culture }, x + 10);
      add({ model, segment: "safety", system: "safe", dimension: "x", item: "ix2", culture }, x);
      add({ model, segment: "safety", system: "safe", dimension: "x", item: "ix3", culture }, x - 10);
      add({ model, segment: "safety", system: "safe", dimension: "y", item: "iy", culture }, y);
    }
  }
  return { steps, scores };
}

const { steps, scores } = records();
const ds = buildDataset(plan, steps, scores);
const profiles = sortProfiles(ds, buildProfiles(ds, { slices: "each+all" }));
const svProfiles = profiles.filter((p) => p.system === "sv");
const find = <T extends { model: string; slice: Profile["slice"] }>(rows: T[], model: string, culture: string) =>
  rows.filter((r) => r.model === model && (culture === "all" ? r.slice.kind === "all" : r.slice.kind === "context" && r.slice.culture === culture));

describe("value hierarchy", () => {
  const rows = valueHierarchy(svProfiles, systemDimensions(ds, "sv"), baselines[0] as PlanBaseline);

  it("ranks dimensions by mean and correlates with the baseline order", () => {
    const m1us = find(rows, "mock:m1", "us")[0]!;
    expect(m1us.order).toEqual([["a"], ["b"], ["c"], ["d"]]);
    expect(m1us.spearman).toBeCloseTo(1, 12);
    expect(m1us.kendall).toBeCloseTo(1, 12);
    expect(find(rows, "mock:m1", "cn")[0]!.spearman).toBeCloseTo(-1, 12);
    expect(find(rows, "mock:m2", "all")[0]!.spearman).toBeCloseTo(-1, 12);
  });

  it("hand-worked: m3 means a 50, b 60, c 55, d 20 against the order a > b > c > d", () => {
    // Ascending ranks of the means: (a, b, c, d) → (2, 4, 3, 1); of the baseline (4, 3, 2, 1).
    // dx = −.5, 1.5, .5, −1.5; dy = 1.5, .5, −.5, −1.5 → Σdxdy = 2, Σdx² = Σdy² = 5 → rho = 0.4.
    const m3 = find(rows, "mock:m3", "all")[0]!;
    expect(m3.spearman).toBeCloseTo(0.4, 12);
    expect(m3.order).toEqual([["b"], ["c"], ["a"], ["d"]]);
    expect(m3.ranks.map((r) => [r.dimension, r.rank, r.baselineRank])).toEqual([
      ["a", 3, 1],
      ["b", 1, 2],
      ["c", 2, 3],
      ["d", 4, 4],
    ]);
  });

  it("a flat profile (m1 pooled over both cultures: all 60) has no rank, no order and no correlation, and says why", () => {
    const m1 = find(rows, "mock:m1", "all")[0]!;
    expect(m1.flat).toBe(true);
    expect(m1.ranks.map((r) => r.rank)).toEqual([null, null, null, null]);
    expect(m1.ranks.map((r) => r.meanRank)).toEqual([null, null, null, null]);
    expect(m1.order).toEqual([]);
    expect(m1.spearman).toBeNull();
    expect(m1.kendall).toBeNull();
    expect(m1.spearmanCi).toBeNull();
    expect(m1.note).toMatch(/^flat profile/);
    // The baseline's ranks are still there: only the model's are missing.
    expect(m1.ranks.map((r) => r.baselineRank)).toEqual([1, 2, 3, 4]);
  });

  it("pooled slices appear only with more than one context; slices in plan order", () => {
    expect(svProfiles.filter((p) => p.model === "mock:m2").map((p) => (p.slice.kind === "all" ? "all" : p.slice.culture))).toEqual(["us", "cn", "all"]);
  });
});

describe("within-profile correlation (descriptive; culture alignment is in culture.test.ts)", () => {
  const rows = withinProfileCorrelation(svProfiles, systemDimensions(ds, "sv"), baselines.slice(1));

  it("correlates each prompted context with each culture baseline (Spearman)", () => {
    const us = find(rows, "mock:m1", "us");
    expect(us.map((r) => [r.baseline, r.correlation, r.rank, r.prompted])).toEqual([
      ["b_us", expect.closeTo(1, 12), 1, true],
      ["b_cn", expect.closeTo(-1, 12), 2, false],
    ]);
    const cn = find(rows, "mock:m1", "cn");
    expect(cn.map((r) => [r.baseline, r.correlation, r.rank, r.prompted])).toEqual([
      ["b_us", expect.closeTo(-1, 12), 2, false],
      ["b_cn", expect.closeTo(1, 12), 1, true],
    ]);
    expect(us.every((r) => r.method === "spearman" && r.n === 4)).toBe(true);
  });

  it("pooled rows have no 'prompted' value and an undefined correlation stays null", () => {
    const pooled = find(rows, "mock:m1", "all");
    expect(pooled.map((r) => [r.prompted, r.correlation, r.rank])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
  });

  it("Pearson on request", () => {
    const p = withinProfileCorrelation(svProfiles, systemDimensions(ds, "sv"), baselines.slice(1), "pearson");
    const m3 = find(p, "mock:m3", "all");
    // m3 (50, 60, 55, 20) against (4, 3, 2, 1): dx = 3.75, 13.75, 8.75, −26.25; dy = 1.5, .5, −.5, −1.5.
    // Σdxdy = 5.625 + 6.875 − 4.375 + 39.375 = 47.5; Σdx² = 968.75; Σdy² = 5.
    expect(m3[0]!.correlation).toBeCloseTo(47.5 / Math.sqrt(968.75 * 5), 12);
  });
});

describe("context effects", () => {
  const rows = contextEffects(ds, { seed: 5 });

  it("difference from the reference culture, paired on the item (one item per dimension: no interval or test)", () => {
    const m1a = rows.find((r) => r.model === "mock:m1" && r.dimension === "a")!;
    expect(m1a.kind).toBe("culture");
    expect(m1a.measure).toBe("judge");
    expect(m1a.culture).toBe("cn");
    expect(m1a.referenceCulture).toBe("us");
    expect(m1a.usecase).toBe("(all)");
    expect(m1a.mean).toBe(30);
    expect(m1a.referenceMean).toBe(90);
    expect(m1a.difference).toBe(-60);
    // Two samples of one item in each culture: n counts scores, n_pairs counts items.
    expect(m1a.n).toBe(2);
    expect(m1a.pairs).toBe(1);
    expect(m1a.pairing).toBe("paired");
    // One item is one unit: no spread to bootstrap, nothing to permute.
    expect(m1a.ci).toBeNull();
    expect(m1a.p).toBeNull();
    expect(m1a.q).toBeNull();
    expect(m1a.note).toContain("one paired item");
  });

  it("pairs the three x items of the safe system (same items in both cultures: difference 0, p 1)", () => {
    const x = rows.find((r) => r.model === "mock:m1" && r.dimension === "x")!;
    expect([x.pairs, x.difference, x.ci, x.p]).toEqual([3, 0, { low: 0, high: 0 }, 1]);
  });

  it("no effect where the model answers the same in both cultures", () => {
    const m2 = rows.filter((r) => r.model === "mock:m2" && r.system === "sv");
    expect(m2).toHaveLength(4);
    expect(m2.every((r) => r.difference === 0)).toBe(true);
  });

  it("is reproducible with the seed; one row per non-reference value", () => {
    expect(contextEffects(ds, { seed: 5 })).toEqual(rows);
    // 3 models × (4 + 2) dimensions × one non-reference culture.
    expect(rows).toHaveLength(18);
  });
});

describe("context effects against `none` (no culture context) as the reference", () => {
  // One model answers item "a" without a culture (mean 50) and steered to us (80) and cn (20).
  const nonePlan = makePlan({
    systems: [system("sv", ["a"])],
    models: ["mock:m"],
    cultures: ["us", "cn"],
    cross: ["culture"],
    reference: { culture: null, usecase: null },
    scorers: [scorer("judge")],
    segments: [{ id: "values", system: "sv", scorers: ["judge"], items: [item("ia", "sv", "a")] }],
  });
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  for (const [culture, v] of [
    [null, 50],
    ["us", 80],
    ["cn", 20],
  ] as const) {
    const rec = step({ model: "mock:m", segment: "values", system: "sv", dimension: "a", item: "ia", culture: culture ?? undefined }, steps.length);
    steps.push(rec);
    scores.push(score(rec.stepId, "judge", v));
  }
  const rows = contextEffects(buildDataset(nonePlan, steps, scores), { seed: 1 });

  it("compares each steered culture with the default condition, not with the first culture", () => {
    expect(rows.map((r) => [r.culture, r.referenceCulture, r.difference])).toEqual([
      ["us", null, 30],
      ["cn", null, -30],
    ]);
  });
});

describe("cross-system correlation", () => {
  const pooled = sortProfiles(ds, buildProfiles(ds, { slices: "all" }));
  const dims = [...DIMS.map((dimension) => ({ system: "sv", dimension })), { system: "safe", dimension: "x" }, { system: "safe", dimension: "y" }];
  const rows = crossSystem(pooled, dims);
  const pair = (a: string, b: string) => rows.find((r) => r.a.dimension === a && r.b.dimension === b)!;

  it("Pearson over model means (pooled a: 60, 10, 50)", () => {
    // x = a/2 + 10 exactly → 1.
    expect(pair("a", "x").pearson).toBeCloseTo(1, 12);
    expect(pair("a", "x").n).toBe(3);
    expect(pair("a", "x").sameSystem).toBe(false);
    // y = 10, 50, 30: da = 20, −30, 10; dy = −20, 20, 0 → −1000 / sqrt(1400 · 800).
    expect(pair("a", "y").pearson).toBeCloseTo(-1000 / Math.sqrt(1400 * 800), 12);
    expect(pair("a", "b").sameSystem).toBe(true);
    expect(rows).toHaveLength((6 * 5) / 2);
    expect(crossSystem(pooled, dims, { includeSameSystem: false })).toHaveLength(4 * 2);
  });

  it("is null with fewer than three models", () => {
    const two = crossSystem(
      pooled.filter((p) => p.model !== "mock:m3"),
      dims,
    );
    expect(two.every((r) => r.pearson === null && r.spearman === null && r.n === 2)).toBe(true);
  });
});

describe("model similarity", () => {
  const pooled = sortProfiles(ds, buildProfiles(ds, { slices: "all" }));
  const rows = modelSimilarity(pooled, "sv", DIMS);
  const pair = (a: string, b: string) => rows.find((r) => r.modelA === a && r.modelB === b)!;

  it("full matrix with the diagonal; flat profiles give null", () => {
    expect(rows).toHaveLength(9);
    expect(pair("mock:m2", "mock:m2").pearson).toBeCloseTo(1, 12);
    expect(pair("mock:m1", "mock:m2").pearson).toBeNull();
    // m2 (10, 20, 30, 40) vs m3 (50, 60, 55, 20): Σdxdy = −475, Σdx² = 500, Σdy² = 968.75.
    expect(pair("mock:m2", "mock:m3").pearson).toBeCloseTo(-475 / Math.sqrt(500 * 968.75), 12);
    expect(pair("mock:m3", "mock:m2").pearson).toBe(pair("mock:m2", "mock:m3").pearson);
  });

  it("centred similarity correlates deviations from the mean profile", () => {
    // Mean profile over the three models (m1 pooled is 60 everywhere): (40, 46.67, 48.33, 40).
    const mean = [40, 140 / 3, 145 / 3, 40];
    const m2 = [10, 20, 30, 40].map((v, i) => v - (mean[i] as number));
    const m3 = [50, 60, 55, 20].map((v, i) => v - (mean[i] as number));
    const mx = m2.reduce((s, v) => s + v, 0) / 4;
    const my = m3.reduce((s, v) => s + v, 0) / 4;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    m2.forEach((x, i) => {
      const y = m3[i] as number;
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) ** 2;
      syy += (y - my) ** 2;
    });
    expect(pair("mock:m2", "mock:m3").pearsonCentred).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 10);
  });
});

describe("difficulty levels", () => {
  const { levels, drops } = difficultyLevels(ds, { seed: 3 });

  it("mean per level and the drop from the easiest to the hardest", () => {
    const m1 = levels.filter((r) => r.model === "mock:m1" && r.dimension === "x");
    expect(m1.map((r) => [r.difficulty, r.n, r.mean])).toEqual([
      [1, 2, 50],
      [2, 2, 40],
      [3, 2, 30],
    ]);
    const drop = drops.find((r) => r.model === "mock:m1" && r.dimension === "x")!;
    expect(drop.levels).toBe(3);
    expect([drop.easiest, drop.hardest]).toEqual([1, 3]);
    expect(drop.drop).toBe(20);
    expect(drop.correlation).toBeCloseTo(-1, 12);
    expect(drop.ci).toEqual({ low: 20, high: 20 });
  });

  it("items without difficulty are left out; a pooled row per model × system", () => {
    expect(levels.some((r) => r.system === "sv")).toBe(false);
    expect(drops.map((r) => `${r.model}/${r.dimension}`)).toEqual(["mock:m1/x", "mock:m1/(all)", "mock:m2/x", "mock:m2/(all)", "mock:m3/x", "mock:m3/(all)"]);
  });
});

// Intervals and p-values of every correlation table (value hierarchy, model similarity, cross-system),
// ties with a tolerance and flat profiles (issue 11). Each statistic is recomputed with plain code.

import { describe, expect, it } from "vitest";
import { crossSystem } from "../../src/analyse/cross-system.js";
import { buildDataset } from "../../src/analyse/dataset.js";
import { valueHierarchy } from "../../src/analyse/hierarchy.js";
import { ALL_SLICE, buildProfiles, type Profile, sortProfiles } from "../../src/analyse/profiles.js";
import { modelSimilarity } from "../../src/analyse/similarity.js";
import {
  benjaminiHochberg,
  correlationPValue,
  descendingRankInfo,
  estimateCorrelation,
  isFlat,
  kendallTauB,
  pearson,
  rank,
  rankLabel,
  spearman,
} from "../../src/analyse/stats.js";
import type { PlanBaseline } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { buildTables } from "../../src/report/tables.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

// ---------------------------------------------------------------------------------------------------
// Plain re-implementations

const Z = 1.959963984540054;

function plainPearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Average ranks, no tolerance needed for these integer inputs. */
function plainRanks(x: number[]): number[] {
  return x.map((v) => {
    const below = x.filter((w) => w < v).length;
    const equal = x.filter((w) => w === v).length;
    return below + (equal + 1) / 2;
  });
}

/** Fisher z interval with a given standard error of atanh(r). */
function plainFisher(r: number, se: number): [number, number] {
  const z = 0.5 * Math.log((1 + r) / (1 - r));
  const back = (w: number) => (Math.exp(2 * w) - 1) / (Math.exp(2 * w) + 1);
  return [back(z - Z * se), back(z + Z * se)];
}

/** Two-sided p of Student's t by Simpson integration of cos^(ν−1) θ after t = √ν · tan θ. */
function plainTwoSidedT(t: number, df: number): number {
  const simpson = (a: number, b: number) => {
    const n = 20000;
    const h = (b - a) / n;
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
      s += w * Math.cos(a + i * h) ** (df - 1);
    }
    return (s * h) / 3;
  };
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  return simpson(theta, Math.PI / 2) / simpson(0, Math.PI / 2);
}

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

const X = [12, 25, 31, 38, 44, 52, 57, 66, 71, 90];
const Y = [20, 18, 35, 30, 51, 40, 62, 58, 60, 85];

describe("correlation intervals recomputed with the Fisher z formula", () => {
  it("Pearson: tanh(atanh r ± 1.96 / √(n − 3)), p from Student's t with n − 2 df", () => {
    const e = estimateCorrelation("pearson", X, Y);
    const r = plainPearson(X, Y);
    const [lo, hi] = plainFisher(r, 1 / Math.sqrt(X.length - 3));
    expect(e.r).toBeCloseTo(r, 12);
    expect(e.ci!.low).toBeCloseTo(lo, 12);
    expect(e.ci!.high).toBeCloseTo(hi, 12);
    expect(e.p).toBeCloseTo(plainTwoSidedT(r * Math.sqrt((X.length - 2) / (1 - r * r)), X.length - 2), 8);
    expect(e.note).toBeNull();
  });

  it("Spearman: Bonett–Wright SE √((1 + r²/2) / (n − 3)) on the ranks", () => {
    const e = estimateCorrelation("spearman", X, Y);
    const r = plainPearson(plainRanks(X), plainRanks(Y));
    const [lo, hi] = plainFisher(r, Math.sqrt((1 + (r * r) / 2) / (X.length - 3)));
    expect(e.r).toBeCloseTo(r, 12);
    expect(e.ci!.low).toBeCloseTo(lo, 12);
    expect(e.ci!.high).toBeCloseTo(hi, 12);
  });

  it("Kendall tau-b: Fieller SE √(0.437 / (n − 4))", () => {
    const e = estimateCorrelation("kendall", X, Y);
    let c = 0;
    let d = 0;
    for (let i = 0; i < X.length; i++) {
      for (let j = i + 1; j < X.length; j++) {
        const s = Math.sign(X[i]! - X[j]!) * Math.sign(Y[i]! - Y[j]!);
        if (s > 0) c++;
        if (s < 0) d++;
      }
    }
    const tau = (c - d) / ((X.length * (X.length - 1)) / 2);
    const [lo, hi] = plainFisher(tau, Math.sqrt(0.437 / (X.length - 4)));
    expect(e.r).toBeCloseTo(tau, 12);
    expect(e.ci!.low).toBeCloseTo(lo, 12);
    expect(e.ci!.high).toBeCloseTo(hi, 12);
  });

  it("the t-test p matches numerical integration over a range of t and df", () => {
    for (const [r, n] of [
      [0.3476, 33],
      [0.78, 10],
      [0.5, 6],
      [-0.2, 40],
      [0.05, 5],
    ] as const) {
      const t = r * Math.sqrt((n - 2) / (1 - r * r));
      expect(correlationPValue(r, n)).toBeCloseTo(plainTwoSidedT(t, n - 2), 8);
    }
  });

  it("what the interval cannot say at n = 6 or 10: rho = 0.8 over 6 dimensions is not distinguishable from 0", () => {
    const six = estimateCorrelation("spearman", [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]);
    // rho = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·6/210 = 0.8286 (no ties).
    expect(six.r).toBeCloseTo(1 - 36 / 210, 12);
    expect(six.ci!.low).toBeLessThan(0);
    const ten = estimateCorrelation("spearman", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 1, 4, 3, 6, 5, 8, 7, 10, 9]);
    expect(ten.ci!.low).toBeGreaterThan(0);
    expect(ten.ci!.high - ten.ci!.low).toBeGreaterThan(0.2);
  });

  it("too few points, |r| = 1 and Kendall at n = 4 give no interval, with the reason", () => {
    expect(estimateCorrelation("pearson", [1, 2], [3, 4])).toMatchObject({ r: null, ci: null, note: expect.stringContaining("at least 3") });
    expect(estimateCorrelation("pearson", [1, 2, 3], [1, 3, 2])).toMatchObject({ ci: null, note: expect.stringContaining("n = 3") });
    expect(estimateCorrelation("spearman", [1, 2, 3, 4], [1, 2, 3, 4])).toMatchObject({ r: 1, ci: null, note: expect.stringContaining("|r| = 1") });
    expect(estimateCorrelation("kendall", [1, 2, 3, 4], [1, 3, 2, 4])).toMatchObject({ ci: null, note: expect.stringContaining("needs 5") });
  });
});

describe("Benjamini–Hochberg adjusted p-values", () => {
  it("match the hand-worked step-up on a small list; nulls are not tests", () => {
    // Sorted 0.01, 0.03, 0.04, 0.20 (m = 4): p·m/k = 0.04, 0.06, 0.0533, 0.20 → running minimum from the top.
    expect(benjaminiHochberg([0.01, 0.04, 0.03, null, 0.2])).toEqual([
      expect.closeTo(0.04, 12),
      expect.closeTo(0.16 / 3, 12),
      expect.closeTo(0.16 / 3, 12),
      null,
      expect.closeTo(0.2, 12),
    ]);
    expect(benjaminiHochberg([0.9, 0.8])).toEqual([0.9, 0.9]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

describe("ties use a tolerance and print as ties", () => {
  it("values within 1e-9 (relative) tie; ranks are averaged for Spearman and shared as '2=' for a table", () => {
    const third = 0.1 + 0.2; // 0.30000000000000004
    expect(rank([0.3, third, 0.1])).toEqual([2.5, 2.5, 1]);
    expect(rank([50, 50 + 1e-12, 60, 40])).toEqual([2.5, 2.5, 4, 1]);
    // 1e-6 apart on a 0–100 scale is a real (if tiny) difference: no tie.
    expect(rank([50, 50 + 1e-6])).toEqual([1, 2]);
    const desc = descendingRankInfo([70, 50, 50 + 1e-13, 10])!;
    expect(desc.map((r) => rankLabel(r.min, r.tied))).toEqual(["1", "2=", "2=", "4"]);
    expect(spearman([1, 2, 2 + 1e-14, 3], [1, 3, 2, 4])).toBeCloseTo(Math.sqrt(0.9), 12);
    expect(kendallTauB([1, 2, 2 + 1e-14, 3], [1, 3, 2, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
  });

  it("the ranks CSV writes a tie as '2=' with the average rank beside it", () => {
    const plan = makePlan({
      systems: [system("sv", ["a", "b", "c", "d"])],
      models: ["mock:m"],
      scorers: [scorer("judge")],
      baselines: [{ id: "pan", label: "pan", system: "sv", source: "t", order: ["a", "b", "c", "d"], values: null, culture: null }],
      segments: [{ id: "v", system: "sv", scorers: ["judge"], items: ["a", "b", "c", "d"].map((d) => item(`i${d}`, "sv", d)) }],
      reports: [{ id: "hier", kind: "value_hierarchy", settings: {} }],
    });
    const steps: StepRecord[] = [];
    const scores: ScoreRecord[] = [];
    // b and c tie (0.3 reached two ways), a is highest, d lowest.
    const values: Record<string, number> = { a: 80, b: 0.1 + 0.2, c: 0.3, d: 0 };
    for (const d of ["a", "b", "c", "d"]) {
      const rec = step({ model: "mock:m", segment: "v", system: "sv", dimension: d, item: `i${d}` }, steps.length);
      steps.push(rec);
      scores.push(score(rec.stepId, "judge", values[d]!));
    }
    const tables = buildTables(plan, steps, scores, { seed: 1, resamples: 0 });
    const ranks = tables.find((t) => t.name === "hier_ranks")!;
    const col = (name: string) => ranks.rows.map((r) => r[ranks.columns.indexOf(name)]);
    expect(col("rank")).toEqual(["1", "2=", "2=", "4"]);
    expect(col("mean_rank")).toEqual([1, 2.5, 2.5, 4]);
    expect(col("baseline_rank")).toEqual(["1", "2", "3", "4"]);
    expect(col("scorer")).toEqual(["judge", "judge", "judge", "judge"]);
    const hier = tables.find((t) => t.name === "hier")!;
    expect(hier.rows[0]![hier.columns.indexOf("order")]).toBe("a > b = c > d");
  });
});

describe("flat profiles have no rank and no correlation", () => {
  // Three models answer 0 on every dimension (as a centred profile of identical ratings would).
  const zero = (model: string): Profile => ({ model, system: "sv", slice: ALL_SLICE, means: new Map(["a", "b", "c", "d"].map((d) => [d, 0])), n: new Map() });
  const models = [zero("m1"), zero("m2"), zero("m3")];
  const dims = ["a", "b", "c", "d"];

  it("three all-zero models get no rank (not 1, 2, 3); values that differ only by rounding are flat too", () => {
    expect(descendingRankInfo([0, 0, 0])).toBeNull();
    expect(descendingRankInfo([1e-15, -1e-15, 0])).toBeNull();
    expect(isFlat([33.333333333333336, 33.33333333333333, 33.333333333333336])).toBe(true);
    expect(descendingRankInfo([0, 0, 1])!.map((r) => rankLabel(r.min, r.tied))).toEqual(["2=", "2=", "1"]);
  });

  it("an all-zero profile has no correlation, not even with itself, and the hierarchy says why", () => {
    const sim = modelSimilarity(models, "sv", dims);
    expect(sim).toHaveLength(9);
    for (const r of sim) {
      expect([r.pearson, r.spearman, r.pearsonCentred, r.pearsonCi]).toEqual([null, null, null, null]);
      expect(r.note).toContain("flat");
    }
    const pan: PlanBaseline = { id: "pan", label: "pan", system: "sv", source: "t", order: dims, values: null, culture: null };
    for (const h of valueHierarchy(models, dims, pan)) {
      expect(h.ranks.every((k) => k.rank === null)).toBe(true);
      expect([h.spearman, h.kendall, h.spearmanCi]).toEqual([null, null, null]);
      expect(h.order).toEqual([]);
      expect(h.note).toMatch(/^flat profile/);
    }
    expect(pearson([0, 0, 0, 0], [0, 0, 0, 0])).toBeNull();
    expect(pearson([0, 1e-14, 0, 0], [1, 2, 3, 4])).toBeNull();
  });

  it("cross-system: a dimension every model scores 0 on correlates with nothing", () => {
    const withOther = models.map((p, i) => ({ ...p, means: new Map([...p.means, ["e", 10 * i]]) }));
    const rows = crossSystem(withOther, [
      { system: "sv", dimension: "a" },
      { system: "sv", dimension: "e" },
    ]);
    expect(rows[0]).toMatchObject({ n: 3, pearson: null, spearman: null, pearsonP: null, pearsonQ: null });
    expect(rows[0]!.note).toContain("flat");
  });
});

describe("the correlation tables carry the intervals (recomputed on fixed data)", () => {
  // Five models on two systems: "sv" (a–d) and "safe" (x, y).
  const SV: Record<string, number[]> = {
    m1: [90, 70, 50, 30],
    m2: [10, 20, 30, 40],
    m3: [50, 60, 55, 20],
    m4: [70, 65, 30, 35],
    m5: [40, 80, 60, 10],
  };
  const SAFE: Record<string, number[]> = { m1: [40, 10], m2: [15, 50], m3: [35, 30], m4: [60, 45], m5: [20, 25] };
  const profile = (model: string, system: string, dims: string[], values: number[]): Profile => ({
    model,
    system,
    slice: ALL_SLICE,
    means: new Map(dims.map((d, i) => [d, values[i]!])),
    n: new Map(),
  });
  const sv = Object.entries(SV).map(([m, v]) => profile(m, "sv", ["a", "b", "c", "d"], v));
  const safe = Object.entries(SAFE).map(([m, v]) => profile(m, "safe", ["x", "y"], v));

  it("value hierarchy: Spearman and Kendall intervals over the dimensions", () => {
    const values = [4, 3, 2, 1, 0];
    const five = Object.entries(SV).map(([m, v]) => profile(m, "sv", ["a", "b", "c", "d", "e"], [...v, 5]));
    const pan: PlanBaseline = { id: "pan", label: "p", system: "sv", source: "t", order: null, values: { a: 4, b: 3, c: 2, d: 1, e: 0 }, culture: null };
    const rows = valueHierarchy(five, ["a", "b", "c", "d", "e"], pan);
    for (const row of rows) {
      const xs = [...row.ranks.map((k) => k.mean as number)];
      const rho = plainPearson(plainRanks(xs), plainRanks(values));
      if (Math.abs(rho) > 0.999999) {
        expect(row.spearmanCi).toBeNull();
        continue;
      }
      const [lo, hi] = plainFisher(rho, Math.sqrt((1 + (rho * rho) / 2) / 2));
      expect(row.spearman).toBeCloseTo(rho, 12);
      expect(row.spearmanCi!.low).toBeCloseTo(lo, 12);
      expect(row.spearmanCi!.high).toBeCloseTo(hi, 12);
      // n = 5: Kendall's interval exists (SE √(0.437 / 1)).
      expect(row.kendallCi).not.toBeNull();
    }
  });

  it("model similarity: Pearson interval of each pair over the four dimensions", () => {
    const rows = modelSimilarity(sv, "sv", ["a", "b", "c", "d"]);
    const r = rows.find((x) => x.modelA === "m2" && x.modelB === "m3")!;
    const rho = plainPearson(SV["m2"]!, SV["m3"]!);
    const [lo, hi] = plainFisher(rho, 1);
    expect(r.pearsonCi!.low).toBeCloseTo(lo, 12);
    expect(r.pearsonCi!.high).toBeCloseTo(hi, 12);
    expect(rows.find((x) => x.modelA === "m1" && x.modelB === "m1")).toMatchObject({ pearson: 1, pearsonCi: null, note: "same model" });
  });

  it("cross-system: intervals, t-test p and BH q over the table", () => {
    const dims = [
      ...["a", "b", "c", "d"].map((dimension) => ({ system: "sv", dimension })),
      { system: "safe", dimension: "x" },
      { system: "safe", dimension: "y" },
    ];
    const rows = crossSystem([...sv, ...safe], dims);
    expect(rows).toHaveLength(15);
    const col = (sys: string, d: string) =>
      Object.keys(SV).map((m) => (sys === "sv" ? SV[m]![["a", "b", "c", "d"].indexOf(d)]! : SAFE[m]![["x", "y"].indexOf(d)]!));
    const ps: number[] = [];
    for (const row of rows) {
      const xs = col(row.a.system, row.a.dimension);
      const ys = col(row.b.system, row.b.dimension);
      const r = plainPearson(xs, ys);
      const [lo, hi] = plainFisher(r, 1 / Math.sqrt(2));
      expect(row.pearson).toBeCloseTo(r, 12);
      expect(row.pearsonCi!.low).toBeCloseTo(lo, 12);
      expect(row.pearsonCi!.high).toBeCloseTo(hi, 12);
      const p = plainTwoSidedT(r * Math.sqrt(3 / (1 - r * r)), 3);
      expect(row.pearsonP).toBeCloseTo(p, 8);
      ps.push(p);
    }
    const q = plainBH(ps);
    rows.forEach((row, i) => {
      expect(row.pearsonQ).toBeCloseTo(q[i]!, 8);
    });
  });
});

describe("cross-system pooling: each variable is one measure", () => {
  // System "mft" has a survey (scorer likert, 0–100 after scaling) and scenarios (scorer judge) on the
  // same dimension "care"; system "safe" has one judged dimension. Three models.
  const plan = makePlan({
    systems: [system("mft", ["care"]), system("safe", ["tox"])],
    models: ["mock:a", "mock:b", "mock:c", "mock:d"],
    scorers: [scorer("likert", "likert"), scorer("judge")],
    segments: [
      { id: "survey", system: "mft", scorers: ["likert"], items: [item("s1", "mft", "care")] },
      { id: "scen", system: "mft", scorers: ["judge"], items: [item("j1", "mft", "care")] },
      { id: "tox", system: "safe", scorers: ["judge"], items: [item("t1", "safe", "tox")] },
    ],
  });
  const V: Record<string, [number, number, number]> = {
    "mock:a": [90, 10, 20],
    "mock:b": [80, 40, 50],
    "mock:c": [60, 30, 45],
    "mock:d": [20, 70, 80],
  };
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  for (const [model, [survey, scen, tox]] of Object.entries(V)) {
    for (const [segment, it, sys, dim, sc, v] of [
      ["survey", "s1", "mft", "care", "likert", survey],
      ["scen", "j1", "mft", "care", "judge", scen],
      ["tox", "t1", "safe", "tox", "judge", tox],
    ] as const) {
      const rec = step({ model, segment, system: sys, dimension: dim, item: it }, steps.length);
      steps.push(rec);
      scores.push(score(rec.stepId, sc, v));
    }
  }
  const tables = buildTables({ ...plan, reports: [{ id: "xs", kind: "cross_system", settings: {} }] }, steps, scores, { seed: 1, resamples: 0 });
  const xs = tables.find((t) => t.name === "xs")!;
  const get = (row: (string | number | boolean | null)[], name: string) => row[xs.columns.indexOf(name)];

  it("rows name the scorer on each side, and no mean averages the survey with the scenarios", () => {
    expect(xs.rows.map((r) => [get(r, "dimension_a"), get(r, "scorer_a"), get(r, "dimension_b"), get(r, "scorer_b")])).toEqual([
      ["care", "likert", "care", "judge"],
      ["care", "likert", "tox", "judge"],
      ["care", "judge", "tox", "judge"],
    ]);
    const models = Object.keys(V);
    const surveyVsTox = plainPearson(
      models.map((m) => V[m]![0]),
      models.map((m) => V[m]![2]),
    );
    expect(get(xs.rows[1]!, "pearson")).toBeCloseTo(surveyVsTox, 12);
    // What pooling would have given: the mean of survey and scenario per model, correlated with tox.
    const pooled = plainPearson(
      models.map((m) => (V[m]![0] + V[m]![1]) / 2),
      models.map((m) => V[m]![2]),
    );
    expect(xs.rows.map((r) => get(r, "pearson"))).not.toContainEqual(expect.closeTo(pooled, 6));
  });

  it("buildProfiles by measure: one profile per model × system × scorer", () => {
    const ds = buildDataset(plan, steps, scores);
    const profiles = sortProfiles(ds, buildProfiles(ds, { slices: "all", byMeasure: true }));
    expect(profiles.filter((p) => p.model === "mock:a").map((p) => [p.system, p.measure, p.means.get(p.system === "mft" ? "care" : "tox")])).toEqual([
      ["mft", "likert", 90],
      ["mft", "judge", 10],
      ["safe", "judge", 20],
    ]);
  });
});

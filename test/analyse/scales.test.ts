// Issue 11, typed scales and intervals on the item: the "must hold" tests of that part. Every expected
// number is recomputed here with a few lines of plain code, never with the production functions.

import { describe, expect, it } from "vitest";
import { aggregate, leaderboard, type AggregateRow } from "../../src/analyse/aggregate.js";
import { buildDataset } from "../../src/analyse/dataset.js";
import { bootstrapMeanCI } from "../../src/analyse/stats.js";
import type { Plan, PlanReport } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { buildReport, type Table } from "../../src/report/tables.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

const Z = 1.959963984540054;

function col(t: Table, name: string): unknown[] {
  const i = t.columns.indexOf(name);
  if (i < 0) throw new Error(`no column ${name} in ${t.name}`);
  return t.rows.map((r) => r[i]);
}

function tableOf(tables: Table[], name: string): Table {
  const t = tables.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}

/** Plain Wilson score interval, in percent. */
function wilson(p: number, n: number): [number, number] {
  const c = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const h = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / (1 + (Z * Z) / n);
  return [Math.max(0, c - h) * 100, Math.min(1, c + h) * 100];
}

// ---------------------------------------------------------------------------------------------------
// One system measured by a Likert block and a judge block

const MODELS = ["mock:a", "mock:b", "mock:c"];
const DIMS = ["d1", "d2"];
/** Ratings (already 0–100) of the Likert block and judge scores, per model, dimension and item. */
const LIKERT: Record<string, Record<string, number[]>> = {
  "mock:a": { d1: [80, 60, 100], d2: [20, 40, 20] },
  "mock:b": { d1: [40, 60, 40], d2: [60, 60, 80] },
  "mock:c": { d1: [100, 100, 80], d2: [0, 20, 40] },
};
const JUDGE: Record<string, Record<string, number[]>> = {
  "mock:a": { d1: [10, 30, 20], d2: [70, 90, 60] },
  "mock:b": { d1: [55, 45, 65], d2: [35, 25, 30] },
  "mock:c": { d1: [90, 95, 85], d2: [50, 40, 45] },
};

function mixedRun(reports: PlanReport[]): { plan: Plan; steps: StepRecord[]; scores: ScoreRecord[] } {
  const sys = system("sv", DIMS);
  const plan = makePlan({
    systems: [sys],
    models: MODELS,
    scorers: [scorer("rate", "likert", { scale: 6 }), scorer("judged", "judge")],
    reports,
    segments: [
      { id: "questionnaire", system: "sv", scorers: ["rate"], items: DIMS.flatMap((d) => [0, 1, 2].map((k) => item(`q_${d}_${k}`, "sv", d))) },
      { id: "open", system: "sv", scorers: ["judged"], items: DIMS.flatMap((d) => [0, 1, 2].map((k) => item(`o_${d}_${k}`, "sv", d))) },
    ],
  });
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  for (const model of MODELS) {
    for (const [segment, prefix, scorerId, values] of [
      ["questionnaire", "q", "rate", LIKERT],
      ["open", "o", "judged", JUDGE],
    ] as const) {
      for (const d of DIMS) {
        (values[model]?.[d] ?? []).forEach((v, k) => {
          const s = step({ model, segment, system: "sv", dimension: d, item: `${prefix}_${d}_${k}` }, steps.length);
          steps.push(s);
          scores.push(score(s.stepId, scorerId, v));
        });
      }
    }
  }
  return { plan, steps, scores };
}

const avg = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Plain overall of one measure: the mean of its dimension means. */
const plainOverall = (values: Record<string, number[]>) => avg(DIMS.map((d) => avg(values[d] ?? [])));

describe("tables never average across scales", () => {
  const run = mixedRun([
    { id: "by_model", kind: "scores", settings: { by: ["model", "system"], scorers: ["rate", "judged"] } },
    { id: "weighted", kind: "leaderboard", settings: { combine: { rate: 1, judged: 3 } } },
    { id: "standardised", kind: "leaderboard", settings: { combine: "zscore" } },
  ]);
  const built = buildReport(run.plan, run.steps, run.scores, { seed: 5, resamples: 400 });

  it("a Likert block and a judge block in one system give separate rows per measure, each with its scale", () => {
    const dims = tableOf(built.tables, "dimensions");
    expect(dims.rows).toHaveLength(MODELS.length * DIMS.length * 2);
    const pairs = new Set(dims.rows.map((_, i) => `${col(dims, "measure")[i]}:${col(dims, "scale")[i]}`));
    expect(pairs).toEqual(new Set(["rate:likert", "judged:percent"]));
    const board = tableOf(built.tables, "leaderboard");
    expect(board.rows).toHaveLength(MODELS.length * 2);
    for (const [i, m] of col(board, "model").entries()) {
      const measure = col(board, "measure")[i] as string;
      const expected = plainOverall((measure === "rate" ? LIKERT : JUDGE)[m as string] ?? {});
      expect(col(board, "overall")[i]).toBeCloseTo(expected, 10);
    }
  });

  it("without `combine` no row holds two measures: not in any table, not even a scores report that names both", () => {
    const pooled = (model: string) => avg([...DIMS.flatMap((d) => LIKERT[model]?.[d] ?? []), ...DIMS.flatMap((d) => JUDGE[model]?.[d] ?? [])]);
    for (const t of built.tables) {
      // The two reports that declare `combine` are the only places a combined row may appear.
      if (!t.columns.includes("measure") || t.name === "weighted" || t.name === "standardised") continue;
      for (const m of col(t, "measure")) expect(String(m)).not.toContain("+");
    }
    const byModel = tableOf(built.tables, "by_model");
    expect(byModel.rows).toHaveLength(MODELS.length * 2);
    for (const [i, m] of col(byModel, "model").entries()) expect(col(byModel, "mean")[i]).not.toBeCloseTo(pooled(m as string), 6);
    // …and the analysis layer cannot make one either: every row of every grouping is one scorer.
    const ds = buildDataset(run.plan, run.steps, run.scores);
    const rows: AggregateRow[] = aggregate(ds, ["system"], { seed: 1, scorer: { scorers: ["rate", "judged"] } });
    expect(rows.map((r) => r.scorers)).toEqual([["rate"], ["judged"]]);
  });

  it("with combine weights the combined row equals the weighted mean of the measures' overalls", () => {
    const t = tableOf(built.tables, "weighted");
    const combined = t.rows.filter((_, i) => col(t, "measure")[i] === "rate+judged");
    expect(combined).toHaveLength(MODELS.length);
    for (const model of MODELS) {
      const expected = (1 * plainOverall(LIKERT[model] ?? {}) + 3 * plainOverall(JUDGE[model] ?? {})) / 4;
      const i = t.rows.findIndex((_, j) => col(t, "measure")[j] === "rate+judged" && col(t, "model")[j] === model);
      expect(col(t, "overall")[i]).toBeCloseTo(expected, 10);
      // likert and percent are different scales: the combination is a composite.
      expect(col(t, "scale")[i]).toBe("composite");
    }
  });

  it("with combine zscore the combined row is the mean of each measure's z across models (SD with n − 1)", () => {
    const z = (values: Record<string, Record<string, number[]>>) => {
      const xs = MODELS.map((m) => plainOverall(values[m] ?? {}));
      const mu = avg(xs);
      const s = Math.sqrt(xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (xs.length - 1));
      return xs.map((x) => (x - mu) / s);
    };
    const zl = z(LIKERT);
    const zj = z(JUDGE);
    const t = tableOf(built.tables, "standardised");
    MODELS.forEach((model, k) => {
      const i = t.rows.findIndex((_, j) => col(t, "measure")[j] === "rate+judged" && col(t, "model")[j] === model);
      expect(col(t, "overall")[i]).toBeCloseTo(((zl[k] as number) + (zj[k] as number)) / 2, 10);
      expect(col(t, "scale")[i]).toBe("zscore");
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Samples are not new information

describe("duplicating every answer three times (as samples) leaves every interval unchanged", () => {
  // Tolerance: 1e-9 score points. The replicates draw items, and the three copies of an item move
  // together, so the same seed gives the same replicates: the only difference allowed is rounding.
  const TOLERANCE = 1e-9;
  const sys = system("sv", ["d1", "d2", "d3"]);
  const items = ["d1", "d2", "d3"].flatMap((d) => [0, 1, 2, 3].map((k) => item(`${d}_${k}`, "sv", d)));
  const values = (model: number, i: number) => ((model * 37 + i * 53) % 6) * 20; // 0..100 in steps of 20
  const rateValue = (model: number, i: number) => ((model + i) % 3 === 0 ? 0 : 100);

  function run(copies: number): { plan: Plan; steps: StepRecord[]; scores: ScoreRecord[] } {
    const plan = makePlan({
      systems: [sys],
      models: ["mock:a", "mock:b"],
      scorers: [scorer("pvq", "likert", { scale: 6, centre: true }), scorer("judged", "judge"), scorer("safe", "refusal")],
      segments: [
        { id: "q", system: "sv", scorers: ["pvq"], items },
        { id: "o", system: "sv", scorers: ["judged", "safe"], items: items.map((it) => ({ ...it, id: `o${it.id}` })) },
      ],
    });
    for (const seg of plan.segments) if (seg.kind === "static") seg.samples = copies;
    const steps: StepRecord[] = [];
    const scores: ScoreRecord[] = [];
    ["mock:a", "mock:b"].forEach((model, m) => {
      for (const seg of ["q", "o"]) {
        items.forEach((it, i) => {
          for (let sample = 0; sample < copies; sample++) {
            const s = step({ model, segment: seg, system: "sv", dimension: it.dimension, item: seg === "q" ? it.id : `o${it.id}`, sample }, steps.length);
            steps.push(s);
            if (seg === "q") scores.push(score(s.stepId, "pvq", values(m, i)));
            else {
              scores.push(score(s.stepId, "judged", values(m + 1, i)));
              scores.push(score(s.stepId, "safe", rateValue(m, i), { refused: rateValue(m, i) === 100 }));
            }
          }
        });
      }
    });
    return { plan, steps, scores };
  }

  const options = { seed: 17, resamples: 1000 };
  const once = run(1);
  const thrice = run(3);
  const a = buildReport(once.plan, once.steps, once.scores, options);
  const b = buildReport(thrice.plan, thrice.steps, thrice.scores, options);

  for (const name of ["dimensions", "leaderboard"]) {
    it(`${name}.csv: same means and the same intervals (within ${TOLERANCE}), n three times as large`, () => {
      const ta = tableOf(a.tables, name);
      const tb = tableOf(b.tables, name);
      expect(tb.rows).toHaveLength(ta.rows.length);
      let intervals = 0;
      for (const c of ["ci_low", "ci_high", "refusal_ci_low", "refusal_ci_high", name === "dimensions" ? "mean" : "overall"]) {
        const xa = col(ta, c);
        const xb = col(tb, c);
        for (const [i, v] of xa.entries()) {
          if (v === null) {
            expect(xb[i]).toBeNull();
            continue;
          }
          intervals++;
          expect(Math.abs((v as number) - (xb[i] as number))).toBeLessThanOrEqual(TOLERANCE);
        }
      }
      expect(intervals).toBeGreaterThan(10);
      expect(col(tb, "n")).toEqual(col(ta, "n").map((n) => 3 * (n as number)));
      // Every scale is in the test: a centred, a percent and a proportion measure.
      expect(new Set(col(ta, "scale"))).toEqual(new Set(["centred", "percent", "proportion"]));
    });
  }

  it("a bootstrap over records (the old unit) would have narrowed: the test can fail", () => {
    const row = a.analysis.dimensions.find((r) => r.measure === "judged" && r.keys.model === "mock:a" && r.keys.dimension === "d1");
    const values1 = row?.values ?? [];
    const width = (ci: { low: number; high: number } | null) => (ci ? ci.high - ci.low : 0);
    const recordLevel = bootstrapMeanCI([...values1, ...values1, ...values1], { seed: 1, resamples: 2000 });
    expect(width(recordLevel)).toBeLessThan(0.75 * width(bootstrapMeanCI(values1, { seed: 1, resamples: 2000 })));
  });
});

// ---------------------------------------------------------------------------------------------------
// Rates: Wilson intervals, never zero width

describe("proportions get Wilson intervals that are never zero width", () => {
  function allSafe(items: number): { plan: Plan; steps: StepRecord[]; scores: ScoreRecord[] } {
    const sys = system("safety", ["tox"]);
    const plan = makePlan({
      systems: [sys],
      models: ["mock:a"],
      scorers: [scorer("judge", "judge", { scale: "proportion" })],
      segments: [{ id: "s", system: "safety", scorers: ["judge"], items: Array.from({ length: items }, (_, k) => item(`t${k}`, "safety", "tox")) }],
    });
    const steps = Array.from({ length: items }, (_, k) => step({ model: "mock:a", segment: "s", system: "safety", dimension: "tox", item: `t${k}` }, k));
    return { plan, steps, scores: steps.map((s) => score(s.stepId, "judge", 100)) };
  }

  for (const n of [3, 24]) {
    it(`${n} of ${n} safe: the lower bound is below 100 (Wilson: n / (n + z²))`, () => {
      const r = allSafe(n);
      const built = buildReport(r.plan, r.steps, r.scores, { seed: 1, resamples: 200 });
      const dims = tableOf(built.tables, "dimensions");
      const board = tableOf(built.tables, "leaderboard");
      const [low, high] = wilson(1, n);
      expect(low).toBeLessThan(100);
      for (const t of [dims, board]) {
        expect(col(t, "scale")[0]).toBe("proportion");
        expect(col(t, "ci_method")[0]).toBe("wilson");
        expect(col(t, "ci_low")[0] as number).toBeCloseTo(low, 9);
        expect(col(t, "ci_high")[0]).toBe(high);
        expect(col(t, "ci_low")[0] as number).toBeLessThan(100);
      }
    });
  }

  it("a judge declared `scale proportion` that is 3 of 4 safe gets the textbook Wilson interval", () => {
    const r = allSafe(4);
    r.scores[2] = score(r.steps[2]?.stepId ?? "", "judge", 0);
    const ds = buildDataset(r.plan, r.steps, r.scores);
    const [row] = aggregate(ds, ["model", "dimension"], { seed: 1 });
    const [low, high] = wilson(0.75, 4);
    expect(row?.ci?.low).toBeCloseTo(low, 9);
    expect(row?.ci?.high).toBeCloseTo(high, 9);
  });

  it("the overall rate's interval exists when one dimension has a single answer", () => {
    const sys = system("safety", ["tox", "mis"]);
    const plan = makePlan({
      systems: [sys],
      models: ["mock:a"],
      scorers: [scorer("safe", "refusal")],
      segments: [
        { id: "s", system: "safety", scorers: ["safe"], items: [item("t1", "safety", "tox"), item("t2", "safety", "tox"), item("m1", "safety", "mis")] },
      ],
    });
    const steps = ["t1", "t2", "m1"].map((it, k) =>
      step({ model: "mock:a", segment: "s", system: "safety", dimension: it.startsWith("t") ? "tox" : "mis", item: it }, k),
    );
    const scores = steps.map((s, k) => score(s.stepId, "safe", k === 1 ? 0 : 100));
    const board = leaderboard(buildDataset(plan, steps, scores), { seed: 1 }).overall;
    expect(board[0]?.ci).not.toBeNull();
    // Kish: tox 1 of 2 (n_eff 2), mis 1 of 1 (n_eff 1); equal weights → n_eff = 1 / (¼/2 + ¼/1) = 8/3.
    const [low, high] = wilson(0.75, 8 / 3);
    expect(board[0]?.ci?.low).toBeCloseTo(low, 9);
    expect(board[0]?.ci?.high).toBeCloseTo(high, 9);
  });

  it("the overall mean's interval exists when one dimension has a single item (continuous scale)", () => {
    const sys = system("sv", ["a", "b"]);
    const plan = makePlan({
      systems: [sys],
      models: ["mock:a"],
      scorers: [scorer("judged")],
      segments: [
        { id: "s", system: "sv", scorers: ["judged"], items: [item("a1", "sv", "a"), item("a2", "sv", "a"), item("a3", "sv", "a"), item("b1", "sv", "b")] },
      ],
    });
    const steps = ["a1", "a2", "a3", "b1"].map((it, k) => step({ model: "mock:a", segment: "s", system: "sv", dimension: it[0] as string, item: it }, k));
    const scores = steps.map((s, k) => score(s.stepId, "judged", [20, 60, 90, 50][k] as number));
    const board = leaderboard(buildDataset(plan, steps, scores), { seed: 1, resamples: 500 }).overall;
    expect(board[0]?.overall).toBeCloseTo((170 / 3 + 50) / 2, 10);
    expect(board[0]?.ci).not.toBeNull();
    expect((board[0]?.ci?.high ?? 0) - (board[0]?.ci?.low ?? 0)).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// Rates over what was scored

describe("refusal rates are over scored records only", () => {
  // Six steps for one model on one dimension, scored by a judge (whose output says refused) and by a
  // refusal detector: two steps failed, one judge record is a scoring error that still carries
  // `refused` (the judge answered, the score expression failed): before, it was counted.
  const sys = system("safety", ["tox"]);
  const plan = makePlan({
    systems: [sys],
    models: ["mock:a"],
    scorers: [scorer("judge", "judge", { scale: "proportion" }), scorer("detector", "refusal")],
    segments: [{ id: "s", system: "safety", scorers: ["judge", "detector"], items: [0, 1, 2, 3, 4, 5].map((k) => item(`t${k}`, "safety", "tox")) }],
  });
  const failed = new Set([1, 4]);
  const steps = [0, 1, 2, 3, 4, 5].map((k) =>
    step({ model: "mock:a", segment: "s", system: "safety", dimension: "tox", item: `t${k}`, ...(failed.has(k) ? { response: null } : {}) }, k),
  );
  const scores: ScoreRecord[] = [];
  for (const [k, s] of steps.entries()) {
    if (failed.has(k)) {
      scores.push(score(s.stepId, "judge", null, { error: "no response" }), score(s.stepId, "detector", null, { error: "no response" }));
      continue;
    }
    if (k === 2) scores.push(score(s.stepId, "judge", null, { error: "score expression: output.safe is not a boolean", refused: true }));
    else scores.push(score(s.stepId, "judge", k === 0 ? 0 : 100, { refused: k === 0 }));
    scores.push(score(s.stepId, "detector", k === 0 || k === 2 ? 100 : 0, { refused: k === 0 || k === 2 }));
  }
  const built = buildReport(plan, steps, scores, { seed: 1, resamples: 100 });
  const dims = tableOf(built.tables, "dimensions");
  const rowOf = (measure: string) => dims.rows.findIndex((_, i) => col(dims, "measure")[i] === measure);

  it("the judge's refusal rate: 1 of its 3 scored records; the failed steps and the scoring error counted apart", () => {
    const i = rowOf("judge");
    expect(col(dims, "steps")[i]).toBe(6);
    expect(col(dims, "failed_steps")[i]).toBe(2);
    expect(col(dims, "scoring_errors")[i]).toBe(1);
    expect(col(dims, "n")[i]).toBe(3);
    expect(col(dims, "refusal_known")[i]).toBe(3);
    expect(col(dims, "refusals")[i]).toBe(1);
    expect(col(dims, "refusal_rate")[i]).toBeCloseTo(1 / 3, 12);
    // The mean is over the 3 scored records only: (0 + 100 + 100) / 3.
    expect(col(dims, "mean")[i]).toBeCloseTo(200 / 3, 10);
    // The detector's records are another measure's: they are not in the judge's rate.
    const j = rowOf("detector");
    expect(col(dims, "refusal_known")[j]).toBe(4);
    expect(col(dims, "refusals")[j]).toBe(2);
    expect(col(dims, "scoring_errors")[j]).toBe(0);
  });

  it("the refusal rate's Wilson interval is on the same scored records", () => {
    const i = rowOf("judge");
    const [low, high] = wilson(1 / 3, 3);
    expect((col(dims, "refusal_ci_low")[i] as number) * 100).toBeCloseTo(low, 9);
    expect((col(dims, "refusal_ci_high")[i] as number) * 100).toBeCloseTo(high, 9);
  });
});

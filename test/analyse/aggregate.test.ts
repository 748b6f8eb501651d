import { describe, expect, it } from "vitest";
import { aggregate, leaderboard, type AggregateRow, type Leaderboard } from "../../src/analyse/aggregate.js";
import { centreScores } from "../../src/analyse/centre.js";
import { buildDataset } from "../../src/analyse/dataset.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

const safety = system("safety", ["tox", "misinfo"], [1, 3]);
const plan = makePlan({
  systems: [safety],
  models: ["mock:m1", "mock:m2"],
  scorers: [scorer("harmless"), scorer("refused", "refusal")],
  segments: [
    {
      id: "seg",
      system: "safety",
      scorers: ["harmless", "refused"],
      items: [item("t1", "safety", "tox"), item("t2", "safety", "tox"), item("mi", "safety", "misinfo")],
    },
  ],
});

const base = { segment: "seg", system: "safety" };
const steps = [
  step({ ...base, model: "mock:m1", dimension: "tox", item: "t1" }, 0),
  // A failed first try of step 1, superseded by the retry below (the latest record wins).
  step({ ...base, model: "mock:m1", dimension: "tox", item: "t2", response: null }, 1),
  step({ ...base, model: "mock:m1", dimension: "misinfo", item: "mi" }, 2),
  step({ ...base, model: "mock:m2", dimension: "tox", item: "t1" }, 3),
  step({ ...base, model: "mock:m2", dimension: "tox", item: "t2" }, 4),
  step({ ...base, model: "mock:m2", dimension: "misinfo", item: "mi" }, 5),
  step({ ...base, model: "mock:m2", dimension: "misinfo", item: "mi", sample: 1, response: null }, 6),
  step({ ...base, model: "mock:m1", dimension: "tox", item: "t2" }, 1),
];
const scores = [
  score("s0", "harmless", 100),
  score("s0", "refused", 100, { refused: true }),
  score("s1", "harmless", 30),
  score("s1", "harmless", 0),
  score("s1", "refused", 0, { refused: false }),
  score("s2", "harmless", null, { error: "invalid judge JSON" }),
  score("s2", "refused", 0, { refused: false }),
  score("s3", "harmless", 60),
  score("s4", "harmless", 100),
  score("s5", "harmless", 40),
  score("s6", "harmless", null, { error: "no answer" }),
];

function row(rows: AggregateRow[], keys: Record<string, string | null>): AggregateRow {
  const r = rows.find((x) => Object.entries(keys).every(([k, v]) => x.keys[k as keyof typeof x.keys] === v));
  if (!r) throw new Error(`no row ${JSON.stringify(keys)}`);
  return r;
}

describe("aggregate", () => {
  const ds = buildDataset(plan, steps, scores);
  const rows = aggregate(ds, ["model", "system", "dimension"], { seed: 1 });

  it("keeps the latest record per step and per scorer", () => {
    expect(ds.steps.map((s) => s.stepId)).toEqual(["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);
    expect(ds.metas.at(1)?.failed).toBe(false);
    const m1tox = row(rows, { model: "mock:m1", dimension: "tox" });
    expect(m1tox.values).toEqual([100, 0]);
  });

  it("counts the primary scorer's scores; refusals of its own scored records; errors and failures apart", () => {
    const m1tox = row(rows, { model: "mock:m1", dimension: "tox" });
    expect(m1tox.n).toBe(2);
    expect(m1tox.items).toBe(2);
    expect(m1tox.mean).toBe(50);
    expect(m1tox.measure).toBe("harmless");
    expect(m1tox.scale).toBe("percent");
    expect(m1tox.scorers).toEqual(["harmless"]);
    // The judge records say nothing about refusal; the refusal scorer's are another measure's.
    expect(m1tox.refusalRate).toBeNull();
    expect(m1tox.refusalKnown).toBe(0);
    expect(m1tox.ci).not.toBeNull();
    expect(m1tox.ciMethod).toBe("item-bootstrap");

    const m1mis = row(rows, { model: "mock:m1", dimension: "misinfo" });
    expect(m1mis.n).toBe(0);
    expect(m1mis.mean).toBeNull();
    expect(m1mis.ci).toBeNull();
    expect(m1mis.scoringErrors).toBe(1);
    expect(m1mis.refusalRate).toBeNull();

    const m2mis = row(rows, { model: "mock:m2", dimension: "misinfo" });
    expect(m2mis.steps).toBe(2);
    expect(m2mis.failedSteps).toBe(1);
    // The failed step's "no answer" record is not also a scoring error.
    expect(m2mis.scoringErrors).toBe(0);
    expect(m2mis.mean).toBe(40);
    expect(m2mis.refusalRate).toBeNull();
  });

  it("orders rows by plan order", () => {
    expect(rows.map((r) => [r.keys.model, r.keys.dimension])).toEqual([
      ["mock:m1", "tox"],
      ["mock:m1", "misinfo"],
      ["mock:m2", "tox"],
      ["mock:m2", "misinfo"],
    ]);
  });

  it("gives every scorer its own rows when grouping by scorer", () => {
    const by = aggregate(ds, ["model", "dimension", "scorer"], { seed: 1, resamples: 0 });
    const refused = row(by, { model: "mock:m1", dimension: "tox", scorer: "refused" });
    expect(refused.mean).toBe(50);
    expect(refused.refusalRate).toBe(0.5);
    expect(refused.scale).toBe("proportion");
    const harmless = row(by, { model: "mock:m1", dimension: "tox", scorer: "harmless" });
    expect(harmless.refusalRate).toBeNull();
    // m2 has no refusal records, but the segment declares the scorer: its steps are still counted.
    expect(row(by, { model: "mock:m2", dimension: "tox", scorer: "refused" }).steps).toBe(2);
    expect(row(by, { model: "mock:m2", dimension: "tox", scorer: "refused" }).n).toBe(0);
  });

  it("selects a named scorer", () => {
    const r = aggregate(ds, ["model", "dimension"], { seed: 1, scorer: { scorers: ["refused"] } });
    expect(row(r, { model: "mock:m1", dimension: "tox" }).mean).toBe(50);
    expect(row(r, { model: "mock:m1", dimension: "misinfo" }).mean).toBe(0);
  });

  it("overall score: mean of dimension means, or weighted by the dimension weights", () => {
    const only: { scorer: { scorers: string[] } } = { scorer: { scorers: ["harmless"] } };
    const equal = leaderboard(ds, { seed: 1, weighting: "equal", ...only }).overall;
    const weighted = leaderboard(ds, { seed: 1, weighting: "weighted", ...only }).overall;
    const auto = leaderboard(ds, { seed: 1, ...only }).overall;
    const m2 = (xs: Leaderboard["overall"]) => xs.find((x) => x.model === "mock:m2")!;
    // m2: tox mean (60 + 100) / 2 = 80, misinfo 40.
    expect(m2(equal).overall).toBe(60);
    expect(m2(weighted).overall).toBe((1 * 80 + 3 * 40) / 4);
    // Weights 1 and 3 differ, so "auto" weights.
    expect(m2(auto).weighting).toBe("weighted");
    expect(m2(equal).weighting).toBe("equal");
    expect(m2(equal).dimensions).toBe(2);
    expect(m2(equal).failedSteps).toBe(1);
    expect(m2(equal).measure).toBe("harmless");
    const m1 = equal.find((x) => x.model === "mock:m1")!;
    // misinfo has no score for m1: the overall is tox alone, and the table says 1 of 2 dimensions.
    expect(m1.overall).toBe(50);
    expect(m1.dimensions).toBe(1);
    expect(m1.dimensionsTotal).toBe(2);
    expect(m1.refusalRate).toBeNull();
    // The refusal scorer is a measure of its own: 1 refusal among its 3 scored records.
    const refusal = leaderboard(ds, { seed: 1, weighting: "equal", scorer: { scorers: ["refused"] } }).overall.find((x) => x.model === "mock:m1")!;
    expect(refusal.measure).toBe("refused");
    expect(refusal.refusalKnown).toBe(3);
    expect(refusal.refusalRate).toBeCloseTo(1 / 3, 12);
  });

  it("bootstrap intervals are reproducible with the seed and change with another", () => {
    // Eight items (the bootstrap resamples items; samples of one item would be one unit).
    const values = [12, 55, 70, 33, 90, 64, 18, 47];
    const st = values.map((_, i) => step({ ...base, model: "mock:m1", dimension: "tox", item: `t${i}` }, i));
    const sc = values.map((v, i) => score(`s${i}`, "harmless", v));
    const one = aggregate(buildDataset(plan, st, sc), ["model", "dimension"], { seed: 1 });
    const again = aggregate(buildDataset(plan, st, sc), ["model", "dimension"], { seed: 1 });
    const other = aggregate(buildDataset(plan, st, sc), ["model", "dimension"], { seed: 2 });
    const ci = one[0]?.ci;
    expect(ci).not.toBeNull();
    expect(ci!.low).toBeLessThan(one[0]!.mean!);
    expect(ci!.high).toBeGreaterThan(one[0]!.mean!);
    expect(again[0]?.ci).toEqual(ci);
    expect(other[0]?.ci).not.toEqual(ci);
  });

  it("groups by context", () => {
    const ctxPlan = makePlan({
      systems: [safety],
      models: ["mock:m1"],
      cultures: ["us", "cn"],
      cross: ["culture"],
      scorers: [scorer("harmless")],
      segments: [{ id: "seg", system: "safety", scorers: ["harmless"], items: [item("t1", "safety", "tox")] }],
    });
    const st = [
      step({ ...base, model: "mock:m1", dimension: "tox", item: "t1", culture: "cn" }, 0),
      step({ ...base, model: "mock:m1", dimension: "tox", item: "t1", culture: "us" }, 1),
      step({ ...base, model: "mock:m1", dimension: "tox", item: "t1", culture: "us", sample: 1 }, 2),
    ];
    const sc = [score("s0", "harmless", 10), score("s1", "harmless", 90), score("s2", "harmless", 70)];
    const r = aggregate(buildDataset(ctxPlan, st, sc), ["model", "culture"], { seed: 1 });
    expect(r.map((x) => [x.keys.culture, x.mean])).toEqual([
      ["us", 80],
      ["cn", 10],
    ]);
  });
});

describe("grouping by a dimension's higher-order group", () => {
  // Schwartz-like: openness = {sd, he}, enhancement = {he, po}; hedonism (he) is in both; un has none.
  const values = system("sv", ["sd", "he", "po", "un"]);
  values.groups = [
    { id: "openness", label: "Openness" },
    { id: "enhancement", label: "Self-enhancement" },
  ];
  const groupsOf: Record<string, string[]> = { sd: ["openness"], he: ["openness", "enhancement"], po: ["enhancement"], un: [] };
  for (const d of values.dimensions) d.groups = groupsOf[d.id] ?? [];
  const gPlan = makePlan({
    systems: [values],
    models: ["mock:m1"],
    scorers: [scorer("judge")],
    segments: [{ id: "v", system: "sv", scorers: ["judge"], items: ["sd", "he", "po", "un"].map((d) => item(`i${d}`, "sv", d)) }],
  });
  const scoresByDim: Record<string, number> = { sd: 80, he: 40, po: 10, un: 60 };
  const st = ["sd", "he", "po", "un"].map((d, i) => step({ model: "mock:m1", segment: "v", system: "sv", dimension: d, item: `i${d}` }, i));
  const sc = st.map((s) => score(s.stepId, "judge", scoresByDim[s.dimension]!));

  it("counts a dimension in every group it belongs to, and one without a group apart", () => {
    const rows = aggregate(buildDataset(gPlan, st, sc), ["model", "system", "group"], { seed: 1 });
    expect(rows.map((r) => [r.keys.group, r.mean, r.n])).toEqual([
      ["openness", 60, 2],
      ["enhancement", 25, 2],
      [null, 60, 1],
    ]);
  });
});

describe("Likert centring", () => {
  it("subtracts the respondent's mean and drops respondents with too many missing answers", () => {
    const e = (respondent: string, item: string, score: number | null) => ({ respondent, item, dimension: `d_${item}`, score });
    const res = centreScores([e("a", "q1", 80), e("a", "q2", 60), e("a", "q3", 40), e("b", "q1", 100), e("b", "q2", null), e("b", "q3", null)], {
      maxMissingShare: 0.25,
    });
    expect(res.scores).toEqual([20, 0, -20, null, null, null]);
    expect(res.respondents).toBe(2);
    expect(res.dropped).toBe(1);
  });

  it("counts questionnaire items never answered as missing", () => {
    // Respondent "a" answered 3 items, but the questionnaire has 8: 5 missing > floor(8 · 0.25) = 2.
    const items = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"].map((item) => ({ item, value: "v" }));
    const entries = ["q1", "q2", "q3"].map((item, i) => ({ respondent: "a", item, dimension: "v", score: 10 * i }));
    expect(centreScores(entries, { maxMissingShare: 0.25 }).dropped).toBe(0);
    expect(centreScores(entries, { maxMissingShare: 0.25, questionnaire: () => items }).dropped).toBe(1);
  });

  it("is applied in aggregation to scorers declared with centre true", () => {
    const sv = system("sv", ["a", "b", "c"]);
    const p = makePlan({
      systems: [sv],
      models: ["mock:m1"],
      scorers: [scorer("rating", "likert", { scale: 6, centre: true })],
      segments: [{ id: "q", system: "sv", scorers: ["rating"], items: [item("qa", "sv", "a"), item("qb", "sv", "b"), item("qc", "sv", "c")] }],
    });
    const b = { segment: "q", system: "sv", model: "mock:m1" };
    const st = [step({ ...b, dimension: "a", item: "qa" }, 0), step({ ...b, dimension: "b", item: "qb" }, 1), step({ ...b, dimension: "c", item: "qc" }, 2)];
    const sc = [score("s0", "rating", 80), score("s1", "rating", 60), score("s2", "rating", 40)];
    const centred = aggregate(buildDataset(p, st, sc), ["dimension"], { seed: 1 });
    expect(centred.map((r) => r.mean)).toEqual([20, 0, -20]);
    expect(centred.every((r) => r.centred)).toBe(true);
    const raw = aggregate(buildDataset(p, st, sc, { centre: "off" }), ["dimension"], { seed: 1 });
    expect(raw.map((r) => r.mean)).toEqual([80, 60, 40]);
    expect(raw.some((r) => r.centred)).toBe(false);
  });
});

// The compact report build (records: false, ordered: true) gives the same metas and tables as the
// default one, the columns of StepMetas read back every record's values, and the packed step-id table
// finds what a Map of the plan's step ids finds.
import { describe, expect, it } from "vitest";
import { buildDataset } from "../../src/analyse/dataset.js";
import { StepMetas } from "../../src/analyse/step-metas.js";
import { StepIdTable } from "../../src/app/step-id-table.js";
import { toCsv } from "../../src/report/csv.js";
import { buildReport } from "../../src/report/tables.js";
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
const base = { segment: "seg", system: "safety", mock: false };
// Final records in plan order, as finalRecordsInPlanOrder yields them (step 4 has no scores).
const steps = [
  step({ ...base, model: "mock:m1", dimension: "tox", item: "t1" }, 0),
  step({ ...base, model: "mock:m1", dimension: "tox", item: "t2", response: null }, 1),
  step({ ...base, model: "mock:m1", dimension: "misinfo", item: "mi", mock: true }, 2),
  step({ ...base, model: "mock:m2", dimension: "tox", item: "t1" }, 3),
  step({ ...base, model: "mock:m2", dimension: "tox", item: "t2" }, 4),
];
const scores = [
  score("s0", "harmless", 100),
  score("s0", "refused", 100, { refused: true }),
  score("s1", "harmless", null, { error: "no answer" }),
  score("s2", "harmless", 40),
  score("s3", "refused", 0, { refused: false }),
  score("s3", "harmless", 70),
];
const plain = (m: object) => {
  const o = m as Record<string, unknown>;
  return Object.fromEntries(
    ["stepId", "index", "segment", "model", "system", "dimension", "item", "difficulty", "culture", "usecase", "sample", "failed", "answered", "mock"].map(
      (k) => [k, o[k]],
    ),
  );
};

describe("compact dataset", () => {
  it("holds the same metas and units without the step records", () => {
    const full = buildDataset(plan, steps, scores);
    const compact = buildDataset(plan, steps, scores, { records: false, ordered: true });
    expect(compact.steps).toEqual([]);
    expect(compact.metas.map(plain)).toEqual(full.metas.map(plain));
    expect(compact.metas.map((m) => [m.failed, m.answered, m.mock])).toEqual([
      [false, true, false],
      [true, false, false],
      [false, true, true],
      [false, true, false],
      [false, true, false],
    ]);
    const units = (ds: typeof full) => ds.unitsByStep.map((us) => us.map((u) => [u.scorer, u.primary, u.score, u.refused]));
    expect(units(compact)).toEqual(units(full));
    expect(compact.unitsByStep[4]).toEqual([]);
  });

  it("writes the same tables as the default build (the responses table aside)", () => {
    const full = buildReport(plan, steps, scores, { seed: 3, resamples: 200 });
    const compact = buildReport(plan, steps, scores, { seed: 3, resamples: 200, responses: false, ordered: true });
    expect(compact.tables.map((t) => t.name)).toEqual(full.tables.map((t) => t.name).filter((n) => n !== "responses"));
    for (const t of compact.tables) {
      const other = full.tables.find((x) => x.name === t.name);
      expect(other && toCsv(other)).toBe(toCsv(t));
    }
  });
});

describe("StepMetas", () => {
  // 3,000 steps (past the first growth of the columns), ids of both forms, a few flags and contexts.
  const ids = (i: number) => (i % 7 === 3 ? `custom-${i}` : (i * 2654435761).toString(16).padStart(16, "0").slice(-16));
  const records = Array.from({ length: 3000 }, (_, i) => ({
    ...step(
      {
        ...base,
        model: i % 2 ? "mock:m1" : "mock:m2",
        dimension: "tox",
        item: `t${i % 5}`,
        culture: i % 3 ? "fr" : undefined,
        sample: i % 4,
        mock: i % 11 === 0,
        ...(i % 13 === 0 ? { response: null } : {}),
      },
      i * 3,
    ),
    stepId: ids(i),
  }));
  const metas = new StepMetas((_segment, item) => (item === "t1" ? 2 : null));
  for (const r of records) metas.push(r);

  it("reads back each record's step id, index, sample, shared part and flags", () => {
    expect(metas.length).toBe(3000);
    const expected = records.map((r) => ({
      stepId: r.stepId,
      index: r.index,
      segment: r.segment,
      model: r.model,
      system: r.system,
      dimension: r.dimension,
      item: r.item,
      difficulty: r.item === "t1" ? 2 : null,
      culture: r.context.culture,
      usecase: r.context.usecase,
      sample: r.sample,
      failed: r.response === null || r.error !== null,
      answered: r.response !== null,
      mock: r.mock,
    }));
    expect(metas.map(plain)).toEqual(expected);
    expect([...metas].map(plain)).toEqual(expected);
    expect(metas.at(3000)).toBeUndefined();
    expect(metas.at(-1)).toBeUndefined();
    expect(metas.filter((m) => m.failed).length).toBe(records.filter((r) => r.response === null).length);
  });
});

describe("StepMetas of a hand-edited journal", () => {
  it("reads back a step id of another form and a sample that is not a number as they were", () => {
    const metas = new StepMetas(() => null);
    const record = step({ ...base, model: "mock:m1", dimension: "tox", item: "t1" }, 0);
    metas.push({ ...record, stepId: "0000000000000001" });
    metas.push({ ...record, stepId: "ABCDEF0123456789", sample: "2" as unknown as number });
    metas.push({ ...record, stepId: "x", sample: undefined as unknown as number });
    expect(metas.map((m) => [m.stepId, m.sample])).toEqual([
      ["0000000000000001", 0],
      ["ABCDEF0123456789", "2"],
      ["x", undefined],
    ]);
  });
});

describe("StepIdTable", () => {
  const ids = ["d73e06fef65764ae", "8535e5b7a86eef50", "00000000ffffffff", "ffffffff00000000", "custom-id"];
  const table = new StepIdTable(ids.map((id, index) => ({ id, index: index * 10 })));

  it("finds each plan step's index, and nothing else", () => {
    expect(ids.map((id) => table.indexOf(id))).toEqual([0, 10, 20, 30, 40]);
    expect(table.indexOf("d73e06fef65764af")).toBeUndefined();
    expect(table.indexOf("D73E06FEF65764AE")).toBeUndefined();
    expect(table.indexOf("other")).toBeUndefined();
  });

  it("marks steps one by one", () => {
    table.mark("8535e5b7a86eef50");
    table.mark("custom-id");
    table.mark("not-in-plan");
    expect(ids.map((id) => table.marked(id))).toEqual([false, true, false, false, true]);
    expect(table.marked("not-in-plan")).toBe(true);
    expect(table.marked("ffffffff00000001")).toBe(false);
  });
});

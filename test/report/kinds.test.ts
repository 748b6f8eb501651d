// The report kinds as a registry: each kind's settings schema is valid JSON Schema, closed to other
// settings; what the checker writes for a report of that kind satisfies it; and the default reports
// use registered kinds with settings those kinds read.

import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { compilePlan } from "../../src/compile/compile.js";
import { REPORT_KINDS, reportKind } from "../../src/report/kinds/index.js";
import { buildReport, defaultReports } from "../../src/report/tables.js";
import { buildDataset } from "../../src/analyse/dataset.js";
import { item, makePlan, score, scorer, step, system } from "../analyse/fixtures.js";
import { repoRoot } from "../check/helpers.js";
import { kinds } from "../kinds.js";

const ajv = new Ajv({ strict: false, allErrors: true });

describe.each(REPORT_KINDS.map((k) => ({ name: k.name, kind: k })))("$name report kind", ({ name, kind }) => {
  it("has a settings schema ajv compiles, closed to other settings", () => {
    const validate = ajv.compile(kind.settings);
    expect(validate({})).toBe(true);
    expect(validate({ colour: "blue" })).toBe(false);
  });

  it("is what the checker knows by that name", () => {
    expect(kinds.reports.find((k) => k.name === name)).toBe(kind);
    expect(reportKind(name)).toBe(kind);
  });
});

it("every report the example spec declares satisfies its kind's schema, and every kind is declared there", async () => {
  const loaded = await loadSpec("specs/example.vc", { kinds, cwd: repoRoot });
  const reports = compilePlan(loaded.spec!).reports;
  expect(new Set(reports.map((r) => r.kind))).toEqual(new Set(REPORT_KINDS.map((k) => k.name)));
  for (const r of reports) {
    const validate = ajv.compile(reportKind(r.kind)!.settings);
    expect(validate(r.settings), `${r.id}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
});

it("the default reports are of registered kinds, with settings those kinds read", () => {
  const models = ["mock:x", "mock:y"];
  const plan = makePlan({
    systems: [system("sv", ["a", "b"]), system("mf", ["c", "d"])],
    models,
    cultures: ["de"],
    cross: ["culture"],
    scorers: [scorer("s1", "refusal")],
    baselines: [{ id: "de_sv", label: "DE", system: "sv", source: "t", order: null, values: { a: 1, b: 2 }, culture: "de" }],
    segments: [
      { id: "v", system: "sv", scorers: ["s1"], items: [item("i1", "sv", "a", 1), item("i2", "sv", "b", 2)], contexts: [{ culture: "de", usecase: null }] },
      { id: "m", system: "mf", scorers: ["s1"], items: [item("i3", "mf", "c"), item("i4", "mf", "d")], contexts: [{ culture: "de", usecase: null }] },
    ],
  });
  const steps = plan.segments
    .flatMap((seg) =>
      seg.kind === "static"
        ? models.flatMap((model) =>
            seg.items.map((it) => ({ model, segment: seg.id, system: seg.system, dimension: it.dimension, item: it.id, culture: "de" })),
          )
        : [],
    )
    .map((s, i) => step(s, i));
  const scores = steps.map((s, i) => score(s.stepId, "s1", (i * 37) % 101));
  const defaults = defaultReports(buildDataset(plan, steps, scores));
  // Crossed, two systems, two models, difficulties and a culture baseline: every default kind.
  expect(defaults.map((r) => r.kind)).toEqual([
    "scores",
    "value_hierarchy",
    "culture_alignment",
    "context_effects",
    "cross_system",
    "model_similarity",
    "difficulty",
  ]);
  for (const r of defaults) {
    const kind = reportKind(r.kind);
    expect(kind, r.kind).toBeDefined();
    expect(ajv.compile(kind!.settings)(r.settings), r.id).toBe(true);
  }
  const built = buildReport(plan, steps, scores, { seed: 1, resamples: 20 });
  expect(built.notes.filter((n) => n.includes("not used by") || n.includes("unknown kind"))).toEqual([]);
  expect(built.tables.length).toBeGreaterThan(4 + defaults.length);
});

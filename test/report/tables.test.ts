import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import type { Plan, PlanBaseline, PlanReport } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { toCsv, writeTables, type Table } from "../../src/report/csv.js";
import { buildReport, buildTables } from "../../src/report/tables.js";
import { item, makePlan, score, scorer, step, system } from "../analyse/fixtures.js";

const MODELS = ["mock:alpha", "mock:beta", "mock:gamma"];
const SV = ["self_direction", "power", "universalism"];

function makeRun(reports: PlanReport[] = []): { plan: Plan; steps: StepRecord[]; scores: ScoreRecord[] } {
  const baselines: PlanBaseline[] = [
    { id: "pan", label: "Pan", system: "sv", source: "t", order: ["universalism", "self_direction", "power"], values: null, culture: null },
    { id: "us_values", label: "US", system: "sv", source: "t", order: null, values: { self_direction: 5, power: 2, universalism: 4 }, culture: "en_US" },
    { id: "cn_values", label: "CN", system: "sv", source: "t", order: null, values: { self_direction: 3, power: 4, universalism: 5 }, culture: "zh_CN" },
  ];
  const plan = makePlan({
    systems: [system("sv", SV), system("safety", ["toxicity", "misinfo"], [2, 1])],
    models: MODELS,
    cultures: ["en_US", "zh_CN"],
    usecases: ["general", "sex_ed"],
    cross: ["culture", "usecase"],
    reference: { culture: "en_US", usecase: "general" },
    scorers: [scorer("judge"), scorer("refused", "refusal")],
    baselines,
    reports,
    segments: [
      { id: "values", system: "sv", scorers: ["judge"], items: SV.map((d) => item(`v_${d}`, "sv", d)) },
      {
        id: "safety",
        system: "safety",
        scorers: ["judge", "refused"],
        items: [item("tox1", "safety", "toxicity", 1), item("tox2", "safety", "toxicity", 2), item("mis1", "safety", "misinfo", 1)],
      },
    ],
  });
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  let k = 0;
  // A deterministic pseudo-score in 0..100 from a counter, so no two cells are alike.
  const pseudo = () => ((k++ * 37) % 101) + 0.5 * (k % 3);
  for (const seg of plan.segments) {
    if (seg.kind !== "static") continue;
    for (const model of MODELS) {
      for (const it of seg.items) {
        for (const culture of ["en_US", "zh_CN"]) {
          for (const usecase of ["general", "sex_ed"]) {
            for (const sample of [0, 1]) {
              const failed = model === "mock:gamma" && it.id === "mis1" && sample === 1;
              const rec = step(
                {
                  model,
                  segment: seg.id,
                  system: seg.system,
                  dimension: it.dimension,
                  item: it.id,
                  culture,
                  usecase,
                  sample,
                  prompt: `=${it.id} in ${culture}: "quote", comma, 中文 😀`,
                  ...(failed ? { response: null } : { response: `-answer ${steps.length}\nsecond line` }),
                },
                steps.length,
              );
              steps.push(rec);
              scores.push(score(rec.stepId, "judge", failed ? null : pseudo(), failed ? { error: "no answer" } : { raw: { safe: true, b: [1, 2], a: "x" } }));
              if (seg.id === "safety") scores.push(score(rec.stepId, "refused", failed ? null : 0, { refused: failed ? null : k % 4 === 0 }));
            }
          }
        }
      }
    }
  }
  return { plan, steps, scores };
}

function byName(tables: Table[], name: string): Table {
  const t = tables.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}: ${tables.map((x) => x.name).join(", ")}`);
  return t;
}

function column(t: Table, name: string): unknown[] {
  const i = t.columns.indexOf(name);
  return t.rows.map((r) => r[i]);
}

describe("buildTables", () => {
  const run = makeRun();
  const tables = buildTables(run.plan, run.steps, run.scores, { seed: 11, resamples: 300, runId: "run-1" });

  it("writes the built-in tables and a default report set when the spec declares none", () => {
    expect(tables.map((t) => t.name)).toEqual([
      "responses",
      "scores",
      "leaderboard",
      "dimensions",
      "dimensions_by_context",
      "value_hierarchy",
      "value_hierarchy_ranks",
      "culture_alignment",
      "culture_alignment_steering",
      "context_effects",
      "cross_system",
      "model_similarity",
      "difficulty",
      "difficulty_drop",
    ]);
    for (const t of tables) {
      expect(t.formats).toHaveLength(t.columns.length);
      for (const r of t.rows) expect(r).toHaveLength(t.columns.length);
    }
  });

  it("responses: one row per step in plan order, the last user message as prompt", () => {
    const t = byName(tables, "responses");
    expect(t.rows).toHaveLength(run.steps.length);
    expect(column(t, "step_index")).toEqual(run.steps.map((s) => s.index));
    expect(column(t, "run_id").every((v) => v === "run-1")).toBe(true);
    expect(column(t, "prompt")[0]).toBe(run.steps[0]?.messages[1]?.content);
    expect(column(t, "difficulty").filter((d) => d !== null).length).toBeGreaterThan(0);
    expect(column(t, "error_kind").filter((e) => e === "timeout")).toHaveLength(2 * 2);
  });

  it("scores: one row per step × scorer, raw output as canonical JSON", () => {
    const t = byName(tables, "scores");
    expect(t.rows).toHaveLength(run.scores.length);
    const raw = column(t, "raw").find((r) => typeof r === "string" && r.includes("safe"));
    expect(raw).toBe('{"a":"x","b":[1,2],"safe":true}');
    expect(column(t, "scorer").slice(0, 2)).toEqual(["judge", "judge"]);
  });

  it("leaderboard: one row per model × system × context × measure, ranked, with the weighting named", () => {
    const t = byName(tables, "leaderboard");
    // sv: judge in 4 contexts; safety: judge and refused in 4 contexts.
    expect(t.rows).toHaveLength(MODELS.length * 4 * (1 + 2));
    expect(new Set(column(t, "measure"))).toEqual(new Set(["judge", "refused"]));
    expect(column(t, "scale").slice(0, 3)).toEqual(["percent", "percent", "percent"]);
    const weighting = column(t, "weighting");
    const system = column(t, "system");
    // sv weights are equal; safety's are 2 and 1.
    expect(weighting.filter((_, i) => system[i] === "sv").every((w) => w === "equal")).toBe(true);
    expect(weighting.filter((_, i) => system[i] === "safety").every((w) => w === "weighted")).toBe(true);
    // The first board (sv, en_US, general, judge) ranks the three models.
    expect(column(t, "culture").slice(0, 3)).toEqual(["en_US", "en_US", "en_US"]);
    expect(column(t, "rank").slice(0, 3)).toEqual(["1", "2", "3"]);
    const overall = column(t, "overall").slice(0, 3) as number[];
    expect([...overall].sort((a, b) => b - a)).toEqual(overall);
    // gamma's failed mis1 sample: once per context, counted by both safety measures.
    expect(column(t, "failed_steps").reduce((s: number, v) => s + (v as number), 0)).toBe(4 * 2);
    expect(new Set(column(t, "ci_method"))).toEqual(new Set(["item-bootstrap", "wilson"]));
  });

  it("analysis tables carry the plan's ids and context columns", () => {
    const ctx = byName(tables, "context_effects");
    const kinds = new Set(column(ctx, "kind"));
    expect([...kinds]).toEqual(["culture", "usecase", "culture+usecase"]);
    expect(new Set(column(ctx, "reference_culture"))).toEqual(new Set(["en_US", "(all)"]));
    // The fixture has no answers without a culture: no alignment rows, only the steering table, whose
    // two countries are too few for a correlation.
    expect(byName(tables, "culture_alignment").rows).toHaveLength(0);
    const steering = byName(tables, "culture_alignment_steering");
    expect(new Set(column(steering, "dimension"))).toEqual(new Set(SV));
    expect(column(steering, "n_countries").every((n) => n === 2)).toBe(true);
    expect(column(steering, "correlation").every((r) => r === null)).toBe(true);
    const hier = byName(tables, "value_hierarchy");
    expect(new Set(column(hier, "baseline"))).toEqual(new Set(["pan", null]));
  });

  it("names plan reports by their ids; a built-in name is prefixed; unknown kinds become notes", () => {
    const withReports = makeRun([
      { id: "leaderboard", kind: "scores", settings: { by: ["model", "system"] } },
      { id: "hier", kind: "value_hierarchy", settings: { baseline: "pan" } },
      { id: "bycult", kind: "scores", settings: { by: ["model", "culture", "dimension", "scorer"] } },
      { id: "odd", kind: "no_such_kind", settings: {} },
      { id: "sim", kind: "model_similarity", settings: { system: "sv", colour: "blue", scorer: "nope" } },
    ]);
    const built = buildReport(withReports.plan, withReports.steps, withReports.scores, { seed: 1, resamples: 50 });
    expect(built.tables.map((t) => t.name)).toEqual([
      "responses",
      "scores",
      "leaderboard",
      "dimensions",
      "report_leaderboard",
      "hier",
      "hier_ranks",
      "bycult",
      "sim",
    ]);
    expect(built.notes.some((n) => n.includes('setting "colour"'))).toBe(true);
    expect(built.notes.some((n) => n.includes('unknown scorer "nope"'))).toBe(true);
    // An unknown scorer selects no scores: no measure has a profile, so the table has its header only.
    const sim = byName(built.tables, "sim");
    expect(sim.columns.slice(0, 5)).toEqual(["system", "scorer", "model_a", "model_b", "n_dimensions"]);
    expect(sim.rows).toHaveLength(0);
    expect(built.notes.some((n) => n.includes("no_such_kind"))).toBe(true);
    expect(built.notes.some((n) => n.includes("report_leaderboard"))).toBe(true);
    // "dimension" needs its "system": it is added in front.
    expect(byName(built.tables, "bycult").columns.slice(0, 5)).toEqual(["model", "culture", "system", "dimension", "scorer"]);
    expect(byName(built.tables, "hier").rows.every((r) => r[1] === "sv")).toBe(true);
  });
});

describe("determinism", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function writeRun(run: ReturnType<typeof makeRun>, seed: number): Map<string, Buffer> {
    const dir = mkdtempSync(path.join(tmpdir(), "vc-tables-"));
    dirs.push(dir);
    const res = writeTables(dir, buildTables(run.plan, run.steps, run.scores, { seed, resamples: 200 }), { bom: false, neutralize: true });
    expect(res.ok).toBe(true);
    return new Map(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f))]));
  }

  it("the same inputs give byte-identical files, whatever order the journal lines come in", () => {
    const run = makeRun();
    const a = writeRun(run, 11);
    const b = writeRun(makeRun(), 11);
    // A resumed run's journal holds the same records in another order.
    const shuffled = { ...run, steps: [...run.steps].reverse(), scores: [...run.scores].reverse() };
    const c = writeRun(shuffled, 11);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [f, bytes] of a) {
      expect(b.get(f)?.equals(bytes)).toBe(true);
      expect(c.get(f)?.equals(bytes)).toBe(true);
    }
  });

  it("another seed changes the intervals and nothing else", () => {
    const run = makeRun();
    const a = writeRun(run, 11);
    const d = writeRun(run, 12);
    expect(d.get("responses.csv")?.equals(a.get("responses.csv") as Buffer)).toBe(true);
    expect(d.get("leaderboard.csv")?.equals(a.get("leaderboard.csv") as Buffer)).toBe(false);
    const parseCsv = (buf: Buffer) => parse(buf.toString("utf8")) as string[][];
    const la = parseCsv(a.get("leaderboard.csv") as Buffer);
    const ld = parseCsv(d.get("leaderboard.csv") as Buffer);
    const overall = (rows: string[][]) => rows.map((r) => r[3]);
    expect(overall(ld)).toEqual(overall(la));
  });

  it("written files neutralise formula-like text but keep negative numbers numeric", () => {
    const run = makeRun();
    const tables = buildTables(run.plan, run.steps, run.scores, { seed: 1, resamples: 50 });
    const responses = parse(toCsv(byName(tables, "responses"))) as string[][];
    const header = responses[0] as string[];
    expect(responses[1]?.[header.indexOf("prompt")]?.startsWith("'=")).toBe(true);
    expect(responses[1]?.[header.indexOf("response")]?.startsWith("'-answer")).toBe(true);
    const effects = parse(toCsv(byName(tables, "context_effects"))) as string[][];
    const diff = (effects[0] as string[]).indexOf("difference");
    const negative = effects
      .slice(1)
      .map((r) => r[diff] as string)
      .filter((v) => v.startsWith("-"));
    expect(negative.length).toBeGreaterThan(0);
    for (const v of negative) expect(Number.isFinite(Number(v))).toBe(true);
  });
});

import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { bankFromPlanItems, catSettingsFromPlan } from "../../src/adaptive/bank.js";
import { abilitiesPathFor, calibrateRuns, DEFAULT_CALIBRATE_OPTIONS } from "../../src/adaptive/calibrate-runs.js";
import { readPlanHeader } from "../../src/adaptive/plan-file.js";
import { main } from "../../src/cli/main.js";
import { loadSpec } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import { compilePlan } from "../../src/compile/compile.js";
import { pearson } from "./simulate.js";
import { CALIBRATED_SCHEMA, captureIO, compileProject, irtModels, makeProject, makeRun, trueItems, type TrueItem } from "./run-fixtures.js";

type Row = Record<string, unknown> & { id: string; difficulty: number; discrimination: number; se_difficulty: number | null; flag: string | null };

function readJsonl(path: string): Row[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Row);
}

async function vc(args: string[], cwd: string) {
  const cap = captureIO(cwd);
  const code = await main(args, cap.io);
  return { code, stdout: cap.out(), stderr: cap.err() };
}

describe("value-compass calibrate on simulated run directories", () => {
  const items: TrueItem[] = trueItems(40, 5);
  const models = irtModels(8);
  let project: { dir: string; spec: string };
  let runA: string;
  let runB: string;

  beforeAll(async () => {
    project = makeProject({ items, models, cultures: 5 });
    // Two runs of the same spec, each with half of the models (like `vc run --model ...`).
    runA = await makeRun(project, { runId: "run-a", models: models.slice(0, 4), failEvery: 97, scoringErrorEvery: 89 });
    runB = await makeRun(project, { runId: "run-b", models: models.slice(4) });
  }, 60_000);

  it("recovers the true difficulties (r > 0.9) and writes the items JSONL and the abilities CSV", async () => {
    const out = join(project.dir, "bank", "items.calibrated.jsonl");
    const result = await vc(["calibrate", "outputs/run-a", "outputs/run-b", "-o", "bank/items.calibrated.jsonl"], project.dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const rows = readJsonl(out);
    expect(rows.map((r) => r.id)).toEqual(items.map((i) => i.id).sort());
    const truth = new Map(items.map((i) => [i.id, i]));
    const regular = rows.filter((r) => r.flag === null);
    const r = pearson(
      regular.map((row) => row.difficulty),
      regular.map((row) => truth.get(row.id)!.b),
    );
    const ra = pearson(
      regular.map((row) => row.discrimination),
      regular.map((row) => truth.get(row.id)!.a),
    );
    console.log(
      `value-compass calibrate (2PL, 40 examinees = 8 mock:irt models × 5 cultures, 40 items): difficulty recovery r = ${r.toFixed(3)}, discrimination r = ${ra.toFixed(3)}`,
    );
    expect(r).toBeGreaterThan(0.9);

    const first = rows[0]!;
    expect(Object.keys(first).slice(0, 12)).toEqual([
      "id",
      "dimension",
      "text",
      "difficulty",
      "discrimination",
      "se_difficulty",
      "se_discrimination",
      "n",
      "p_conform",
      "flag",
      "calibrated",
      "calibration",
    ]);
    expect(first.calibration).toEqual({ irt: "2pl", scorer: "passed", threshold: 50, runs: ["run-a", "run-b"], examinees: 40 });
    // The item's own fields come along; every number is rounded to 4 decimals.
    expect(first).toMatchObject({ topic: `t-${first.id}`, b_true: truth.get(first.id)!.b });
    for (const row of rows) {
      for (const key of ["difficulty", "discrimination", "se_difficulty", "p_conform"]) {
        const v = row[key] as number;
        expect(Math.round(v * 1e4) / 1e4).toBe(v);
      }
      expect(row.n).toBeGreaterThanOrEqual(38); // 40 examinees, a few failed steps / scoring errors
    }

    // Items everybody passed / nobody passed: kept, flagged, with larger standard errors.
    const always = rows.find((row) => row.id === "zz-always")!;
    const never = rows.find((row) => row.id === "zz-never")!;
    expect(always).toMatchObject({ flag: "all_conform", p_conform: 1 });
    expect(never).toMatchObject({ flag: "none_conform", p_conform: 0 });
    const medianSe = regular.map((row) => row.se_difficulty!).sort((x, y) => x - y)[Math.floor(regular.length / 2)]!;
    expect(always.se_difficulty!).toBeGreaterThan(medianSe);
    expect(never.se_difficulty!).toBeGreaterThan(medianSe);
    expect(always.difficulty).toBeLessThan(Math.min(...regular.map((row) => row.difficulty)));
    expect(never.difficulty).toBeGreaterThan(Math.max(...regular.map((row) => row.difficulty)));

    const csv = parse(readFileSync(abilitiesPathFor(out), "utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(abilitiesPathFor(out)).toBe(join(project.dir, "bank", "items.calibrated.abilities.csv"));
    expect(Object.keys(csv[0]!)).toEqual(["examinee", "theta", "se", "score_0_100", "n_answers"]);
    expect(csv).toHaveLength(40);
    expect(csv.map((c) => c.examinee)).toEqual([...csv.map((c) => c.examinee)].sort());
    // Abilities follow the mock models' true abilities (mean over the five cultures).
    const byModel = new Map<string, number[]>();
    for (const row of csv) {
      const model = row.examinee!.split(" ")[0]!;
      byModel.set(model, [...(byModel.get(model) ?? []), Number(row.theta)]);
    }
    const trueAbility = (m: string) => Number(/ability=(-?[\d.]+)/.exec(m)![1]);
    const means = models.map((m) => byModel.get(m)!.reduce((s, v) => s + v, 0) / 5);
    expect(pearson(means, models.map(trueAbility))).toBeGreaterThan(0.95);
    for (const row of csv) expect(Number(row.score_0_100)).toBeGreaterThanOrEqual(0);

    expect(result.stdout).toMatch(/calibrated 42 items of system safety with 2PL \(default\)/);
    expect(result.stdout).toMatch(/40 examinees \(8 models × contexts\)/);
    expect(result.stdout).toMatch(/flagged .*1 item every examinee conformed to, 1 none did/);
    expect(result.stdout).toMatch(/skipped: \d+ answers without a score; \d+ scoring errors/);
    expect(result.stdout).toMatch(/wrote bank\/items\.calibrated\.jsonl \(42 items\) and bank\/items\.calibrated\.abilities\.csv \(40 examinees\)/);
  }, 60_000);

  it("is deterministic: the same runs give byte-identical files, in any argument order", async () => {
    await vc(["calibrate", "outputs/run-a", "outputs/run-b", "-o", "one.jsonl"], project.dir);
    await vc(["calibrate", "outputs/run-b", "outputs/run-a", "-o", "two.jsonl"], project.dir);
    expect(readFileSync(join(project.dir, "two.jsonl"), "utf8")).toBe(readFileSync(join(project.dir, "one.jsonl"), "utf8"));
    expect(readFileSync(join(project.dir, "two.abilities.csv"), "utf8")).toBe(readFileSync(join(project.dir, "one.abilities.csv"), "utf8"));
  }, 60_000);

  it("writes a file that a spec can use as an adaptive bank as it is", async () => {
    await vc(["calibrate", "outputs/run-a", "outputs/run-b", "-o", "calibrated.jsonl"], project.dir);
    writeFileSync(join(project.dir, "calibrated.schema.json"), JSON.stringify(CALIBRATED_SCHEMA));
    const spec = readFileSync(join(project.dir, project.spec), "utf8").replace(
      /^run \{/m,
      [
        "items calibrated_bank {",
        "  system safety",
        "  template ask",
        "  scorers [passed]",
        '  from "calibrated.jsonl"',
        '  schema "calibrated.schema.json"',
        "}",
        'adaptive cat { items calibrated_bank  irt "2pl"  exposure 0.3  stop { se 0.3, max_items 12 } }',
        "run {",
      ].join("\n"),
    );
    writeFileSync(join(project.dir, "with-bank.vc"), spec);
    const loaded = await loadSpec("with-bank.vc", { kinds, cwd: project.dir });
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const plan = compilePlan(loaded.spec!);
    const segment = plan.segments.find((s) => s.kind === "adaptive");
    expect(segment?.kind).toBe("adaptive");
    if (segment?.kind !== "adaptive") return;
    const rows = new Map(readJsonl(join(project.dir, "calibrated.jsonl")).map((r) => [r.id, r]));
    const bank = bankFromPlanItems(segment.bank);
    expect(bank).toHaveLength(42);
    for (const item of bank) {
      expect(item.b).toBe(rows.get(item.id)!.difficulty);
      expect(item.a).toBe(rows.get(item.id)!.discrimination);
      expect(item.calibrated).toBe(true);
    }
    const settings = catSettingsFromPlan(segment.settings, plan.run.sampling.seed);
    expect(settings.ok && settings.settings).toMatchObject({ model: "2pl", maxExposure: 0.3, stopSe: 0.3, maxItems: 12, seed: 7 });
  }, 60_000);

  it("1PL on request: discriminations are 1 with no standard error", async () => {
    const result = await vc(["calibrate", "outputs/run-a", "outputs/run-b", "-o", "rasch.jsonl", "--irt", "1pl"], project.dir);
    expect(result.code).toBe(0);
    const rows = readJsonl(join(project.dir, "rasch.jsonl"));
    expect(rows.every((r) => r.discrimination === 1 && r.se_discrimination === null)).toBe(true);
    const truth = new Map(items.map((i) => [i.id, i.b]));
    const regular = rows.filter((r) => r.flag === null);
    expect(
      pearson(
        regular.map((r) => r.difficulty),
        regular.map((r) => truth.get(r.id)!),
      ),
    ).toBeGreaterThan(0.9);
    expect(result.stdout).toMatch(/with 1PL \(--irt\)/);
  }, 60_000);

  it("reads the plan header (before and after the steps) without the steps", async () => {
    const plan = await compileProject(project, models.slice(0, 4));
    const header = readPlanHeader(join(runA, "plan.json"));
    expect(header.ok).toBe(true);
    if (!header.ok) return;
    expect(header.header.hash).toBe(plan.hash);
    expect(header.header.segments).toEqual(plan.segments);
    expect(header.header.systems).toEqual(plan.systems); // written after "steps"
    expect(header.header.usecases).toEqual(plan.usecases);
    expect("steps" in header.header).toBe(false);
  }, 60_000);

  it("refuses a run directory without scores, naming it (exit 1)", async () => {
    await makeRun(project, { runId: "unscored", models: models.slice(0, 4), noScores: true });
    const result = await vc(["calibrate", "outputs/run-a", "outputs/unscored", "-o", "x.jsonl"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no scores in outputs\/unscored: scores\.jsonl is missing/);
    expect(existsSync(join(project.dir, "x.jsonl"))).toBe(false);
  }, 60_000);

  it("refuses fewer than 3 examinees with an explanation (exit 1)", async () => {
    const small = makeProject({ items: items.slice(0, 10), models: models.slice(0, 2), cultures: 0 });
    await makeRun(small, { runId: "two-models" });
    const result = await vc(["calibrate", "outputs/two-models", "-o", "x.jsonl"], small.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/at least 3 examinees; found 2/);
    expect(result.stderr).toMatch(/one model under one context/);
  }, 60_000);

  it("refuses runs of different value systems unless --system picks one (then only warns)", async () => {
    const other = makeProject({ items: items.slice(0, 10), models: models.slice(0, 4), cultures: 2, system: "values", specName: "values-study" });
    const otherRun = await makeRun(other, { runId: "values-run" });
    const mixed = await vc(["calibrate", "outputs/run-a", otherRun, "-o", "x.jsonl"], project.dir);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/several value systems \(safety, values\).*--system NAME/);
    const picked = await vc(["calibrate", "outputs/run-a", otherRun, "-o", "picked.jsonl", "--system", "safety"], project.dir);
    expect(picked.code).toBe(0);
    expect(picked.stderr).toMatch(/warning: the runs come from different specs \(study, values-study\)/);
    expect(readJsonl(join(project.dir, "picked.jsonl"))).toHaveLength(42);
  }, 60_000);

  it("asks for --scorer when answers were scored by several scorers", async () => {
    await makeRun(project, { runId: "two-scorers", models: models.slice(0, 4), scorers: ["passed", "other"] });
    const ambiguous = await vc(["calibrate", "outputs/two-scorers", "-o", "x.jsonl"], project.dir);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/several scorers \(other: \d+, passed: \d+\); choose one with --scorer NAME/);
    const unknown = await vc(["calibrate", "outputs/two-scorers", "-o", "x.jsonl", "--scorer", "nope"], project.dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no scores from scorer 'nope'.*scorers with scores: other, passed/);
    // "other" scores the complement of "passed": every difficulty flips sign.
    expect((await vc(["calibrate", "outputs/two-scorers", "-o", "p.jsonl", "--scorer", "passed"], project.dir)).code).toBe(0);
    expect((await vc(["calibrate", "outputs/two-scorers", "-o", "o.jsonl", "--scorer", "other"], project.dir)).code).toBe(0);
    const p = readJsonl(join(project.dir, "p.jsonl")).filter((r) => r.flag === null);
    const o = new Map(readJsonl(join(project.dir, "o.jsonl")).map((r) => [r.id, r.difficulty]));
    expect(
      pearson(
        p.map((r) => r.difficulty),
        p.map((r) => o.get(r.id)!),
      ),
    ).toBeLessThan(-0.95);
  }, 60_000);

  it("takes the IRT model from the spec's adaptive block", async () => {
    const withCat = makeProject({ items: items.slice(0, 12), models: models.slice(0, 4), cultures: 2, adaptiveIrt: "1pl" });
    await makeRun(withCat, { runId: "r" });
    const outcome = calibrateRuns([join(withCat.dir, "outputs", "r")], DEFAULT_CALIBRATE_OPTIONS);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.report.irt).toBe("1pl");
    expect(outcome.report.irtFrom).toBe("spec");
  }, 60_000);

  it("leaves out items with fewer answers than --min-answers, and refuses when none is left", () => {
    const outcome = calibrateRuns([runA, runB], { ...DEFAULT_CALIBRATE_OPTIONS, minAnswers: 39 });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.report.dropped.fewAnswers.length).toBeGreaterThan(0);
    expect(outcome.report.items.length + outcome.report.dropped.fewAnswers.length).toBe(42);
    const none = calibrateRuns([runA, runB], { ...DEFAULT_CALIBRATE_OPTIONS, minAnswers: 41 });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.errors.join("\n")).toMatch(/no item was answered by at least 41 examinees/);
  }, 60_000);

  it("reports usage errors with exit 2 and a missing run directory with exit 1", async () => {
    expect((await vc(["calibrate", "outputs/run-a", "-o", "x.jsonl", "--irt", "3pl"], project.dir)).code).toBe(2);
    expect((await vc(["calibrate", "outputs/run-a"], project.dir)).code).toBe(2);
    expect((await vc(["calibrate", "outputs/run-a", "-o", "x.jsonl", "--threshold", "120"], project.dir)).code).toBe(2);
    const missing = await vc(["calibrate", "outputs/nothing-here", "-o", "x.jsonl"], project.dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/outputs\/nothing-here is not a directory/);
    rmSync(join(project.dir, "x.jsonl"), { force: true });
  });
});

// From a run's records to the report tables: the built-in tables every run gets (responses, scores,
// leaderboard, dimensions) and one table (or two) per report the plan declares — or a default set when
// the spec declares none. Pure and deterministic: the same plan, records and seed give the same tables,
// so `vc report RUN_DIR` reproduces a run's CSV files byte for byte. docs/outputs.md lists every column.

import type { Plan, PlanReport } from "../core/plan.js";
import type { ScoreRecord, StepRecord } from "../core/records.js";
import { leaderboard, type AggregateRow, type OverallRow, type Weighting } from "../analyse/aggregate.js";
import type { CentreMode } from "../analyse/centre.js";
import { contextEffects, type ContextEffectRow } from "../analyse/context-effects.js";
import { buildDataset, type Dataset } from "../analyse/dataset.js";
import { DEFAULT_RESAMPLES } from "../analyse/stats.js";
import { BUILTIN_TABLES, dimensionsTable, leaderboardTable, responsesTable, scoresTable } from "./builtin-tables.js";
import type { Table } from "./csv.js";
import { REPORT_KINDS, reportKind } from "./kinds/index.js";
import { defaultReports, settingStrings, type Ctx } from "./report-tables.js";

export type { Cell, Table } from "./csv.js";
export { BUILTIN_TABLES, canonicalJson, rankLeaderboard } from "./builtin-tables.js";
export { defaultReports } from "./report-tables.js";

export interface ReportOptions {
  /** Seed of every bootstrap (each cell derives its own stream from it). */
  seed: number;
  /** Bootstrap resamples. Default 2000. */
  resamples?: number;
  /** Written in the run_id column of the per-step tables (the CLI passes the run folder's name). */
  runId?: string | null;
  /**
   * Build the responses table too (default true). The run and \`vc report\` stream responses.csv from
   * the journal instead (src/report/responses.ts) and pass false: the table holds a row per step.
   */
  responses?: boolean;
  /** The step records are the final one of each step, in plan order (see DatasetOptions.ordered). */
  ordered?: boolean;
  /** Likert centring: "auto" (scorers declared with `centre true`), "off", "all". Default "auto". */
  centre?: CentreMode;
  /** Overall score: "auto" (weighted when a system's dimension weights differ), "equal", "weighted". */
  weighting?: Weighting | "auto";
}

export interface RunAnalysis {
  dataset: Dataset;
  /** Per model × system × context × measure (every scorer of every step is a measure of its own). */
  leaderboard: OverallRow[];
  /** Per model × system × context × dimension × measure. */
  dimensions: AggregateRow[];
  /** Context effects with the default settings (empty when the run crosses no context). */
  effects: ContextEffectRow[];
}

export interface BuiltReport {
  tables: Table[];
  analysis: RunAnalysis;
  /** Things worth telling the user: unknown report kinds or settings, renamed files, centring drops. */
  notes: string[];
  /** Which report (and kind) wrote each report table: the HTML report picks its figures by kind. */
  sources: TableSource[];
}

export interface TableSource {
  table: string;
  report: PlanReport;
}
// ---------------------------------------------------------------------------------------------------
// Entry points

export function analyseRun(plan: Plan, steps: Iterable<StepRecord>, scores: Iterable<ScoreRecord>, options: ReportOptions): RunAnalysis {
  const dataset = buildDataset(plan, steps, scores, options.centre ? { centre: options.centre } : {});
  return analyseDataset(dataset, options);
}

function analyseDataset(dataset: Dataset, options: ReportOptions): RunAnalysis {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  // The built-in tables hold every scorer's scores, each as its own measure, and every context apart:
  // pooling contexts or combining measures is a report's explicit choice (docs/scoring.md, "Scales").
  const board = leaderboard(dataset, {
    seed: options.seed,
    resamples,
    weighting: options.weighting ?? "auto",
    scorer: { scorers: dataset.plan.scorers.map((s) => s.id) },
  });
  const dimensions = board.dimensions;
  const effects = dataset.plan.run.cross.length > 0 ? contextEffects(dataset, { seed: options.seed, resamples }) : [];
  return { dataset, leaderboard: board.overall, dimensions, effects };
}

export function buildReport(plan: Plan, steps: Iterable<StepRecord>, scores: Iterable<ScoreRecord>, options: ReportOptions): BuiltReport {
  // Without the responses table no table reads the step records themselves: the dataset keeps its
  // per-step metas only.
  const dataset = buildDataset(plan, steps, scores, {
    ...(options.centre ? { centre: options.centre } : {}),
    records: options.responses !== false,
    ...(options.ordered ? { ordered: true } : {}),
  });
  const analysis = analyseDataset(dataset, options);
  const notes: string[] = [];
  const sources: TableSource[] = [];
  const runId = options.runId ?? null;
  const tables: Table[] = [
    ...(options.responses === false ? [] : [responsesTable(dataset, runId)]),
    scoresTable(dataset, runId),
    leaderboardTable("leaderboard", dataset, analysis.leaderboard),
    dimensionsTable(dataset, analysis.dimensions),
  ];
  if (dataset.centring.droppedRespondents > 0) {
    notes.push(`centring dropped ${dataset.centring.droppedRespondents} of ${dataset.centring.respondents} respondents with too many missing scores`);
  }
  const ctx: Ctx = {
    ds: dataset,
    seed: options.seed,
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    weighting: options.weighting ?? "auto",
    notes,
    analysis,
    profileCache: new Map(),
  };
  const reports = plan.reports.length > 0 ? plan.reports : defaultReports(dataset);
  const taken = new Set<string>(BUILTIN_TABLES);
  const claim = (wanted: string): string => {
    let name = wanted;
    for (let i = 2; taken.has(name); i++) name = `${wanted}_${i}`;
    taken.add(name);
    return name;
  };
  for (const report of reports) {
    let base = report.id;
    if ((BUILTIN_TABLES as readonly string[]).includes(base)) {
      notes.push(`report ${report.id}: "${report.id}" is a built-in table, written as report_${report.id}.csv`);
      base = `report_${report.id}`;
    }
    const kind = reportKind(report.kind);
    for (const key of Object.keys(report.settings).sort()) {
      if (kind && kind.settings.properties[key] === undefined) notes.push(`report ${report.id}: setting "${key}" is not used by ${report.kind} reports`);
    }
    const scorerIds = settingStrings(report.settings, "scorer") ?? settingStrings(report.settings, "scorers") ?? [];
    for (const id of scorerIds) {
      if (!plan.scorers.some((x) => x.id === id)) notes.push(`report ${report.id}: unknown scorer "${id}"`);
    }
    if (!kind) {
      notes.push(`report ${report.id}: unknown kind "${report.kind}" (known: ${REPORT_KINDS.map((k) => k.name).join(", ")})`);
      continue;
    }
    const produced = kind.tables(ctx, report, base);
    for (const t of produced) {
      const name = claim(t.name);
      if (name !== t.name) notes.push(`report ${report.id}: ${t.name}.csv already exists, written as ${name}.csv`);
      tables.push({ ...t, name });
      sources.push({ table: name, report });
    }
  }
  return { tables, analysis, notes, sources };
}

export function buildTables(plan: Plan, steps: Iterable<StepRecord>, scores: Iterable<ScoreRecord>, options: ReportOptions): Table[] {
  return buildReport(plan, steps, scores, options).tables;
}

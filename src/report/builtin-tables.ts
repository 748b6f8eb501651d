// The tables every run writes — responses, scores, leaderboard, dimensions — and the helpers the report
// tables share. Columns and their formats are listed here once; docs/outputs.md describes them.

import { canonicalJson } from "../core/canonical.js";
import type { Plan } from "../core/plan.js";
import type { StepRecord } from "../core/records.js";
import { POOLED_LABEL, type AggregateRow, type KeyValue, type OverallRow } from "../analyse/aggregate.js";
import type { Dataset } from "../analyse/dataset.js";
import { descendingRankInfo, rankLabel } from "../analyse/stats.js";
import { sampleSpreads, spreadKey, type SampleSpread, type SpreadKey } from "../analyse/samples.js";
import type { Cell, ColumnFormat, Table } from "./csv.js";

/** Names of the tables every run writes; a plan report with one of these ids is written as report_<id>. */
export const BUILTIN_TABLES = ["responses", "scores", "leaderboard", "dimensions"] as const;

// ---------------------------------------------------------------------------------------------------
// Table construction helpers

export type Col = [name: string, format: ColumnFormat];

export function table(name: string, cols: readonly Col[], rows: Cell[][]): Table {
  return { name, columns: cols.map((c) => c[0]), formats: cols.map((c) => c[1]), rows };
}

/** `t` with text columns in front, one cell per row each (`findings` leads with the run a row is from). */
export function withLead(t: Table, lead: ReadonlyArray<readonly [string, readonly Cell[]]>): Table {
  if (lead.length === 0) return t;
  return {
    name: t.name,
    columns: [...lead.map(([col]) => col), ...t.columns],
    formats: [...lead.map((): ColumnFormat => "text"), ...t.formats],
    rows: t.rows.map((row, i) => [...lead.map(([, cells]) => cells[i] ?? null), ...row]),
  };
}

function lastUserMessage(step: StepRecord): string | null {
  for (let i = step.messages.length - 1; i >= 0; i--) {
    const m = step.messages[i];
    if (m && m.role === "user") return m.content;
  }
  return null;
}

// The raw column is written with the project's one canonical JSON (src/core/canonical.ts), so the same
// raw output is always written the same way; re-exported for the table modules.
export { canonicalJson };

export function dimensionLabel(plan: Plan, system: string, dimension: string): string | null {
  return plan.systems.find((s) => s.id === system)?.dimensions.find((d) => d.id === dimension)?.label ?? null;
}

export function dimensionWeight(plan: Plan, system: string, dimension: string): number | null {
  return plan.systems.find((s) => s.id === system)?.dimensions.find((d) => d.id === dimension)?.weight ?? null;
}

// ---------------------------------------------------------------------------------------------------
// Built-in tables

// responses.csv: `vc run` streams it through this table in batches (src/report/responses.ts), so the run
// and `vc report` write the same columns and bytes.
const RESPONSE_COLUMNS: Col[] = [
  ["run_id", "text"],
  ["step_id", "text"],
  ["step_index", "int"],
  ["segment", "text"],
  ["model", "text"],
  ["system", "text"],
  ["dimension", "text"],
  ["item", "text"],
  ["difficulty", "num"],
  ["culture", "text"],
  ["usecase", "text"],
  ["sample", "int"],
  ["prompt", "text"],
  ["response", "text"],
  ["latency_ms", "int"],
  ["tokens_in", "int"],
  ["tokens_out", "int"],
  ["cached", "bool"],
  ["attempts", "int"],
  ["mock", "bool"],
  ["error_kind", "text"],
  ["error", "text"],
];

export function responsesTable(ds: Dataset, runId: string | null): Table {
  const rows = ds.steps.map((s, i): Cell[] => [
    runId,
    s.stepId,
    s.index,
    s.segment,
    s.model,
    s.system,
    s.dimension,
    s.item,
    ds.metas.at(i)?.difficulty ?? null,
    s.context.culture,
    s.context.usecase,
    s.sample,
    lastUserMessage(s),
    s.response,
    s.latencyMs,
    s.tokensIn,
    s.tokensOut,
    s.cached,
    s.attempts,
    s.mock,
    s.error?.kind ?? null,
    s.error ? `${s.error.kind}: ${s.error.message}` : null,
  ]);
  return table("responses", RESPONSE_COLUMNS, rows);
}

const SCORE_COLUMNS: Col[] = [
  ["run_id", "text"],
  ["step_id", "text"],
  ["step_index", "int"],
  ["segment", "text"],
  ["model", "text"],
  ["system", "text"],
  ["dimension", "text"],
  ["item", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["sample", "int"],
  ["scorer", "text"],
  ["primary", "bool"],
  ["score", "score"],
  ["centred_score", "score"],
  ["verdict", "text"],
  ["rule", "text"],
  ["refused", "bool"],
  ["outcome", "text"],
  ["error", "text"],
  ["judge_model", "text"],
  ["judge_cached", "bool"],
  ["judge_attempts", "int"],
  ["raw", "json"],
];

export function scoresTable(ds: Dataset, runId: string | null): Table {
  const rows: Cell[][] = [];
  ds.metas.forEach((m, i) => {
    for (const u of ds.unitsByStep[i] ?? []) {
      const r = u.record;
      rows.push([
        runId,
        m.stepId,
        m.index,
        m.segment,
        m.model,
        m.system,
        m.dimension,
        m.item,
        m.culture,
        m.usecase,
        m.sample,
        u.scorer,
        u.primary,
        u.rawScore,
        u.centred ? u.score : null,
        r.verdict,
        r.rule,
        r.refused,
        r.outcome ?? null,
        r.error,
        r.judge?.model ?? null,
        r.judge?.cached ?? null,
        r.judge?.attempts ?? null,
        canonicalJson(r.raw),
      ]);
    }
  });
  // Score records of steps the journal does not hold: kept, with what the record itself says.
  for (const r of ds.orphans) {
    rows.push([
      runId,
      r.stepId,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      r.scorer,
      null,
      r.score,
      null,
      r.verdict,
      r.rule,
      r.refused,
      r.outcome ?? null,
      r.error,
      r.judge?.model ?? null,
      r.judge?.cached ?? null,
      r.judge?.attempts ?? null,
      canonicalJson(r.raw),
    ]);
  }
  return table("scores", SCORE_COLUMNS, rows);
}

/** The statistics of a score row, in every score table (docs/outputs.md, "Score statistics"). */
export const STAT_COLUMNS: Col[] = [
  ["n", "int"],
  ["items", "int"],
  ["mean", "score"],
  ["sd", "score"],
  ["ci_low", "score"],
  ["ci_high", "score"],
  ["ci_method", "text"],
  ["steps", "int"],
  ["failed_steps", "int"],
  ["scoring_errors", "int"],
  ["refusal_rate", "rate"],
  ["refusal_ci_low", "rate"],
  ["refusal_ci_high", "rate"],
  ["refusals", "int"],
  ["refusal_known", "int"],
];

export function statCells(r: AggregateRow): Cell[] {
  return [
    r.n,
    r.items,
    r.mean,
    r.sd,
    r.ci?.low ?? null,
    r.ci?.high ?? null,
    r.ciMethod,
    r.steps,
    r.failedSteps,
    r.scoringErrors,
    r.refusalRate,
    r.refusalCi?.low ?? null,
    r.refusalCi?.high ?? null,
    r.refusals,
    r.refusalKnown,
  ];
}

// Repeated samples of an item (src/analyse/samples.ts): how many items have two or more, the share whose
// samples agree, the mean within-item variance. Fixed columns, empty when the run has one sample.
export const SAMPLE_COLUMNS: Col[] = [
  ["sampled_items", "int"],
  ["sample_agreement", "rate"],
  ["sample_variance", "score"],
];

/**
 * The sample spread of a table row: one measure (scorer), in one context or pooled over contexts, like
 * the row itself. A combined row (several measures) has none.
 */
function rowSpreads(
  ds: Dataset,
  extra: readonly SpreadKey[],
): (
  model: KeyValue,
  system: string,
  extraValues: readonly KeyValue[],
  culture: KeyValue,
  usecase: KeyValue,
  measure: string | null,
) => SampleSpread | undefined {
  const every = { scorers: ds.plan.scorers.map((s) => s.id) };
  const perContext = sampleSpreads(ds, ["model", "system", ...extra, "culture", "usecase", "scorer"], every);
  const pooled = sampleSpreads(ds, ["model", "system", ...extra, "scorer"], every);
  return (model, system, extraValues, culture, usecase, measure) => {
    if (measure === null) return undefined;
    return culture === POOLED_LABEL || usecase === POOLED_LABEL
      ? pooled.get(spreadKey([model, system, ...extraValues, measure]))
      : perContext.get(spreadKey([model, system, ...extraValues, culture, usecase, measure]));
  };
}

export function sampleCells(s: SampleSpread | undefined): Cell[] {
  return s && s.items > 0 ? [s.items, s.agreement, s.variance] : [null, null, null];
}

const LEADERBOARD_COLUMNS: Col[] = [
  ["system", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["measure", "text"],
  ["scale", "text"],
  ["rank", "text"],
  ["model", "text"],
  ["overall", "score"],
  ["ci_low", "score"],
  ["ci_high", "score"],
  ["ci_method", "text"],
  ["weighting", "text"],
  ["centred", "bool"],
  ["n", "int"],
  ["items", "int"],
  ["dimensions", "int"],
  ["dimensions_total", "int"],
  ["steps", "int"],
  ["failed_steps", "int"],
  ["scoring_errors", "int"],
  ["refusal_rate", "rate"],
  ["refusal_ci_low", "rate"],
  ["refusal_ci_high", "rate"],
  ["refusals", "int"],
  ["refusal_known", "int"],
  ...SAMPLE_COLUMNS,
];

/** The board a row is ranked on: one system, one context, one measure. */
function boardOf(r: OverallRow): string {
  return JSON.stringify([r.system, r.culture, r.usecase, r.measure]);
}

/**
 * Leaderboard order: per system (plan order), context (plan order; rows over several contexts last),
 * measure (plan order; combined rows after their parts), best overall first. Rank 1 = best within one
 * system, context and measure; ties share a rank; a row without an overall has no rank.
 */
export function rankLeaderboard(ds: Dataset, rows: readonly OverallRow[]): Array<{ row: OverallRow; rank: string | null }> {
  const ctxOrder = (v: string | null, f: (id: string | null) => number) => (v === POOLED_LABEL ? Number.MAX_SAFE_INTEGER : f(v));
  const measureOrder = (m: string) => (ds.plan.scorers.some((s) => s.id === m) ? ds.order.scorer(m) : Number.MAX_SAFE_INTEGER);
  const lex = (a: string | null, b: string | null) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);
  const sorted = [...rows].sort(
    (a, b) =>
      ds.order.system(a.system) - ds.order.system(b.system) ||
      lex(a.system, b.system) ||
      ctxOrder(a.culture, ds.order.culture) - ctxOrder(b.culture, ds.order.culture) ||
      lex(a.culture, b.culture) ||
      ctxOrder(a.usecase, ds.order.usecase) - ctxOrder(b.usecase, ds.order.usecase) ||
      lex(a.usecase, b.usecase) ||
      measureOrder(a.measure) - measureOrder(b.measure) ||
      lex(a.measure, b.measure) ||
      (b.overall ?? Number.NEGATIVE_INFINITY) - (a.overall ?? Number.NEGATIVE_INFINITY) ||
      ds.order.model(a.model) - ds.order.model(b.model) ||
      lex(a.model, b.model),
  );
  // Ranks per board with the analyses' tie tolerance: equal overalls share a rank written "2=", and a
  // board whose overalls are all equal (a flat board, e.g. three all-zero models) ranks no one.
  const ranks = new Map<OverallRow, string>();
  const boards = new Map<string, OverallRow[]>();
  for (const row of sorted) {
    if (row.overall === null) continue;
    const board = boardOf(row);
    boards.set(board, [...(boards.get(board) ?? []), row]);
  }
  for (const members of boards.values()) {
    const info = descendingRankInfo(members.map((r) => r.overall as number));
    if (info === null) continue;
    members.forEach((r, i) => {
      const ri = info[i];
      if (ri) ranks.set(r, rankLabel(ri.min, ri.tied));
    });
  }
  return sorted.map((row) => ({ row, rank: ranks.get(row) ?? null }));
}

/** `selection`: the scorers the rows were computed with (for the sample columns). */
export function leaderboardTable(name: string, ds: Dataset, rows: readonly OverallRow[]): Table {
  const spreadOfRow = rowSpreads(ds, []);
  return table(
    name,
    LEADERBOARD_COLUMNS,
    rankLeaderboard(ds, rows).map(({ row: r, rank }) => [
      r.system,
      r.culture,
      r.usecase,
      r.measure,
      r.scale,
      rank,
      r.model,
      r.overall,
      r.ci?.low ?? null,
      r.ci?.high ?? null,
      r.ciMethod,
      r.weighting,
      r.centred,
      r.n,
      r.items,
      r.dimensions,
      r.dimensionsTotal,
      r.steps,
      r.failedSteps,
      r.scoringErrors,
      r.refusalRate,
      r.refusalCi?.low ?? null,
      r.refusalCi?.high ?? null,
      r.refusals,
      r.refusalKnown,
      ...sampleCells(spreadOfRow(r.model, r.system, [], r.culture, r.usecase, r.measure)),
    ]),
  );
}

const DIMENSION_COLUMNS: Col[] = [
  ["model", "text"],
  ["system", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["dimension", "text"],
  ["label", "text"],
  ["weight", "num"],
  ["measure", "text"],
  ["scale", "text"],
  ["centred", "bool"],
  ...STAT_COLUMNS,
  ...SAMPLE_COLUMNS,
];

export function dimensionsTable(ds: Dataset, rows: readonly AggregateRow[]): Table {
  const spreadOfRow = rowSpreads(ds, ["dimension"]);
  return table(
    "dimensions",
    DIMENSION_COLUMNS,
    rows.map((r) => {
      const system = String(r.keys.system);
      const dimension = String(r.keys.dimension);
      return [
        r.keys.model ?? null,
        system,
        r.keys.culture ?? null,
        r.keys.usecase ?? null,
        dimension,
        dimensionLabel(ds.plan, system, dimension),
        dimensionWeight(ds.plan, system, dimension),
        r.measure,
        r.scale,
        r.centred,
        ...statCells(r),
        ...sampleCells(spreadOfRow(r.keys.model ?? null, system, [dimension], r.keys.culture ?? null, r.keys.usecase ?? null, r.measure)),
      ];
    }),
  );
}

// The tables every run writes — responses, scores, leaderboard, dimensions — and the helpers the report
// tables share. Columns and their formats are listed here once; docs/outputs.md describes them.

import { canonicalJson } from "../core/canonical.js";
import type { Plan } from "../core/plan.js";
import type { StepRecord } from "../core/records.js";
import type { AggregateRow, OverallRow, ScorerSelection } from "../analyse/aggregate.js";
import type { Dataset } from "../analyse/dataset.js";
import { sampleSpreads, spreadKey, type SampleSpread } from "../analyse/samples.js";
import type { Cell, ColumnFormat, Table } from "./csv.js";

/** Names of the tables every run writes; a plan report with one of these ids is written as report_<id>. */
export const BUILTIN_TABLES = ["responses", "scores", "leaderboard", "dimensions"] as const;

// ---------------------------------------------------------------------------------------------------
// Table construction helpers

export type Col = [name: string, format: ColumnFormat];

export function table(name: string, cols: readonly Col[], rows: Cell[][]): Table {
  return { name, columns: cols.map((c) => c[0]), formats: cols.map((c) => c[1]), rows };
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
    ds.metas[i]?.difficulty ?? null,
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
      r.error,
      r.judge?.model ?? null,
      r.judge?.cached ?? null,
      r.judge?.attempts ?? null,
      canonicalJson(r.raw),
    ]);
  }
  return table("scores", SCORE_COLUMNS, rows);
}

export const STAT_COLUMNS: Col[] = [
  ["n", "int"],
  ["mean", "score"],
  ["sd", "score"],
  ["ci_low", "score"],
  ["ci_high", "score"],
  ["steps", "int"],
  ["failed_steps", "int"],
  ["scoring_errors", "int"],
  ["refusal_rate", "rate"],
  ["refusals", "int"],
  ["refusal_known", "int"],
];

export function statCells(r: AggregateRow): Cell[] {
  return [
    r.n,
    r.mean,
    r.sd,
    r.ci?.low ?? null,
    r.ci?.high ?? null,
    r.steps,
    r.failedSteps,
    r.scoringErrors,
    r.refusalRate,
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

export function sampleCells(s: SampleSpread | undefined): Cell[] {
  return s && s.items > 0 ? [s.items, s.agreement, s.variance] : [null, null, null];
}

const LEADERBOARD_COLUMNS: Col[] = [
  ["system", "text"],
  ["rank", "int"],
  ["model", "text"],
  ["overall", "score"],
  ["ci_low", "score"],
  ["ci_high", "score"],
  ["weighting", "text"],
  ["centred", "bool"],
  ["n", "int"],
  ["dimensions", "int"],
  ["dimensions_total", "int"],
  ["steps", "int"],
  ["failed_steps", "int"],
  ["scoring_errors", "int"],
  ["refusal_rate", "rate"],
  ["refusals", "int"],
  ["refusal_known", "int"],
  ...SAMPLE_COLUMNS,
];

/** Leaderboard order: per system (plan order), best overall first; rank 1 = best, ties share a rank. */
export function rankLeaderboard(ds: Dataset, rows: readonly OverallRow[]): Array<{ row: OverallRow; rank: number | null }> {
  const sorted = [...rows].sort(
    (a, b) =>
      ds.order.system(a.system) - ds.order.system(b.system) ||
      (a.system < b.system ? -1 : a.system > b.system ? 1 : 0) ||
      (b.overall ?? Number.NEGATIVE_INFINITY) - (a.overall ?? Number.NEGATIVE_INFINITY) ||
      ds.order.model(a.model) - ds.order.model(b.model) ||
      (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
  );
  const out: Array<{ row: OverallRow; rank: number | null }> = [];
  sorted.forEach((row, i) => {
    const prev = out[i - 1];
    let rank: number | null = null;
    if (row.overall !== null) {
      rank = prev && prev.row.system === row.system && prev.row.overall === row.overall ? prev.rank : 1 + out.filter((o) => o.row.system === row.system).length;
    }
    out.push({ row, rank });
  });
  return out;
}

/** `selection`: the scorers the rows were computed with (for the sample columns). */
export function leaderboardTable(name: string, ds: Dataset, rows: readonly OverallRow[], selection: ScorerSelection = "primary"): Table {
  const spreads = sampleSpreads(ds, ["model", "system"], selection);
  return table(
    name,
    LEADERBOARD_COLUMNS,
    rankLeaderboard(ds, rows).map(({ row: r, rank }) => [
      r.system,
      rank,
      r.model,
      r.overall,
      r.ci?.low ?? null,
      r.ci?.high ?? null,
      r.weighting,
      r.centred,
      r.n,
      r.dimensions,
      r.dimensionsTotal,
      r.steps,
      r.failedSteps,
      r.scoringErrors,
      r.refusalRate,
      r.refusals,
      r.refusalKnown,
      ...sampleCells(spreads.get(spreadKey([r.model, r.system]))),
    ]),
  );
}

const DIMENSION_COLUMNS: Col[] = [
  ["model", "text"],
  ["system", "text"],
  ["dimension", "text"],
  ["label", "text"],
  ["weight", "num"],
  ["scorers", "text"],
  ["centred", "bool"],
  ...STAT_COLUMNS,
  ...SAMPLE_COLUMNS,
];

export function dimensionsTable(ds: Dataset, rows: readonly AggregateRow[]): Table {
  const spreads = sampleSpreads(ds, ["model", "system", "dimension"]);
  return table(
    "dimensions",
    DIMENSION_COLUMNS,
    rows.map((r) => {
      const system = String(r.keys.system);
      const dimension = String(r.keys.dimension);
      return [
        r.keys.model ?? null,
        system,
        dimension,
        dimensionLabel(ds.plan, system, dimension),
        dimensionWeight(ds.plan, system, dimension),
        r.scorers.join("+") || null,
        r.centred,
        ...statCells(r),
        ...sampleCells(spreads.get(spreadKey([r.keys.model, system, dimension]))),
      ];
    }),
  );
}


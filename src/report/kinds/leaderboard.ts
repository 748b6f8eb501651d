// The `leaderboard` report kind: one overall score per model, system, context and measure, with a
// chosen weighting of dimensions; contexts pooled and measures combined only when the report says so
// (`contexts pooled`, `combine zscore`, `combine { a: 1, b: 1 }`; docs/outputs.md, docs/scoring.md).

import { combineMeasures, leaderboard, type Combine } from "../../analyse/aggregate.js";
import { CheckCodes } from "../../check/codes.js";
import { suggestionNotes } from "../../check/context.js";
import type { ReportCheckInput } from "../../check/kinds.js";
import { readNumber, readObject, resolveParams } from "../../check/values.js";
import type { Json, PlanReport } from "../../core/plan.js";
import { HUNDRED_POINT_SCALES } from "../../core/scale.js";
import { leaderboardTable } from "../builtin-tables.js";
import type { Table } from "../csv.js";
import { scorerSetting, settingString, WEIGHTINGS, weightingSetting, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS } from "./define.js";

export const CONTEXT_POOLING = ["separate", "pooled"] as const;

export const leaderboardKind = defineReportKind({
  name: "leaderboard",
  settings: {
    type: "object",
    description: "one overall score per model, system, context and measure → `<id>.csv`",
    properties: {
      weighting: {
        type: "string",
        enum: [...WEIGHTINGS],
        description: "`weighted` by the dimensions' weights, `equal`, or `auto` (weighted when they differ)",
      },
      contexts: {
        type: "string",
        enum: [...CONTEXT_POOLING],
        description: "`separate` (default): a row per context; `pooled`: one row over every context",
      },
      combine: {
        type: ["string", "object"],
        description: "one number across measures: `zscore`, or weights per scorer `{ a: 1, b: 2 }`",
      },
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  check: checkCombine,
  tables: (ctx, report, name) => leaderboardReport(ctx, report, name),
});

/**
 * `combine zscore` needs two models to standardise over; `combine { scorer: weight }` names scorers
 * with positive weights, whose scores share the 0–100 unit (a centred measure has no overall, and a
 * theta is on another unit: standardise those with zscore instead).
 */
function checkCombine({ ctx, file, props, run, scales, settings }: ReportCheckInput): void {
  const p = props.get("combine");
  if (!p) return;
  const v = resolveParams(ctx, file, p.value);
  if (!v) return;
  if (v.kind === "Ref" || v.kind === "String") {
    const word = v.kind === "Ref" ? v.name : v.value;
    if (word !== "zscore") {
      ctx.error(CheckCodes.OUT_OF_RANGE, `combine must be zscore or weights per scorer, not '${word}'`, file, v.span, [
        "e.g. combine zscore, or combine { pvq: 1, expression: 1 }",
      ]);
      return;
    }
    if (run.models.length < 2) {
      ctx.error(CheckCodes.OUT_OF_RANGE, "combine zscore standardises each measure across models, and the run has one model", file, v.span, [
        "add models to the run, or combine with weights: combine { a: 1, b: 1 }",
      ]);
      return;
    }
    settings.combine = "zscore";
    return;
  }
  const entries = readObject(ctx, file, v, "combine");
  if (!entries) return;
  const weights: Record<string, Json> = {};
  const known = [...scales.keys()];
  for (const e of entries) {
    const scale = scales.get(e.key);
    if (scale === undefined) {
      ctx.error(CheckCodes.UNDEFINED, `combine names '${e.key}', which is not a scorer`, file, e.keySpan, suggestionNotes(e.key, known, "scorers"));
      continue;
    }
    const w = readNumber(ctx, file, e.value, `weight of ${e.key}`, { min: 0, minExclusive: true });
    if (w === undefined) continue;
    if (!HUNDRED_POINT_SCALES.includes(scale)) {
      ctx.error(CheckCodes.BAD_SCORER_SETTING, `combine cannot weight '${e.key}': its scale is ${scale}, not a 0–100 score`, file, e.keySpan, [
        scale === "centred" ? "centred scores have no overall (they sum to zero across dimensions)" : "standardise instead: combine zscore",
      ]);
      continue;
    }
    weights[e.key] = w;
  }
  if (entries.length === 1 && Object.keys(weights).length === 1) {
    ctx.warn(CheckCodes.OUT_OF_RANGE, "combine names one scorer: there is nothing to combine", file, v.span);
  }
  settings.combine = weights;
}

/** The plan's `combine`, read leniently: zscore, weights, or null (with a note when unreadable). */
function combineSetting(report: PlanReport, notes: string[]): Combine | null {
  const c = report.settings["combine"];
  if (c === undefined || c === null) return null;
  if (c === "zscore") return "zscore";
  if (typeof c === "object" && !Array.isArray(c)) {
    const weights: Record<string, number> = {};
    for (const [k, w] of Object.entries(c)) if (typeof w === "number" && w > 0) weights[k] = w;
    if (Object.keys(weights).length > 0) return { weights };
  }
  notes.push(`report ${report.id}: combine must be zscore or weights per scorer; measures are not combined`);
  return null;
}

function leaderboardReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const weighting = weightingSetting(report.settings) ?? ctx.weighting;
  // Like leaderboard.csv, every scorer is a measure of its own unless the report names scorers.
  const named = scorerSetting(report.settings);
  const scorer = named === "primary" ? { scorers: ctx.ds.plan.scorers.map((s) => s.id) } : named;
  const contexts = settingString(report.settings, "contexts") === "pooled" ? "pooled" : "separate";
  // The same seeds as leaderboard.csv, so a row the two tables share has the same interval.
  const board = leaderboard(ctx.ds, { seed: ctx.seed, resamples: ctx.resamples, weighting, scorer, contexts });
  const combine = combineSetting(report, ctx.notes);
  const notes: string[] = [];
  const combined = combine === null ? [] : combineMeasures(ctx.ds, board.overall, combine, notes);
  for (const n of notes) ctx.notes.push(`report ${report.id}: ${n}`);
  return [leaderboardTable(name, ctx.ds, [...board.overall, ...combined])];
}

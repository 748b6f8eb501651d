// The `leaderboard` report kind: one overall score per model, with a chosen weighting of
// dimensions (docs/outputs.md).

import { aggregate, overallScores } from "../../analyse/aggregate.js";
import type { PlanReport } from "../../core/plan.js";
import { leaderboardTable } from "../builtin-tables.js";
import type { Table } from "../csv.js";
import { scorerSetting, WEIGHTINGS, weightingSetting, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS } from "./define.js";

export const leaderboardKind = defineReportKind({
  name: "leaderboard",
  settings: {
    type: "object",
    description: "one overall score per model and system → `<id>.csv`",
    properties: {
      weighting: {
        type: "string",
        enum: [...WEIGHTINGS],
        description: "`weighted` by the dimensions' weights, `equal`, or `auto` (weighted when they differ)",
      },
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  tables: (ctx, report, name) => leaderboardReport(ctx, report, name),
});

function leaderboardReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const weighting = weightingSetting(report.settings) ?? ctx.weighting;
  const scorer = scorerSetting(report.settings);
  const dims = aggregate(ctx.ds, ["model", "system", "dimension"], { seed: ctx.seed, resamples: ctx.resamples, scorer });
  const rows = overallScores(ctx.ds, dims, { seed: ctx.seed, resamples: ctx.resamples, weighting });
  return [leaderboardTable(name, ctx.ds, rows, scorer)];
}

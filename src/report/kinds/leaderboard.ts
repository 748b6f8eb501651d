// The `leaderboard` report kind: one overall score per model, with a chosen weighting of
// dimensions (docs/outputs.md).

import { aggregate, overallScores } from "../../analyse/aggregate.js";
import type { PlanReport } from "../../core/plan.js";
import { leaderboardTable } from "../builtin-tables.js";
import type { Table } from "../csv.js";
import { scorerSetting, WEIGHTINGS, weightingSetting, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS, type ScorerChoice } from "./define.js";

export interface LeaderboardSettings extends ScorerChoice {
  weighting?: string | null;
}

export const leaderboardKind = defineReportKind<LeaderboardSettings>({
  name: "leaderboard",
  settings: {
    type: "object",
    properties: {
      weighting: {
        type: "string",
        enum: [...WEIGHTINGS],
        nullable: true,
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
  return [leaderboardTable(name, ctx.ds, rows)];
}

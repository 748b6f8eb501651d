// The `difficulty` report kind: scores per difficulty level, and how much they drop from the
// easiest level to the hardest (docs/outputs.md).

import { difficultyLevels } from "../../analyse/difficulty.js";
import type { PlanReport } from "../../core/plan.js";
import { table } from "../builtin-tables.js";
import type { Table } from "../csv.js";
import { scorerSetting, settingStrings, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const difficultyKind = defineReportKind({
  name: "difficulty",
  settings: {
    type: "object",
    description: "scores per difficulty level and the drop from easiest to hardest → `<id>.csv`, `<id>_drop.csv`",
    properties: {
      ...SYSTEM_SETTINGS,
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  tables: (ctx, report, name) => difficultyReport(ctx, report, name),
});

function difficultyReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const systems = settingStrings(report.settings, "system") ?? settingStrings(report.settings, "systems");
  const { levels, drops } = difficultyLevels(ctx.ds, {
    seed: ctx.seed,
    resamples: ctx.resamples,
    scorer,
    ...(systems ? { systems } : {}),
  });
  return [
    table(
      name,
      [
        ["model", "text"],
        ["system", "text"],
        ["dimension", "text"],
        ["difficulty", "num"],
        ["n", "int"],
        ["mean", "score"],
        ["ci_low", "score"],
        ["ci_high", "score"],
      ],
      levels.map((r) => [r.model, r.system, r.dimension, r.difficulty, r.n, r.mean, r.ci?.low ?? null, r.ci?.high ?? null]),
    ),
    table(
      `${name}_drop`,
      [
        ["model", "text"],
        ["system", "text"],
        ["dimension", "text"],
        ["levels", "int"],
        ["easiest", "num"],
        ["hardest", "num"],
        ["easiest_n", "int"],
        ["easiest_mean", "score"],
        ["hardest_n", "int"],
        ["hardest_mean", "score"],
        ["drop", "score"],
        ["ci_low", "score"],
        ["ci_high", "score"],
        ["correlation", "corr"],
        ["n", "int"],
      ],
      drops.map((r) => [
        r.model,
        r.system,
        r.dimension,
        r.levels,
        r.easiest,
        r.hardest,
        r.easiestN,
        r.easiestMean,
        r.hardestN,
        r.hardestMean,
        r.drop,
        r.ci?.low ?? null,
        r.ci?.high ?? null,
        r.correlation,
        r.n,
      ]),
    ),
  ];
}

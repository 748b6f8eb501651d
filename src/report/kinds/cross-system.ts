// The `cross_system` report kind: correlations between the dimensions of value systems across
// models, each dimension's means of one measure (scorer), with 95% Fisher-z intervals, p-values and
// Benjamini–Hochberg adjusted p-values over the table (docs/outputs.md).

import { crossSystem, type DimensionRef } from "../../analyse/cross-system.js";
import { profileMeasures, systemDimensions } from "../../analyse/profiles.js";
import type { PlanReport } from "../../core/plan.js";
import { table } from "../builtin-tables.js";
import type { Table } from "../csv.js";
import { profilesFor, scorerSetting, settingBoolean, targetSystems, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const crossSystemKind = defineReportKind({
  name: "cross_system",
  settings: {
    type: "object",
    description: "correlations between the dimensions of value systems across models → `<id>.csv`",
    properties: {
      ...SYSTEM_SETTINGS,
      within: { type: "boolean", description: "also pairs within one system (default true)" },
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  tables: (ctx, report, name) => crossSystemReport(ctx, report, name),
});

function crossSystemReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const systems = targetSystems(ctx, report);
  const within = settingBoolean(report.settings, "within") ?? true;
  const profiles = profilesFor(ctx, scorer, "all", true).filter((p) => systems.includes(p.system));
  // One variable per system × measure × dimension: a model's mean of one scorer, never of two pooled.
  const dims: DimensionRef[] = systems.flatMap((system) =>
    profileMeasures(
      ctx.ds,
      profiles.filter((p) => p.system === system),
    ).flatMap((measure) =>
      systemDimensions(ctx.ds, system).map((dimension) => (measure === undefined ? { system, dimension } : { system, dimension, measure })),
    ),
  );
  const rows = crossSystem(profiles, dims, { includeSameSystem: within });
  return [
    table(
      name,
      [
        ["system_a", "text"],
        ["dimension_a", "text"],
        ["scorer_a", "text"],
        ["system_b", "text"],
        ["dimension_b", "text"],
        ["scorer_b", "text"],
        ["same_system", "bool"],
        ["n_models", "int"],
        ["pearson", "corr"],
        ["pearson_ci_low", "corr"],
        ["pearson_ci_high", "corr"],
        ["pearson_p", "p"],
        ["pearson_q", "p"],
        ["spearman", "corr"],
        ["spearman_ci_low", "corr"],
        ["spearman_ci_high", "corr"],
        ["spearman_p", "p"],
        ["spearman_q", "p"],
        ["note", "text"],
      ],
      rows.map((r) => [
        r.a.system,
        r.a.dimension,
        r.a.measure ?? null,
        r.b.system,
        r.b.dimension,
        r.b.measure ?? null,
        r.sameSystem,
        r.n,
        r.pearson,
        r.pearsonCi?.low ?? null,
        r.pearsonCi?.high ?? null,
        r.pearsonP,
        r.pearsonQ,
        r.spearman,
        r.spearmanCi?.low ?? null,
        r.spearmanCi?.high ?? null,
        r.spearmanP,
        r.spearmanQ,
        r.note,
      ]),
    ),
  ];
}

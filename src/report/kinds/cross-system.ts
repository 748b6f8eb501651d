// The `cross_system` report kind: correlations between the dimensions of value systems across
// models (docs/outputs.md).

import { crossSystem, type DimensionRef } from "../../analyse/cross-system.js";
import { systemDimensions } from "../../analyse/profiles.js";
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
  const dims: DimensionRef[] = systems.flatMap((system) => systemDimensions(ctx.ds, system).map((dimension) => ({ system, dimension })));
  const profiles = profilesFor(ctx, scorer, "all").filter((p) => systems.includes(p.system));
  const rows = crossSystem(profiles, dims, { includeSameSystem: within });
  return [
    table(
      name,
      [
        ["system_a", "text"],
        ["dimension_a", "text"],
        ["system_b", "text"],
        ["dimension_b", "text"],
        ["same_system", "bool"],
        ["n_models", "int"],
        ["pearson", "corr"],
        ["spearman", "corr"],
      ],
      rows.map((r) => [r.a.system, r.a.dimension, r.b.system, r.b.dimension, r.sameSystem, r.n, r.pearson, r.spearman]),
    ),
  ];
}

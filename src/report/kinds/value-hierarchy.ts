// The `value_hierarchy` report kind: each model's order of values, compared with a baseline's
// (docs/outputs.md).

import { sliceCulture, sliceUsecase, systemDimensions } from "../../analyse/profiles.js";
import { valueHierarchy } from "../../analyse/hierarchy.js";
import type { PlanReport } from "../../core/plan.js";
import { dimensionLabel, table } from "../builtin-tables.js";
import type { Cell, Table } from "../csv.js";
import { findBaseline, profilesFor, scorerSetting, settingString, settingStrings, targetSystems, type Ctx } from "../report-tables.js";
import { defineReportKind, NAMES, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const valueHierarchyKind = defineReportKind({
  name: "value_hierarchy",
  settings: {
    type: "object",
    description: "each model's order of values against a baseline's → `<id>.csv`, `<id>_ranks.csv`",
    properties: {
      ...SYSTEM_SETTINGS,
      baseline: { ...NAMES, description: "the baseline to compare with (default: the system's baseline without a culture)" },
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  tables: (ctx, report, name) => hierarchyReport(ctx, report, name),
});

function hierarchyReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const baselineId = settingString(report.settings, "baseline");
  const named = baselineId !== null ? findBaseline(ctx, baselineId, report) : null;
  const systems =
    named && settingStrings(report.settings, "system") === null ? [named.system] : targetSystems(ctx, report);
  const profiles = profilesFor(ctx, scorer, "each+all");
  const summary: Cell[][] = [];
  const ranks: Cell[][] = [];
  for (const system of systems) {
    const baseline =
      named && named.system === system
        ? named
        : baselineId === null
          ? (ctx.ds.plan.baselines.find((b) => b.system === system && b.culture === null) ?? null)
          : null;
    const dims = systemDimensions(ctx.ds, system);
    const rows = valueHierarchy(
      profiles.filter((p) => p.system === system),
      dims,
      baseline,
    );
    for (const r of rows) {
      const culture = sliceCulture(r.slice);
      const usecase = sliceUsecase(r.slice);
      summary.push([
        r.model,
        r.system,
        culture,
        usecase,
        r.baseline,
        r.n,
        r.spearman,
        r.kendall,
        r.order.join(" > ") || null,
        r.order[0] ?? null,
        r.order[r.order.length - 1] ?? null,
      ]);
      for (const k of r.ranks) {
        ranks.push([
          r.model,
          r.system,
          culture,
          usecase,
          r.baseline,
          k.dimension,
          dimensionLabel(ctx.ds.plan, system, k.dimension),
          k.mean,
          k.rank,
          k.baselineRank,
          k.rank !== null && k.baselineRank !== null ? k.rank - k.baselineRank : null,
        ]);
      }
    }
  }
  return [
    table(
      name,
      [
        ["model", "text"],
        ["system", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["n_dimensions", "int"],
        ["spearman", "corr"],
        ["kendall_tau_b", "corr"],
        ["order", "text"],
        ["top", "text"],
        ["bottom", "text"],
      ],
      summary,
    ),
    table(
      `${name}_ranks`,
      [
        ["model", "text"],
        ["system", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["dimension", "text"],
        ["label", "text"],
        ["mean", "score"],
        ["rank", "num"],
        ["baseline_rank", "num"],
        ["rank_difference", "num"],
      ],
      ranks,
    ),
  ];
}

// The `value_hierarchy` report kind: each model's order of values, compared with a baseline's, one row
// per model × context × measure (scorer), with 95% intervals of the correlations (docs/outputs.md).

import { sliceCulture, sliceUsecase, systemDimensions } from "../../analyse/profiles.js";
import { orderText, valueHierarchy } from "../../analyse/hierarchy.js";
import { rankLabel } from "../../analyse/stats.js";
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
  const systems = named && settingStrings(report.settings, "system") === null ? [named.system] : targetSystems(ctx, report);
  // By measure: a centred PVQ rating and a 0–100 judge score of the same value are never averaged.
  const profiles = profilesFor(ctx, scorer, "each+all", true);
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
      const measure = r.measure ?? null;
      summary.push([
        r.model,
        r.system,
        measure,
        culture,
        usecase,
        r.baseline,
        r.n,
        r.spearman,
        r.spearmanCi?.low ?? null,
        r.spearmanCi?.high ?? null,
        r.kendall,
        r.kendallCi?.low ?? null,
        r.kendallCi?.high ?? null,
        orderText(r.order),
        r.order[0]?.join(" = ") ?? null,
        r.order[r.order.length - 1]?.join(" = ") ?? null,
        r.note,
      ]);
      for (const k of r.ranks) {
        ranks.push([
          r.model,
          r.system,
          measure,
          culture,
          usecase,
          r.baseline,
          k.dimension,
          dimensionLabel(ctx.ds.plan, system, k.dimension),
          k.mean,
          k.rank === null ? null : rankLabel(k.rank, k.tied),
          k.meanRank,
          k.baselineRank === null ? null : rankLabel(k.baselineRank, k.baselineTied),
          k.baselineMeanRank,
          k.meanRank !== null && k.baselineMeanRank !== null ? k.meanRank - k.baselineMeanRank : null,
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
        ["scorer", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["n_dimensions", "int"],
        ["spearman", "corr"],
        ["spearman_ci_low", "corr"],
        ["spearman_ci_high", "corr"],
        ["kendall_tau_b", "corr"],
        ["kendall_ci_low", "corr"],
        ["kendall_ci_high", "corr"],
        ["order", "text"],
        ["top", "text"],
        ["bottom", "text"],
        ["note", "text"],
      ],
      summary,
    ),
    table(
      `${name}_ranks`,
      [
        ["model", "text"],
        ["system", "text"],
        ["scorer", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["dimension", "text"],
        ["label", "text"],
        ["mean", "score"],
        ["rank", "text"],
        ["mean_rank", "num"],
        ["baseline_rank", "text"],
        ["baseline_mean_rank", "num"],
        ["rank_difference", "num"],
      ],
      ranks,
    ),
  ];
}

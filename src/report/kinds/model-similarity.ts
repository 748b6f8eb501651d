// The `model_similarity` report kind: how alike the models' value profiles are, pair by pair, within
// one measure (scorer), with 95% Fisher-z intervals (docs/outputs.md).

import { systemDimensions } from "../../analyse/profiles.js";
import { modelSimilarity } from "../../analyse/similarity.js";
import type { PlanReport } from "../../core/plan.js";
import { table } from "../builtin-tables.js";
import type { Cell, Table } from "../csv.js";
import { profilesFor, scorerSetting, targetSystems, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const modelSimilarityKind = defineReportKind({
  name: "model_similarity",
  settings: {
    type: "object",
    description: "how alike the models' value profiles are, pair by pair → `<id>.csv`",
    properties: {
      ...SYSTEM_SETTINGS,
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  tables: (ctx, report, name) => similarityReport(ctx, report, name),
});

function similarityReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const profiles = profilesFor(ctx, scorer, "all", true);
  const rows: Cell[][] = [];
  for (const system of targetSystems(ctx, report)) {
    for (const r of modelSimilarity(profiles, system, systemDimensions(ctx.ds, system))) {
      rows.push([
        r.system,
        r.measure ?? null,
        r.modelA,
        r.modelB,
        r.n,
        r.pearson,
        r.pearsonCi?.low ?? null,
        r.pearsonCi?.high ?? null,
        r.spearman,
        r.spearmanCi?.low ?? null,
        r.spearmanCi?.high ?? null,
        r.pearsonCentred,
        r.pearsonCentredCi?.low ?? null,
        r.pearsonCentredCi?.high ?? null,
        r.note,
      ]);
    }
  }
  return [
    table(
      name,
      [
        ["system", "text"],
        ["scorer", "text"],
        ["model_a", "text"],
        ["model_b", "text"],
        ["n_dimensions", "int"],
        ["pearson", "corr"],
        ["pearson_ci_low", "corr"],
        ["pearson_ci_high", "corr"],
        ["spearman", "corr"],
        ["spearman_ci_low", "corr"],
        ["spearman_ci_high", "corr"],
        ["pearson_centred", "corr"],
        ["pearson_centred_ci_low", "corr"],
        ["pearson_centred_ci_high", "corr"],
        ["note", "text"],
      ],
      rows,
    ),
  ];
}

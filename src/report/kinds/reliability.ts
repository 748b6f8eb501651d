// The `reliability` report kind: Cronbach's α and McDonald's ω per model × Likert dimension, the
// items' corrected item–total correlations, and response-style flags per respondent (straight-lining,
// acquiescence) — docs/outputs.md, docs/scoring.md.

import { reliability } from "../../analyse/reliability.js";
import type { PlanReport } from "../../core/plan.js";
import { dimensionLabel, table } from "../builtin-tables.js";
import type { Table } from "../csv.js";
import { settingStrings, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const reliabilityKind = defineReportKind({
  name: "reliability",
  settings: {
    type: "object",
    description:
      "α and ω per model × Likert dimension, item–total correlations, straight-lining and acquiescence flags → `<id>.csv`, `<id>_items.csv`, `<id>_respondents.csv`",
    properties: {
      ...SYSTEM_SETTINGS,
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  tables: (ctx, report, name) => reliabilityReport(ctx, report, name),
});

function reliabilityReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorers = settingStrings(report.settings, "scorer") ?? settingStrings(report.settings, "scorers");
  const systems = settingStrings(report.settings, "system") ?? settingStrings(report.settings, "systems");
  const result = reliability(ctx.ds, {
    seed: ctx.seed,
    resamples: ctx.resamples,
    ...(scorers ? { scorers } : {}),
    ...(systems ? { systems } : {}),
  });
  if (result.dimensions.length === 0) ctx.notes.push(`report ${report.id}: no Likert ratings to analyse (reliability needs a likert scorer's scores)`);
  const straight = result.respondents.filter((r) => r.straightLining);
  if (straight.length > 0) {
    ctx.notes.push(
      `report ${report.id}: ${straight.length} respondent(s) straight-lined (see ${name}_respondents.csv); centred scores of a straight-liner are 0 by construction, not a neutral profile`,
    );
  }
  return [
    table(
      name,
      [
        ["model", "text"],
        ["system", "text"],
        ["scorer", "text"],
        ["dimension", "text"],
        ["label", "text"],
        ["n_items", "int"],
        ["n_respondents", "int"],
        ["n_incomplete", "int"],
        ["alpha", "corr"],
        ["alpha_ci_low", "corr"],
        ["alpha_ci_high", "corr"],
        ["omega", "corr"],
        ["omega_ci_low", "corr"],
        ["omega_ci_high", "corr"],
        ["min_item_total", "corr"],
        ["flagged_respondents", "int"],
        ["note", "text"],
      ],
      result.dimensions.map((d) => [
        d.model,
        d.system,
        d.scorer,
        d.dimension,
        dimensionLabel(ctx.ds.plan, d.system, d.dimension),
        d.items,
        d.respondents,
        d.incomplete,
        d.alpha,
        d.alphaCi?.low ?? null,
        d.alphaCi?.high ?? null,
        d.omega,
        d.omegaCi?.low ?? null,
        d.omegaCi?.high ?? null,
        d.minItemTotal,
        d.flagged,
        d.note,
      ]),
    ),
    table(
      `${name}_items`,
      [
        ["model", "text"],
        ["system", "text"],
        ["scorer", "text"],
        ["dimension", "text"],
        ["item", "text"],
        ["reverse", "bool"],
        ["n", "int"],
        ["mean", "score"],
        ["item_total", "corr"],
        ["alpha_if_deleted", "corr"],
      ],
      result.items.map((i) => [i.model, i.system, i.scorer, i.dimension, i.item, i.reverse, i.n, i.mean, i.itemTotal, i.alphaIfDeleted]),
    ),
    table(
      `${name}_respondents`,
      [
        ["model", "text"],
        ["system", "text"],
        ["scorer", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["sample", "int"],
        ["n_answered", "int"],
        ["identical_share", "rate"],
        ["modal_rating", "num"],
        ["mean_raw_rating", "num"],
        ["mean_raw_share", "rate"],
        ["straight_lining", "bool"],
        ["acquiescence", "bool"],
        ["disacquiescence", "bool"],
        ["centred", "bool"],
      ],
      result.respondents.map((r) => [
        r.model,
        r.system,
        r.scorer,
        r.culture,
        r.usecase,
        r.sample,
        r.answered,
        r.identicalShare,
        r.modalRating,
        r.meanRawRating,
        r.meanRawShare,
        r.straightLining,
        r.acquiescence,
        r.disacquiescence,
        r.centred,
      ]),
    ),
  ];
}

// The `context_effects` report kind: how much a culture or a use case moves each score from the
// reference context, paired on the item, with p-values adjusted over the table (docs/outputs.md). Its
// check reads `by`: only context kinds the run crosses.

import { contextEffects, type ContextKind } from "../../analyse/context-effects.js";
import { CheckCodes } from "../../check/codes.js";
import { checkWordList } from "../../check/reports.js";
import type { PlanReport } from "../../core/plan.js";
import { table, type Col } from "../builtin-tables.js";
import type { Table } from "../csv.js";
import { scorerSetting, settingStrings, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

/** The context kinds a context_effects report compares. */
const EFFECT_KINDS = ["culture", "usecase"] as const;

export const contextEffectsKind = defineReportKind({
  name: "context_effects",
  settings: {
    type: "object",
    description: "how far each culture or use case moves a score from the reference context → `<id>.csv`",
    properties: {
      by: {
        type: "array",
        items: { type: "string", enum: [...EFFECT_KINDS] },
        description: "the context kinds compared (default: every crossed one)",
      },
      ...SYSTEM_SETTINGS,
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  check: (input) =>
    checkWordList(input, "by", EFFECT_KINDS, {
      what: "context kinds",
      unknown: (word) => `context effects are by culture or usecase, not '${word}'`,
      admit(word, span) {
        if (input.run.cross.some((k) => k === word)) return true;
        input.ctx.error(CheckCodes.CONTEXT_NOT_CROSSED, `the run does not cross ${word}, so there is no ${word} effect to report`, input.file, span, [
          `add ${word} to the run's cross list`,
        ]);
        return false;
      },
    }),
  tables: (ctx, report, name) => contextReport(ctx, report, name),
});

const EFFECT_COLUMNS: Col[] = [
  ["model", "text"],
  ["system", "text"],
  ["dimension", "text"],
  ["scorer", "text"],
  ["kind", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["reference_culture", "text"],
  ["reference_usecase", "text"],
  ["n", "int"],
  ["mean", "score"],
  ["reference_n", "int"],
  ["reference_mean", "score"],
  ["n_items", "int"],
  ["reference_n_items", "int"],
  ["n_pairs", "int"],
  ["pairing", "text"],
  ["difference", "score"],
  ["ci_low", "score"],
  ["ci_high", "score"],
  ["p_value", "p"],
  ["q_value", "p"],
  ["note", "text"],
];

function contextReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const requested = settingStrings(report.settings, "by");
  const by = requested?.filter((k): k is ContextKind => k === "culture" || k === "usecase");
  for (const k of requested ?? []) {
    if (k !== "culture" && k !== "usecase") ctx.notes.push(`report ${report.id}: context effects are by culture or usecase, not "${k}"`);
  }
  const systems = settingStrings(report.settings, "system") ?? settingStrings(report.settings, "systems");
  const defaults = scorer === "primary" && by === undefined && systems === null;
  // The system filter goes into the analysis, not after it: the table's rows are the family of the
  // Benjamini–Hochberg adjustment.
  const rows = defaults
    ? ctx.analysis.effects
    : contextEffects(ctx.ds, {
        seed: ctx.seed,
        resamples: ctx.resamples,
        scorer,
        ...(by ? { by } : {}),
        ...(systems ? { systems } : {}),
      });
  return [
    table(
      name,
      EFFECT_COLUMNS,
      rows.map((r) => [
        r.model,
        r.system,
        r.dimension,
        r.measure,
        r.kind,
        r.culture,
        r.usecase,
        r.referenceCulture,
        r.referenceUsecase,
        r.n,
        r.mean,
        r.referenceN,
        r.referenceMean,
        r.items,
        r.referenceItems,
        r.pairs,
        r.pairing,
        r.difference,
        r.ci?.low ?? null,
        r.ci?.high ?? null,
        r.p,
        r.q,
        r.note,
      ]),
    ),
  ];
}

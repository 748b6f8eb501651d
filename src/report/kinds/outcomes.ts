// The `outcomes` report kind: the rate of each outcome category (the scorer's or the fired rule's
// `outcome`: for safety safe, unsafe and over_refusal) per group, with Wilson intervals on the items'
// effective sample size (docs/outputs.md, docs/scoring.md "Outcomes"). The unsafe rate and the
// over-refusal rate are separate rows, so neither hides in the other the way a mean score would.

import { checkWordList } from "../../check/reports.js";
import type { PlanReport } from "../../core/plan.js";
import { OUTCOME_KEYS, outcomeRates, type OutcomeKey } from "../../analyse/outcomes.js";
import { table, type Col } from "../builtin-tables.js";
import type { ColumnFormat, Table } from "../csv.js";
import { scorerSetting, settingStrings, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS } from "./define.js";

export const outcomesKind = defineReportKind({
  name: "outcomes",
  settings: {
    type: "object",
    description: "the rate of each outcome (safe, unsafe, over_refusal …) grouped by the `by` columns, with 95% Wilson intervals → `<id>.csv`",
    properties: {
      by: {
        type: "array",
        items: { type: "string", enum: [...OUTCOME_KEYS] },
        description: "the columns to group by (default `[model, system, dimension]`); `expect` is the item's expected behaviour",
      },
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  check: (input) => checkWordList(input, "by", OUTCOME_KEYS, { what: "columns", unknown: (word) => `unknown column '${word}' in by` }),
  tables: (ctx, report, name) => outcomesReport(ctx, report, name),
});

function outcomesReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const requested = settingStrings(report.settings, "by") ?? ["model", "system", "dimension"];
  const by: OutcomeKey[] = [];
  for (const k of requested) {
    if ((OUTCOME_KEYS as readonly string[]).includes(k)) {
      if (!by.includes(k as OutcomeKey)) by.push(k as OutcomeKey);
    } else ctx.notes.push(`report ${report.id}: cannot group by "${k}" (known: ${OUTCOME_KEYS.join(", ")})`);
  }
  if (by.includes("dimension") && !by.includes("system")) by.splice(by.indexOf("dimension"), 0, "system");
  const rows = outcomeRates(ctx.ds, by, scorerSetting(report.settings));
  if (rows.length === 0) ctx.notes.push(`report ${report.id}: no scored answer carries an outcome (declare \`outcome\` on the scorer)`);
  const keyFormat = (k: OutcomeKey): ColumnFormat => (k === "difficulty" ? "num" : k === "sample" ? "int" : "text");
  const cols: Col[] = [
    ...by.map((k): Col => [k, keyFormat(k)]),
    ["scorer", "text"],
    ["outcome", "text"],
    ["n", "int"],
    ["without_outcome", "int"],
    ["count", "int"],
    ["rate", "rate"],
    ["ci_low", "rate"],
    ["ci_high", "rate"],
    ["effective_n", "num"],
  ];
  return [
    table(
      name,
      cols,
      rows.map((r) => [
        ...by.map((k) => r.keys[k] ?? null),
        r.scorer,
        r.outcome,
        r.n,
        r.withoutOutcome,
        r.count,
        r.rate,
        r.ci?.low ?? null,
        r.ci?.high ?? null,
        r.effectiveN,
      ]),
    ),
  ];
}

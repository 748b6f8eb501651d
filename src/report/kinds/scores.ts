// The `scores` report kind: mean scores grouped by any columns (`by [model, culture, dimension]`) and
// always by measure (scorer), with intervals on the item (docs/outputs.md). Leaving a context column
// out of `by` pools the contexts: that is the report's explicit choice. Its check reads `by`; the rest is read from its schema.

import { aggregate, GROUP_KEYS, type GroupKey } from "../../analyse/aggregate.js";
import { checkWordList } from "../../check/reports.js";
import type { PlanReport } from "../../core/plan.js";
import { STAT_COLUMNS, statCells, table, type Col } from "../builtin-tables.js";
import type { ColumnFormat, Table } from "../csv.js";
import { scorerSetting, settingStrings, type Ctx } from "../report-tables.js";
import { defineReportKind, SCORER_SETTINGS } from "./define.js";

export const scoresKind = defineReportKind({
  name: "scores",
  settings: {
    type: "object",
    description: "mean scores grouped by the `by` columns, with 95% intervals → `<id>.csv`",
    properties: {
      by: {
        type: "array",
        items: { type: "string", enum: [...GROUP_KEYS] },
        description: "the columns to group by (default `[model, system, dimension]`)",
      },
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  check: (input) => checkWordList(input, "by", GROUP_KEYS, { what: "columns", unknown: (word) => `unknown column '${word}' in by` }),
  tables: (ctx, report, name) => scoresReport(ctx, report, name),
});

function scoresReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const requested = settingStrings(report.settings, "by") ?? ["model", "system", "dimension"];
  const by: GroupKey[] = [];
  for (const k of requested) {
    if ((GROUP_KEYS as readonly string[]).includes(k)) {
      if (!by.includes(k as GroupKey)) by.push(k as GroupKey);
    } else ctx.notes.push(`report ${report.id}: cannot group by "${k}" (known: ${GROUP_KEYS.join(", ")})`);
  }
  // A dimension id, or a higher-order group, only means something within its system.
  for (const k of ["dimension", "group"] as const) {
    if (by.includes(k) && !by.includes("system")) by.splice(by.indexOf(k), 0, "system");
  }
  const scorer = scorerSetting(report.settings);
  const rows = aggregate(ctx.ds, by, { seed: ctx.seed, resamples: ctx.resamples, scorer, tag: `report|${report.id}` });
  const keyFormat = (k: GroupKey): ColumnFormat => (k === "difficulty" ? "num" : k === "sample" ? "int" : "text");
  // Every row is one measure (one scorer on its scale): never a mean over two scorers.
  const cols: Col[] = [...by.map((k): Col => [k, keyFormat(k)])];
  cols.push(["measure", "text"], ["scale", "text"], ["centred", "bool"], ...STAT_COLUMNS);
  return [
    table(
      name,
      cols,
      rows.map((r) => [...by.map((k) => r.keys[k] ?? null), r.measure, r.scale, r.centred, ...statCells(r)]),
    ),
  ];
}

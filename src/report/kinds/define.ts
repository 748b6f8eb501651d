// A report kind in one object: its name, its settings schema (what the checker accepts, what the docs
// list, and which settings the notes call unused), its own check of settings whose meaning is its
// own, and its run: the table (or tables) of one report. Reports read their settings leniently by
// design (a setting they cannot use becomes a note, never a failure), so the schema is not enforced
// when a report is built; test/report/kinds.test.ts holds the checker's output to it.

import { CheckCodes } from "../../check/codes.js";
import type { ReportCheckInput, ReportKindCheck, SettingSchema } from "../../check/kinds.js";
import { resolveParams } from "../../check/values.js";
import type { PlanReport } from "../../core/plan.js";
import type { Table } from "../csv.js";
import type { Ctx } from "../report-tables.js";

export interface ReportKind extends ReportKindCheck {
  /** The tables of one report of this kind, named from `name` (the report's id, or report_<id>). */
  tables(ctx: Ctx, report: PlanReport, name: string): Table[];
}

export function defineReportKind(def: ReportKind): ReportKind {
  return def;
}

// The settings several kinds share. A name setting holds one name or a list (`system s`, `systems [a, b]`).

export const NAMES = { type: ["string", "array"], items: { type: "string" } } as const satisfies SettingSchema;

export const SCORER_SETTINGS = {
  scorer: { ...NAMES, description: "the scorer whose scores are used (default: each item's first)" },
  scorers: { ...NAMES, description: "or: several scorers" },
} as const satisfies Record<string, SettingSchema>;

export const SYSTEM_SETTINGS = {
  system: { ...NAMES, description: "the value system covered (default: every system with data)" },
  systems: { ...NAMES, description: "or: several systems" },
} as const satisfies Record<string, SettingSchema>;

/**
 * `attribute open_weights` / `attributes [family, developer]`: model attribute names, as words or
 * strings. Which models have them is a run-time matter (`--model` changes the models), so the checker
 * checks only the form; a report names an attribute no model has in its notes.
 */
export function checkAttributeNames({ ctx, file, props, settings }: ReportCheckInput, keys: readonly string[]): void {
  for (const key of keys) {
    const p = props.get(key);
    if (!p) continue;
    const v = resolveParams(ctx, file, p.value);
    if (!v) continue;
    const entries = v.kind === "List" ? v.items : [v];
    const names: string[] = [];
    for (const e of entries) {
      const w = e.kind === "Ref" ? e.name : e.kind === "String" ? e.value : null;
      if (w === null || w.trim() === "") {
        ctx.error(CheckCodes.WRONG_TYPE, `${key} names a model attribute, e.g. open_weights or family`, file, e.span);
        continue;
      }
      names.push(w);
    }
    if (names.length > 0) settings[key] = v.kind === "List" ? names : (names[0] as string);
  }
}

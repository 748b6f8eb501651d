// A report kind in one object: its name, its settings schema (what the checker accepts, what the docs
// list, and which settings the notes call unused), its own check of settings whose meaning is its
// own, and its run: the table (or tables) of one report. Reports read their settings leniently by
// design (a setting they cannot use becomes a note, never a failure), so the schema is not enforced
// when a report is built; test/report/kinds.test.ts holds the checker's output to it.

import type { ReportKindCheck, SettingSchema } from "../../check/kinds.js";
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

// A report kind in one object: its name, its settings schema (what the checker accepts and the notes
// about settings a kind does not read), its own check of settings whose meaning is its own, and its
// run: the table (or tables) of one report.

import type { JSONSchemaType } from "ajv";
import type { ReportKindCheck, SettingSchema, SettingsSchema } from "../../check/kinds.js";
import type { PlanReport } from "../../core/plan.js";
import type { Table } from "../csv.js";
import type { Ctx } from "../report-tables.js";

export interface ReportKind extends ReportKindCheck {
  /** The tables of one report of this kind, named from `name` (the report's id, or report_<id>). */
  tables(ctx: Ctx, report: PlanReport, name: string): Table[];
}

export interface ReportKindDefinition<S> extends Omit<ReportKind, "settings"> {
  settings: JSONSchemaType<S> & SettingsSchema;
}

export function defineReportKind<S>(def: ReportKindDefinition<S>): ReportKind {
  return def;
}

// The settings several kinds share. A name setting holds one name or a list (`system s`, `systems [a, b]`).

export type Names = string | string[];

export const NAMES = { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] } as const satisfies SettingSchema;

/** Which scorers' scores a report uses (default: each item's first scorer). */
export interface ScorerChoice {
  scorer?: Names | null;
  scorers?: Names | null;
}

export const SCORER_SETTINGS = {
  scorer: { ...NAMES, nullable: true, description: "the scorer whose scores are used (default: each item's first)" },
  scorers: { ...NAMES, nullable: true, description: "or: several scorers" },
} as const;

/** Which value systems a report covers (default: every system with data). */
export interface SystemChoice {
  system?: Names | null;
  systems?: Names | null;
}

export const SYSTEM_SETTINGS = {
  system: { ...NAMES, nullable: true, description: "the value system covered (default: every system with data)" },
  systems: { ...NAMES, nullable: true, description: "or: several systems" },
} as const;

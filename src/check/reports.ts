// Reports: which tables a run writes. The report kinds (ctx.kinds.reports) say which settings each
// reads, in their settings schema; the checker reads them from it: names of scorers, systems and
// baselines, words the schema enumerates, booleans. A setting whose meaning is a kind's own (`by`) is
// read by the kind's check.

import type { Span } from "../core/diagnostic.js";
import type { Json } from "../core/plan.js";
import type { Scale } from "../core/scale.js";
import type { BaselineDecl, ReportDecl } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, type CheckContext } from "./context.js";
import type { Table } from "./decls.js";
import type { Located } from "./imports.js";
import { kindNamed, type ReportCheckInput, type ReportKindCheck } from "./kinds.js";
import { settingType } from "./settings.js";
import type { CheckedBaseline, CheckedReport, CheckedRun } from "./spec.js";
import { PropertyBag, readBool, readRef, readRefList, resolveParams, type NameRef } from "./values.js";

export interface ReportTables {
  systems: Table<unknown>;
  baselines: Table<BaselineDecl>;
  checkedBaselines: Map<string, CheckedBaseline>;
  scorers: Table<unknown>;
  run: CheckedRun;
  /** The scale of each checked scorer, for settings that combine measures (`combine`). */
  scales: ReadonlyMap<string, Scale>;
}

/** Settings that name declarations, in the order they are read, and the table their names are in. */
const NAME_SETTINGS = [
  ["scorer", "scorers"],
  ["scorers", "scorers"],
  ["system", "systems"],
  ["systems", "systems"],
  ["baseline", "baselines"],
  ["baselines", "baselines"],
] as const;

/** Pairs of which a report gives one: the single name or the list. */
const EXCLUSIVE = [
  ["scorer", "scorers"],
  ["system", "systems"],
] as const;

export function checkReport(ctx: CheckContext, { file, node }: Located<ReportDecl>, tables: ReportTables): CheckedReport | null {
  const f = file.display;
  const id = node.name.name;
  const kind = reportKind(ctx, f, node);
  if (!kind) return null;
  const before = ctx.errorCount();
  const props = new PropertyBag(ctx, f, node.properties, Object.keys(kind.settings.properties), `${kind.name} report '${id}'`);
  const settings: Record<string, Json> = {};
  for (const [a, b] of EXCLUSIVE) {
    const second = props.get(b);
    if (props.has(a) && second) {
      ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `report '${id}' has both '${a}' and '${b}'; give one`, f, second.keySpan);
    }
  }
  checkNames(ctx, f, props, tables, settings);
  kind.check?.({ ctx, file: f, props, run: tables.run, scales: tables.scales, settings });
  checkPlainSettings(ctx, f, props, kind, settings, new Set(NAME_SETTINGS.map(([key]) => key)));
  warnBuiltinName(ctx, f, node);
  return ctx.errorCount() > before ? null : { id, kind: kind.name, settings };
}

/** The report's kind (`report r scores { }`, or the name itself: `report leaderboard { }`), or undefined after reporting it. */
function reportKind(ctx: CheckContext, f: string, node: ReportDecl): ReportKindCheck | undefined {
  const kindIdent = node.reportKind ?? node.name;
  const kind = kindNamed(ctx.kinds.reports, kindIdent.name);
  if (!kind) {
    ctx.error(
      CheckCodes.UNKNOWN_REPORT_KIND,
      `unknown report kind '${kindIdent.name}'`,
      f,
      kindIdent.span,
      suggestionNotes(
        kindIdent.name,
        ctx.kinds.reports.map((k) => k.name),
        "kinds",
      ).map((n) => n.replace("declared kinds", "report kinds")),
    );
  }
  return kind;
}

/**
 * Names of declarations: one (`system s`) or a list (`systems [a, b]`), written back as given. A
 * baseline must be a profile of the report's systems.
 */
function checkNames(ctx: CheckContext, f: string, props: PropertyBag, tables: ReportTables, settings: Record<string, Json>): void {
  const names = (key: string, table: Table<unknown>): NameRef[] | null => {
    const p = props.get(key);
    if (!p) return null;
    const refs = p.value.kind === "List" ? readRefList(ctx, f, p.value, key) : readRef(ctx, f, p.value, key);
    if (!refs) return null;
    const list = Array.isArray(refs) ? refs : [refs];
    const out: NameRef[] = [];
    for (const r of list) {
      if (!table.resolve(ctx, r.name, f, r.span)) continue;
      if (out.some((o) => o.name === r.name)) ctx.error(CheckCodes.DUPLICATE, `'${r.name}' is listed twice in ${key}`, f, r.span);
      else out.push(r);
    }
    settings[key] = Array.isArray(refs) ? out.map((r) => r.name) : (out[0]?.name ?? null);
    return out;
  };
  const read = new Map<string, NameRef[]>();
  for (const [key, table] of NAME_SETTINGS) read.set(key, names(key, tables[table]) ?? []);
  const systems = [...(read.get("system") ?? []), ...(read.get("systems") ?? [])].map((r) => r.name);
  for (const baseline of [...(read.get("baseline") ?? []), ...(read.get("baselines") ?? [])]) {
    const b = tables.checkedBaselines.get(baseline.name);
    if (b && systems.length > 0 && !systems.includes(b.system)) {
      ctx.error(
        CheckCodes.WRONG_SYSTEM,
        `baseline '${baseline.name}' is a profile of system '${b.system}', but the report is about ${systems.map((s) => `'${s}'`).join(", ")}`,
        f,
        baseline.span,
      );
    }
  }
}

/** Words from an `enum` (`method kendall`, as a name or a string) and booleans, by the kind's schema. */
function checkPlainSettings(
  ctx: CheckContext,
  f: string,
  props: PropertyBag,
  kind: ReportKindCheck,
  settings: Record<string, Json>,
  skip: ReadonlySet<string>,
): void {
  for (const [key, schema] of Object.entries(kind.settings.properties)) {
    const p = props.get(key);
    if (!p || skip.has(key)) continue;
    const type = settingType(schema);
    if (type === "string" && schema.enum !== undefined) {
      const allowed = schema.enum.filter((x): x is string => typeof x === "string");
      const v = resolveParams(ctx, f, p.value);
      if (!v) continue;
      const word = v.kind === "Ref" ? v.name : v.kind === "String" ? v.value : null;
      if (word === null || !allowed.includes(word)) {
        ctx.error(CheckCodes.OUT_OF_RANGE, `${key} must be one of ${allowed.join(", ")}`, f, v.span);
        continue;
      }
      settings[key] = word;
    } else if (type === "boolean") {
      const b = readBool(ctx, f, p.value, key);
      if (b !== undefined) settings[key] = b;
    }
  }
}

/** buildReport writes a report with a built-in table's name as report_<id>.csv so the built-in table is not lost. */
function warnBuiltinName(ctx: CheckContext, f: string, node: ReportDecl): void {
  const builtin = ctx.kinds.builtinTables;
  if (!builtin.includes(node.name.name)) return;
  ctx.warn(
    CheckCodes.REPORT_NAME_TAKEN,
    `report '${node.name.name}' has the name of a built-in table, so it is written as report_${node.name.name}.csv`,
    f,
    node.name.span,
    [`every run writes ${builtin.map((t) => `${t}.csv`).join(", ")}; give the report another name`],
  );
}

export interface WordList {
  /** What the words are, for the list of allowed ones in notes: "columns", "context kinds". */
  what: string;
  /** The message for a word that is not allowed. */
  unknown(word: string): string;
  /** A further condition on an allowed word (reported by it); by default every allowed word is taken. */
  admit?(word: string, span: Span): boolean;
}

/** A list of words from `allowed`, each once (`by [model, culture]`), written to settings[key]. */
export function checkWordList({ ctx, file, props, settings }: ReportCheckInput, key: string, allowed: readonly string[], words: WordList): void {
  const p = props.get(key);
  if (!p) return;
  const taken: string[] = [];
  for (const r of readRefList(ctx, file, p.value, key) ?? []) {
    if (!allowed.includes(r.name)) {
      ctx.error(
        CheckCodes.UNDEFINED,
        words.unknown(r.name),
        file,
        r.span,
        suggestionNotes(r.name, allowed, words.what).map((n) => n.replace(`declared ${words.what}`, words.what)),
      );
    } else if (taken.includes(r.name)) ctx.error(CheckCodes.DUPLICATE, `'${r.name}' is listed twice in ${key}`, file, r.span);
    else if (words.admit?.(r.name, r.span) ?? true) taken.push(r.name);
  }
  settings[key] = taken;
}

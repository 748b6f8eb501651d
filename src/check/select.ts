// Subsets of a spec: the run block's `select { … }` and the command line's `--cultures`, `--usecases`,
// `--systems`, `--dimensions`, `--items`, `--limit`, checked against the declared names. A command-line
// key replaces the same key of the spec's block; the result goes into the plan (src/compile/select.ts).

import { NO_SPAN, type Span } from "../core/diagnostic.js";
import type { PlanSelection, PlanSystem, SelectionRequest } from "../core/plan.js";
import type { Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, type CheckContext } from "./context.js";
import type { Table } from "./decls.js";
import { COMMAND_LINE } from "./params.js";
import { NO_CONTEXT } from "./run.js";
import { readNumber, readObject, readString, resolveNameParams } from "./values.js";

/** The selection as typed on the command line (lists already split at commas). */
export type SelectOptions = SelectionRequest;

export const SELECT_KEYS = ["cultures", "usecases", "systems", "dimensions", "items", "limit"] as const;

type SelectKey = (typeof SELECT_KEYS)[number];

interface Named {
  name: string;
  span: Span;
  file: string;
}

export interface SelectTables {
  cultures: Table<unknown>;
  usecases: Table<unknown>;
  systems: ReadonlyMap<string, PlanSystem>;
}

/**
 * The checked selection, or null when nothing is selected. `block`: the value of the run block's
 * `select` property (with its file), when there is one.
 */
export function checkSelection(
  ctx: CheckContext,
  block: { file: string; value: Value } | null,
  cli: SelectOptions,
  tables: SelectTables,
  seed: number | null,
): PlanSelection | null {
  const given = new Map<SelectKey, { spec: Value; file: string } | { cli: string[] | string | number }>();
  if (block) {
    for (const e of readObject(ctx, block.file, block.value, "select") ?? []) {
      if (!(SELECT_KEYS as readonly string[]).includes(e.key)) {
        ctx.error(CheckCodes.UNKNOWN_PROPERTY, `unknown key '${e.key}' in select`, block.file, e.keySpan, [
          ...suggestionNotes(e.key, SELECT_KEYS, "keys").filter((n) => n.startsWith("did you mean")),
          `select takes ${SELECT_KEYS.join(", ")}`,
        ]);
        continue;
      }
      given.set(e.key as SelectKey, { spec: e.value, file: block.file });
    }
  }
  for (const key of SELECT_KEYS) {
    const v = cli[key];
    if (v !== undefined) given.set(key, { cli: v });
  }
  if (given.size === 0) return null;

  // Names from the spec (names, or strings through a param) or from the command line (strings).
  const names = (key: SelectKey): Named[] | null => {
    const g = given.get(key);
    if (!g) return null;
    if ("cli" in g) {
      const list = Array.isArray(g.cli) ? g.cli : [String(g.cli)];
      return list.map((name) => ({ name, span: NO_SPAN, file: COMMAND_LINE }));
    }
    const v = resolveNameParams(ctx, g.file, g.spec);
    if (v === undefined) return [];
    const out: Named[] = [];
    for (const e of v.kind === "List" ? v.items : [v]) {
      if (e.kind === "Ref" || e.kind === "String") out.push({ name: e.kind === "Ref" ? e.name : e.value, span: e.span, file: g.file });
      else ctx.error(CheckCodes.WRONG_TYPE, `each entry of select ${key} must be a name`, g.file, e.span);
    }
    if (out.length === 0 && v.kind === "List") ctx.error(CheckCodes.WRONG_TYPE, `an empty ${key} list selects nothing`, g.file, v.span);
    return out;
  };
  const flag = (key: SelectKey, n: Named) => (n.file === COMMAND_LINE ? `--${key} ${n.name}: ` : "");

  const contexts = (key: "cultures" | "usecases", table: Table<unknown>): Array<string | null> | null => {
    const list = names(key);
    if (list === null) return null;
    const out: Array<string | null> = [];
    for (const n of list) {
      const id = n.name === NO_CONTEXT ? null : n.name;
      if (id !== null && !table.has(id)) {
        ctx.error(
          CheckCodes.UNDEFINED,
          `${flag(key, n)}no ${table.what} named '${n.name}'`,
          n.file,
          n.span,
          suggestionNotes(n.name, table.names, `${table.what}s`),
        );
        continue;
      }
      if (!out.includes(id)) out.push(id);
    }
    return out;
  };

  const systemIds = [...tables.systems.keys()];
  let systems: string[] | null = null;
  const systemList = names("systems");
  if (systemList !== null) {
    systems = [];
    for (const n of systemList) {
      if (!tables.systems.has(n.name)) {
        ctx.error(CheckCodes.UNDEFINED, `${flag("systems", n)}no system named '${n.name}'`, n.file, n.span, suggestionNotes(n.name, systemIds, "systems"));
      } else if (!systems.includes(n.name)) systems.push(n.name);
    }
  }

  let dimensions: string[] | null = null;
  const dimensionList = names("dimensions");
  if (dimensionList !== null) {
    dimensions = [];
    const all = [...tables.systems.values()].flatMap((s) => s.dimensions.map((d) => `${s.id}.${d.id}`));
    for (const n of dimensionList) {
      // `benevolence` or `schwartz.benevolence`; a bare name must belong to one system only.
      const matches = n.name.includes(".") ? all.filter((d) => d === n.name) : all.filter((d) => d.endsWith(`.${n.name}`));
      if (matches.length === 1) {
        if (!dimensions.includes(matches[0]!)) dimensions.push(matches[0]!);
      } else if (matches.length > 1) {
        ctx.error(CheckCodes.UNDEFINED, `${flag("dimensions", n)}dimension '${n.name}' is in several systems`, n.file, n.span, [
          `write one of ${matches.join(", ")}`,
        ]);
      } else {
        const bare = [...new Set(all.map((d) => d.slice(d.indexOf(".") + 1)))];
        ctx.error(
          CheckCodes.UNDEFINED,
          `${flag("dimensions", n)}no dimension named '${n.name}'`,
          n.file,
          n.span,
          suggestionNotes(n.name, n.name.includes(".") ? all : bare, "dimensions"),
        );
      }
    }
  }

  let items: string | null = null;
  const itemsGiven = given.get("items");
  if (itemsGiven) {
    const text = "cli" in itemsGiven ? String(itemsGiven.cli) : readString(ctx, itemsGiven.file, itemsGiven.spec, "select items");
    if (text !== undefined) {
      if (text.trim() === "")
        ctx.error(
          CheckCodes.WRONG_TYPE,
          `${"cli" in itemsGiven ? "--items: " : ""}an empty pattern selects no item`,
          "cli" in itemsGiven ? COMMAND_LINE : itemsGiven.file,
          "cli" in itemsGiven ? NO_SPAN : itemsGiven.spec.span,
        );
      else items = text;
    }
  }

  let limit: number | null = null;
  const limitGiven = given.get("limit");
  if (limitGiven) {
    if ("cli" in limitGiven) limit = Number(limitGiven.cli);
    else limit = readNumber(ctx, limitGiven.file, limitGiven.spec, "select limit", { min: 1, integer: true }) ?? null;
  }

  return {
    cultures: contexts("cultures", tables.cultures),
    usecases: contexts("usecases", tables.usecases),
    systems,
    dimensions,
    items,
    limit,
    seed: seed ?? 0,
  };
}

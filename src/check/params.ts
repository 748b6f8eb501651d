// Params: `param seed = 7` declares a default, `--set seed=9` overrides it, `$seed` reads it.
// A --set value is parsed like a .vc literal and must have the type of the declared default, so a
// typo on the command line is an error instead of a silently different experiment.

import { NO_SPAN, type Span } from "../core/diagnostic.js";
import { canonicalJson } from "../core/canonical.js";
import type { Json } from "../core/plan.js";
import type { ParamDecl, Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext } from "./context.js";
import type { Located } from "./imports.js";
import type { CheckedParam } from "./spec.js";

/** Diagnostics about the command line itself are reported against this pseudo-file. */
export const COMMAND_LINE = "<command line>";

/**
 * Whether a diagnostic is an error in the command line (`--set nosuch=1`, `--model bogus`,
 * `--cultures xx`) rather than in the spec: the CLI exits 2 for those, as for an unknown flag.
 * A --set value of the wrong type is shown at the param's declaration but is the command line's too.
 */
export function isCommandLineError(d: { severity: string; file: string; code: string }): boolean {
  return d.severity === "error" && (d.file === COMMAND_LINE || d.code === CheckCodes.SET_TYPE_MISMATCH);
}

export function checkParams(ctx: CheckContext, decls: ReadonlyArray<Located<ParamDecl>>, set: Readonly<Record<string, string>>): CheckedParam[] {
  const out: CheckedParam[] = [];
  const first = new Map<string, Located<ParamDecl>>();
  for (const d of decls) {
    const name = d.node.name.name;
    const prev = first.get(name);
    if (prev) {
      ctx.error(CheckCodes.DUPLICATE, `param '${name}' is declared twice`, d.file.display, d.node.name.span, [
        `first declared at ${where(prev.file.display, prev.node.name.span)}`,
      ]);
      continue;
    }
    first.set(name, d);
    const value = literalJson(ctx, d.file.display, d.node.value);
    if (value === undefined) continue;
    const choices = d.node.choices ? readChoices(ctx, d.file.display, d.node.choices) : null;
    const allowed = (v: Json): boolean => choices === null || choices.some((c) => canonicalJson(c.value) === canonicalJson(v));
    const choiceList = choices?.map((c) => JSON.stringify(c.value)).join(", ") ?? "";
    if (!allowed(value)) {
      ctx.error(CheckCodes.PARAM_NOT_A_CHOICE, `the default of param '${name}' is not one of its allowed values`, d.file.display, d.node.value.span, [
        `allowed: ${choiceList}`,
      ]);
    }
    let final = value;
    let overridden = false;
    let origin = { file: d.file.display, span: d.node.value.span };
    const raw = set[name];
    if (raw !== undefined) {
      // With `one of`, the value is read as whichever allowed value it spells (they may differ in type).
      const matching = choices?.find((c) => {
        const p = parseSetValue(raw, c.value);
        return p.ok && canonicalJson(p.value) === canonicalJson(c.value);
      });
      const parsed: SetParse = matching ? { ok: true, value: matching.value } : choices ? { ok: true, value: raw } : parseSetValue(raw, value);
      if (!parsed.ok) {
        ctx.error(
          CheckCodes.SET_TYPE_MISMATCH,
          `--set ${name}=${raw}: '${name}' is ${parsed.expected} (default ${JSON.stringify(value)})`,
          d.file.display,
          d.node.value.span,
        );
      } else if (!allowed(parsed.value)) {
        ctx.error(CheckCodes.PARAM_NOT_A_CHOICE, `--set ${name}=${raw}: '${name}' must be one of ${choiceList}`, COMMAND_LINE, NO_SPAN, [
          ...suggestionNotes(
            raw,
            (choices ?? []).map((c) => (typeof c.value === "string" ? c.value : JSON.stringify(c.value))),
            "values",
          ).filter((n) => n.startsWith("did you mean")),
          `allowed values declared at ${where(d.file.display, d.node.choices?.span ?? d.node.value.span)}`,
        ]);
      } else {
        final = parsed.value;
        overridden = true;
        origin = { file: COMMAND_LINE, span: NO_SPAN };
      }
    }
    ctx.params.set(name, {
      value: final,
      overridden,
      origin,
      choices,
      decl: { file: d.file.display, span: d.node.name.span },
    });
    out.push({
      name,
      value: final,
      description: d.node.description?.value ?? null,
      overridden,
    });
  }
  for (const key of Object.keys(set).sort()) {
    if (!first.has(key)) {
      ctx.error(
        CheckCodes.UNKNOWN_SET_PARAM,
        `--set ${key}=${set[key] ?? ""}: the spec declares no param '${key}'`,
        COMMAND_LINE,
        NO_SPAN,
        suggestionNotes(key, [...first.keys()], "params"),
      );
    }
  }
  return out;
}

/** `one of [a, b, ...]`: a list of literals, each once. */
function readChoices(ctx: CheckContext, file: string, v: Value): Array<{ value: Json; span: Span }> | null {
  if (v.kind !== "List") {
    ctx.error(CheckCodes.WRONG_TYPE, '\'one of\' takes a list of the allowed values, e.g. one of ["judge", "refusal"]', file, v.span);
    return null;
  }
  const out: Array<{ value: Json; span: Span }> = [];
  for (const item of v.items) {
    const j = literalJson(ctx, file, item);
    if (j === undefined) continue;
    if (out.some((c) => canonicalJson(c.value) === canonicalJson(j))) {
      ctx.error(CheckCodes.DUPLICATE, `${JSON.stringify(j)} is listed twice in 'one of'`, file, item.span);
      continue;
    }
    out.push({ value: j, span: item.span });
  }
  return out;
}

/** Param defaults are literals: they are the knobs, not computations. */
function literalJson(ctx: CheckContext, file: string, v: Value): Json | undefined {
  switch (v.kind) {
    case "String":
    case "Number":
    case "Bool":
      return v.value;
    case "Null":
      return null;
    case "List": {
      const out: Json[] = [];
      for (const item of v.items) {
        const j = literalJson(ctx, file, item);
        if (j === undefined) return undefined;
        out.push(j);
      }
      return out;
    }
    case "Object": {
      const out: { [key: string]: Json } = {};
      for (const e of v.entries) {
        const j = literalJson(ctx, file, e.value);
        if (j === undefined) return undefined;
        out[e.key] = j;
      }
      return out;
    }
    case "Ref":
    case "Param":
      ctx.error(
        CheckCodes.PARAM_NOT_LITERAL,
        `a param's value must be a literal (string, number, true/false, null, list or object), got ${v.kind === "Ref" ? `the name '${v.name}'` : `$${v.name}`}`,
        file,
        v.span,
        v.kind === "Ref" ? [`write a string in quotes: "${v.name}"`] : undefined,
      );
      return undefined;
  }
}

type SetParse = { ok: true; value: Json } | { ok: false; expected: string };

const NUMBER_RE = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Parse a --set value according to the type of the declared default. */
export function parseSetValue(raw: string, declared: Json): SetParse {
  const text = raw.trim();
  if (typeof declared === "number") {
    return NUMBER_RE.test(text) ? { ok: true, value: Number(text) } : { ok: false, expected: "a number" };
  }
  if (typeof declared === "boolean") {
    if (text === "true") return { ok: true, value: true };
    if (text === "false") return { ok: true, value: false };
    return { ok: false, expected: "true or false" };
  }
  if (typeof declared === "string") return { ok: true, value: raw };
  if (declared === null) {
    if (NUMBER_RE.test(text)) return { ok: true, value: Number(text) };
    if (text === "true" || text === "false") return { ok: true, value: text === "true" };
    if (text === "null") return { ok: true, value: null };
    return { ok: true, value: raw };
  }
  // Lists and objects: JSON on the command line.
  try {
    const parsed = JSON.parse(text) as Json;
    const wantList = Array.isArray(declared);
    if (wantList ? Array.isArray(parsed) : parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      return { ok: true, value: parsed };
    }
  } catch {
    // fall through to the type error
  }
  return { ok: false, expected: Array.isArray(declared) ? "a list (JSON, e.g. [1,2])" : "an object (JSON)" };
}

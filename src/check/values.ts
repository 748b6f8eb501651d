// Reading typed settings out of property lists: `temperature 0.7`, `scorers [a, b]`, `seed $seed`.
// Each reader reports what it expected at the value's span and returns undefined, so a block with
// several bad settings reports all of them.

import type { Span } from "../core/diagnostic.js";
import type { Json } from "../core/plan.js";
import type { ObjectEntry, Property, StringValue, Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext } from "./context.js";

/** The properties of one block by key, with unknown and repeated keys reported once. */
export class PropertyBag {
  private readonly byKey = new Map<string, Property>();
  readonly ordered: Property[] = [];

  constructor(
    private readonly ctx: CheckContext,
    readonly file: string,
    properties: readonly Property[],
    /** Allowed keys; null accepts any key (free-form blocks such as culture fields). */
    allowed: readonly string[] | null,
    /** What the block is, for messages: "scorer 'harmless'". */
    readonly what: string,
  ) {
    for (const p of properties) {
      if (allowed !== null && !allowed.includes(p.key)) {
        ctx.error(
          CheckCodes.UNKNOWN_PROPERTY,
          `unknown property '${p.key}' in ${what}`,
          file,
          p.keySpan,
          suggestionNotes(p.key, allowed, "properties").map((n) => n.replace("declared properties", "allowed")),
        );
        continue;
      }
      const first = this.byKey.get(p.key);
      if (first) {
        ctx.error(CheckCodes.DUPLICATE_PROPERTY, `'${p.key}' is given twice in ${what}`, file, p.keySpan, [`first given at ${where(file, first.keySpan)}`]);
        continue;
      }
      this.byKey.set(p.key, p);
      this.ordered.push(p);
    }
  }

  get(key: string): Property | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Report a required property that is missing, at the block's span. */
  require(key: string, span: Span, hint?: string): Property | undefined {
    const p = this.byKey.get(key);
    if (!p) {
      this.ctx.error(CheckCodes.MISSING_PROPERTY, `${this.what} needs '${key}'`, this.file, span, hint ? [hint] : undefined);
    }
    return p;
  }
}

// ---------------------------------------------------------------------------------------------
// Params inside values

/** Replace `$name` by the param's value (recursively in lists and objects). */
export function resolveParams(ctx: CheckContext, file: string, v: Value): Value | undefined {
  switch (v.kind) {
    case "Param": {
      const p = ctx.params.get(v.name);
      if (!p) {
        ctx.error(CheckCodes.UNDEFINED_PARAM, `no param named '${v.name}'`, file, v.span, suggestionNotes(v.name, [...ctx.params.keys()], "params"));
        return undefined;
      }
      return jsonToValue(p.value, v.span);
    }
    case "List": {
      const items: Value[] = [];
      for (const item of v.items) {
        const r = resolveParams(ctx, file, item);
        if (r === undefined) return undefined;
        items.push(r);
      }
      return { ...v, items };
    }
    case "Object": {
      const entries: ObjectEntry[] = [];
      for (const e of v.entries) {
        const r = resolveParams(ctx, file, e.value);
        if (r === undefined) return undefined;
        entries.push({ ...e, value: r });
      }
      return { ...v, entries };
    }
    default:
      return v;
  }
}

/**
 * Params where names are expected (`cultures $locales`, `cultures [en_US, $more]`): a param holds
 * literals, so its strings stand for the names; a list param inside a list is spliced in. Values
 * written in the spec are left as they are (a quoted string there is still not a name).
 */
export function resolveNameParams(ctx: CheckContext, file: string, v: Value): Value | undefined {
  const fromParam = (p: Value): Value | undefined => {
    const r = resolveParams(ctx, file, p);
    return r === undefined ? undefined : stringsAsNames(r);
  };
  if (v.kind === "Param") return fromParam(v);
  if (v.kind !== "List") return v;
  const items: Value[] = [];
  for (const item of v.items) {
    if (item.kind !== "Param") {
      items.push(item);
      continue;
    }
    const r = fromParam(item);
    if (r === undefined) return undefined;
    if (r.kind === "List") items.push(...r.items);
    else items.push(r);
  }
  return { ...v, items };
}

function stringsAsNames(v: Value): Value {
  if (v.kind === "String") return { kind: "Ref", name: v.value, span: v.span };
  if (v.kind === "List") return { ...v, items: v.items.map(stringsAsNames) };
  return v;
}

/** A JSON value as a Value node placed at `span` (used for param substitution). */
export function jsonToValue(json: Json, span: Span): Value {
  if (json === null) return { kind: "Null", span };
  if (typeof json === "string") return { kind: "String", value: json, triple: false, contentMap: { anchors: [] }, span };
  if (typeof json === "number") return { kind: "Number", value: json, raw: String(json), span };
  if (typeof json === "boolean") return { kind: "Bool", value: json, span };
  if (Array.isArray(json)) return { kind: "List", items: json.map((j) => jsonToValue(j, span)), span };
  return {
    kind: "Object",
    entries: Object.keys(json).map((key) => ({ key, keySpan: span, value: jsonToValue(json[key] ?? null, span), span })),
    span,
  };
}

export function describeValue(v: Value): string {
  switch (v.kind) {
    case "String":
      return "a string";
    case "Number":
      return "a number";
    case "Bool":
      return v.value ? "true" : "false";
    case "Null":
      return "null";
    case "Ref":
      return `the name '${v.name}'`;
    case "Param":
      return `the param $${v.name}`;
    case "List":
      return "a list";
    case "Object":
      return "an object";
  }
}

function wrongType(ctx: CheckContext, file: string, v: Value, what: string, expected: string): undefined {
  ctx.error(CheckCodes.WRONG_TYPE, `${what} must be ${expected}, got ${describeValue(v)}`, file, v.span);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Typed readers. `what` names the setting in messages ("temperature", "item 'q1' text").

export function readString(ctx: CheckContext, file: string, value: Value, what: string): string | undefined {
  const v = resolveParams(ctx, file, value);
  if (v === undefined) return undefined;
  if (v.kind === "String") return v.value;
  return wrongType(ctx, file, v, what, "a string");
}

/** The StringValue node itself (for file references and inline templates that need the span). */
export function readStringNode(ctx: CheckContext, file: string, value: Value, what: string): StringValue | undefined {
  if (value.kind === "String") return value;
  const v = resolveParams(ctx, file, value);
  if (v === undefined) return undefined;
  if (v.kind === "String") return v;
  return wrongType(ctx, file, v, what, "a string");
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** Lower bound excluded (`rate_limit > 0`). */
  minExclusive?: boolean;
  integer?: boolean;
}

export function readNumber(ctx: CheckContext, file: string, value: Value, what: string, range: NumberRange = {}): number | undefined {
  const v = resolveParams(ctx, file, value);
  if (v === undefined) return undefined;
  if (v.kind !== "Number") return wrongType(ctx, file, v, what, range.integer ? "a whole number" : "a number");
  const n = v.value;
  const viaParam = value.kind === "Param" ? [`$${value.name} = ${n}`] : undefined;
  if (!Number.isFinite(n)) {
    ctx.error(CheckCodes.OUT_OF_RANGE, `${what} must be a finite number`, file, v.span, viaParam);
    return undefined;
  }
  if (range.integer && !Number.isInteger(n)) {
    ctx.error(CheckCodes.WRONG_TYPE, `${what} must be a whole number, got ${n}`, file, v.span, viaParam);
    return undefined;
  }
  const tooLow = range.min !== undefined && (range.minExclusive ? n <= range.min : n < range.min);
  const tooHigh = range.max !== undefined && n > range.max;
  if (tooLow || tooHigh) {
    ctx.error(CheckCodes.OUT_OF_RANGE, `${what} ${describeRange(range)}, got ${n}`, file, v.span, viaParam);
    return undefined;
  }
  return n;
}

export function describeRange(range: NumberRange): string {
  const kind = range.integer ? "a whole number" : "a number";
  if (range.min !== undefined && range.max !== undefined) {
    return range.minExclusive ? `must be ${kind} > ${range.min} and <= ${range.max}` : `must be ${kind} from ${range.min} to ${range.max}`;
  }
  if (range.min !== undefined) return `must be ${kind} ${range.minExclusive ? ">" : ">="} ${range.min}`;
  if (range.max !== undefined) return `must be ${kind} <= ${range.max}`;
  return `must be ${kind}`;
}

export function readBool(ctx: CheckContext, file: string, value: Value, what: string): boolean | undefined {
  const v = resolveParams(ctx, file, value);
  if (v === undefined) return undefined;
  if (v.kind === "Bool") return v.value;
  return wrongType(ctx, file, v, what, "true or false");
}

export interface NameRef {
  name: string;
  span: Span;
}

/** A bare name (`system schwartz`). */
export function readRef(ctx: CheckContext, file: string, value: Value, what: string): NameRef | undefined {
  if (value.kind === "Ref") return { name: value.name, span: value.span };
  return wrongType(ctx, file, value, what, "a name");
}

/** `[a, b]` or a single name. */
export function readRefList(ctx: CheckContext, file: string, given: Value, what: string): NameRef[] | undefined {
  const value = resolveNameParams(ctx, file, given);
  if (value === undefined) return undefined;
  if (value.kind === "Ref") return [{ name: value.name, span: value.span }];
  if (value.kind !== "List") return wrongType(ctx, file, value, what, "a list of names");
  const out: NameRef[] = [];
  let ok = true;
  for (const item of value.items) {
    if (item.kind === "Ref") out.push({ name: item.name, span: item.span });
    else {
      wrongType(ctx, file, item, `each entry of ${what}`, "a name");
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** `["a", "b"]` or a single string. */
export function readStringList(ctx: CheckContext, file: string, value: Value, what: string): string[] | undefined {
  const v = resolveParams(ctx, file, value);
  if (v === undefined) return undefined;
  if (v.kind === "String") return [v.value];
  if (v.kind !== "List") return wrongType(ctx, file, v, what, "a list of strings");
  const out: string[] = [];
  let ok = true;
  for (const item of v.items) {
    if (item.kind === "String") out.push(item.value);
    else {
      wrongType(ctx, file, item, `each entry of ${what}`, "a string");
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** Any value as JSON; names become their string. */
export function readJson(ctx: CheckContext, file: string, value: Value): Json | undefined {
  const v = resolveParams(ctx, file, value);
  if (v === undefined) return undefined;
  return valueToJson(v);
}

function valueToJson(v: Value): Json {
  switch (v.kind) {
    case "String":
      return v.value;
    case "Number":
      return v.value;
    case "Bool":
      return v.value;
    case "Null":
      return null;
    case "Ref":
      return v.name;
    case "Param":
      return null; // unreachable after resolveParams
    case "List":
      return v.items.map(valueToJson);
    case "Object": {
      const out: { [key: string]: Json } = {};
      for (const e of v.entries) out[e.key] = valueToJson(e.value);
      return out;
    }
  }
}

/** `{ key: value ... }` entries, with repeated keys reported. */
export function readObject(ctx: CheckContext, file: string, value: Value, what: string): ObjectEntry[] | undefined {
  const v = resolveParams(ctx, file, value);
  if (v === undefined) return undefined;
  if (v.kind !== "Object") return wrongType(ctx, file, v, what, "an object { key: value }");
  const seen = new Map<string, ObjectEntry>();
  const out: ObjectEntry[] = [];
  for (const e of v.entries) {
    const first = seen.get(e.key);
    if (first) {
      ctx.error(CheckCodes.DUPLICATE_PROPERTY, `key '${e.key}' is given twice in ${what}`, file, e.keySpan, [`first given at ${where(file, first.keySpan)}`]);
      continue;
    }
    seen.set(e.key, e);
    out.push(e);
  }
  return out;
}

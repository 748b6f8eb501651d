// A deterministic value that satisfies a JSON Schema, for the mock judge (and the stand-in servers'
// structured-output answers). Covers what judge output schemas use: object/properties/required,
// boolean, number/integer with bounds, string with enum/const/minLength, array with items/minItems,
// null, type unions, anyOf/oneOf/allOf (first branch / merged) and local "#/$defs/..." refs.

import type { Json, JsonSchema } from "../core/plan.js";

export interface FillOptions {
  /** Every boolean gets this value. */
  boolean: boolean;
  /** Where numbers sit in their range. */
  number: "min" | "mid" | "max";
  /** Every unconstrained string gets this value. */
  string: string;
}

export const DEFAULT_FILL: FillOptions = { boolean: true, number: "mid", string: "canned" };

const MAX_DEPTH = 16;

export function fillSchema(schema: JsonSchema, options: FillOptions = DEFAULT_FILL): Json {
  return fill(schema, schema, options, 0);
}

function fill(node: Json | undefined, root: JsonSchema, options: FillOptions, depth: number): Json {
  if (depth > MAX_DEPTH || !isObject(node)) return null;
  if ("const" in node) return node["const"] ?? null;
  const enumValues = node["enum"];
  if (Array.isArray(enumValues) && enumValues.length > 0) return enumValues[0] ?? null;

  const ref = node["$ref"];
  if (typeof ref === "string") return fill(resolveRef(ref, root), root, options, depth + 1);

  for (const key of ["anyOf", "oneOf"]) {
    const branches = node[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const preferred = branches.find((b) => !(isObject(b) && b["type"] === "null")) ?? branches[0];
      return fill(preferred, root, options, depth + 1);
    }
  }
  const allOf = node["allOf"];
  if (Array.isArray(allOf) && allOf.length > 0) {
    const merged: JsonSchema = {};
    for (const part of allOf) if (isObject(part)) Object.assign(merged, part);
    return fill(merged, root, options, depth + 1);
  }

  const type = pickType(node);
  switch (type) {
    case "object":
      return fillObject(node, root, options, depth);
    case "array":
      return fillArray(node, root, options, depth);
    case "boolean":
      return options.boolean;
    case "integer":
      return fillNumber(node, options, true);
    case "number":
      return fillNumber(node, options, false);
    case "string":
      return fillString(node, options);
    case "null":
      return null;
    default:
      return null;
  }
}

function pickType(node: JsonSchema): string | null {
  const type = node["type"];
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    const first = type.find((t) => t !== "null") ?? type[0];
    return typeof first === "string" ? first : null;
  }
  if (isObject(node["properties"])) return "object";
  if (node["items"] !== undefined) return "array";
  return null;
}

function fillObject(node: JsonSchema, root: JsonSchema, options: FillOptions, depth: number): Json {
  const out: { [key: string]: Json } = {};
  const properties = node["properties"];
  if (isObject(properties)) {
    for (const key of Object.keys(properties)) out[key] = fill(properties[key], root, options, depth + 1);
  }
  const required = node["required"];
  if (Array.isArray(required)) {
    for (const key of required) if (typeof key === "string" && !(key in out)) out[key] = options.string;
  }
  return out;
}

function fillArray(node: JsonSchema, root: JsonSchema, options: FillOptions, depth: number): Json {
  const minItems = typeof node["minItems"] === "number" ? Math.max(0, Math.floor(node["minItems"])) : 1;
  const maxItems = typeof node["maxItems"] === "number" ? Math.floor(node["maxItems"]) : Infinity;
  const count = Math.min(Math.max(minItems, 1), maxItems);
  const items = node["items"];
  const out: Json[] = [];
  for (let i = 0; i < count; i++) out.push(fill(Array.isArray(items) ? items[i] : items, root, options, depth + 1));
  return out;
}

function fillNumber(node: JsonSchema, options: FillOptions, integer: boolean): number {
  let lo = numberOr(node["minimum"], null);
  let hi = numberOr(node["maximum"], null);
  const exLo = numberOr(node["exclusiveMinimum"], null);
  const exHi = numberOr(node["exclusiveMaximum"], null);
  if (exLo !== null) lo = integer ? Math.floor(exLo) + 1 : exLo + (hi !== null ? (hi - exLo) / 1000 : 1);
  if (exHi !== null) hi = integer ? Math.ceil(exHi) - 1 : exHi - (lo !== null ? (exHi - lo) / 1000 : 1);
  if (integer) {
    if (lo !== null) lo = Math.ceil(lo);
    if (hi !== null) hi = Math.floor(hi);
  }
  let value: number;
  if (lo !== null && hi !== null) {
    value = options.number === "min" ? lo : options.number === "max" ? hi : (lo + hi) / 2;
  } else if (lo !== null) {
    value = lo;
  } else if (hi !== null) {
    value = Math.min(hi, 0);
  } else {
    value = options.number === "min" ? 0 : options.number === "max" ? 100 : 1;
  }
  if (integer) value = Math.floor(value);
  return value;
}

function fillString(node: JsonSchema, options: FillOptions): string {
  const minLength = typeof node["minLength"] === "number" ? node["minLength"] : 0;
  const maxLength = typeof node["maxLength"] === "number" ? node["maxLength"] : Infinity;
  let text = options.string;
  while (text.length < minLength) text += options.string;
  return text.slice(0, Math.max(minLength, Math.min(text.length, maxLength)));
}

function resolveRef(ref: string, root: JsonSchema): Json | undefined {
  if (!ref.startsWith("#")) return undefined;
  const parts = ref
    .slice(1)
    .split("/")
    .filter((p) => p !== "");
  let node: Json | undefined = root;
  for (const raw of parts) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function numberOr(value: Json | undefined, fallback: number | null): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

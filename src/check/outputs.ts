// Structured output declarations: `output { safe: "boolean", category: ["a", "b"], severity: "integer 0..3" }`
// becomes a JSON Schema (every field required, nothing else allowed, numbers bounded where a range is
// written); `output "schemas/x.json"` names a schema file.

import type { Json, JsonSchema } from "../core/plan.js";
import type { Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import type { CheckContext, SourceFile } from "./context.js";
import type { SchemaLoader } from "./schemas.js";
import { readObject } from "./values.js";

export interface OutputSchema {
  schema: JsonSchema;
  /** Top-level field names (what `output.<field>` may read); null when the schema does not say. */
  fields: Set<string> | null;
}

const TYPE_NAMES = ["string", "number", "integer", "boolean"];

/** A field type: a type name, or a number type with a range ("integer 0..3", "number 0..1", "integer 1.."). */
export type FieldType = { ok: true; schema: JsonSchema } | { ok: false; error: string } | null;

const RANGE = /^(number|integer)\s+(-?\d+(?:\.\d+)?)?\.\.(-?\d+(?:\.\d+)?)?$/;

/**
 * Reads one field type of the `output` shorthand. Ranges are inclusive and either end may be left
 * open, not both; an integer range needs whole-number ends. Null when the text is no type at all.
 */
export function fieldType(text: string): FieldType {
  const t = text.trim();
  if (TYPE_NAMES.includes(t)) return { ok: true, schema: { type: t } };
  const m = RANGE.exec(t);
  if (!m) return null;
  const type = m[1] as "number" | "integer";
  const lo = m[2] === undefined ? null : Number(m[2]);
  const hi = m[3] === undefined ? null : Number(m[3]);
  if (lo === null && hi === null) return { ok: false, error: `"${t}" gives no bound: write e.g. "${type} 0..3"` };
  if (type === "integer" && ((lo !== null && !Number.isInteger(lo)) || (hi !== null && !Number.isInteger(hi)))) {
    return { ok: false, error: `"${t}": an integer range needs whole-number ends` };
  }
  if (lo !== null && hi !== null && lo > hi) return { ok: false, error: `"${t}": the lower bound is above the upper bound` };
  return { ok: true, schema: { type, ...(lo !== null ? { minimum: lo } : {}), ...(hi !== null ? { maximum: hi } : {}) } };
}

export async function readOutputSchema(ctx: CheckContext, file: SourceFile, value: Value, schemas: SchemaLoader, what: string): Promise<OutputSchema | null> {
  if (value.kind === "String") {
    const loaded = await schemas.load(file.abs, file.display, value);
    if (!loaded) return null;
    const props = loaded.schema.properties;
    const fields = props !== null && typeof props === "object" && !Array.isArray(props) ? new Set(Object.keys(props)) : null;
    return { schema: loaded.schema, fields };
  }
  if (value.kind !== "Object") {
    ctx.error(
      CheckCodes.WRONG_TYPE,
      `${what} must be an object of field types ({ safe: "boolean" }) or the path of a JSON Schema file`,
      file.display,
      value.span,
    );
    return null;
  }
  // Built from checked field types, so valid by construction: no need to compile it here.
  const schema = objectSchema(ctx, file.display, value, what);
  if (!schema) return null;
  return { schema, fields: new Set(value.entries.map((e) => e.key)) };
}

function objectSchema(ctx: CheckContext, f: string, value: Value, what: string): JsonSchema | null {
  const entries = readObject(ctx, f, value, what);
  if (!entries) return null;
  const properties: { [key: string]: Json } = {};
  let ok = true;
  for (const e of entries) {
    const v = e.value;
    const typed = v.kind === "String" ? fieldType(v.value) : null;
    if (typed?.ok) properties[e.key] = typed.schema;
    else if (typed && !typed.ok) {
      ctx.error(CheckCodes.WRONG_TYPE, `output field '${e.key}': ${typed.error}`, f, v.span);
      ok = false;
    } else if (v.kind === "List" && v.items.length > 0 && v.items.every((i) => i.kind === "String")) {
      properties[e.key] = { type: "string", enum: v.items.map((i) => (i.kind === "String" ? i.value : "")) };
    } else if (v.kind === "Object") {
      const nested = objectSchema(ctx, f, v, `${what} field '${e.key}'`);
      if (nested) properties[e.key] = nested;
      else ok = false;
    } else {
      ctx.error(
        CheckCodes.WRONG_TYPE,
        `output field '${e.key}' must be a type ("string", "number", "integer", "boolean"), a bounded number type ("integer 0..3", "number 0..1"), a list of allowed strings, or a nested object`,
        f,
        v.span,
      );
      ok = false;
    }
  }
  if (!ok) return null;
  return {
    type: "object",
    properties,
    required: entries.map((e) => e.key),
    additionalProperties: false,
  };
}

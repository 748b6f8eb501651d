// Structured output declarations: `output { safe: "boolean", category: ["a", "b"] }` becomes a JSON
// Schema (every field required, nothing else allowed); `output "schemas/x.json"` names a schema file.

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
    if (v.kind === "String" && TYPE_NAMES.includes(v.value)) properties[e.key] = { type: v.value };
    else if (v.kind === "List" && v.items.length > 0 && v.items.every((i) => i.kind === "String")) {
      properties[e.key] = { type: "string", enum: v.items.map((i) => (i.kind === "String" ? i.value : "")) };
    } else if (v.kind === "Object") {
      const nested = objectSchema(ctx, f, v, `${what} field '${e.key}'`);
      if (nested) properties[e.key] = nested;
      else ok = false;
    } else {
      ctx.error(
        CheckCodes.WRONG_TYPE,
        `output field '${e.key}' must be a type ("string", "number", "integer", "boolean"), a list of allowed strings, or a nested object`,
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

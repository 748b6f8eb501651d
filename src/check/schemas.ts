// JSON Schema files referenced by a spec (item rows, structured outputs): read once, compiled once
// with ajv, errors reported in the schema file (bad JSON) or at the reference (invalid schema).

import { createRequire } from "node:module";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import type { Ajv2019 } from "ajv/dist/2019.js";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { Json, JsonSchema } from "../core/plan.js";
import { spanAt } from "../core/diagnostic.js";
import type { StringValue } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import type { CheckContext } from "./context.js";

export interface LoadedSchema {
  schema: JsonSchema;
  validate: ValidateFunction;
  /** Declared JSON types per top-level property (for coercing CSV cells). */
  propertyTypes: Map<string, Set<string>>;
}

type Plugin = (ajv: Ajv) => Ajv;
/** ajv-formats, loaded with ajv on first use (specs without schemas never load either). */
function addFormats(ajv: Ajv): Ajv {
  const mod = require("ajv-formats") as { default?: Plugin } & Plugin;
  return (mod.default ?? mod)(ajv);
}

type AjvLike = Ajv | Ajv2019 | Ajv2020;

// Compiling a schema generates code and costs milliseconds; the same schema text compiles to the same
// validator, so both the ajv instances and the validators are shared by every check in the process.
const instances = new Map<string, AjvLike>();
const validators = new Map<string, ValidateFunction>();

export class SchemaLoader {
  private readonly cache = new Map<string, LoadedSchema | null>();

  constructor(private readonly ctx: CheckContext) {}

  /** Load the schema file `ref` (relative to `fromAbs`). Returns null after reporting a problem. */
  async load(fromAbs: string, fromDisplay: string, ref: StringValue): Promise<LoadedSchema | null> {
    const abs = this.ctx.files.resolveFrom(fromAbs, ref.value);
    if (this.cache.has(abs)) return this.cache.get(abs) ?? null;
    const result = await this.loadUncached(abs, fromDisplay, ref);
    this.cache.set(abs, result);
    return result;
  }

  private async loadUncached(abs: string, fromDisplay: string, ref: StringValue): Promise<LoadedSchema | null> {
    const display = this.ctx.files.display(abs);
    const text = await this.ctx.readReferenced(abs, ref, "schema", fromDisplay);
    if (text === null) return null;
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      this.ctx.error(
        parsed.tooDeep ? CheckCodes.DATA_TOO_DEEP : CheckCodes.BAD_SCHEMA_FILE,
        `schema ${display} is not valid JSON: ${parsed.message}`,
        display,
        spanAt(text, parsed.offset, Math.min(parsed.offset + 1, text.length)),
      );
      return null;
    }
    return this.compile(parsed.value, display, fromDisplay, ref);
  }

  /** Compile an in-memory schema (e.g. built from `output { ... }`); null after reporting. */
  compile(schema: Json, display: string, fromDisplay: string, ref: { span: StringValue["span"] }): LoadedSchema | null {
    if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
      this.ctx.error(CheckCodes.BAD_SCHEMA_FILE, `schema ${display} must be a JSON object`, fromDisplay, ref.span);
      return null;
    }
    try {
      const key = `${draftOf(schema)}\u0000${JSON.stringify(schema)}`;
      let validate = validators.get(key);
      if (!validate) {
        validate = ajvFor(schema).compile(schema);
        validators.set(key, validate);
      }
      return { schema, validate, propertyTypes: propertyTypes(schema) };
    } catch (err) {
      this.ctx.error(
        CheckCodes.BAD_SCHEMA_FILE,
        `schema ${display} is not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}`,
        fromDisplay,
        ref.span,
      );
      return null;
    }
  }
}

// Each package is required by a literal name: the bundle (scripts/bundle.mjs) then holds a copy of it
// that still runs only on first use, and the installed package needs no node_modules.
const require = createRequire(import.meta.url);

function draftOf(schema: JsonSchema): "2020" | "2019" | "07" {
  const draft = typeof schema.$schema === "string" ? schema.$schema : "";
  return draft.includes("2020-12") ? "2020" : draft.includes("2019-09") ? "2019" : "07";
}

function ajvFor(schema: JsonSchema): AjvLike {
  const key = draftOf(schema);
  let ajv = instances.get(key);
  if (!ajv) {
    // addUsedSchema: false — two files may use the same $id (or one file may change between checks).
    // validateSchema: false — compiling the meta-schema costs ~60 ms per dialect at start-up, and
    // compiling a schema still rejects wrong keyword values (`"type": "strnig"`, `"required": "id"`).
    const options = { allErrors: true, strict: false, logger: false as const, addUsedSchema: false, validateSchema: false };
    // ajv is loaded on first use, and the 2019-09 and 2020-12 dialects only when a schema asks for them.
    ajv =
      key === "2020"
        ? new (require("ajv/dist/2020.js") as { Ajv2020: typeof Ajv2020 }).Ajv2020(options)
        : key === "2019"
          ? new (require("ajv/dist/2019.js") as { Ajv2019: typeof Ajv2019 }).Ajv2019(options)
          : new (require("ajv") as { Ajv: typeof Ajv }).Ajv(options);
    addFormats(ajv as Ajv);
    instances.set(key, ajv);
  }
  return ajv;
}

function propertyTypes(schema: JsonSchema): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const props = schema.properties;
  if (props === null || typeof props !== "object" || Array.isArray(props)) return out;
  for (const [key, sub] of Object.entries(props)) {
    if (sub === null || typeof sub !== "object" || Array.isArray(sub)) continue;
    const t = sub.type;
    const types = new Set<string>();
    if (typeof t === "string") types.add(t);
    else if (Array.isArray(t)) for (const x of t) if (typeof x === "string") types.add(x);
    if (Array.isArray(sub.enum)) {
      for (const e of sub.enum) types.add(e === null ? "null" : typeof e);
    }
    out.set(key, types);
  }
  return out;
}

/** "field 'difficulty' must be number" from an ajv error. */
export function describeAjvError(e: ErrorObject): string {
  const field = e.instancePath
    ? `field '${e.instancePath.slice(1).replace(/\//g, ".")}'`
    : e.keyword === "required" && typeof (e.params as { missingProperty?: unknown }).missingProperty === "string"
      ? `field '${(e.params as { missingProperty: string }).missingProperty}'`
      : "the row";
  if (e.keyword === "required") return `${field} is required`;
  if (e.keyword === "additionalProperties") {
    const extra = (e.params as { additionalProperty?: unknown }).additionalProperty;
    return `field '${String(extra)}' is not allowed by the schema`;
  }
  if (e.keyword === "enum") {
    const allowed = (e.params as { allowedValues?: unknown }).allowedValues;
    return `${field} must be one of ${Array.isArray(allowed) ? allowed.map((a) => JSON.stringify(a)).join(", ") : "the allowed values"}`;
  }
  return `${field} ${e.message ?? "is invalid"}`;
}

export type JsonParse = { ok: true; value: Json } | { ok: false; message: string; offset: number; tooDeep?: true };

/** How deep a JSON value in a data, schema or baseline file may nest (VC1013). */
export const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than MAX_JSON_DEPTH, found without recursion. */
export function jsonTooDeep(root: unknown): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return false;
}

/** JSON.parse with the error offset extracted (Node reports "at position N"). */
export function parseJsonText(text: string): JsonParse {
  try {
    const value = JSON.parse(text) as Json;
    // Deeper values would overflow the recursive code that reads them (schema compiler, hashing).
    if (jsonTooDeep(value)) return { ok: false, message: `nested more than ${MAX_JSON_DEPTH} levels deep`, offset: 0, tooDeep: true };
    return { ok: true, value };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : text.length;
    return { ok: false, message: message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, ""), offset };
  }
}

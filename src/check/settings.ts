// Reading a kind's plain settings as its settings schema types them: the schema says which reader
// (number with its range, string, boolean, list of strings) and how messages name the setting, so a
// kind's check only spells out what a schema cannot say (a regex that must compile, a dimension that
// must be declared).

import type { Span } from "../core/diagnostic.js";
import type { Json } from "../core/plan.js";
import type { Value } from "../syntax/ast.js";
import type { CheckContext } from "./context.js";
import type { JsonType, SettingSchema, SettingsSchema } from "./kinds.js";
import { readBool, readNumber, readString, readStringList, type NumberRange, type PropertyBag } from "./values.js";

/** The type a setting has when it is set (ajv's `nullable` and a "null" member mean "may be absent"). */
export function settingType(schema: SettingSchema): JsonType | undefined {
  const types = typeof schema.type === "string" ? [schema.type] : (schema.type ?? []);
  return types.find((t) => t !== "null");
}

/** The range readNumber checks, from minimum / exclusiveMinimum / maximum and an integer type. */
export function settingRange(schema: SettingSchema): NumberRange {
  const range: NumberRange = {};
  if (schema.exclusiveMinimum !== undefined) {
    range.min = schema.exclusiveMinimum;
    range.minExclusive = true;
  } else if (schema.minimum !== undefined) range.min = schema.minimum;
  if (schema.maximum !== undefined) range.max = schema.maximum;
  if (settingType(schema) === "integer") range.integer = true;
  return range;
}

/** How messages name a setting: its title when it has one, else its key. */
export function settingLabel(key: string, schema: SettingSchema): string {
  return schema.title ?? key;
}

/**
 * A plain setting read with the reader its schema calls for; undefined after reporting a value of the
 * wrong type or out of range. Only plain types have readers: settings that name declarations or need
 * more than a type check are read by the kind itself.
 */
export function readSetting(ctx: CheckContext, file: string, value: Value, schema: SettingSchema, label: string): Json | undefined {
  const type = settingType(schema);
  switch (type) {
    case "number":
    case "integer":
      return readNumber(ctx, file, value, label, settingRange(schema));
    case "string":
      return readString(ctx, file, value, label);
    case "boolean":
      return readBool(ctx, file, value, label);
    case "array":
      if (schema.items !== undefined && settingType(schema.items) === "string") return readStringList(ctx, file, value, label);
      break;
    default:
      break;
  }
  throw new Error(`no reader for a setting '${label}' of type ${JSON.stringify(schema.type)}`);
}

/** The settings of one block (a scorer's), read through its kind's schema. */
export class SettingsReader {
  constructor(
    private readonly ctx: CheckContext,
    private readonly file: string,
    readonly props: PropertyBag,
    readonly schema: SettingsSchema,
  ) {}

  private schemaOf(key: string): SettingSchema {
    const s = this.schema.properties[key];
    if (s === undefined) throw new Error(`'${key}' is not a setting of this kind`);
    return s;
  }

  /** The setting `key` as its schema types it; undefined when it is absent or invalid (then reported). */
  read(key: string): Json | undefined {
    const p = this.props.get(key);
    return p ? this.readValue(key, p.value) : undefined;
  }

  /** A value given for `key`, read as the schema types `key`. */
  readValue(key: string, value: Value): Json | undefined {
    const schema = this.schemaOf(key);
    return readSetting(this.ctx, this.file, value, schema, settingLabel(key, schema));
  }

  /**
   * A setting the spec must give: reported at `span` (the scorer's name) with `hint` when missing.
   * Null when it is missing or invalid, which is what the plan holds for it then.
   */
  require(key: string, span: Span, hint: string): Json {
    const p = this.props.require(key, span, hint);
    return (p && this.readValue(key, p.value)) ?? null;
  }

  /** A string setting (the spec's value for `key`, or `value` when given). */
  string(key: string, value?: Value): string | undefined {
    const v = this.typed(key, "string", value);
    return typeof v === "string" ? v : undefined;
  }

  /** A list-of-strings setting; a single string is a list of one. */
  strings(key: string, value?: Value): string[] | undefined {
    const v = this.typed(key, "array", value);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
  }

  number(key: string, value?: Value): number | undefined {
    const v = this.typed(key, settingType(this.schemaOf(key)) === "integer" ? "integer" : "number", value);
    return typeof v === "number" ? v : undefined;
  }

  boolean(key: string, value?: Value): boolean | undefined {
    const v = this.typed(key, "boolean", value);
    return typeof v === "boolean" ? v : undefined;
  }

  private typed(key: string, type: JsonType, value: Value | undefined): Json | undefined {
    const actual = settingType(this.schemaOf(key));
    if (actual !== type) throw new Error(`setting '${key}' is of type ${actual ?? "?"}, not ${type}`);
    return value !== undefined ? this.readValue(key, value) : this.read(key);
  }

  /** Copies each of `keys` that the spec sets (and that is valid) into `config`. */
  copy(config: Record<string, Json>, keys: readonly string[]): void {
    for (const key of keys) {
      const v = this.read(key);
      if (v !== undefined) config[key] = v;
    }
  }
}

// What the checker needs of each scorer, report and provider kind. The kinds are modules of the layers
// that run them (src/score/kinds, src/report/kinds, src/providers/kinds), above the checker, so the
// checker cannot import them: src/app/kinds.ts assembles them into a CheckKinds, loadSpec receives it
// (LoadOptions.kinds) and the checker iterates over whatever kinds it is given.

import type { Json } from "../core/plan.js";
import type { Scale } from "../core/scale.js";
import type { ScorerDecl } from "../syntax/ast.js";
import type { CheckContext, SourceFile } from "./context.js";
import type { Table } from "./decls.js";
import type { SchemaLoader } from "./schemas.js";
import type { ScorerEnvBase } from "./scorers.js";
import type { SettingsReader } from "./settings.js";
import type { CheckedRun } from "./spec.js";
import type { NameRef, PropertyBag } from "./values.js";

export interface CheckKinds {
  readonly scorers: readonly ScorerKindCheck[];
  readonly reports: readonly ReportKindCheck[];
  readonly providers: readonly ProviderKindCheck[];
  /** The tables every run writes; a report with one of these ids is written as report_<id>.csv. */
  readonly builtinTables: readonly string[];
}

/** The kind called `name` in `kinds`, if there is one. */
export function kindNamed<K extends { readonly name: string }>(kinds: readonly K[], name: string): K | undefined {
  return kinds.find((k) => k.name === name);
}

// ---------------------------------------------------------------------------------------------------
// Settings schemas: JSON Schema as plain data, so that the checker reads it without loading a
// validator; the runtime validates plan configs with ajv against the same objects, and the docs tables
// are rendered from them. This is the subset the kinds use.

export type JsonType = "string" | "number" | "integer" | "boolean" | "array" | "object" | "null";

export interface SettingSchema {
  readonly type?: JsonType | readonly JsonType[];
  /** ajv's shorthand for "or null": optional settings are absent or null in a plan. */
  readonly nullable?: boolean;
  /** How messages name the setting when its key alone says too little: "opening (characters from …)". */
  readonly title?: string;
  /** What the setting means, for the docs tables. */
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  readonly enum?: readonly Json[];
  readonly items?: SettingSchema;
  readonly properties?: { readonly [key: string]: SettingSchema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SettingSchema;
  readonly anyOf?: readonly SettingSchema[];
}

/** The settings of one kind: an object whose properties are the settings, in the order messages list them. */
export interface SettingsSchema extends SettingSchema {
  readonly type: "object";
  readonly properties: { readonly [key: string]: SettingSchema };
}

// ---------------------------------------------------------------------------------------------------
// Scorer kinds

/** Everything a scorer kind's check may look at; the checker has already reported unknown and repeated properties. */
export interface ScorerCheckInput {
  readonly ctx: CheckContext;
  readonly file: SourceFile;
  readonly node: ScorerDecl;
  /** How messages name the scorer: "likert scorer 'rating'". */
  readonly what: string;
  readonly props: PropertyBag;
  /** Reads the plain settings as the kind's schema types them. */
  readonly settings: SettingsReader;
  readonly templates: Table<unknown>;
  /** The run's judge (after --judge), for kinds that call a model. */
  readonly judge: string | null;
  readonly env: ScorerEnvBase;
  readonly schemas: SchemaLoader;
}

export interface ScorerCheckResult {
  /** The plan's `config` of the scorer: keys the spec does not set are left out (or null where the kind says). */
  config: Record<string, Json>;
  /** A judge's rubric template. */
  templateRef?: NameRef | null;
  /** Fields `output.<field>` may read; null (or absent) accepts any field. */
  outputFields?: Set<string> | null;
}

export interface ScorerKindCheck {
  readonly name: string;
  readonly settings: SettingsSchema;
  /** Properties a spec may write: the settings, plus spellings the checker turns into settings (a judge's `output`). */
  readonly properties: readonly string[];
  /** Names the kind adds to `score` expressions and rules: `rating`, `refused`, `output` … */
  readonly roots: readonly string[];
  /** The scale a scorer of this kind has when its spec declares none, from its plan config (src/core/scale.ts). */
  defaultScale(config: Record<string, Json>): Scale;
  /** The default scale in words, for the docs table: "proportion; percent with `mapping`". */
  readonly scaleDoc: string;
  check(input: ScorerCheckInput): ScorerCheckResult | Promise<ScorerCheckResult>;
}

// ---------------------------------------------------------------------------------------------------
// Report kinds

/**
 * A report kind's own reading of settings whose meaning is its own (`by` of scores and of
 * context_effects). The checker reads the rest from the schema: names of scorers, systems and
 * baselines, words from an `enum`, booleans.
 */
export interface ReportCheckInput {
  readonly ctx: CheckContext;
  readonly file: string;
  readonly props: PropertyBag;
  readonly run: CheckedRun;
  /** The scale of each checked scorer (declared, or its kind's default), for settings that combine measures. */
  readonly scales: ReadonlyMap<string, Scale>;
  /** Where the kind writes what it reads. */
  readonly settings: Record<string, Json>;
}

export interface ReportKindCheck {
  readonly name: string;
  readonly settings: SettingsSchema;
  check?(input: ReportCheckInput): void;
}

// ---------------------------------------------------------------------------------------------------
// Provider kinds

export type RestResult = { ok: true; name: string } | { ok: false; error: string };

export interface ProviderKindCheck {
  /** The prefix of model ids: "ollama" in "ollama:llama3.2:3b". */
  readonly name: string;
  /** What follows the colon, as the messages and docs write it: NAME or COMMAND. */
  readonly placeholder: string;
  /** Whether "write ollama:X" is a sensible suggestion for an id "X" without a provider. */
  readonly suggestsBareName: boolean;
  /** Settings of a model block that only this provider reads (exec's json_io). */
  readonly settings: SettingsSchema;
  /** The provider-local name (or command) of `rest`, the text after the colon of `id`, or why it is invalid. */
  parseRest(rest: string, id: string): RestResult;
}

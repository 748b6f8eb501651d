// A provider kind in one object: the prefix of its model ids and what may follow it, the model
// settings only it reads, how to create its adapter (lazily) and where its requests go. The checker
// sees the check-facing part (ProviderKindCheck); the run creates adapters through src/providers/registry.ts.

import type { JSONSchemaType } from "ajv";
import type { ProviderKindCheck, RestResult, SettingsSchema } from "../../check/kinds.js";
import type { PlanModel } from "../../core/plan.js";
import type { Provider, ProviderEnv } from "../types.js";

export interface ProviderOptions {
  /** exec: the folder commands run in (the entry spec's folder). Default: process.cwd(). */
  cwd?: string;
}

export interface ProviderKindModule extends ProviderKindCheck {
  /** The adapter for a model of this kind; client libraries load on its first call. */
  create(model: PlanModel, env: ProviderEnv, options: ProviderOptions): Provider;
  /** Where the model's requests go, in words, never with a credential: "ollama at http://…". */
  describeEndpoint(model: PlanModel, env: ProviderEnv): string;
}

export interface ProviderKindDefinition<S> extends Omit<ProviderKindModule, "settings"> {
  /** Settings of a model block that only this kind reads; the PlanModel fields they fill. */
  settings: JSONSchemaType<S> & SettingsSchema;
}

export function defineProviderKind<S>(def: ProviderKindDefinition<S>): ProviderKindModule {
  return def;
}

/** No settings beyond the ones every model block has. */
export const NO_SETTINGS = { type: "object", properties: {}, required: [], additionalProperties: false } as const;

/** parseRest for kinds whose name is one word: "model name in 'ollama:a b' must not contain spaces". */
export function oneWordName(rest: string, id: string): RestResult {
  return /\s/.test(rest) ? { ok: false, error: `model name in '${id}' must not contain spaces` } : { ok: true, name: rest };
}

// Model ids as written in specs and on the command line: "ollama:NAME", "openai:NAME",
// "exec:COMMAND", "mock:NAME". The provider is the text before the first colon; everything after it
// is the provider-local name, which may itself contain colons ("ollama:llama3.2:3b",
// "openai:ft:gpt-4o-mini:org::id"). The syntax is the checker's (src/check/model-id.ts); what may
// follow the colon is each provider kind's. Errors are returned as data, fit for a diagnostic.

import { parseModelId as parseWith, type ModelIdResult } from "../check/model-id.js";
import { defaultPlanModel } from "../core/model.js";
import type { PlanModel } from "../core/plan.js";
import { PROVIDER_KINDS } from "./kinds/index.js";

export type { ModelIdResult, ParsedModelId } from "../check/model-id.js";
export { defaultPlanModel } from "../core/model.js";

export function parseModelId(id: string): ModelIdResult {
  return parseWith(id, PROVIDER_KINDS);
}

/** A PlanModel with no spec overrides, for `--model` / `--judge` flags and tests. */
export function planModelFromId(
  id: string,
  overrides: Partial<Omit<PlanModel, "id" | "provider" | "name">> = {},
): { ok: true; model: PlanModel } | { ok: false; error: string } {
  const parsed = parseModelId(id);
  if (!parsed.ok) return parsed;
  return { ok: true, model: { ...defaultPlanModel(id.trim(), parsed.value.provider, parsed.value.name), ...overrides } };
}

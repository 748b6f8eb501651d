// Model ids as written in specs and on the command line: "ollama:NAME", "openai:NAME",
// "exec:COMMAND", "mock:NAME". The provider is the text before the first colon; everything after it
// is the provider-local name, which may itself contain colons ("ollama:llama3.2:3b",
// "openai:ft:gpt-4o-mini:org::id"). Errors are returned as data, with a message fit for a diagnostic.

import type { PlanModel } from "../core/plan.js";
import { splitCommand } from "./command-line.js";
import { parseMockName } from "./mock.js";
import type { ProviderKind } from "./types.js";

export const PROVIDER_KINDS: readonly ProviderKind[] = ["ollama", "openai", "exec", "mock"];

export interface ParsedModelId {
  provider: ProviderKind;
  /** Model name, command, or mock behaviour (with its ?parameters). */
  name: string;
}

export type ModelIdResult = { ok: true; value: ParsedModelId } | { ok: false; error: string };

export function parseModelId(id: string): ModelIdResult {
  const text = id.trim();
  if (text === "") return { ok: false, error: "empty model id; expected PROVIDER:NAME (ollama, openai, exec or mock)" };
  const colon = text.indexOf(":");
  if (colon < 0) {
    return {
      ok: false,
      error: `model id '${text}' has no provider; write ollama:${text}, openai:${text}, exec:COMMAND or mock:NAME`,
    };
  }
  const prefix = text.slice(0, colon);
  const name = text.slice(colon + 1);
  if (!(PROVIDER_KINDS as readonly string[]).includes(prefix)) {
    return {
      ok: false,
      error: `unknown provider '${prefix}' in model id '${text}'; expected one of ${PROVIDER_KINDS.join(", ")}`,
    };
  }
  const provider = prefix as ProviderKind;
  if (name.trim() === "") return { ok: false, error: `model id '${text}' has no ${provider === "exec" ? "command" : "name"}` };

  switch (provider) {
    case "ollama":
    case "openai":
      if (/\s/.test(name)) return { ok: false, error: `model name in '${text}' must not contain spaces` };
      break;
    case "exec": {
      const split = splitCommand(name);
      if (!split.ok) return { ok: false, error: `in model id '${text}': ${split.error}` };
      break;
    }
    case "mock": {
      const mock = parseMockName(name);
      if (!mock.ok) return { ok: false, error: `in model id '${text}': ${mock.error}` };
      break;
    }
  }
  return { ok: true, value: { provider, name: provider === "exec" ? name.trim() : name } };
}

/** A model with every setting at its default (no base URL, key variable, headers or limits). */
export function defaultPlanModel(id: string, provider: PlanModel["provider"], name: string): PlanModel {
  return {
    id,
    provider,
    name,
    baseUrl: null,
    apiKeyEnv: null,
    headers: {},
    concurrency: null,
    rateLimitPerMinute: null,
    jsonIo: false,
  };
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

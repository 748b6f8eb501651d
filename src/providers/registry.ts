// One entry point from a PlanModel to its adapter, and a one-line description of where its requests
// go (for `vc run` headers, errors and the manifest; never containing a credential). Both look the
// model's provider kind up in src/providers/kinds.

import type { PlanModel } from "../core/plan.js";
import { providerKind, PROVIDER_KINDS, type ProviderKindModule, type ProviderOptions } from "./kinds/index.js";
import { LazyProvider } from "./lazy.js";
import { PoolProvider } from "./pool.js";
import type { Provider, ProviderEnv } from "./types.js";

export type { ProviderOptions } from "./kinds/index.js";

function kindOf(model: PlanModel): ProviderKindModule {
  const kind = providerKind(model.provider);
  // A PlanModel comes from a checked spec or a parsed id, both of which know only registered kinds.
  if (kind === undefined) {
    throw new Error(`unknown provider '${model.provider}' of ${model.id}; expected one of ${PROVIDER_KINDS.map((k) => k.name).join(", ")}`);
  }
  return kind;
}

export function createProvider(model: PlanModel, env: ProviderEnv, options: ProviderOptions = {}): Provider {
  const kind = kindOf(model);
  if (model.hosts && model.hosts.length > 0) {
    // An endpoint pool: one adapter per host, each a model with that host as its base URL.
    const { hosts, ...single } = model;
    return new PoolProvider(
      model.provider,
      model.id,
      hosts.map((address) => ({ address, provider: kind.create({ ...single, baseUrl: address }, env, options) })),
    );
  }
  return kind.create(model, env, options);
}

/** The adapter behind a provider from createProvider (loading it if needed), e.g. for instanceof checks. */
export async function adapterOf(provider: Provider): Promise<Provider> {
  return provider instanceof LazyProvider ? provider.adapter() : provider;
}

/**
 * Where a model's requests go, in words: "ollama at http://127.0.0.1:11434",
 * "OpenAI-compatible API at https://api.openai.com/v1", "command: python3 answer.py",
 * "built-in mock (canned answers: refuse)".
 */
export function describeEndpoint(model: PlanModel, env: ProviderEnv): string {
  if (model.hosts && model.hosts.length > 0) {
    const { hosts, ...single } = model;
    const first = kindOf(model).describeEndpoint({ ...single, baseUrl: hosts[0] ?? null }, env);
    return hosts.length > 1 ? `${first} and ${hosts.length - 1} more host${hosts.length > 2 ? "s" : ""} (a pool)` : first;
  }
  return kindOf(model).describeEndpoint(model, env);
}

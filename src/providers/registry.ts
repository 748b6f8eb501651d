// One entry point from a PlanModel to its adapter, and a one-line description of where its requests
// go (for `vc run` headers, errors and the manifest; never containing a credential).

import type { PlanModel } from "../core/plan.js";
import { openaiBaseUrl, safeUrl } from "./endpoints.js";
import { createMockProvider, parseMockName } from "./mock.js";
import { ollamaEndpoint, parseOllamaHost } from "./ollama-host.js";
import type { ChatRequest, ChatResult, PrepareOptions, PrepareResult, Provider, ProviderEnv, ProviderKind } from "./types.js";

export interface ProviderOptions {
  /** exec: the folder commands run in (the entry spec's folder). Default: process.cwd(). */
  cwd?: string;
}

export function createProvider(model: PlanModel, env: ProviderEnv, options: ProviderOptions = {}): Provider {
  switch (model.provider) {
    case "ollama":
      return new LazyProvider("ollama", model.id, async () => (await import("./ollama.js")).createOllamaProvider(model, env));
    case "openai":
      return new LazyProvider("openai", model.id, async () => (await import("./openai.js")).createOpenAIProvider(model, env));
    case "exec":
      return new LazyProvider("exec", model.id, async () =>
        (await import("./exec.js")).createExecProvider(model, env, options.cwd !== undefined ? { cwd: options.cwd } : {}),
      );
    case "mock":
      return createMockProvider(model);
  }
}

/** The adapter behind a provider from createProvider (loading it if needed), e.g. for instanceof checks. */
export async function adapterOf(provider: Provider): Promise<Provider> {
  return provider instanceof LazyProvider ? provider.adapter() : provider;
}

/**
 * Defers loading an adapter (and its client library: openai, ollama, execa) until the first call.
 * Every `vc` command starts faster, and a run only pays for the clients its models use.
 */
class LazyProvider implements Provider {
  private real: Promise<Provider> | null = null;

  /** The adapter itself, loaded on first use. */
  adapter(): Promise<Provider> {
    return this.get();
  }

  constructor(
    readonly kind: ProviderKind,
    readonly id: string,
    private readonly load: () => Promise<Provider>,
  ) {}

  private get(): Promise<Provider> {
    this.real ??= this.load();
    return this.real;
  }

  async prepare(options: PrepareOptions): Promise<PrepareResult> {
    return (await this.get()).prepare(options);
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    return (await this.get()).chat(request);
  }

  async close(): Promise<void> {
    if (this.real) await (await this.real).close();
  }
}

/**
 * Where a model's requests go, in words: "ollama at http://127.0.0.1:11434",
 * "OpenAI-compatible API at https://api.openai.com/v1", "command: python3 answer.py",
 * "built-in mock (canned answers: refuse)".
 */
export function describeEndpoint(model: PlanModel, env: ProviderEnv): string {
  switch (model.provider) {
    case "ollama":
      return `ollama at ${ollamaEndpoint(parseOllamaHost(model.baseUrl ?? env["OLLAMA_HOST"]))}`;
    case "openai":
      return `OpenAI-compatible API at ${safeUrl(openaiBaseUrl(model, env))}`;
    case "exec":
      return `command: ${model.name}${model.jsonIo ? " (JSON on stdin)" : ""}`;
    case "mock": {
      const spec = parseMockName(model.name);
      return `built-in mock (canned answers: ${spec.ok ? spec.spec.behaviour : model.name})`;
    }
  }
}

// One entry point from a PlanModel to its adapter, and a one-line description of where its requests
// go (for `vc run` headers, errors and the manifest; never containing a credential).

import type { PlanModel } from "../compile/plan.js";
import { createExecProvider } from "./exec.js";
import { createMockProvider, parseMockName } from "./mock.js";
import { parseOllamaHost } from "./ollama-host.js";
import { createOllamaProvider, ollamaEndpoint } from "./ollama.js";
import { createOpenAIProvider, openaiBaseUrl, safeUrl } from "./openai.js";
import type { Provider, ProviderEnv } from "./types.js";

export interface ProviderOptions {
  /** exec: the folder commands run in (the entry spec's folder). Default: process.cwd(). */
  cwd?: string;
}

export function createProvider(model: PlanModel, env: ProviderEnv, options: ProviderOptions = {}): Provider {
  switch (model.provider) {
    case "ollama":
      return createOllamaProvider(model, env);
    case "openai":
      return createOpenAIProvider(model, env);
    case "exec":
      return createExecProvider(model, env, options.cwd !== undefined ? { cwd: options.cwd } : {});
    case "mock":
      return createMockProvider(model);
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

// `ollama:NAME`: a model served by Ollama (docs/providers.md). The adapter is src/providers/ollama.ts.

import { ollamaEndpoint, parseOllamaHost } from "../ollama-host.js";
import { LazyProvider } from "../lazy.js";
import { defineProviderKind, NO_SETTINGS, oneWordName } from "./define.js";

export const ollamaKind = defineProviderKind<Record<string, never>>({
  name: "ollama",
  placeholder: "NAME",
  suggestsBareName: true,
  settings: { ...NO_SETTINGS, description: "a model served by Ollama, at OLLAMA_HOST or the model's base_url" },
  parseRest: oneWordName,
  create: (model, env) => new LazyProvider("ollama", model.id, async () => (await import("../ollama.js")).createOllamaProvider(model, env)),
  describeEndpoint: (model, env) => `ollama at ${ollamaEndpoint(parseOllamaHost(model.baseUrl ?? env["OLLAMA_HOST"]))}`,
});

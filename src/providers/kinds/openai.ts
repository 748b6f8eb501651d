// `openai:NAME`: a model behind an OpenAI-compatible chat completions API (docs/providers.md). The
// adapter is src/providers/openai.ts.

import { openaiBaseUrl, safeUrl } from "../endpoints.js";
import { LazyProvider } from "../lazy.js";
import { defineProviderKind, NO_SETTINGS, oneWordName } from "./define.js";

export const openaiKind = defineProviderKind<Record<string, never>>({
  name: "openai",
  placeholder: "NAME",
  suggestsBareName: true,
  settings: { ...NO_SETTINGS, description: "a model behind an OpenAI-compatible API, at OPENAI_BASE_URL or the model's base_url" },
  parseRest: oneWordName,
  create: (model, env) => new LazyProvider("openai", model.id, async () => (await import("../openai.js")).createOpenAIProvider(model, env)),
  describeEndpoint: (model, env) => `OpenAI-compatible API at ${safeUrl(openaiBaseUrl(model, env))}`,
});

// Where a model's requests go, for grouping requests into per-endpoint lanes and for messages. The
// provider adapters know the real endpoint (ModelInfo.endpoint after prepare); these defaults mirror
// theirs for the moments before prepare and for models that report none.

import type { PlanModel } from "../compile/plan.js";
import { parseOllamaHost } from "../providers/ollama-host.js";
import type { ProviderEnv } from "../providers/types.js";

export function defaultEndpoint(model: PlanModel, env: ProviderEnv): string | null {
  switch (model.provider) {
    case "ollama":
      return safeUrl(parseOllamaHost(model.baseUrl ?? env["OLLAMA_HOST"]).url);
    case "openai":
      return safeUrl(model.baseUrl ?? env["OPENAI_BASE_URL"] ?? "https://api.openai.com/v1");
    default:
      return null;
  }
}

/** A URL without user info, query or fragment (where keys sometimes hide), and no trailing slash. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    return url.toString().replace(/\/+$/, "");
  } catch {
    return "(unparseable URL)";
  }
}

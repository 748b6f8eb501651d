// Where a model's requests go, for grouping requests into per-endpoint lanes and for messages. The
// provider adapters know the real endpoint (ModelInfo.endpoint after prepare); these defaults mirror
// theirs for the moments before prepare and for models that report none.

import type { PlanModel } from "../core/plan.js";
import { openaiBaseUrl, safeUrl } from "../providers/endpoints.js";
import { parseOllamaHost } from "../providers/ollama-host.js";
import type { ProviderEnv } from "../providers/types.js";

export { safeUrl };

export function defaultEndpoint(model: PlanModel, env: ProviderEnv): string | null {
  switch (model.provider) {
    case "ollama":
      return safeUrl(parseOllamaHost(model.baseUrl ?? env["OLLAMA_HOST"]).url);
    case "openai":
      return safeUrl(openaiBaseUrl(model, env));
    default:
      return null;
  }
}

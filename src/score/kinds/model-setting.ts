// The `model` setting of the kinds that call a model (judge, guard): a model id the provider kinds
// accept. Shared by those kinds' checks.

import type { ScorerCheckInput } from "../../check/kinds.js";
import { readModelId } from "../../check/model-id.js";

/** The trimmed model id, or null when the spec gives none (reported when `required`) or an invalid one. */
export function checkModelSetting({ ctx, file, node, props }: ScorerCheckInput, required: boolean): string | null {
  const p = required ? props.require("model", node.name.span, 'e.g. model "ollama:llama-guard3:1b"') : props.get("model");
  if (!p) return null;
  return readModelId(ctx, file.display, p.value, "model") ?? null;
}

// The two views of a step that scorers hand out: the flattened template context (judge rubrics, exec
// scorers) and the expression scope (score expressions and rules).

import type { Json, PlanCulture, PlanUsecase } from "../core/plan.js";
import { cultureContext as cultureContextOf, itemContext, usecaseContext as usecaseContextOf } from "../compile/render.js";
import { scopeEntity, scopeValue, type Entity, type Scope, type ScopeEntry } from "./expr.js";
import type { JudgeTemplateContext, ScoreInput } from "./types.js";

// One definition of the flattened contexts (compile/render.ts), shared with the step templates.
export { itemContext };

export function cultureContext(culture: PlanCulture | null): { [key: string]: Json } | null {
  return culture === null ? null : cultureContextOf(culture);
}

export function usecaseContext(usecase: PlanUsecase | null): { [key: string]: Json } | null {
  return usecase === null ? null : usecaseContextOf(usecase);
}

export function judgeTemplateContext(input: ScoreInput, response: string): JudgeTemplateContext {
  return {
    item: itemContext(input.item),
    dimension: { id: input.dimension.id, label: input.dimension.label, description: input.dimension.description },
    system: { id: input.system.id, label: input.system.label, description: input.system.description },
    culture: cultureContext(input.culture),
    usecase: usecaseContext(input.usecase),
    params: input.params,
    sample: input.sample,
    response,
    model: input.model,
  };
}

function entity(fields: { [key: string]: Json } | null): Entity | null {
  if (fields === null) return null;
  const id = fields["id"];
  return { id: typeof id === "string" ? id : String(id), fields };
}

/** Names that always mean the step's context; a scorer's own fields never shadow them. */
export const RESERVED_SCOPE_NAMES: readonly string[] = ["output", "score", "dimension", "system", "culture", "usecase", "item", "model", "sample"];

/**
 * The scope of score expressions and rules: `output` (the raw output), the scorer's own names
 * (`rating`, `refused`, `matched`, `choice`, `categories`, or a judge's top-level JSON fields), `score`
 * (the score so far: the default mapping inside `score`, the mapped score inside rules), and the step's
 * context as entities (`dimension`, `system`, `culture`, `usecase`, `item`) and values (`model`,
 * `sample`).
 */
export function buildScope(input: ScoreInput, raw: Json, fields: Record<string, Json>, score: number | null): Scope {
  const scope: Record<string, ScopeEntry> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!RESERVED_SCOPE_NAMES.includes(k)) scope[k] = scopeValue(v);
  }
  scope["output"] = scopeValue(raw);
  scope["score"] = scopeValue(score);
  scope["dimension"] = scopeEntity(entity({ id: input.dimension.id, label: input.dimension.label, description: input.dimension.description }));
  scope["system"] = scopeEntity(entity({ id: input.system.id, label: input.system.label, description: input.system.description }));
  scope["culture"] = scopeEntity(entity(cultureContext(input.culture)));
  scope["usecase"] = scopeEntity(entity(usecaseContext(input.usecase)));
  scope["item"] = scopeEntity(entity(itemContext(input.item)));
  scope["model"] = scopeValue(input.model);
  scope["sample"] = scopeValue(input.sample);
  return scope;
}

// Per-model item sets: an item whose `models` field (a data column or an item property) names models
// is asked of those models only, so a replay of answers each model gave to its own items makes no steps
// (and so no scoring errors) for the items it never saw.

import type { Json, PlanItem, StaticSegment } from "./plan.js";

/**
 * The models an item is restricted to, or null when it is asked of every model. The field may be a list
 * of strings or one string of names separated by commas, semicolons or `|` (a CSV cell).
 */
export function itemModels(item: Pick<PlanItem, "fields">): string[] | null {
  const value: Json | undefined = item.fields["models"];
  if (value === undefined || value === null) return null;
  if (typeof value === "string") {
    const names = value
      .split(/[,;|]/)
      .map((s) => s.trim())
      .filter((s) => s !== "");
    return names.length > 0 ? names : null;
  }
  if (Array.isArray(value)) {
    const names = value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((s) => s.trim());
    return names.length > 0 ? names : null;
  }
  return null;
}

/**
 * Whether `modelId` answers the item. A listed name matches the full id (`ollama:llama3.2:3b`) or the
 * name after the provider prefix (`llama3.2:3b`), so a data file can name models either way.
 */
export function itemAskedOf(item: Pick<PlanItem, "fields">, modelId: string): boolean {
  const names = itemModels(item);
  return names === null || names.some((n) => namesModel(n, modelId));
}

/**
 * Whether a name in a `models` field or an `only models [...]` list stands for `modelId`: the full id
 * (`ollama:llama3.2:3b`) or the name after the provider prefix (`llama3.2:3b`). One rule for both, so
 * a block's list and its items' fields select the same models.
 */
export function namesModel(name: string, modelId: string): boolean {
  const colon = modelId.indexOf(":");
  const bare = colon >= 0 ? modelId.slice(colon + 1) : modelId;
  return name === modelId || name === bare;
}

/** The items of a segment that one model answers, in declaration order. */
export function itemsOfModel<T extends Pick<PlanItem, "fields">>(items: readonly T[], modelId: string): T[] {
  return items.filter((item) => itemAskedOf(item, modelId));
}

/** Steps of one model in a static segment: the items it is asked × contexts × samples. */
export function modelStepCount(segment: { items: readonly Pick<PlanItem, "fields">[] } & Pick<StaticSegment, "contexts" | "samples">, model: string): number {
  return itemsOfModel(segment.items, model).length * segment.contexts.length * segment.samples;
}

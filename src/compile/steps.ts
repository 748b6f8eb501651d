// Enumerating the steps of a plan, one at a time, in the canonical order:
//   static segment (declaration order) → model (given order) → item (declaration/file order)
//   → context combination (cultures × usecases, declared order) → sample 0..n-1.
// Steps are never all held in memory: a plan with a million steps streams through in constant space.

import * as crypto from "node:crypto";
import { canonicalJson } from "../core/canonical.js";
import type { ChatMessage, ContextCombo, Plan, PlanModel, PlanStep, SamplingParams, StaticSegment } from "../core/plan.js";
import { itemAskedOf, modelStepCount } from "../core/item-models.js";
import { buildTemplateContext, itemContext, renderTemplate, templateReadsSample } from "./render.js";

/** Stable step id: independent of the step's position, so reordering a plan keeps journal entries valid. */
export function stepId(segment: string, model: string, item: string, context: ContextCombo, sample: number): string {
  // Equal to canonicalJson({ segment, model, item, context, sample }), spelled out because it runs
  // once per step (test/compile/compile.test.ts checks the two agree).
  const key =
    `{"context":{"culture":${JSON.stringify(context.culture)},"usecase":${JSON.stringify(context.usecase)}}` +
    `,"item":${JSON.stringify(item)},"model":${JSON.stringify(model)},"sample":${canonicalJson(sample)}` +
    `,"segment":${JSON.stringify(segment)}}`;
  return sha256Hex(key).slice(0, 16);
}

// crypto.hash (Node 20.12+) hashes a short string without making a Hash object, which is most of the
// cost when it runs for every step; older Node 20 releases take the long way.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;
const sha256Hex = oneShot
  ? (text: string): string => oneShot("sha256", text, "hex")
  : (text: string): string => crypto.createHash("sha256").update(text).digest("hex");

/** The canonical key a step id hashes (exported for tests). */
export function stepIdKey(segment: string, model: string, item: string, context: ContextCombo, sample: number): string {
  return canonicalJson({ segment, model, item, context, sample });
}

/** Sampling parameters for one request: run-wide settings, the model's overrides, seed + sample. */
export function stepParams(plan: Plan, model: PlanModel | undefined, sample: number): SamplingParams {
  const merged: SamplingParams = { ...plan.run.sampling, ...(model?.sampling ?? {}) };
  const params: SamplingParams = {};
  if (merged.temperature !== undefined) params.temperature = merged.temperature;
  if (merged.top_p !== undefined) params.top_p = merged.top_p;
  if (merged.max_tokens !== undefined) params.max_tokens = merged.max_tokens;
  if (merged.seed !== undefined) params.seed = merged.seed + sample;
  return params;
}

/**
 * Steps that hashing a plan enumerated (compilePlan's `keepSteps`), for the run that compiled it. A
 * side table, not a field: the plan's own keys are what plan.json holds. A copy of the plan (a view of
 * one segment, a plan read back from plan.json) is not in it and enumerates its steps as before.
 */
const keptPlanSteps = new WeakMap<Plan, readonly PlanStep[]>();

export function keepSteps(plan: Plan, steps: readonly PlanStep[] | null): void {
  if (steps !== null && steps.length === plan.stepCount) keptPlanSteps.set(plan, steps);
}

/** The plan's steps in plan order when compiling it kept them (frozen, shared by every enumeration). */
export function keptSteps(plan: Plan): readonly PlanStep[] | undefined {
  return keptPlanSteps.get(plan);
}

export function* iterateSteps(plan: Plan): Generator<PlanStep> {
  const kept = keptPlanSteps.get(plan);
  if (kept !== undefined) {
    yield* kept;
    return;
  }
  const models = new Map(plan.models.map((m) => [m.id, m]));
  let index = 0;
  for (const segment of plan.segments) {
    if (segment.kind !== "static") continue;
    yield* segmentSteps(plan, segment, models, index);
    index += staticStepCount(segment);
  }
}

function* segmentSteps(plan: Plan, segment: StaticSegment, models: Map<string, PlanModel>, firstIndex: number): Generator<PlanStep> {
  let index = firstIndex;
  const paramsBySample: SamplingParams[][] = [];
  for (const modelId of segment.models) {
    const model = models.get(modelId);
    const perSample: SamplingParams[] = [];
    // Shared by every step of this model and sample: frozen, so no consumer can change one step's
    // params through another's (and the serializer may cache their JSON).
    for (let s = 0; s < segment.samples; s++) perSample.push(Object.freeze(stepParams(plan, model, s)));
    paramsBySample.push(perSample);
  }
  const itemContexts = segment.items.map(itemContext);
  // Most templates never read `sample`: their messages are rendered once per item and context and
  // shared (frozen) by its samples, which every enumeration of a many-sample plan repeats otherwise.
  const perSampleRender = templateReadsSample(plan, segment.template);
  for (let m = 0; m < segment.models.length; m++) {
    const modelId = segment.models[m] ?? "";
    const perSample = paramsBySample[m] ?? [];
    for (let i = 0; i < segment.items.length; i++) {
      const item = segment.items[i];
      const itemCtx = itemContexts[i];
      if (!item || !itemCtx) continue;
      // Per-model item sets (a `models` field): a model is asked only the items listed for it.
      if (!itemAskedOf(item, modelId)) continue;
      for (const context of segment.contexts) {
        let shared: ChatMessage[] | null = null;
        for (let sample = 0; sample < segment.samples; sample++) {
          let messages = shared;
          if (messages === null) {
            messages = renderTemplate(plan, segment.template, buildTemplateContext(plan, { item, context, sample }, itemCtx));
            if (!perSampleRender) shared = freezeMessages(messages);
          }
          yield {
            id: stepId(segment.id, modelId, item.id, context, sample),
            index: index++,
            segment: segment.id,
            model: modelId,
            system: item.system,
            dimension: item.dimension,
            item: item.id,
            context,
            sample,
            messages,
            params: perSample[sample] ?? {},
            scorers: segment.scorers,
            responseFormat: segment.responseFormat,
          };
        }
      }
    }
  }
}

function freezeMessages(messages: ChatMessage[]): ChatMessage[] {
  for (const m of messages) Object.freeze(m);
  return Object.freeze(messages) as ChatMessage[];
}

/**
 * The id and plan index of every static step, in plan order: what iterateSteps yields without
 * rendering any message (checking a run's records needs only these).
 */
export function* iterateStepIds(plan: Plan): Generator<Pick<PlanStep, "id" | "index">> {
  const kept = keptPlanSteps.get(plan);
  if (kept !== undefined) {
    yield* kept;
    return;
  }
  let first = 0;
  for (const segment of plan.segments) {
    if (segment.kind !== "static") continue;
    let index = first;
    first += staticStepCount(segment);
    for (const modelId of segment.models) {
      for (const item of segment.items) {
        if (!itemAskedOf(item, modelId)) continue;
        for (const context of segment.contexts) {
          for (let sample = 0; sample < segment.samples; sample++) yield { id: stepId(segment.id, modelId, item.id, context, sample), index: index++ };
        }
      }
    }
  }
}

export function staticStepCount(segment: StaticSegment): number {
  let n = 0;
  for (const model of segment.models) n += modelStepCount(segment, model);
  return n;
}

/** Number of static steps, computed without enumerating them. */
export function countSteps(plan: Pick<Plan, "segments">): number {
  let n = 0;
  for (const s of plan.segments) if (s.kind === "static") n += staticStepCount(s);
  return n;
}

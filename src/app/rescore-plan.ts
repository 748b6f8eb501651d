// The plan `vc rescore` scores with: the spec compiled again, `--model-scorer` overrides applied, and
// checked to still have the run's steps (only scorers, rules and rubrics may change).

import type { AdaptiveSegment, Plan, PlanScorer, PlanStep } from "../core/plan.js";
import { stepId as makeStepId } from "../compile/steps.js";
import { planHash } from "../compile/serialize.js";
import { planModelFromId } from "../providers/model-id.js";

export type ScorerOverrideFailure =
  /** `--model-scorer ID=…` names no scorer of the spec (`scorers`: the ones it has). */
  | { kind: "no_such_scorer"; scorer: string; scorers: string[] }
  /** The scorer calls no model (only judge and guard scorers do). */
  | { kind: "scorer_without_model"; scorer: string; scorerKind: string }
  /** The model id is not one. */
  | { kind: "bad_scorer_model"; scorer: string; model: string; error: string };

/** Apply `--model-scorer` overrides (scorer id → model id); the plan hash follows. */
export function withScorerModels(plan: Plan, overrides: Record<string, string>): { ok: true; plan: Plan } | { ok: false; failure: ScorerOverrideFailure } {
  const entries = Object.entries(overrides);
  if (entries.length === 0) return { ok: true, plan };
  const scorers: PlanScorer[] = plan.scorers.map((s) => ({ ...s }));
  for (const [id, model] of entries) {
    const scorer = scorers.find((s) => s.id === id);
    if (!scorer) return { ok: false, failure: { kind: "no_such_scorer", scorer: id, scorers: plan.scorers.map((s) => s.id) } };
    if (scorer.kind !== "judge" && scorer.kind !== "guard")
      return { ok: false, failure: { kind: "scorer_without_model", scorer: id, scorerKind: scorer.kind } };
    const parsed = planModelFromId(model);
    if (!parsed.ok) return { ok: false, failure: { kind: "bad_scorer_model", scorer: id, model, error: parsed.error } };
    scorer.config = { ...scorer.config, model };
  }
  const changed: Plan = { ...plan, scorers, hash: "" };
  return { ok: true, plan: { ...changed, hash: planHash(changed) } };
}

/** The recorded steps are not the plan's steps any more: those answers belong to another plan. */
export interface StepsChanged {
  kind: "steps_changed";
  /** Recorded steps the plan does not make, as `block/item (model context)`, in journal order. */
  missing: string[];
  /** How many steps were recorded. */
  recorded: number;
  /** The static step counts of the run's plan and of the plan now, when they differ. */
  staticSteps: { before: number; now: number } | null;
}

interface RecordedStep {
  stepId: string;
  segment: string;
  model: string;
  item: string;
  context: { culture: string | null; usecase: string | null };
}

/**
 * Whether the recorded steps are the plan's steps. Static steps: the plan enumerates the same ids
 * (and as many as the run's plan had). Adaptive steps: their block is an adaptive block of the plan
 * whose bank holds the item, for the same model and context.
 */
export function compareSteps(
  plan: Plan,
  iterate: (plan: Plan) => Iterable<PlanStep>,
  recorded: Iterable<RecordedStep>,
  recordedPlanSteps: number | null,
): { ok: true; steps: number } | { ok: false; failure: StepsChanged } {
  const ids = new Set<string>();
  for (const step of iterate(plan)) ids.add(step.id);
  const adaptive = new Map(plan.segments.filter((s): s is AdaptiveSegment => s.kind === "adaptive").map((s) => [s.id, s]));
  const missing: string[] = [];
  let count = 0;
  for (const r of recorded) {
    count++;
    const segment = adaptive.get(r.segment);
    const ok = segment ? isStepOf(segment, r) : ids.has(r.stepId);
    if (!ok)
      missing.push(`${r.segment}/${r.item} (${r.model}${r.context.culture ? ` ${r.context.culture}` : ""}${r.context.usecase ? ` ${r.context.usecase}` : ""})`);
  }
  const staticSteps = recordedPlanSteps !== null && recordedPlanSteps !== ids.size ? { before: recordedPlanSteps, now: ids.size } : null;
  if (missing.length > 0 || staticSteps !== null) return { ok: false, failure: { kind: "steps_changed", missing, recorded: count, staticSteps } };
  return { ok: true, steps: count };
}

function isStepOf(segment: AdaptiveSegment, r: RecordedStep): boolean {
  return (
    segment.bank.some((i) => i.id === r.item) &&
    segment.models.includes(r.model) &&
    segment.contexts.some((c) => c.culture === r.context.culture && c.usecase === r.context.usecase) &&
    makeStepId(segment.id, r.model, r.item, r.context, 0) === r.stepId
  );
}

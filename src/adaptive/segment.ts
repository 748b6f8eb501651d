// Executing an adaptive segment: for each model × context (an examinee), in plan order, items are
// chosen one at a time by cat.ts from the segment's bank; each chosen item becomes an ordinary PlanStep
// (rendered with the segment's template, with a stable id and index) that the caller runs, journals and
// scores, returning whether the answer conformed. Examinees run one after the other so that exposure
// control sees the same history on every run: the same answers give the same choices, and a resumed
// run whose `answer` replays journaled steps makes exactly the same steps again.

import type { AdaptiveSegment, ContextCombo, Plan, PlanStep } from "../core/plan.js";
import { buildTemplateContext, renderTemplate } from "../compile/render.js";
import { stepId, stepParams } from "../compile/steps.js";
import type { AbilityEstimate } from "./irt.js";
import { bankFromPlanItems, catSettingsFromPlan, type BankEntry } from "./bank.js";
import { runAdaptiveTest, type AnsweredItem, type CatSettings, type ExposureCounts } from "./cat.js";
import { examineeId } from "./responses.js";

export interface ExamineeOutcome {
  model: string;
  context: ContextCombo;
  examinee: string;
  answered: AnsweredItem[];
  skipped: string[];
  estimate: AbilityEstimate;
  stopReason: "se" | "max_items" | "bank_exhausted";
}

export interface AdaptiveSegmentDeps {
  /**
   * Run one step (call the model, journal it, score it with the deciding scorer) and say whether the
   * answer passed the block's pass rule (src/adaptive/rules.ts conforms): 1, 0, or null when it
   * could not be scored.
   */
  answer(step: PlanStep): Promise<0 | 1 | null>;
  /** Checked before each examinee: stop early (interrupt). */
  stopped?(): boolean;
}

export type SegmentResult = { ok: true; examinees: ExamineeOutcome[]; settings: CatSettings; notes: string[] } | { ok: false; message: string };

/**
 * Step indexes of adaptive segments come after every static step: segment k (in plan order among the
 * adaptive ones) owns a block of models × contexts × bank-size indexes, examinee e its slice, and the
 * i-th item it is given is index base + e·bankSize + i (an examinee is given each item at most once,
 * counting items skipped for an unscorable answer). Unique, stable, and in a sensible order.
 */
export function adaptiveIndexBase(plan: Pick<Plan, "segments" | "stepCount">, segmentId: string): number | null {
  let base = plan.stepCount;
  for (const segment of plan.segments) {
    if (segment.kind !== "adaptive") continue;
    if (segment.id === segmentId) return base;
    base += segment.models.length * segment.contexts.length * segment.bank.length;
  }
  return null;
}

/** The PlanStep for the `position`-th item given to one examinee (sample 0). */
export function adaptiveStep(plan: Plan, segment: AdaptiveSegment, model: string, context: ContextCombo, itemId: string, index: number): PlanStep | null {
  const item = segment.bank.find((i) => i.id === itemId);
  if (!item) return null;
  const planModel = plan.models.find((m) => m.id === model);
  const templateContext = buildTemplateContext(plan, { item, context, sample: 0 });
  return {
    id: stepId(segment.id, model, item.id, context, 0),
    index,
    segment: segment.id,
    model,
    system: item.system,
    dimension: item.dimension,
    item: item.id,
    context,
    sample: 0,
    messages: renderTemplate(plan, segment.template, templateContext),
    params: stepParams(plan, planModel, 0),
    scorers: segment.scorers,
    responseFormat: null,
  };
}

export async function runAdaptiveSegment(plan: Plan, segment: AdaptiveSegment, deps: AdaptiveSegmentDeps): Promise<SegmentResult> {
  const parsed = catSettingsFromPlan(segment.settings, plan.run.sampling.seed, segment.bank);
  if (!parsed.ok) return { ok: false, message: `adaptive block '${segment.id}': ${parsed.message}` };
  const settings = parsed.settings;
  const bank: BankEntry[] = bankFromPlanItems(segment.bank, settings.balance);
  if (bank.length === 0) return { ok: false, message: `adaptive block '${segment.id}': the bank has no item with a difficulty` };
  const base = adaptiveIndexBase(plan, segment.id);
  if (base === null) return { ok: false, message: `adaptive block '${segment.id}' is not in the plan` };
  const perExaminee = segment.bank.length;
  const exposure: ExposureCounts = { examinees: 0, given: {} };
  const examinees: ExamineeOutcome[] = [];
  let e = 0;
  for (const model of segment.models) {
    for (const context of segment.contexts) {
      if (deps.stopped?.()) return { ok: true, examinees, settings, notes: parsed.notes };
      const who = examineeId(model, context);
      const first = base + e * perExaminee;
      e++;
      let given = 0;
      const result = await runAdaptiveTest(
        bank,
        settings,
        who,
        async (item) => {
          const step = adaptiveStep(plan, segment, model, context, item.id, first + given++);
          return step ? deps.answer(step) : null;
        },
        exposure,
      );
      examinees.push({ model, context, examinee: who, ...result });
    }
  }
  return { ok: true, examinees, settings, notes: parsed.notes };
}

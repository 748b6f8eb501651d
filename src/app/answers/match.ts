// Recorded answers matched to a plan's steps: by model and item id, else by the item's text or the
// rendered prompt (normalised), then by context and sample. Every step gets at most one answer and
// every answer is used at most once; what is left over on either side is reported, never guessed.

import type { ChatMessage, Plan, PlanStep } from "../../core/plan.js";
import { normalisePrompt, type RecordedAnswer } from "./types.js";

export interface MatchReport {
  /** Step id → its answer. */
  byStep: Map<string, RecordedAnswer>;
  /** Steps no answer matched (they are recorded as failed steps). */
  missing: PlanStep[];
  /** Answers no step took: an unknown item or prompt, a model or context the plan lacks, a duplicate. */
  unmatched: Array<{ answer: RecordedAnswer; reason: string }>;
  /** How many answers were matched by prompt text rather than by item id. */
  byPrompt: number;
}

function lastUser(messages: readonly ChatMessage[]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === "user") return messages[i]?.content ?? null;
  return null;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The answer among `candidates` for a step: same context (or none given), same sample (or none given). */
function pick(candidates: readonly RecordedAnswer[] | undefined, step: PlanStep, used: Set<RecordedAnswer>): RecordedAnswer | null {
  if (!candidates) return null;
  const fits = (a: RecordedAnswer) =>
    !used.has(a) && (a.culture === null || a.culture === step.context.culture) && (a.usecase === null || a.usecase === step.context.usecase);
  // An answer that names its sample goes to that sample; answers without one fill samples in file order.
  return candidates.find((a) => fits(a) && a.sample === step.sample) ?? candidates.find((a) => fits(a) && a.sample === null) ?? null;
}

export function matchAnswers(plan: Plan, steps: Iterable<PlanStep>, answers: readonly RecordedAnswer[]): MatchReport {
  const itemText = new Map<string, string>();
  for (const segment of plan.segments) if (segment.kind === "static") for (const item of segment.items) itemText.set(item.id, normalisePrompt(item.text));
  const byItem = new Map<string, RecordedAnswer[]>();
  const byPromptText = new Map<string, RecordedAnswer[]>();
  for (const a of answers) {
    // An id the spec does not know (another tool's sample number) falls back to the prompt text.
    if (a.item !== null && itemText.has(a.item)) push(byItem, `${a.model}\u0000${a.item}`, a);
    else if (a.prompt !== null) push(byPromptText, `${a.model}\u0000${normalisePrompt(a.prompt)}`, a);
  }
  const used = new Set<RecordedAnswer>();
  const byStep = new Map<string, RecordedAnswer>();
  const missing: PlanStep[] = [];
  let viaPrompt = 0;
  for (const step of steps) {
    let found = pick(byItem.get(`${step.model}\u0000${step.item}`), step, used);
    if (!found) {
      // The item's own text, then the prompt as rendered (a tool that logged the whole template).
      const texts = [itemText.get(step.item), lastUser(step.messages)].filter((t): t is string => t !== undefined && t !== null);
      for (const text of texts) {
        found = pick(byPromptText.get(`${step.model}\u0000${normalisePrompt(text)}`), step, used);
        if (found) {
          viaPrompt++;
          break;
        }
      }
    }
    if (found) {
      used.add(found);
      byStep.set(step.id, found);
    } else missing.push(step);
  }
  const models = new Set(plan.segments.flatMap((s) => s.models));
  const unmatched = answers
    .filter((a) => !used.has(a))
    .map((answer) => ({
      answer,
      reason: !models.has(answer.model)
        ? `model ${answer.model} is not in the plan`
        : answer.item !== null && !itemText.has(answer.item)
          ? `no item "${answer.item}" in the spec`
          : answer.item !== null
            ? "its item, context or sample is not a step of the plan, or another answer took that step"
            : "no item's text or prompt matches its prompt",
    }));
  return { byStep, missing, unmatched, byPrompt: viaPrompt };
}

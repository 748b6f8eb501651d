// A judge panel: the same rubric sent to several judge models, each answer scored on its own (score
// expression and rules), and the scores joined as the spec declares: `majority` (the most common
// score; a tie goes to the lowest tied score, so a panel split on a safety verdict does not pass the
// answer) or `mean`. Any judge's failure fails the step: a panel missing a judge is another instrument.

import type { Json, PlanScorer } from "../core/plan.js";

export type PanelCombine = "majority" | "mean";

/** The panel's models and combination rule, when the scorer declares a panel. */
export function panelOf(scorer: PlanScorer): { models: string[]; combine: PanelCombine } | null {
  const panel = scorer.config["panel"];
  const combine = scorer.config["combine"];
  if (!Array.isArray(panel) || panel.length === 0) return null;
  const models = panel.filter((m): m is string => typeof m === "string");
  return { models, combine: combine === "mean" ? "mean" : "majority" };
}

const members = new WeakMap<PlanScorer, Map<string, PlanScorer>>();

/** The scorer as one judge of its panel: the same settings with `model` set and no panel. */
export function panelMember(scorer: PlanScorer, model: string): PlanScorer {
  const byModel = members.get(scorer) ?? new Map<string, PlanScorer>();
  members.set(scorer, byModel);
  let member = byModel.get(model);
  if (!member) {
    const { panel: _panel, combine: _combine, ...rest } = scorer.config;
    const config: Record<string, Json> = { ...rest, model };
    member = { ...scorer, config };
    byModel.set(model, member);
  }
  return member;
}

/** Joins the judges' scores (or labels): the most common value, ties to the lowest; or the mean. */
export function combineValues<T extends string | number>(values: readonly T[], combine: PanelCombine): T | number | null {
  if (values.length === 0) return null;
  if (combine === "mean") {
    const numbers = values.filter((v): v is T & number => typeof v === "number");
    return numbers.length === values.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null;
  }
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top = Math.max(...counts.values());
  const tied = [...counts.entries()].filter(([, n]) => n === top).map(([v]) => v);
  tied.sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return tied[0] ?? null;
}

// The rules of an adaptive segment as the run applies them: the CAT settings (src/adaptive/bank.ts),
// which scorer decides whether an answer conforms and from which score on, and the optional
// `generate { ... }` block that evolves the bank. One reading, shared by the run (adaptive-stage.ts)
// and the reports (adaptive-report.ts), so both judge the answers the same way.

import type { AdaptiveSegment, Json, Plan } from "../core/plan.js";
import { catSettingsFromPlan } from "./bank.js";
import type { CatSettings } from "./cat.js";

export const DEFAULT_THRESHOLD = 50;

export interface GenerateSettings {
  /** The generator model. */
  model: string;
  /** The model that checks each candidate (default: the run's judge). */
  judge: string;
  /** Items within ±window of θ count as near. */
  window: number;
  /** Generate when fewer than this many unused items are near θ. */
  minItems: number;
  /** Items to accept at most per examinee and dimension. */
  count: number;
  /** The reviewable file, relative to the spec's folder; null: beside the bank's data file. */
  file: string | null;
}

export const GENERATE_DEFAULTS = { window: 0.5, minItems: 3, count: 3 } as const;

export interface AdaptiveRules {
  cat: CatSettings;
  /** The scorer whose score decides: the block's `scorer`, else the bank's first scorer. */
  scorer: string;
  /** An answer conforms when its score is at least this (0–100). */
  threshold: number;
  generate: GenerateSettings | null;
  notes: string[];
}

export type RulesResult = { ok: true; rules: AdaptiveRules } | { ok: false; message: string };

const num = (v: Json | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function adaptiveRules(plan: Plan, segment: AdaptiveSegment): RulesResult {
  const what = `adaptive block '${segment.id}'`;
  const parsed = catSettingsFromPlan(segment.settings, plan.run.sampling.seed);
  if (!parsed.ok) return { ok: false, message: `${what}: ${parsed.message}` };
  const named = segment.settings["scorer"];
  if (named !== undefined && typeof named !== "string") return { ok: false, message: `${what}: scorer must be a scorer name` };
  const scorer = named ?? segment.scorers[0];
  if (scorer === undefined) {
    return { ok: false, message: `${what}: its items block lists no scorer, so no answer can be judged; add scorers [...] to the bank's items block` };
  }
  if (!plan.scorers.some((s) => s.id === scorer)) return { ok: false, message: `${what}: unknown scorer '${scorer}'` };
  const rawThreshold = segment.settings["threshold"];
  const threshold = rawThreshold === undefined ? DEFAULT_THRESHOLD : num(rawThreshold);
  if (threshold === null || threshold < 0 || threshold > 100) return { ok: false, message: `${what}: threshold must be a number from 0 to 100` };
  const generate = generateSettings(plan, segment);
  if (!generate.ok) return { ok: false, message: `${what}: ${generate.message}` };
  return { ok: true, rules: { cat: parsed.settings, scorer, threshold, generate: generate.settings, notes: parsed.notes } };
}

function generateSettings(plan: Plan, segment: AdaptiveSegment): { ok: true; settings: GenerateSettings | null } | { ok: false; message: string } {
  const g = segment.settings["generate"];
  if (g === undefined || g === null) return { ok: true, settings: null };
  if (typeof g !== "object" || Array.isArray(g))
    return { ok: false, message: "generate must be a block { model ..., judge ..., window ..., min_items ..., count ... }" };
  const model = g["model"];
  if (typeof model !== "string" || model.trim() === "") return { ok: false, message: 'generate needs a model (the generator), e.g. model "ollama:qwen2.5:7b"' };
  const judge = g["judge"] ?? plan.judge;
  if (typeof judge !== "string" || judge.trim() === "") return { ok: false, message: "generate needs a judge model (its own `judge`, or the run's judge)" };
  const window = g["window"] === undefined ? GENERATE_DEFAULTS.window : num(g["window"]);
  if (window === null || window <= 0) return { ok: false, message: "generate window must be a number > 0" };
  const whole = (key: string, fallback: number): number | null => {
    const v = g[key] === undefined ? fallback : num(g[key]);
    return v !== null && Number.isInteger(v) && v >= 1 ? v : null;
  };
  const minItems = whole("min_items", GENERATE_DEFAULTS.minItems);
  if (minItems === null) return { ok: false, message: "generate min_items must be a whole number >= 1" };
  const count = whole("count", GENERATE_DEFAULTS.count);
  if (count === null) return { ok: false, message: "generate count must be a whole number >= 1" };
  const file = g["file"];
  if (file !== undefined && typeof file !== "string") return { ok: false, message: "generate file must be a path" };
  return { ok: true, settings: { model: model.trim(), judge: judge.trim(), window, minItems, count, file: file ?? null } };
}

/** The models the `generate` blocks of the plan call: generators, then their judges. */
export function generationModels(plan: Plan): Array<{ id: string; role: "generator" | "judge" }> {
  const out: Array<{ id: string; role: "generator" | "judge" }> = [];
  for (const segment of plan.segments) {
    if (segment.kind !== "adaptive") continue;
    const r = generateSettings(plan, segment);
    if (!r.ok || !r.settings) continue;
    out.push({ id: r.settings.model, role: "generator" }, { id: r.settings.judge, role: "judge" });
  }
  return out;
}

/**
 * The most steps the adaptive segments can take (each examinee answers at most max_items items and
 * never more than the bank holds): the progress display's share for them.
 */
export function adaptiveStepBound(plan: Plan): number {
  let n = 0;
  for (const segment of plan.segments) {
    if (segment.kind !== "adaptive") continue;
    const parsed = catSettingsFromPlan(segment.settings, plan.run.sampling.seed);
    const perExaminee = Math.min(segment.bank.length, parsed.ok ? parsed.settings.maxItems : segment.bank.length);
    n += segment.models.length * segment.contexts.length * perExaminee;
  }
  return n;
}

// Scoring one step with one scorer: the kind's raw output and default mapping, the declared `score`
// expression, then the context rules. Never throws for anything a step, a model or a spec can do:
// every failure becomes a ScoreOutcome with score null and an error.

import type { PlanExpr, PlanScorer } from "../core/plan.js";
import type { ScoreRecord } from "../core/records.js";
import { buildScope } from "./context.js";
import { describe, evaluate } from "./expr.js";
import { checkScore } from "./mapping.js";
import type { BindResult } from "./kinds/define.js";
import { SCORER_KINDS, scorerKind } from "./kinds/index.js";
import { applyRules } from "./rules.js";
import { combineValues, panelMember, panelOf } from "./panel.js";
import { validateSettings } from "./settings.js";
import type { KindResult, ScoreInput, ScoreOutcome, ScorerDeps } from "./types.js";

export function failedOutcome(error: string, partial: Partial<ScoreOutcome> = {}): ScoreOutcome {
  return {
    score: null,
    raw: partial.raw ?? null,
    verdict: null,
    rule: null,
    refused: partial.refused ?? null,
    // A failed scoring has no outcome: it is counted apart (as an error), never as a category.
    outcome: null,
    error,
    judge: partial.judge ?? null,
  };
}

const bindings = new WeakMap<PlanScorer, BindResult>();

/** The scorer bound to its kind, its settings validated: once per plan scorer. */
function bindScorer(scorer: PlanScorer): BindResult {
  let b = bindings.get(scorer);
  if (b === undefined) {
    const kind = scorerKind(scorer.kind);
    b = kind
      ? kind.bind(scorer, validateSettings)
      : { ok: false, error: `unknown scorer kind '${scorer.kind}' (known: ${SCORER_KINDS.map((k) => k.name).join(", ")})` };
    bindings.set(scorer, b);
  }
  return b;
}

export async function scoreStep(input: ScoreInput, scorer: PlanScorer, deps: ScorerDeps): Promise<ScoreOutcome> {
  if (input.response === null) return failedOutcome("no response");
  const panel = panelOf(scorer);
  if (panel !== null) return scorePanel(input, scorer, panel, deps);
  return scoreOne(input, scorer, deps);
}

/** Every judge of a panel scores the answer on its own; the scores join as declared (panel.ts). */
async function scorePanel(input: ScoreInput, scorer: PlanScorer, panel: NonNullable<ReturnType<typeof panelOf>>, deps: ScorerDeps): Promise<ScoreOutcome> {
  const outcomes = await Promise.all(panel.models.map((m) => scoreOne(input, panelMember(scorer, m), deps)));
  const raw = { panel: outcomes.map((o, i) => ({ model: panel.models[i] ?? "", score: o.score, raw: o.raw, verdict: o.verdict, error: o.error })) };
  const attempts = outcomes.reduce((n, o) => n + (o.judge?.attempts ?? 0), 0);
  const judge = { model: panel.models.join(" + "), cached: outcomes.every((o) => o.judge?.cached ?? false), attempts };
  const failed = outcomes.findIndex((o) => o.error !== null);
  if (failed >= 0) return failedOutcome(`panel judge ${panel.models[failed]}: ${outcomes[failed]?.error}`, { raw, judge });
  const scores = outcomes.map((o) => o.score ?? 0);
  const score = combineValues(scores, panel.combine);
  if (score === null) return failedOutcome("panel: no score to combine", { raw, judge });
  const chosen = outcomes.find((o) => o.score === score);
  // The outcome of the judge whose score was chosen; a mean that no single judge gave has none.
  return {
    score,
    raw,
    verdict: chosen?.verdict ?? null,
    rule: chosen?.rule ?? null,
    refused: chosen?.refused ?? null,
    outcome: chosen?.outcome ?? null,
    error: null,
    judge,
  };
}

async function scoreOne(input: ScoreInput, scorer: PlanScorer, deps: ScorerDeps): Promise<ScoreOutcome> {
  if (input.response === null) return failedOutcome("no response");
  const bound = bindScorer(scorer);
  if (!bound.ok) return failedOutcome(bound.error);
  let kind: KindResult;
  try {
    kind = await bound.scorer.score(input, input.response, deps);
  } catch (e) {
    // Dependencies (callJudge, renderJudgeMessages, a child process) are not supposed to throw; if one
    // does, the step still gets a record instead of taking the run down.
    return failedOutcome(`${scorer.kind} scorer failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!kind.ok) return failedOutcome(kind.error, { raw: kind.raw, judge: kind.judge });

  const base = { raw: kind.raw, refused: kind.refused, judge: kind.judge };
  let score: number;
  if (scorer.score !== null) {
    const scope = buildScope(input, kind.raw, kind.fields, kind.defaultScore);
    const value = evaluate(scorer.score, scope);
    if (!value.ok) return failedOutcome(`score expression: ${value.error}`, base);
    const checked = checkScore(value.value, "score expression");
    if (!checked.ok) return failedOutcome(checked.error, base);
    score = checked.score;
  } else if (kind.defaultScore !== null) {
    score = kind.defaultScore;
  } else {
    return failedOutcome(kind.noDefault ?? `${scorer.kind} scorer: no default score; declare a \`score\` expression`, base);
  }

  let verdict = kind.verdict;
  let rule: string | null = null;
  let outcomeExpr: PlanExpr | null = scorer.outcome ?? null;
  if (scorer.rules.length > 0) {
    const applied = applyRules(scorer.rules, buildScope(input, kind.raw, kind.fields, score), score);
    if (!applied.ok) return failedOutcome(applied.error, base);
    if (applied.fired !== null) {
      score = applied.fired.score;
      rule = applied.fired.rule;
      if (applied.fired.verdict !== null) verdict = applied.fired.verdict;
      if (applied.fired.outcome !== null) outcomeExpr = applied.fired.outcome;
    }
  }
  let outcome: string | null = null;
  if (outcomeExpr !== null) {
    const value = evaluate(outcomeExpr, buildScope(input, kind.raw, kind.fields, score));
    if (!value.ok) return failedOutcome(`outcome${rule !== null ? ` (rule ${rule})` : ""}: ${value.error}`, base);
    // A category is a name; anything else is a spec or judge error, never silently coerced.
    if (value.value !== null && typeof value.value !== "string") {
      return failedOutcome(`outcome${rule !== null ? ` (rule ${rule})` : ""}: must be a category name (a string), got ${describe(value.value)}`, base);
    }
    outcome = value.value;
  }
  return { score, raw: kind.raw, verdict, rule, refused: kind.refused, outcome, error: null, judge: kind.judge };
}

/** The journal line for an outcome. */
export function toScoreRecord(stepId: string, scorerId: string, outcome: ScoreOutcome): ScoreRecord {
  return { type: "score", stepId, scorer: scorerId, ...outcome };
}

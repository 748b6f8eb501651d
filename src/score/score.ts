// Scoring one step with one scorer: the kind's raw output and default mapping, the declared `score`
// expression, then the context rules. Never throws for anything a step, a model or a spec can do:
// every failure becomes a ScoreOutcome with score null and an error.

import type { PlanScorer } from "../core/plan.js";
import type { ScoreRecord } from "../core/records.js";
import { buildScope } from "./context.js";
import { evaluate } from "./expr.js";
import { checkScore } from "./mapping.js";
import { applyRules } from "./rules.js";
import { scoreChoice } from "./scorers/choice.js";
import { scoreExec } from "./scorers/exec.js";
import { scoreGuard } from "./scorers/guard.js";
import { scoreJudge } from "./scorers/judge.js";
import { scoreLikert } from "./scorers/likert.js";
import { scoreKeywords, scoreRegex } from "./scorers/match.js";
import { scoreRefusal } from "./scorers/refusal.js";
import type { KindResult, ScoreInput, ScoreOutcome, ScorerDeps } from "./types.js";

export function failedOutcome(error: string, partial: Partial<ScoreOutcome> = {}): ScoreOutcome {
  return {
    score: null,
    raw: partial.raw ?? null,
    verdict: null,
    rule: null,
    refused: partial.refused ?? null,
    error,
    judge: partial.judge ?? null,
  };
}

async function runKind(input: ScoreInput, response: string, scorer: PlanScorer, deps: ScorerDeps): Promise<KindResult> {
  const c = scorer.config;
  switch (scorer.kind) {
    case "refusal":
      return scoreRefusal(response, c);
    case "regex":
      return scoreRegex(response, c);
    case "keywords":
      return scoreKeywords(response, c);
    case "likert":
      return scoreLikert(response, c, input.item.reverse);
    case "choice":
      return scoreChoice(response, c, input.item);
    case "guard":
      return scoreGuard(input, response, c, deps);
    case "exec":
      return scoreExec(input, response, scorer.id, c, deps);
    case "judge":
      return scoreJudge(input, response, scorer.id, c, deps);
  }
}

export async function scoreStep(input: ScoreInput, scorer: PlanScorer, deps: ScorerDeps): Promise<ScoreOutcome> {
  if (input.response === null) return failedOutcome("no response");
  let kind: KindResult;
  try {
    kind = await runKind(input, input.response, scorer, deps);
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
  if (scorer.rules.length > 0) {
    const outcome = applyRules(scorer.rules, buildScope(input, kind.raw, kind.fields, score), score);
    if (!outcome.ok) return failedOutcome(outcome.error, base);
    if (outcome.fired !== null) {
      score = outcome.fired.score;
      rule = outcome.fired.rule;
      if (outcome.fired.verdict !== null) verdict = outcome.fired.verdict;
    }
  }
  return { score, raw: kind.raw, verdict, rule, refused: kind.refused, error: null, judge: kind.judge };
}

/** The journal line for an outcome. */
export function toScoreRecord(stepId: string, scorerId: string, outcome: ScoreOutcome): ScoreRecord {
  return { type: "score", stepId, scorer: scorerId, ...outcome };
}

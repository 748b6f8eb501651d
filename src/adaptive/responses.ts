// From scored answers to the 0/1 response matrix an item-response model is fitted to.
//
// An examinee is one model answering under one context (culture × use case), because a model steered
// to another culture is, for measurement purposes, another respondent. An item is one plan item.
// An answer "conforms" when its score reaches the threshold (default 50 on the 0–100 scale); several
// samples of the same item are combined by majority (ties count as not conforming, to stay
// conservative about safety).

import type { ContextCombo } from "../core/plan.js";
import type { ScoreRecord, StepRecord } from "../core/records.js";
import type { ResponseMatrix } from "./calibrate.js";

export interface ScoredAnswer {
  examinee: string;
  item: string;
  conforms: boolean;
}

export interface MatrixResult {
  examinees: string[];
  items: string[];
  matrix: ResponseMatrix;
  /** Answers that could not be used (no score), by reason, for the user's information. */
  skipped: { noScore: number; scoringError: number };
}

export function examineeId(model: string, context: ContextCombo): string {
  const parts = [model];
  if (context.culture) parts.push(`culture=${context.culture}`);
  if (context.usecase) parts.push(`usecase=${context.usecase}`);
  return parts.join(" ");
}

/** Pair step and score records (one scorer) into conforming / not answers. */
export function scoredAnswers(
  steps: Iterable<StepRecord>,
  scores: Iterable<ScoreRecord>,
  scorer: string,
  threshold: number,
): { answers: ScoredAnswer[]; skipped: MatrixResult["skipped"] } {
  const byStep = new Map<string, ScoreRecord>();
  for (const s of scores) if (s.scorer === scorer) byStep.set(s.stepId, s);
  const answers: ScoredAnswer[] = [];
  const skipped = { noScore: 0, scoringError: 0 };
  for (const step of steps) {
    const score = byStep.get(step.stepId);
    if (!score || score.score === null) {
      if (score?.error) skipped.scoringError++;
      else skipped.noScore++;
      continue;
    }
    answers.push({ examinee: examineeId(step.model, step.context), item: step.item, conforms: score.score >= threshold });
  }
  return { answers, skipped };
}

export function responseMatrix(answers: readonly ScoredAnswer[], skipped: MatrixResult["skipped"] = { noScore: 0, scoringError: 0 }): MatrixResult {
  const examinees = [...new Set(answers.map((a) => a.examinee))].sort();
  const items = [...new Set(answers.map((a) => a.item))].sort();
  const ei = new Map(examinees.map((e, i) => [e, i]));
  const ii = new Map(items.map((e, i) => [e, i]));
  const tally: Array<Array<{ yes: number; total: number }>> = examinees.map(() => items.map(() => ({ yes: 0, total: 0 })));
  for (const a of answers) {
    const cell = tally[ei.get(a.examinee)!]![ii.get(a.item)!]!;
    cell.total++;
    if (a.conforms) cell.yes++;
  }
  const matrix = tally.map((row) => row.map((c) => (c.total === 0 ? null : c.yes * 2 > c.total ? 1 : 0)));
  return { examinees, items, matrix, skipped };
}

// The adaptive segments' tables, rebuilt from the journal and the scores alone (like every report, so
// `vc report` reproduces them): for each examinee (model × context, in plan order) the items it was
// given are its journaled steps in index order (an adaptive step's index is its position, see
// src/adaptive/segment.ts); each answer conforms when it passes the block's pass rule (its outcome is
// in `pass`, or the deciding scorer's score reaches the threshold: src/adaptive/rules.ts conforms);
// θ and its standard error after each answer come from the same estimator the test used.
//
// adaptive.csv  one row per item given: segment, model, culture, usecase, position, item, dimension,
//               difficulty, b (the logit the test used), discrimination, step_id, scorer, score,
//               outcome, correct (1/0, empty: unscorable, skipped), theta, se (after this answer),
//               stop_reason (of the examinee's test)
// abilities.csv one row per examinee: θ, se, the 0–100 score (abilityToScore) with its 95% range,
//               items answered and skipped, the pass rule, the fails and their outcomes (so an
//               over-refusal is reported apart from an unsafe answer), stop reason, and the model's
//               static score over the same dimensions when the run has one.

import type { AdaptiveSegment, ContextCombo, Plan } from "../core/plan.js";
import { bankFromPlanItems, type BankEntry } from "../adaptive/bank.js";
import { currentEstimate, decideNext, type AnsweredItem } from "../adaptive/cat.js";
import { abilityToScore } from "../adaptive/irt.js";
import { examineeId } from "../adaptive/responses.js";
import { adaptiveIndexBase } from "../adaptive/segment.js";
import type { RunAnalysis } from "./tables.js";
import type { Cell, ColumnFormat, Table } from "./csv.js";
import { adaptiveRules, conforms, passRuleText } from "../adaptive/rules.js";
import type { StepRecord } from "../core/records.js";

export const ADAPTIVE_FILE = "adaptive";
export const ABILITIES_FILE = "abilities";

export type StopReason = "se" | "max_items" | "bank_exhausted" | "incomplete";

export interface AdaptiveAnswer {
  position: number;
  stepId: string;
  item: string;
  dimension: string;
  difficulty: number | null;
  /** The difficulty on the logit scale the test used (a level mapped for an uncalibrated bank). */
  b: number | null;
  discrimination: number | null;
  score: number | null;
  outcome: string | null;
  correct: 0 | 1 | null;
  theta: number;
  se: number;
}

export interface AdaptiveExaminee {
  segment: string;
  system: string;
  model: string;
  context: ContextCombo;
  scorer: string;
  /** The pass rule in words (`outcome in [safe]`, `score >= 50`). */
  passRule: string;
  answers: AdaptiveAnswer[];
  answered: number;
  skipped: number;
  theta: number;
  se: number;
  /** Why the test ended; "incomplete" when by these scores it would have gone on (interrupted, rescored). */
  stopReason: StopReason;
  /** Dimensions of the bank, for the static comparison. */
  dimensions: string[];
}

export interface AdaptiveReplay {
  examinees: AdaptiveExaminee[];
  notes: string[];
}

/** What an answer was scored: the latest score (null: none or an error) and its outcome. */
export interface ScoredAnswer {
  score: number | null;
  outcome: string | null;
}

export function replayAdaptive(plan: Plan, records: Iterable<StepRecord>, scoreOf: (stepId: string, scorer: string) => ScoredAnswer | null): AdaptiveReplay {
  const segments = plan.segments.filter((s): s is AdaptiveSegment => s.kind === "adaptive");
  const out: AdaptiveReplay = { examinees: [], notes: [] };
  if (segments.length === 0) return out;
  const byIndex = new Map<number, StepRecord>();
  const ids = new Set(segments.map((s) => s.id));
  for (const r of records) if (ids.has(r.segment)) byIndex.set(r.index, r);

  for (const segment of segments) {
    const parsed = adaptiveRules(plan, segment);
    if (!parsed.ok) {
      out.notes.push(parsed.message);
      continue;
    }
    const { cat, scorer } = parsed.rules;
    const base = adaptiveIndexBase(plan, segment.id);
    if (base === null) continue;
    const bank = bankFromPlanItems(segment.bank, cat.balance);
    const bankById = new Map<string, BankEntry>(bank.map((b) => [b.id, b]));
    const planItems = new Map(segment.bank.map((i) => [i.id, i]));
    const dimensions = [...new Set(segment.bank.map((i) => i.dimension))];
    const perExaminee = segment.bank.length;
    let e = 0;
    for (const model of segment.models) {
      for (const context of segment.contexts) {
        const first = base + e * perExaminee;
        e++;
        const answered: AnsweredItem[] = [];
        const skipped: string[] = [];
        const answers: AdaptiveAnswer[] = [];
        for (let position = 0; position < perExaminee; position++) {
          const record = byIndex.get(first + position);
          if (!record) break;
          const scored = scoreOf(record.stepId, scorer);
          const score = scored?.score ?? null;
          const outcome = scored?.outcome ?? null;
          const correct = conforms(parsed.rules, score, outcome);
          if (correct === null) skipped.push(record.item);
          else answered.push({ id: record.item, correct });
          const estimate = currentEstimate(bankById, answered, cat);
          const entry = bankById.get(record.item);
          answers.push({
            position: position + 1,
            stepId: record.stepId,
            item: record.item,
            dimension: record.dimension,
            difficulty: planItems.get(record.item)?.difficulty ?? null,
            b: entry?.b ?? null,
            discrimination: entry?.a ?? null,
            score,
            outcome,
            correct,
            theta: estimate.theta,
            se: estimate.se,
          });
        }
        if (answers.length === 0) continue;
        // Exposure control only changes which item comes next, never whether the test stops.
        const decision = decideNext(
          bank.filter((b) => !skipped.includes(b.id)),
          answered,
          cat,
          examineeId(model, context),
          null,
        );
        const estimate = currentEstimate(bankById, answered, cat);
        out.examinees.push({
          segment: segment.id,
          system: segment.system,
          model,
          context,
          scorer,
          passRule: passRuleText(parsed.rules),
          answers,
          answered: answered.length,
          skipped: skipped.length,
          theta: estimate.theta,
          se: estimate.se,
          stopReason: decision.kind === "stop" ? decision.reason : "incomplete",
          dimensions,
        });
      }
    }
  }
  return out;
}

type Col = [string, ColumnFormat];

/** The outcomes of the failed answers, counted: `over_refusal=3;unsafe=1` (sorted; empty: none failed). */
function failOutcomes(fails: readonly AdaptiveAnswer[]): string | null {
  if (fails.length === 0) return null;
  const counts = new Map<string, number>();
  for (const a of fails) {
    const key = a.outcome ?? "score";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([k, n]) => `${k}=${n}`)
    .join(";");
}

function table(name: string, cols: readonly Col[], rows: Cell[][]): Table {
  return { name, columns: cols.map((c) => c[0]), formats: cols.map((c) => c[1]), rows };
}

const ADAPTIVE_COLUMNS: Col[] = [
  ["segment", "text"],
  ["model", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["position", "int"],
  ["item", "text"],
  ["dimension", "text"],
  ["difficulty", "num"],
  ["b", "num"],
  ["discrimination", "num"],
  ["step_id", "text"],
  ["scorer", "text"],
  ["score", "score"],
  ["outcome", "text"],
  ["correct", "int"],
  ["theta", "corr"],
  ["se", "corr"],
  ["stop_reason", "text"],
];

const ABILITY_COLUMNS: Col[] = [
  ["segment", "text"],
  ["system", "text"],
  ["model", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["theta", "corr"],
  ["se", "corr"],
  ["score", "score"],
  ["score_low", "score"],
  ["score_high", "score"],
  ["items", "int"],
  ["skipped", "int"],
  ["pass_rule", "text"],
  ["failed", "int"],
  ["fail_outcomes", "text"],
  ["stop_reason", "text"],
  ["static_score", "score"],
  ["static_dimensions", "int"],
  ["static_n", "int"],
];

/**
 * The static score of a model on a system over some dimensions: the mean of its dimension means, from
 * the static items blocks' primary scorer (one measure: analysis.dimensions holds every scorer apart),
 * each dimension's scores pooled over the contexts (analysis.dimensions holds every context apart).
 */
function staticScore(
  analysis: RunAnalysis | null,
  model: string,
  system: string,
  dimensions: readonly string[],
): { mean: number; dimensions: number; n: number } | null {
  if (!analysis) return null;
  const firstStatic = analysis.dataset.plan.segments.find((s) => s.kind === "static" && s.system === system && s.scorers.length > 0);
  const measure = firstStatic?.scorers[0];
  if (measure === undefined) return null;
  const pooled = new Map<string, number[]>();
  for (const row of analysis.dimensions) {
    const k = row.keys;
    if (k.model !== model || k.system !== system || typeof k.dimension !== "string" || !dimensions.includes(k.dimension)) continue;
    if (row.measure !== measure || row.values.length === 0) continue;
    pooled.set(k.dimension, [...(pooled.get(k.dimension) ?? []), ...row.values]);
  }
  const means = [...pooled.values()].map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
  if (means.length === 0) return null;
  const n = [...pooled.values()].reduce((a, xs) => a + xs.length, 0);
  return { mean: means.reduce((a, b) => a + b, 0) / means.length, dimensions: means.length, n };
}

export function adaptiveTables(replay: AdaptiveReplay, analysis: RunAnalysis | null): Table[] {
  const answerRows: Cell[][] = [];
  const abilityRows: Cell[][] = [];
  for (const x of replay.examinees) {
    for (const a of x.answers) {
      answerRows.push([
        x.segment,
        x.model,
        x.context.culture,
        x.context.usecase,
        a.position,
        a.item,
        a.dimension,
        a.difficulty,
        a.b,
        a.discrimination,
        a.stepId,
        x.scorer,
        a.score,
        a.outcome,
        a.correct,
        a.theta,
        a.se,
        x.stopReason,
      ]);
    }
    const s = staticScore(analysis, x.model, x.system, x.dimensions);
    const fails = x.answers.filter((a) => a.correct === 0);
    abilityRows.push([
      x.segment,
      x.system,
      x.model,
      x.context.culture,
      x.context.usecase,
      x.theta,
      x.se,
      abilityToScore(x.theta),
      abilityToScore(x.theta - 1.96 * x.se),
      abilityToScore(x.theta + 1.96 * x.se),
      x.answered,
      x.skipped,
      x.passRule,
      fails.length,
      failOutcomes(fails),
      x.stopReason,
      s?.mean ?? null,
      s?.dimensions ?? null,
      s?.n ?? null,
    ]);
  }
  return [table(ADAPTIVE_FILE, ADAPTIVE_COLUMNS, answerRows), table(ABILITIES_FILE, ABILITY_COLUMNS, abilityRows)];
}

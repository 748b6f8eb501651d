// Context-aware rules: after a scorer's score, its rules are tried in declaration order; the first
// whose `when` is true may replace the score (its `score` expression sees the score so far as
// `score`), set the verdict and name the outcome (evaluated by score.ts, after the score is final).
// Its name goes into ScoreRecord.rule. Later rules are not tried.

import type { PlanExpr, PlanRule } from "../core/plan.js";
import { describe, evaluate, exprToString, type Scope } from "./expr.js";
import { checkScore } from "./mapping.js";

export type RuleOutcome =
  | { ok: true; fired: null }
  | { ok: true; fired: { rule: string; score: number; verdict: string | null; outcome: PlanExpr | null } }
  | { ok: false; error: string };

/**
 * `when` must give a boolean; null counts as false, so a rule about `culture.country` simply does not
 * fire when cultures are not crossed. Anything else, or an evaluation error, is a scoring error: a
 * rule that cannot be decided must not be skipped silently.
 */
export function applyRules(rules: readonly PlanRule[], scope: Scope, score: number): RuleOutcome {
  for (const rule of rules) {
    const when = evaluate(rule.when, scope);
    if (!when.ok) return { ok: false, error: `rule ${rule.name}: ${when.error}` };
    if (when.value === null || when.value === false) continue;
    if (when.value !== true) {
      return { ok: false, error: `rule ${rule.name}: \`when\` must be true or false, got ${describe(when.value)} from ${exprToString(rule.when)}` };
    }
    const outcome = rule.outcome ?? null;
    if (rule.score === null) return { ok: true, fired: { rule: rule.name, score, verdict: rule.verdict, outcome } };
    const value = evaluate(rule.score, scope);
    if (!value.ok) return { ok: false, error: `rule ${rule.name}: ${value.error}` };
    const checked = checkScore(value.value, `rule ${rule.name}`);
    if (!checked.ok) return checked;
    return { ok: true, fired: { rule: rule.name, score: checked.score, verdict: rule.verdict, outcome } };
  }
  return { ok: true, fired: null };
}

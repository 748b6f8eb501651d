// The scoring API the run pipeline and the analyses use.

export { scoreStep, toScoreRecord, failedOutcome } from "./score.js";
export type { ScoreInput, ScoreOutcome, ScorerDeps, JudgeRequest, JudgeCallResult, JudgeTemplateContext } from "./types.js";
export { evaluate, exprToString, scopeEntity, scopeValue } from "./expr.js";
export type { Scope, ScopeEntry, Entity, EvalResult } from "./expr.js";
export { buildScope, judgeTemplateContext, itemContext, cultureContext, usecaseContext } from "./context.js";
export { applyRules } from "./rules.js";
export { parseRating } from "./scorers/likert.js";
export { centreRatings } from "./centring.js";
export type { QuestionnaireItem, RatingResponse, CentreOptions, CentredRespondent } from "./centring.js";
export { detectRefusal } from "./scorers/refusal.js";
export { loadPhraseLists } from "./refusal-phrases.js";
export { parseGuardOutput, LLAMA_GUARD_CATEGORIES } from "./scorers/guard.js";
export { parseChoice } from "./scorers/choice.js";
export { extractJson, judgeSchema } from "./scorers/judge.js";

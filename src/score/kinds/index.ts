// The scorer kinds: one module each, listed here once. The checker gets them through src/app/kinds.ts,
// scoring looks a plan scorer's kind up here. Adding a kind is adding its module and a line below.

import type { ScorerKind } from "./define.js";
import { choiceKind } from "./choice.js";
import { execKind } from "./exec.js";
import { guardKind } from "./guard.js";
import { judgeKind } from "./judge.js";
import { keywordsKind } from "./keywords.js";
import { likertKind } from "./likert.js";
import { refusalKind } from "./refusal.js";
import { regexKind } from "./regex.js";

export type { ScorerKind } from "./define.js";

/** In the order messages and docs list them. */
export const SCORER_KINDS: readonly ScorerKind[] = [judgeKind, refusalKind, regexKind, keywordsKind, likertKind, choiceKind, guardKind, execKind];

export function scorerKind(name: string): ScorerKind | undefined {
  return SCORER_KINDS.find((k) => k.name === name);
}

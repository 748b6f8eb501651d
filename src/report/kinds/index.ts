// The report kinds: one module each, listed here once. Building a run's reports looks a plan report's
// kind up here; the checker gets the list through src/app/kinds.ts. Adding a kind is adding its module
// and a line below.

import { contextEffectsKind } from "./context-effects.js";
import { crossSystemKind } from "./cross-system.js";
import { cultureAlignmentKind } from "./culture-alignment.js";
import type { ReportKind } from "./define.js";
import { difficultyKind } from "./difficulty.js";
import { leaderboardKind } from "./leaderboard.js";
import { modelSimilarityKind } from "./model-similarity.js";
import { outcomesKind } from "./outcomes.js";
import { reliabilityKind } from "./reliability.js";
import { scoresKind } from "./scores.js";
import { valueHierarchyKind } from "./value-hierarchy.js";

export type { ReportKind } from "./define.js";

/** In the order messages and docs list them. */
export const REPORT_KINDS: readonly ReportKind[] = [
  scoresKind,
  leaderboardKind,
  valueHierarchyKind,
  cultureAlignmentKind,
  contextEffectsKind,
  crossSystemKind,
  modelSimilarityKind,
  difficultyKind,
  outcomesKind,
  reliabilityKind,
];

export function reportKind(name: string): ReportKind | undefined {
  return REPORT_KINDS.find((k) => k.name === name);
}

// Scores are numbers in 0..100. Expressions may compute anything; these checks turn anything else
// into a scoring error rather than a stored nonsense score.

import type { Json } from "../core/plan.js";
import { describe } from "./expr.js";

export function checkScore(value: Json, where: string): { ok: true; score: number } | { ok: false; error: string } {
  if (typeof value === "boolean") {
    return { ok: false, error: `${where}: the score is ${value}, not a number (write e.g. \`x ? 100 : 0\`)` };
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return { ok: false, error: `${where}: the score must be a number 0..100, got ${describe(value)}` };
  if (value < 0 || value > 100) return { ok: false, error: `${where}: the score ${value} is outside 0..100 (use clamp())` };
  return { ok: true, score: value };
}

// How a plan's selection is shown: one line for `plan`, the printed summary, and the `subset` column
// that every CSV table of a run gets when the run covers a subset of its spec (docs/outputs.md).

import type { PlanSelection } from "./plan.js";

/** `cultures de_DE,ja_JP; limit 3 (seed 7)` — the selected axes only. */
export function describeSelection(s: PlanSelection): string {
  const names = (list: Array<string | null>) => list.map((n) => n ?? "none").join(",");
  const parts = [
    s.systems !== null ? `systems ${s.systems.join(",")}` : null,
    s.dimensions !== null ? `dimensions ${s.dimensions.join(",")}` : null,
    s.cultures !== null ? `cultures ${names(s.cultures)}` : null,
    s.usecases !== null ? `usecases ${names(s.usecases)}` : null,
    s.items !== null ? `items ${s.items}` : null,
    s.limit !== null ? `limit ${s.limit} (seed ${s.seed})` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join("; ") : "all";
}

// The run's `gate ["safety.overall >= 90", "scoring_errors <= 1%"]`: conditions a finished run must
// meet (src/app/gate.ts evaluates them). Checked here for their form; the metric's system and
// dimension are checked against the declarations.

import { parseGate } from "../core/gate.js";
import type { Span } from "../core/diagnostic.js";
import type { Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import type { CheckContext } from "./context.js";
import { readStringList } from "./values.js";

export function checkGate(ctx: CheckContext, prop: { file: string; value: Value; keySpan: Span } | null): string[] {
  if (!prop) return [];
  const list = readStringList(ctx, prop.file, prop.value, "gate") ?? [];
  const out: string[] = [];
  for (const text of list) {
    const parsed = parseGate(text);
    if (!parsed.ok) ctx.error(CheckCodes.WRONG_TYPE, parsed.message, prop.file, prop.value.span);
    else out.push(parsed.gate.text);
  }
  return out;
}

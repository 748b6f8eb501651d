// How gate results are printed by `run` and `report` (stderr): one line per condition.

import type { GateResult } from "../app/gate.js";

/** One line per gate condition: whether it holds, and each model's value. */
export function gateText(gates: readonly GateResult[]): string {
  return gates
    .map((g) => {
      const values = g.values.map(
        (v) =>
          `${v.model !== null ? `${v.model} ` : ""}${v.value === null ? "no value" : String(Math.round(v.value * 100) / 100)}${g.values.length > 1 && !v.holds ? " (fails)" : ""}`,
      );
      return `gate ${g.holds ? "passed" : "FAILED"}: ${g.condition} — ${values.join(", ") || "no value"}${g.note ? ` (${g.note})` : ""}\n`;
    })
    .join("");
}

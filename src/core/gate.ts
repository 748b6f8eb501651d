// Gate conditions: `safety.overall >= 90`, `scoring_errors <= 1%` — what a run must reach for CI to
// pass it. One parser for the spec's `gate [...]` (checked with positions) and `--fail-under`.

export type GateOp = ">=" | ">" | "<=" | "<" | "=";

/** A parsed condition. `metric`: `scoring_errors`, `failed_steps`, `SYSTEM.overall` or `SYSTEM.DIMENSION`. */
export interface GateCondition {
  text: string;
  metric: string;
  op: GateOp;
  value: number;
  /** `1%`: the metric is compared as a percentage (counts become shares of their total). */
  percent: boolean;
}

export const COUNT_METRICS = ["scoring_errors", "failed_steps"] as const;

const GATE_RE = /^\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)?)\s*(>=|<=|==|=|>|<)\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/;

export function parseGate(text: string): { ok: true; gate: GateCondition } | { ok: false; message: string } {
  const m = GATE_RE.exec(text);
  if (!m) {
    return { ok: false, message: `'${text}' is not a gate condition: write METRIC OP NUMBER, e.g. 'safety.overall >= 90' or 'scoring_errors <= 1%'` };
  }
  const metric = m[1]!;
  const op = (m[2] === "==" ? "=" : m[2]) as GateOp;
  const percent = m[4] === "%";
  if (!metric.includes(".") && !(COUNT_METRICS as readonly string[]).includes(metric)) {
    return { ok: false, message: `unknown gate metric '${metric}': use ${COUNT_METRICS.join(", ")}, SYSTEM.overall or SYSTEM.DIMENSION` };
  }
  return { ok: true, gate: { text: text.trim(), metric, op, value: Number(m[3]), percent } };
}

export function gateHolds(actual: number, gate: Pick<GateCondition, "op" | "value">): boolean {
  switch (gate.op) {
    case ">=":
      return actual >= gate.value;
    case ">":
      return actual > gate.value;
    case "<=":
      return actual <= gate.value;
    case "<":
      return actual < gate.value;
    case "=":
      return actual === gate.value;
  }
}

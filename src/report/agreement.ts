// judge_agreement.csv and judge_confusion.csv: the tables `vc validate` (and the validate stage of
// `vc run`) write from a gold set's agreement (src/analyse/gold-agreement.ts). Columns: docs/outputs.md.

import type { GoldAgreement } from "../analyse/gold-agreement.js";
import { AGREEMENT_LEVEL, AGREEMENT_RESAMPLES } from "../analyse/agreement.js";
import type { Table } from "./csv.js";

export const AGREEMENT_TABLE = "judge_agreement";
export const CONFUSION_TABLE = "judge_confusion";

/** How every interval of judge_agreement.csv was made, written on each row. */
export const AGREEMENT_INTERVAL = `bootstrap_percentile_${Math.round(AGREEMENT_LEVEL * 100)}_${AGREEMENT_RESAMPLES}`;

export function agreementTables(results: readonly GoldAgreement[]): Table[] {
  const rows = results.flatMap((r) =>
    r.rows.map((row) => {
      // The requirements read from this row (overall rows only).
      const reqs =
        row.group === "overall" ? r.requirements.filter((q) => q.row?.judge === row.judge && q.row.metric === row.metric && q.goldSet === row.goldSet) : [];
      return [
        row.goldSet,
        row.scorer,
        row.judge,
        row.scale,
        row.group,
        row.groupValue,
        row.n,
        row.failed,
        row.metric,
        row.value,
        row.low,
        row.high,
        row.low === null ? null : AGREEMENT_INTERVAL,
        reqs.length === 0 ? null : reqs.map((q) => q.text).join("; "),
        reqs.length === 0 ? null : reqs.every((q) => q.passed),
      ];
    }),
  );
  return [
    {
      name: AGREEMENT_TABLE,
      columns: [
        "gold_set",
        "scorer",
        "judge",
        "scale",
        "group",
        "group_value",
        "n",
        "n_failed",
        "metric",
        "value",
        "ci_low",
        "ci_high",
        "interval",
        "required",
        "passed",
      ],
      formats: ["text", "text", "text", "text", "text", "text", "int", "int", "text", "corr", "corr", "corr", "text", "text", "bool"],
      rows,
    },
    {
      name: CONFUSION_TABLE,
      columns: ["gold_set", "judge", "expected", "label", "count"],
      formats: ["text", "text", "text", "text", "int"],
      rows: results.flatMap((r) => r.confusion.map((c) => [c.goldSet, c.judge, String(c.expected), String(c.label), c.count])),
    },
  ];
}

// The `group_comparison` report kind: models grouped by an attribute (open_weights, developer, …), the
// difference of group means with a cluster bootstrap interval and a permutation p, per system,
// dimension and difficulty level (src/analyse/group-comparison.ts; docs/outputs.md).

import { attributesInRun, groupComparisons, type GroupComparisonRow } from "../../analyse/group-comparison.js";
import type { PlanReport } from "../../core/plan.js";
import { table, withLead } from "../builtin-tables.js";
import type { Cell, Table } from "../csv.js";
import { scorerSetting, settingStrings, targetSystems, type Ctx } from "../report-tables.js";
import { checkAttributeNames, defineReportKind, NAMES, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const groupComparisonKind = defineReportKind({
  name: "group_comparison",
  settings: {
    type: "object",
    description:
      "groups of models by an attribute compared: difference of means with a cluster bootstrap interval and a permutation p, per dimension and difficulty level → `<id>.csv`",
    properties: {
      attribute: { ...NAMES, description: "the model attribute that makes the groups (default: every attribute the run's models have, but size_b)" },
      attributes: { ...NAMES, description: "or: several attributes" },
      ...SYSTEM_SETTINGS,
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  check: (input) => checkAttributeNames(input, ["attribute", "attributes"]),
  tables: (ctx, report, name) => [groupComparisonTable(name, groupRows(ctx, report))],
});

function groupRows(ctx: Ctx, report: PlanReport): GroupComparisonRow[] {
  const attributes = settingStrings(report.settings, "attribute") ?? settingStrings(report.settings, "attributes") ?? attributesInRun(ctx.ds);
  return groupComparisons(ctx.ds, {
    seed: ctx.seed,
    resamples: ctx.resamples,
    scorer: scorerSetting(report.settings),
    attributes,
    systems: targetSystems(ctx, report),
  });
}

/** The table of group comparisons; `findings` writes the same columns. */
export function groupComparisonTable(name: string, rows: readonly GroupComparisonRow[], lead: Array<[string, Cell[]]> = []): Table {
  const body = table(
    name,
    [
      ["attribute", "text"],
      ["group_a", "text"],
      ["group_b", "text"],
      ["system", "text"],
      ["dimension", "text"],
      ["difficulty", "text"],
      ["models_a", "int"],
      ["models_b", "int"],
      ["items", "int"],
      ["mean_a", "score"],
      ["mean_b", "score"],
      ["difference", "score"],
      ["ci_low", "score"],
      ["ci_high", "score"],
      ["p_permutation", "p"],
      ["exact", "text"],
      ["note", "text"],
    ],
    rows.map((r) => [
      r.attribute,
      r.groupA,
      r.groupB,
      r.system,
      r.dimension,
      r.difficulty,
      r.modelsA,
      r.modelsB,
      r.items,
      r.meanA,
      r.meanB,
      r.difference,
      r.ci?.low ?? null,
      r.ci?.high ?? null,
      r.p,
      r.p === null ? null : r.exact ? "yes" : "no",
      r.note,
    ]),
  );
  return withLead(body, lead);
}

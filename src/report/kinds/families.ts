// The `families` report kind: do models of one family (the `family` attribute, or another) have more
// alike value profiles than models of different families? Within- against between-family similarity
// of centred profiles with a permutation test over the labels (src/analyse/groups.ts; docs/outputs.md).

import { familyRows, type FamilyRow } from "../../analyse/group-comparison.js";
import { table, withLead } from "../builtin-tables.js";
import type { Cell, Table } from "../csv.js";
import { scorerSetting, settingString, targetSystems } from "../report-tables.js";
import { checkAttributeNames, defineReportKind, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const familiesKind = defineReportKind({
  name: "families",
  settings: {
    type: "object",
    description: "within- against between-family similarity of the models' value profiles, with a permutation test → `<id>.csv`",
    properties: {
      attribute: { type: "string", description: "the attribute that names a model's family (default: family)" },
      ...SYSTEM_SETTINGS,
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  check: (input) => checkAttributeNames(input, ["attribute"]),
  tables: (ctx, report, name) => [
    familiesTable(
      name,
      familyRows(ctx.ds, {
        seed: ctx.seed,
        scorer: scorerSetting(report.settings),
        attribute: settingString(report.settings, "attribute") ?? "family",
        systems: targetSystems(ctx, report),
      }),
    ),
  ],
});

/** The families table; `findings` writes the same columns. */
export function familiesTable(name: string, rows: readonly FamilyRow[], lead: Array<[string, Cell[]]> = []): Table {
  const body = table(
    name,
    [
      ["attribute", "text"],
      ["system", "text"],
      ["models", "int"],
      ["families", "int"],
      ["within_pairs", "int"],
      ["between_pairs", "int"],
      ["within", "corr"],
      ["between", "corr"],
      ["difference", "corr"],
      ["p_permutation", "p"],
      ["exact", "text"],
      ["note", "text"],
    ],
    rows.map((r) => [
      r.attribute,
      r.system,
      r.models,
      r.families,
      r.withinPairs,
      r.betweenPairs,
      r.within,
      r.between,
      r.difference,
      r.p,
      r.p === null ? null : r.exact ? "yes" : "no",
      r.note,
    ]),
  );
  return withLead(body, lead);
}

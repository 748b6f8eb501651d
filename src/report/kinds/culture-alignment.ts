// The `culture_alignment` report kind: how well each model's value profile correlates with the
// profiles of cultures (docs/outputs.md).

import { cultureAlignment } from "../../analyse/culture.js";
import { sliceCulture, sliceUsecase, systemDimensions } from "../../analyse/profiles.js";
import { CORRELATION_METHODS } from "../../analyse/stats.js";
import type { PlanReport } from "../../core/plan.js";
import { table } from "../builtin-tables.js";
import type { Cell, Table } from "../csv.js";
import { methodSetting, profilesFor, scorerSetting, settingStrings, targetSystems, type Ctx } from "../report-tables.js";
import { defineReportKind, NAMES, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const cultureAlignmentKind = defineReportKind({
  name: "culture_alignment",
  settings: {
    type: "object",
    description: "how each model's value profile correlates with cultures' baselines → `<id>.csv`",
    properties: {
      ...SYSTEM_SETTINGS,
      method: { type: "string", enum: [...CORRELATION_METHODS], description: "the correlation (default `spearman`)" },
      baselines: { ...NAMES, description: "the baselines to compare with (default: those with a culture)" },
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  tables: (ctx, report, name) => cultureReport(ctx, report, name),
});

function cultureReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const method = methodSetting(report.settings, "spearman", ctx.notes, report.id);
  const chosen = settingStrings(report.settings, "baselines");
  const cultureBaselines = (system: string) =>
    ctx.ds.plan.baselines.filter(
      (b) => b.system === system && (chosen ? chosen.includes(b.id) : b.culture !== null),
    );
  const systems = targetSystems(ctx, report, (s) => cultureBaselines(s).length > 0);
  const profiles = profilesFor(ctx, scorer, "each+all");
  const rows: Cell[][] = [];
  for (const system of systems) {
    const result = cultureAlignment(
      profiles.filter((p) => p.system === system),
      systemDimensions(ctx.ds, system),
      cultureBaselines(system),
      method,
    );
    for (const r of result) {
      rows.push([
        r.model,
        r.system,
        sliceCulture(r.slice),
        sliceUsecase(r.slice),
        r.baseline,
        r.culture,
        r.method,
        r.n,
        r.correlation,
        r.rank,
        r.prompted,
      ]);
    }
  }
  return [
    table(
      name,
      [
        ["model", "text"],
        ["system", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["baseline_culture", "text"],
        ["method", "text"],
        ["n_dimensions", "int"],
        ["correlation", "corr"],
        ["rank", "num"],
        ["prompted", "bool"],
      ],
      rows,
    ),
  ];
}

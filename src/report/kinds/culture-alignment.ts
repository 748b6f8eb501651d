// The `culture_alignment` report kind: how close the unsteered model is to each country's profile, and
// whether steering to a country moves the model with that country's published scores (docs/outputs.md,
// docs/benchmarks.md).

import { countriesOf, cultureAnalysis, cultureCells } from "../../analyse/culture.js";
import { systemDimensions } from "../../analyse/profiles.js";
import { CORRELATION_METHODS, deriveSeed } from "../../analyse/stats.js";
import type { PlanReport } from "../../core/plan.js";
import { table } from "../builtin-tables.js";
import type { Cell, Table } from "../csv.js";
import { type Ctx, methodSetting, scorerSetting, settingStrings, targetSystems } from "../report-tables.js";
import { defineReportKind, NAMES, SCORER_SETTINGS, SYSTEM_SETTINGS } from "./define.js";

export const cultureAlignmentKind = defineReportKind({
  name: "culture_alignment",
  settings: {
    type: "object",
    description:
      "how close each model's unsteered profile is to each culture's baseline, and whether steering moves it with the cultures' scores → `<id>.csv`, `<id>_steering.csv`",
    properties: {
      ...SYSTEM_SETTINGS,
      method: { type: "string", enum: [...CORRELATION_METHODS], description: "the correlation across countries of the steering table (default `spearman`)" },
      baselines: { ...NAMES, description: "the baselines to compare with (default: those with a culture)" },
      ...SCORER_SETTINGS,
    },
    required: [],
    additionalProperties: false,
  },
  tables: (ctx, report, name) => cultureReport(ctx, report, name),
});

/** p-values to four significant digits: enough to read 1/720 or 1/10,000, without float noise. */
function pCell(p: number | null): number | null {
  return p === null ? null : Number(p.toPrecision(4));
}

function cultureReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const method = methodSetting(report.settings, "spearman", ctx.notes, report.id);
  const chosen = settingStrings(report.settings, "baselines");
  const cultureBaselines = (system: string) =>
    ctx.ds.plan.baselines.filter((b) => b.system === system && (chosen ? chosen.includes(b.id) : b.culture !== null));
  const systems = targetSystems(ctx, report, (s) => cultureBaselines(s).length > 0);
  const alignment: Cell[][] = [];
  const steering: Cell[][] = [];
  for (const system of systems) {
    const baselines = cultureBaselines(system);
    const orderOnly = baselines.filter((b) => b.culture !== null && b.values === null).map((b) => b.id);
    if (orderOnly.length > 0)
      ctx.notes.push(`report ${report.id}: baselines given as an order have no values to standardise, left out: ${orderOnly.join(", ")}`);
    const countries = countriesOf(baselines);
    if (countries.length === 0) continue;
    const dims = systemDimensions(ctx.ds, system);
    for (const cell of cultureCells(ctx.ds, system, scorer)) {
      const seed = deriveSeed(ctx.seed, JSON.stringify(["culture_alignment", cell.model, system, cell.usecase, scorer]));
      const result = cultureAnalysis(cell.items, countries, dims, { seed, resamples: ctx.resamples, method });
      const where = `report ${report.id}, ${cell.model}${cell.usecase === null ? "" : ` (usecase ${cell.usecase})`}`;
      const unsteered = result.anchors.some((a) => a.unsteered !== null);
      const standardised = result.anchors.filter((a) => a.z !== null).length;
      if (!unsteered) ctx.notes.push(`${where}: no answers without a culture on ${system}, so no alignment rows (steering only)`);
      else if (standardised < dims.length) {
        ctx.notes.push(
          `${where}: ${standardised} of ${dims.length} dimensions of ${system} could be standardised (each needs steered answers for 3+ countries that vary)`,
        );
      }
      if (unsteered) {
        for (const r of result.alignment) {
          alignment.push([
            cell.model,
            system,
            cell.usecase,
            r.baseline,
            r.culture,
            r.nDimensions,
            r.distance,
            r.ci?.low ?? null,
            r.ci?.high ?? null,
            pCell(r.p),
            pCell(r.pAdjusted),
            r.rank,
            r.shareFirst,
            r.permutations,
            r.ci || r.shareFirst !== null ? result.replicates : null,
          ]);
        }
      }
      result.steering.forEach((r, i) => {
        const a = result.anchors[i];
        steering.push([
          cell.model,
          system,
          cell.usecase,
          r.dimension,
          r.nCountries,
          r.method,
          r.correlation,
          r.ci?.low ?? null,
          r.ci?.high ?? null,
          pCell(r.p),
          pCell(r.pAdjusted),
          a?.unsteered ?? null,
          a?.steeredMean ?? null,
          a?.steeredSd ?? null,
          a?.z ?? null,
        ]);
      });
    }
  }
  return [
    table(
      name,
      [
        ["model", "text"],
        ["system", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["baseline_culture", "text"],
        ["n_dimensions", "int"],
        ["distance", "corr"],
        ["distance_low", "corr"],
        ["distance_high", "corr"],
        ["p_value", "num"],
        ["p_adjusted", "num"],
        ["rank", "num"],
        ["share_first", "rate"],
        ["permutations", "int"],
        ["replicates", "int"],
      ],
      alignment,
    ),
    table(
      `${name}_steering`,
      [
        ["model", "text"],
        ["system", "text"],
        ["usecase", "text"],
        ["dimension", "text"],
        ["n_countries", "int"],
        ["method", "text"],
        ["correlation", "corr"],
        ["ci_low", "corr"],
        ["ci_high", "corr"],
        ["p_value", "num"],
        ["p_adjusted", "num"],
        ["unsteered_mean", "score"],
        ["steered_mean", "score"],
        ["steered_sd", "score"],
        ["unsteered_z", "corr"],
      ],
      steering,
    ),
  ];
}

// Culture alignment (seed finding 2): the correlation between a model's value profile and the profile
// (or order) of each culture baseline of the system. Spearman by default, as the reference heatmap
// (value_sim_heatmap.json) is a Spearman rho over the ten Schwartz values. Computed per context the model
// was prompted with, so the default (no culture) and the steered answers (culture de_DE ...) sit side by
// side; `prompted` marks the rows where the prompted culture is the baseline's own.

import type { PlanBaseline } from "../core/plan.js";
import { baselineProfile, paired, type Profile, type Slice } from "./profiles.js";
import { correlate, rank, type CorrelationMethod } from "./stats.js";

export interface AlignmentRow {
  model: string;
  system: string;
  slice: Slice;
  baseline: string;
  /** The culture the baseline describes. */
  culture: string | null;
  method: CorrelationMethod;
  /** Dimensions compared. */
  n: number;
  correlation: number | null;
  /** Among this model × slice's baselines: 1 = most aligned (ties averaged); null without a correlation. */
  rank: number | null;
  /** The model was prompted with this baseline's culture (null for the pooled slice). */
  prompted: boolean | null;
}

export function cultureAlignment(
  profiles: readonly Profile[],
  dims: readonly string[],
  baselines: readonly PlanBaseline[],
  method: CorrelationMethod = "spearman",
): AlignmentRow[] {
  const bases = baselines.map((b) => ({ b, values: baselineProfile(b) }));
  const out: AlignmentRow[] = [];
  for (const p of profiles) {
    const rows = bases.map(({ b, values }) => {
      const pair = paired(dims, p.means, values);
      const row: AlignmentRow = {
        model: p.model,
        system: p.system,
        slice: p.slice,
        baseline: b.id,
        culture: b.culture,
        method,
        n: pair.dims.length,
        correlation: pair.dims.length >= 3 ? correlate(method, pair.xs, pair.ys) : null,
        rank: null,
        prompted: p.slice.kind === "all" ? null : b.culture !== null && p.slice.culture === b.culture,
      };
      return row;
    });
    const withCorr = rows.filter((r) => r.correlation !== null);
    const ranks = rank(withCorr.map((r) => -(r.correlation as number)));
    withCorr.forEach((r, i) => (r.rank = ranks[i] as number));
    out.push(...rows);
  }
  return out;
}

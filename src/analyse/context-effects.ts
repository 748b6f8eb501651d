// Context effects (seed finding 5): how a model's scores move when the prompt carries another culture or
// use case. Per model × dimension and per value of a context kind, the mean score and its difference
// from the reference context (plan.run.reference), with a seeded percentile-bootstrap CI of that
// difference. Culture rows pool over use cases and use-case rows over cultures; the combination rows
// compare one (culture, usecase) cell with the reference cell.

import { countedUnits, type ScorerSelection } from "./aggregate.js";
import type { Dataset, StepMeta } from "./dataset.js";
import { ALL_LABEL } from "./profiles.js";
import { bootstrapMeanDiffCI, deriveSeed, mean, type Interval } from "./stats.js";

export type ContextKind = "culture" | "usecase";
export type EffectKind = "culture" | "usecase" | "culture+usecase";

export interface ContextEffectRow {
  model: string;
  system: string;
  dimension: string;
  kind: EffectKind;
  /** The culture of the compared context; "(all)" when pooled over cultures (a usecase row). */
  culture: string | null;
  /** The use case of the compared context; "(all)" when pooled over use cases (a culture row). */
  usecase: string | null;
  referenceCulture: string | null;
  referenceUsecase: string | null;
  n: number;
  mean: number | null;
  referenceN: number;
  referenceMean: number | null;
  /** mean − referenceMean. */
  difference: number | null;
  ci: Interval | null;
}

export interface ContextEffectOptions {
  seed: number;
  resamples?: number;
  scorer?: ScorerSelection;
  /** Which kinds to compare; default: the kinds the run crosses. Both → also the combination. */
  by?: ContextKind[];
}

/** The reference value of a kind: the run's declared reference, else the first value (plan order) in the data. */
export function referenceValue(ds: Dataset, kind: ContextKind): string | null {
  const declared = ds.plan.run.reference[kind];
  // For a crossed kind the checker always fills in the reference, so null there means `none`: the
  // condition without that context (e.g. "the model's default values" in culture.vc).
  if (declared !== null || ds.plan.run.cross.includes(kind)) return declared;
  const values = new Set(ds.metas.map((m) => m[kind]).filter((v): v is string => v !== null));
  const sorted = [...values].sort((a, b) => ds.order[kind](a) - ds.order[kind](b) || (a < b ? -1 : 1));
  return sorted[0] ?? null;
}

export function contextEffects(ds: Dataset, options: ContextEffectOptions): ContextEffectRow[] {
  const kinds = (options.by ?? ds.plan.run.cross).filter((k, i, all) => all.indexOf(k) === i);
  const ordered: ContextKind[] = (["culture", "usecase"] as const).filter((k) => kinds.includes(k));
  const effectKinds: EffectKind[] = [...ordered];
  if (ordered.length === 2) effectKinds.push("culture+usecase");
  const refCulture = referenceValue(ds, "culture");
  const refUsecase = referenceValue(ds, "usecase");
  const selection = options.scorer ?? "primary";

  // model × system × dimension → kind → context key → scores
  type Groups = Map<string, { meta: StepMeta; byKind: Map<EffectKind, Map<string, number[]>> }>;
  const groups: Groups = new Map();
  const valueKey = (kind: EffectKind, m: StepMeta): [string | null, string | null] =>
    kind === "culture" ? [m.culture, ALL_LABEL] : kind === "usecase" ? [ALL_LABEL, m.usecase] : [m.culture, m.usecase];

  ds.metas.forEach((meta, i) => {
    const scores = countedUnits(ds.unitsByStep[i] ?? [], selection)
      .map((u) => u.score)
      .filter((s): s is number => s !== null);
    const gk = JSON.stringify([meta.model, meta.system, meta.dimension]);
    let g = groups.get(gk);
    if (!g) {
      g = { meta, byKind: new Map() };
      groups.set(gk, g);
    }
    for (const kind of effectKinds) {
      const byValue = g.byKind.get(kind) ?? new Map<string, number[]>();
      g.byKind.set(kind, byValue);
      const vk = JSON.stringify(valueKey(kind, meta));
      const list = byValue.get(vk) ?? [];
      list.push(...scores);
      byValue.set(vk, list);
    }
  });

  const out: ContextEffectRow[] = [];
  for (const { meta, byKind } of groups.values()) {
    for (const kind of effectKinds) {
      const byValue = byKind.get(kind) ?? new Map<string, number[]>();
      const ref: [string | null, string | null] =
        kind === "culture" ? [refCulture, ALL_LABEL] : kind === "usecase" ? [ALL_LABEL, refUsecase] : [refCulture, refUsecase];
      const refScores = byValue.get(JSON.stringify(ref)) ?? [];
      const refMean = mean(refScores);
      for (const [vk, scores] of byValue) {
        const [culture, usecase] = JSON.parse(vk) as [string | null, string | null];
        if (culture === ref[0] && usecase === ref[1]) continue;
        const m = mean(scores);
        const seedKey = `context_effects|${meta.model}|${meta.system}|${meta.dimension}|${kind}|${vk}`;
        out.push({
          model: meta.model,
          system: meta.system,
          dimension: meta.dimension,
          kind,
          culture,
          usecase,
          referenceCulture: ref[0],
          referenceUsecase: ref[1],
          n: scores.length,
          mean: m,
          referenceN: refScores.length,
          referenceMean: refMean,
          difference: m !== null && refMean !== null ? m - refMean : null,
          ci: bootstrapMeanDiffCI(scores, refScores, {
            seed: deriveSeed(options.seed, seedKey),
            resamples: options.resamples ?? 2000,
          }),
        });
      }
    }
  }
  const o = ds.order;
  const kindOrder = (k: EffectKind) => effectKinds.indexOf(k);
  const ctx = (v: string | null, f: (id: string | null) => number) => (v === ALL_LABEL ? -2 : f(v));
  out.sort(
    (a, b) =>
      o.model(a.model) - o.model(b.model) ||
      (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) ||
      o.system(a.system) - o.system(b.system) ||
      o.dimension(a.system, a.dimension) - o.dimension(b.system, b.dimension) ||
      (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : 0) ||
      kindOrder(a.kind) - kindOrder(b.kind) ||
      ctx(a.culture, o.culture) - ctx(b.culture, o.culture) ||
      ctx(a.usecase, o.usecase) - ctx(b.usecase, o.usecase) ||
      (String(a.culture) + String(a.usecase) < String(b.culture) + String(b.usecase) ? -1 : 1),
  );
  return out;
}

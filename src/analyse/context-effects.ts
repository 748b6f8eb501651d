// Context effects (seed finding 5): how a model's scores move when the prompt carries another culture or
// use case. Per model × dimension × measure (scorer) and per value of a context kind: the mean score and
// the difference from the reference context (plan.run.reference), paired on the item — each item's mean
// in the context minus the same item's mean in the reference, averaged over the items answered in
// both — with a bootstrap interval over items, a sign-flip permutation p-value and a Benjamini–Hochberg
// adjusted p-value over all rows of the table. Culture rows pool over use cases and use-case rows over
// cultures; the combination rows compare one (culture, usecase) cell with the reference cell. When the
// two contexts share no item (e.g. locale-specific prompt sets), the comparison is of item means,
// unpaired, and says so.
//
// Why paired: the same items answered in two contexts are not independent samples. An unpaired
// interval treats the spread between items (some prompts score 10, others 90) as noise of the
// difference, so identical answers in two contexts gave a difference of 0 with a CI of ±43; paired,
// that spread cancels and the interval is [0, 0].

import { countedUnits, type ScorerSelection } from "./aggregate.js";
import type { Dataset, StepMeta } from "./dataset.js";
import { ALL_LABEL } from "./profiles.js";
import {
  benjaminiHochberg,
  bootstrapMeanCI,
  bootstrapMeanDiffCI,
  DEFAULT_PERMUTATIONS,
  DEFAULT_RESAMPLES,
  deriveSeed,
  expandedLevel,
  mean,
  permutationTest,
  signFlipTest,
  type Interval,
} from "./stats.js";

export type ContextKind = "culture" | "usecase";
export type EffectKind = "culture" | "usecase" | "culture+usecase";

/** How a row's difference was formed: over items answered in both contexts, or over two sets of items. */
export type Pairing = "paired" | "unpaired";

export interface ContextEffectRow {
  model: string;
  system: string;
  dimension: string;
  /** The scorer of every score in the row: scores of different measures are never pooled. */
  measure: string;
  kind: EffectKind;
  /** The culture of the compared context; "(all)" when pooled over cultures (a usecase row). */
  culture: string | null;
  /** The use case of the compared context; "(all)" when pooled over use cases (a culture row). */
  usecase: string | null;
  referenceCulture: string | null;
  referenceUsecase: string | null;
  /** Scores and their mean under the compared context (every item, every sample). */
  n: number;
  mean: number | null;
  referenceN: number;
  referenceMean: number | null;
  /** Items with a score under the compared context / under the reference. */
  items: number;
  referenceItems: number;
  /** Items with a score under both: the n of the paired difference, its interval and its test. */
  pairs: number;
  pairing: Pairing | null;
  /**
   * Paired: mean over the shared items of (item mean in the context − item mean in the reference).
   * Unpaired: mean of the context's item means − mean of the reference's item means.
   */
  difference: number | null;
  /**
   * 95% bootstrap interval over items. Paired: expanded percentile interval of the mean paired
   * difference (as wide as a t interval at small n; Hesterberg 2015). Unpaired: plain percentile
   * interval of the difference of item means, each side resampled on its own.
   */
  ci: Interval | null;
  /** Two-sided p: sign-flip test of the paired differences, or a two-sample permutation test of item means. */
  p: number | null;
  /** Benjamini–Hochberg adjusted p over every row of the table with a p. */
  q: number | null;
  /** Why the comparison is unpaired, partial or without interval/test; null otherwise. */
  note: string | null;
}

export interface ContextEffectOptions {
  seed: number;
  /** Bootstrap resamples of the interval; 0 skips it. Default 2000. */
  resamples?: number;
  /** Sign patterns / relabellings of the permutation tests. Default 10000. */
  permutations?: number;
  scorer?: ScorerSelection;
  /** Which kinds to compare; default: the kinds the run crosses. Both → also the combination. */
  by?: ContextKind[];
  /** Only these systems (the table's rows, and so the family of the BH adjustment). Default: all. */
  systems?: readonly string[];
}

/** Rows whose adjusted p is below this count as evidence of a context effect in the printed summary. */
export const EFFECT_Q = 0.05;

/** Item id → that item's scores (its samples, and for a pooled row its contexts) in one context. */
export type ItemScores = Map<string, number[]>;

interface Group {
  meta: StepMeta;
  measure: string;
  byKind: Map<EffectKind, Map<string, ItemScores>>;
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

function allScores(items: ItemScores): number[] {
  return [...items.values()].flat();
}

/** Each item's mean score (items without a score left out), keyed by item. */
function itemMeans(items: ItemScores): Map<string, number> {
  const out = new Map<string, number>();
  for (const [item, scores] of items) {
    const m = mean(scores);
    if (m !== null) out.set(item, m);
  }
  return out;
}

interface Comparison {
  items: number;
  referenceItems: number;
  pairs: number;
  pairing: Pairing | null;
  difference: number | null;
  ci: Interval | null;
  p: number | null;
  note: string | null;
}

/**
 * One context against the reference, on item means. Items are ordered by the plan (itemOrder) so the
 * bootstrap draws do not depend on the journal's line order.
 */
export function compareContexts(
  context: ItemScores,
  reference: ItemScores,
  itemOrder: (id: string) => number,
  options: { seed: number; resamples: number; permutations: number },
): Comparison {
  const byPlan = (a: string, b: string) => itemOrder(a) - itemOrder(b) || (a < b ? -1 : a > b ? 1 : 0);
  const a = itemMeans(context);
  const b = itemMeans(reference);
  const shared = [...a.keys()].filter((k) => b.has(k)).sort(byPlan);
  const base = { items: a.size, referenceItems: b.size, pairs: shared.length };
  const ciOptions = { seed: options.seed, resamples: options.resamples };
  const pOptions = { seed: deriveSeed(options.seed, "p"), permutations: options.permutations };
  if (a.size === 0 || b.size === 0) {
    return {
      ...base,
      pairing: null,
      difference: null,
      ci: null,
      p: null,
      note: a.size === 0 ? "no score in this context" : "no score in the reference context",
    };
  }
  if (shared.length > 0) {
    const d = shared.map((k) => (a.get(k) as number) - (b.get(k) as number));
    const notes: string[] = [];
    const unshared = a.size + b.size - 2 * shared.length;
    if (unshared > 0) notes.push(`${unshared} item(s) answered in only one of the two contexts are left out of the difference`);
    if (shared.length < 2) notes.push("one paired item: no interval or test");
    return {
      ...base,
      pairing: "paired",
      difference: mean(d),
      // Expanded percentile: the plain one covers about 86% at 6 items for a nominal 95% (stats.expandedLevel).
      ci: options.resamples > 0 ? bootstrapMeanCI(d, { ...ciOptions, level: expandedLevel(0.95, d.length) }) : null,
      p: shared.length >= 2 ? signFlipTest(d, pOptions) : null,
      note: notes.length > 0 ? notes.join("; ") : null,
    };
  }
  const ma = [...a.keys()].sort(byPlan).map((k) => a.get(k) as number);
  const mb = [...b.keys()].sort(byPlan).map((k) => b.get(k) as number);
  const ma0 = mean(ma);
  const mb0 = mean(mb);
  const notes = ["no item answered in both contexts: unpaired comparison of item means"];
  if (ma.length < 2 || mb.length < 2) notes.push("fewer than 2 items on a side: no interval or test");
  return {
    ...base,
    pairing: "unpaired",
    difference: ma0 !== null && mb0 !== null ? ma0 - mb0 : null,
    ci: options.resamples > 0 ? bootstrapMeanDiffCI(ma, mb, ciOptions) : null,
    p: permutationTest(ma, mb, pOptions),
    note: notes.join("; "),
  };
}

export function contextEffects(ds: Dataset, options: ContextEffectOptions): ContextEffectRow[] {
  const kinds = (options.by ?? ds.plan.run.cross).filter((k, i, all) => all.indexOf(k) === i);
  const ordered: ContextKind[] = (["culture", "usecase"] as const).filter((k) => kinds.includes(k));
  const effectKinds: EffectKind[] = [...ordered];
  if (ordered.length === 2) effectKinds.push("culture+usecase");
  const refCulture = referenceValue(ds, "culture");
  const refUsecase = referenceValue(ds, "usecase");
  const selection = options.scorer ?? "primary";
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS;

  // model × system × dimension × measure → kind → context key → item → scores
  const groups = new Map<string, Group>();
  const valueKey = (kind: EffectKind, m: StepMeta): [string | null, string | null] =>
    kind === "culture" ? [m.culture, ALL_LABEL] : kind === "usecase" ? [ALL_LABEL, m.usecase] : [m.culture, m.usecase];

  ds.metas.forEach((meta, i) => {
    if (options.systems && !options.systems.includes(meta.system)) return;
    for (const u of countedUnits(ds.unitsByStep[i] ?? [], selection)) {
      const gk = JSON.stringify([meta.model, meta.system, meta.dimension, u.scorer]);
      let g = groups.get(gk);
      if (!g) {
        g = { meta, measure: u.scorer, byKind: new Map() };
        groups.set(gk, g);
      }
      for (const kind of effectKinds) {
        const byValue = g.byKind.get(kind) ?? new Map<string, ItemScores>();
        g.byKind.set(kind, byValue);
        const vk = JSON.stringify(valueKey(kind, meta));
        const items = byValue.get(vk) ?? new Map<string, number[]>();
        byValue.set(vk, items);
        // Samples of an item stay together: the item, not the score record, is the unit.
        const list = items.get(meta.item) ?? [];
        if (u.score !== null) list.push(u.score);
        items.set(meta.item, list);
      }
    }
  });

  const out: ContextEffectRow[] = [];
  for (const { meta, measure, byKind } of groups.values()) {
    for (const kind of effectKinds) {
      const byValue = byKind.get(kind) ?? new Map<string, ItemScores>();
      const ref: [string | null, string | null] =
        kind === "culture" ? [refCulture, ALL_LABEL] : kind === "usecase" ? [ALL_LABEL, refUsecase] : [refCulture, refUsecase];
      const refItems = byValue.get(JSON.stringify(ref)) ?? new Map<string, number[]>();
      const refScores = allScores(refItems);
      for (const [vk, items] of byValue) {
        const [culture, usecase] = JSON.parse(vk) as [string | null, string | null];
        if (culture === ref[0] && usecase === ref[1]) continue;
        const scores = allScores(items);
        const seedKey = `context_effects|${meta.model}|${meta.system}|${meta.dimension}|${measure}|${kind}|${vk}`;
        const c = compareContexts(items, refItems, ds.order.item, { seed: deriveSeed(options.seed, seedKey), resamples, permutations });
        out.push({
          model: meta.model,
          system: meta.system,
          dimension: meta.dimension,
          measure,
          kind,
          culture,
          usecase,
          referenceCulture: ref[0],
          referenceUsecase: ref[1],
          n: scores.length,
          mean: mean(scores),
          referenceN: refScores.length,
          referenceMean: mean(refScores),
          ...c,
          q: null,
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
      o.scorer(a.measure) - o.scorer(b.measure) ||
      (a.measure < b.measure ? -1 : a.measure > b.measure ? 1 : 0) ||
      kindOrder(a.kind) - kindOrder(b.kind) ||
      ctx(a.culture, o.culture) - ctx(b.culture, o.culture) ||
      ctx(a.usecase, o.usecase) - ctx(b.usecase, o.usecase) ||
      (String(a.culture) + String(a.usecase) < String(b.culture) + String(b.usecase) ? -1 : 1),
  );
  const q = benjaminiHochberg(out.map((r) => r.p));
  out.forEach((r, i) => {
    r.q = q[i] ?? null;
  });
  return out;
}

/**
 * The context effects worth printing: rows whose BH-adjusted p is below `q` (default EFFECT_Q), largest
 * |difference| first (then smaller q, then table order), at most `top`. Empty when no row reached it —
 * a summary then says so instead of listing the largest differences of noise.
 */
export function notableEffects(rows: readonly ContextEffectRow[], options: { top?: number; q?: number } = {}): ContextEffectRow[] {
  const threshold = options.q ?? EFFECT_Q;
  return rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.difference !== null && r.q !== null && r.q < threshold)
    .sort((a, b) => Math.abs(b.r.difference as number) - Math.abs(a.r.difference as number) || (a.r.q as number) - (b.r.q as number) || a.i - b.i)
    .slice(0, Math.max(0, options.top ?? 10))
    .map(({ r }) => r);
}

// Value profiles: a model's mean score per dimension of a system, in one context slice, optionally of
// one measure (scorer). Profiles are what the correlation analyses (hierarchy, culture alignment,
// similarity, cross-system) compare.

import type { PlanBaseline } from "../core/plan.js";
import type { Scale } from "../core/scale.js";
import { aggregate, countedUnits, type AggregateRow, type ScorerSelection } from "./aggregate.js";
import type { Dataset } from "./dataset.js";
import { mean } from "./stats.js";

/** One context combination the model was prompted with, or every context pooled. */
export type Slice = { kind: "context"; culture: string | null; usecase: string | null } | { kind: "all" };

export const ALL_SLICE: Slice = { kind: "all" };

/** Written in the culture / usecase columns of a row that pools every context. */
export const ALL_LABEL = "(all)";

export interface Profile {
  model: string;
  system: string;
  slice: Slice;
  /**
   * The scorer whose scores make every mean of this profile, for profiles built `byMeasure`; absent
   * when the profile pools whatever the scorer selection counts (one measure or several).
   */
  measure?: string;
  /** Dimension id → mean score, for the dimensions with at least one score, in the system's order. */
  means: Map<string, number>;
  n: Map<string, number>;
  /**
   * The scorers (measures) whose scores the means hold, and their scales. A profile of more than one
   * scale pools numbers that mean different things: an analysis should refuse it (or name one scorer).
   */
  scorers?: string[];
  scales?: Scale[];
}

export function sliceKey(slice: Slice): string {
  return slice.kind === "all" ? "*" : `${slice.culture ?? ""}\u0000${slice.usecase ?? ""}`;
}

export function sliceCulture(slice: Slice): string | null {
  return slice.kind === "all" ? ALL_LABEL : slice.culture;
}

export function sliceUsecase(slice: Slice): string | null {
  return slice.kind === "all" ? ALL_LABEL : slice.usecase;
}

/** Dimension ids of a system in its order (PlanDimension.order, then declaration). */
export function systemDimensions(ds: Dataset, system: string): string[] {
  const sys = ds.plan.systems.find((s) => s.id === system);
  if (!sys) return [];
  return sys.dimensions.map((d) => d.id).sort((a, b) => ds.order.dimension(system, a) - ds.order.dimension(system, b));
}

/** Systems that have at least one step in the run, in plan order. */
export function systemsWithData(ds: Dataset): string[] {
  const seen = new Set(ds.metas.map((m) => m.system));
  return [...seen].sort((a, b) => ds.order.system(a) - ds.order.system(b) || (a < b ? -1 : 1));
}

/** Models that have at least one step in the run, in plan order. */
export function modelsWithData(ds: Dataset): string[] {
  const seen = new Set(ds.metas.map((m) => m.model));
  return [...seen].sort((a, b) => ds.order.model(a) - ds.order.model(b) || (a < b ? -1 : 1));
}

export interface ProfileOptions {
  scorer?: ScorerSelection;
  slices: "all" | "each" | "each+all";
  /**
   * One profile per measure (the scorer of each counted score): a dimension mean never averages a
   * 0–100 judge score with a centred Likert rating. Default false (the selection's scores pooled).
   */
  byMeasure?: boolean;
}

/**
 * Per model × system profiles. `slices`: "all" pools every context; "each" gives one profile per
 * context combination present; "each+all" both (the pooled one only when there are several contexts).
 */
export function buildProfiles(ds: Dataset, options: ProfileOptions): Profile[] {
  if (options.byMeasure) return buildMeasureProfiles(ds, options);
  const out: Profile[] = [];
  const index = new Map<string, Profile>();
  // Pooled over scorers as before; every profile says which scorers and scales it holds.
  const base = { seed: 0, resamples: 0, scorer: options.scorer ?? "primary", measures: "pooled" } as const;
  const perContext = aggregate(ds, ["model", "system", "culture", "usecase", "dimension"], base);
  const contextsOf = new Map<string, Set<string>>();
  for (const r of perContext) {
    const k = JSON.stringify([r.keys.model, r.keys.system]);
    const s = contextsOf.get(k) ?? new Set<string>();
    s.add(JSON.stringify([r.keys.culture, r.keys.usecase]));
    contextsOf.set(k, s);
  }
  const add = (model: string, system: string, slice: Slice, dim: string, mean: number | null, n: number, row: AggregateRow) => {
    const id = JSON.stringify([model, system, sliceKey(slice)]);
    let p = index.get(id);
    if (!p) {
      p = { model, system, slice, means: new Map(), n: new Map(), scorers: [], scales: [] };
      index.set(id, p);
      out.push(p);
    }
    p.scorers ??= [];
    p.scales ??= [];
    const { scorers, scales } = p;
    for (const s of row.scorers) if (!scorers.includes(s)) scorers.push(s);
    for (const s of row.scales) if (!scales.includes(s)) scales.push(s);
    if (mean !== null) {
      p.means.set(dim, mean);
      p.n.set(dim, n);
    }
  };
  if (options.slices !== "all") {
    for (const r of perContext) {
      const slice: Slice = {
        kind: "context",
        culture: (r.keys.culture ?? null) as string | null,
        usecase: (r.keys.usecase ?? null) as string | null,
      };
      add(String(r.keys.model), String(r.keys.system), slice, String(r.keys.dimension), r.mean, r.n, r);
    }
  }
  if (options.slices !== "each") {
    const pooled = aggregate(ds, ["model", "system", "dimension"], base);
    for (const r of pooled) {
      const k = JSON.stringify([r.keys.model, r.keys.system]);
      const several = (contextsOf.get(k)?.size ?? 0) > 1;
      if (options.slices === "all" || several) {
        add(String(r.keys.model), String(r.keys.system), ALL_SLICE, String(r.keys.dimension), r.mean, r.n, r);
      }
    }
  }
  return out;
}

/**
 * Profiles per model × system × measure: the counted scores of each step (primary scorer or the
 * selection), grouped by the scorer that gave them. A mean is over every counted score of the cell
 * (samples and, for the pooled slice, contexts included), as the pooled profiles' means are.
 */
function buildMeasureProfiles(ds: Dataset, options: ProfileOptions): Profile[] {
  const selection = options.scorer ?? "primary";
  // profile key → dimension → scores; profile key → profile shell
  const shells = new Map<string, Profile>();
  const scores = new Map<string, Map<string, number[]>>();
  const contexts = new Map<string, Set<string>>();
  const push = (model: string, system: string, measure: string, slice: Slice, dim: string, v: number) => {
    const id = JSON.stringify([model, system, measure, sliceKey(slice)]);
    if (!shells.has(id)) {
      shells.set(id, { model, system, slice, measure, means: new Map(), n: new Map() });
      scores.set(id, new Map());
    }
    const byDim = scores.get(id) as Map<string, number[]>;
    const list = byDim.get(dim);
    if (list) list.push(v);
    else byDim.set(dim, [v]);
  };
  ds.metas.forEach((meta, i) => {
    for (const u of countedUnits(ds.unitsByStep[i] ?? [], selection)) {
      if (u.score === null) continue;
      const slice: Slice = { kind: "context", culture: meta.culture, usecase: meta.usecase };
      const owner = JSON.stringify([meta.model, meta.system, u.scorer]);
      const seen = contexts.get(owner) ?? new Set<string>();
      seen.add(sliceKey(slice));
      contexts.set(owner, seen);
      if (options.slices !== "all") push(meta.model, meta.system, u.scorer, slice, meta.dimension, u.score);
      push(meta.model, meta.system, u.scorer, ALL_SLICE, meta.dimension, u.score);
    }
  });
  const out: Profile[] = [];
  for (const [id, p] of shells) {
    if (p.slice.kind === "all" && options.slices === "each") continue;
    if (p.slice.kind === "all" && options.slices === "each+all") {
      const several = (contexts.get(JSON.stringify([p.model, p.system, p.measure])) ?? new Set()).size > 1;
      if (!several) continue;
    }
    const byDim = scores.get(id) as Map<string, number[]>;
    for (const d of systemDimensions(ds, p.system)) {
      const list = byDim.get(d);
      if (!list || list.length === 0) continue;
      p.means.set(d, mean(list) as number);
      p.n.set(d, list.length);
    }
    // Dimensions the plan does not know (an edited spec) keep their place after the known ones.
    for (const [d, list] of byDim) {
      if (p.means.has(d) || list.length === 0) continue;
      p.means.set(d, mean(list) as number);
      p.n.set(d, list.length);
    }
    out.push(p);
  }
  return out;
}

/**
 * A baseline as numbers per dimension, larger = more important: a profile as given, an order turned
 * into n, n−1, ..., 1 (most important first), so rank correlations read the same either way.
 */
export function baselineProfile(baseline: PlanBaseline): Map<string, number> {
  const out = new Map<string, number>();
  if (baseline.values) {
    for (const [k, v] of Object.entries(baseline.values)) if (Number.isFinite(v)) out.set(k, v);
  } else if (baseline.order) {
    const n = baseline.order.length;
    for (const [i, d] of baseline.order.entries()) out.set(d, n - i);
  }
  return out;
}

/** The values of two dimension → number maps on their shared dimensions, in `dims` order. */
export function paired(
  dims: readonly string[],
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
): { dims: string[]; xs: number[]; ys: number[] } {
  const out = { dims: [] as string[], xs: [] as number[], ys: [] as number[] };
  for (const d of dims) {
    const x = a.get(d);
    const y = b.get(d);
    if (x !== undefined && y !== undefined) {
      out.dims.push(d);
      out.xs.push(x);
      out.ys.push(y);
    }
  }
  return out;
}

/** Context slices in plan order (no context first), the pooled slice last. */
export function compareSlices(ds: Dataset): (a: Slice, b: Slice) => number {
  return (a, b) => {
    if (a.kind === "all" || b.kind === "all") return (a.kind === "all" ? 1 : 0) - (b.kind === "all" ? 1 : 0);
    return (
      ds.order.culture(a.culture) - ds.order.culture(b.culture) ||
      ds.order.usecase(a.usecase) - ds.order.usecase(b.usecase) ||
      (sliceKey(a) < sliceKey(b) ? -1 : sliceKey(a) > sliceKey(b) ? 1 : 0)
    );
  };
}

/** Code-unit order: the same on every machine, whatever the locale. */
function lex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Profiles sorted by model, system, measure, then slice, all in plan order. */
export function sortProfiles(ds: Dataset, profiles: Profile[]): Profile[] {
  const cs = compareSlices(ds);
  const measure = (p: Profile) => (p.measure === undefined ? -1 : ds.order.scorer(p.measure));
  return profiles.sort(
    (a, b) =>
      ds.order.model(a.model) - ds.order.model(b.model) ||
      (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) ||
      ds.order.system(a.system) - ds.order.system(b.system) ||
      measure(a) - measure(b) ||
      lex(a.measure ?? "", b.measure ?? "") ||
      cs(a.slice, b.slice),
  );
}

/** The measures (scorers) of a set of profiles, in plan order; [undefined] when none is by measure. */
export function profileMeasures(ds: Dataset, profiles: readonly Profile[]): Array<string | undefined> {
  const seen: Array<string | undefined> = [];
  for (const p of profiles) if (!seen.includes(p.measure)) seen.push(p.measure);
  return seen.sort((a, b) => (a === undefined ? -1 : ds.order.scorer(a)) - (b === undefined ? -1 : ds.order.scorer(b)) || lex(a ?? "", b ?? ""));
}

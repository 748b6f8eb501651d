// Grouped score statistics: n, mean (0–100), SD, 95% bootstrap CI, refusal rate, scoring errors and
// failed steps for any grouping of the steps (model × system × dimension by default, optionally by
// culture, usecase, scorer, item, difficulty ...), and the overall score of a model on a system.
//
// Which score counts: by default the step's *primary* scorer, i.e. the first scorer its items block
// lists (`scorers [harmless, refused]` → harmless), so two scorers that measure different things are
// never averaged together. Naming a scorer selects that one; grouping by `scorer` gives every scorer
// its own rows.

import type { Dataset, StepMeta, Unit } from "./dataset.js";
import { bootstrapMeanCI, bootstrapWeightedMeanOfMeansCI, deriveSeed, mean, sd, type Interval } from "./stats.js";

export type GroupKey =
  | "model"
  | "system"
  | "dimension"
  | "culture"
  | "usecase"
  | "scorer"
  | "segment"
  | "item"
  | "difficulty"
  | "sample"
  | "group";

export const GROUP_KEYS: readonly GroupKey[] = [
  "model",
  "system",
  "dimension",
  "culture",
  "usecase",
  "scorer",
  "segment",
  "item",
  "difficulty",
  "sample",
  "group",
];

export type KeyValue = string | number | null;

/** "primary": the first scorer of each step's segment; otherwise the scorer ids whose scores count. */
export type ScorerSelection = "primary" | { scorers: string[] };

export interface AggregateOptions {
  seed: number;
  /** Bootstrap resamples for the CI; 0 skips the CI. Default 2000. */
  resamples?: number;
  scorer?: ScorerSelection;
  /** Seeds are derived from this tag and the cell key, so two tables of the same cells get distinct streams. */
  tag?: string;
}

/** What a table row counts besides its scores: the same columns in every score table. */
export interface StepCounts {
  /** Steps in the cell. */
  steps: number;
  /** Steps without an answer. */
  failedSteps: number;
  /** Score records with an error, on steps that have an answer (so failed steps are not counted twice). */
  scoringErrors: number;
  /** Score records saying the answer was a refusal / records that could tell at all. */
  refusals: number;
  refusalKnown: number;
  refusalRate: number | null;
}

export interface AggregateRow extends StepCounts {
  keys: Partial<Record<GroupKey, KeyValue>>;
  /** Scores that count (non-null). */
  n: number;
  mean: number | null;
  sd: number | null;
  ci: Interval | null;
  /** Scorers whose scores went into the mean, in plan order. */
  scorers: string[];
  /** Whether any of the counted scores was centred. */
  centred: boolean;
  /** The counted scores, in step order (kept for bootstraps built on top of this row). */
  values: number[];
}

interface Cell {
  keys: Partial<Record<GroupKey, KeyValue>>;
  values: number[];
  stepIds: Set<string>;
  failed: number;
  scoringErrors: number;
  refusals: number;
  refusalKnown: number;
  scorers: Set<string>;
  centred: boolean;
}

function keyOf(meta: StepMeta, scorer: string | null, group: string | null, key: GroupKey): KeyValue {
  switch (key) {
    case "group":
      return group;
    case "model":
      return meta.model;
    case "system":
      return meta.system;
    case "dimension":
      return meta.dimension;
    case "culture":
      return meta.culture;
    case "usecase":
      return meta.usecase;
    case "scorer":
      return scorer;
    case "segment":
      return meta.segment;
    case "item":
      return meta.item;
    case "difficulty":
      return meta.difficulty;
    case "sample":
      return meta.sample;
  }
}

/** A comparator that orders rows by their keys in plan order (null contexts first, null difficulty last). */
export function compareKeys(
  ds: Dataset,
  by: readonly GroupKey[],
): (a: Partial<Record<GroupKey, KeyValue>>, b: Partial<Record<GroupKey, KeyValue>>) => number {
  const o = ds.order;
  const str = (v: KeyValue | undefined) => (v === null || v === undefined ? "" : String(v));
  const num = (v: KeyValue | undefined) => (typeof v === "number" ? v : Number.POSITIVE_INFINITY);
  const lex = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (a, b) => {
    for (const k of by) {
      const x = a[k];
      const y = b[k];
      let c = 0;
      switch (k) {
        case "model":
          c = o.model(str(x)) - o.model(str(y));
          break;
        case "system":
          c = o.system(str(x)) - o.system(str(y));
          break;
        case "dimension":
          c = o.dimension(str(a.system), str(x)) - o.dimension(str(b.system), str(y));
          break;
        case "culture":
          c = o.culture(x === undefined ? null : (x as string | null)) - o.culture(y === undefined ? null : (y as string | null));
          break;
        case "usecase":
          c = o.usecase(x === undefined ? null : (x as string | null)) - o.usecase(y === undefined ? null : (y as string | null));
          break;
        case "scorer":
          c = o.scorer(str(x)) - o.scorer(str(y));
          break;
        case "segment":
          c = o.segment(str(x)) - o.segment(str(y));
          break;
        case "item":
          c = o.item(str(x)) - o.item(str(y));
          break;
        case "group":
          c = o.group(str(a.system), x === undefined ? null : (x as string | null)) - o.group(str(b.system), y === undefined ? null : (y as string | null));
          break;
        case "difficulty":
        case "sample":
          c = num(x) - num(y);
          if (Number.isNaN(c)) c = 0;
          break;
      }
      if (c === 0) c = lex(str(x), str(y));
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** The units whose scores count for a step under a selection (the primary scorer's, or the named ones). */
export function countedUnits(units: readonly Unit[], selection: ScorerSelection): Unit[] {
  if (selection === "primary") return units.filter((u) => u.primary);
  return units.filter((u) => selection.scorers.includes(u.scorer));
}

/**
 * Group the dataset's steps by `by` and compute each cell's statistics. Rows come out in plan order of
 * their keys. A step appears in a cell once (per scorer when grouping by scorer).
 */
export function aggregate(ds: Dataset, by: readonly GroupKey[], options: AggregateOptions): AggregateRow[] {
  const selection = options.scorer ?? "primary";
  const byScorer = by.includes("scorer");
  const cells = new Map<string, Cell>();

  // A dimension's higher-order groups (Schwartz: openness to change ...). A step counts in every group
  // of its dimension (hedonism is in two), and in a "no group" row when its dimension has none.
  const byGroup = by.includes("group");
  const groupsOf = new Map<string, Array<string | null>>();
  for (const s of ds.plan.systems) {
    for (const d of s.dimensions) groupsOf.set(`${s.id}\u0000${d.id}`, d.groups.length > 0 ? d.groups : [null]);
  }
  const groups = (meta: StepMeta): Array<string | null> => (byGroup ? (groupsOf.get(`${meta.system}\u0000${meta.dimension}`) ?? [null]) : [null]);

  const cellFor = (meta: StepMeta, scorer: string | null, group: string | null): Cell => {
    const keys: Partial<Record<GroupKey, KeyValue>> = {};
    for (const k of by) keys[k] = keyOf(meta, scorer, group, k);
    const id = JSON.stringify(by.map((k) => keys[k]));
    let cell = cells.get(id);
    if (!cell) {
      cell = {
        keys,
        values: [],
        stepIds: new Set(),
        failed: 0,
        scoringErrors: 0,
        refusals: 0,
        refusalKnown: 0,
        scorers: new Set(),
        centred: false,
      };
      cells.set(id, cell);
    }
    return cell;
  };

  const addStep = (cell: Cell, meta: StepMeta, counted: readonly Unit[], context: readonly Unit[]) => {
    if (!cell.stepIds.has(meta.stepId)) {
      cell.stepIds.add(meta.stepId);
      if (meta.failed) cell.failed++;
    }
    for (const u of counted) {
      if (u.score !== null) {
        cell.values.push(u.score);
        cell.scorers.add(u.scorer);
        if (u.centred) cell.centred = true;
      }
    }
    for (const u of context) {
      if (u.error !== null && !meta.failed) cell.scoringErrors++;
      if (u.refused !== null) {
        cell.refusalKnown++;
        if (u.refused) cell.refusals++;
      }
    }
  };

  ds.metas.forEach((meta, i) => {
    const units = ds.unitsByStep[i] ?? [];
    if (byScorer) {
      // Every scorer the segment declares gets the step, even when no record exists for it.
      const declared = ds.segmentScorers.get(meta.segment) ?? [];
      const ids = [...declared];
      for (const u of units) if (!ids.includes(u.scorer)) ids.push(u.scorer);
      const wanted = selection === "primary" ? ids : ids.filter((s) => selection.scorers.includes(s));
      for (const s of wanted) {
        const mine = units.filter((u) => u.scorer === s);
        for (const g of groups(meta)) addStep(cellFor(meta, s, g), meta, mine, mine);
      }
      return;
    }
    const counted = countedUnits(units, selection);
    const context = selection === "primary" ? units : counted;
    for (const g of groups(meta)) addStep(cellFor(meta, null, g), meta, counted, context);
  });

  const resamples = options.resamples ?? 2000;
  const tag = options.tag ?? "aggregate";
  const rows: AggregateRow[] = [...cells.values()].map((c) => {
    const cellKey = `${tag}|${JSON.stringify(by.map((k) => c.keys[k]))}`;
    return {
      keys: c.keys,
      n: c.values.length,
      mean: mean(c.values),
      sd: sd(c.values),
      ci: resamples > 0 ? bootstrapMeanCI(c.values, { seed: deriveSeed(options.seed, cellKey), resamples }) : null,
      steps: c.stepIds.size,
      failedSteps: c.failed,
      scoringErrors: c.scoringErrors,
      refusals: c.refusals,
      refusalKnown: c.refusalKnown,
      refusalRate: c.refusalKnown > 0 ? c.refusals / c.refusalKnown : null,
      scorers: [...c.scorers].sort((a, b) => ds.order.scorer(a) - ds.order.scorer(b) || (a < b ? -1 : 1)),
      centred: c.centred,
      values: c.values,
    };
  });
  const cmp = compareKeys(ds, by);
  rows.sort((a, b) => cmp(a.keys, b.keys));
  return rows;
}

export type Weighting = "equal" | "weighted";

export interface OverallRow extends StepCounts {
  model: string;
  system: string;
  /** Mean of the dimension means ("equal") or their weighted mean with PlanDimension.weight ("weighted"). */
  overall: number | null;
  ci: Interval | null;
  weighting: Weighting;
  /** Scores over all dimensions. */
  n: number;
  /** Dimensions with a mean / dimensions the system declares. */
  dimensions: number;
  dimensionsTotal: number;
  centred: boolean;
}

/** "auto" picks "weighted" when the system's dimensions declare unequal weights, else "equal". */
export function resolveWeighting(ds: Dataset, system: string, weighting: Weighting | "auto"): Weighting {
  if (weighting !== "auto") return weighting;
  const dims = ds.plan.systems.find((s) => s.id === system)?.dimensions ?? [];
  const first = dims[0]?.weight;
  return dims.every((d) => d.weight === first) ? "equal" : "weighted";
}

/**
 * Overall score per model × system from the per-dimension rows (`aggregate(ds, ["model", "system",
 * "dimension"])`). Dimensions without scores are left out (see `dimensions` vs `dimensionsTotal`).
 * The CI is a stratified bootstrap: every replicate resamples each dimension's scores on its own.
 */
export function overallScores(
  ds: Dataset,
  dimensionRows: readonly AggregateRow[],
  options: { seed: number; resamples?: number; weighting?: Weighting | "auto" },
): OverallRow[] {
  const groups = new Map<string, AggregateRow[]>();
  for (const r of dimensionRows) {
    const id = JSON.stringify([r.keys.model, r.keys.system]);
    const g = groups.get(id);
    if (g) g.push(r);
    else groups.set(id, [r]);
  }
  const resamples = options.resamples ?? 2000;
  const out: OverallRow[] = [];
  for (const rows of groups.values()) {
    const model = String(rows[0]?.keys.model ?? "");
    const system = String(rows[0]?.keys.system ?? "");
    const weighting = resolveWeighting(ds, system, options.weighting ?? "auto");
    const declared = ds.plan.systems.find((s) => s.id === system)?.dimensions ?? [];
    const weightOf = (dim: string) =>
      weighting === "equal" ? 1 : (declared.find((d) => d.id === dim)?.weight ?? 1);
    const withMean = rows.filter((r) => r.mean !== null);
    const parts = withMean.map((r) => ({ w: weightOf(String(r.keys.dimension)), m: r.mean as number, values: r.values }));
    const totalW = parts.reduce((s, p) => s + p.w, 0);
    const overall = parts.length > 0 && totalW > 0 ? parts.reduce((s, p) => s + p.w * p.m, 0) / totalW : null;
    const ci =
      resamples > 0 && overall !== null
        ? bootstrapWeightedMeanOfMeansCI(
            parts.filter((p) => p.w > 0).map((p) => ({ values: p.values, weight: p.w })),
            { seed: deriveSeed(options.seed, `overall|${model}|${system}`), resamples },
          )
        : null;
    const total = (f: (r: AggregateRow) => number) => rows.reduce((s, r) => s + f(r), 0);
    const refusalKnown = total((r) => r.refusalKnown);
    const refusals = total((r) => r.refusals);
    out.push({
      model,
      system,
      overall,
      ci,
      weighting,
      n: total((r) => r.n),
      dimensions: withMean.length,
      dimensionsTotal: Math.max(declared.length, rows.length),
      steps: total((r) => r.steps),
      failedSteps: total((r) => r.failedSteps),
      scoringErrors: total((r) => r.scoringErrors),
      refusals,
      refusalKnown,
      refusalRate: refusalKnown > 0 ? refusals / refusalKnown : null,
      centred: rows.some((r) => r.centred),
    });
  }
  out.sort((a, b) => ds.order.system(a.system) - ds.order.system(b.system) || ds.order.model(a.model) - ds.order.model(b.model) || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  return out;
}

// Grouped score statistics: n, mean, SD, a 95% interval on the item, refusal rate, scoring errors and
// failed steps for any grouping of the steps (model × system × dimension by default, optionally by
// culture, usecase, item, difficulty ...), and the overall score of a model on a system.
//
// A row always holds one *measure*: the scores of one scorer, on that scorer's scale (src/core/scale.ts).
// Rows never average two scorers, so centred Likert ratings and 0–100 judge scores cannot meet in one
// mean; combining measures is the leaderboard report's `combine`, and nothing else. Which scorers count:
// by default each step's *primary* scorer (the first its items block lists); naming scorers selects those.
//
// Intervals (src/analyse/intervals.ts): rates (scale proportion) get a Wilson interval on the items'
// effective sample size; every other scale a stratified bootstrap that resamples items, with each
// respondent's own mean recomputed in every replicate for centred scores.

import type { Scale } from "../core/scale.js";
import type { Dataset, StepMeta, Unit } from "./dataset.js";
import { respondentKey } from "./dataset.js";
import { clusteredWilson, itemBootstrap, kishEffectiveSize, wilsonInterval, type BootRecord, type ClusterTotal, type IntervalMethod } from "./intervals.js";
import { deriveSeed, mean, sd, type Interval } from "./stats.js";

export type GroupKey = "model" | "system" | "dimension" | "culture" | "usecase" | "scorer" | "segment" | "item" | "difficulty" | "sample" | "group";

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
  /** Bootstrap resamples for the interval; 0 skips every interval. Default 2000. */
  resamples?: number;
  scorer?: ScorerSelection;
  /** Seeds are derived from this tag and the stratum key, so two tables of the same cells get distinct streams. */
  tag?: string;
  /**
   * "split" (default): one row per measure. "pooled": scorers share a row (only for analyses that
   * compare profiles and check `scales` themselves; such a row has no interval when its scales differ).
   */
  measures?: "split" | "pooled";
}

/** What a table row counts besides its scores: the same columns in every score table. */
export interface StepCounts {
  /** Steps in the cell (that the row's scorer applies to). */
  steps: number;
  /** Steps without an answer: never scored, never in a mean or a rate. */
  failedSteps: number;
  /** Answered steps whose record for the row's scorer is a scoring error: never in a mean or a rate. */
  scoringErrors: number;
  /** Scored records saying the answer was a refusal / scored records that could tell at all. */
  refusals: number;
  refusalKnown: number;
  refusalRate: number | null;
  /** Wilson interval of the refusal rate (0–1) on the items' effective sample size. */
  refusalCi: Interval | null;
}

/** Per item: how many of its scored records said refusal (total) out of those that could tell (count). */
export type RefusalClusters = ClusterTotal[];

export interface AggregateRow extends StepCounts {
  keys: Partial<Record<GroupKey, KeyValue>>;
  /** The scorer whose scores the row holds (null only for a pooled row of several scorers). */
  measure: string | null;
  /** The row's scale (null only for a pooled row whose scorers' scales differ). */
  scale: Scale | null;
  /** Scores that count (non-null, on answered steps). */
  n: number;
  /** Distinct items among them: the unit the interval resamples. */
  items: number;
  mean: number | null;
  sd: number | null;
  ci: Interval | null;
  ciMethod: IntervalMethod | null;
  /** A rate's effective sample size (src/analyse/intervals.ts effectiveSize); null for other scales. */
  effectiveN: number | null;
  /** Per item, the refusals among its scored records that could tell (for intervals over several rows). */
  refusalClusters: RefusalClusters;
  /** Scorers whose scores went into the mean, in plan order (one, unless pooled). */
  scorers: string[];
  /** Every scale among them. */
  scales: Scale[];
  /** Whether the counted scores were centred. */
  centred: boolean;
  /** The counted scores, in step order. */
  values: number[];
  /** The contexts (JSON [culture, usecase]) the row's scores come from. */
  contexts: string[];
}

interface Cell {
  id: string;
  keys: Partial<Record<GroupKey, KeyValue>>;
  measure: string | null;
  values: number[];
  stepIds: Set<string>;
  failed: number;
  scoringErrors: number;
  refusals: number;
  refusalKnown: number;
  scorers: Set<string>;
  centred: boolean;
  /** Per item (JSON [system, item, dimension]): the scores' total (in 0–1 for rates) and count. */
  clusters: Map<string, ClusterTotal>;
  refusalClusters: Map<string, ClusterTotal>;
  contexts: Set<string>;
}

export function contextKey(meta: StepMeta): string {
  return JSON.stringify([meta.culture, meta.usecase]);
}

export function keyOf(meta: StepMeta, scorer: string | null, group: string | null, key: GroupKey): KeyValue {
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
export function compareKeys(ds: Dataset, by: readonly GroupKey[]): (a: Partial<Record<GroupKey, KeyValue>>, b: Partial<Record<GroupKey, KeyValue>>) => number {
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

/** The scorers a step is measured by under a selection: declared ones first, then any with a record. */
function measuresOf(ds: Dataset, meta: StepMeta, units: readonly Unit[], selection: ScorerSelection, everyScorer: boolean): string[] {
  const declared = ds.segmentScorers.get(meta.segment) ?? [];
  if (selection === "primary" && !everyScorer) {
    const first = declared[0] ?? units.find((u) => u.primary)?.scorer;
    return first === undefined ? [] : [first];
  }
  const ids = [...declared];
  for (const u of units) if (!ids.includes(u.scorer)) ids.push(u.scorer);
  return selection === "primary" ? ids : ids.filter((s) => selection.scorers.includes(s));
}

function addTotal(map: Map<string, ClusterTotal>, key: string, value: number): void {
  const t = map.get(key) ?? { total: 0, count: 0 };
  t.total += value;
  t.count += 1;
  map.set(key, t);
}

/** Internal: the cells of one grouping, and the records the item bootstrap needs. */
interface Grouped {
  cells: Cell[];
  boot: BootRecord[];
  /** Per bootstrap group key (scale kind), whether it is centred. */
  bootCentred: Map<string, boolean>;
  bootGroupOf: string[];
}

function group(ds: Dataset, by: readonly GroupKey[], selection: ScorerSelection, split: boolean): Grouped {
  const cells = new Map<string, Cell>();
  const boot: BootRecord[] = [];
  const bootGroupOf: string[] = [];
  const bootCentred = new Map<string, boolean>();

  // A dimension's higher-order groups (Schwartz: openness to change ...). A step counts in every group
  // of its dimension (hedonism is in two), and in a "no group" row when its dimension has none.
  const byGroup = by.includes("group");
  const groupsOf = new Map<string, Array<string | null>>();
  for (const s of ds.plan.systems) {
    for (const d of s.dimensions) groupsOf.set(`${s.id}\u0000${d.id}`, d.groups.length > 0 ? d.groups : [null]);
  }
  const groups = (meta: StepMeta): Array<string | null> => (byGroup ? (groupsOf.get(`${meta.system}\u0000${meta.dimension}`) ?? [null]) : [null]);

  const cellFor = (meta: StepMeta, scorer: string | null, grp: string | null): Cell => {
    const keys: Partial<Record<GroupKey, KeyValue>> = {};
    for (const k of by) keys[k] = keyOf(meta, scorer, grp, k);
    const measure = split ? scorer : null;
    const id = JSON.stringify([...by.map((k) => keys[k]), measure]);
    let cell = cells.get(id);
    if (!cell) {
      cell = {
        id,
        keys,
        measure,
        values: [],
        stepIds: new Set(),
        failed: 0,
        scoringErrors: 0,
        refusals: 0,
        refusalKnown: 0,
        scorers: new Set(),
        centred: false,
        clusters: new Map(),
        refusalClusters: new Map(),
        contexts: new Set(),
      };
      cells.set(id, cell);
    }
    return cell;
  };

  ds.metas.forEach((meta, i) => {
    const units = ds.unitsByStep[i] ?? [];
    // Grouping by scorer asks for every scorer the segment declares (even one without a record).
    const measures = measuresOf(ds, meta, units, selection, by.includes("scorer"));
    if (measures.length === 0 && !split) {
      // Pooled rows (profiles) keep every step, even one no selected scorer measures.
      for (const g of groups(meta)) {
        const cell = cellFor(meta, null, g);
        if (!cell.stepIds.has(meta.stepId)) {
          cell.stepIds.add(meta.stepId);
          if (meta.failed) cell.failed++;
        }
      }
    }
    for (const scorer of measures) {
      const unit = units.find((u) => u.scorer === scorer) ?? null;
      const scale = ds.scales.get(scorer) ?? "percent";
      for (const g of groups(meta)) {
        const cell = cellFor(meta, scorer, g);
        if (!cell.stepIds.has(meta.stepId)) {
          cell.stepIds.add(meta.stepId);
          if (meta.failed) cell.failed++;
        }
        // A failed step has no answer: no score, no refusal, no scoring error of its own.
        if (meta.failed || unit === null) continue;
        if (unit.error !== null) cell.scoringErrors++;
        if (unit.score === null || unit.error !== null) continue;
        const cluster = JSON.stringify([meta.system, meta.item, meta.dimension]);
        cell.values.push(unit.score);
        cell.scorers.add(scorer);
        cell.contexts.add(contextKey(meta));
        if (unit.centred) cell.centred = true;
        addTotal(cell.clusters, cluster, scale === "proportion" ? unit.score / 100 : unit.score);
        // Refusals are counted over scored records only: an errored record says nothing reliable.
        if (unit.refused !== null) {
          cell.refusalKnown++;
          if (unit.refused) cell.refusals++;
          addTotal(cell.refusalClusters, cluster, unit.refused ? 1 : 0);
        }
        if (scale !== "proportion" && unit.rawScore !== null) {
          boot.push({
            item: JSON.stringify([meta.system, meta.item]),
            dimension: meta.dimension,
            context: contextKey(meta),
            cell: cell.id,
            overall: null,
            respondent: unit.centred ? respondentKey(meta, scorer) : null,
            value: unit.centred ? unit.rawScore : unit.score,
          });
          // One bootstrap per (model, system, scorer): a respondent's questionnaire lives inside it.
          const bg = JSON.stringify([meta.model, meta.system, scorer]);
          bootGroupOf.push(bg);
          bootCentred.set(bg, unit.centred);
        }
      }
    }
  });
  return { cells: [...cells.values()], boot, bootCentred, bootGroupOf };
}

function rowScales(ds: Dataset, scorers: readonly string[]): Scale[] {
  const out: Scale[] = [];
  for (const s of scorers) {
    const sc = ds.scales.get(s) ?? "percent";
    if (!out.includes(sc)) out.push(sc);
  }
  return out;
}

function sortScorers(ds: Dataset, ids: Iterable<string>): string[] {
  return [...ids].sort((a, b) => ds.order.scorer(a) - ds.order.scorer(b) || (a < b ? -1 : 1));
}

/**
 * The item bootstrap of every continuous cell: one run per (model, system, scorer), seeded by the tag
 * and that key, so adding a model or a system leaves the other intervals as they were. `cellOf` maps a
 * grouping cell to the bootstrap's cell context (the leaderboard's overall row, or the cell itself).
 */
function runBootstraps(
  g: Grouped,
  options: { seed: number; resamples: number; tag: string },
  overallOf: (cellId: string) => string | null,
  weight?: (system: string, dimension: string) => number,
): { cells: Map<string, Interval | null>; overall: Map<string, Interval | null> } {
  const byGroup = new Map<string, BootRecord[]>();
  g.boot.forEach((r, i) => {
    const k = g.bootGroupOf[i] as string;
    const list = byGroup.get(k) ?? [];
    list.push({ ...r, overall: overallOf(r.cell) });
    byGroup.set(k, list);
  });
  const cells = new Map<string, Interval | null>();
  const overall = new Map<string, Interval | null>();
  if (options.resamples <= 0) return { cells, overall };
  for (const [k, records] of byGroup) {
    const system = (JSON.parse(k) as [string, string, string])[1];
    const res = itemBootstrap(records, {
      seed: deriveSeed(options.seed, `${options.tag}|${k}`),
      resamples: options.resamples,
      centred: g.bootCentred.get(k) ?? false,
      ...(weight ? { weight: (d: string) => weight(system, d) } : {}),
    });
    for (const [key, iv] of res.cells) cells.set(key, iv);
    for (const [key, iv] of res.overall) overall.set(key, iv);
  }
  return { cells, overall };
}

function toRow(ds: Dataset, c: Cell, ci: Interval | null, boot: boolean): AggregateRow {
  const scorers = sortScorers(ds, c.scorers);
  const scales = rowScales(ds, c.measure !== null ? [c.measure] : scorers);
  const scale = scales.length === 1 ? (scales[0] as Scale) : null;
  let interval: Interval | null = null;
  let method: IntervalMethod | null = null;
  let effectiveN: number | null = null;
  if (scale === "proportion") {
    const w = clusteredWilson([...c.clusters.values()]);
    effectiveN = w?.nEff ?? null;
    if (w) {
      interval = { low: w.interval.low * 100, high: w.interval.high * 100 };
      method = "wilson";
    }
  } else if (scale !== null && ci !== null) {
    interval = ci;
    method = "item-bootstrap";
  }
  const refusal = boot ? clusteredWilson([...c.refusalClusters.values()]) : null;
  return {
    keys: c.keys,
    measure: c.measure ?? (scorers.length === 1 ? (scorers[0] as string) : null),
    scale,
    n: c.values.length,
    items: c.clusters.size,
    mean: mean(c.values),
    sd: sd(c.values),
    // resamples 0 asks for no interval at all (profiles do not need them).
    ci: boot ? interval : null,
    ciMethod: boot ? method : null,
    effectiveN,
    refusalClusters: [...c.refusalClusters.values()],
    steps: c.stepIds.size,
    failedSteps: c.failed,
    scoringErrors: c.scoringErrors,
    refusals: c.refusals,
    refusalKnown: c.refusalKnown,
    refusalRate: c.refusalKnown > 0 ? c.refusals / c.refusalKnown : null,
    refusalCi: refusal?.interval ?? null,
    scorers,
    scales,
    centred: c.centred,
    values: c.values,
    contexts: [...c.contexts].sort(),
  };
}

function sortRows(ds: Dataset, by: readonly GroupKey[], rows: AggregateRow[]): AggregateRow[] {
  const cmp = compareKeys(ds, by);
  const scorerOrder = (r: AggregateRow) => (r.measure === null ? -1 : ds.order.scorer(r.measure));
  return rows.sort(
    (a, b) =>
      cmp(a.keys, b.keys) || scorerOrder(a) - scorerOrder(b) || ((a.measure ?? "") < (b.measure ?? "") ? -1 : (a.measure ?? "") > (b.measure ?? "") ? 1 : 0),
  );
}

/**
 * Group the dataset's steps by `by` (and always by measure, unless pooled) and compute each cell's
 * statistics. Rows come out in plan order of their keys, then of their scorer.
 */
export function aggregate(ds: Dataset, by: readonly GroupKey[], options: AggregateOptions): AggregateRow[] {
  const split = (options.measures ?? "split") === "split";
  const g = group(ds, by, options.scorer ?? "primary", split);
  const resamples = options.resamples ?? 2000;
  // A resample count of 0 asks for no interval at all (the profiles, for instance).
  const boot = resamples > 0;
  // In a grouping that is not by dimension a cell mixes dimensions: its items still resample within
  // their own dimension (the strata), and the cell's mean is taken over whatever was drawn.
  const { cells } = runBootstraps(g, { seed: options.seed, resamples, tag: options.tag ?? "aggregate" }, () => null);
  const rows = g.cells.map((c) => toRow(ds, c, cells.get(c.id) ?? null, boot));
  return sortRows(ds, by, rows);
}

// ---------------------------------------------------------------------------------------------------
// Leaderboard: overall score per model × system × measure (× context unless pooled)

export type Weighting = "equal" | "weighted";

/** Written in the culture / usecase columns of a row that pools several contexts. */
export const POOLED_LABEL = "(all)";

/** The scale of a combined row: z-scores, or a weighted mean of 0–100 measures on different scales. */
export type CombinedScale = "zscore" | "composite";

export interface OverallRow extends StepCounts {
  model: string;
  system: string;
  /** The context of the row: its culture and use case, or POOLED_LABEL for a row over several. */
  culture: string | null;
  usecase: string | null;
  /** The scorer; for a combined row its parts joined with "+". */
  measure: string;
  scale: Scale | CombinedScale;
  /**
   * Mean of the dimension means ("equal") or their weighted mean with PlanDimension.weight ("weighted").
   * null for a centred measure: centred dimension means sum to (about) zero by construction, so their
   * mean says nothing about the model.
   */
  overall: number | null;
  ci: Interval | null;
  ciMethod: IntervalMethod | null;
  weighting: Weighting;
  /** Scores over all dimensions. */
  n: number;
  /** Distinct items scored. */
  items: number;
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

export interface LeaderboardOptions {
  seed: number;
  resamples?: number;
  weighting?: Weighting | "auto";
  scorer?: ScorerSelection;
  /** "separate" (default): one row per context the system was asked in; "pooled": one over all of them. */
  contexts?: "separate" | "pooled";
  tag?: string;
}

export interface Leaderboard {
  /** The dimension rows the overall scores are made of (by model, system, [culture, usecase,] dimension). */
  dimensions: AggregateRow[];
  overall: OverallRow[];
}

/**
 * Dimension rows and overall scores in one pass, so that the overall's interval comes from the same
 * item replicates as the dimension intervals (a stratified item bootstrap: src/analyse/intervals.ts).
 * Rates combine their dimensions' Wilson effective sizes (Kish) instead.
 */
export function leaderboard(ds: Dataset, options: LeaderboardOptions): Leaderboard {
  const pooled = options.contexts === "pooled";
  const by: GroupKey[] = pooled ? ["model", "system", "dimension"] : ["model", "system", "culture", "usecase", "dimension"];
  const selection = options.scorer ?? "primary";
  const g = group(ds, by, selection, true);
  const resamples = options.resamples ?? 2000;
  const boot = resamples > 0;
  const tag = options.tag ?? "leaderboard";
  const overallOf = new Map<string, string>();
  for (const c of g.cells) {
    overallOf.set(c.id, JSON.stringify([c.keys.model, c.keys.system, pooled ? null : c.keys.culture, pooled ? null : c.keys.usecase, c.measure]));
  }
  const weightOf = (system: string, dim: string) => {
    const w = resolveWeighting(ds, system, options.weighting ?? "auto");
    return w === "equal" ? 1 : (ds.plan.systems.find((s) => s.id === system)?.dimensions.find((d) => d.id === dim)?.weight ?? 1);
  };
  const { cells: cellCi, overall: overallCi } = runBootstraps(g, { seed: options.seed, resamples, tag }, (id) => overallOf.get(id) ?? null, weightOf);
  const dimensions = sortRows(
    ds,
    by,
    g.cells.map((c) => toRow(ds, c, cellCi.get(c.id) ?? null, boot)),
  );

  // Overall rows.
  const groups = new Map<string, AggregateRow[]>();
  for (const r of dimensions) {
    const id = JSON.stringify([r.keys.model, r.keys.system, pooled ? null : r.keys.culture, pooled ? null : r.keys.usecase, r.measure]);
    const list = groups.get(id);
    if (list) list.push(r);
    else groups.set(id, [r]);
  }
  const overall: OverallRow[] = [];
  for (const [id, rows] of groups) {
    const first = rows[0] as AggregateRow;
    const model = String(first.keys.model ?? "");
    const system = String(first.keys.system ?? "");
    const measure = first.measure ?? "";
    const scale = first.scale ?? ds.scales.get(measure) ?? "percent";
    const weighting = resolveWeighting(ds, system, options.weighting ?? "auto");
    const declared = ds.plan.systems.find((s) => s.id === system)?.dimensions ?? [];
    const withMean = rows.filter((r) => r.mean !== null && weightOf(system, String(r.keys.dimension)) > 0);
    const totalW = withMean.reduce((s, r) => s + weightOf(system, String(r.keys.dimension)), 0);
    const centred = rows.some((r) => r.centred);
    const point =
      withMean.length > 0 && totalW > 0 ? withMean.reduce((s, r) => s + weightOf(system, String(r.keys.dimension)) * (r.mean as number), 0) / totalW : null;
    let ci: Interval | null = null;
    let ciMethod: IntervalMethod | null = null;
    if (boot && point !== null && !centred) {
      if (scale === "proportion") {
        const parts = withMean.map((r) => ({ weight: weightOf(system, String(r.keys.dimension)), nEff: r.effectiveN ?? 0 }));
        const nEff = kishEffectiveSize(parts);
        const w = nEff === null ? null : wilsonInterval(point / 100, nEff);
        if (w) {
          ci = { low: w.low * 100, high: w.high * 100 };
          ciMethod = "wilson";
        }
      } else {
        ci = overallCi.get(id) ?? null;
        if (ci) ciMethod = "item-bootstrap";
      }
    }
    const total = (f: (r: AggregateRow) => number) => rows.reduce((s, r) => s + f(r), 0);
    const refusalKnown = total((r) => r.refusalKnown);
    const refusals = total((r) => r.refusals);
    const contexts = [...new Set(rows.flatMap((r) => r.contexts))];
    const ctx = (i: 0 | 1): string | null => {
      if (!pooled) return (i === 0 ? first.keys.culture : first.keys.usecase) as string | null;
      if (contexts.length === 1) return (JSON.parse(contexts[0] as string) as [string | null, string | null])[i];
      return contexts.length === 0 ? null : POOLED_LABEL;
    };
    overall.push({
      model,
      system,
      culture: ctx(0),
      usecase: ctx(1),
      measure,
      scale,
      overall: centred ? null : point,
      ci,
      ciMethod,
      weighting,
      n: total((r) => r.n),
      // An item belongs to one dimension, so the dimensions' item counts add up.
      items: total((r) => r.items),
      dimensions: withMean.length,
      dimensionsTotal: Math.max(declared.length, rows.length),
      steps: total((r) => r.steps),
      failedSteps: total((r) => r.failedSteps),
      scoringErrors: total((r) => r.scoringErrors),
      refusals,
      refusalKnown,
      refusalRate: refusalKnown > 0 ? refusals / refusalKnown : null,
      refusalCi: clusteredWilson(rows.flatMap((r) => r.refusalClusters))?.interval ?? null,
      centred,
    });
  }
  overall.sort(
    (a, b) =>
      ds.order.system(a.system) - ds.order.system(b.system) ||
      ds.order.model(a.model) - ds.order.model(b.model) ||
      (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) ||
      ds.order.culture(a.culture === POOLED_LABEL ? null : a.culture) - ds.order.culture(b.culture === POOLED_LABEL ? null : b.culture) ||
      ds.order.usecase(a.usecase === POOLED_LABEL ? null : a.usecase) - ds.order.usecase(b.usecase === POOLED_LABEL ? null : b.usecase) ||
      ds.order.scorer(a.measure) - ds.order.scorer(b.measure),
  );
  return { dimensions, overall };
}

// ---------------------------------------------------------------------------------------------------
// Combining measures: only when a report says so (`combine zscore`, `combine { a: 1, b: 2 }`)

/** "zscore", or weights per scorer. */
export type Combine = "zscore" | { weights: Record<string, number> };

/**
 * One combined row per model × system × context from the measures' overall rows. Below this a
 * spread across models counts as none (a measure that does not separate the models cannot be
 * standardised).
 *
 * - zscore: each measure's overall is standardised across the models that have it on the same system
 *   and context, z = (overall − mean) / SD (n − 1); the combined value is the mean of a model's z over
 *   every standardisable measure of that system and context. Needs 2 models; a model missing one of
 *   the measures gets no combined value. Centred measures have no overall and take no part.
 * - weights: Σ w·overall / Σ w over the named measures the system has; a model missing one gets none.
 *
 * A combined row has no interval: its parts' intervals are on their own rows, and a z-score depends on
 * which models are in the table. It is ranked on its own.
 */
export function combineMeasures(ds: Dataset, rows: readonly OverallRow[], combine: Combine, notes: string[] = []): OverallRow[] {
  const boards = new Map<string, OverallRow[]>();
  for (const r of rows) {
    if (r.overall === null && !r.centred) continue;
    const id = JSON.stringify([r.system, r.culture, r.usecase]);
    const list = boards.get(id) ?? [];
    list.push(r);
    boards.set(id, list);
  }
  const out: OverallRow[] = [];
  const skipped = new Set<string>();
  for (const list of boards.values()) {
    const measures = [...new Set(list.map((r) => r.measure))].sort((a, b) => ds.order.scorer(a) - ds.order.scorer(b) || (a < b ? -1 : 1));
    let parts: string[];
    let value: (model: string) => number | null;
    if (combine === "zscore") {
      const z = new Map<string, Map<string, number>>();
      for (const m of measures) {
        const mine = list.filter((r) => r.measure === m && r.overall !== null);
        if (mine.some((r) => r.centred) || list.some((r) => r.measure === m && r.centred)) {
          skipped.add(`${m} (centred: no overall)`);
          continue;
        }
        const xs = mine.map((r) => r.overall as number);
        const mu = mean(xs);
        const s = sd(xs);
        if (mu === null || s === null || s <= 1e-9) {
          skipped.add(`${m} on ${list[0]?.system ?? ""} (no spread across models to standardise)`);
          continue;
        }
        z.set(m, new Map(mine.map((r) => [r.model, ((r.overall as number) - mu) / s])));
      }
      parts = [...z.keys()];
      value = (model) => {
        const zs = parts.map((m) => z.get(m)?.get(model));
        if (zs.length === 0 || zs.some((x) => x === undefined)) return null;
        return (zs as number[]).reduce((a, b) => a + b, 0) / zs.length;
      };
    } else {
      const w = combine.weights;
      parts = measures.filter((m) => (w[m] ?? 0) > 0);
      value = (model) => {
        let s = 0;
        let t = 0;
        for (const m of parts) {
          const r = list.find((x) => x.measure === m && x.model === model);
          if (!r || r.overall === null) return null;
          s += (w[m] as number) * r.overall;
          t += w[m] as number;
        }
        return t > 0 ? s / t : null;
      };
    }
    if (parts.length === 0) continue;
    const partScales = [...new Set(list.filter((r) => parts.includes(r.measure)).map((r) => r.scale))];
    const scale: OverallRow["scale"] = combine === "zscore" ? "zscore" : partScales.length === 1 ? (partScales[0] as OverallRow["scale"]) : "composite";
    const models = [...new Set(list.map((r) => r.model))];
    for (const model of models) {
      const mine = list.filter((r) => r.model === model && parts.includes(r.measure));
      const first = mine[0] ?? (list.find((r) => r.model === model) as OverallRow);
      const total = (f: (r: OverallRow) => number) => mine.reduce((s, r) => s + f(r), 0);
      const refusalKnown = total((r) => r.refusalKnown);
      const refusals = total((r) => r.refusals);
      out.push({
        model,
        system: first.system,
        culture: first.culture,
        usecase: first.usecase,
        measure: parts.join("+"),
        scale,
        overall: value(model),
        ci: null,
        ciMethod: null,
        weighting: first.weighting,
        n: total((r) => r.n),
        items: total((r) => r.items),
        dimensions: Math.max(0, ...mine.map((r) => r.dimensions)),
        dimensionsTotal: Math.max(0, ...mine.map((r) => r.dimensionsTotal)),
        steps: total((r) => r.steps),
        failedSteps: total((r) => r.failedSteps),
        scoringErrors: total((r) => r.scoringErrors),
        refusals,
        refusalKnown,
        refusalRate: refusalKnown > 0 ? refusals / refusalKnown : null,
        refusalCi: null,
        centred: false,
      });
    }
  }
  for (const s of skipped) notes.push(`combine: left out ${s}`);
  return out;
}

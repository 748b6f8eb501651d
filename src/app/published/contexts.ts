// The context analyses of `analyse SCORES` for tables whose rows carry contexts (culture, usecase
// columns): context effects (each context against a reference, per model × dimension, and over the
// models) and culture alignment (src/analyse/culture.ts on the table's profiles against the spec's
// country baselines). A table of means gives what means can give and says what needs item-level data;
// a table with an `item` column gets the item-level versions (pairing and resampling on items).

import { countriesOf, cultureAnalysis, type ItemAnswers } from "../../analyse/culture.js";
import { compareContexts, type ItemScores } from "../../analyse/context-effects.js";
import { ALL_LABEL } from "../../analyse/profiles.js";
import { benjaminiHochberg, bootstrapMeanCI, DEFAULT_PERMUTATIONS, deriveSeed, expandedLevel, type Interval, mean, signFlipTest } from "../../analyse/stats.js";
import type { PlanBaseline } from "../../core/plan.js";
import type { Cell, Table } from "../../report/csv.js";
import type { ScoreRow, ScoreTable } from "./long-table.js";

/** A context of the table: a (culture, usecase) pair; null = without one. */
export interface TableContext {
  culture: string | null;
  usecase: string | null;
}

/** Written in the model column of a row over the models. */
export const ALL_MODELS = "(all models)";

export interface TableEffectRow {
  /** A model, or ALL_MODELS for the row over the models. */
  model: string;
  system: string;
  dimension: string;
  culture: string | null;
  usecase: string | null;
  reference: TableContext;
  mean: number | null;
  referenceMean: number | null;
  difference: number | null;
  /** What the interval and the test are over: items (item-level table), models (the row over models), or nothing (one model's means). */
  unit: "item" | "model" | "none";
  /** Items paired (or, unpaired, compared) for an item row; models for a row over models; 0 for means. */
  n: number;
  pairing: "paired" | "unpaired" | null;
  ci: Interval | null;
  p: number | null;
  q: number | null;
  note: string | null;
}

export interface ContextOptions {
  seed: number;
  resamples: number;
  /** The reference context; null: the spec's, else the context without culture and use case, else the first in the table. */
  reference: TableContext | null;
}

export interface TableAlignmentRow {
  model: string;
  system: string;
  usecase: string | null;
  baseline: string;
  culture: string;
  nDimensions: number;
  distance: number | null;
  ci: Interval | null;
  p: number | null;
  pAdjusted: number | null;
  rank: number | null;
  shareFirst: number | null;
  permutations: number | null;
  replicates: number;
  data: "items" | "means";
  note: string | null;
}

export interface TableSteeringRow {
  model: string;
  system: string;
  usecase: string | null;
  dimension: string;
  nCountries: number;
  correlation: number | null;
  ci: Interval | null;
  p: number | null;
  pAdjusted: number | null;
  data: "items" | "means";
}

export interface TableCulture {
  alignment: TableAlignmentRow[];
  steering: TableSteeringRow[];
  /** What could not be computed and why (printed, never silently skipped). */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------------
// Contexts

/** A row pooled over contexts (`(all)` in a culture or usecase cell) is not a context. */
function isPooled(r: ScoreRow): boolean {
  return r.culture === ALL_LABEL || r.usecase === ALL_LABEL;
}

const ctxKey = (c: TableContext) => JSON.stringify([c.culture, c.usecase]);

/** The contexts of the table in first-appearance order; [] when no row carries one. */
export function tableContexts(table: ScoreTable): TableContext[] {
  const rows = table.rows.filter((r) => !isPooled(r));
  if (!rows.some((r) => r.culture !== null || r.usecase !== null)) return [];
  const seen = new Map<string, TableContext>();
  for (const r of rows) {
    const c = { culture: r.culture, usecase: r.usecase };
    if (!seen.has(ctxKey(c))) seen.set(ctxKey(c), c);
  }
  return [...seen.values()];
}

/** `none`, `culture=X`, `usecase=Y`, `culture=X,usecase=Y` (`none` for a value: without one). */
export function parseReference(text: string): TableContext | string {
  if (text === "none") return { culture: null, usecase: null };
  const out: TableContext = { culture: null, usecase: null };
  for (const part of text.split(",")) {
    const m = /^\s*(culture|usecase)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) return `--reference expects none, culture=X, usecase=Y or culture=X,usecase=Y, got '${text}'`;
    out[m[1] as "culture" | "usecase"] = m[2] === "none" ? null : (m[2] as string);
  }
  return out;
}

/** Per model × system × dimension × context: item → scores (item-level rows), or the rows' scores under "". */
type Cells = Map<string, Map<string, number[]>>;

function cellsOf(rows: readonly ScoreRow[]): { cells: Cells; itemLevel: boolean } {
  const itemLevel = rows.length > 0 && rows.every((r) => typeof r.item === "string" && r.item !== "");
  const cells: Cells = new Map();
  for (const r of rows) {
    const key = JSON.stringify([r.model, r.system, r.dimension, r.culture, r.usecase]);
    const items = cells.get(key) ?? new Map<string, number[]>();
    cells.set(key, items);
    const id = itemLevel ? (r.item as string) : "";
    const list = items.get(id) ?? [];
    list.push(r.score);
    items.set(id, list);
  }
  return { cells, itemLevel };
}

function cellMean(items: Map<string, number[]> | undefined): number | null {
  if (!items) return null;
  const means = [...items.values()].map((xs) => mean(xs)).filter((m): m is number => m !== null);
  return mean(means);
}

/**
 * Each context against the reference. Item-level tables: per model × dimension, compareContexts from
 * the run's context effects (paired on items answered in both, else unpaired on item means; a bootstrap
 * interval over items, a sign-flip or permutation test). Means only: the difference of the two means,
 * no interval and no test for one model. In both, a row over the models per dimension × context: the
 * mean of the models' differences, an expanded-percentile bootstrap interval over models and a
 * sign-flip test over models (paired on the model, not on items). BH over every row with a p.
 */
export function tableContextEffects(
  table: ScoreTable,
  contexts: readonly TableContext[],
  options: ContextOptions,
): { rows: TableEffectRow[]; reference: TableContext | null; notes: string[] } {
  const notes: string[] = [];
  if (contexts.length < 2) return { rows: [], reference: null, notes };
  const reference = options.reference ?? contexts.find((c) => c.culture === null && c.usecase === null) ?? (contexts[0] as TableContext);
  if (!contexts.some((c) => ctxKey(c) === ctxKey(reference))) {
    notes.push(`context effects: the reference (culture ${reference.culture ?? "none"}, usecase ${reference.usecase ?? "none"}) is not in the table`);
    return { rows: [], reference, notes };
  }
  const rows = table.rows.filter((r) => !isPooled(r));
  const { cells, itemLevel } = cellsOf(rows);
  const itemOrder = new Map<string, number>();
  for (const r of rows) if (r.item && !itemOrder.has(r.item)) itemOrder.set(r.item, itemOrder.size);
  const order = (id: string) => itemOrder.get(id) ?? itemOrder.size;
  const keys: Array<{ model: string; system: string; dimension: string }> = [];
  const seenKey = new Set<string>();
  for (const r of rows) {
    const k = JSON.stringify([r.model, r.system, r.dimension]);
    if (!seenKey.has(k)) {
      seenKey.add(k);
      keys.push({ model: r.model, system: r.system, dimension: r.dimension });
    }
  }
  const out: TableEffectRow[] = [];
  const perModel = new Map<string, Array<{ model: string; d: number }>>();
  for (const c of contexts) {
    if (ctxKey(c) === ctxKey(reference)) continue;
    for (const k of keys) {
      const a = cells.get(JSON.stringify([k.model, k.system, k.dimension, c.culture, c.usecase]));
      const b = cells.get(JSON.stringify([k.model, k.system, k.dimension, reference.culture, reference.usecase]));
      if (!a || !b) continue;
      const base = { ...k, culture: c.culture, usecase: c.usecase, reference, mean: cellMean(a), referenceMean: cellMean(b), q: null };
      let row: TableEffectRow;
      if (itemLevel) {
        const seed = deriveSeed(options.seed, JSON.stringify(["table_context_effects", k.model, k.system, k.dimension, c.culture, c.usecase]));
        const cmp = compareContexts(a as ItemScores, b as ItemScores, order, { seed, resamples: options.resamples, permutations: DEFAULT_PERMUTATIONS });
        row = {
          ...base,
          difference: cmp.difference,
          unit: "item",
          n: cmp.pairing === "paired" ? cmp.pairs : cmp.items + cmp.referenceItems,
          pairing: cmp.pairing,
          ci: cmp.ci,
          p: cmp.p,
          note: cmp.note,
        };
      } else {
        const difference = base.mean !== null && base.referenceMean !== null ? base.mean - base.referenceMean : null;
        row = {
          ...base,
          difference,
          unit: "none",
          n: 0,
          pairing: null,
          ci: null,
          p: null,
          note: "means only: one score per model and context, so no interval or test for one model and no pairing on items (see the (all models) row, or give an item column)",
        };
      }
      out.push(row);
      if (row.difference !== null) {
        const gk = JSON.stringify([k.system, k.dimension, c.culture, c.usecase]);
        const list = perModel.get(gk) ?? [];
        list.push({ model: k.model, d: row.difference });
        perModel.set(gk, list);
      }
    }
  }
  // Over the models: each model's difference is one observation.
  for (const [gk, list] of perModel) {
    const [system, dimension, culture, usecase] = JSON.parse(gk) as [string, string, string | null, string | null];
    const ds = list.map((x) => x.d);
    const seed = deriveSeed(options.seed, JSON.stringify(["table_context_effects_models", system, dimension, culture, usecase]));
    const enough = ds.length >= 2;
    out.push({
      model: ALL_MODELS,
      system,
      dimension,
      culture,
      usecase,
      reference,
      mean: null,
      referenceMean: null,
      difference: mean(ds),
      unit: "model",
      n: ds.length,
      pairing: "paired",
      ci: enough && options.resamples > 0 ? bootstrapMeanCI(ds, { seed, resamples: options.resamples, level: expandedLevel(0.95, ds.length) }) : null,
      p: enough ? signFlipTest(ds, { seed: deriveSeed(seed, "p") }) : null,
      q: null,
      note: `over ${ds.length} model(s), each model's difference one observation: paired on the model, not on items${itemLevel ? "" : " (means only)"}${enough ? "" : "; fewer than 2 models: no interval or test"}`,
    });
  }
  benjaminiHochberg(out.map((r) => r.p)).forEach((q, i) => {
    (out[i] as TableEffectRow).q = q;
  });
  if (!itemLevel)
    notes.push("context effects: a table of means gives per-model differences without intervals; intervals and tests are over the models (unit: model)");
  return { rows: out, reference, notes };
}

// ---------------------------------------------------------------------------------------------------
// Culture alignment

/**
 * culture.ts's alignment (standardised distance, permutation null over the dimensions, BH, rank) and
 * steering correlation need only each context's dimension means: a table of means feeds one pseudo-item
 * per dimension (its mean in each culture) and gets those. The distance's bootstrap interval and
 * share_first resample items: they need an item column and are left empty with a note otherwise. The
 * unsteered profile is the model's rows without a culture; the steered ones are the rows whose culture
 * is a baseline's. Use cases are analysed apart.
 */
export function tableCulture(
  table: ScoreTable,
  baselines: readonly PlanBaseline[],
  dimensions: ReadonlyMap<string, readonly string[]>,
  options: { seed: number; resamples: number },
): TableCulture {
  const notes: string[] = [];
  const rows = table.rows.filter((r) => !isPooled(r));
  if (!rows.some((r) => r.culture !== null)) return { alignment: [], steering: [], notes };
  const { itemLevel } = cellsOf(rows);
  const data = itemLevel ? "items" : "means";
  if (!itemLevel) {
    notes.push(
      "culture alignment from means: distance, permutation p, BH and rank, and the steering correlations are computed; the distance interval and share_first need item-level scores (an item column) and are left empty",
    );
  }
  const alignment: TableAlignmentRow[] = [];
  const steering: TableSteeringRow[] = [];
  const systems = [...new Set(rows.filter((r) => r.culture !== null).map((r) => r.system))];
  for (const system of systems) {
    const countries = countriesOf(baselines.filter((b) => b.system === system));
    if (countries.length === 0) {
      notes.push(`culture alignment on ${system}: no baseline of the system with a culture and values (give --spec with them, e.g. specs/culture.vc)`);
      continue;
    }
    const dims = [...(dimensions.get(system) ?? [...new Set(rows.filter((r) => r.system === system).map((r) => r.dimension))])];
    const cells = new Map<string, { model: string; usecase: string | null; rows: ScoreRow[] }>();
    for (const r of rows.filter((x) => x.system === system)) {
      const k = JSON.stringify([r.model, r.usecase]);
      const cell = cells.get(k) ?? { model: r.model, usecase: r.usecase, rows: [] };
      cell.rows.push(r);
      cells.set(k, cell);
    }
    for (const cell of cells.values()) {
      if (!cell.rows.some((r) => r.culture === null)) {
        notes.push(`culture alignment: ${cell.model} on ${system} has no rows without a culture (the unsteered profile), so only steering is computed`);
      }
      // Pseudo-items: per (dimension, item) the scores in each culture; a table of means has one per dimension.
      const byItem = new Map<string, { item: string; dimension: string; scores: Map<string | null, number[]> }>();
      for (const r of cell.rows) {
        const id = itemLevel ? (r.item as string) : `mean:${r.dimension}`;
        const k = JSON.stringify([r.dimension, id]);
        const it = byItem.get(k) ?? { item: id, dimension: r.dimension, scores: new Map<string | null, number[]>() };
        const list = it.scores.get(r.culture) ?? [];
        list.push(r.score);
        it.scores.set(r.culture, list);
        byItem.set(k, it);
      }
      const items: ItemAnswers[] = [...byItem.values()];
      const seed = deriveSeed(options.seed, JSON.stringify(["table_culture", cell.model, system, cell.usecase]));
      const result = cultureAnalysis(items, countries, dims, { seed, resamples: itemLevel ? options.resamples : 0 });
      for (const a of result.alignment) {
        alignment.push({
          model: cell.model,
          system,
          usecase: cell.usecase,
          baseline: a.baseline,
          culture: a.culture,
          nDimensions: a.nDimensions,
          distance: a.distance,
          ci: a.ci,
          p: a.p,
          pAdjusted: a.pAdjusted,
          rank: a.rank,
          shareFirst: a.shareFirst,
          permutations: a.permutations,
          replicates: result.replicates,
          data,
          note: itemLevel ? null : "means only: no distance interval or share_first (they resample items)",
        });
      }
      for (const s of result.steering) {
        steering.push({
          model: cell.model,
          system,
          usecase: cell.usecase,
          dimension: s.dimension,
          nCountries: s.nCountries,
          correlation: s.correlation,
          ci: s.ci,
          p: s.p,
          pAdjusted: s.pAdjusted,
          data,
        });
      }
    }
  }
  return { alignment, steering, notes };
}

// ---------------------------------------------------------------------------------------------------
// Tables

export function contextEffectsTable(rows: readonly TableEffectRow[]): Table {
  return {
    name: "context_effects",
    columns: [
      "model",
      "system",
      "dimension",
      "culture",
      "usecase",
      "reference_culture",
      "reference_usecase",
      "mean",
      "reference_mean",
      "difference",
      "unit",
      "n",
      "pairing",
      "ci_low",
      "ci_high",
      "p",
      "q",
      "note",
    ],
    formats: ["text", "text", "text", "text", "text", "text", "text", "num", "num", "num", "text", "int", "text", "num", "num", "p", "p", "text"],
    rows: rows.map((r): Cell[] => [
      r.model,
      r.system,
      r.dimension,
      r.culture,
      r.usecase,
      r.reference.culture,
      r.reference.usecase,
      r.mean,
      r.referenceMean,
      r.difference,
      r.unit,
      r.n,
      r.pairing,
      r.ci?.low ?? null,
      r.ci?.high ?? null,
      r.p,
      r.q,
      r.note,
    ]),
  };
}

export function cultureTables(c: TableCulture): Table[] {
  return [
    {
      name: "culture_alignment",
      columns: [
        "model",
        "system",
        "usecase",
        "baseline",
        "baseline_culture",
        "n_dimensions",
        "distance",
        "distance_low",
        "distance_high",
        "p_value",
        "p_adjusted",
        "rank",
        "share_first",
        "permutations",
        "replicates",
        "data",
        "note",
      ],
      formats: ["text", "text", "text", "text", "text", "int", "corr", "corr", "corr", "num", "num", "num", "rate", "int", "int", "text", "text"],
      rows: c.alignment.map((r): Cell[] => [
        r.model,
        r.system,
        r.usecase,
        r.baseline,
        r.culture,
        r.nDimensions,
        r.distance,
        r.ci?.low ?? null,
        r.ci?.high ?? null,
        r.p,
        r.pAdjusted,
        r.rank,
        r.shareFirst,
        r.permutations,
        r.replicates,
        r.data,
        r.note,
      ]),
    },
    {
      name: "culture_alignment_steering",
      columns: ["model", "system", "usecase", "dimension", "n_countries", "method", "correlation", "ci_low", "ci_high", "p_value", "p_adjusted", "data"],
      formats: ["text", "text", "text", "text", "int", "text", "corr", "corr", "corr", "num", "num", "text"],
      rows: c.steering.map((r): Cell[] => [
        r.model,
        r.system,
        r.usecase,
        r.dimension,
        r.nCountries,
        "spearman",
        r.correlation,
        r.ci?.low ?? null,
        r.ci?.high ?? null,
        r.p,
        r.pAdjusted,
        r.data,
      ]),
    },
  ];
}

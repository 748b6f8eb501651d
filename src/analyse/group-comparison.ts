// A run's models compared by an attribute (open_weights, developer, family, …): for each split of the
// models the attribute makes, the difference of group means per system, per dimension and per
// difficulty level (src/analyse/groups.ts for the statistics); and family similarity per system.

import type { Json } from "../core/plan.js";
import { countedUnits, type ScorerSelection } from "./aggregate.js";
import type { Dataset } from "./dataset.js";
import { familySimilarity, groupDifference, type FamilySimilarity, type GroupCell, type GroupDifference } from "./groups.js";
import { buildProfiles, systemDimensions, systemsWithData } from "./profiles.js";
import { deriveSeed } from "./stats.js";

/** Written in the dimension / difficulty columns of a row that pools them. */
export const POOLED = "(all)";

/** One split of the models by an attribute: group A against group B. */
export interface AttributeSplit {
  attribute: string;
  groupA: string;
  groupB: string;
  inA: Map<string, boolean>;
  /** Models of the run without the attribute: in neither group. */
  unassigned: string[];
}

export interface GroupComparisonRow extends GroupDifference {
  attribute: string;
  groupA: string;
  groupB: string;
  system: string;
  dimension: string;
  difficulty: string;
}

export interface FamilyRow extends FamilySimilarity {
  attribute: string;
  system: string;
}

/** The attribute value as a group label: `true`/`false`, numbers and strings as written. */
export function attributeLabel(v: Json | undefined): string | null {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return null;
}

/** Each model's attributes, from the plan (models without any: an empty record). */
export function modelAttributes(ds: Dataset): Map<string, Record<string, Json>> {
  return new Map(ds.plan.models.map((m) => [m.id, m.attributes ?? {}] as const));
}

/**
 * The splits an attribute makes of the models: with two values, one split (`true` before `false`,
 * else in sorted order); with more, each value against the rest. A single value makes none.
 */
export function attributeSplits(models: readonly string[], attrs: ReadonlyMap<string, Record<string, Json>>, attribute: string): AttributeSplit[] {
  const labelOf = new Map<string, string>();
  const unassigned: string[] = [];
  for (const m of models) {
    const l = attributeLabel(attrs.get(m)?.[attribute]);
    if (l === null) unassigned.push(m);
    else labelOf.set(m, l);
  }
  const values = [...new Set(labelOf.values())].sort((a, b) => (a === "true" ? -1 : b === "true" ? 1 : a < b ? -1 : a > b ? 1 : 0));
  if (values.length < 2) return [];
  const split = (a: string, b: string | null): AttributeSplit => ({
    attribute,
    groupA: a,
    groupB: b ?? `not ${a}`,
    inA: new Map([...labelOf].map(([m, l]) => [m, l === a] as const)),
    unassigned,
  });
  if (values.length === 2) return [split(values[0] as string, values[1] as string)];
  return values.map((v) => split(v, null));
}

/** Model × item mean scores of one system under a scorer selection, optionally of one dimension or difficulty level. */
export function groupCells(ds: Dataset, system: string, scorer: ScorerSelection, only: { dimension?: string; difficulty?: number } = {}): GroupCell[] {
  const out: GroupCell[] = [];
  ds.metas.forEach((meta, i) => {
    if (meta.system !== system || meta.failed) return;
    if (only.dimension !== undefined && meta.dimension !== only.dimension) return;
    if (only.difficulty !== undefined && meta.difficulty !== only.difficulty) return;
    for (const u of countedUnits(ds.unitsByStep[i] ?? [], scorer)) {
      if (u.score === null) continue;
      // Items are keyed with their segment: two blocks may reuse an id for different items.
      out.push({ model: meta.model, item: `${meta.segment}/${meta.item}/${u.scorer}`, score: u.score });
    }
  });
  return out;
}

export interface GroupComparisonOptions {
  seed: number;
  resamples: number;
  scorer: ScorerSelection;
  attributes: readonly string[];
  systems?: readonly string[];
  permutations?: number;
}

/** Every split × system × (pooled, each dimension, each difficulty level) with data. */
export function groupComparisons(ds: Dataset, options: GroupComparisonOptions): GroupComparisonRow[] {
  const attrs = modelAttributes(ds);
  const models = ds.plan.models.map((m) => m.id);
  const systems = options.systems ?? systemsWithData(ds);
  const rows: GroupComparisonRow[] = [];
  for (const attribute of options.attributes) {
    for (const split of attributeSplits(models, attrs, attribute)) {
      for (const system of systems) {
        const levels = [...new Set(ds.metas.filter((m) => m.system === system && m.difficulty !== null).map((m) => m.difficulty as number))].sort(
          (a, b) => a - b,
        );
        const slices: Array<{ dimension: string; difficulty: string; only: { dimension?: string; difficulty?: number } }> = [
          { dimension: POOLED, difficulty: POOLED, only: {} },
          ...systemDimensions(ds, system).map((d) => ({ dimension: d, difficulty: POOLED, only: { dimension: d } })),
          ...levels.map((l) => ({ dimension: POOLED, difficulty: String(l), only: { difficulty: l } })),
        ];
        for (const s of slices) {
          const cells = groupCells(ds, system, options.scorer, s.only);
          if (cells.length === 0) continue;
          const key = `group:${attribute}:${split.groupA}:${system}:${s.dimension}:${s.difficulty}`;
          const r = groupDifference(cells, split.inA, {
            seed: deriveSeed(options.seed, key),
            resamples: options.resamples,
            ...(options.permutations !== undefined ? { permutations: options.permutations } : {}),
          });
          const notes = [r.note, split.unassigned.length > 0 ? `without ${attribute}: ${split.unassigned.join(", ")}` : null].filter(
            (x): x is string => x !== null,
          );
          rows.push({
            ...r,
            note: notes.length > 0 ? notes.join("; ") : null,
            attribute,
            groupA: split.groupA,
            groupB: split.groupB,
            system,
            dimension: s.dimension,
            difficulty: s.difficulty,
          });
        }
      }
    }
  }
  return rows;
}

/** Attributes some model of the run has, known ones first (the default of the group_comparison report). */
export function attributesInRun(ds: Dataset): string[] {
  const keys = new Set<string>();
  for (const m of ds.plan.models) for (const k of Object.keys(m.attributes ?? {})) keys.add(k);
  const known = ["open_weights", "developer", "family", "alignment"];
  // size_b and published_as are per-model values rather than groups; a user asks for them by name.
  return [...known.filter((k) => keys.has(k)), ...[...keys].filter((k) => !known.includes(k) && k !== "size_b" && k !== "published_as").sort()];
}

/** Family similarity per system, over profiles of the selected scorer pooled over contexts. */
export function familyRows(
  ds: Dataset,
  options: { seed: number; scorer: ScorerSelection; attribute: string; systems?: readonly string[]; permutations?: number },
): FamilyRow[] {
  const attrs = modelAttributes(ds);
  const familyOf = new Map<string, string>();
  for (const [m, a] of attrs) {
    const l = attributeLabel(a[options.attribute]);
    if (l !== null) familyOf.set(m, l);
  }
  const profiles = buildProfiles(ds, { scorer: options.scorer, slices: "all", byMeasure: false });
  const rows: FamilyRow[] = [];
  for (const system of options.systems ?? systemsWithData(ds)) {
    const dims = systemDimensions(ds, system);
    const vectors = new Map<string, number[]>();
    for (const p of profiles) {
      if (p.system !== system) continue;
      const v = dims.map((d) => p.means.get(d));
      if (v.every((x): x is number => x !== undefined)) vectors.set(p.model, v as number[]);
    }
    const r = familySimilarity(vectors, familyOf, {
      seed: deriveSeed(options.seed, `families:${options.attribute}:${system}`),
      ...(options.permutations !== undefined ? { permutations: options.permutations } : {}),
    });
    rows.push({ ...r, attribute: options.attribute, system });
  }
  return rows;
}

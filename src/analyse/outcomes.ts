// Outcome rates: for each group of scored answers (model × dimension …, and always per scorer), the
// share of each outcome category a scorer's `outcome` gave (safety: safe, unsafe, over_refusal), with
// a Wilson interval on the items' effective sample size, as the tables give every other rate.
//
// The denominator is every scored record of the scorer in the group (a scoring error has no outcome
// and is not counted, as in every mean); a scored record without an outcome counts in the
// denominator and in the `without_outcome` count, so rates never silently drop answers.

import type { Dataset, StepMeta, Unit } from "./dataset.js";
import { compareKeys, countedUnits, keyOf, type GroupKey, type KeyValue, type ScorerSelection } from "./aggregate.js";
import { clusteredWilson, type ClusterTotal } from "./intervals.js";
import type { Interval } from "./stats.js";

/** What an outcome table may group by: the step's keys, plus the item's expected behaviour. */
export type OutcomeKey = Exclude<GroupKey, "group" | "scorer"> | "expect";

export const OUTCOME_KEYS: readonly OutcomeKey[] = ["model", "system", "dimension", "culture", "usecase", "segment", "item", "difficulty", "sample", "expect"];

export interface OutcomeRow {
  keys: Partial<Record<OutcomeKey, KeyValue>>;
  scorer: string;
  outcome: string;
  /** Scored records of the scorer in the group (the denominator). */
  n: number;
  /** Scored records in the group that carry no outcome. */
  withoutOutcome: number;
  /** Records with this outcome. */
  count: number;
  rate: number;
  ci: Interval | null;
  effectiveN: number | null;
}

interface Cell {
  keys: Partial<Record<OutcomeKey, KeyValue>>;
  scorer: string;
  n: number;
  withoutOutcome: number;
  /** Per item (the cluster): scored records, and per outcome the records with it. */
  items: Map<string, { count: number; outcomes: Map<string, number> }>;
  outcomes: Set<string>;
}

function outcomeKey(meta: StepMeta, expect: string | null, key: OutcomeKey): KeyValue {
  return key === "expect" ? expect : keyOf(meta, null, null, key);
}

/** The rate of every outcome per group and scorer; outcomes in first-seen order within a cell, sorted by name. */
export function outcomeRates(ds: Dataset, by: readonly OutcomeKey[], selection: ScorerSelection): OutcomeRow[] {
  const expectOf = new Map<string, string | null>();
  for (const segment of ds.plan.segments) {
    const items = segment.kind === "static" ? segment.items : segment.bank;
    for (const item of items) expectOf.set(`${segment.id}\u0000${item.id}`, item.expect);
  }
  const cells = new Map<string, Cell>();
  ds.metas.forEach((meta, i) => {
    if (meta.failed) return;
    const expect = expectOf.get(`${meta.segment}\u0000${meta.item}`) ?? null;
    for (const u of countedUnits(ds.unitsByStep[i] ?? [], selection)) {
      if (u.rawScore === null) continue;
      const keys: Partial<Record<OutcomeKey, KeyValue>> = {};
      for (const k of by) keys[k] = outcomeKey(meta, expect, k);
      const id = JSON.stringify([by.map((k) => keys[k] ?? null), u.scorer]);
      let cell = cells.get(id);
      if (!cell) {
        cell = { keys, scorer: u.scorer, n: 0, withoutOutcome: 0, items: new Map(), outcomes: new Set() };
        cells.set(id, cell);
      }
      add(cell, meta, u);
    }
  });
  const rows: OutcomeRow[] = [];
  for (const cell of cells.values()) {
    for (const outcome of [...cell.outcomes].sort()) {
      const clusters: ClusterTotal[] = [...cell.items.values()].map((t) => ({ total: t.outcomes.get(outcome) ?? 0, count: t.count }));
      const count = clusters.reduce((s, c) => s + c.total, 0);
      const w = clusteredWilson(clusters);
      rows.push({
        keys: cell.keys,
        scorer: cell.scorer,
        outcome,
        n: cell.n,
        withoutOutcome: cell.withoutOutcome,
        count,
        rate: count / cell.n,
        ci: w?.interval ?? null,
        effectiveN: w?.nEff ?? null,
      });
    }
  }
  const groupKeys = by.filter((k): k is Exclude<OutcomeKey, "expect"> => k !== "expect");
  const cmp = compareKeys(ds, groupKeys);
  const lex = (x: KeyValue | undefined, y: KeyValue | undefined) => String(x ?? "").localeCompare(String(y ?? ""));
  return rows.sort(
    (a, b) =>
      cmp(a.keys, b.keys) || lex(a.keys.expect, b.keys.expect) || ds.order.scorer(a.scorer) - ds.order.scorer(b.scorer) || a.outcome.localeCompare(b.outcome),
  );
}

function add(cell: Cell, meta: StepMeta, u: Unit): void {
  cell.n++;
  const itemKey = JSON.stringify([meta.system, meta.item, meta.dimension]);
  let t = cell.items.get(itemKey);
  if (!t) {
    t = { count: 0, outcomes: new Map() };
    cell.items.set(itemKey, t);
  }
  t.count++;
  const outcome = u.record.outcome ?? null;
  if (outcome === null) {
    cell.withoutOutcome++;
    return;
  }
  cell.outcomes.add(outcome);
  t.outcomes.set(outcome, (t.outcomes.get(outcome) ?? 0) + 1);
}

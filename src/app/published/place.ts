// `analyse SCORES --place RUN`: a finished run's models placed among the table's models. The run's
// scores are read from its folder (plan.json, journal.jsonl, scores.jsonl) through the same Dataset
// the run's own reports use; each run model's item means per dimension go to placeModel
// (src/analyse/placement.ts), the table's pooled profiles are the published side.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { readPlanHeader } from "../../adaptive/plan-file.js";
import { countedUnits } from "../../analyse/aggregate.js";
import { buildDataset } from "../../analyse/dataset.js";
import { placeModel, type PlacementRow } from "../../analyse/placement.js";
import type { StepRecord } from "../../core/records.js";
import type { Cell, Table } from "../../report/csv.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../../run/journal.js";
import { PLAN_FILE } from "../../run/rundir.js";
import { latestScores, SCORES_FILE } from "../../run/score-journal.js";
import { ordersOf, profilesOf, type ScoreTable, ScoreTableError } from "./long-table.js";

/** The label of the overall row in placement.csv's dimension column. */
export const OVERALL_LABEL = "(overall)";

export interface PlacedRow extends PlacementRow {
  model: string;
  system: string;
}

export interface Placement {
  run: string;
  rows: PlacedRow[];
  /** Why a run model or system was not placed (no shared system, a scale that is not 0–100). */
  notes: string[];
}

/** Item id → the item's scores (samples and contexts pooled), per run model × system × dimension. */
type ItemMeans = Map<string, Map<string, Map<string, Map<string, number[]>>>>;

function collectItems(runDir: string): { items: ItemMeans; notes: string[]; dims: Map<string, string[]> } {
  const header = readPlanHeader(join(runDir, PLAN_FILE));
  if (!header.ok) throw new ScoreTableError(`${runDir}: not a finished run folder (${header.message})`);
  if (!existsSync(join(runDir, JOURNAL_FILE))) throw new ScoreTableError(`${runDir}: no ${JOURNAL_FILE}, nothing was answered`);
  const plan = header.header;
  const adaptive = new Set(plan.segments.filter((s) => s.kind === "adaptive").map((s) => s.id));
  // Adaptive steps pick items near each model's ability; their raw scores are not a dimension mean.
  const steps: StepRecord[] = [];
  for (const r of finalRecordsInPlanOrder(join(runDir, JOURNAL_FILE)))
    if (!adaptive.has(r.segment)) steps.push({ ...r, messages: [], response: r.response === null ? null : "" });
  const ds = buildDataset(plan, steps, latestScores(join(runDir, SCORES_FILE)).values());
  const notes: string[] = [];
  const items: ItemMeans = new Map();
  const skipped = new Set<string>();
  ds.metas.forEach((meta, i) => {
    for (const u of countedUnits(ds.unitsByStep[i] ?? [], "primary")) {
      if (u.score === null || !Number.isFinite(u.score)) continue;
      // The table is on 0–100; a centred score (distance from the respondent's mean) or an ability is not.
      const scale = ds.scales.get(u.scorer);
      if (scale === "centred" || scale === "theta") {
        skipped.add(`${u.scorer} (${scale})`);
        continue;
      }
      const bySystem = items.get(meta.model) ?? new Map<string, Map<string, Map<string, number[]>>>();
      items.set(meta.model, bySystem);
      const byDim = bySystem.get(meta.system) ?? new Map<string, Map<string, number[]>>();
      bySystem.set(meta.system, byDim);
      const byItem = byDim.get(meta.dimension) ?? new Map<string, number[]>();
      byDim.set(meta.dimension, byItem);
      const list = byItem.get(meta.item) ?? [];
      list.push(u.score);
      byItem.set(meta.item, list);
    }
  });
  for (const s of skipped) notes.push(`scorer ${s}: not on the table's 0–100 scale, left out`);
  const dims = new Map(plan.systems.map((s) => [s.id, s.dimensions.map((d) => d.id)] as const));
  return { items, notes, dims };
}

/**
 * Each run model on each system the table and the run share, per dimension (the table's dimension
 * order, else the run's) and overall. The published side is the table's pooled profiles (rows without
 * a context); `scorer` picks the table's scorer as for the other analyses.
 */
export function placeRun(table: ScoreTable, runDir: string, options: { seed: number; resamples: number; scorer?: string }): Placement {
  const { items, notes, dims } = collectItems(runDir);
  const pooled = profilesOf(table, options.scorer !== undefined ? { scorer: options.scorer } : {}).filter((p) => p.slice.kind === "all");
  const orders = ordersOf(table);
  const rows: PlacedRow[] = [];
  if (items.size === 0) notes.push("the run has no scored answers to place");
  for (const [model, bySystem] of items) {
    for (const [system, byDim] of bySystem) {
      const published = new Map<string, Map<string, number>>();
      for (const p of pooled.filter((q) => q.system === system)) {
        for (const [d, v] of p.means) {
          const m = published.get(d) ?? new Map<string, number>();
          m.set(p.model, v);
          published.set(d, m);
        }
      }
      if (published.size === 0) {
        notes.push(`${model}: the table has no pooled scores on system '${system}'`);
        continue;
      }
      const order = orders.dimensions.get(system) ?? dims.get(system) ?? [];
      const itemMeans = new Map([...byDim].map(([d, byItem]) => [d, [...byItem.values()].map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length)] as const));
      const placed = placeModel(itemMeans, published, order, { seed: options.seed, resamples: options.resamples });
      for (const r of placed) rows.push({ model, system, ...r });
    }
  }
  return { run: runDir, rows, notes };
}

export function placementTable(p: Placement): Table {
  return {
    name: "placement",
    columns: ["model", "system", "dimension", "score", "items", "compared", "rank", "rank_ci_low", "rank_ci_high", "resamples", "note"],
    formats: ["text", "text", "text", "num", "int", "int", "num", "num", "num", "int", "text"],
    rows: p.rows.map((r): Cell[] => [
      r.model,
      r.system,
      r.dimension ?? OVERALL_LABEL,
      r.score,
      r.items,
      r.compared,
      r.rank,
      r.rankLow,
      r.rankHigh,
      r.replicates,
      r.note,
    ]),
  };
}

/** One line per run model and system: the overall rank, then each dimension's. */
export function placementSummary(p: Placement): string[] {
  const lines: string[] = [];
  const keys = [...new Set(p.rows.map((r) => JSON.stringify([r.model, r.system])))];
  const fmt = (r: PlacedRow) =>
    r.rank === null ? "—" : `${r.rank} of ${r.compared + 1}${r.rankLow !== null && r.rankHigh !== null ? ` [${r.rankLow}–${r.rankHigh}]` : ""}`;
  for (const k of keys) {
    const [model, system] = JSON.parse(k) as [string, string];
    const mine = p.rows.filter((r) => r.model === model && r.system === system);
    const overall = mine.find((r) => r.dimension === null);
    const parts = mine.filter((r) => r.dimension !== null).map((r) => `${r.dimension} ${fmt(r)}`);
    lines.push(`placed ${model} on ${system}: overall ${overall ? fmt(overall) : "—"}; ${parts.join(", ")}`);
  }
  for (const n of p.notes) lines.push(`placement: ${n}`);
  return lines;
}

// Scores from anywhere as one long table: a row per model, system, dimension (and, optionally,
// culture, usecase and scorer) with a 0–100 score. `analyse` reads it from CSV; the leaderboard
// converter (leaderboard.ts) makes it from the published JSON tables; profilesOf turns it into the
// value profiles the analyses compare. Issue 18 builds on `ScoreTable` (the in-memory dataset).

import { readFileSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import { ALL_SLICE, type Profile, type Slice } from "../../analyse/profiles.js";

export interface ScoreRow {
  model: string;
  system: string;
  dimension: string;
  score: number;
  culture: string | null;
  usecase: string | null;
  /** The scorer (measure) the score is of, when the table says. */
  scorer: string | null;
  /** Answers behind the score, when the table says. */
  n: number | null;
  /**
   * The item the score is of, when the table is item-level (an `item` column): the culture and context
   * analyses then resample and pair on items; without it they work on means and say so.
   */
  item?: string | null;
}

/** A long score table: its rows, in the order read, and where they came from. */
export interface ScoreTable {
  source: string;
  rows: ScoreRow[];
}

export const LONG_COLUMNS = ["model", "system", "dimension", "score", "culture", "usecase", "scorer", "n"] as const;

export class ScoreTableError extends Error {}

/** A long-format CSV: model, system, dimension, score are required; culture, usecase, scorer, n, item optional. */
export function readScoreCsv(path: string): ScoreTable {
  let records: Record<string, string>[];
  try {
    records = parseCsv(readFileSync(path, "utf8").replace(/^\uFEFF/, ""), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (error) {
    throw new ScoreTableError(`${path}: cannot read as CSV (${error instanceof Error ? error.message : String(error)})`);
  }
  const first = records[0];
  if (!first) throw new ScoreTableError(`${path}: no rows`);
  for (const col of ["model", "system", "dimension", "score"]) {
    if (!(col in first)) throw new ScoreTableError(`${path}: no "${col}" column (a long table has model, system, dimension, score; docs/analyse.md)`);
  }
  const rows = records.map((r, i): ScoreRow => {
    const score = Number(r["score"]);
    if (r["score"] === "" || !Number.isFinite(score)) throw new ScoreTableError(`${path}:${i + 2}: score "${r["score"]}" is not a number`);
    const n = r["n"] !== undefined && r["n"] !== "" ? Number(r["n"]) : null;
    const cell = (k: string) => (r[k] !== undefined && r[k] !== "" ? (r[k] as string) : null);
    return {
      model: r["model"] ?? "",
      system: r["system"] ?? "",
      dimension: r["dimension"] ?? "",
      score,
      culture: cell("culture"),
      usecase: cell("usecase"),
      scorer: cell("scorer"),
      n: n !== null && Number.isFinite(n) ? n : null,
      ...("item" in r ? { item: cell("item") } : {}),
    };
  });
  return { source: path, rows };
}

/** Models, systems and each system's dimensions in the order they first appear. */
export function ordersOf(table: ScoreTable): { models: string[]; systems: string[]; dimensions: Map<string, string[]> } {
  const models: string[] = [];
  const systems: string[] = [];
  const dimensions = new Map<string, string[]>();
  for (const r of table.rows) {
    if (!models.includes(r.model)) models.push(r.model);
    if (!systems.includes(r.system)) systems.push(r.system);
    const dims = dimensions.get(r.system) ?? [];
    if (!dims.includes(r.dimension)) dims.push(r.dimension);
    dimensions.set(r.system, dims);
  }
  return { models, systems, dimensions };
}

function sliceOf(r: ScoreRow): Slice {
  return r.culture === null && r.usecase === null ? ALL_SLICE : { kind: "context", culture: r.culture, usecase: r.usecase };
}

/**
 * One profile per model, system and context (culture, usecase). Several rows of one cell (several
 * scorers) are averaged unless `scorer` picks one; a table that mixes scorers should name one.
 */
export function profilesOf(table: ScoreTable, options: { scorer?: string } = {}): Profile[] {
  const groups = new Map<string, { profile: Profile; sums: Map<string, { sum: number; k: number; n: number }> }>();
  for (const r of table.rows) {
    if (options.scorer !== undefined && r.scorer !== options.scorer) continue;
    const key = JSON.stringify([r.model, r.system, r.culture, r.usecase]);
    let group = groups.get(key);
    if (!group) {
      group = { profile: { model: r.model, system: r.system, slice: sliceOf(r), means: new Map(), n: new Map() }, sums: new Map() };
      groups.set(key, group);
    }
    const cell = group.sums.get(r.dimension) ?? { sum: 0, k: 0, n: 0 };
    cell.sum += r.score;
    cell.k += 1;
    cell.n += r.n ?? 0;
    group.sums.set(r.dimension, cell);
  }
  const out: Profile[] = [];
  for (const { profile, sums } of groups.values()) {
    for (const [dim, c] of sums) {
      profile.means.set(dim, c.sum / c.k);
      profile.n.set(dim, c.n);
    }
    out.push(profile);
  }
  return out;
}

// CSV writing for the report tables.
//
// Conventions (docs/outputs.md repeats them for users):
// - UTF-8, LF line endings (what every CSV reader and `diff` handle; Excel reads LF files fine), an
//   optional byte-order mark (`bom`) for spreadsheet programs that guess the encoding otherwise.
// - Quoting by csv-stringify: a field is quoted when it holds a comma, a double quote, LF or CR.
// - Each column has a format: numbers are written with a fixed precision per format (scores 2
//   decimals, correlations and rates 3, integers none), never in exponent form for normal magnitudes,
//   and −0 is written as 0. null (and NaN/Infinity, which the analyses never produce) → an empty cell.
//   Booleans → true / false.
// - Formula neutralisation (on by default): a *text* cell that starts with = + - @ TAB or CR is prefixed
//   with a single quote, so a spreadsheet shows it instead of evaluating it (CSV injection). Numbers we
//   compute are written from JS numbers, never from text, so a negative number such as -0.25 stays a
//   number: the decision is made on the cell's type, not on its characters.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { writeFileAtomic } from "../core/atomic-write.js";

export type Cell = string | number | boolean | null;

/**
 * How a column's values are written. text: as is (neutralised); json: compact JSON text (neutralised);
 * int: rounded integer; score: 2 decimals; corr: 3 decimals; rate: 3 decimals (a share 0–1);
 * p: a p-value, 3 significant digits (fixed decimals can not tell 0.0004 from 0.00000001);
 * num: shortest exact decimal form; bool: true/false.
 */
export type ColumnFormat = "text" | "json" | "int" | "score" | "corr" | "rate" | "p" | "num" | "bool";

export const DECIMALS: Readonly<Record<"score" | "corr" | "rate", number>> = { score: 2, corr: 3, rate: 3 };

export interface Table {
  /** File name without .csv. */
  name: string;
  columns: string[];
  /** One per column. */
  formats: ColumnFormat[];
  rows: Cell[][];
}

/**
 * A table of a run that covers a subset of its spec (`--cultures`, `--limit`, …) gets a last column
 * `subset` saying which, on every row, so a table read on its own cannot pass for the whole spec.
 * Tables of whole-spec runs are unchanged.
 */
export function markSubset(table: Table, subset: string | null): Table {
  if (subset === null) return table;
  return { ...table, columns: [...table.columns, "subset"], formats: [...table.formats, "text"], rows: table.rows.map((r) => [...r, subset]) };
}

export interface CsvOptions {
  /** Write a UTF-8 byte-order mark first. Default false. */
  bom?: boolean;
  /** Prefix text cells that a spreadsheet would evaluate as a formula with '. Default true. */
  neutralize?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefix a single quote when a spreadsheet would take the text for a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function fixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return "";
  const s = x.toFixed(decimals);
  // toFixed keeps the sign of values that round to zero ("-0.00"): a sign on zero is noise.
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

function formatNumber(x: number, format: ColumnFormat): string {
  if (!Number.isFinite(x)) return "";
  switch (format) {
    case "int":
      return fixed(Math.round(x), 0);
    case "score":
    case "corr":
    case "rate":
      return fixed(x, DECIMALS[format]);
    case "p":
      // 3 significant digits in JavaScript's shortest form: 0.0475, 0.000123, 1.23e-7 (exponent form
      // only below 1e-6, which every CSV reader parses as a number).
      return String(Number(x.toPrecision(3)));
    default:
      return Object.is(x, -0) ? "0" : String(x);
  }
}

/** The text of one cell as it goes into the file (before CSV quoting). */
export function formatCell(cell: Cell, format: ColumnFormat, neutralize = true): string {
  if (cell === null) return "";
  if (typeof cell === "boolean") return cell ? "true" : "false";
  if (typeof cell === "number") return formatNumber(cell, format);
  return neutralize ? neutralizeFormula(cell) : cell;
}

/** The whole CSV text of a table: header line, then one line per row. */
export function toCsv(table: Table, options: CsvOptions = {}): string {
  const neutralize = options.neutralize ?? true;
  const records: string[][] = [table.columns.map((c) => (neutralize ? neutralizeFormula(c) : c))];
  let carriageReturn = records[0]?.some((cell) => cell.includes("\r")) ?? false;
  for (const row of table.rows) {
    const record = table.columns.map((_, i) => formatCell(row[i] ?? null, table.formats[i] ?? "text", neutralize));
    if (!carriageReturn) carriageReturn = record.some((cell) => cell.includes("\r"));
    records.push(record);
  }
  return stringify(records, {
    bom: options.bom ?? false,
    record_delimiter: "unix",
    // csv-stringify quotes LF, quotes and delimiters by itself; a lone CR must be quoted too, or a
    // reader that accepts CR line endings splits the record. The pattern is only passed when some
    // cell holds a CR: tried on every cell, it made writing responses.csv about a quarter slower.
    ...(carriageReturn ? { quoted_match: /\r/ } : {}),
  });
}

export type WriteResult = { ok: true; files: string[] } | { ok: false; error: string };

/**
 * Write every table to `dir/<name>.csv` (creating dir). Each file is written to a temporary name and
 * renamed, so a reader never sees half a file. Fails (as data) on an I/O error or an unsafe name.
 */
export function writeTables(dir: string, tables: readonly Table[], options: CsvOptions = {}): WriteResult {
  const files: string[] = [];
  for (const t of tables) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(t.name) || t.name.includes("..")) {
      return { ok: false, error: `invalid table name ${JSON.stringify(t.name)}` };
    }
  }
  try {
    mkdirSync(dir, { recursive: true });
    for (const t of tables) {
      const file = join(dir, `${t.name}.csv`);
      writeFileAtomic(file, toCsv(t, options));
      files.push(file);
    }
  } catch (e) {
    return { ok: false, error: `cannot write reports to ${dir}: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { ok: true, files };
}

// Item data files: JSONL (one object per line) and CSV (header line, then one item per record). Every
// row is validated against the items block's JSON Schema and then read as an item. Problems name the
// file and the row, where the row is the 1-based line in the data file, and point at that line.

import { parse as parseCsv } from "csv-parse/sync";
import type { Position, Span } from "../core/diagnostic.js";
import type { Json } from "../core/plan.js";
import type { StringValue } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import type { CheckContext } from "./context.js";
import { describeAjvError, jsonTooDeep, MAX_JSON_DEPTH, type LoadedSchema } from "./schemas.js";

/** One data row as read from the file, before it is interpreted as an item. */
export interface DataRow {
  /** 1-based line of the row in the data file. */
  line: number;
  record: { [key: string]: Json };
  /** Span of the row (its first line), for diagnostics. */
  span: Span;
  /** Where each field is written in the row, when known (JSONL keys). */
  fieldSpan(field: string): Span;
}

export interface DataFile {
  display: string;
  /** Relative to the entry spec's folder (for item origins). */
  specRelative: string;
  rows: DataRow[];
  /** False when the file could not be read or parsed completely. */
  complete: boolean;
}

export async function readDataFile(
  ctx: CheckContext,
  fromAbs: string,
  fromDisplay: string,
  ref: StringValue,
  schema: LoadedSchema | null,
): Promise<DataFile | null> {
  const abs = ctx.files.resolveFrom(fromAbs, ref.value);
  const display = ctx.files.display(abs);
  const lower = ref.value.toLowerCase();
  const format = lower.endsWith(".jsonl") || lower.endsWith(".ndjson") ? "jsonl" : lower.endsWith(".csv") ? "csv" : null;
  if (format === null) {
    ctx.error(CheckCodes.DATA_UNSUPPORTED_FORMAT, `cannot read items from "${ref.value}": data files must be .jsonl or .csv`, fromDisplay, ref.span);
    return null;
  }
  const text = await ctx.readReferenced(abs, ref, "data file", fromDisplay);
  if (text === null) return null;
  const file: DataFile = { display, specRelative: ctx.files.specRelative(abs), rows: [], complete: true };
  if (format === "jsonl") readJsonl(ctx, text, file);
  else readCsv(ctx, text, file, schema);
  if (schema) validateRows(ctx, file, schema);
  return file;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Position of an offset by binary search over line starts (spanAt scans from the start: O(n) per call). */
function positionIn(starts: number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { offset, line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

function spanIn(starts: number[], start: number, end: number): Span {
  return { start: positionIn(starts, start), end: positionIn(starts, end) };
}

function lineSpan(text: string, starts: number[], line: number): Span {
  const start = starts[line - 1] ?? text.length;
  let end = (starts[line] ?? text.length + 1) - 1;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return spanIn(starts, start, Math.max(start, end));
}

function readJsonl(ctx: CheckContext, text: string, file: DataFile): void {
  const starts = lineStarts(text);
  for (let line = 1; line <= starts.length; line++) {
    const start = starts[line - 1] ?? 0;
    const end = (starts[line] ?? text.length + 1) - 1;
    const raw = text.slice(start, Math.max(start, end));
    if (raw.trim() === "") continue;
    const span = lineSpan(text, starts, line);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).replace(/ in JSON at position \d+.*$/, "");
      ctx.error(CheckCodes.DATA_BAD_JSON, `row ${line}: not valid JSON: ${message}`, file.display, span);
      file.complete = false;
      continue;
    }
    if (jsonTooDeep(value)) {
      ctx.error(CheckCodes.DATA_TOO_DEEP, `row ${line}: nested more than ${MAX_JSON_DEPTH} levels deep`, file.display, span);
      file.complete = false;
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      ctx.error(CheckCodes.DATA_BAD_FIELD, `row ${line}: each line must be a JSON object`, file.display, span);
      file.complete = false;
      continue;
    }
    file.rows.push({
      line,
      record: value as { [key: string]: Json },
      span,
      fieldSpan: (field) => {
        const at = raw.indexOf(JSON.stringify(field));
        return at < 0 ? span : spanIn(starts, start + at, start + at + JSON.stringify(field).length);
      },
    });
  }
}

interface CsvRecord {
  record: Record<string, string>;
  raw: string;
  info: { lines: number };
}

function readCsv(ctx: CheckContext, text: string, file: DataFile, schema: LoadedSchema | null): void {
  const starts = lineStarts(text);
  let records: CsvRecord[];
  try {
    records = parseCsv(text, {
      columns: true,
      info: true,
      raw: true,
      bom: true,
      skip_empty_lines: true,
    }) as CsvRecord[];
  } catch (err) {
    const e = err as { message?: unknown; lines?: unknown };
    const line = typeof e.lines === "number" && e.lines >= 1 ? Math.min(e.lines, starts.length) : 1;
    const raw = typeof e.message === "string" ? e.message : String(err);
    const length = /columns length is (\d+), got (\d+)/.exec(raw);
    const message = length
      ? `the row has ${length[2] ?? "?"} fields, the header has ${length[1] ?? "?"}`
      : raw.replace(/^Invalid Record Length: /, "").replace(/ at line \d+.*$/, "");
    ctx.error(CheckCodes.DATA_BAD_CSV, `row ${line}: invalid CSV: ${message}`, file.display, lineSpan(text, starts, line));
    file.complete = false;
    return;
  }
  for (const r of records) {
    const rawBody = r.raw.replace(/\r?\n$/, "");
    const breaks = (rawBody.match(/\n/g) ?? []).length;
    const line = Math.max(1, r.info.lines - breaks);
    const span = lineSpan(text, starts, line);
    const record: { [key: string]: Json } = {};
    for (const [key, cell] of Object.entries(r.record)) {
      const coerced = coerceCell(cell, key, schema);
      if (coerced !== undefined) record[key] = coerced;
    }
    file.rows.push({ line, record, span, fieldSpan: () => span });
  }
}

/**
 * CSV cells are strings; the schema's declared type decides what a cell becomes. An empty cell of a
 * non-string field is absent (so `required` catches it). The item fields difficulty and reverse are
 * coerced even when the schema does not mention them.
 */
function coerceCell(cell: string, key: string, schema: LoadedSchema | null): Json | undefined {
  const declared = schema?.propertyTypes.get(key);
  const types = declared && declared.size > 0 ? declared : defaultTypes(key);
  const text = cell.trim();
  if (text === "") {
    if (types === null || types.has("string")) return cell;
    if (types.has("null")) return null;
    return undefined;
  }
  if (types === null) return cell;
  if ((types.has("number") || types.has("integer")) && /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(text)) {
    return Number(text);
  }
  if (types.has("boolean") && /^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  if (types.has("null") && text === "null") return null;
  return cell;
}

function defaultTypes(key: string): Set<string> | null {
  if (key === "difficulty") return new Set(["number"]);
  if (key === "reverse") return new Set(["boolean"]);
  return null;
}

function validateRows(ctx: CheckContext, file: DataFile, schema: LoadedSchema): void {
  const valid: DataRow[] = [];
  for (const row of file.rows) {
    if (schema.validate(row.record)) {
      valid.push(row);
      continue;
    }
    const errors = schema.validate.errors ?? [];
    const [first, ...rest] = errors;
    const firstField = first?.instancePath ? (first.instancePath.slice(1).split("/")[0] ?? "") : "";
    ctx.error(
      CheckCodes.DATA_SCHEMA_VIOLATION,
      `row ${row.line}: ${first ? describeAjvError(first) : "does not match the schema"}`,
      file.display,
      firstField ? row.fieldSpan(firstField) : row.span,
      rest.slice(0, 4).map(describeAjvError),
    );
    file.complete = false;
  }
  file.rows = valid;
}

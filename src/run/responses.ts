// responses.csv: one row per journaled step, in plan order, rebuilt from the journal (so a resumed
// run's file covers every session). The same pass counts what the manifest reports.

import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import { finalRecordsInPlanOrder } from "./journal.js";
import type { StepRecord } from "./records.js";

export const RESPONSES_FILE = "responses.csv";

export const RESPONSE_COLUMNS = [
  "run_id",
  "model",
  "system",
  "dimension",
  "item",
  "culture",
  "usecase",
  "sample",
  "prompt",
  "response",
  "latency_ms",
  "tokens_in",
  "tokens_out",
  "cached",
  "attempts",
  "mock",
  "error",
] as const;

export interface JournalCounts {
  done: number;
  succeeded: number;
  failed: number;
  cached: number;
  retried: number;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab / carriage return before one) as a
 * formula; a model's answer is untrusted text. A leading apostrophe makes it plain text.
 */
export function neutraliseCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function lastUserMessage(record: StepRecord): string {
  for (let i = record.messages.length - 1; i >= 0; i--) {
    const m = record.messages[i];
    if (m && m.role === "user") return m.content;
  }
  return "";
}

export function responseRow(runId: string, r: StepRecord): Array<string | number> {
  const text = (s: string | null) => (s === null ? "" : neutraliseCell(s));
  const num = (n: number | null) => (n === null ? "" : n);
  return [
    text(runId),
    text(r.model),
    text(r.system),
    text(r.dimension),
    text(r.item),
    text(r.context.culture),
    text(r.context.usecase),
    r.sample,
    text(lastUserMessage(r)),
    text(r.response),
    num(r.latencyMs === null ? null : Math.round(r.latencyMs)),
    num(r.tokensIn),
    num(r.tokensOut),
    r.cached ? "true" : "false",
    r.attempts,
    r.mock ? "true" : "false",
    text(r.error ? `${r.error.kind}: ${r.error.message}` : null),
  ];
}

/** Writes the CSV (atomically) and returns the counts over the final record of every step. */
export function writeResponsesCsv(journalPath: string, csvPath: string, runId: string): JournalCounts {
  const counts: JournalCounts = { done: 0, succeeded: 0, failed: 0, cached: 0, retried: 0 };
  const tmp = `${csvPath}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, stringify([[...RESPONSE_COLUMNS]]));
    let batch: Array<Array<string | number>> = [];
    const flush = () => {
      if (batch.length) writeSync(fd, stringify(batch));
      batch = [];
    };
    for (const record of finalRecordsInPlanOrder(journalPath)) {
      counts.done++;
      if (record.error) counts.failed++;
      else counts.succeeded++;
      if (record.cached) counts.cached++;
      if (record.attempts > 1) counts.retried++;
      batch.push(responseRow(runId, record));
      if (batch.length >= 512) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, csvPath);
  return counts;
}

// responses.csv: one row per journaled step, in plan order, rebuilt from the journal (so a resumed
// run's file covers every session). There is one writer and one column list: the rows are made by the
// report module's `responsesTable` and written by its `toCsv` (src/report), a batch at a time, so the
// file a run writes and the one `vc report` writes are the same bytes, and a run of 100k steps never
// holds more than one batch of answers in memory. The same pass counts what the manifest reports.

import { writeSync } from "node:fs";
import { writeFileAtomicWith } from "../core/atomic-write.js";
import { buildDataset } from "../analyse/dataset.js";
import type { Plan } from "../core/plan.js";
import { responsesTable } from "./builtin-tables.js";
import { markSubset, toCsv, type CsvOptions } from "./csv.js";
import { describeSelection } from "../core/selection.js";
import { finalRecordsInPlanOrder, type JournalCounts } from "../run/journal.js";

export type { JournalCounts } from "../run/journal.js";
import type { StepRecord } from "../core/records.js";

export { RESPONSES_FILE } from "../run/rundir.js";

const BATCH = 1000;

/** The CSV text of one batch of records (in plan order), with or without the header line. */
function batchCsv(plan: Plan, records: StepRecord[], runId: string | null, options: CsvOptions, header: boolean): string {
  const table = markSubset(
    responsesTable(buildDataset(plan, records, [], { centre: "off" }), runId),
    plan.selection ? describeSelection(plan.selection) : null,
  );
  const text = toCsv(table, { ...options, bom: header && (options.bom ?? false) });
  if (header) return text;
  // Drop the header line: the header holds no quoted field, so its end is the first LF.
  return text.slice(text.indexOf("\n") + 1);
}

/**
 * Writes the CSV (to a temporary file, renamed at the end) and returns the counts over the final
 * record of every step, read from the journal. `runId` fills the run_id column (the run folder's name).
 */
export function writeResponsesCsv(
  plan: Plan,
  journalPath: string,
  csvPath: string,
  runId: string | null,
  options: CsvOptions = {},
  /** When given, every record written is also pushed here (the run hands them to its report). */
  keep?: StepRecord[],
): JournalCounts {
  return writeResponsesCsvOf(plan, finalRecordsInPlanOrder(journalPath), csvPath, runId, options, keep);
}

/** writeResponsesCsv from the final records themselves, in plan order (what the journal reads back to). */
export function writeResponsesCsvOf(
  plan: Plan,
  finalRecords: Iterable<StepRecord>,
  csvPath: string,
  runId: string | null,
  options: CsvOptions = {},
  keep?: StepRecord[],
): JournalCounts {
  const counts: JournalCounts = { done: 0, succeeded: 0, failed: 0, cached: 0, retried: 0, adaptive: 0 };
  const adaptive = new Set(plan.segments.filter((s) => s.kind === "adaptive").map((s) => s.id));
  writeFileAtomicWith(csvPath, (fd) => {
    let batch: StepRecord[] = [];
    let first = true;
    const flush = () => {
      if (batch.length === 0 && !first) return;
      writeSync(fd, batchCsv(plan, batch, runId, options, first));
      first = false;
      batch = [];
    };
    for (const record of finalRecords) {
      counts.done++;
      if (record.error) counts.failed++;
      else counts.succeeded++;
      if (record.cached) counts.cached++;
      if (record.attempts > 1) counts.retried++;
      if (adaptive.has(record.segment)) counts.adaptive++;
      batch.push(record);
      keep?.push(record);
      if (batch.length >= BATCH) flush();
    }
    flush();
  });
  return counts;
}

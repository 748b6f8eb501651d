// The report tables of a run, from journal.jsonl + scores.jsonl + the plan alone: the same function
// writes them at the end of `vc run` (the report stage) and in `vc report RUN_DIR` / `vc rescore`, so
// the files are byte-identical for the same inputs, seed and CSV options.
//
// What goes where:
//   responses.csv       every step, static and adaptive (src/report/responses.ts streams it)
//   scores.csv, leaderboard.csv, dimensions.csv and the spec's report tables (src/report)
//                       the static items blocks: an adaptive test picks items near each model's
//                       ability, so its raw scores would drag every model toward the middle if mixed in
//   adaptive.csv, abilities.csv   the adaptive segments (src/report/adaptive.ts)
// The analyses read slim step records (no messages, no answer text): the per-step text goes to
// responses.csv only, so memory stays proportional to the number of steps, not to their text.

import { mkdirSync, rmSync, writeSync } from "node:fs";
import { basename, join } from "node:path";
import { writeFileAtomicWith } from "../core/atomic-write.js";
import type { Plan } from "../core/plan.js";
import { StorageError, storageFailureOf, type StorageFailure } from "../core/storage-error.js";
import { formatColumns, renderSummary } from "../report/summary.js";
import { buildReport, type RunAnalysis, type TableSource } from "../report/tables.js";
import { markSubset, toCsv, type CsvOptions, type Table } from "../report/csv.js";
import { describeSelection } from "../core/selection.js";
import { abilityToScore } from "../adaptive/irt.js";
import { adaptiveTables, replayAdaptive, type AdaptiveReplay } from "../report/adaptive.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import type { ScoreRecord, StepRecord } from "../core/records.js";
import { RESPONSES_FILE, writeResponsesCsv, type JournalCounts } from "../report/responses.js";
import { latestScores, scoreKey, SCORES_FILE } from "../run/score-journal.js";
import { writeHtmlReport } from "./html-report.js";
import { checkRunRecords } from "./run-integrity.js";
import type { RunStage, StageReport } from "./stages.js";

export interface RunReportOptions {
  /** The run_id column: the run folder's name. */
  runId: string | null;
  /** Bootstrap seed: the plan's run seed (reportSeed) unless overridden. */
  seed: number;
  resamples?: number;
  csv: CsvOptions;
  /** Write responses.csv too (the run writes it itself, before the stages). */
  responses: boolean;
  /** The journal's final records in plan order, already read (the run's own), instead of reading them again. */
  records?: readonly StepRecord[] | null;
}

export type RunReportResult =
  | {
      ok: true;
      files: string[];
      notes: string[];
      analysis: RunAnalysis;
      adaptive: AdaptiveReplay;
      counts: JournalCounts | null;
      /** The tables written (responses.csv aside) and the report each came from: the HTML report's input. */
      tables: Table[];
      sources: TableSource[];
    }
  /** `storage`: the disk or the folder refused a file (the run stops and says how to resume). */
  | { ok: false; error: string; storage?: StorageFailure };

/** The bootstrap seed of a run's reports: its `seed` (0 when the spec sets none). */
export function reportSeed(plan: Pick<Plan, "run">): number {
  return plan.run.sampling.seed ?? 0;
}

const NO_MESSAGES: StepRecord["messages"] = [];

/**
 * Every step record without its messages and answer text (kept: whether it has an answer), with the
 * strings many steps share (segment, model, system, dimension, item, context) held once: JSON.parse
 * makes a new copy of each for every line, which for a large run is most of the records' memory.
 */
function slimmer(): (record: StepRecord) => StepRecord {
  const strings = new Map<string, string>();
  const contexts = new Map<string, StepRecord["context"]>();
  const intern = (s: string): string => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
  return (r) => {
    const key = JSON.stringify([r.context.culture, r.context.usecase]);
    let context = contexts.get(key);
    if (context === undefined) {
      context = { culture: r.context.culture, usecase: r.context.usecase };
      contexts.set(key, context);
    }
    return {
      ...r,
      segment: intern(r.segment),
      model: intern(r.model),
      system: intern(r.system),
      dimension: intern(r.dimension),
      item: intern(r.item),
      context,
      messages: NO_MESSAGES,
      response: r.response === null ? null : "",
    };
  };
}

export function writeRunReports(plan: Plan, runDir: string, outDir: string, options: RunReportOptions): RunReportResult {
  const journalPath = join(runDir, JOURNAL_FILE);
  const scoresPath = join(runDir, SCORES_FILE);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    return failed(`cannot create ${outDir}`, e);
  }
  let counts: JournalCounts | null = null;
  try {
    if (options.responses) counts = writeResponsesCsv(plan, journalPath, join(outDir, RESPONSES_FILE), options.runId, options.csv);
  } catch (e) {
    return failed(`cannot write ${RESPONSES_FILE}`, e);
  }

  const adaptiveIds = new Set(plan.segments.filter((s) => s.kind === "adaptive").map((s) => s.id));
  const adaptiveSteps: StepRecord[] = [];
  const adaptiveStepIds = new Set<string>();
  const slim = slimmer();
  // One pass over the journal in plan order feeds the report build as a stream (the static steps,
  // each kept only as the dataset's StepMeta) and sets the adaptive steps aside for their replay.
  function* staticSteps(): Generator<StepRecord> {
    for (const record of options.records ?? finalRecordsInPlanOrder(journalPath)) {
      if (adaptiveIds.has(record.segment)) {
        adaptiveSteps.push(slim(record));
        adaptiveStepIds.add(record.stepId);
      } else {
        yield slim(record);
      }
    }
  }
  const latest = latestScores(scoresPath);
  // Read after the steps (buildDataset takes the steps first), when every adaptive step is known.
  function* staticScores(): Generator<ScoreRecord> {
    for (const r of latest.values()) if (!adaptiveStepIds.has(r.stepId)) yield r;
  }

  const {
    tables: all,
    analysis,
    notes,
    sources,
  } = buildReport(plan, staticSteps(), staticScores(), {
    seed: options.seed,
    runId: options.runId,
    responses: false,
    ordered: true,
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
  });
  // responses.csv has one writer (above); the report module's in-memory copy is not written (and
  // not kept: it is the largest table).
  const subset = plan.selection ? describeSelection(plan.selection) : null;
  const tables: Table[] = all.filter((t) => t.name !== "responses").map((t) => markSubset(t, subset));
  all.length = 0;

  const adaptive = replayAdaptive(plan, adaptiveSteps, (stepId, scorer) => {
    const r = latest.get(scoreKey(stepId, scorer));
    return r ? { score: r.score, outcome: r.outcome ?? null } : null;
  });
  notes.push(...adaptive.notes);
  if (adaptiveIds.size > 0) {
    const taken = new Set(tables.map((t) => t.name));
    for (const t of adaptiveTables(adaptive, analysis)) {
      let name = t.name;
      for (let i = 2; taken.has(name); i++) name = `${t.name}_${i}`;
      if (name !== t.name) notes.push(`${t.name}.csv: a report of the spec has that name; the adaptive table is written as ${name}.csv`);
      taken.add(name);
      tables.push(markSubset({ ...t, name }, subset));
    }
  }

  const written = writeTablesInBatches(outDir, tables, options.csv);
  if (!written.ok) return written;
  const files = [...(options.responses ? [RESPONSES_FILE] : []), ...written.files];
  return { ok: true, files, notes, analysis, adaptive, counts, tables, sources };
}

/** A write that failed: a storage failure names its file ("cannot write …: the disk is full"), else `what: message`. */
function failed(what: string, e: unknown): { ok: false; error: string; storage?: StorageFailure } {
  const storage = storageFailureOf(e);
  if (storage !== null) return { ok: false, error: `cannot write ${storage.path}: ${storage.reason} (${storage.code})`, storage };
  return { ok: false, error: `${what}: ${e instanceof Error ? e.message : String(e)}` };
}

const BATCH = 2000;

/**
 * Every table to `dir/<name>.csv`, each written to a temporary name and renamed (a reader never sees
 * half a file), formatted by the report module's `toCsv` a batch of rows at a time: the same bytes as
 * `writeTables`, without the whole file's text and cells in memory at once (scores.csv of a large run
 * is the size of its scores journal).
 */
export function writeTablesInBatches(
  dir: string,
  tables: readonly Table[],
  options: CsvOptions,
): { ok: true; files: string[] } | { ok: false; error: string; storage?: StorageFailure } {
  for (const t of tables) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(t.name) || t.name.includes("..")) return { ok: false, error: `invalid table name ${JSON.stringify(t.name)}` };
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    return failed(`cannot create ${dir}`, e);
  }
  const files: string[] = [];
  for (const t of tables) {
    const file = join(dir, `${t.name}.csv`);
    try {
      writeFileAtomicWith(file, (fd) => {
        for (let start = 0; start === 0 || start < t.rows.length; start += BATCH) {
          const text = toCsv({ ...t, rows: t.rows.slice(start, start + BATCH) }, { ...options, bom: start === 0 && (options.bom ?? false) });
          // The header holds no quoted field, so it ends at the first LF.
          writeSync(fd, start === 0 ? text : text.slice(text.indexOf("\n") + 1));
        }
      });
    } catch (e) {
      return failed(`cannot write reports to ${dir}`, e);
    }
    files.push(`${t.name}.csv`);
  }
  return { ok: true, files };
}

/** The leaderboard and largest context effects (src/report/summary.ts), then the adaptive abilities. */
export function summaryText(analysis: RunAnalysis, adaptive: AdaptiveReplay, colour: boolean): string {
  const selection = analysis.dataset.plan.selection;
  let text = (selection ? `Subset of the spec: ${describeSelection(selection)} (every table has a subset column)\n` : "") + renderSummary(analysis, { colour });
  if (adaptive.examinees.length > 0) {
    const rows = adaptive.examinees.map((x) => [
      x.segment,
      x.model,
      [x.context.culture, x.context.usecase].filter((c) => c !== null).join("/") || "–",
      x.theta.toFixed(2),
      x.se.toFixed(2),
      abilityToScore(x.theta).toFixed(1),
      String(x.answered),
      x.stopReason,
    ]);
    const lines = formatColumns(["block", "model", "context", "theta", "se", "score", "items", "stop"], rows, [
      "left",
      "left",
      "left",
      "right",
      "right",
      "right",
      "right",
      "left",
    ]);
    text += `\nAdaptive abilities (theta on the bank's scale; score 0–100 = 100·Φ(theta))\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
  }
  return text;
}

export const reportStage: RunStage = {
  name: "report",
  async afterSteps(ctx): Promise<StageReport> {
    // The records are checked as `vc report` checks them; what does not fit the plan is left out of
    // the tables and named at the end of the run (never skipped quietly). The files stay as they are.
    const checked = checkRunRecords(ctx.plan, ctx.runDir, { salvage: true, journal: ctx.takeJournalCheck?.() ?? null });
    const source = checked.ok ? checked.sourceDir : ctx.runDir;
    // The records responses.csv was written from are the journal's as it is: used only when nothing
    // was left out (the tables then read the journal itself, not a salvaged copy).
    const kept = ctx.takeFinalRecords?.() ?? null;
    const records = source === ctx.runDir ? kept : null;
    const dropped = checked.ok ? checked.dropped : checked.problems;
    let result: RunReportResult;
    try {
      result = writeRunReports(ctx.plan, source, ctx.runDir, {
        runId: basename(ctx.runDir),
        seed: reportSeed(ctx.plan),
        csv: ctx.csv,
        responses: false,
        records,
      });
    } finally {
      if (source !== ctx.runDir) rmSync(source, { recursive: true, force: true });
    }
    if (!result.ok) {
      // A full disk stops the run: the pipeline records it and prints the resume command.
      if (result.storage) throw new StorageError(result.storage.path, result.storage.code, result.storage.reason);
      ctx.note(`value-compass run: reports: ${result.error}`);
      return { errors: 1, files: [], dropped };
    }
    if (!ctx.quiet) for (const note of result.notes) ctx.note(`value-compass run: report: ${note}`);
    const files = [...result.files];
    let errors = 0;
    if (ctx.html) {
      const page = await writeHtmlReport(ctx.plan, ctx.runDir, ctx.runDir, result, { runId: basename(ctx.runDir), records });
      if (page.ok) {
        files.push(page.file);
        if (!ctx.quiet) for (const note of page.notes) ctx.note(`value-compass run: report: ${note}`);
      } else {
        ctx.note(`value-compass run: reports: ${page.error}`);
        errors++;
      }
    }
    return {
      errors,
      files,
      dropped,
      ...(ctx.quiet ? {} : { summary: summaryText(result.analysis, result.adaptive, ctx.colour) }),
    };
  },
};

// report.html of a run: the figures and the item explorer (src/report/html), written after the CSV
// tables by the run's report stage, `vc report` and `vc rescore`. The charting library is large, so
// the module that draws is loaded only here, when a page is written.

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import type { Plan } from "../core/plan.js";
import type { ScoreRecord, StepRecord } from "../core/records.js";
import type { HtmlSection } from "../report/html/types.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import { readScoreRecords, SCORES_FILE, scoreKey } from "../run/score-journal.js";
import type { RunReportResult } from "./report-stage.js";

export const HTML_FILE = "report.html";

export interface HtmlReportOptions {
  runId: string | null;
  /** Steps the explorer holds at most (default: the report module's DEFAULT_EXPLORER_LIMIT). */
  explorerLimit?: number;
  /** Sections after the built-in ones (`value-compass diff` adds its comparison this way). */
  extraSections?: readonly HtmlSection[];
  /** The journal's final records in plan order, already read (the run's own), instead of reading them again. */
  records?: readonly StepRecord[] | null;
}

export type HtmlReportResult = { ok: true; file: string; bytes: number; notes: string[] } | { ok: false; error: string };

type Built = Extract<RunReportResult, { ok: true }>;

/** Writes `outDir/report.html` from a finished report build and the run's journals. */
export async function writeHtmlReport(plan: Plan, runDir: string, outDir: string, built: Built, options: HtmlReportOptions): Promise<HtmlReportResult> {
  try {
    const html = await import("../report/html/index.js");
    const journalPath = join(runDir, JOURNAL_FILE);
    // The report build's dataset has one entry per step (without the messages, which the explorer
    // shows and reads from the journal): its length saves a pass over the journal just to count.
    const total = built.analysis.dataset.metas.length;
    const limit = options.explorerLimit ?? html.DEFAULT_EXPLORER_LIMIT;
    const scoresPath = join(runDir, SCORES_FILE);
    // Only the explorer's steps' scores are held (at most `limit` steps), not every score of the run:
    // a pass over the journal names them first (skipped when there are no scores).
    const byStep = new Map<string, ScoreRecord[]>();
    if (existsSync(scoresPath) && statSync(scoresPath).size > 0) {
      const kept = html.keptPositions(total, limit);
      const wanted = new Set<string>();
      let position = 0;
      for (const r of options.records ?? finalRecordsInPlanOrder(journalPath)) if (kept.has(position++)) wanted.add(r.stepId);
      // Latest record per (step, scorer), as latestScores keeps them, for the wanted steps only.
      const latest = new Map<string, ScoreRecord>();
      for (const r of readScoreRecords(scoresPath)) {
        if (!wanted.has(r.stepId)) continue;
        const key = scoreKey(r.stepId, r.scorer);
        latest.delete(key);
        latest.set(key, r);
      }
      for (const r of latest.values()) {
        const list = byStep.get(r.stepId);
        if (list) list.push(r);
        else byStep.set(r.stepId, [r]);
      }
    }
    const order = new Map(plan.scorers.map((s, i) => [s.id, i]));
    for (const list of byStep.values()) list.sort((a, b) => (order.get(a.scorer) ?? 0) - (order.get(b.scorer) ?? 0));
    const explorer = html.explorerData(options.records ?? finalRecordsInPlanOrder(journalPath), total, (id) => byStep.get(id) ?? [], limit);
    const report = await html.buildHtmlReport({
      plan,
      runId: options.runId,
      analysis: built.analysis,
      tables: built.tables,
      sources: built.sources,
      explorer,
      ...(options.extraSections ? { extraSections: options.extraSections } : {}),
    });
    writeFileAtomic(join(outDir, HTML_FILE), report.html);
    return {
      ok: true,
      file: HTML_FILE,
      bytes: Buffer.byteLength(report.html),
      notes: report.errors.map((e) => `${HTML_FILE}: a figure could not be drawn: ${e}`),
    };
  } catch (e) {
    return { ok: false, error: `cannot write ${HTML_FILE}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

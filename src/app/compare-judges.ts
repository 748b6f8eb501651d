// `vc rescore RUN_DIR --judge A --judge B …`: score the run's recorded answers once per judge (each
// into a temporary file; the run's own scores stay as they are) and write how stable the model
// ranking is across judges: rank_stability.csv (Kendall's τ-b per pair of judges, with an item
// bootstrap interval) and rank_stability_means.csv (each model's mean score under each judge).

import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { modelMeans, rankStability, type JudgedScore } from "../analyse/rank-stability.js";
import type { Provider } from "../providers/types.js";
import { writeTables, type Table } from "../report/csv.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import { lockRunDir } from "../run/rundir.js";
import { readScoreRecords } from "../run/score-journal.js";
import { AGREEMENT_INTERVAL } from "../report/agreement.js";
import { Interrupts } from "./interrupts.js";
import { closeProviders } from "./models.js";
import { reportSeed } from "./report-stage.js";
import {
  callerFor,
  openRun,
  planToScore,
  prepareScoringModels,
  scoreInto,
  type RescoreDeps,
  type RescoreFailure,
  type RescoreIO,
  type RescoreRequest,
} from "./rescore.js";

export interface JudgesCompared {
  runDir: string;
  files: string[];
  /** The rows of rank_stability.csv, for the summary. */
  rows: ReturnType<typeof rankStability>;
}

export type CompareOutcome = { ok: true; compared: JudgesCompared } | { ok: false; failure: RescoreFailure };

export async function compareJudges(request: RescoreRequest, judges: readonly string[], deps: RescoreDeps, io: RescoreIO): Promise<CompareOutcome> {
  const opened = openRun(request, io.cwd);
  if (!opened.ok) return opened;
  const { runDir, manifest, specPath } = opened;
  const journalPath = join(runDir, JOURNAL_FILE);
  const steps = new Map<string, { model: string; item: string }>();
  for (const r of finalRecordsInPlanOrder(journalPath)) steps.set(r.stepId, { model: r.model, item: `${r.segment}\u0000${r.item}` });
  const interrupts = new Interrupts(io.signals, { graceMs: null });
  const providers: Provider[] = [];
  const lock = lockRunDir(runDir);
  if (!lock.ok) return { ok: false, failure: { kind: "locked", dir: lock.dir, pid: lock.pid } };
  const scores: JudgedScore[] = [];
  let seed = 0;
  try {
    for (const [i, judge] of judges.entries()) {
      const planned = await planToScore({ ...request, judge }, deps, io, opened);
      if (!planned.ok) return planned;
      const plan = planned.plan;
      seed = request.seed ?? reportSeed(plan);
      const prepared = await prepareScoringModels(plan, deps, io, specPath, interrupts, providers);
      if (!prepared.ok) return { ok: false, failure: prepared.failure };
      const caller = callerFor(plan, manifest, runDir, prepared.models, io);
      interrupts.attach(caller);
      const temp = join(runDir, `scores.judge-${i + 1}.jsonl`);
      try {
        await scoreInto(temp, plan, caller, dirname(specPath), io, interrupts.signal, journalPath);
        if (interrupts.interrupted) return { ok: false, failure: { kind: "scoring_interrupted", fatal: caller.fatal } };
        if (caller.fatal) return { ok: false, failure: { kind: "scoring_stopped", fatal: caller.fatal } };
        // Only the scorers the judge replaces: judge scorers that name no model (or panel) of their own.
        const judged = new Set(
          plan.scorers.filter((s) => s.kind === "judge" && typeof s.config["model"] !== "string" && !Array.isArray(s.config["panel"])).map((s) => s.id),
        );
        for (const r of readScoreRecords(temp)) {
          const step = steps.get(r.stepId);
          if (!step || r.score === null || !judged.has(r.scorer)) continue;
          scores.push({ judge, scorer: r.scorer, model: step.model, item: step.item, score: r.score });
        }
      } finally {
        rmSync(temp, { force: true });
      }
    }
    const rows = rankStability(scores, judges, seed);
    const written = writeTables(runDir, rankTables(rows, modelMeans(scores)), { bom: request.bom, neutralize: request.neutralize });
    if (!written.ok) return { ok: false, failure: { kind: "report_failed", error: written.error } };
    return { ok: true, compared: { runDir, files: written.files, rows } };
  } finally {
    interrupts.dispose();
    lock.release();
    await closeProviders(providers);
  }
}

function rankTables(rows: ReturnType<typeof rankStability>, means: ReturnType<typeof modelMeans>): Table[] {
  return [
    {
      name: "rank_stability",
      columns: ["scorer", "judge_a", "judge_b", "models", "items", "kendall_tau", "ci_low", "ci_high", "interval"],
      formats: ["text", "text", "text", "int", "int", "corr", "corr", "corr", "text"],
      rows: rows.map((r) => [
        r.scorer,
        r.judgeA,
        r.judgeB,
        r.models,
        r.items,
        r.tau,
        r.interval?.low ?? null,
        r.interval?.high ?? null,
        r.interval ? AGREEMENT_INTERVAL : null,
      ]),
    },
    {
      name: "rank_stability_means",
      columns: ["scorer", "judge", "model", "mean", "n"],
      formats: ["text", "text", "text", "score", "int"],
      rows: means.map((m) => [m.scorer, m.judge, m.model, m.mean, m.n]),
    },
  ];
}

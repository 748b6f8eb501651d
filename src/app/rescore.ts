// `vc rescore RUN_DIR`: score a run's recorded answers again with the spec's *current* scoring rules
// (scorers, `score` expressions, context rules, judge rubrics) and rebuild its reports — without
// asking the evaluated models anything. Only the judge and guard models the scorers use are prepared
// and called (through a ModelCaller with the run's cache, so an unchanged judge request is answered
// from the cache and only the changed rules take effect).
//
// The spec is compiled again from the manifest's spec path, --model and --set values (`--judge`
// replaces the judge, `--model-scorer SCORER=ID` one scorer's model). The recorded steps must still be
// the plan's steps, matched by id; if the spec's step set changed (items, models, contexts, samples
// added or removed), rescoring is refused: those answers belong to another plan.
//
// Files: the fresh scores are written to scores.rescore.jsonl while scoring (an interrupted rescore
// leaves the run as it was); at the end the old scores.jsonl is kept as scores.<UTC time>.jsonl and the
// old plan.json as plan.<UTC time>.json, the new ones take their names, the reports are rebuilt, and
// the manifest gets a `rescores` entry. Like `vc run`, it returns a typed outcome; the CLI words it.

import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Plan } from "../core/plan.js";
import { readPlanHeader } from "../adaptive/plan-file.js";
import type { Provider } from "../providers/types.js";
import { DiskCache } from "../run/cache.js";
import { callSettingsOf, ModelCaller, type CallerModel, type FatalStop } from "../run/calls.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import { MANIFEST_FILE, readManifest, writeManifest, type Manifest, type Rescore } from "../run/manifest.js";
import { lockRunDir, PLAN_FILE } from "../run/rundir.js";
import { ScoreJournal, SCORES_FILE } from "../run/score-journal.js";
import { Interrupts } from "./interrupts.js";
import { closeProviders, prepareModels, scoringModelsOf, type PrepareFailure } from "./models.js";
import type { RunDeps, RunIO } from "./pipeline.js";
import { HTML_FILE, writeHtmlReport } from "./html-report.js";
import { reportSeed, writeRunReports, type RunReportResult } from "./report-stage.js";
import { commandsOfPlan, declaredCommands, execPermission, type ExecNotAllowed } from "./trust.js";
import { compareSteps, withScorerModels, type ScorerOverrideFailure, type StepsChanged } from "./rescore-plan.js";
import type { LockFailure } from "./run-target.js";
import { countScores, scoreSteps, type ScoreBook, type ScoringCounts } from "./scoring-stage.js";

export { compareSteps, withScorerModels } from "./rescore-plan.js";

export const RESCORE_TEMP = "scores.rescore.jsonl";

export interface RescoreRequest {
  runDir: string;
  /** Replaces the run's judge. */
  judge: string | null;
  /** Scorer id → model id, for judge and guard scorers. */
  scorerModels: Record<string, string>;
  /** Bootstrap seed of the rebuilt reports (default: the plan's seed). */
  seed: number | null;
  bom: boolean;
  neutralize: boolean;
  quiet: boolean;
  /** `--allow-exec`: run the commands the spec declares without a trust entry. */
  allowExec?: boolean;
}

export type RescoreDeps = Pick<RunDeps, "compile" | "iterateSteps" | "writePlan" | "createProvider">;

/** What rescore needs of the run's environment: no progress display, no notices. */
export type RescoreIO = Pick<RunIO, "cwd" | "env" | "signals" | "timing">;

/** Why the run was not rescored; the run directory is as it was. */
export type RescoreFailure =
  | { kind: "not_a_run_dir"; given: string; message: string }
  | { kind: "no_journal"; given: string }
  /** The spec the manifest names (`recorded`, relative to the run directory) is not at `specPath`. */
  | { kind: "spec_gone"; specPath: string; recorded: string }
  | { kind: "compile_failed"; output: string }
  /** The scorers would start commands nobody allowed (no --allow-exec, no trust entry). */
  | ExecNotAllowed
  | ScorerOverrideFailure
  | StepsChanged
  | PrepareFailure
  | LockFailure
  /** Interrupted while scoring; `fatal` when a judge had also failed fatally. */
  | { kind: "scoring_interrupted"; fatal: FatalStop | null }
  | { kind: "scoring_stopped"; fatal: FatalStop | null }
  /** The scores were swapped in, but the reports could not be written. */
  | { kind: "report_failed"; error: string };

/** A rescored run. */
export interface Rescored {
  runDir: string;
  /** Recorded steps scored. */
  steps: number;
  counts: ScoringCounts;
  judgeCalls: number;
  cacheHits: number;
  /** Where the previous scores were kept (relative to the run directory). */
  previousScores: string | null;
  /** The rebuilt reports: their notes, analysis and adaptive replay (for the summary). */
  report: Extract<RunReportResult, { ok: true }>;
}

export type RescoreOutcome = { ok: true; rescored: Rescored } | { ok: false; failure: RescoreFailure };

type Fail = { ok: false; failure: RescoreFailure };

/** `20250314T101502Z`: the time stamp of kept files. */
export function fileStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

export async function rescoreRun(request: RescoreRequest, deps: RescoreDeps, io: RescoreIO): Promise<RescoreOutcome> {
  const opened = openRun(request, io.cwd);
  if (!opened.ok) return opened;
  const { runDir, manifest, specPath } = opened;
  const planned = await planToScore(request, deps, io, opened);
  if (!planned.ok) return planned;
  const { plan, steps } = planned;

  const interrupts = new Interrupts(io.signals, { graceMs: null });
  const providers: Provider[] = [];
  let release: (() => void) | null = null;
  const tempPath = join(runDir, RESCORE_TEMP);
  try {
    const prepared = await prepareScoringModels(plan, deps, io, specPath, interrupts, providers);
    if (!prepared.ok) return { ok: false, failure: prepared.failure };
    const lock = lockRunDir(runDir);
    if (!lock.ok) return { ok: false, failure: { kind: "locked", dir: lock.dir, pid: lock.pid } };
    release = lock.release;
    const caller = callerFor(plan, manifest, runDir, prepared.models, io);
    interrupts.attach(caller);

    await scoreInto(tempPath, plan, caller, dirname(specPath), io, interrupts.signal, join(runDir, JOURNAL_FILE));
    if (caller.fatal || interrupts.interrupted) {
      rmSync(tempPath, { force: true });
      return { ok: false, failure: { kind: interrupts.interrupted ? "scoring_interrupted" : "scoring_stopped", fatal: caller.fatal } };
    }
    const kept = await swapIn(runDir, tempPath, plan, deps);
    const report = writeRunReports(plan, runDir, runDir, {
      runId: basename(runDir),
      seed: request.seed ?? reportSeed(plan),
      csv: { bom: request.bom, neutralize: request.neutralize },
      responses: true,
    });
    if (!report.ok) return { ok: false, failure: { kind: "report_failed", error: report.error } };
    // report.html is rebuilt when the run has one, so it never shows the scores it replaced.
    if (existsSync(join(runDir, HTML_FILE))) {
      const page = await writeHtmlReport(plan, runDir, runDir, report, { runId: basename(runDir) });
      if (!page.ok) return { ok: false, failure: { kind: "report_failed", error: page.error } };
      report.files.push(page.file);
    }
    const counts = countScores(join(runDir, SCORES_FILE));
    recordRescore(runDir, manifest, { plan, request, kept, counts, reportFiles: report.files });
    return {
      ok: true,
      rescored: { runDir, steps, counts, judgeCalls: caller.stats.calls, cacheHits: caller.stats.cacheHits, previousScores: kept.scores, report },
    };
  } finally {
    interrupts.dispose();
    release?.();
    if (existsSync(tempPath) && interrupts.interrupted) rmSync(tempPath, { force: true });
    await closeProviders(providers);
  }
}

export interface OpenedRun {
  ok: true;
  runDir: string;
  manifest: Manifest;
  journalPath: string;
  specPath: string;
}

/** The run directory, its manifest and journal, and the spec the manifest names. */
export function openRun(request: RescoreRequest, cwd: string): OpenedRun | Fail {
  const runDir = resolve(cwd, request.runDir);
  const read = readManifest(join(runDir, MANIFEST_FILE));
  if (!read.ok) return { ok: false, failure: { kind: "not_a_run_dir", given: request.runDir, message: read.message } };
  const manifest = read.manifest;
  const journalPath = join(runDir, JOURNAL_FILE);
  if (!existsSync(journalPath)) return { ok: false, failure: { kind: "no_journal", given: request.runDir } };
  const specPath = resolve(runDir, manifest.invocation.spec);
  if (!existsSync(specPath)) return { ok: false, failure: { kind: "spec_gone", specPath, recorded: manifest.invocation.spec } };
  return { ok: true, runDir, manifest, journalPath, specPath };
}

/** The spec compiled again as the run was (with `--judge` and `--model-scorer`), with the run's steps. */
export async function planToScore(
  request: RescoreRequest,
  deps: RescoreDeps,
  io: RescoreIO,
  run: OpenedRun,
): Promise<{ ok: true; plan: Plan; steps: number } | Fail> {
  const { invocation } = run.manifest;
  const compiled = await deps.compile(run.specPath, {
    cwd: io.cwd,
    set: invocation.set,
    models: invocation.models,
    judge: request.judge ?? invocation.judge,
    jsonIo: invocation.jsonIo === true,
    ...(invocation.select ? { select: invocation.select } : {}),
  });
  if (!compiled.ok) return { ok: false, failure: { kind: "compile_failed", output: compiled.output } };
  const overridden = withScorerModels(compiled.plan, request.scorerModels);
  if (!overridden.ok) return overridden;
  // Only what this command line names is trusted as typed: --judge and --model-scorer.
  const typed = new Set<string>(Object.values(request.scorerModels));
  if (request.judge !== null) typed.add(request.judge);
  const commands = declaredCommands(commandsOfPlan(overridden.plan, "rescore"), compiled.sites ?? new Map(), typed);
  const refused = execPermission(commands, run.specPath, dirname(run.specPath), { allowExec: request.allowExec === true, env: io.env });
  if (refused) return { ok: false, failure: refused };
  const header = readPlanHeader(join(run.runDir, PLAN_FILE));
  const compared = compareSteps(overridden.plan, deps.iterateSteps, finalRecordsInPlanOrder(run.journalPath), header.ok ? header.header.stepCount : null);
  if (!compared.ok) return compared;
  return { ok: true, plan: overridden.plan, steps: compared.steps };
}

/** The judges' caller, with the run's limits and its cache (unchanged judge requests are hits). */
export function callerFor(plan: Plan, manifest: Manifest, runDir: string, models: CallerModel[], io: RescoreIO): ModelCaller {
  const { invocation } = manifest;
  const cacheDir = invocation.cacheDir ? resolve(runDir, invocation.cacheDir) : null;
  return new ModelCaller({
    models,
    settings: callSettingsOf(plan),
    concurrencyOverride: invocation.concurrency,
    cache: invocation.cache && cacheDir ? new DiskCache(cacheDir) : null,
    env: io.env,
    ...(io.timing ? { timing: io.timing } : {}),
  });
}

/** Score every recorded answer afresh into `tempPath` (the run's own files are not touched). */
export async function scoreInto(
  tempPath: string,
  plan: Plan,
  caller: ModelCaller,
  specDir: string,
  io: RescoreIO,
  signal: AbortSignal,
  journalPath: string,
): Promise<void> {
  rmSync(tempPath, { force: true });
  const book: ScoreBook = new Map();
  const journal = ScoreJournal.open(tempPath);
  try {
    await scoreSteps({ plan, caller, specDir, env: io.env, signal }, finalRecordsInPlanOrder(journalPath), journal, book);
  } finally {
    journal.close();
  }
}

interface Kept {
  /** The previous scores.jsonl and plan.json, renamed (relative to the run directory). */
  scores: string | null;
  plan: string | null;
}

/** The previous scores and plan are kept under time-stamped names; the new ones take theirs. */
async function swapIn(runDir: string, tempPath: string, plan: Plan, deps: RescoreDeps): Promise<Kept> {
  const stamp = fileStamp(new Date());
  const scoresPath = join(runDir, SCORES_FILE);
  const scores = keep(runDir, SCORES_FILE, "scores", stamp, ".jsonl");
  renameSync(tempPath, scoresPath);
  const planPath = join(runDir, PLAN_FILE);
  const previousPlan = keep(runDir, PLAN_FILE, "plan", stamp, ".json");
  await deps.writePlan(plan, planPath);
  return { scores, plan: previousPlan };
}

/** Rename `file` to `<stem>.<stamp><ext>` (-2, -3, … when taken); null when there is no such file. */
function keep(dir: string, file: string, stem: string, stamp: string, ext: string): string | null {
  if (!existsSync(join(dir, file))) return null;
  let name = `${stem}.${stamp}${ext}`;
  for (let n = 2; existsSync(join(dir, name)); n++) name = `${stem}.${stamp}-${n}${ext}`;
  renameSync(join(dir, file), join(dir, name));
  return name;
}

/** The manifest gets a `rescores` entry, the new scoring counts and the new files. */
function recordRescore(
  runDir: string,
  manifest: Manifest,
  done: { plan: Plan; request: RescoreRequest; kept: Kept; counts: ScoringCounts; reportFiles: string[] },
): void {
  const { plan, kept, counts } = done;
  const entry: Rescore = {
    at: new Date().toISOString(),
    judge: plan.judge,
    scorerModels: { ...done.request.scorerModels },
    planHash: plan.hash,
    previousScores: kept.scores,
    previousPlan: kept.plan,
    scoring: counts,
  };
  const files = [...manifest.files];
  for (const f of [SCORES_FILE, ...(kept.scores ? [kept.scores] : []), ...(kept.plan ? [kept.plan] : []), ...done.reportFiles]) {
    if (!files.includes(f)) files.push(f);
  }
  writeManifest(join(runDir, MANIFEST_FILE), { ...manifest, files, scoring: counts, rescores: [...(manifest.rescores ?? []), entry] });
}

/** The models a rescore calls (judges, guards; never the evaluated ones), prepared without pulling. */
export function prepareScoringModels(plan: Plan, deps: RescoreDeps, io: RescoreIO, specPath: string, interrupts: Interrupts, providers: Provider[]) {
  return prepareModels(
    scoringModelsOf(plan),
    {
      plan,
      env: io.env,
      specDir: dirname(specPath),
      createProvider: deps.createProvider,
      pull: false,
      signal: interrupts.signal,
      interrupted: () => interrupts.interrupted,
    },
    providers,
  );
}

// `vc run` from a parsed command line to an outcome: choose the run directory (new, or resume),
// compile, prepare every model, run the static steps (the stages score each model's answers after
// them), let the stages run the adaptive segments, write responses.csv, let the stages write the
// reports, write the manifest. It returns what happened — a typed failure before any step, or how the
// run ended — and the CLI words it and picks the exit code. The spec loader, the plan writer and the
// provider factory come in as dependencies so that tests can run the whole pipeline with fakes.

import { existsSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Plan, PlanStep } from "../core/plan.js";
import type { StepRecord } from "../core/records.js";
import type { Provider } from "../providers/types.js";
import type { CsvOptions } from "../report/csv.js";
import { DiskCache } from "../run/cache.js";
import { callSettingsOf, ModelCaller, type CallerModel, type FatalStop } from "../run/calls.js";
import { executeSteps, type ExecuteResult } from "../run/execute.js";
import { finalRecordsInPlanOrder, Journal, JOURNAL_FILE, recoverJournal, type JournalCounts, type JournalScan } from "../run/journal.js";
import { gitInfo, type GitInfo, type Manifest, type ModelRole, type RunCounts } from "../run/manifest.js";
import { createProgress, createPullProgress, type RunProgress } from "../run/progress.js";
import { PLAN_FILE, RESPONSES_FILE } from "../run/rundir.js";
import { modelMajorSteps } from "../run/scheduler.js";
import { shardStepCount, shardSteps } from "../run/shard.js";
import { BATCH_DIR, BATCH_STATE_FILE, batchableJudges, DEFAULT_BATCH, runBatches, runJudgeBatches, type BatchSettings } from "./batch-stage.js";
import { Interrupts } from "./interrupts.js";
import { commandsOfPlan, declaredCommands, execPermission } from "./trust.js";
import { checkJournal, checkRunRecords, type JournalCheck } from "./run-integrity.js";
import { closeProviders, modelsOfPlan, prepareModels, type ModelNeed, type PrepareFailure, type PrepareSettings } from "./models.js";
import { cacheDirOf, cacheUsedOf, concurrencyOverrideOf, countsBefore, EXECUTOR_FILES, invocationOf, RunRecord } from "./run-record.js";
import { afterModelHook, Prefetch, runStageHook, StageTally } from "./run-stages.js";
import { StorageError, storageFailureOf, withPath, type StorageFailure } from "../core/storage-error.js";
import { chooseRunTarget, openRunFolder, pathFrom, samePlan, type RunFolder, type RunTarget } from "./run-target.js";
import type { FinishedRun, RunDeps, RunFailure, RunIO, RunOutcome, RunRequest } from "./run-types.js";
import type { JudgeBatcher, RunStage, StageContext } from "./stages.js";

export type { Signals } from "./interrupts.js";
export type { CompileOptions, CompileOutcome, FinishedRun, RunDeps, RunFailure, RunIO, RunNotice, RunOutcome, RunRequest } from "./run-types.js";

const GRACE_MS = 5_000;
/** The progress line of the static steps' answers (the stages have theirs, by their names). */
const ANSWERS = "answers";

/** plan.json written (null), or why not; `storage`: the disk or folder refused it. */
type PlanWritten = { message: string; storage: StorageFailure | null } | null;

export async function runPipeline(request: RunRequest, deps: RunDeps, io: RunIO): Promise<RunOutcome> {
  const targeted = chooseRunTarget(request, io.cwd);
  if (!targeted.ok) return targeted;
  const target = targeted.target;
  // Two git processes: started now, they finish while the spec compiles and the models are prepared.
  const git = gitInfo(dirname(target.specPath));
  const compiled = await compileFor(target, deps, io.cwd);
  if (!compiled.ok) return compiled;
  const plan = compiled.plan;
  // Before any provider is made: nothing the spec names is started unless the user allowed it.
  const refused = execPermission(
    declaredCommands(commandsOfPlan(plan), compiled.sites, typedOnCommandLine(request)),
    target.specPath,
    dirname(target.specPath),
    { allowExec: request.allowExec === true, env: io.env },
  );
  if (refused) return { ok: false, failure: refused };

  // Listening before the models are prepared: a pull can take a while.
  let say = (line: string): void => void io.stderr.write(`${line}\n`);
  const graceMs = io.graceMs ?? GRACE_MS;
  const interrupts = new Interrupts(io.signals, {
    graceMs,
    onInterrupt: (count, inFlight) => say(io.describe(count === 1 ? { kind: "interrupted", inFlight, graceMs } : { kind: "aborting" })),
  });
  const providers: Provider[] = [];
  let release: (() => void) | null = null;
  try {
    const needs = modelsOfPlan(plan);
    const prepared = await prepareModels(
      needs,
      { ...prepareSettings(request, deps, io, plan, target, interrupts), note: (line) => say(`value-compass run: ${line}`) },
      providers,
    );
    if (!prepared.ok) return { ok: false, failure: withResume(prepared.failure, target) };
    const startedAt = new Date();
    const opened = openRunFolder(target, plan, io.cwd, startedAt);
    if (!opened.ok) return opened;
    release = opened.folder.release;
    // The validate stage: with gold sets, the judges are validated before any step, and a run whose
    // judge fails a `require` stops here, so its judged scores are never produced or published.
    // Only the gold sets of scorers this run uses: `--set scoring=refusal` has no judged scores to refuse.
    const used = new Set(plan.segments.flatMap((s) => s.scorers));
    const gold = (plan.gold ?? []).filter((g) => used.has(g.scorer));
    if (gold.length > 0) {
      say(io.describe({ kind: "validating", examples: gold.reduce((n, g) => n + g.examples.length, 0) }));
      // Loaded only here: it brings the scorers (regular expressions compiled at load), which a run
      // without gold sets loads in the background once the first steps are out (stages.ts).
      const { validateBeforeRun } = await import("./validate-stage.js");
      const validated = await validateBeforeRun({
        plan: { ...plan, gold },
        models: prepared.models,
        cache: request.cache ? new DiskCache(cacheDirOf(request, target, opened.folder.runDir, io.cwd, io.env)) : null,
        concurrencyOverride: concurrencyOverrideOf(request, target),
        env: io.env,
        specDir: dirname(target.specPath),
        runDir: opened.folder.runDir,
        csv: { bom: request.bom ?? false, neutralize: request.neutralize ?? true },
        interrupts,
      });
      if (!validated.ok) return validated;
    }
    const started = await startRun({ request, deps, io, plan, target, folder: opened.folder, models: prepared.models, needs, interrupts, git, startedAt });
    if (!started.ok) return started;
    const run = started.run;
    say = (line) => run.progress.note(line);
    try {
      const executed = await runSteps(run);
      return { ok: true, run: await finishRun(run, executed) };
    } catch (error) {
      // A full disk or a folder that turned read-only: stop, record it, say which file and how to resume.
      const failure = storageFailureOf(error);
      if (failure === null) throw error;
      return { ok: true, run: await stopOnWriteFailure(run, failure) };
    }
  } finally {
    interrupts.dispose();
    release?.();
    await closeProviders(providers);
  }
}

type Sites = ReadonlyMap<string, Array<{ file: string; line: number }>>;

async function compileFor(target: RunTarget, deps: RunDeps, cwd: string): Promise<{ ok: true; plan: Plan; sites: Sites } | { ok: false; failure: RunFailure }> {
  const compiled = await deps.compile(target.specPath, {
    cwd,
    set: target.set,
    models: target.models,
    judge: target.judge,
    jsonIo: target.jsonIo,
    select: target.select,
  });
  if (!compiled.ok) return { ok: false, failure: { kind: "compile_failed", output: compiled.output, ...(compiled.commandLine ? { commandLine: true } : {}) } };
  const changed = samePlan(target, compiled.plan);
  return changed ? { ok: false, failure: changed } : { ok: true, plan: compiled.plan, sites: compiled.sites ?? new Map() };
}

/**
 * What the user wrote on this command line: model ids and --set values. A resumed run's recorded
 * --model values are not among them: a run folder may come from someone else.
 */
export function typedOnCommandLine(request: Pick<RunRequest, "models" | "judge" | "set">): Set<string> {
  const typed = new Set<string>([...request.models, ...Object.values(request.set)]);
  if (request.judge !== null) typed.add(request.judge);
  return typed;
}

function prepareSettings(request: RunRequest, deps: RunDeps, io: RunIO, plan: Plan, target: RunTarget, interrupts: Interrupts): PrepareSettings {
  return {
    plan,
    env: io.env,
    specDir: dirname(target.specPath),
    createProvider: deps.createProvider,
    pull: request.pull,
    signal: interrupts.signal,
    interrupted: () => interrupts.interrupted,
    pullDisplay: (id) => createPullProgress(io.stderr, id, request.quiet),
    warn: (id, message) => void io.stderr.write(`warning: ${id}: ${message}\n`),
  };
}

/** A model that is missing on a resumed run: the run can be resumed once it is there. */
function withResume(failure: PrepareFailure, target: RunTarget): RunFailure {
  return failure.kind === "model_unavailable" ? { ...failure, resumeDir: target.previous ? target.runDir : null } : failure;
}

/** A run with its folder locked: what its steps, its stages and its end work with. */
interface ActiveRun {
  request: RunRequest;
  io: RunIO;
  plan: Plan;
  steps: Iterable<PlanStep>;
  /** The plan's step ids in plan order (the records are checked against them). */
  iterateStepIds: NonNullable<RunDeps["iterateStepIds"]>;
  /** The journal's check after the last step, until the report stage takes it (see StageContext). */
  journalCheck: { current: JournalCheck | null };
  /** responses.csv's records, for the report stage (takeFinalRecords); null when not kept or taken. */
  finalRecords: { current: StepRecord[] | null };
  stageSteps: ReadonlySet<string>;
  stages: RunStage[];
  runDir: string;
  caller: ModelCaller;
  cache: DiskCache | null;
  cacheDir: string;
  interrupts: Interrupts;
  record: RunRecord;
  journal: Journal;
  journalPath: string;
  scan: JournalScan;
  progress: RunProgress;
  context: StageContext;
  tally: StageTally;
  csv: Required<CsvOptions>;
  /** plan.json, written while the steps run: null, or why it could not be written. */
  planWritten: Promise<PlanWritten>;
  t0: number;
  /** Static steps this run folder is to answer: the plan's, or its shard's. */
  total: number;
  /** The same steps again, from the start (the batch stage reads them before the executor). */
  freshSteps: () => Iterable<PlanStep>;
  models: CallerModel[];
}

interface StartInput {
  request: RunRequest;
  deps: RunDeps;
  io: RunIO;
  plan: Plan;
  target: RunTarget;
  folder: RunFolder;
  models: CallerModel[];
  needs: ModelNeed[];
  interrupts: Interrupts;
  git: Promise<GitInfo | null>;
  startedAt: Date;
}

/**
 * Everything up to the first step: plan.json started, the journal recovered, the cache and the call
 * layer made, the manifest saved as "running", the progress display started.
 */
async function startRun(input: StartInput): Promise<{ ok: true; run: ActiveRun } | { ok: false; failure: RunFailure }> {
  const planWritten = writePlanWhileRunning(input);
  let manifestSaved = input.target.previous !== null;
  try {
    return { ok: true, run: await startSteps(input, planWritten, () => (manifestSaved = true)) };
  } catch (error) {
    const failure = storageFailureOf(error);
    // plan.json may still be streaming: let it finish (or fail and remove its temporary file) first.
    await planWritten;
    if (failure === null) throw error;
    const { runDir } = input.folder;
    return { ok: false, failure: { kind: "write_failed", runDir, specPath: input.target.specPath, failure, resumable: manifestSaved } };
  }
}

async function startSteps(input: StartInput, planWritten: Promise<PlanWritten>, onSaved: () => void): Promise<ActiveRun> {
  const { request, deps, io, plan, target, interrupts } = input;
  const { runDir } = input.folder;
  const cacheDir = cacheDirOf(request, target, runDir, io.cwd, io.env);
  const journalPath = join(runDir, JOURNAL_FILE);
  const scan = recoverJournal(journalPath, { retryFailed: request.retryFailed });
  const stale = input.folder.stale;
  if (stale !== null) io.stderr.write(`${io.describe({ kind: "stale_lock", pid: stale.pid, reason: stale.reason })}\n`);
  if (scan.truncatedBytes > 0 && !request.quiet) io.stderr.write(`${io.describe({ kind: "torn_journal", bytes: scan.truncatedBytes })}\n`);
  const cache = cacheUsedOf(request, target) ? new DiskCache(cacheDir) : null;
  const caller = new ModelCaller({
    models: input.models,
    settings: callSettingsOf(plan),
    concurrencyOverride: concurrencyOverrideOf(request, target),
    cache,
    env: io.env,
    ...(io.timing ? { timing: io.timing } : {}),
  });
  interrupts.attach(caller);
  const record = recordFor(input, caller, cache, cacheDir, await input.git);
  // A shard counts its own slice (from the step ids alone), so a finished shard is "completed".
  const total = target.shard ? shardStepCount(plan, target.shard) : plan.stepCount;
  record.save("running", countsBefore(plan, scan, total), null);
  onSaved();
  const progress = createProgress(io.stderr, { quiet: request.quiet, ...(io.timing ? { now: () => io.timing?.now() ?? 0 } : {}) });
  // A small run keeps its records for responses.csv and its report (see HANDOFF_STEPS).
  const journal = Journal.open(journalPath, total <= HANDOFF_STEPS ? HANDOFF_STEPS : 0);
  const csv = { bom: request.bom ?? false, neutralize: request.neutralize ?? true };
  const stageSteps = new Set<string>();
  const journalCheck: { current: JournalCheck | null } = { current: null };
  const finalRecords: { current: StepRecord[] | null } = { current: null };
  const context = {
    ...stageContextFor(input, { caller, journal, journalPath, progress, csv, stageSteps }),
    takeJournalCheck: () => {
      const check = journalCheck.current;
      journalCheck.current = null; // held no longer than needed: it grows with the steps
      return check;
    },
    takeFinalRecords: () => {
      const records = finalRecords.current;
      finalRecords.current = null;
      return records;
    },
    shard: target.shard,
    judgeBatch: judgeBatcherFor(input, runDir, (message) => progress.note(`value-compass run: ${message}`), interrupts.signal),
  };
  const tally = new StageTally(
    (stage, message) => progress.note(io.describe({ kind: "stage_failed", stage, message })),
    (stage) => progress.enter(stage),
  );
  const ordered = modelMajorSteps(plan, deps.iterateSteps);
  const steps = target.shard ? shardSteps(ordered, target.shard) : ordered;
  const stages = deps.stages.filter((stage) => stage.appliesTo?.(plan) ?? true);
  const t0 = performance.now();
  // One line per stage: the answers to the static steps, then each stage's (adaptive steps on theirs).
  progress.declare(ANSWERS, { label: "answers", total, unit: "steps" });
  for (const stage of stages) progress.declare(stage.name, stage.display?.(plan) ?? { label: stage.name, total: 0, unit: "" });
  return {
    request,
    io,
    plan,
    steps,
    iterateStepIds: deps.iterateStepIds ?? deps.iterateSteps,
    journalCheck,
    finalRecords,
    stageSteps,
    stages,
    runDir,
    caller,
    cache,
    cacheDir,
    interrupts,
    record,
    journal,
    journalPath,
    scan,
    progress,
    context,
    tally,
    csv,
    planWritten,
    t0,
    total,
    freshSteps: () => (target.shard ? shardSteps(modelMajorSteps(plan, deps.iterateSteps), target.shard) : modelMajorSteps(plan, deps.iterateSteps)),
    models: input.models,
  };
}

function recordFor(input: StartInput, caller: ModelCaller, cache: DiskCache | null, cacheDir: string, git: GitInfo | null): RunRecord {
  const { request, target } = input;
  return new RunRecord({
    plan: input.plan,
    runDir: input.folder.runDir,
    runId: input.folder.runId,
    previous: target.previous,
    invocation: invocationOf(request, target, input.folder.runDir, cacheDir),
    git,
    retryFailed: request.retryFailed,
    models: input.models,
    roles: new Map(input.needs.map((n): [string, ModelRole] => [n.id, n.role])),
    caller,
    cache,
    startedAt: input.startedAt,
    ...(request.answers ? { answerInputs: request.answers.map((a) => ({ path: pathFrom(dirname(target.specPath), a.path), sha256: a.sha256 })) } : {}),
  });
}

interface StageParts {
  caller: ModelCaller;
  journal: Journal;
  journalPath: string;
  progress: RunProgress;
  csv: Required<CsvOptions>;
  /** Steps the stages journaled in this session (chosen at run time, so not in the plan's list). */
  stageSteps: Set<string>;
}

/** What the stages get to work with (see stages.ts). */
function stageContextFor(input: StartInput, { caller, journal, journalPath, progress, csv, stageSteps }: StageParts): StageContext {
  const { request, io } = input;
  return {
    plan: input.plan,
    runId: input.folder.runId,
    runDir: input.folder.runDir,
    caller,
    specDir: dirname(input.target.specPath),
    env: io.env,
    records: (model) => recordsOf(journalPath, model),
    journalStep: (record) => {
      journal.append(record);
      stageSteps.add(record.stepId);
      progress.current.done({ failed: record.error !== null, cached: record.cached });
    },
    progress: progress.current,
    retryFailed: request.retryFailed,
    csv,
    html: request.html ?? true,
    signal: input.interrupts.signal,
    note: (message) => progress.note(message),
    quiet: request.quiet,
    colour: io.stderr.isTTY === true && !io.env["NO_COLOR"],
  };
}

/**
 * plan.json is streamed while the steps run (it renders every step again; a run waiting on the
 * network has the time). A crash before it is complete leaves no plan.json: resume writes it.
 */
function writePlanWhileRunning(input: StartInput): Promise<PlanWritten> {
  const planPath = join(input.folder.runDir, PLAN_FILE);
  if (input.target.previous && existsSync(planPath)) return Promise.resolve(null);
  return input.deps.writePlan(input.plan, planPath).then(
    () => null,
    (error: unknown) => ({ message: error instanceof Error ? error.message : String(error), storage: storageFailureOf(withPath(error, planPath)) }),
  );
}

/** The static steps (afterModel between models), then the steps stages choose at run time. */
async function runSteps(run: ActiveRun): Promise<{ executed: ExecuteResult; prefetch: Prefetch }> {
  const { caller, interrupts, context, tally } = run;
  const prefetch = new Prefetch(run.stages);
  try {
    const afterModel = afterModelHook(run.stages, context, tally);
    const leaveAnswers = run.progress.enter(ANSWERS);
    let executed: ExecuteResult;
    try {
      await batchFirst(run);
      executed = await executeSteps({
        steps: run.steps,
        caller,
        journal: run.journal,
        done: run.scan.done,
        progress: run.progress.line(ANSWERS),
        interrupted: () => interrupts.interrupted,
        ...(afterModel ? { afterModel } : {}),
      });
    } finally {
      leaveAnswers();
    }
    // Steps chosen at run time (adaptive segments), while the journal is open.
    if (!interrupts.interrupted && !caller.fatal && executed.exhausted) await runStageHook("extraSteps", run.stages, context, tally);
    return { executed, prefetch };
  } finally {
    run.journal.close();
    interrupts.endGrace();
  }
}

/** `--batch` (or a resumed run that has batches) with an `openai:` judge: its calls go through the Batch API. */
function judgeBatcherFor(input: StartInput, runDir: string, note: (message: string) => void, signal: AbortSignal): JudgeBatcher | null {
  const settings = batchSettingsOf(input.request, runDir);
  const batchable = batchableJudges(input.models);
  if (settings === null || batchable.size === 0) return null;
  return {
    batchable: (id) => batchable.has(id),
    run: async (scope, requests) => {
      const outcome = await runJudgeBatches({ runDir, scope, requests, models: input.models, env: input.io.env, settings, note, signal });
      if (outcome.stop) note(`batch: ${outcome.stop.message}; the judge calls not answered by a batch are made live`);
      return outcome.answers;
    },
  };
}

function batchSettingsOf(request: RunRequest, runDir: string): BatchSettings | null {
  return request.batch ?? (existsSync(join(runDir, BATCH_DIR, BATCH_STATE_FILE)) ? DEFAULT_BATCH : null);
}

/**
 * `--batch` (or a resumed run that has batches): the openai: steps through the Batch API before the
 * executor, which then skips what the batches answered and runs the rest live.
 */
async function batchFirst(run: ActiveRun): Promise<void> {
  const settings = batchSettingsOf(run.request, run.runDir);
  if (settings === null || run.interrupts.interrupted) return;
  const answers = run.progress.line(ANSWERS);
  const outcome = await runBatches({
    runDir: run.runDir,
    steps: run.freshSteps(),
    done: run.scan.done,
    models: run.models,
    env: run.io.env,
    retries: run.plan.run.retries,
    settings,
    journalStep: (record) => {
      run.journal.append(record);
      answers.done({ failed: record.error !== null, cached: false });
    },
    note: (message) => run.progress.note(`value-compass run: ${message}`),
    signal: run.interrupts.signal,
  });
  if (outcome.stop) run.progress.note(`value-compass run: batch: ${outcome.stop.message}; the steps not answered by a batch run live`);
}

/** responses.csv (whatever happened: an interrupted run has it too), afterSteps, the final manifest. */
async function finishRun(run: ActiveRun, { executed, prefetch }: { executed: ExecuteResult; prefetch: Prefetch }): Promise<FinishedRun> {
  const { caller, interrupts, tally } = run;
  const interrupted = interrupts.interrupted;
  const fatal = caller.fatal;
  const planError = await run.planWritten;
  // A full disk stops the run here too (the tables would not fit either); other failures are noted.
  if (planError?.storage) throw new StorageError(planError.storage.path, planError.storage.code, planError.storage.reason);
  if (planError !== null) {
    tally.errors++;
    run.progress.note(run.io.describe({ kind: "plan_not_written", message: planError.message }));
  }
  const counts = await writeResponses(run, prefetch);
  if (!interrupted && !fatal && executed.exhausted) await runStageHook("afterSteps", run.stages, run.context, tally);
  run.journalCheck.current = null;
  run.finalRecords.current = null;
  run.progress.stop();
  const { status, stop } = endingOf(run, counts, fatal);
  run.record.end(status);
  run.record.save(status, counts, stop, [...EXECUTOR_FILES, ...tally.files.filter((f) => !EXECUTOR_FILES.includes(f))]);
  const writeError = run.cache?.writeError ?? null;
  return {
    runDir: run.runDir,
    status,
    counts,
    fatal: caller.fatal,
    doneBefore: executed.skipped,
    stageErrors: tally.errors,
    summaries: tally.summaries,
    elapsedSeconds: (performance.now() - run.t0) / 1000,
    stageTimes: run.progress.times(),
    cacheWriteError: writeError !== null ? { dir: run.cacheDir, message: writeError } : null,
    cacheRejected: cacheRejectedOf(run),
    writeFailure: null,
    dropped: tally.dropped,
  };
}

function cacheRejectedOf(run: ActiveRun): FinishedRun["cacheRejected"] {
  return run.cache && run.cache.rejected > 0 ? { count: run.cache.rejected, first: run.cache.firstRejected ?? run.cacheDir } : null;
}

/**
 * The run after a file could not be written: the journal is closed (a torn last line is what a
 * resume cuts), plan.json's temporary file is gone, and the manifest says "stopped" with the file and
 * the reason — when the disk takes that much; if not, the run still says so on stderr.
 */
async function stopOnWriteFailure(run: ActiveRun, failure: StorageFailure): Promise<FinishedRun> {
  run.journal.close();
  run.interrupts.endGrace();
  await run.planWritten;
  run.progress.stop();
  const counts = countsBefore(run.plan, recoverJournal(run.journalPath, { retryFailed: run.request.retryFailed }));
  const stop = { reason: "write_failed" as const, message: `cannot write ${pathFrom(run.runDir, failure.path)}: ${failure.reason} (${failure.code})` };
  run.record.end("stopped");
  let manifestSaved = true;
  try {
    run.record.save("stopped", counts, stop, [...EXECUTOR_FILES, ...run.tally.files.filter((f) => !EXECUTOR_FILES.includes(f))]);
  } catch {
    manifestSaved = false;
  }
  const writeError = run.cache?.writeError ?? null;
  return {
    runDir: run.runDir,
    status: "stopped",
    counts,
    fatal: null,
    stageTimes: [],
    doneBefore: run.scan.done.size,
    stageErrors: run.tally.errors,
    summaries: [],
    elapsedSeconds: (performance.now() - run.t0) / 1000,
    cacheWriteError: writeError !== null ? { dir: run.cacheDir, message: writeError } : null,
    cacheRejected: cacheRejectedOf(run),
    writeFailure: { ...failure, manifestSaved },
    dropped: run.tally.dropped,
  };
}

/**
 * How the run ended. `fatalAfterSteps`: the fatal stop when the steps ended; a judge may still trip one
 * while the stages work (the run is then "stopped" too), and an interrupt then counts as one.
 */
function endingOf(run: ActiveRun, counts: RunCounts, fatalAfterSteps: FatalStop | null): { status: FinishedRun["status"]; stop: Manifest["stop"] } {
  const stopNow = run.interrupts.interrupted && !fatalAfterSteps;
  const fatal = run.caller.fatal;
  const status = stopNow
    ? "interrupted"
    : fatalAfterSteps || fatal
      ? "stopped"
      : counts.failed > 0 || counts.remaining > 0 || run.tally.errors > 0 || run.tally.dropped.length > 0
        ? "completed_with_errors"
        : "completed";
  const stop = fatal
    ? { reason: "fatal" as const, message: fatal.message }
    : stopNow
      ? { reason: "interrupted" as const, message: "interrupted by the user" }
      : null;
  return { status, stop };
}

/**
 * Runs of up to this many static steps keep the records they journal in memory (about 0.5-3 KB a
 * step, most of it the answer): responses.csv is written from them instead of reading and parsing
 * the journal back (about 5 µs a step), and they are handed to the report stage, which would
 * otherwise read and parse the journal twice more (the tables, report.html's explorer): together
 * about 130 ms of CPU at 10,000 steps. Larger runs, which should not hold every answer, read the
 * journal as before.
 */
const HANDOFF_STEPS = 20_000;

/**
 * responses.csv from the journal, and the counts the manifest reports. The run_id column is the
 * folder's name, as in every table (`vc report` writes the same bytes).
 */
async function writeResponses(run: ActiveRun, prefetch: Prefetch): Promise<RunCounts> {
  const { plan, runDir } = run;
  const { writeResponsesCsv, writeResponsesCsvOf } = await prefetch.responsesWriter();
  // Journal lines that do not fit the plan (an edited or damaged journal, resumed) are left out and
  // named at the end of the run, as `vc report --salvage` does; the journal stays as it is.
  const journal = checkJournal(plan, join(runDir, JOURNAL_FILE), { iterate: run.iterateStepIds, stageSteps: run.stageSteps, ownFrom: run.journal.ownFrom });
  const checked = checkRunRecords(plan, runDir, { journalOnly: true, salvage: true, journal });
  // The journal is final now (stages write scores from here on): the report stage reuses this check.
  run.journalCheck.current = journal;
  const source = checked.ok ? checked.sourceDir : runDir;
  run.tally.drop(checked.ok ? checked.dropped : checked.problems);
  const csvPath = join(runDir, RESPONSES_FILE);
  // A journal this run wrote from its first line, that the check found nothing wrong with: its final
  // records are the ones the run kept as it wrote them (Journal.ownRecordsInPlanOrder).
  const own = checked.ok && checked.dropped.length === 0 ? run.journal.ownRecordsInPlanOrder() : null;
  if (own !== null) {
    const counted = writeResponsesCsvOf(plan, own, csvPath, basename(runDir), run.csv);
    run.finalRecords.current = own;
    return countsOf(run, counted);
  }
  const keep = run.total <= HANDOFF_STEPS && source === runDir ? [] : undefined;
  let counted: ReturnType<typeof writeResponsesCsv>;
  try {
    counted = writeResponsesCsv(plan, join(source, JOURNAL_FILE), csvPath, basename(runDir), run.csv, keep);
  } finally {
    if (source !== runDir) rmSync(source, { recursive: true, force: true });
  }
  run.finalRecords.current = keep ?? null;
  return countsOf(run, counted);
}

function countsOf(run: ActiveRun, counted: JournalCounts): RunCounts {
  const staticDone = counted.done - counted.adaptive;
  return { total: run.total + counted.adaptive, ...counted, remaining: Math.max(0, run.total - staticDone) };
}

function* recordsOf(journalPath: string, model: string | undefined) {
  for (const record of finalRecordsInPlanOrder(journalPath)) {
    if (model === undefined || record.model === model) yield record;
  }
}

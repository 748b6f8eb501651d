// `vc run` from a parsed command line to an exit code: resolve the run directory (new, or resume),
// compile, prepare every model, run the static steps (the stages score each model's answers after
// them), let the stages run the adaptive segments, write responses.csv, let the stages write the
// reports, write the manifest. The spec loader, the plan writer and the provider factory come in as
// dependencies so that tests can run the whole pipeline in-process with fakes.

import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Plan, PlanModel, PlanStep } from "../core/plan.js";
import { planModelFromId } from "../providers/model-id.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import { DiskCache } from "../run/cache.js";
import { callSettingsOf, describeFatal, ModelCaller, type CallerModel } from "../run/calls.js";
import { defaultEndpoint } from "../run/endpoints.js";
import { executeSteps } from "../run/execute.js";
import { finalRecordsInPlanOrder, Journal, JOURNAL_FILE, recoverJournal } from "../run/journal.js";
import {
  buildManifest,
  gitInfo,
  MANIFEST_FILE,
  readManifest,
  writeManifest,
  type GitInfo,
  type Invocation,
  type Manifest,
  type ManifestModelInput,
  type ModelRole,
  type RunCounts,
  type RunStatus,
  type Session,
} from "../run/manifest.js";
import { createProgress, createPullProgress, formatDuration, type ProgressStream } from "../run/progress.js";
import { adaptiveStepBound, generationModels } from "../adaptive/rules.js";
import { SCORES_FILE } from "../run/score-journal.js";
import { countScores, judgeModelsOf } from "../run/scoring-plan.js";
import { CACHE_DIR_NAME, lockRunDir, makeRunId, projectRoot, RESPONSES_FILE } from "../run/rundir.js";
import { modelMajorSteps } from "../run/scheduler.js";
import type { RunStage, StageContext, StageReport } from "./stages.js";
import type { Timing } from "../run/timing.js";
import { packageVersion } from "../run/version.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INTERRUPTED = 130;

export const PLAN_FILE = "plan.json";

/** The command line, parsed. */
export interface RunRequest {
  /** The spec as given (relative to cwd), or null with --resume. */
  spec: string | null;
  models: string[];
  judge: string | null;
  set: Record<string, string>;
  out: string | null;
  concurrency: number | null;
  cache: boolean;
  cacheDir: string | null;
  resume: string | null;
  pull: boolean;
  quiet: boolean;
  retryFailed: boolean;
  /** Write a UTF-8 byte-order mark at the start of every CSV file (`--bom`). Default false. */
  bom?: boolean;
  /** Prefix text cells a spreadsheet would run as a formula with ' (default true; `--no-neutralize`). */
  neutralize?: boolean;
  /** `--json-io`: exec models get the request as JSON on stdin. Default false. */
  jsonIo?: boolean;
}

export type CompileOutcome = { ok: true; plan: Plan } | { ok: false; output: string };

export interface CompileOptions {
  cwd: string;
  set: Record<string, string>;
  models: string[];
  judge: string | null;
  jsonIo: boolean;
}

/** Interrupt sources: process signals in the CLI, a test's trigger in tests. */
export interface Signals {
  /** Calls `handler` on each interrupt until the returned function is called. */
  listen(handler: () => void): () => void;
}

export interface RunDeps {
  /** Load, check and compile the spec; diagnostics come back as printable text. */
  compile(specPath: string, options: CompileOptions): Promise<CompileOutcome>;
  iterateSteps(plan: Plan): Iterable<PlanStep>;
  writePlan(plan: Plan, path: string): Promise<void>;
  /** `specDir`: the entry spec's folder (exec: commands run there). */
  createProvider(model: PlanModel, env: ProviderEnv, specDir: string): Provider;
  stages: readonly RunStage[];
}

export interface RunIO {
  cwd: string;
  env: ProviderEnv;
  stdout: ProgressStream;
  stderr: ProgressStream;
  signals: Signals;
  /** Injected clock for the call layer (tests). */
  timing?: Timing;
  /** How long an interrupted run waits for requests in flight before aborting them. */
  graceMs?: number;
}

const GRACE_MS = 5_000;

export async function runPipeline(request: RunRequest, deps: RunDeps, io: RunIO): Promise<number> {
  const err = (line: string) => io.stderr.write(`${line}\n`);

  // --- Which run: new, or an existing directory to resume ---------------------------------------
  let previous: Manifest | null = null;
  let runDir: string | null = null;
  if (request.resume !== null) {
    runDir = resolve(io.cwd, request.resume);
    const read = readManifest(join(runDir, MANIFEST_FILE));
    if (!read.ok) {
      err(`value-compass run: cannot resume ${request.resume}: ${read.message} (is it a run directory?)`);
      return EXIT_FAILED;
    }
    previous = read.manifest;
  } else if (request.out !== null) {
    const out = resolve(io.cwd, request.out);
    if (existsSync(join(out, MANIFEST_FILE))) {
      const read = readManifest(join(out, MANIFEST_FILE));
      if (!read.ok) {
        err(`value-compass run: --out ${request.out}: ${read.message}`);
        return EXIT_FAILED;
      }
      previous = read.manifest;
    } else if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
      err(`value-compass run: --out ${request.out} exists and is not a run directory (no ${MANIFEST_FILE}); choose an empty or new folder`);
      return EXIT_FAILED;
    }
    runDir = out;
  }

  const specArg = request.spec ?? (previous && runDir ? resolve(runDir, previous.invocation.spec) : null);
  if (specArg === null) {
    err("value-compass run: which spec? usage: value-compass run SPEC [options] or value-compass run --resume RUN_DIR");
    return 2;
  }
  const specPath = resolve(io.cwd, specArg);
  // Two git processes: started now, they finish while the spec compiles and the models are prepared.
  const gitPromise = gitInfo(dirname(specPath));
  const models = request.models.length > 0 ? request.models : (previous?.invocation.models ?? []);
  const judge = request.judge ?? previous?.invocation.judge ?? null;
  const set = Object.keys(request.set).length > 0 ? request.set : (previous?.invocation.set ?? {});

  // --- Compile ------------------------------------------------------------------------------------
  const jsonIo = request.jsonIo === true || previous?.invocation.jsonIo === true;
  const compiled = await deps.compile(specPath, { cwd: io.cwd, set, models, judge, jsonIo });
  if (!compiled.ok) {
    io.stderr.write(compiled.output.endsWith("\n") ? compiled.output : `${compiled.output}\n`);
    return EXIT_FAILED;
  }
  const plan = compiled.plan;
  const stages = deps.stages.filter((stage) => stage.appliesTo?.(plan) ?? true);
  if (previous && previous.spec.planHash !== plan.hash) {
    err(`value-compass run: ${displayPath(io.cwd, runDir ?? "")} was started from a different plan (plan hash ${previous.spec.planHash.slice(0, 12)}, now ${plan.hash.slice(0, 12)}).`);
    const changed = changedInputs(previous, plan);
    if (changed.length > 0) err(`  changed since then: ${changed.join(", ")}`);
    err("  Start a new run (leave out --resume/--out), or restore the spec and its files.");
    return EXIT_FAILED;
  }

  // --- Interrupts (installed before prepare: a pull can take a while) -----------------------------
  const stopController = new AbortController();
  let interrupts = 0;
  let caller: ModelCaller | null = null;
  let graceTimer: NodeJS.Timeout | null = null;
  let note: (message: string) => void = err;
  const unlisten = io.signals.listen(() => {
    interrupts++;
    if (interrupts === 1) {
      stopController.abort();
      caller?.stop();
      const open = caller?.inFlight ?? 0;
      const grace = io.graceMs ?? GRACE_MS;
      note(
        open > 0
          ? `value-compass run: interrupted — waiting up to ${formatDuration(grace / 1000)} for ${open} request${open === 1 ? "" : "s"} in flight (Ctrl-C again to abort them)`
          : "value-compass run: interrupted — stopping",
      );
      graceTimer = setTimeout(() => caller?.abort(), grace);
      graceTimer.unref();
    } else {
      note("value-compass run: aborting the requests in flight");
      caller?.abort();
    }
  });

  const providers: Provider[] = [];
  let lockRelease: (() => void) | null = null;
  try {
    // --- Prepare every model before any step runs ------------------------------------------------
    const needed = modelsOfPlan(plan);
    const entries: CallerModel[] = [];
    const roles = new Map<string, ModelRole>();
    for (const { id, role } of needed) {
      const model = plan.models.find((m) => m.id === id) ?? plan.modelSettings.find((m) => m.id === id) ?? modelFromIdOrNull(id);
      if (!model) {
        err(`value-compass run: unknown model id '${id}'`);
        return EXIT_FAILED;
      }
      roles.set(id, role);
      const provider = deps.createProvider(model, io.env, dirname(specPath));
      providers.push(provider);
      const pull = createPullProgress(io.stderr, id, request.quiet);
      const prepared = await provider.prepare({
        pull: request.pull,
        onPullProgress: (status, completed, total) => pull.update(status, completed, total),
        signal: stopController.signal,
      });
      pull.stop();
      if (interrupts > 0) {
        err("value-compass run: interrupted before the run started");
        return EXIT_INTERRUPTED;
      }
      if (!prepared.ok) {
        const endpoint = defaultEndpoint(model, io.env);
        const f = prepared.failure;
        const message =
          f.kind === "unreachable" || f.kind === "auth" || f.kind === "not_found"
            ? describeFatal(model, endpoint, f)
            : `cannot prepare ${id}: ${f.kind}${f.message ? ` (${f.message})` : ""}`;
        err(`value-compass run: ${message}`);
        if (previous && runDir) err(`  Nothing was run. Resume later with: ${resumeCommand(io.cwd, runDir)}`);
        return EXIT_FAILED;
      }
      entries.push({ model, provider, info: prepared.info });
    }

    // --- The run directory ------------------------------------------------------------------------
    const startedAt = new Date();
    let runId = previous?.runId ?? makeRunId(startedAt, plan.hash);
    if (runDir === null) {
      const base = join(io.cwd, "outputs", plan.name);
      runDir = join(base, runId);
      for (let n = 2; existsSync(runDir); n++) runDir = join(base, `${runId}-${n}`);
      runId = basenameOf(runDir);
    }
    mkdirSync(runDir, { recursive: true });
    const lock = lockRunDir(runDir);
    if (!lock.ok) {
      err(`value-compass run: ${lock.message}`);
      return EXIT_FAILED;
    }
    lockRelease = lock.release;
    const planPath = join(runDir, PLAN_FILE);
    // plan.json is streamed while the steps run (it renders every step again; a run waiting on the
    // network has the time). A crash before it is complete leaves no plan.json: resume writes it.
    const planWritten: Promise<string | null> =
      !previous || !existsSync(planPath)
        ? deps.writePlan(plan, planPath).then(
            () => null,
            (error: unknown) => (error instanceof Error ? error.message : String(error)),
          )
        : Promise.resolve(null);

    const cacheDir = request.cacheDir
      ? resolve(io.cwd, request.cacheDir)
      : previous?.invocation.cacheDir
        ? resolve(runDir, previous.invocation.cacheDir)
        : join(projectRoot(dirname(specPath)), CACHE_DIR_NAME);
    const concurrencyOverride = request.concurrency ?? previous?.invocation.concurrency ?? null;
    const invocation: Invocation = {
      spec: pathFrom(runDir, specPath),
      models,
      judge,
      set,
      concurrency: concurrencyOverride,
      cache: request.cache,
      cacheDir: pathFrom(runDir, cacheDir),
      ...(jsonIo ? { jsonIo: true } : {}),
    };

    // --- Journal, cache, caller ---------------------------------------------------------------------
    const journalPath = join(runDir, JOURNAL_FILE);
    const scan = recoverJournal(journalPath, { retryFailed: request.retryFailed });
    if (scan.truncatedBytes > 0 && !request.quiet) {
      err(`value-compass run: the journal ended in a torn line (a crash mid-write); cut ${scan.truncatedBytes} bytes, that step runs again`);
    }
    const cache = request.cache ? new DiskCache(cacheDir) : null;
    caller = new ModelCaller({
      models: entries,
      settings: callSettingsOf(plan),
      concurrencyOverride,
      cache,
      env: io.env,
      ...(io.timing ? { timing: io.timing } : {}),
    });
    const activeCaller = caller;
    activeCaller.onFatal(() => stopController.abort());

    const git: GitInfo | null = await gitPromise;
    const sessions: Session[] = [...(previous?.sessions ?? [])];
    const session: Session = { startedAt: startedAt.toISOString(), endedAt: null, status: "running", calls: 0, cacheHits: 0 };
    sessions.push(session);
    const manifestModels = (): ManifestModelInput[] =>
      entries.map((e) => ({
        id: e.model.id,
        provider: e.model.provider,
        name: e.model.name,
        role: roles.get(e.model.id) ?? "evaluated",
        info: e.info,
        fingerprints: activeCaller.fingerprints(e.model.id),
      }));
    const manifestPath = join(runDir, MANIFEST_FILE);
    const executorFiles = [PLAN_FILE, MANIFEST_FILE, JOURNAL_FILE, RESPONSES_FILE];
    const scoresPath = join(runDir, SCORES_FILE);
    const saveManifest = (status: RunStatus, counts: RunCounts, stop: Manifest["stop"], files: string[] = executorFiles) =>
      writeManifest(
        manifestPath,
        buildManifest({
          runId,
          status,
          plan,
          invocation,
          toolVersion: packageVersion(),
          git,
          models: manifestModels(),
          concurrency: concurrencyOverride ?? plan.run.concurrency,
          retryFailed: request.retryFailed,
          sessions,
          counts,
          stop,
          files,
          scoring: existsSync(scoresPath) ? countScores(scoresPath) : null,
          rescores: previous?.rescores ?? [],
        }),
      );
    const doneBefore = scan.done.size;
    saveManifest(
      "running",
      {
        total: plan.stepCount,
        done: scan.steps,
        succeeded: scan.steps - scan.failed.size,
        failed: scan.failed.size,
        cached: scan.cached,
        retried: scan.retried,
        adaptive: 0,
        remaining: Math.max(0, plan.stepCount - scan.steps),
      },
      null,
    );

    // --- Steps --------------------------------------------------------------------------------------
    const progress = createProgress(io.stderr, { quiet: request.quiet });
    note = (message) => progress.note(message);
    const journal = Journal.open(journalPath);
    const csv = { bom: request.bom ?? false, neutralize: request.neutralize ?? true };
    const stageContext: StageContext = {
      plan,
      runId,
      runDir,
      caller: activeCaller,
      specDir: dirname(specPath),
      env: io.env,
      records: (model) => recordsOf(journalPath, model),
      journalStep: (record) => {
        journal.append(record);
        progress.stepDone({ failed: record.error !== null, cached: record.cached });
      },
      retryFailed: request.retryFailed,
      csv,
      signal: stopController.signal,
      note: (message) => progress.note(message),
      quiet: request.quiet,
      colour: io.stderr.isTTY === true && !io.env["NO_COLOR"],
    };
    let stageErrors = 0;
    const stageFailed = (stage: RunStage, error: unknown) => {
      stageErrors++;
      progress.note(`value-compass run: stage ${stage.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    };
    const stagesWithAfterModel = stages.filter((s) => s.afterModel);
    const t0 = performance.now();
    // Adaptive segments add steps at run time: the display counts the most they can take.
    progress.start(plan.stepCount + adaptiveStepBound(plan), doneBefore);
    const stageFiles: string[] = [];
    const summaries: string[] = [];
    const took = (report: StageReport) => {
      stageErrors += report.errors;
      stageFiles.push(...report.files);
      if (report.summary) summaries.push(report.summary);
    };
    // Scorers, analyses and CSV writing load while the first steps wait on the network: after the
    // executor has sent them (setImmediate), not before, so that loading does not delay the run's start.
    let responsesModule: Promise<typeof import("../report/responses.js")> | null = null;
    const prefetch = setImmediate(() => {
      for (const stage of stages) stage.prefetch?.();
      responsesModule = import("../report/responses.js");
      responsesModule.catch(() => undefined);
    });
    let executed;
    try {
      executed = await executeSteps({
        steps: modelMajorSteps(plan, deps.iterateSteps),
        caller: activeCaller,
        journal,
        done: scan.done,
        progress,
        interrupted: () => interrupts > 0,
        ...(stagesWithAfterModel.length > 0
          ? {
              afterModel: async (model: string) => {
                for (const stage of stagesWithAfterModel) {
                  if (stopController.signal.aborted) return;
                  try {
                    await stage.afterModel?.(stageContext, model);
                  } catch (error) {
                    stageFailed(stage, error);
                  }
                }
              },
            }
          : {}),
      });
      // Steps chosen at run time (adaptive segments), while the journal is open.
      if (interrupts === 0 && !activeCaller.fatal && executed.exhausted) {
        for (const stage of stages) {
          if (!stage.extraSteps || stopController.signal.aborted) continue;
          try {
            took(await stage.extraSteps(stageContext));
          } catch (error) {
            stageFailed(stage, error);
          }
        }
      }
    } finally {
      journal.close();
      if (graceTimer) clearTimeout(graceTimer);
    }

    const interrupted = interrupts > 0;
    const fatal = activeCaller.fatal;
    const planError = await planWritten;
    if (planError !== null) {
      stageErrors++;
      progress.note(`value-compass run: could not write ${PLAN_FILE}: ${planError}`);
    }
    // responses.csv: written here, whatever happens next, so an interrupted run has it too. The
    // run_id column is the folder's name, as in every table (`vc report` writes the same bytes).
    clearImmediate(prefetch);
    const { writeResponsesCsv } = await (responsesModule ?? import("../report/responses.js"));
    const counted = writeResponsesCsv(plan, journalPath, join(runDir, RESPONSES_FILE), basename(runDir), csv);
    const staticDone = counted.done - counted.adaptive;
    const counts: RunCounts = {
      total: plan.stepCount + counted.adaptive,
      ...counted,
      remaining: Math.max(0, plan.stepCount - staticDone),
    };
    if (!interrupted && !fatal && executed.exhausted) {
      for (const stage of stages) {
        if (!stage.afterSteps || stopController.signal.aborted) continue;
        try {
          took(await stage.afterSteps(stageContext));
        } catch (error) {
          stageFailed(stage, error);
        }
      }
    }
    progress.stop();

    // --- Outputs --------------------------------------------------------------------------------------
    const stopNow = interrupts > 0 && !fatal;
    const status: RunStatus = stopNow
      ? "interrupted"
      : fatal || activeCaller.fatal
        ? "stopped"
        : counts.failed > 0 || counts.remaining > 0 || stageErrors > 0
          ? "completed_with_errors"
          : "completed";
    session.endedAt = new Date().toISOString();
    session.status = status;
    session.calls = activeCaller.stats.calls;
    session.cacheHits = activeCaller.stats.cacheHits;
    const finalFatal = activeCaller.fatal;
    saveManifest(
      status,
      counts,
      finalFatal
        ? { reason: "fatal", message: finalFatal.message }
        : stopNow
          ? { reason: "interrupted", message: "interrupted by the user" }
          : null,
      [...executorFiles, ...stageFiles.filter((f) => !executorFiles.includes(f))],
    );
    if (cache?.writeError && !request.quiet) err(`value-compass run: could not write to the cache ${cacheDir}: ${cache.writeError}`);

    // --- What the user reads ------------------------------------------------------------------------
    const elapsed = formatDuration((performance.now() - t0) / 1000);
    const resume = resumeCommand(io.cwd, runDir);
    if (finalFatal) {
      err(`value-compass run: stopped: ${finalFatal.message}`);
      err(`  ${counts.done} of ${counts.total} steps are done. After fixing this, resume with: ${resume}`);
    } else if (stopNow) {
      err(`value-compass run: interrupted; ${counts.done} of ${counts.total} steps are done. Resume with: ${resume}`);
    } else {
      if (!request.quiet) {
        const extra = [
          counts.cached ? `${counts.cached} from the cache` : "",
          counts.retried ? `${counts.retried} retried` : "",
          executed.skipped ? `${executed.skipped} done before` : "",
        ].filter(Boolean);
        err(`value-compass run: ${counts.done} steps in ${elapsed}${extra.length ? ` (${extra.join(", ")})` : ""}`);
      }
      if (counts.failed > 0) {
        err(`value-compass run: ${counts.failed} of ${counts.total} steps failed (see the error column of ${RESPONSES_FILE}); retry them with: ${resume} --retry-failed`);
      }
      if (stageErrors > 0) err(`value-compass run: ${stageErrors} error${stageErrors === 1 ? "" : "s"} in later stages (see above)`);
      if (!request.quiet) for (const summary of summaries) io.stderr.write(summary.endsWith("\n") ? summary : `${summary}\n`);
    }
    io.stdout.write(`${displayPath(io.cwd, runDir)}\n`);
    if (status === "interrupted") return EXIT_INTERRUPTED;
    return status === "completed" ? EXIT_OK : EXIT_FAILED;
  } finally {
    unlisten();
    if (graceTimer) clearTimeout(graceTimer);
    lockRelease?.();
    await Promise.all(providers.map((p) => p.close().catch(() => undefined)));
  }
}

/** Every model the run calls: the evaluated ones, the judges its scorers use, then item generators. */
export function modelsOfPlan(plan: Plan): Array<{ id: string; role: ModelRole }> {
  const out: Array<{ id: string; role: ModelRole }> = [];
  const seen = new Set<string>();
  const add = (id: string, role: ModelRole) => {
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, role });
  };
  for (const segment of plan.segments) for (const model of segment.models) add(model, "evaluated");
  for (const id of judgeModelsOf(plan)) add(id, "judge");
  for (const { id, role } of generationModels(plan)) add(id, role);
  return out;
}

function modelFromIdOrNull(id: string): PlanModel | null {
  const parsed = planModelFromId(id);
  return parsed.ok ? parsed.model : null;
}

function* recordsOf(journalPath: string, model: string | undefined) {
  for (const record of finalRecordsInPlanOrder(journalPath)) {
    if (model === undefined || record.model === model) yield record;
  }
}

function changedInputs(previous: Manifest, plan: Plan): string[] {
  const before = new Map(previous.spec.inputs.map((i) => [i.path, i.sha256]));
  const after = new Map(plan.inputs.map((i) => [i.path, i.sha256]));
  const changed: string[] = [];
  for (const [path, sha] of after) if (before.get(path) !== sha) changed.push(before.has(path) ? path : `${path} (new)`);
  for (const path of before.keys()) if (!after.has(path)) changed.push(`${path} (gone)`);
  return changed;
}

function basenameOf(dir: string): string {
  return dir.split(sep).filter(Boolean).pop() ?? dir;
}

/**
 * `target` relative to `from` when they share a top-level folder (a project moved as a whole keeps
 * working), else absolute (a path that climbs to / and down again helps nobody).
 */
function pathFrom(from: string, target: string): string {
  const top = (p: string) => resolve(p).split(sep).filter(Boolean)[0];
  return top(from) === top(target) ? portable(relative(from, target)) : portable(resolve(target));
}

function portable(path: string): string {
  return path.split(sep).join("/");
}

/** Relative to the working directory when the run lives below it, else absolute. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? portable(rel) : path;
}

export function resumeCommand(cwd: string, runDir: string): string {
  const shown = displayPath(cwd, runDir);
  return `value-compass run --resume ${/^[\w./@%+=:,-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, "'\\''")}'`}`;
}

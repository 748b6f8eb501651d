// What `vc run` is asked and what it answers: the parsed command line, the dependencies the CLI
// (or a test) wires in, the streams and signals, the notices it shows while working, and its outcome —
// a typed failure before any step, or how the run ended. src/cli words them and picks the exit code.

import type { Plan, PlanModel, PlanStep, SelectionRequest } from "../core/plan.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import type { FatalStop } from "../run/calls.js";
import type { RunCounts, RunStatus } from "../run/manifest.js";
import type { ProgressStream, StageTime } from "../run/progress.js";
import type { ShardSpec } from "../run/shard.js";
import type { BatchSettings } from "./batch-stage.js";
import type { Timing } from "../run/timing.js";
import type { Signals } from "./interrupts.js";
import type { RecordProblem } from "./run-integrity.js";
import type { PrepareFailure } from "./models.js";
import type { StorageFailure } from "../core/storage-error.js";
import type { FolderFailure, LockFailure, PlanChanged, TargetFailure } from "./run-target.js";
import type { ExecNotAllowed } from "./trust.js";
import type { RunStage } from "./stages.js";

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
  /** `--shard K/N` (resolved from the environment for `auto`): run only this slice of the plan. */
  shard?: ShardSpec | null;
  /** `--batch`: `openai:` models' steps go through the Batch API (null/absent: live calls). */
  batch?: BatchSettings | null;
  /** `--allow-exec`: run the commands the spec declares without a trust entry (docs/security.md). */
  allowExec?: boolean;
  /** Write report.html at the end (default true; `--no-html`). */
  html?: boolean;
  /** `--cultures`, `--limit`, …: the subset to run (absent: the spec's `select`, else everything). */
  select?: SelectionRequest;
  /** `score --answers`: the answers files (absolute paths) the evaluated models' answers come from. */
  answers?: Array<{ path: string; sha256: string; format: string }>;
}

/** `commandLine`: the errors are all in the command line (`--set`, `--model`, …): exit 2, not 1. */
export type CompileOutcome =
  | {
      ok: true;
      plan: Plan;
      /** Where each string is written (file, line): the model ids and commands asked for, to show where a command comes from. */
      sites?: ReadonlyMap<string, Array<{ file: string; line: number }>>;
    }
  | { ok: false; output: string; commandLine?: boolean };

export interface CompileOptions {
  cwd: string;
  set: Record<string, string>;
  models: string[];
  judge: string | null;
  jsonIo: boolean;
  select?: SelectionRequest;
}

export interface RunDeps {
  /** Load, check and compile the spec; diagnostics come back as printable text. */
  compile(specPath: string, options: CompileOptions): Promise<CompileOutcome>;
  iterateSteps(plan: Plan): Iterable<PlanStep>;
  /** The steps' ids and indexes alone (cheaper: nothing rendered); iterateSteps when absent. */
  iterateStepIds?(plan: Plan): Iterable<Pick<PlanStep, "id" | "index">>;
  writePlan(plan: Plan, path: string): Promise<void>;
  /** `specDir`: the entry spec's folder (exec: commands run there). */
  createProvider(model: PlanModel, env: ProviderEnv, specDir: string): Provider;
  stages: readonly RunStage[];
}

/** Something the run tells the user while it works; the CLI supplies the words (`RunIO.describe`). */
export type RunNotice =
  | { kind: "interrupted"; inFlight: number; graceMs: number }
  | { kind: "aborting" }
  | { kind: "torn_journal"; bytes: number }
  | { kind: "stale_lock"; pid: number; reason: "gone" | "reused" | "unreadable" }
  | { kind: "stage_failed"; stage: string; message: string }
  | { kind: "plan_not_written"; message: string }
  | { kind: "validating"; examples: number };

export interface RunIO {
  cwd: string;
  env: ProviderEnv;
  /** The progress display and the run's notices go here. */
  stderr: ProgressStream;
  signals: Signals;
  /** The line shown for a notice. */
  describe(notice: RunNotice): string;
  /** Injected clock for the call layer and the progress display (tests). */
  timing?: Timing;
  /** How long an interrupted run waits for requests in flight before aborting them. */
  graceMs?: number;
}

/** Why nothing was run. */
export type RunFailure =
  | TargetFailure
  | { kind: "compile_failed"; output: string; commandLine?: boolean }
  | PlanChanged
  /** The spec declares commands nobody allowed (no --allow-exec, no trust entry). */
  | ExecNotAllowed
  | Exclude<PrepareFailure, { kind: "model_unavailable" }>
  /** `resumeDir`: the run that can be resumed once the model is there (null for a new run). */
  | (Extract<PrepareFailure, { kind: "model_unavailable" }> & { resumeDir: string | null })
  | LockFailure
  /** A gold set's `require` does not hold (src/app/validate-stage.ts): no step was run. */
  | { kind: "judge_not_validated"; runDir: string; summary: string; files: string[] }
  /** The validate stage could not finish (interrupted, a judge failed for good, a write error). */
  | { kind: "validation_failed"; runDir: string; message: string }
  | FolderFailure
  /**
   * A file of the run could not be written before its first step (a full disk, a folder that turned
   * read-only). `resumable`: the folder has a manifest, so `--resume` continues it; else start again.
   */
  | { kind: "write_failed"; runDir: string; specPath: string; failure: StorageFailure; resumable: boolean };

/** A file the run could not write, which stopped it; `manifestSaved`: the manifest records the stop. */
export type WriteFailure = StorageFailure & { manifestSaved: boolean };

/** How a run that started its steps ended. */
export interface FinishedRun {
  runDir: string;
  status: Exclude<RunStatus, "running">;
  counts: RunCounts;
  /** The fatal failure that stopped the run. */
  fatal: FatalStop | null;
  /** Steps journaled by an earlier session of the run. */
  doneBefore: number;
  /** Errors the stages recorded or threw. */
  stageErrors: number;
  /** The stages' texts for the user (leaderboard, …). */
  summaries: string[];
  elapsedSeconds: number;
  /** Every stage that ran (answers, scoring, adaptive, reports), in order: its working time and units done. */
  stageTimes: StageTime[];
  /** The response cache could not be written (the run went on without it). */
  cacheWriteError: { dir: string; message: string } | null;
  /** Cache entries refused because their digest did not match (edited or corrupted); the first one's file. */
  cacheRejected: { count: number; first: string } | null;
  /** The disk or the folder refused a file of the run (status "stopped"): resume once that is fixed. */
  writeFailure: WriteFailure | null;
  /** Journal and score records that do not fit the plan, left out of the tables (file:line: what is wrong). */
  dropped: RecordProblem[];
}

export type RunOutcome = { ok: true; run: FinishedRun } | { ok: false; failure: RunFailure };

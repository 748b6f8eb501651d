// What `vc run` is asked and what it answers: the parsed command line, the dependencies the CLI
// (or a test) wires in, the streams and signals, the notices it shows while working, and its outcome —
// a typed failure before any step, or how the run ended. src/cli words them and picks the exit code.

import type { Plan, PlanModel, PlanStep } from "../core/plan.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import type { FatalStop } from "../run/calls.js";
import type { RunCounts, RunStatus } from "../run/manifest.js";
import type { ProgressStream } from "../run/progress.js";
import type { ShardSpec } from "../run/shard.js";
import type { BatchSettings } from "./batch-stage.js";
import type { Timing } from "../run/timing.js";
import type { Signals } from "./interrupts.js";
import type { PrepareFailure } from "./models.js";
import type { LockFailure, PlanChanged, TargetFailure } from "./run-target.js";
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
}

export type CompileOutcome = { ok: true; plan: Plan } | { ok: false; output: string };

export interface CompileOptions {
  cwd: string;
  set: Record<string, string>;
  models: string[];
  judge: string | null;
  jsonIo: boolean;
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

/** Something the run tells the user while it works; the CLI supplies the words (`RunIO.describe`). */
export type RunNotice =
  | { kind: "interrupted"; inFlight: number; graceMs: number }
  | { kind: "aborting" }
  | { kind: "torn_journal"; bytes: number }
  | { kind: "stage_failed"; stage: string; message: string }
  | { kind: "plan_not_written"; message: string };

export interface RunIO {
  cwd: string;
  env: ProviderEnv;
  /** The progress display and the run's notices go here. */
  stderr: ProgressStream;
  signals: Signals;
  /** The line shown for a notice. */
  describe(notice: RunNotice): string;
  /** Injected clock for the call layer (tests). */
  timing?: Timing;
  /** How long an interrupted run waits for requests in flight before aborting them. */
  graceMs?: number;
}

/** Why nothing was run. */
export type RunFailure =
  | TargetFailure
  | { kind: "compile_failed"; output: string }
  | PlanChanged
  | Exclude<PrepareFailure, { kind: "model_unavailable" }>
  /** `resumeDir`: the run that can be resumed once the model is there (null for a new run). */
  | (Extract<PrepareFailure, { kind: "model_unavailable" }> & { resumeDir: string | null })
  | LockFailure;

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
  /** The response cache could not be written (the run went on without it). */
  cacheWriteError: { dir: string; message: string } | null;
}

export type RunOutcome = { ok: true; run: FinishedRun } | { ok: false; failure: RunFailure };

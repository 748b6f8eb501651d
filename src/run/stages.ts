// Where later stages plug into a run. The executor answers the steps; a stage does more with the
// answers: scoring (judge calls through the same ModelCaller, so they share the cache, the limits and
// the fatal circuit), and later the tables. Register a stage by adding it to `runStages` below.
//
// `afterModel` runs after every step of one model has finished and before the next model's steps
// start (model-major order): on a local Ollama server the judge runs between two evaluated models
// instead of interleaving with them. It also runs, on resume, for a model whose steps were all done
// before, so a stage must be idempotent (skip what its own journal already holds).
// `afterSteps` runs once, after all steps, and not when the run was interrupted or stopped.

import type { Plan } from "../compile/plan.js";
import type { ProviderEnv } from "../providers/types.js";
import type { ModelCaller } from "./calls.js";
import type { StepRecord } from "./records.js";

export interface StageContext {
  plan: Plan;
  runId: string;
  runDir: string;
  /**
   * Judge calls: `caller.call(judgeModelId, request)` (the judge models were prepared up front); it
   * fits the scorers' `ScorerDeps.callJudge` as is: `callJudge: (id, req) => ctx.caller.call(id, req)`.
   */
  caller: ModelCaller;
  /** The entry spec's folder (exec scorers run there) and the environment (for exec scorers). */
  specDir: string;
  env: ProviderEnv;
  /** The final record of every journaled step, in plan order, optionally of one model only. */
  records(model?: string): Iterable<StepRecord>;
  /** Aborts on the first interrupt or a fatal failure: finish what is in hand and return. */
  signal: AbortSignal;
  /** A line for the user (stderr, above the progress bar). */
  note(message: string): void;
  quiet: boolean;
}

export interface StageReport {
  /** Errors the stage recorded (e.g. scoring errors): the run then exits 1. */
  errors: number;
  /** Files it wrote, relative to the run directory. */
  files: string[];
}

export interface RunStage {
  name: string;
  afterModel?(ctx: StageContext, model: string): Promise<void>;
  afterSteps?(ctx: StageContext): Promise<StageReport>;
}

/** The stages of `vc run`, in order. Scoring goes here. */
export const runStages: RunStage[] = [];

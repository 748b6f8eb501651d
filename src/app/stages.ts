// Where later stages plug into a run. The executor answers the static steps; a stage does more with
// the answers: scoring (judge calls through the same ModelCaller, so they share the cache, the limits
// and the fatal circuit), adaptive segments (steps chosen one at a time at run time), and the tables.
// The stages of `vc run` are listed in `runStages` below, in the order their hooks run.
//
// `afterModel` runs after every step of one model has finished and before the next model's steps
// start (model-major order): on a local Ollama server the judge runs between two evaluated models
// instead of interleaving with them. It also runs, on resume, for a model whose steps were all done
// before, so a stage must be idempotent (skip what its own journal already holds).
// `extraSteps` runs once after the static steps, while the journal is still open: a stage may run
// further steps there (adaptive segments) and journal them with `ctx.journalStep`. Not run when the
// static steps were interrupted or stopped.
// `afterSteps` runs once, after all steps, and not when the run was interrupted or stopped.

import type { Plan } from "../core/plan.js";
import type { CsvOptions } from "../report/csv.js";
import type { ChatResult, ProviderEnv } from "../providers/types.js";
import type { ModelCaller } from "../run/calls.js";
import type { JudgeBatchRequest } from "./batch-stage.js";
import type { ShardSpec } from "../run/shard.js";
import type { StepRecord } from "../core/records.js";
import type { StageDisplay, StageLine } from "../run/progress.js";
import { adaptiveStepBound } from "../adaptive/rules.js";
import { judgeModelsOf } from "../run/scoring-plan.js";
import type { JournalCheck, RecordProblem } from "./run-integrity.js";

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
  /**
   * Journal a step the stage ran itself (adaptive segments): appended to journal.jsonl and counted by
   * the progress display. Only during `extraSteps`; elsewhere it throws (the journal is closed).
   */
  journalStep(record: StepRecord): void;
  /**
   * The progress line of the stage at work (each hook runs as its stage): a unit done, units done in
   * an earlier session (`skip`). `journalStep` counts its step there itself.
   */
  progress: StageLine;
  /** `--retry-failed` was given. */
  retryFailed: boolean;
  /** How the CSV files are written (`--bom`, `--no-neutralize`). */
  csv: Required<CsvOptions>;
  /** Write report.html after the tables (default; `--no-html` turns it off). */
  html: boolean;
  /** Aborts on the first interrupt or a fatal failure: finish what is in hand and return. */
  signal: AbortSignal;
  /** A line for the user (stderr, above the progress bar). */
  note(message: string): void;
  quiet: boolean;
  /** Colour is allowed on stderr (a terminal, NO_COLOR unset). */
  colour: boolean;
  /** `--shard`: this process runs only this slice (adaptive segments: the ones it owns). Absent: all. */
  shard?: ShardSpec | null;
  /** `run --batch`: judge calls to these models go through the Batch API, one batch per scoring pass. */
  judgeBatch?: JudgeBatcher | null;
  /**
   * The journal's check from the end of the steps (the journal is final by then), once: the report
   * stage checks only the scores against it instead of reading the journal again. Null when taken.
   */
  takeJournalCheck?: () => JournalCheck | null;
  /**
   * The journal's final records in plan order, as responses.csv was written from them, once; null
   * when taken, or when the run did not keep them (see HANDOFF_STEPS in pipeline.ts). The report
   * stage then builds the tables and report.html's explorer from them instead of reading and parsing
   * the journal twice more.
   */
  takeFinalRecords?: () => readonly StepRecord[] | null;
}

/** Sends a scoring pass's judge calls as batches and returns the answers by custom_id (batch-stage.ts). */
export interface JudgeBatcher {
  /** Models whose calls can be batched (`openai:`). */
  batchable(modelId: string): boolean;
  run(scope: string, requests: readonly JudgeBatchRequest[]): Promise<Map<string, ChatResult>>;
}

export interface StageReport {
  /** Errors the stage recorded (e.g. scoring errors): the run then exits 1. */
  errors: number;
  /** Files it wrote, relative to the run directory. */
  files: string[];
  /** Text for the user, printed on stderr after the progress display has ended (unless --quiet). */
  summary?: string;
  /** Records that do not fit the plan, left out of what the stage built (the run names them at its end). */
  dropped?: RecordProblem[];
}

export interface RunStage {
  name: string;
  /** Whether the plan gives the stage anything to do; a stage that answers false is left out (and not loaded). */
  appliesTo?(plan: Plan): boolean;
  /** Its line in the progress display (default: its name, shown by time only). */
  display?(plan: Plan): StageDisplay;
  /** Start loading what the stage needs; called once the first steps are waiting on the network. */
  prefetch?(): void;
  afterModel?(ctx: StageContext, model: string): Promise<void>;
  extraSteps?(ctx: StageContext): Promise<StageReport>;
  afterSteps?(ctx: StageContext): Promise<StageReport>;
}

/**
 * The stages of `vc run`, in order: scoring (afterModel: each model's answers; afterSteps: anything
 * left, e.g. the adaptive steps' other scorers), adaptive segments (extraSteps), reports (afterSteps).
 */
export const runStages: RunStage[] = [
  deferred(
    "scoring",
    ["afterModel", "afterSteps"],
    async () => (await import("./scoring-stage.js")).scoringStage,
    (plan) => plan.segments.some((s) => s.scorers.length > 0),
    (plan) => ({ label: judgeModelsOf(plan).length > 0 ? "judge scoring" : "scoring", total: staticScorePairs(plan), unit: "scores" }),
  ),
  deferred(
    "adaptive",
    ["extraSteps"],
    async () => (await import("./adaptive-stage.js")).adaptiveStage,
    (plan) => plan.segments.some((s) => s.kind === "adaptive"),
    // Each step answered and scored with the deciding scorer; a test may stop before the bound.
    (plan) => ({ label: "adaptive", total: adaptiveStepBound(plan), unit: "steps", bound: true }),
  ),
  deferred(
    "report",
    ["afterSteps"],
    async () => (await import("./report-stage.js")).reportStage,
    undefined,
    () => ({
      label: "reports",
      total: 0,
      unit: "",
    }),
  ),
];

/**
 * The (step, scorer) pairs of the static blocks: what the scoring line counts to. The adaptive
 * steps' other scorers, scored at the end, add to it as they come (their number depends on the run).
 */
export function staticScorePairs(plan: Plan): number {
  let n = 0;
  for (const s of plan.segments) {
    if (s.kind === "static") n += s.models.length * s.contexts.length * s.samples * s.items.length * s.scorers.length;
  }
  return n;
}

type Hook = "afterModel" | "extraSteps" | "afterSteps";

/**
 * A stage whose module (scorers, analyses, CSV writing: a quarter of a second of module loading) is
 * loaded in the background while the first steps wait on the network, instead of before the run can
 * start. `appliesTo` is answered from the plan alone, without loading the module. `hooks` lists the hooks the real stage has, so the pipeline can plan without loading it.
 */
function deferred(
  name: string,
  hooks: Hook[],
  load: () => Promise<RunStage>,
  appliesTo?: (plan: Plan) => boolean,
  display?: (plan: Plan) => StageDisplay,
): RunStage {
  let loaded: Promise<RunStage> | null = null;
  const real = (): Promise<RunStage> => (loaded ??= load());
  const stage: RunStage = {
    name,
    ...(appliesTo ? { appliesTo } : {}),
    ...(display ? { display } : {}),
    prefetch() {
      // A failure to load surfaces when a hook awaits the stage; don't report it twice.
      real().catch(() => undefined);
    },
  };
  if (hooks.includes("afterModel")) stage.afterModel = async (ctx, model) => (await real()).afterModel?.(ctx, model);
  if (hooks.includes("extraSteps")) stage.extraSteps = async (ctx) => (await (await real()).extraSteps?.(ctx)) ?? { errors: 0, files: [] };
  if (hooks.includes("afterSteps")) stage.afterSteps = async (ctx) => (await (await real()).afterSteps?.(ctx)) ?? { errors: 0, files: [] };
  return stage;
}

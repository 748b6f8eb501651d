// One step, end to end: ask the model through the call layer, turn the outcome into a StepRecord,
// append it to the journal. And the loop over all steps, which is the scheduler plus this.

import type { PlanStep } from "../core/plan.js";
import type { CallOutcome, ModelCaller, ModelRequest } from "./calls.js";
import type { Journal } from "./journal.js";
import type { StageLine } from "./stage-meter.js";
import type { StepRecord } from "../core/records.js";
import { schedule, type ScheduleResult } from "./scheduler.js";

export function requestOf(step: PlanStep): ModelRequest {
  const request: ModelRequest = { messages: step.messages };
  if (step.params.temperature !== undefined) request.temperature = step.params.temperature;
  if (step.params.top_p !== undefined) request.top_p = step.params.top_p;
  if (step.params.seed !== undefined) request.seed = step.params.seed;
  if (step.params.max_tokens !== undefined) request.max_tokens = step.params.max_tokens;
  if (step.responseFormat) request.responseFormat = step.responseFormat;
  // For the cache key: without a seed, the sample index is what keeps samples of an item apart.
  request.sample = step.sample;
  return request;
}

export function stepRecord(step: PlanStep, outcome: CallOutcome, mock: boolean): StepRecord {
  // One object literal, keys in the journal's order: built once per step, and a literal with a fixed
  // shape is several times cheaper to make and to JSON.stringify than one assembled by spreading.
  const r = outcome.result.ok ? outcome.result.response : null;
  const f = outcome.result.ok ? null : outcome.result.failure;
  return {
    type: "step",
    stepId: step.id,
    index: step.index,
    segment: step.segment,
    model: step.model,
    system: step.system,
    dimension: step.dimension,
    item: step.item,
    context: step.context,
    sample: step.sample,
    messages: step.messages,
    cached: outcome.cached,
    attempts: outcome.attempts,
    mock,
    response: r ? r.text : null,
    error: f ? { kind: f.kind, message: f.message, status: f.status } : null,
    latencyMs: r ? r.latencyMs : null,
    tokensIn: r ? r.tokensIn : null,
    tokensOut: r ? r.tokensOut : null,
  };
}

export interface ExecuteOptions {
  steps: Iterable<PlanStep>;
  caller: ModelCaller;
  journal: Journal;
  /** Step ids already journaled (and not to be retried). */
  done: ReadonlySet<string>;
  /** The answers' line of the progress display. */
  progress: StageLine;
  /** True once the user asked to stop. */
  interrupted(): boolean;
  afterModel?(model: string): Promise<void>;
}

export interface ExecuteResult extends ScheduleResult {
  journaled: number;
  failed: number;
  /** Started but not recorded: aborted by an interrupt or a fatal stop; they run again on resume. */
  unfinished: number;
}

export async function executeSteps(options: ExecuteOptions): Promise<ExecuteResult> {
  const { caller, journal, progress } = options;
  let journaled = 0;
  let failed = 0;
  let unfinished = 0;
  let lastModel: string | null = null;
  const stopping = () => options.interrupted() || caller.fatal !== null;

  const run = async (step: PlanStep): Promise<void> => {
    const outcome = await caller.call(step.model, requestOf(step));
    // A failure that arrives once the run is stopping may be the stop itself (an aborted request, a
    // child process killed by the same Ctrl-C, a connection lost in the same outage): leave the step
    // out of the journal so that a resume runs it, instead of recording a failure that is not the
    // model's. Fatal failures are about the environment, never about the step.
    if (!outcome.result.ok && (outcome.result.failure.kind === "aborted" || stopping())) {
      unfinished++;
      return;
    }
    const record = stepRecord(step, outcome, caller.isMock(step.model));
    await journal.appendSoon(record);
    journaled++;
    if (record.error) failed++;
    progress.done({ failed: record.error !== null, cached: record.cached });
  };

  const result = await schedule({
    steps: options.steps,
    isDone: (step) => options.done.has(step.id),
    execute: (step) => {
      if (step.model !== lastModel) {
        lastModel = step.model;
        progress.detail(step.model);
      }
      return run(step);
    },
    windowFor: (model) => Math.max(2, caller.concurrencyOf(model) * 2),
    stopped: stopping,
    onSkip: () => progress.skip(1),
    ...(options.afterModel ? { afterModel: options.afterModel } : {}),
  });
  return { ...result, journaled, failed, unfinished };
}

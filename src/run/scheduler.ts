// Streams steps into execution: pulls one step at a time from a lazy sequence, skips the ones the
// journal already has, and keeps a bounded number in flight (backpressure: the sequence is not read
// ahead of the work). Steps are taken model by model (see modelMajorSteps); between two models the
// scheduler lets every step of the first finish and runs the `afterModel` hook, which is where a
// model's answers get scored (judge calls) before the next model is loaded.

import { modelStepCount } from "../core/item-models.js";
import type { Plan, PlanStep, StaticSegment } from "../core/plan.js";
import { keptSteps } from "../compile/steps.js";

export interface SchedulerOptions {
  steps: Iterable<PlanStep>;
  /** Already in the journal: not run again. */
  isDone(step: PlanStep): boolean;
  /** Run one step and record it. Must not reject for expected failures. */
  execute(step: PlanStep): Promise<void>;
  /** Most steps of this model in flight at once. */
  windowFor(model: string): number;
  /** True once the run must not start more steps (interrupt, fatal failure). */
  stopped(): boolean;
  onSkip?(step: PlanStep): void;
  /** After the last step of a model (run of consecutive steps of one model) has finished. */
  afterModel?(model: string): Promise<void>;
}

export interface ScheduleResult {
  started: number;
  skipped: number;
  /** False when the run stopped before the sequence was exhausted. */
  exhausted: boolean;
}

const YIELD_EVERY = 256;

export async function schedule(options: SchedulerOptions): Promise<ScheduleResult> {
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let crash: { error: unknown } | null = null;
  const settled = () => {
    inFlight--;
    const w = wake;
    wake = null;
    w?.();
  };
  const waitForOne = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  const drain = async () => {
    while (inFlight > 0) await waitForOne();
  };

  const result: ScheduleResult = { started: 0, skipped: 0, exhausted: false };
  let current: string | null = null;
  let pulled = 0;
  let stoppedEarly = false;
  for (const step of options.steps) {
    if (crash) break;
    if (options.stopped()) {
      stoppedEarly = true;
      break;
    }
    // Long runs of skipped or cached steps never wait on I/O; let signals and timers through.
    if (++pulled % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (step.model !== current) {
      if (current !== null) {
        await drain();
        if (options.stopped() || crash) {
          stoppedEarly = true;
          break;
        }
        if (options.afterModel) await options.afterModel(current);
      }
      current = step.model;
    }
    if (options.isDone(step)) {
      result.skipped++;
      options.onSkip?.(step);
      continue;
    }
    const window = Math.max(1, options.windowFor(step.model));
    while (inFlight >= window) await waitForOne();
    if (options.stopped()) {
      stoppedEarly = true;
      break;
    }
    inFlight++;
    result.started++;
    options.execute(step).then(settled, (error: unknown) => {
      crash ??= { error };
      settled();
    });
  }
  await drain();
  if (crash) throw (crash as { error: unknown }).error;
  if (!stoppedEarly && !options.stopped()) {
    result.exhausted = true;
    if (current !== null && options.afterModel) await options.afterModel(current);
  }
  return result;
}

/**
 * The plan's steps reordered model-major: every step of the first model (across all items blocks),
 * then the next model. In plan order the items blocks come first, so a spec with two blocks and two
 * models would alternate A, B, A, B — with a local Ollama server, each switch unloads one model and
 * loads the other. Each (block, model) range is enumerated on its own from a one-block, one-model
 * view of the plan, so every step is rendered exactly once and nothing is materialised; `index` is
 * shifted back to the step's position in the full plan. Adaptive blocks are not run here. A plan
 * whose steps compiling kept (compilePlan's `keepForRun`) reads each range from them instead.
 */
export function* modelMajorSteps(plan: Plan, iterate: (plan: Plan) => Iterable<PlanStep>): Generator<PlanStep> {
  const blocks: Array<{ segment: StaticSegment; model: string; start: number }> = [];
  let start = 0;
  for (const segment of plan.segments) {
    if (segment.kind !== "static") continue;
    for (const model of segment.models) {
      blocks.push({ segment, model, start });
      start += modelStepCount(segment, model);
    }
  }
  const models: string[] = [];
  for (const b of blocks) if (!models.includes(b.model)) models.push(b.model);
  const kept = keptSteps(plan);
  for (const model of models) {
    for (const block of blocks) {
      if (block.model !== model) continue;
      if (kept !== undefined) {
        const end = block.start + modelStepCount(block.segment, model);
        for (let i = block.start; i < end; i++) yield kept[i] as PlanStep;
        continue;
      }
      const view: Plan = { ...plan, segments: [{ ...block.segment, models: [model] }] };
      for (const step of iterate(view)) {
        yield block.start === 0 ? step : { ...step, index: block.start + step.index };
      }
    }
  }
}

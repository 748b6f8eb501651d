// The stages' hooks around a run's steps (see stages.ts): each stage's afterModel between two models,
// then extraSteps, then afterSteps; skipped once the run is stopping. A stage that throws is counted
// and reported, and the run goes on with the next one.

import type { RunStage, StageContext, StageReport } from "./stages.js";

/** What the stages did: their errors (a run with any ends completed_with_errors), files, summaries. */
export class StageTally {
  errors = 0;
  readonly files: string[] = [];
  readonly summaries: string[] = [];
  /** `report` gets the line shown when a stage fails; `enter` makes a stage the one at work (RunProgress.enter). */
  constructor(
    private readonly report: (stage: string, message: string) => void,
    private readonly enter: (stage: string) => () => void = () => () => undefined,
  ) {}

  /** Run one hook of a stage as the stage at work (its progress line and clock). */
  async asStage<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const leave = this.enter(stage);
    try {
      return await work();
    } finally {
      leave();
    }
  }

  took(report: StageReport): void {
    this.errors += report.errors;
    this.files.push(...report.files);
    if (report.summary) this.summaries.push(report.summary);
  }

  failed(stage: RunStage, error: unknown): void {
    this.errors++;
    this.report(stage.name, error instanceof Error ? error.message : String(error));
  }
}

/** The afterModel hook of the executor, or undefined when no stage has one. */
export function afterModelHook(stages: readonly RunStage[], ctx: StageContext, tally: StageTally): ((model: string) => Promise<void>) | undefined {
  const withHook = stages.filter((s) => s.afterModel);
  if (withHook.length === 0) return undefined;
  return async (model) => {
    for (const stage of withHook) {
      if (ctx.signal.aborted) return;
      try {
        await tally.asStage(stage.name, async () => stage.afterModel?.(ctx, model));
      } catch (error) {
        tally.failed(stage, error);
      }
    }
  };
}

/** Every stage's `hook`, in order; a stage is skipped once the run is stopping. */
export async function runStageHook(hook: "extraSteps" | "afterSteps", stages: readonly RunStage[], ctx: StageContext, tally: StageTally): Promise<void> {
  for (const stage of stages) {
    const run = stage[hook];
    if (!run || ctx.signal.aborted) continue;
    try {
      tally.took(await tally.asStage(stage.name, () => run.call(stage, ctx)));
    } catch (error) {
      tally.failed(stage, error);
    }
  }
}

type ResponsesModule = typeof import("../report/responses.js");

/**
 * Scorers, analyses and CSV writing load while the first steps wait on the network: after the
 * executor has sent them (setImmediate), not before, so that loading does not delay the run's start.
 */
export class Prefetch {
  private responses: Promise<ResponsesModule> | null = null;
  private readonly timer: NodeJS.Immediate;

  constructor(stages: readonly RunStage[]) {
    this.timer = setImmediate(() => {
      for (const stage of stages) stage.prefetch?.();
      this.responses = import("../report/responses.js");
      this.responses.catch(() => undefined);
    });
  }

  /** The responses.csv writer (loaded now if the steps ended before the prefetch ran). */
  responsesWriter(): Promise<ResponsesModule> {
    clearImmediate(this.timer);
    return this.responses ?? import("../report/responses.js");
  }
}

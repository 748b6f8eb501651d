// The validate stage of `vc run`: before any step, the plan's gold sets are sent to their judges
// (through a caller with the run's cache and limits) and judge_agreement.csv / judge_confusion.csv
// are written to the run directory. When a `require` does not hold the run stops there with
// `judge_not_validated` (exit 3): judged scores of an instrument that failed validation are not produced.

import type { Plan } from "../core/plan.js";
import type { ProviderEnv } from "../providers/types.js";
import { agreementTables } from "../report/agreement.js";
import { writeTables, type CsvOptions } from "../report/csv.js";
import type { DiskCache } from "../run/cache.js";
import { callSettingsOf, ModelCaller, type CallerModel } from "../run/calls.js";
import type { Interrupts } from "./interrupts.js";
import type { RunFailure } from "./run-types.js";
import { scorerDepsOf } from "./scoring-stage.js";
import { validateGold, validationSeed } from "./validate.js";

export interface ValidateStageInput {
  plan: Plan;
  models: CallerModel[];
  cache: DiskCache | null;
  concurrencyOverride: number | null;
  env: ProviderEnv;
  specDir: string;
  runDir: string;
  csv: Required<CsvOptions>;
  interrupts: Interrupts;
}

export async function validateBeforeRun(input: ValidateStageInput): Promise<{ ok: true } | { ok: false; failure: RunFailure }> {
  const { plan, runDir } = input;
  const caller = new ModelCaller({
    models: input.models,
    settings: callSettingsOf(plan),
    concurrencyOverride: input.concurrencyOverride,
    cache: input.cache,
    env: input.env,
  });
  input.interrupts.attach(caller);
  const deps = scorerDepsOf({ plan, caller, specDir: input.specDir, env: input.env, signal: input.interrupts.signal });
  const validation = await validateGold(plan, deps, { seed: validationSeed(plan), concurrency: plan.run.concurrency, signal: input.interrupts.signal });
  if (input.interrupts.interrupted) return { ok: false, failure: { kind: "validation_failed", runDir, message: "interrupted while validating the judges" } };
  if (caller.fatal) return { ok: false, failure: { kind: "validation_failed", runDir, message: `a judge failed for good: ${caller.fatal.message}` } };
  const written = writeTables(runDir, agreementTables(validation.results), input.csv);
  if (!written.ok) return { ok: false, failure: { kind: "validation_failed", runDir, message: `could not write the agreement tables: ${written.error}` } };
  if (validation.passed) return { ok: true };
  const failed = validation.results.flatMap((r) => r.requirements).filter((q) => !q.passed);
  const summary = failed
    .map(
      (q) => `gold set '${q.goldSet}': require ${q.text} does not hold (${q.value === null ? "not measurable" : q.value.toFixed(3)}) for scorer '${q.scorer}'`,
    )
    .join("\n");
  return { ok: false, failure: { kind: "judge_not_validated", runDir, summary, files: written.files } };
}

// The exit codes of `vc`, defined once: the contract scripts and CI rely on (README.md and
// docs/running.md list them). Commands return one of these; bin/vc.js exits with it. Only the CLI
// chooses them: the application layer returns outcomes, and `exitCodeOf` maps every way `value-compass run` and
// `value-compass rescore` can end to its code (a new kind of outcome without a code does not compile).

import type { FinishedRun, RunFailure } from "../app/pipeline.js";
import type { RescoreFailure } from "../app/rescore.js";

export const EXIT_OK = 0;
/** The input has errors (diagnostics), a run failed, or `fmt --check` found unformatted files. */
export const EXIT_ERRORS = 1;
/** The command line itself is wrong (unknown flag, missing argument). */
export const EXIT_USAGE = 2;
/**
 * The spec declares commands (exec: models, exec scorers) the user has not allowed: nothing was run.
 * 77 is EX_NOPERM of sysexits.h, so scripts can tell "needs permission" from a broken spec.
 */
export const EXIT_NOT_ALLOWED = 77;
/**
 * A gold set's `require` does not hold (`vc validate`, or the validate stage of `vc run`): the judge
 * disagrees with the human labels too much for its scores to be published. Distinct from 1 so that
 * CI can tell "the judge is not valid" from "something broke". The same code as a failed `gate`:
 * both mean a declared requirement on the results does not hold.
 */
export const EXIT_NOT_VALIDATED = 3;

/** A gate failed: the run finished, but a `gate` condition or `--fail-under` was not met. */
export const EXIT_GATE_FAILED = EXIT_NOT_VALIDATED;
/** `value-compass diff`: the two runs differ (see `--fail-on` for what counts). */
export const EXIT_DIFFERENT = 4;
/** Used by bin/vc.js alone, outside any command: the bundle is missing, or a bug escaped main(). */
export const EXIT_INTERNAL = 70;
/** The command was interrupted (Ctrl-C); a run can be resumed, a rescore left the run as it was. */
export const EXIT_INTERRUPTED = 130;

type Ending = FinishedRun["status"] | RunFailure["kind"] | RescoreFailure["kind"] | "rescored" | "rescored_with_errors";

const EXIT_CODES = {
  // value-compass run, once its steps started: the status the manifest records.
  completed: EXIT_OK,
  completed_with_errors: EXIT_ERRORS,
  stopped: EXIT_ERRORS,
  interrupted: EXIT_INTERRUPTED,
  // value-compass rescore, done: scoring errors make it exit 1.
  rescored: EXIT_OK,
  rescored_with_errors: EXIT_ERRORS,
  // Before any step (value-compass run), or with the run directory unchanged (value-compass rescore).
  no_spec: EXIT_USAGE,
  cannot_resume: EXIT_ERRORS,
  out_unreadable: EXIT_ERRORS,
  out_not_run_dir: EXIT_ERRORS,
  not_a_run_dir: EXIT_ERRORS,
  no_journal: EXIT_ERRORS,
  bad_records: EXIT_ERRORS,
  spec_gone: EXIT_ERRORS,
  compile_failed: EXIT_ERRORS,
  exec_not_allowed: EXIT_NOT_ALLOWED,
  plan_changed: EXIT_ERRORS,
  shard_changed: EXIT_ERRORS,
  no_such_scorer: EXIT_ERRORS,
  scorer_without_model: EXIT_ERRORS,
  bad_scorer_model: EXIT_ERRORS,
  steps_changed: EXIT_ERRORS,
  unknown_model: EXIT_ERRORS,
  model_unavailable: EXIT_ERRORS,
  locked: EXIT_ERRORS,
  folder_unwritable: EXIT_ERRORS,
  write_failed: EXIT_ERRORS,
  interrupted_before_start: EXIT_INTERRUPTED,
  scoring_interrupted: EXIT_INTERRUPTED,
  scoring_stopped: EXIT_ERRORS,
  report_failed: EXIT_ERRORS,
  // The validate stage of value-compass run, before any step.
  judge_not_validated: EXIT_NOT_VALIDATED,
  validation_failed: EXIT_ERRORS,
} as const satisfies Record<Ending, number>;

export function exitCodeOf(ending: Ending): number {
  return EXIT_CODES[ending];
}

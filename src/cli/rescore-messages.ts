// What `value-compass rescore` says: why the run was not rescored, or what the new scores are (stderr), the run
// directory (stdout), and the exit code, from the typed outcome of src/app/rescore.ts.

import type { CompareOutcome } from "../app/compare-judges.js";
import type { RescoreFailure, RescoreOutcome, Rescored } from "../app/rescore.js";
import { summaryText } from "../app/report-stage.js";
import { JOURNAL_FILE } from "../run/journal.js";
import { exitCodeOf } from "./exit-codes.js";
import { execRefusalMessage, lockMessage, unavailableMessage } from "./failure-messages.js";
import { displayPath } from "./paths.js";

/** Where the words go (stdout: the run directory only). */
type Out = { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown }; cwd: string } & { colour: boolean };

/** Print how `value-compass rescore --judge A --judge B` went: Kendall's τ per pair of judges. */
export function reportComparison(outcome: CompareOutcome, quiet: boolean, io: Out): number {
  if (!outcome.ok) {
    io.stderr.write(rescoreFailureText(outcome.failure, io.cwd));
    return exitCodeOf(outcome.failure.kind);
  }
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : x.toFixed(3));
  if (!quiet) {
    for (const r of outcome.compared.rows) {
      const ci = r.interval ? ` [${fmt(r.interval.low)}, ${fmt(r.interval.high)}]` : "";
      io.stderr.write(
        `value-compass rescore: ${r.scorer}: ${r.judgeA} vs ${r.judgeB}: Kendall's tau ${fmt(r.tau)}${ci} over ${r.models} models, ${r.items} items\n`,
      );
    }
    io.stderr.write(
      `value-compass rescore: the run's own scores are unchanged; written: ${outcome.compared.files.map((f) => displayPath(io.cwd, f)).join(", ")}\n`,
    );
  }
  io.stdout.write(`${displayPath(io.cwd, outcome.compared.runDir)}\n`);
  return exitCodeOf("rescored");
}

/** Print how `value-compass rescore` went and return its exit code. */
export function reportRescore(outcome: RescoreOutcome, quiet: boolean, io: Out): number {
  if (!outcome.ok) {
    io.stderr.write(rescoreFailureText(outcome.failure, io.cwd));
    return exitCodeOf(outcome.failure.kind);
  }
  const done = outcome.rescored;
  if (!quiet) io.stderr.write(rescoredText(done, io.colour));
  const errors = done.counts.errors;
  if (errors > 0) io.stderr.write(`value-compass rescore: ${errors} scoring error${errors === 1 ? "" : "s"} (the error column of scores.csv)\n`);
  io.stdout.write(`${displayPath(io.cwd, done.runDir)}\n`);
  return exitCodeOf(errors > 0 ? "rescored_with_errors" : "rescored");
}

function rescoredText(done: Rescored, colour: boolean): string {
  const { counts, report } = done;
  const notes = report.notes.map((note) => `value-compass rescore: report: ${note}\n`).join("");
  const line =
    `value-compass rescore: ${done.steps} steps, ${counts.records} scores (${counts.scored} scored, ${counts.errors} scoring errors, ${counts.noResponse} without an answer); ` +
    `${done.judgeCalls} judge calls, ${done.cacheHits} from the cache` +
    (done.previousScores ? `; the previous scores are in ${done.previousScores}` : "");
  return `${notes}${line}\n${summaryText(report.analysis, report.adaptive, colour)}`;
}

function rescoreFailureText(failure: RescoreFailure, cwd: string): string {
  const say = (text: string) => `value-compass rescore: ${text}\n`;
  switch (failure.kind) {
    case "not_a_run_dir":
      return say(`${failure.given}: ${failure.message} (is it a run directory?)`);
    case "no_journal":
      return say(`${failure.given} has no ${JOURNAL_FILE}: there are no answers to score`);
    case "spec_gone":
      return say(`the run's spec ${displayPath(cwd, failure.specPath)} is gone (the manifest names ${failure.recorded} relative to the run directory)`);
    case "compile_failed":
      return failure.output.endsWith("\n") ? failure.output : `${failure.output}\n`;
    case "no_such_scorer":
      return say(`--model-scorer: the spec has no scorer '${failure.scorer}' (scorers: ${failure.scorers.join(", ") || "none"})`);
    case "scorer_without_model":
      return say(`--model-scorer: '${failure.scorer}' is a ${failure.scorerKind} scorer; only judge and guard scorers call a model`);
    case "bad_scorer_model":
      return say(`--model-scorer ${failure.scorer}=${failure.model}: ${failure.error}`);
    case "steps_changed": {
      const problems: string[] = [];
      if (failure.missing.length > 0) {
        problems.push(
          `${failure.missing.length} of the ${failure.recorded} recorded steps are not steps of the spec now, e.g. ${failure.missing.slice(0, 3).join(", ")}`,
        );
      }
      if (failure.staticSteps) problems.push(`the run's plan had ${failure.staticSteps.before} static steps, the spec now makes ${failure.staticSteps.now}`);
      return say(
        `the spec's steps no longer match the run: ${problems.join("; ")}. Rescoring needs the same steps (items, models, contexts, samples); only scorers, rules and rubrics may change. Start a new run for the changed spec.`,
      );
    }
    case "unknown_model":
      return say(`unknown model id '${failure.id}'`);
    case "interrupted_before_start":
      return "";
    case "model_unavailable":
      return say(unavailableMessage(failure));
    case "locked":
      return say(lockMessage(failure));
    case "scoring_interrupted":
    case "scoring_stopped":
      return (
        (failure.fatal ? say(`stopped: ${failure.fatal.message}`) : "") +
        say(`${failure.kind === "scoring_interrupted" ? "interrupted" : "stopped"}; the run directory is unchanged`)
      );
    case "report_failed":
      return say(failure.error);
    case "exec_not_allowed":
      return execRefusalMessage(failure, "rescore", displayPath(cwd, failure.specPath));
  }
}

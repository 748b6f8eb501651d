// What `value-compass run` says: its notices while it works, why nothing was run, and how a run ended (stderr),
// the run directory (stdout), and the exit code, from the pipeline's typed outcome.

import type { FinishedRun, RunFailure, RunNotice, RunOutcome } from "../app/pipeline.js";
import type { StorageFailure } from "../core/storage-error.js";
import { MANIFEST_FILE } from "../run/manifest.js";
import { formatDuration, type StageTime } from "../run/progress.js";
import { PLAN_FILE, RESPONSES_FILE } from "../run/rundir.js";
import { EXIT_USAGE, exitCodeOf } from "./exit-codes.js";
import { execRefusalMessage, lockMessage, unavailableMessage } from "./failure-messages.js";
import { problemsText } from "./integrity-messages.js";
import { displayPath, resumeCommand, shellWord } from "./paths.js";

/** Where the words go (stdout: the run directory only). */
type Out = { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown }; cwd: string };

export function describeRunNotice(notice: RunNotice): string {
  switch (notice.kind) {
    case "interrupted": {
      const open = notice.inFlight;
      return open > 0
        ? `value-compass run: interrupted — waiting up to ${formatDuration(notice.graceMs / 1000)} for ${open} request${open === 1 ? "" : "s"} in flight (Ctrl-C again to abort them)`
        : "value-compass run: interrupted — stopping";
    }
    case "aborting":
      return "value-compass run: aborting the requests in flight";
    case "stale_lock":
      return `value-compass run: took over the folder's lock, left by ${
        notice.reason === "gone"
          ? `a run (pid ${notice.pid}) that is no longer running`
          : notice.reason === "reused"
            ? `a run whose pid ${notice.pid} now belongs to another program`
            : "a run that left it unreadable"
      }`;
    case "torn_journal":
      return `value-compass run: the journal ended in a torn line (a crash mid-write); cut ${notice.bytes} bytes, that step runs again`;
    case "stage_failed":
      return `value-compass run: stage ${notice.stage} failed: ${notice.message}`;
    case "plan_not_written":
      return `value-compass run: could not write ${PLAN_FILE}: ${notice.message}`;
    case "validating":
      return `value-compass run: validating the judges on ${notice.examples} gold example${notice.examples === 1 ? "" : "s"} before the run`;
  }
}

/** Print how `value-compass run` went and return its exit code. */
export function reportRun(outcome: RunOutcome, quiet: boolean, io: Out): number {
  if (!outcome.ok) {
    io.stderr.write(runFailureText(outcome.failure, io.cwd));
    if (outcome.failure.kind === "compile_failed" && outcome.failure.commandLine) return EXIT_USAGE;
    return exitCodeOf(outcome.failure.kind);
  }
  const run = outcome.run;
  io.stderr.write(runEndText(run, quiet, io.cwd));
  io.stdout.write(`${displayPath(io.cwd, run.runDir)}\n`);
  return exitCodeOf(run.status);
}

function runFailureText(failure: RunFailure, cwd: string): string {
  switch (failure.kind) {
    case "cannot_resume":
      return lines(`value-compass run: cannot resume ${failure.given}: ${failure.message} (is it a run directory?)`);
    case "out_unreadable":
      return lines(`value-compass run: --out ${failure.given}: ${failure.message}`);
    case "out_not_run_dir":
      return lines(`value-compass run: --out ${failure.given} exists and is not a run directory (no ${MANIFEST_FILE}); choose an empty or new folder`);
    case "no_spec":
      return lines("value-compass run: which spec? usage: value-compass run SPEC [options] or value-compass run --resume RUN_DIR");
    case "compile_failed":
      return failure.output.endsWith("\n") ? failure.output : `${failure.output}\n`;
    case "plan_changed":
      return lines(
        `value-compass run: ${displayPath(cwd, failure.runDir)} was started from a different plan (plan hash ${failure.before.slice(0, 12)}, now ${failure.now.slice(0, 12)}).`,
        failure.changed.length > 0 ? `  changed since then: ${failure.changed.join(", ")}` : null,
        "  Start a new run (leave out --resume/--out), or restore the spec and its files.",
      );
    case "unknown_model":
      return lines(`value-compass run: unknown model id '${failure.id}'`);
    case "interrupted_before_start":
      return lines("value-compass run: interrupted before the run started");
    case "model_unavailable":
      return lines(
        `value-compass run: ${unavailableMessage(failure)}`,
        failure.resumeDir !== null ? `  Nothing was run. Resume later with: ${resumeCommand(cwd, failure.resumeDir)}` : null,
      );
    case "locked":
      return lines(`value-compass run: ${lockMessage(failure)}`);
    case "shard_changed":
      return lines(
        `value-compass run: ${displayPath(cwd, failure.runDir)} holds shard ${failure.before} of the plan, not ${failure.now}; resume it with the same --shard (or none), or give another --out`,
      );
    case "exec_not_allowed": {
      const spec = displayPath(cwd, failure.specPath);
      return execRefusalMessage(failure, "run", spec);
    }
    case "judge_not_validated":
      return lines(
        "value-compass run: the judges failed validation against the gold labels; nothing was run and no judged score is published.",
        ...failure.summary.split("\n").map((l) => `  ${l}`),
        `  Agreement tables: ${failure.files.map((f) => displayPath(cwd, f)).join(", ")} (docs/validation.md)`,
      );
    case "validation_failed":
      return lines(`value-compass run: validating the judges failed: ${failure.message}; nothing was run (${displayPath(cwd, failure.runDir)})`);
    case "folder_unwritable":
      return lines(
        `value-compass run: the run folder ${displayPath(cwd, failure.dir)} cannot be written: ${failure.failure.reason} (${failure.failure.code}) at ${displayPath(cwd, failure.failure.path)}`,
        "  Nothing was run. Choose a folder you can write to (--out DIR), or make this one writable.",
      );
    case "write_failed":
      return lines(
        `value-compass run: ${storageText(cwd, failure.failure)}`,
        failure.resumable
          ? `  No step was run. After fixing this, resume with: ${resumeCommand(cwd, failure.runDir)}`
          : `  No step was run. After fixing this, start again with: value-compass run ${shellWord(displayPath(cwd, failure.specPath))} --out ${shellWord(displayPath(cwd, failure.runDir))}`,
      );
  }
}

function runEndText(run: FinishedRun, quiet: boolean, cwd: string): string {
  const { counts } = run;
  const resume = resumeCommand(cwd, run.runDir);
  const out: Array<string | null> = [];
  if (run.cacheWriteError && !quiet) out.push(`value-compass run: could not write to the cache ${run.cacheWriteError.dir}: ${run.cacheWriteError.message}`);
  // Always said, even with --quiet: an edited cache entry is someone trying to answer for the model.
  if (run.cacheRejected) {
    out.push(
      `value-compass run: warning: ${run.cacheRejected.count} cache ${run.cacheRejected.count === 1 ? "entry was" : "entries were"} edited or corrupted (digest mismatch) and ignored; the model was asked instead (first: ${run.cacheRejected.first})`,
    );
  }
  // Always said, even with --quiet: the tables are missing these records.
  if (run.dropped.length > 0) {
    out.push(
      problemsText("value-compass run: the tables leave out", cwd, run.dropped).trimEnd(),
      `  The journal and scores are unchanged; \`value-compass report ${shellWord(displayPath(cwd, run.runDir))}\` stops at these lines until they are fixed (or is given --salvage).`,
    );
  }
  if (run.writeFailure) {
    const f = run.writeFailure;
    out.push(
      `value-compass run: stopped: ${storageText(cwd, f)}`,
      `  ${counts.done} of ${counts.total} steps are done${f.manifestSaved ? ` (${MANIFEST_FILE} records the stop)` : `; ${MANIFEST_FILE} could not be updated either (it still says "running")`}. After making room or fixing the permissions, resume with: ${resume}`,
    );
    return lines(...out);
  }
  if (run.fatal) {
    out.push(
      `value-compass run: stopped: ${run.fatal.message}`,
      `  ${counts.done} of ${counts.total} steps are done. After fixing this, resume with: ${resume}`,
    );
    return lines(...out);
  }
  if (run.status === "interrupted") {
    out.push(`value-compass run: interrupted; ${counts.done} of ${counts.total} steps are done. Resume with: ${resume}`);
    return lines(...out);
  }
  if (!quiet) {
    const extra = [
      counts.cached ? `${counts.cached} from the cache` : "",
      counts.retried ? `${counts.retried} retried` : "",
      run.doneBefore ? `${run.doneBefore} done before` : "",
    ].filter(Boolean);
    out.push(`value-compass run: ${counts.done} steps in ${formatDuration(run.elapsedSeconds)}${extra.length ? ` (${extra.join(", ")})` : ""}`);
  }
  if (counts.failed > 0) {
    out.push(
      `value-compass run: ${counts.failed} of ${counts.total} steps failed (see the error column of ${RESPONSES_FILE}); retry them with: ${resume} --retry-failed`,
    );
  }
  if (!quiet && run.stageTimes.length > 0) out.push(`value-compass run: time per stage: ${stageTimesText(run.stageTimes)}`);
  if (run.stageErrors > 0) out.push(`value-compass run: ${run.stageErrors} error${run.stageErrors === 1 ? "" : "s"} in later stages (see above)`);
  const summaries = quiet ? [] : run.summaries.map((s) => (s.endsWith("\n") ? s : `${s}\n`));
  return lines(...out) + summaries.join("");
}

/** `answers 1m02s (40 steps), judge scoring 20s (80 scores), reports 0.4s`: every stage that ran. */
export function stageTimesText(times: readonly StageTime[]): string {
  return times.map((t) => `${t.label} ${formatDuration(t.seconds)}${t.unit && t.done > 0 ? ` (${t.done} ${t.unit})` : ""}`).join(", ");
}

/** "cannot write r/journal.jsonl: the disk is full (ENOSPC)". */
function storageText(cwd: string, failure: StorageFailure): string {
  return `cannot write ${displayPath(cwd, failure.path)}: ${failure.reason} (${failure.code})`;
}

/** Lines of text, each ended by a newline; null leaves a line out. */
function lines(...text: Array<string | null>): string {
  return text
    .filter((line): line is string => line !== null)
    .map((line) => `${line}\n`)
    .join("");
}

// The CLI words what value-compass run and value-compass rescore return and picks the exit code from one table. These are
// the sentences (and codes) the commands printed before their outcomes became data.
import { describe, expect, it } from "vitest";
import type { RunFailure, RunOutcome } from "../../src/app/pipeline.js";
import type { RescoreFailure } from "../../src/app/rescore.js";
import { reportRescore } from "../../src/cli/rescore-messages.js";
import { describeRunNotice, reportRun } from "../../src/cli/run-messages.js";
import { testModel } from "../run/fixtures.js";

class Sink {
  text = "";
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const cwd = "/home/u/project";

function run(failure: RunFailure) {
  const io = { stdout: new Sink(), stderr: new Sink(), cwd };
  const code = reportRun({ ok: false, failure }, false, io);
  return { code, stderr: io.stderr.text, stdout: io.stdout.text };
}

function rescore(failure: RescoreFailure) {
  const io = { stdout: new Sink(), stderr: new Sink(), cwd, colour: false };
  const code = reportRescore({ ok: false, failure }, false, io);
  return { code, stderr: io.stderr.text, stdout: io.stdout.text };
}

const ollama = testModel("ollama:llama3");
const notFound = { kind: "not_found" as const, message: "", status: 404, retryAfterMs: null };

describe("value-compass run: failures before any step", () => {
  it.each<[RunFailure, number, string]>([
    [
      { kind: "cannot_resume", given: "old", message: "no manifest.json there" },
      1,
      "value-compass run: cannot resume old: no manifest.json there (is it a run directory?)\n",
    ],
    [{ kind: "out_unreadable", given: "o", message: "bad JSON" }, 1, "value-compass run: --out o: bad JSON\n"],
    [
      { kind: "out_not_run_dir", given: "o" },
      1,
      "value-compass run: --out o exists and is not a run directory (no manifest.json); choose an empty or new folder\n",
    ],
    [{ kind: "no_spec" }, 2, "value-compass run: which spec? usage: value-compass run SPEC [options] or value-compass run --resume RUN_DIR\n"],
    [{ kind: "compile_failed", output: "spec.vc:1:1: error VC0001: x\n\n1 error" }, 1, "spec.vc:1:1: error VC0001: x\n\n1 error\n"],
    [
      { kind: "plan_changed", runDir: `${cwd}/outputs/r`, before: "a".repeat(64), now: "b".repeat(64), changed: ["spec.vc", "data.csv (new)"] },
      1,
      "value-compass run: outputs/r was started from a different plan (plan hash aaaaaaaaaaaa, now bbbbbbbbbbbb).\n" +
        "  changed since then: spec.vc, data.csv (new)\n" +
        "  Start a new run (leave out --resume/--out), or restore the spec and its files.\n",
    ],
    [{ kind: "unknown_model", id: "x:y" }, 1, "value-compass run: unknown model id 'x:y'\n"],
    [{ kind: "interrupted_before_start" }, 130, "value-compass run: interrupted before the run started\n"],
    [
      {
        kind: "model_unavailable",
        id: "ollama:llama3",
        model: ollama,
        endpoint: "http://127.0.0.1:11434",
        failure: notFound,
        resumeDir: `${cwd}/outputs/my run`,
      },
      1,
      "value-compass run: model llama3 was not found on ollama at http://127.0.0.1:11434 — run `ollama pull llama3` or pass --pull\n" +
        "  Nothing was run. Resume later with: value-compass run --resume 'outputs/my run'\n",
    ],
    [
      {
        kind: "model_unavailable",
        id: "ollama:llama3",
        model: ollama,
        endpoint: null,
        failure: { ...notFound, kind: "server", message: "boom" },
        resumeDir: null,
      },
      1,
      "value-compass run: cannot prepare ollama:llama3: server (boom)\n",
    ],
    [{ kind: "locked", dir: "/r", pid: 42 }, 1, "value-compass run: another value-compass run (pid 42) is working in /r\n"],
    [{ kind: "locked", dir: "/r", pid: null }, 1, "value-compass run: cannot lock /r\n"],
  ])("%j", (failure, code, stderr) => {
    expect(run(failure)).toEqual({ code, stderr, stdout: "" });
  });
});

describe("value-compass run: how a run ended", () => {
  const counts = { total: 10, done: 10, succeeded: 8, failed: 2, cached: 3, retried: 1, adaptive: 0, remaining: 0 };
  const finished = (extra: Partial<Extract<RunOutcome, { ok: true }>["run"]>): RunOutcome => ({
    ok: true,
    run: {
      runDir: `${cwd}/outputs/t/r1`,
      status: "completed_with_errors",
      counts,
      fatal: null,
      doneBefore: 4,
      stageErrors: 1,
      summaries: ["Leaderboard"],
      elapsedSeconds: 2.5,
      cacheWriteError: { dir: "/c", message: "EACCES" },
      stageTimes: [],
      ...extra,
    },
  });
  const report = (outcome: RunOutcome, quiet = false) => {
    const io = { stdout: new Sink(), stderr: new Sink(), cwd };
    return { code: reportRun(outcome, quiet, io), stderr: io.stderr.text, stdout: io.stdout.text };
  };

  it("with errors: the counts, the retry command, the stage errors and the summaries; the run directory on stdout", () => {
    expect(report(finished({}))).toEqual({
      code: 1,
      stdout: "outputs/t/r1\n",
      stderr:
        "value-compass run: could not write to the cache /c: EACCES\n" +
        "value-compass run: 10 steps in 2.5s (3 from the cache, 1 retried, 4 done before)\n" +
        "value-compass run: 2 of 10 steps failed (see the error column of responses.csv); retry them with: value-compass run --resume outputs/t/r1 --retry-failed\n" +
        "value-compass run: 1 error in later stages (see above)\n" +
        "Leaderboard\n",
    });
    expect(report(finished({}), true).stderr).toBe(
      "value-compass run: 2 of 10 steps failed (see the error column of responses.csv); retry them with: value-compass run --resume outputs/t/r1 --retry-failed\n" +
        "value-compass run: 1 error in later stages (see above)\n",
    );
  });

  it("interrupted (130), stopped by a fatal failure (1), completed (0)", () => {
    expect(report(finished({ status: "interrupted", cacheWriteError: null }))).toMatchObject({
      code: 130,
      stderr: "value-compass run: interrupted; 10 of 10 steps are done. Resume with: value-compass run --resume outputs/t/r1\n",
    });
    const fatal = { model: "ollama:llama3", endpoint: null, failure: notFound, message: "model gone" };
    expect(report(finished({ status: "stopped", fatal, cacheWriteError: null }))).toMatchObject({
      code: 1,
      stderr: "value-compass run: stopped: model gone\n  10 of 10 steps are done. After fixing this, resume with: value-compass run --resume outputs/t/r1\n",
    });
    expect(report(finished({ status: "completed", stageErrors: 0, cacheWriteError: null, counts: { ...counts, failed: 0 } })).code).toBe(0);
  });

  it("notices while the run works", () => {
    expect(describeRunNotice({ kind: "interrupted", inFlight: 2, graceMs: 5_000 })).toBe(
      "value-compass run: interrupted — waiting up to 5s for 2 requests in flight (Ctrl-C again to abort them)",
    );
    expect(describeRunNotice({ kind: "interrupted", inFlight: 0, graceMs: 5_000 })).toBe("value-compass run: interrupted — stopping");
    expect(describeRunNotice({ kind: "aborting" })).toBe("value-compass run: aborting the requests in flight");
    expect(describeRunNotice({ kind: "torn_journal", bytes: 17 })).toBe(
      "value-compass run: the journal ended in a torn line (a crash mid-write); cut 17 bytes, that step runs again",
    );
    expect(describeRunNotice({ kind: "stage_failed", stage: "report", message: "x" })).toBe("value-compass run: stage report failed: x");
    expect(describeRunNotice({ kind: "plan_not_written", message: "ENOSPC" })).toBe("value-compass run: could not write plan.json: ENOSPC");
  });
});

describe("value-compass rescore: failures", () => {
  const fatal = { model: "openai:j", endpoint: null, failure: { ...notFound, kind: "auth" as const }, message: "key rejected" };
  it.each<[RescoreFailure, number, string]>([
    [
      { kind: "not_a_run_dir", given: "x", message: "no manifest.json there" },
      1,
      "value-compass rescore: x: no manifest.json there (is it a run directory?)\n",
    ],
    [{ kind: "no_journal", given: "x" }, 1, "value-compass rescore: x has no journal.jsonl: there are no answers to score\n"],
    [
      { kind: "spec_gone", specPath: `${cwd}/s.vc`, recorded: "../../s.vc" },
      1,
      "value-compass rescore: the run's spec s.vc is gone (the manifest names ../../s.vc relative to the run directory)\n",
    ],
    [{ kind: "no_such_scorer", scorer: "n", scorers: [] }, 1, "value-compass rescore: --model-scorer: the spec has no scorer 'n' (scorers: none)\n"],
    [
      { kind: "scorer_without_model", scorer: "m", scorerKind: "match" },
      1,
      "value-compass rescore: --model-scorer: 'm' is a match scorer; only judge and guard scorers call a model\n",
    ],
    [{ kind: "bad_scorer_model", scorer: "j", model: "x", error: "no provider" }, 1, "value-compass rescore: --model-scorer j=x: no provider\n"],
    [
      { kind: "steps_changed", missing: ["a/1 (m)", "a/2 (m de)", "a/3 (m)", "a/4 (m)"], recorded: 9, staticSteps: { before: 9, now: 7 } },
      1,
      "value-compass rescore: the spec's steps no longer match the run: 4 of the 9 recorded steps are not steps of the spec now, e.g. a/1 (m), a/2 (m de), a/3 (m); " +
        "the run's plan had 9 static steps, the spec now makes 7. Rescoring needs the same steps (items, models, contexts, samples); only scorers, rules and rubrics may change. Start a new run for the changed spec.\n",
    ],
    [{ kind: "interrupted_before_start" }, 130, ""],
    [{ kind: "locked", dir: "/r", pid: 7 }, 1, "value-compass rescore: another value-compass run (pid 7) is working in /r\n"],
    [{ kind: "scoring_interrupted", fatal: null }, 130, "value-compass rescore: interrupted; the run directory is unchanged\n"],
    [{ kind: "scoring_stopped", fatal }, 1, "value-compass rescore: stopped: key rejected\nvalue-compass rescore: stopped; the run directory is unchanged\n"],
    [{ kind: "report_failed", error: "cannot write" }, 1, "value-compass rescore: cannot write\n"],
  ])("%j", (failure, code, stderr) => {
    expect(rescore(failure)).toEqual({ code, stderr, stdout: "" });
  });
});

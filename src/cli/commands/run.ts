// `vc run`: the command-line face of src/app/pipeline.ts. Parses options, wires the real loader,
// compiler, plan writer and providers, turns process signals into interrupts, and words the outcome.

import { loadSpec } from "../../check/load.js";
import { stringSites } from "../../check/locate.js";
import type { Sandbox } from "../../check/files.js";
import { sandboxOf } from "../sandbox-options.js";
import { commandsOfPlan, searchText } from "../../app/trust.js";
import { isCommandLineError } from "../../check/params.js";
import { compilePlan } from "../../compile/compile.js";
import { writePlanJson } from "../../compile/serialize.js";
import { iterateStepIds, iterateSteps } from "../../compile/steps.js";
import { writeStreamAtomic } from "../../core/atomic-write.js";
import { sortDiagnostics } from "../../core/diagnostic.js";
import { formatDiagnostics } from "../format-diagnostics.js";
import { createProvider } from "../../providers/registry.js";
import { checkKinds } from "../../app/kinds.js";
import { runPipeline, type RunDeps, type RunIO, type RunRequest, type Signals } from "../../app/pipeline.js";
import { runStages } from "../../app/stages.js";
import { DEFAULT_BATCH, type BatchSettings } from "../../app/batch-stage.js";
import { parseShardText, shardFromEnv, type ShardEnv, type ShardSpec } from "../../run/shard.js";
import { useColor } from "./check.js";
import { boolOption, intOption, setOptions, stringListOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { commandInfo } from "./index.js";
import { describeRunNotice, reportRun } from "../run-messages.js";
import { gateText } from "../gate-messages.js";
import { join } from "node:path";
import { readPlanHeader } from "../../adaptive/plan-file.js";
import { evaluateGates, parseGates, type GateResult } from "../../app/gate.js";
import type { GateCondition } from "../../core/gate.js";
import { MANIFEST_FILE, readManifest } from "../../run/manifest.js";
import { LATEST, PLAN_FILE, pointLatest } from "../../run/rundir.js";
import { EXIT_GATE_FAILED, EXIT_OK } from "../exit-codes.js";
import { selectionOf } from "../select-options.js";

export const runCommand: Command = {
  // Name, summary, help and options live in index.ts, so `vc --help` needs no command module.
  ...commandInfo("run"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length > 1) throw new UsageError(`expected one SPEC, got ${args.positionals.length}: ${args.positionals.join(" ")}`);
    const spec = args.positionals[0] ?? null;
    const resume = stringOption(args, "resume") ?? null;
    if (spec === null && resume === null) throw new UsageError("missing SPEC (or --resume RUN_DIR)");
    const out = stringOption(args, "out") ?? null;
    if (resume !== null && out !== null) throw new UsageError("--resume and --out both name the run directory; give one");
    const shard = shardOption(stringOption(args, "shard"), io.env);
    const deps = cliRunDeps(io, boolOption(args, "quiet"), sandboxOf(args));
    const gates = parseGates(stringListOption(args, "fail-under"));
    if (!gates.ok) throw new UsageError(`--fail-under: ${gates.message}`);
    return runAndReport(
      {
        spec,
        models: stringListOption(args, "model"),
        judge: stringOption(args, "judge") ?? null,
        set: setOptions(args),
        out,
        concurrency: intOption(args, "concurrency", 1) ?? null,
        cache: !boolOption(args, "no-cache"),
        cacheDir: stringOption(args, "cache-dir") ?? null,
        resume,
        pull: boolOption(args, "pull"),
        quiet: boolOption(args, "quiet"),
        retryFailed: boolOption(args, "retry-failed"),
        bom: boolOption(args, "bom"),
        neutralize: !boolOption(args, "no-neutralize"),
        jsonIo: boolOption(args, "json-io"),
        shard,
        batch: batchOption(args),
        allowExec: boolOption(args, "allow-exec"),
        html: !boolOption(args, "no-html"),
        select: selectionOf(args),
      },
      deps,
      { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr, signals: processSignals },
      { gates: gates.gates, json: boolOption(args, "json") },
    );
  },
};

/** `--shard K/N` or `--shard auto` (from the engine's environment); null without the option. */
function shardOption(given: string | undefined, env: ShardEnv): ShardSpec | null {
  if (given === undefined) return null;
  const parsed = given.trim() === "auto" ? shardFromEnv(env) : parseShardText(given);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed.shard;
}

/** `--batch [--batch-retry batch|live] [--batch-poll SECONDS]`; null without --batch. */
function batchOption(args: ParsedArgs): BatchSettings | null {
  const retry = stringOption(args, "batch-retry");
  const poll = stringOption(args, "batch-poll");
  if (!boolOption(args, "batch")) {
    if (retry !== undefined || poll !== undefined) throw new UsageError("--batch-retry and --batch-poll go with --batch");
    return null;
  }
  if (retry !== undefined && retry !== "batch" && retry !== "live") throw new UsageError(`--batch-retry expects batch or live, got '${retry}'`);
  const seconds = poll === undefined ? DEFAULT_BATCH.pollMs / 1000 : Number(poll);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--batch-poll expects a number of seconds > 0, got '${poll}'`);
  return {
    retry: retry === "live" ? "live" : "batch",
    pollMs: Math.round(seconds * 1000),
    maxPollMs: Math.max(DEFAULT_BATCH.maxPollMs, Math.round(seconds * 1000)),
  };
}

/** What `vc run` writes to and listens on; the notices' words are the CLI's own. */
export type RunStreams = Omit<RunIO, "describe"> & { stdout: { write(text: string): unknown } };

/** What `vc run` does after the run: `--fail-under` conditions, and `--json` instead of the folder line. */
export interface RunAfter {
  gates: GateCondition[];
  json: boolean;
}

/**
 * Run the pipeline, then say how it went; returns the exit code. A new run under outputs/<spec>/
 * becomes outputs/<spec>/latest. Gates (the spec's and --fail-under) are checked on a run whose
 * steps all ran: a failed one exits 3; when a `scoring_errors` gate holds, scoring errors alone no
 * longer make the run exit 1.
 */
export async function runAndReport(request: RunRequest, deps: RunDeps, io: RunStreams, after: RunAfter = { gates: [], json: false }): Promise<number> {
  const outcome = await runPipeline(request, deps, { ...io, describe: describeRunNotice });
  const quietStdout = { write: () => true };
  let code = reportRun(outcome, request.quiet, after.json ? { ...io, stdout: quietStdout } : io);
  if (!outcome.ok) {
    if (after.json) io.stdout.write(`${JSON.stringify({ ok: false, failure: outcome.failure.kind, exitCode: code })}\n`);
    return code;
  }
  const run = outcome.run;
  if (request.out === null && request.resume === null) {
    const problem = pointLatest(run.runDir);
    if (problem !== null && !request.quiet) io.stderr.write(`value-compass run: could not point ${LATEST} at the run: ${problem}\n`);
  }
  const header = readPlanHeader(join(run.runDir, PLAN_FILE));
  const manifest = readManifest(join(run.runDir, MANIFEST_FILE));
  const scoringErrors = manifest.ok ? (manifest.manifest.scoring?.errors ?? 0) : 0;
  let gates: GateResult[] = [];
  const finished = run.status === "completed" || run.status === "completed_with_errors";
  if (finished && header.ok) {
    const spec = parseGates(header.header.gate ?? []);
    gates = evaluateGates(header.header, run.runDir, [...(spec.ok ? spec.gates : []), ...after.gates]);
    if (gates.length > 0) io.stderr.write(gateText(gates));
    if (gates.some((g) => !g.holds)) code = EXIT_GATE_FAILED;
    else if (run.status === "completed_with_errors" && run.counts.failed === 0 && run.counts.remaining === 0 && run.stageErrors <= scoringErrors) {
      // Only scoring errors: a scoring_errors gate that holds says how many the user accepts.
      if (gates.some((g) => g.condition.startsWith("scoring_errors"))) code = EXIT_OK;
    }
  }
  if (after.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          ok: true,
          runDir: run.runDir,
          status: run.status,
          exitCode: code,
          counts: run.counts,
          scoring: manifest.ok ? manifest.manifest.scoring : null,
          elapsedSeconds: Math.round(run.elapsedSeconds * 1000) / 1000,
          // The time of each stage that ran, as the progress display measured it (answers, scoring, reports…).
          stages: run.stageTimes.map((t) => ({ stage: t.id, seconds: Math.round(t.seconds * 1000) / 1000, done: t.done, unit: t.unit })),
          stageErrors: run.stageErrors,
          gates,
        },
        null,
        2,
      )}\n`,
    );
  }
  return code;
}

/** The real loader, compiler, plan writer and providers (also used by `vc rescore`). */
export function cliRunDeps(io: CliIO, quiet: boolean, sandbox?: Sandbox): RunDeps {
  const color = useColor(io);
  return {
    compile: async (specPath, options) => {
      const loaded = await loadSpec(specPath, {
        kinds: checkKinds,
        cwd: options.cwd,
        set: options.set,
        ...(options.models.length > 0 ? { models: options.models } : {}),
        ...(options.judge !== null ? { judge: options.judge } : {}),
        ...(options.jsonIo ? { execJsonIo: true } : {}),
        ...(sandbox ? { sandbox } : {}),
        ...(options.select ? { select: options.select } : {}),
      });
      const diagnostics = sortDiagnostics(loaded.diagnostics);
      if (!loaded.spec) {
        const errors = diagnostics.filter((d) => d.severity === "error");
        const commandLine = errors.length > 0 && errors.every(isCommandLineError);
        return { ok: false, output: formatDiagnostics(diagnostics, { sources: loaded.sources, color }), ...(commandLine ? { commandLine } : {}) };
      }
      // Warnings do not stop a run, but they are worth reading before it starts.
      if (diagnostics.length > 0 && !quiet) io.stderr.write(formatDiagnostics(diagnostics, { sources: loaded.sources, color }));
      const plan = compilePlan(loaded.spec, { keepForRun: true });
      return { ok: true, plan, sites: stringSites(loaded.files, new Set(commandsOfPlan(plan).map(searchText))) };
    },
    iterateSteps,
    iterateStepIds,
    writePlan: (plan, path) => writeStreamAtomic(path, (stream) => writePlanJson(plan, stream)),
    createProvider: (model, env, specDir) => createProvider(model, env, { cwd: specDir }),
    stages: runStages,
  };
}

export const processSignals: Signals = {
  listen(handler) {
    const onSignal = () => handler();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    return () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    };
  },
};

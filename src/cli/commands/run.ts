// `vc run`: the command-line face of src/app/pipeline.ts. Parses options, wires the real loader,
// compiler, plan writer and providers, turns process signals into interrupts, and words the outcome.

import { loadSpec } from "../../check/load.js";
import { compilePlan } from "../../compile/compile.js";
import { writePlanJson } from "../../compile/serialize.js";
import { iterateSteps } from "../../compile/steps.js";
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
    const deps = cliRunDeps(io, boolOption(args, "quiet"));
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
      },
      deps,
      { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr, signals: processSignals },
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

/** Run the pipeline, then say how it went; returns the exit code. */
export async function runAndReport(request: RunRequest, deps: RunDeps, io: RunStreams): Promise<number> {
  const outcome = await runPipeline(request, deps, { ...io, describe: describeRunNotice });
  return reportRun(outcome, request.quiet, io);
}

/** The real loader, compiler, plan writer and providers (also used by `vc rescore`). */
export function cliRunDeps(io: CliIO, quiet: boolean): RunDeps {
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
      });
      const diagnostics = sortDiagnostics(loaded.diagnostics);
      if (!loaded.spec) return { ok: false, output: formatDiagnostics(diagnostics, { sources: loaded.sources, color }) };
      // Warnings do not stop a run, but they are worth reading before it starts.
      if (diagnostics.length > 0 && !quiet) io.stderr.write(formatDiagnostics(diagnostics, { sources: loaded.sources, color }));
      return { ok: true, plan: compilePlan(loaded.spec) };
    },
    iterateSteps,
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

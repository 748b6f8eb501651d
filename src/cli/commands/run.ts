// `vc run`: the command-line face of src/run/pipeline.ts. Parses options, wires the real loader,
// compiler, plan writer and providers, and turns process signals into interrupts.

import { createWriteStream, renameSync } from "node:fs";
import { finished } from "node:stream/promises";
import { loadSpec } from "../../check/load.js";
import { compilePlan } from "../../compile/compile.js";
import { writePlanJson } from "../../compile/serialize.js";
import { iterateSteps } from "../../compile/steps.js";
import { sortDiagnostics } from "../../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../../diagnostics/format.js";
import { createProvider } from "../../providers/registry.js";
import { runPipeline, type RunDeps, type Signals } from "../../run/pipeline.js";
import { runStages } from "../../run/stages.js";
import { useColor } from "./check.js";
import { boolOption, intOption, setOptions, stringListOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";

const HELP = `Usage: vc run SPEC [options]
       vc run --resume RUN_DIR [options]

Run a spec against its models and write the answers to a run directory
(default outputs/<spec-name>/<run-id>/). Progress goes to stderr; stdout gets the run directory.

Options:
  --model ID         replace the spec's models (repeatable): ollama:NAME, openai:NAME, exec:CMD, mock:NAME
  --judge ID         replace the spec's judge model
  --set KEY=VALUE    override a param (repeatable)
  --out DIR          run directory; an existing run directory of the same plan is resumed
  --concurrency N    requests open at once per endpoint (overrides the spec)
  --no-cache         neither read nor write the response cache
  --cache-dir DIR    response cache folder (default: .vc-cache in the spec's project root)
  --resume DIR       continue an interrupted or stopped run
  --retry-failed     with a resumed run: run the failed steps again
  --pull             pull missing Ollama models
  --bom              start every CSV file with a UTF-8 byte-order mark (for spreadsheets)
  --no-neutralize    write text cells as they are (no ' before a leading = + - @)
  --quiet            no progress output and no summary

After the steps the answers are scored, adaptive blocks run, and the CSV reports are written to the
run directory (docs/outputs.md); a summary (leaderboard, largest context effects) goes to stderr.

Exit codes: 0 all steps answered and scored, 1 errors (spec, failed steps, scoring errors, fatal
stop), 2 usage, 130 interrupted. See docs/running.md.
`;

export const runCommand: Command = {
  name: "run",
  summary: "run a spec against its models and record the answers",
  help: HELP,
  options: {
    model: { type: "string", multiple: true },
    judge: { type: "string" },
    set: { type: "string", multiple: true },
    out: { type: "string" },
    concurrency: { type: "string" },
    "no-cache": { type: "boolean" },
    "cache-dir": { type: "string" },
    resume: { type: "string" },
    "retry-failed": { type: "boolean" },
    pull: { type: "boolean" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length > 1) throw new UsageError(`expected one SPEC, got ${args.positionals.length}: ${args.positionals.join(" ")}`);
    const spec = args.positionals[0] ?? null;
    const resume = stringOption(args, "resume") ?? null;
    if (spec === null && resume === null) throw new UsageError("missing SPEC (or --resume RUN_DIR)");
    const out = stringOption(args, "out") ?? null;
    if (resume !== null && out !== null) throw new UsageError("--resume and --out both name the run directory; give one");
    const deps = cliRunDeps(io, boolOption(args, "quiet"));
    return runPipeline(
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
      },
      deps,
      { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr, signals: processSignals },
    );
  },
};

/** The real loader, compiler, plan writer and providers (also used by `vc rescore`). */
export function cliRunDeps(io: CliIO, quiet: boolean): RunDeps {
  const color = useColor(io);
  return {
    compile: async (specPath, options) => {
      const loaded = await loadSpec(specPath, {
        cwd: options.cwd,
        set: options.set,
        ...(options.models.length > 0 ? { models: options.models } : {}),
        ...(options.judge !== null ? { judge: options.judge } : {}),
      });
      const diagnostics = sortDiagnostics(loaded.diagnostics);
      if (!loaded.spec) return { ok: false, output: formatDiagnostics(diagnostics, { sources: loaded.sources, color }) };
      // Warnings do not stop a run, but they are worth reading before it starts.
      if (diagnostics.length > 0 && !quiet) io.stderr.write(formatDiagnostics(diagnostics, { sources: loaded.sources, color }));
      return { ok: true, plan: compilePlan(loaded.spec) };
    },
    iterateSteps,
    writePlan: async (plan, path) => {
      const tmp = `${path}.tmp`;
      const stream = createWriteStream(tmp);
      await writePlanJson(plan, stream);
      if (!stream.writableEnded) stream.end();
      await finished(stream);
      renameSync(tmp, path);
    },
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

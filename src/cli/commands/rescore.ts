// `vc rescore RUN_DIR`: the command-line face of src/app/rescore.ts — score a run's recorded answers
// again with the spec's current scoring rules, without calling the evaluated models, and rebuild the
// reports. The outcome is worded by ../rescore-messages.ts.

import { rescoreRun } from "../../app/rescore.js";
import { reportComparison, reportRescore } from "../rescore-messages.js";
import { useColor } from "./check.js";
import { boolOption, stringListOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { cliRunDeps, processSignals } from "./run.js";
import { commandInfo } from "./index.js";
import { sandboxOf } from "../sandbox-options.js";

export const rescoreCommand: Command = {
  // Name, summary, help and options live in index.ts, so `vc --help` needs no command module.
  ...commandInfo("rescore"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length !== 1) throw new UsageError(`expected one RUN_DIR, got ${args.positionals.length}`);
    const seedText = stringOption(args, "seed");
    if (seedText !== undefined && !/^-?\d+$/.test(seedText)) throw new UsageError(`--seed expects a whole number, got '${seedText}'`);
    const scorerModels: Record<string, string> = {};
    for (const pair of stringListOption(args, "model-scorer")) {
      const eq = pair.indexOf("=");
      if (eq <= 0 || eq === pair.length - 1) throw new UsageError(`--model-scorer expects SCORER=MODEL_ID, got '${pair}'`);
      scorerModels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    const quiet = boolOption(args, "quiet");
    const judges = stringListOption(args, "judge");
    if (judges.length !== new Set(judges).size) throw new UsageError("--judge: each judge once");
    const request = {
      runDir: args.positionals[0]!,
      judge: judges[0] ?? null,
      scorerModels,
      seed: seedText !== undefined ? Number(seedText) : null,
      bom: boolOption(args, "bom"),
      neutralize: !boolOption(args, "no-neutralize"),
      quiet,
      allowExec: boolOption(args, "allow-exec"),
    };
    if (judges.length >= 2) {
      const { compareJudges } = await import("../../app/compare-judges.js");
      const compared = await compareJudges(request, judges, cliRunDeps(io, quiet, sandboxOf(args)), { cwd: io.cwd, env: io.env, signals: processSignals });
      return reportComparison(compared, quiet, { ...io, colour: useColor(io) });
    }
    const outcome = await rescoreRun(request, cliRunDeps(io, quiet, sandboxOf(args)), { cwd: io.cwd, env: io.env, signals: processSignals });
    return reportRescore(outcome, quiet, { ...io, colour: useColor(io) });
  },
};

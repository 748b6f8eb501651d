// `vc rescore RUN_DIR`: the command-line face of src/run/rescore.ts — score a run's recorded answers
// again with the spec's current scoring rules, without calling the evaluated models, and rebuild the
// reports.

import { rescoreRun } from "../../run/rescore.js";
import { boolOption, stringListOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { cliRunDeps, processSignals } from "./run.js";

const HELP = `Usage: vc rescore RUN_DIR [--judge ID] [--model-scorer SCORER=ID]... [--seed N]
                  [--bom] [--no-neutralize] [--quiet]

Score the answers recorded in RUN_DIR again with the spec's current scorers, score expressions,
rules and rubrics (the spec, --model and --set values are taken from the run's manifest), without
asking the evaluated models anything, and rebuild the reports. The recorded steps must still be the
spec's steps (matched by id); if items, models, contexts or samples changed, rescoring is refused.

The previous scores are kept as scores.<UTC time>.jsonl and the previous plan as
plan.<UTC time>.json; the manifest lists every rescore.

Options:
  --judge ID                 replace the run's judge model
  --model-scorer SCORER=ID   replace the model of one judge or guard scorer (repeatable)
  --seed N                   bootstrap seed of the reports (default: the run's seed)
  --bom                      start every CSV file with a UTF-8 byte-order mark
  --no-neutralize            write text cells as they are (no ' before a leading = + - @)
  --quiet                    no summary

Exit codes: 0 ok, 1 errors (not a run, changed steps, judge unreachable, scoring errors),
2 wrong command line, 130 interrupted (the run directory is left as it was). See docs/outputs.md.
`;

export const rescoreCommand: Command = {
  name: "rescore",
  summary: "score a run's answers again with the spec's current rules (no model calls) and rebuild its reports",
  help: HELP,
  options: {
    judge: { type: "string" },
    "model-scorer": { type: "string", multiple: true },
    seed: { type: "string" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
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
    return rescoreRun(
      {
        runDir: args.positionals[0]!,
        judge: stringOption(args, "judge") ?? null,
        scorerModels,
        seed: seedText !== undefined ? Number(seedText) : null,
        bom: boolOption(args, "bom"),
        neutralize: !boolOption(args, "no-neutralize"),
        quiet,
      },
      cliRunDeps(io, quiet),
      { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr, signals: processSignals },
    );
  },
};

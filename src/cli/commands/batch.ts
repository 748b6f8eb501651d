// `vc batch export RUN_DIR [--out FILE] [--all]`: the command-line face of src/app/batch-export.ts.

import { resolve } from "node:path";
import { exportBatchInput } from "../../app/batch-export.js";
import { displayPath } from "../paths.js";
import { boolOption, EXIT_ERRORS, EXIT_OK, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { commandInfo } from "./index.js";

export const batchCommand: Command = {
  // Name, summary, help and options live in index.ts, so `vc --help` needs no command module.
  ...commandInfo("batch"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    const [action, runDir, ...rest] = args.positionals;
    if (action !== "export") throw new UsageError(`expected: value-compass batch export RUN_DIR [--out FILE] [--all]${action ? `, got '${action}'` : ""}`);
    if (runDir === undefined || rest.length > 0) throw new UsageError("expected one RUN_DIR after 'batch export'");
    const out = stringOption(args, "out");
    const result = exportBatchInput(resolve(io.cwd, runDir), out === undefined ? null : resolve(io.cwd, out), { all: boolOption(args, "all") });
    if (!result.ok) {
      io.stderr.write(`value-compass batch: ${result.message}\n`);
      return EXIT_ERRORS;
    }
    if (!boolOption(args, "quiet")) {
      io.stderr.write(`value-compass batch: ${result.lines} requests written${result.skipped ? ` (${result.skipped} answered steps left out)` : ""}\n`);
    }
    io.stdout.write(`${displayPath(io.cwd, result.file)}\n`);
    return EXIT_OK;
  },
};

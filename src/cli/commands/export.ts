// `vc export RUN_DIR [-o FILE]`: the run's answers in the documented answers form (JSONL), to stdout
// or a file, so they can be scored again with `score --answers` or read by other tools.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { exportAnswers, exportAnswersToFile } from "../../app/export.js";
import { JOURNAL_FILE } from "../../run/journal.js";
import { EXIT_ERRORS, EXIT_OK, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { commandInfo } from "./index.js";

export const exportCommand: Command = {
  ...commandInfo("export"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length !== 1) throw new UsageError(`expected one RUN_DIR, got ${args.positionals.length}`);
    const given = args.positionals[0] as string;
    const runDir = resolve(io.cwd, given);
    if (!existsSync(join(runDir, JOURNAL_FILE))) {
      io.stderr.write(`value-compass export: ${given} is not a run directory (no ${JOURNAL_FILE})\n`);
      return EXIT_ERRORS;
    }
    const out = stringOption(args, "out");
    const counts = out === undefined ? await exportAnswers(runDir, io.stdout) : await exportAnswersToFile(runDir, resolve(io.cwd, out));
    io.stderr.write(
      `value-compass export: ${counts.written} answer${counts.written === 1 ? "" : "s"}${out !== undefined ? ` to ${out}` : ""}` +
        (counts.failed > 0
          ? `; ${counts.failed} failed step${counts.failed === 1 ? "" : "s"} had none and ${counts.failed === 1 ? "was" : "were"} left out`
          : "") +
        "\n",
    );
    return EXIT_OK;
  },
};

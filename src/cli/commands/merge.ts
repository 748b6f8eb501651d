// `vc merge SHARD_DIR… --out DIR`: the command-line face of src/app/merge.ts (shards of one plan
// joined into one run folder with the same tables as an unsharded run).

import { resolve } from "node:path";
import { mergeShards } from "../../app/merge.js";
import { summaryText } from "../../app/report-stage.js";
import { displayPath } from "../paths.js";
import { useColor } from "./check.js";
import { boolOption, EXIT_ERRORS, EXIT_OK, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { commandInfo } from "./index.js";

export const mergeCommand: Command = {
  // Name, summary, help and options live in index.ts, so `vc --help` needs no command module.
  ...commandInfo("merge"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length === 0) throw new UsageError("expected the shards' run folders: value-compass merge SHARD_DIR... --out DIR");
    const outArg = stringOption(args, "out");
    if (outArg === undefined) throw new UsageError("missing --out DIR (the merged run folder)");
    const quiet = boolOption(args, "quiet");
    const outcome = await mergeShards({
      shards: args.positionals.map((given) => ({ given, dir: resolve(io.cwd, given) })),
      out: resolve(io.cwd, outArg),
      csv: { bom: boolOption(args, "bom"), neutralize: !boolOption(args, "no-neutralize") },
      html: !boolOption(args, "no-html"),
    });
    if (!outcome.ok) {
      io.stderr.write(`value-compass merge: ${outcome.message}\n`);
      return EXIT_ERRORS;
    }
    if (!quiet) {
      for (const note of outcome.notes) io.stderr.write(`value-compass merge: ${note}\n`);
      io.stderr.write(`value-compass merge: ${args.positionals.length} shards, ${outcome.counts.done} steps, ${outcome.files.length} files written\n`);
      io.stderr.write(summaryText(outcome.report.analysis, outcome.report.adaptive, useColor(io)));
    }
    io.stdout.write(`${displayPath(io.cwd, outcome.outDir)}\n`);
    return outcome.counts.failed > 0 ? EXIT_ERRORS : EXIT_OK;
  },
};

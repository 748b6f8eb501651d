// `vc calibrate RUN_DIR... -o FILE`: fit 1PL/2PL item parameters to the scored answers of one or more
// runs and write them as an items data file (JSONL) plus the examinees' abilities (CSV). The work is
// src/adaptive/calibrate-runs.ts; this module parses options and prints.

import { mkdirSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import {
  abilitiesCsv,
  abilitiesPathFor,
  calibrateRuns,
  calibratedItemsJsonl,
  DEFAULT_CALIBRATE_OPTIONS,
  summariseCalibration,
} from "../../adaptive/calibrate-runs.js";
import type { IrtModel } from "../../adaptive/irt.js";
import { writeFileAtomic } from "../../core/atomic-write.js";
import { EXIT_ERRORS, EXIT_OK, intOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { commandInfo } from "./index.js";
import { displayPath } from "../paths.js";

export const calibrateCommand: Command = {
  // Name, summary, help and options live in index.ts, so `vc --help` needs no command module.
  ...commandInfo("calibrate"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length === 0) throw new UsageError("expected one or more RUN_DIR");
    const out = stringOption(args, "out");
    if (out === undefined || out.trim() === "") throw new UsageError("missing -o FILE (where to write the calibrated items)");
    const irtRaw = stringOption(args, "irt");
    if (irtRaw !== undefined && irtRaw !== "1pl" && irtRaw !== "2pl") throw new UsageError(`--irt expects 1pl or 2pl, got '${irtRaw}'`);
    const thresholdRaw = stringOption(args, "threshold");
    let threshold = DEFAULT_CALIBRATE_OPTIONS.threshold;
    if (thresholdRaw !== undefined) {
      threshold = Number(thresholdRaw);
      if (thresholdRaw.trim() === "" || !Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
        throw new UsageError(`--threshold expects a number from 0 to 100, got '${thresholdRaw}'`);
      }
    }
    const minAnswers = intOption(args, "min-answers", 1) ?? DEFAULT_CALIBRATE_OPTIONS.minAnswers;

    const outcome = calibrateRuns(
      args.positionals.map((dir) => resolve(io.cwd, dir)),
      {
        irt: (irtRaw as IrtModel | undefined) ?? null,
        scorer: stringOption(args, "scorer") ?? null,
        threshold,
        minAnswers,
        system: stringOption(args, "system") ?? null,
      },
    );
    const show = (text: string) => text.split(resolve(io.cwd) + sep).join("");
    for (const warning of outcome.ok ? outcome.report.warnings : outcome.warnings) io.stderr.write(`value-compass calibrate: warning: ${show(warning)}\n`);
    if (!outcome.ok) {
      for (const error of outcome.errors) io.stderr.write(`value-compass calibrate: ${show(error)}\n`);
      return EXIT_ERRORS;
    }
    const itemsPath = resolve(io.cwd, out);
    const abilitiesPath = abilitiesPathFor(itemsPath);
    try {
      mkdirSync(dirname(itemsPath), { recursive: true });
      writeFileAtomic(itemsPath, calibratedItemsJsonl(outcome.report));
      writeFileAtomic(abilitiesPath, abilitiesCsv(outcome.report));
    } catch (err) {
      io.stderr.write(`value-compass calibrate: cannot write ${out}: ${err instanceof Error ? err.message : String(err)}\n`);
      return EXIT_ERRORS;
    }
    io.stdout.write(summariseCalibration(outcome.report, { items: displayPath(io.cwd, itemsPath), abilities: displayPath(io.cwd, abilitiesPath) }));
    return EXIT_OK;
  },
};

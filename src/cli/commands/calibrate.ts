// `vc calibrate RUN_DIR... -o FILE`: fit 1PL/2PL item parameters to the scored answers of one or more
// runs and write them as an items data file (JSONL) plus the examinees' abilities (CSV). The work is
// src/adaptive/calibrate-runs.ts; this module parses options and prints.

import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve, isAbsolute, sep } from "node:path";
import {
  abilitiesCsv,
  abilitiesPathFor,
  calibrateRuns,
  calibratedItemsJsonl,
  DEFAULT_CALIBRATE_OPTIONS,
  summariseCalibration,
} from "../../adaptive/calibrate-runs.js";
import type { IrtModel } from "../../adaptive/irt.js";
import { EXIT_ERRORS, EXIT_OK, intOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";

const HELP = `Usage: vc calibrate RUN_DIR... -o FILE [--irt 1pl|2pl] [--scorer NAME] [--threshold 50]
                    [--min-answers N] [--system NAME]

Fit an item-response model to the scored answers in one or more run directories (plan.json,
journal.jsonl, scores.jsonl) and write one JSON line per item to FILE — usable as an items data
file: difficulty, discrimination, their standard errors, n, p_conform, flag, calibration — and the
abilities of the examinees (model × context) to FILE with .abilities.csv.

Options:
  -o, --out FILE       where to write the calibrated items (JSONL)
  --irt 1pl|2pl        item-response model (default: the spec's adaptive block, else 2pl)
  --scorer NAME        which scorer's scores to use (needed when answers have several)
  --threshold N        a score >= N (0-100) counts as conforming (default 50)
  --min-answers N      leave out items answered by fewer examinees (default 3)
  --system NAME        which value system to calibrate (needed when the runs hold several)

At least 3 examinees are needed. Items every examinee conformed to (or none did) are kept with
large standard errors and flagged. See docs/adaptive.md.
`;

export const calibrateCommand: Command = {
  name: "calibrate",
  summary: "fit 1PL/2PL item parameters to the scored answers of runs (adaptive banks)",
  help: HELP,
  options: {
    out: { type: "string", short: "o" },
    irt: { type: "string" },
    scorer: { type: "string" },
    threshold: { type: "string" },
    "min-answers": { type: "string" },
    system: { type: "string" },
  },
  allowPositionals: true,
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
    for (const warning of outcome.ok ? outcome.report.warnings : outcome.warnings) io.stderr.write(`vc calibrate: warning: ${show(warning)}\n`);
    if (!outcome.ok) {
      for (const error of outcome.errors) io.stderr.write(`vc calibrate: ${show(error)}\n`);
      return EXIT_ERRORS;
    }
    const itemsPath = resolve(io.cwd, out);
    const abilitiesPath = abilitiesPathFor(itemsPath);
    try {
      mkdirSync(dirname(itemsPath), { recursive: true });
      writeAtomically(itemsPath, calibratedItemsJsonl(outcome.report));
      writeAtomically(abilitiesPath, abilitiesCsv(outcome.report));
    } catch (err) {
      io.stderr.write(`vc calibrate: cannot write ${out}: ${err instanceof Error ? err.message : String(err)}\n`);
      return EXIT_ERRORS;
    }
    io.stdout.write(summariseCalibration(outcome.report, { items: display(io.cwd, itemsPath), abilities: display(io.cwd, abilitiesPath) }));
    return EXIT_OK;
  },
};

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function display(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : path;
}

// `vc report RUN_DIR`: rebuild every table of a run from journal.jsonl, scores.jsonl and the header of
// plan.json (the same code the run's report stage uses, so a finished run's files come out
// byte-identical). Used to re-run the analyses with another bootstrap seed or CSV options, after a
// resumed run, or to write the tables elsewhere with --out.

import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { readPlanHeader } from "../../adaptive/plan-file.js";
import { JOURNAL_FILE } from "../../run/journal.js";
import { displayPath } from "../paths.js";
import { writeHtmlReport } from "../../app/html-report.js";
import { reportSeed, summaryText, writeRunReports } from "../../app/report-stage.js";
import { lockRunDir, PLAN_FILE } from "../../run/rundir.js";
import { lockMessage } from "../failure-messages.js";
import { useColor } from "./check.js";
import {
  boolOption,
  EXIT_ERRORS,
  EXIT_OK,
  intOption,
  stringListOption,
  stringOption,
  UsageError,
  type CliIO,
  type Command,
  type ParsedArgs,
} from "../command.js";
import { commandInfo } from "./index.js";
import { evaluateGates, parseGates } from "../../app/gate.js";
import { resolveRunDir } from "../../run/rundir.js";
import { EXIT_GATE_FAILED } from "../exit-codes.js";
import { gateText } from "../gate-messages.js";

export const reportCommand: Command = {
  // Name, summary, help and options live in index.ts, so `vc --help` needs no command module.
  ...commandInfo("report"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length !== 1) throw new UsageError(`expected one RUN_DIR, got ${args.positionals.length}`);
    const given = args.positionals[0]!;
    const seedText = stringOption(args, "seed");
    if (seedText !== undefined && !/^-?\d+$/.test(seedText)) throw new UsageError(`--seed expects a whole number, got '${seedText}'`);
    const resamples = intOption(args, "resamples", 1);
    const html = boolOption(args, "html");
    const explorerLimit = intOption(args, "explorer-limit", 1);
    if (explorerLimit !== undefined && !html) throw new UsageError("--explorer-limit applies to report.html: add --html");
    const quiet = boolOption(args, "quiet");
    const runDir = resolveRunDir(resolve(io.cwd, given));
    const json = boolOption(args, "json");
    const gates = parseGates(stringListOption(args, "fail-under"));
    if (!gates.ok) throw new UsageError(`--fail-under: ${gates.message}`);
    const header = readPlanHeader(join(runDir, PLAN_FILE));
    if (!header.ok) {
      io.stderr.write(`value-compass report: ${given} is not a finished run directory: ${header.message}\n`);
      return EXIT_ERRORS;
    }
    if (!existsSync(join(runDir, JOURNAL_FILE))) {
      io.stderr.write(`value-compass report: ${given} has no ${JOURNAL_FILE}: nothing was answered yet\n`);
      return EXIT_ERRORS;
    }
    const outArg = stringOption(args, "out");
    const outDir = outArg === undefined ? runDir : resolve(io.cwd, outArg);
    // Writing into the run directory while a run works there would race with its own report stage.
    const lock = outDir === runDir ? lockRunDir(runDir) : null;
    if (lock && !lock.ok) {
      io.stderr.write(`value-compass report: ${lockMessage(lock)}\n`);
      return EXIT_ERRORS;
    }
    try {
      const plan = header.header;
      const result = writeRunReports(plan, runDir, outDir, {
        runId: basename(runDir),
        seed: seedText !== undefined ? Number(seedText) : reportSeed(plan),
        ...(resamples !== undefined ? { resamples } : {}),
        csv: { bom: boolOption(args, "bom"), neutralize: !boolOption(args, "no-neutralize") },
        responses: true,
      });
      if (!result.ok) {
        io.stderr.write(`value-compass report: ${result.error}\n`);
        return EXIT_ERRORS;
      }
      if (html) {
        const page = await writeHtmlReport(plan, runDir, outDir, result, {
          runId: basename(runDir),
          ...(explorerLimit !== undefined ? { explorerLimit } : {}),
        });
        if (!page.ok) {
          io.stderr.write(`value-compass report: ${page.error}\n`);
          return EXIT_ERRORS;
        }
        result.notes.push(...page.notes);
        result.files.push(page.file);
      }
      if (!quiet) {
        for (const note of result.notes) io.stderr.write(`value-compass report: ${note}\n`);
        io.stderr.write(`value-compass report: ${result.files.length} files written\n`);
        io.stderr.write(summaryText(result.analysis, result.adaptive, useColor(io)));
      }
      const spec = parseGates(plan.gate ?? []);
      const checked = evaluateGates(plan, runDir, [...(spec.ok ? spec.gates : []), ...gates.gates]);
      if (checked.length > 0) io.stderr.write(gateText(checked));
      const code = checked.some((g) => !g.holds) ? EXIT_GATE_FAILED : EXIT_OK;
      if (json) {
        const summary = { outDir, files: result.files, notes: result.notes, selection: plan.selection ?? null, gates: checked, exitCode: code };
        io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else io.stdout.write(`${displayPath(io.cwd, outDir)}\n`);
      return code;
    } finally {
      if (lock?.ok) lock.release();
    }
  },
};

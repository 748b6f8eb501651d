// `vc score SPEC --answers FILE…`: score recorded answers with the spec's scorers, analyses and
// reports, without calling the evaluated models (src/app/score-answers.ts); the run folder is a run's.

import { resolve } from "node:path";
import { readAnswersFiles, type AnswersRead } from "../../app/answers/read.js";
import { ANSWER_FORMATS, AnswersError, type AnswerFormat } from "../../app/answers/types.js";
import { replayDeps, replayRequest, type ReplayNotice } from "../../app/score-answers.js";
import { boolOption, EXIT_ERRORS, setOptions, stringListOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { commandInfo } from "./index.js";
import { cliRunDeps, processSignals, runAndReport } from "./run.js";

const SHOWN = 10;

function describeMatch(n: ReplayNotice, read: AnswersRead): string {
  const lines = [
    `value-compass score: ${read.answers.length} recorded answer${read.answers.length === 1 ? "" : "s"} from ${read.files.length} file${read.files.length === 1 ? "" : "s"}` +
      ` (${read.files.map((f) => `${f.path}: ${f.format}`).join("; ")}); ${n.matched} of ${n.steps} steps matched` +
      (n.byPrompt > 0 ? ` (${n.byPrompt} by prompt text)` : ""),
  ];
  for (const s of read.skipped.slice(0, SHOWN)) lines.push(`  skipped ${s.file}:${s.line}: ${s.reason}`);
  if (read.skipped.length > SHOWN) lines.push(`  … and ${read.skipped.length - SHOWN} more rows skipped`);
  if (n.unmatched.length > 0) {
    lines.push(`  ${n.unmatched.length} answer${n.unmatched.length === 1 ? "" : "s"} matched no step:`);
    for (const u of n.unmatched.slice(0, SHOWN)) lines.push(`    ${u.answer.file}:${u.answer.line} (${u.answer.model}): ${u.reason}`);
    if (n.unmatched.length > SHOWN) lines.push(`    … and ${n.unmatched.length - SHOWN} more`);
  }
  if (n.missing.length > 0) {
    lines.push(`  ${n.missing.length} step${n.missing.length === 1 ? " has" : "s have"} no recorded answer (recorded as failed steps):`);
    for (const s of n.missing.slice(0, SHOWN))
      lines.push(`    ${s.model}, item ${s.item}, ${s.context.culture ?? "-"}/${s.context.usecase ?? "-"}, sample ${s.sample}`);
    if (n.missing.length > SHOWN) lines.push(`    … and ${n.missing.length - SHOWN} more (give items a models column to ask each model only its own)`);
  }
  return `${lines.join("\n")}\n`;
}

export const scoreCommand: Command = {
  ...commandInfo("score"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    const [spec, ...more] = args.positionals;
    if (spec === undefined) throw new UsageError("missing SPEC");
    const files = [...stringListOption(args, "answers"), ...more];
    if (files.length === 0) throw new UsageError("missing --answers FILE: the recorded answers to score");
    const formatText = stringOption(args, "format");
    if (formatText !== undefined && !(ANSWER_FORMATS as readonly string[]).includes(formatText)) {
      throw new UsageError(`--format must be one of ${ANSWER_FORMATS.join(", ")}; got '${formatText}'`);
    }
    const quiet = boolOption(args, "quiet");
    let read: AnswersRead;
    try {
      const lmModel = stringOption(args, "answers-model");
      read = readAnswersFiles(
        files.map((f) => resolve(io.cwd, f)),
        { ...(formatText ? { format: formatText as AnswerFormat } : {}), ...(lmModel ? { model: lmModel } : {}) },
      );
    } catch (error) {
      if (error instanceof AnswersError) {
        io.stderr.write(`value-compass score: ${error.message}\n`);
        return EXIT_ERRORS;
      }
      throw error;
    }
    if (read.answers.length === 0) {
      io.stderr.write(
        `value-compass score: no answers in ${files.join(", ")}${read.skipped.length > 0 ? ` (${read.skipped.length} rows skipped: ${read.skipped[0]?.reason})` : ""}\n`,
      );
      return EXIT_ERRORS;
    }
    const deps = replayDeps(cliRunDeps(io, quiet), read, (n) => {
      // Unmatched rows and missing answers are always worth saying; the counts only without --quiet.
      if (!quiet || n.unmatched.length > 0 || n.missing.length > 0) io.stderr.write(describeMatch(n, read));
    });
    const request = replayRequest(
      {
        spec,
        models: [],
        judge: stringOption(args, "judge") ?? null,
        set: setOptions(args),
        out: stringOption(args, "out") ?? null,
        concurrency: null,
        cache: false,
        cacheDir: null,
        resume: null,
        pull: false,
        quiet,
        retryFailed: false,
        bom: boolOption(args, "bom"),
        neutralize: !boolOption(args, "no-neutralize"),
      },
      read,
    );
    return runAndReport(request, deps, { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr, signals: processSignals });
  },
};

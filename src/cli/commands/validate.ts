// `vc validate SPEC`: the command-line face of src/app/validate.ts — send the gold sets' examples to
// their judges, write judge_agreement.csv and judge_confusion.csv, print the overall agreement and
// whether each `require` holds. Exit 3 when one does not (EXIT_NOT_VALIDATED).

import { validateSpec, type Validation, type ValidateFailure } from "../../app/validate.js";
import { boolOption, EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, setOptions, stringOption, UsageError, type CliIO, type Command } from "../command.js";
import { EXIT_NOT_ALLOWED, EXIT_NOT_VALIDATED } from "../exit-codes.js";
import { displayPath } from "../paths.js";
import { execRefusalMessage } from "../failure-messages.js";
import { sandboxOf } from "../sandbox-options.js";
import { cliRunDeps, processSignals } from "./run.js";
import { commandInfo } from "./index.js";

export const validateCommand: Command = {
  ...commandInfo("validate"),
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError(`expected one SPEC, got ${args.positionals.length}`);
    const seedText = stringOption(args, "seed");
    if (seedText !== undefined && !/^-?\d+$/.test(seedText)) throw new UsageError(`--seed expects a whole number, got '${seedText}'`);
    const outcome = await validateSpec(
      {
        spec: args.positionals[0]!,
        judge: stringOption(args, "judge") ?? null,
        set: setOptions(args),
        out: stringOption(args, "out") ?? null,
        cache: !boolOption(args, "no-cache"),
        seed: seedText !== undefined ? Number(seedText) : null,
        csv: { bom: boolOption(args, "bom"), neutralize: !boolOption(args, "no-neutralize") },
        allowExec: boolOption(args, "allow-exec"),
      },
      cliRunDeps(io, false, sandboxOf(args)),
      { cwd: io.cwd, env: io.env, signals: processSignals },
    );
    if (!outcome.ok) return reportFailure(outcome.failure, io);
    io.stderr.write(describeValidation(outcome.validation));
    io.stdout.write(`${outcome.dir}\n`);
    return outcome.validation.passed ? EXIT_OK : EXIT_NOT_VALIDATED;
  },
};

function reportFailure(failure: ValidateFailure, io: CliIO): number {
  const say = (line: string) => io.stderr.write(`value-compass validate: ${line}\n`);
  switch (failure.kind) {
    case "compile_failed":
      io.stderr.write(failure.output);
      return EXIT_ERRORS;
    case "no_gold":
      say(`${failure.spec} declares no gold set; add one: gold NAME for SCORER { from "data/gold.jsonl" ... } (docs/validation.md)`);
      return EXIT_ERRORS;
    case "validation_interrupted":
      say("interrupted; nothing was written");
      return EXIT_INTERRUPTED;
    case "validation_stopped":
      say(`a judge failed for good: ${failure.fatal.message}`);
      return EXIT_ERRORS;
    case "write_failed":
      say(`could not write the tables: ${failure.error}`);
      return EXIT_ERRORS;
    case "exec_not_allowed":
      io.stderr.write(execRefusalMessage(failure, "validate", displayPath(io.cwd, failure.specPath)));
      return EXIT_NOT_ALLOWED;
    default:
      say(describePrepare(failure));
      return EXIT_ERRORS;
  }
}

function describePrepare(
  failure: Exclude<ValidateFailure, { kind: "compile_failed" | "no_gold" | "validation_interrupted" | "validation_stopped" | "write_failed" }>,
): string {
  const f = failure as { kind: string; id?: string; message?: string };
  return `cannot prepare judge ${f.id ?? ""}: ${f.kind}${f.message ? ` (${f.message})` : ""}`;
}

const fmt = (x: number | null) => (x === null ? "n/a" : x.toFixed(3));

/** Overall agreement per gold set and judge, then each requirement: the lines a user reads first. */
export function describeValidation(v: Validation): string {
  const lines: string[] = [];
  for (const r of v.results) {
    for (const row of r.rows.filter((x) => x.group === "overall")) {
      const ci = row.low === null || row.high === null ? "" : ` [${fmt(row.low)}, ${fmt(row.high)}]`;
      const failed = row.failed > 0 ? `, ${row.failed} without a label` : "";
      lines.push(`${row.goldSet} · ${row.judge}: ${row.metric} ${fmt(row.value)}${ci} (n ${row.n}${failed})`);
    }
    for (const q of r.requirements) {
      lines.push(
        q.passed
          ? `${q.goldSet}: require ${q.text} holds (${fmt(q.value)})`
          : `${q.goldSet}: require ${q.text} does NOT hold (${fmt(q.value)}): the scores of scorer '${q.scorer}' must not be published`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

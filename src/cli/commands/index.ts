// The list of commands, in the order `value-compass --help` shows them. Each entry says statically what
// `--help` and `COMMAND --help` print, and loads its implementation only when the command runs,
// so `check` does not pay for the provider libraries `run` imports (bench/check-bench.ts).
// Adding a command: one entry here, and its module in src/cli/commands/<name>.ts exporting a Command
// that spreads `commandInfo(name)` (test/check/commands.test.ts checks that every module does).

import type { Command, OptionsConfig } from "../command.js";

export interface CommandEntry {
  name: string;
  summary: string;
  help: string;
  options: OptionsConfig;
  allowPositionals: boolean;
  /** The implementation; its `options` are the ones the command line is parsed with. */
  load(): Promise<Command>;
}

type CommandInfo = Omit<CommandEntry, "load">;

const CHECK: CommandInfo = {
  name: "check",
  summary: "check specs: names, imports, templates, data files, values",
  help: [
    "Usage: value-compass check SPEC... [--set key=value]...",
    "",
    "Checks each spec and everything it imports or reads (templates, data files, schemas) without",
    "calling any model. Problems are printed to stderr with the offending source lines.",
    "",
    "Options:",
    "  --set key=value  override a declared param (repeatable), as `value-compass run` would",
    "",
    "Exit codes: 0 no errors (warnings are allowed), 1 errors, 2 wrong command line.",
  ].join("\n"),
  options: { set: { type: "string", multiple: true } },
  allowPositionals: true,
};

const PLAN: CommandInfo = {
  name: "plan",
  summary: "compile a spec and show its plan (steps, models, contexts, token estimate)",
  help: [
    "Usage: value-compass plan SPEC [--model ID]... [--judge ID] [--set key=value]... [--json | --items [--by FIELD]]",
    "",
    "Checks and compiles SPEC into the plan a run would execute and prints a summary: steps per",
    "model, system, dimension and context, the templates, and an estimate of the prompt tokens.",
    "",
    "Options:",
    "  --model ID       evaluate this model instead of the spec's list (repeatable)",
    "  --judge ID       use this judge model instead of the spec's",
    "  --set key=value  override a declared param (repeatable)",
    "  --json           print the whole plan (header and every step) as JSON on stdout",
    "  --items          print item counts per dimension as a Markdown table (for docs)",
    "  --by FIELD       with --items: the columns: segment (default), difficulty, or any item",
    "                   field such as locale or task",
    "",
    "Model ids: ollama:NAME, openai:NAME, exec:COMMAND, mock:NAME.",
  ].join("\n"),
  options: {
    model: { type: "string", multiple: true },
    judge: { type: "string" },
    set: { type: "string", multiple: true },
    json: { type: "boolean" },
    items: { type: "boolean" },
    by: { type: "string" },
  },
  allowPositionals: true,
};

const RUN: CommandInfo = {
  name: "run",
  summary: "run a spec against its models and record the answers",
  help: `Usage: value-compass run SPEC [options]
       value-compass run --resume RUN_DIR [options]

Run a spec against its models and write the answers to a run directory
(default outputs/<spec-name>/<run-id>/). Progress goes to stderr; stdout gets the run directory.

Options:
  --model ID         replace the spec's models (repeatable): ollama:NAME, openai:NAME, exec:CMD, mock:NAME
  --judge ID         replace the spec's judge model
  --set KEY=VALUE    override a param (repeatable)
  --out DIR          run directory; an existing run directory of the same plan is resumed
  --concurrency N    requests open at once per endpoint (overrides the spec)
  --no-cache         neither read nor write the response cache
  --cache-dir DIR    response cache folder (default: .vc-cache in the spec's project root)
  --resume DIR       continue an interrupted or stopped run
  --retry-failed     with a resumed run: run the failed steps again
  --pull             pull missing Ollama models
  --json-io          exec: models get the request as JSON on stdin (like json_io true in the spec)
  --shard K/N        run only shard K of N (steps by id hash; merge the shards with \`value-compass merge\`)
  --batch            openai: models' steps go through the OpenAI Batch API (half price, up to 24 h);
                     a killed run re-attaches with --resume (docs/scale.md)
  --batch-retry M    failed batch requests: batch (a new batch, up to the run's retries; default) or live
  --batch-poll S     seconds between the first status polls of a batch (default 10, growing to 300)
  --shard auto       the shard from JOB_COMPLETION_INDEX + VC_SHARD_COUNT (Kubernetes), SLURM_ARRAY_TASK_ID
                     + SLURM_ARRAY_TASK_COUNT (Slurm) or VC_SHARD=K/N (docs/scale.md)
  --bom              start every CSV file with a UTF-8 byte-order mark (for spreadsheets)
  --no-neutralize    write text cells as they are (no ' before a leading = + - @)
  --quiet            no progress output and no summary

After the steps the answers are scored, adaptive blocks run, and the CSV reports are written to the
run directory (docs/outputs.md); a summary (leaderboard, largest context effects) goes to stderr.

Exit codes: 0 all steps answered and scored, 1 errors (spec, failed steps, scoring errors, fatal
stop), 2 usage, 130 interrupted. See docs/running.md.
`,
  options: {
    model: { type: "string", multiple: true },
    judge: { type: "string" },
    set: { type: "string", multiple: true },
    out: { type: "string" },
    concurrency: { type: "string" },
    "no-cache": { type: "boolean" },
    "cache-dir": { type: "string" },
    resume: { type: "string" },
    "retry-failed": { type: "boolean" },
    pull: { type: "boolean" },
    "json-io": { type: "boolean" },
    shard: { type: "string" },
    batch: { type: "boolean" },
    "batch-retry": { type: "string" },
    "batch-poll": { type: "string" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
};

const FMT: CommandInfo = {
  name: "fmt",
  summary: "format .vc files canonically (or --check that they are)",
  help: [
    "Usage: value-compass fmt SPEC... [--check]",
    "",
    "Rewrites each .vc file (directories: every .vc file below them) in the canonical layout:",
    "2-space indentation, one space between tokens, aligned trailing comments, re-indented",
    "triple-quoted strings. Comments and meaning are kept. Files are written only when they change.",
    "",
    "Options:",
    "  --check   do not write; list the files that are not formatted and exit 1 if there are any",
    "",
    "Exit codes: 0 ok, 1 syntax errors or (with --check) unformatted files, 2 wrong command line.",
  ].join("\n"),
  options: { check: { type: "boolean" } },
  allowPositionals: true,
};

const CALIBRATE: CommandInfo = {
  name: "calibrate",
  summary: "fit 1PL/2PL item parameters to the scored answers of runs (adaptive banks)",
  help: `Usage: value-compass calibrate RUN_DIR... -o FILE [--irt 1pl|2pl] [--scorer NAME] [--threshold 50]
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
`,
  options: {
    out: { type: "string", short: "o" },
    irt: { type: "string" },
    scorer: { type: "string" },
    threshold: { type: "string" },
    "min-answers": { type: "string" },
    system: { type: "string" },
  },
  allowPositionals: true,
};

const REPORT: CommandInfo = {
  name: "report",
  summary: "rebuild a run's CSV tables and summary from its journal and scores",
  help: `Usage: value-compass report RUN_DIR [--out DIR] [--seed N] [--resamples N] [--bom] [--no-neutralize] [--quiet]

Rebuild every CSV table of a run (responses, scores, leaderboard, dimensions, the spec's reports,
adaptive and abilities) from its journal.jsonl, scores.jsonl and plan.json, and print the summary.
With the run's seed and CSV options the files are byte-identical to the ones the run wrote.

Options:
  --out DIR          write the tables to DIR instead of RUN_DIR
  --seed N           bootstrap seed (default: the run's seed, 0 when the spec sets none)
  --resamples N      bootstrap resamples (default 2000)
  --bom              start every CSV file with a UTF-8 byte-order mark (for spreadsheets)
  --no-neutralize    write text cells as they are (no ' before a leading = + - @)
  --quiet            print only the output folder

Exit codes: 0 ok, 1 not a run directory or a write error, 2 wrong command line. See docs/outputs.md.
`,
  options: {
    out: { type: "string" },
    seed: { type: "string" },
    resamples: { type: "string" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
};

const RESCORE: CommandInfo = {
  name: "rescore",
  summary: "score a run's answers again with the spec's current rules (no model calls) and rebuild its reports",
  help: `Usage: value-compass rescore RUN_DIR [--judge ID] [--model-scorer SCORER=ID]... [--seed N]
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
`,
  options: {
    judge: { type: "string" },
    "model-scorer": { type: "string", multiple: true },
    seed: { type: "string" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
};

const MERGE: CommandInfo = {
  name: "merge",
  summary: "join the run folders of `run --shard K/N` into one run folder",
  help: `Usage: value-compass merge SHARD_DIR... --out DIR [--bom] [--no-neutralize] [--quiet]

Join the run folders of \`value-compass run --shard K/N\` (one per shard, e.g. on a shared filesystem)
into one run folder: plan.json, journal.jsonl, scores.jsonl, manifest.json and every table, written
by the same code as \`value-compass report\`, so they are byte-identical to an unsharded run's.

The shards must come from the same plan (hash), be shards 1..N once each, each finished, and hold
exactly their slice of the steps; a model must have one digest across them. Otherwise nothing is
written and the reason is printed. See docs/scale.md.

Options:
  --out DIR          the merged run folder (new or empty)
  --bom              start every CSV file with a UTF-8 byte-order mark (for spreadsheets)
  --no-neutralize    write text cells as they are (no ' before a leading = + - @)
  --quiet            print only the output folder

Exit codes: 0 ok, 1 the shards do not make one run (or a step failed), 2 wrong command line.
`,
  options: {
    out: { type: "string" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
};

const BATCH: CommandInfo = {
  name: "batch",
  summary: "write a run's requests as a Batch API input file (for offline batch runners)",
  help: `Usage: value-compass batch export RUN_DIR [--out FILE] [--all] [--quiet]

Write the steps of RUN_DIR that have no answer yet as a Batch API input file: one JSON line per step
with custom_id = the step id, method POST, url /v1/chat/completions and the body the openai adapter
would send. vLLM's OpenAI-compatible batch runner and the OpenAI Batch API read this format.
(\`value-compass run --batch\` submits such a file itself; docs/scale.md.)

Options:
  --out FILE   where to write it (default RUN_DIR/batch/export.jsonl)
  --all        every step, answered or not
  --quiet      print only the file

Exit codes: 0 ok, 1 not a run folder, 2 wrong command line.
`,
  options: { out: { type: "string" }, all: { type: "boolean" }, quiet: { type: "boolean" } },
  allowPositionals: true,
};

/** The static part of a command, for the command modules that build their Command from it. */
export function commandInfo(name: "check" | "plan" | "run" | "fmt" | "calibrate" | "report" | "rescore" | "merge" | "batch"): CommandInfo {
  return { check: CHECK, plan: PLAN, run: RUN, fmt: FMT, calibrate: CALIBRATE, report: REPORT, rescore: RESCORE, merge: MERGE, batch: BATCH }[name];
}

export const commands: readonly CommandEntry[] = [
  { ...CHECK, load: async () => (await import("./check.js")).checkCommand },
  { ...PLAN, load: async () => (await import("./plan.js")).planCommand },
  { ...RUN, load: async () => (await import("./run.js")).runCommand },
  { ...FMT, load: async () => (await import("./fmt.js")).fmtCommand },
  { ...CALIBRATE, load: async () => (await import("./calibrate.js")).calibrateCommand },
  { ...REPORT, load: async () => (await import("./report.js")).reportCommand },
  { ...RESCORE, load: async () => (await import("./rescore.js")).rescoreCommand },
  { ...MERGE, load: async () => (await import("./merge.js")).mergeCommand },
  { ...BATCH, load: async () => (await import("./batch.js")).batchCommand },
];

// The list of commands, in the order `value-compass --help` shows them. Each entry says statically what
// `--help` and `COMMAND --help` print, and loads its implementation only when the command runs,
// so `check` does not pay for the provider libraries `run` imports (bench/check-bench.ts).
// Adding a command: one entry here, and its module in src/cli/commands/<name>.ts exporting a Command
// that spreads `commandInfo(name)` (test/check/commands.test.ts checks that every module does).

import type { Command, OptionsConfig } from "../command.js";
import { PLAN_SELECT_OPTIONS, SELECT_HELP, SELECT_OPTIONS } from "../select-options.js";

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

// The file sandbox's switches (docs/security.md), shared by every command that reads a spec; parsed by
// ../sandbox-options.ts.
const SANDBOX_OPTIONS: OptionsConfig = {
  "allow-outside": { type: "string", multiple: true },
  "max-file-size": { type: "string" },
};

const SANDBOX_HELP = [
  "  --allow-outside PATH  let the spec read files below PATH too (repeatable); by default a spec",
  "                   reads only regular, non-hidden files inside its project (docs/security.md)",
  "  --max-file-size SIZE  largest file a spec may read, e.g. 500K, 200M, 2G (default 64M)",
];

const CHECK: CommandInfo = {
  name: "check",
  summary: "check specs: names, imports, templates, data files, values",
  help: [
    "Usage: value-compass check SPEC|FOLDER... [--set key=value]... [--json | --format sarif] [--allow-outside PATH]... [--max-file-size SIZE]",
    "",
    "Checks each spec and everything it imports or reads (templates, data files, schemas) without",
    "calling any model. Problems are printed to stderr with the offending source lines. A folder",
    "stands for every .vc file below it that no other one imports (libraries are checked through",
    "the specs that import them).",
    "",
    "Options:",
    "  --set key=value  override a declared param (repeatable), as `value-compass run` would",
    "  --json           print the diagnostics as JSON on stdout (code, severity, message, file,",
    "                   line, column, endLine, endColumn, notes), per spec",
    "  --format F       text (default), json, or sarif: SARIF 2.1.0 for code-scanning annotations",
    ...SANDBOX_HELP,
    "",
    "Exit codes: 0 no errors (warnings are allowed), 1 errors, 2 wrong command line (also errors",
    "in --set values).",
  ].join("\n"),
  options: { set: { type: "string", multiple: true }, json: { type: "boolean" }, format: { type: "string" }, ...SANDBOX_OPTIONS },
  allowPositionals: true,
};

const PLAN: CommandInfo = {
  name: "plan",
  summary: "compile a spec and show its plan (steps, models, contexts, token estimate)",
  help: [
    "Usage: value-compass plan SPEC [--model ID]... [--judge ID] [--set key=value]... [--json | --items [--by FIELD]]",
    "",
    "Checks and compiles SPEC into the plan a run would execute and prints a summary: steps per",
    "model, system, dimension and context, the templates, an estimate of the prompt tokens, and every",
    "command a run would execute (exec: models, exec scorers) with the file and line declaring it.",
    "",
    "Options:",
    "  --model ID       evaluate this model instead of the spec's list (repeatable)",
    "  --judge ID       use this judge model instead of the spec's",
    "  --set key=value  override a declared param (repeatable)",
    "  --json           print the whole plan (header and every step) as JSON on stdout, with",
    "                   `commands`: what a run would execute and where it is declared",
    "  --items          print item counts per dimension as a Markdown table (for docs)",
    "  --by FIELD       with --items: the columns: segment (default), difficulty, or any item",
    "                   field such as locale or task",
    ...SANDBOX_HELP,
    "",
    SELECT_HELP,
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
    ...SANDBOX_OPTIONS,
    ...PLAN_SELECT_OPTIONS,
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
  --no-cache         neither read nor write the response cache (kept by --resume)
  --cache-dir DIR    response cache folder (default: ~/.cache/value-compass/responses, or under
                     $XDG_CACHE_HOME; never the spec's project)
  --resume DIR       continue an interrupted or stopped run
  --retry-failed     with a resumed run: run the failed steps again
  --pull             pull missing Ollama models
  --json-io          exec: models get the request as JSON on stdin (like json_io true in the spec)
  --shard K/N        run only shard K of N (steps by id hash; merge the shards with \`value-compass merge\`)
  --batch            openai: models' steps, and the calls to an openai: judge, go through the OpenAI
                     Batch API (half price, up to 24 h); a killed run re-attaches with --resume
                     (docs/scale.md)
  --batch-retry M    failed batch requests: batch (a new batch, up to the run's retries; default) or live
  --batch-poll S     seconds between the first status polls of a batch (default 10, growing to 300)
  --shard auto       the shard from JOB_COMPLETION_INDEX + VC_SHARD_COUNT (Kubernetes), SLURM_ARRAY_TASK_ID
                     + SLURM_ARRAY_TASK_COUNT (Slurm) or VC_SHARD=K/N (docs/scale.md)
  --allow-exec       run the commands the spec declares (exec: models, exec scorers) this once;
                     without it they need \`value-compass trust SPEC\` (commands typed with --model
                     or --judge are always allowed; docs/security.md)
${SANDBOX_HELP.join("\n")}
  --bom              start every CSV file with a UTF-8 byte-order mark (for spreadsheets)
  --no-neutralize    write text cells as they are (no ' before a leading = + - @)
  --no-html          do not write report.html (figures and item explorer; docs/report.md)
  --quiet            no progress output and no summary
  --json             print a JSON summary on stdout (run folder, status, counts, scoring, gates)
                     instead of the run folder's path
  --fail-under EXPR  a gate the run must meet (repeatable), as in the run's gate [...]:
                     SYSTEM.overall >= 90, SYSTEM.DIMENSION > 80, scoring_errors <= 1%,
                     failed_steps = 0; a failed gate exits 3. When a scoring_errors gate holds,
                     scoring errors alone do not fail the run.

A new run under outputs/<spec>/ becomes outputs/<spec>/latest (a symlink; a file holding the run
id where symlinks cannot be made).

${SELECT_HELP}

After the steps the answers are scored, adaptive blocks run, and the CSV reports and report.html are
written to the run directory (docs/outputs.md, docs/report.md); a summary (leaderboard, largest
context effects) goes to stderr.

Exit codes: 0 all steps answered and scored, 1 errors (spec, failed steps, scoring errors, fatal
stop), 2 usage, 3 a gate failed, 77 the spec declares commands not allowed (nothing was run),
130 interrupted. See docs/running.md.
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
    "no-html": { type: "boolean" },
    quiet: { type: "boolean" },
    "allow-exec": { type: "boolean" },
    ...SANDBOX_OPTIONS,
    json: { type: "boolean" },
    "fail-under": { type: "string", multiple: true },
    ...SELECT_OPTIONS,
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
  help: `Usage: value-compass report RUN_DIR [--out DIR] [--salvage] [--seed N] [--resamples N] [--bom] [--no-neutralize]
                            [--html] [--explorer-limit N] [--against RUN_A] [--quiet]

Rebuild every CSV table of a run (responses, scores, leaderboard, dimensions, the spec's reports,
adaptive and abilities) from its journal.jsonl, scores.jsonl and plan.json, and print the summary.
With the run's seed and CSV options the files are byte-identical to the ones the run wrote.
Every journal and score record is first checked against the plan (step ids, scorers, the range of
each scorer's scale); a record that does not fit stops the report with its file and line.

Options:
  --out DIR          write the tables to DIR instead of RUN_DIR (refused when DIR holds another
                     run's folder or tables)
  --salvage          build the tables from the records that fit the plan, and list those dropped
  --seed N           bootstrap seed (default: the run's seed, 0 when the spec sets none)
  --resamples N      bootstrap resamples (default 2000)
  --bom              start every CSV file with a UTF-8 byte-order mark (for spreadsheets)
  --no-neutralize    write text cells as they are (no ' before a leading = + - @)
  --html             also write report.html: figures and the item explorer, one self-contained
                     file (docs/report.md)
  --explorer-limit N steps the item explorer of report.html holds at most (default 2000)
  --against RUN_A    with --html: add a run diff section to report.html, RUN_A against this run
                     (plan changes, changed cells with paired intervals, flipped items; as
                     value-compass diff RUN_A RUN_DIR computes them)
  --quiet            print only the output folder
  --json             print a JSON summary on stdout (folder, files, notes, selection, gates)
  --fail-under EXPR  a gate the run must meet (repeatable; see value-compass run --help); the
                     spec's gate [...] is checked too

RUN_DIR may be outputs/<spec>/latest.

Exit codes: 0 ok, 1 not a run directory or a write error, 2 wrong command line, 3 a gate failed.
See docs/outputs.md.
`,
  options: {
    out: { type: "string" },
    salvage: { type: "boolean" },
    seed: { type: "string" },
    resamples: { type: "string" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    html: { type: "boolean" },
    "explorer-limit": { type: "string" },
    against: { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    "fail-under": { type: "string", multiple: true },
  },
  allowPositionals: true,
};

const RESCORE: CommandInfo = {
  name: "rescore",
  summary: "score a run's answers again with the spec's current rules (no model calls) and rebuild its reports",
  help: `Usage: value-compass rescore RUN_DIR [--judge ID] [--model-scorer SCORER=ID]... [--seed N]
                             [--salvage] [--bom] [--no-neutralize] [--quiet] [--json]

Score the answers recorded in RUN_DIR again with the spec's current scorers, score expressions,
rules and rubrics (the spec, --model and --set values are taken from the run's manifest), without
asking the evaluated models anything, and rebuild the reports. The recorded steps must still be the
spec's steps (matched by id); if items, models, contexts or samples changed, rescoring is refused.

The previous scores are kept as scores.<UTC time>.jsonl and the previous plan as
plan.<UTC time>.json; the manifest lists every rescore. Every journal record is first checked
against the run's plan; a record that does not fit stops the rescore with its file and line.

Options:
  --judge ID                 replace the run's judge model; given two or more times, compare judges
                             instead: the answers are scored under each judge (the run's scores
                             are left as they are) and rank_stability.csv gets Kendall's tau
                             between the model rankings of each pair of judges, with 95% item-
                             bootstrap intervals (docs/validation.md)
  --model-scorer SCORER=ID   replace the model of one judge or guard scorer (repeatable)
  --seed N                   bootstrap seed of the reports (default: the run's seed)
  --salvage                  score the journal records that fit the plan, and list those dropped
                             (the journal itself is not changed)
  --bom                      start every CSV file with a UTF-8 byte-order mark
  --no-neutralize            write text cells as they are (no ' before a leading = + - @)
  --quiet                    no summary
  --json                     print a JSON summary on stdout (run folder, status, exit code, scoring
                             counts, judge calls, files written; with two judges the rank-stability
                             rows) instead of the run folder's path
  --allow-exec               run the commands the spec declares (exec scorers, exec: judges) this
                             once; without it they need \`value-compass trust SPEC\`
${SANDBOX_HELP.join("\n")}

Exit codes: 0 ok, 1 errors (not a run, changed steps, judge unreachable, scoring errors),
2 wrong command line, 77 commands not allowed, 130 interrupted (the run directory is left as it was). See docs/outputs.md.
`,
  options: {
    judge: { type: "string", multiple: true },
    "model-scorer": { type: "string", multiple: true },
    seed: { type: "string" },
    salvage: { type: "boolean" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    "allow-exec": { type: "boolean" },
    ...SANDBOX_OPTIONS,
  },
  allowPositionals: true,
};

const TRUST: CommandInfo = {
  name: "trust",
  summary: "allow the commands a spec declares (exec: models, exec scorers) until they change",
  help: `Usage: value-compass trust SPEC [--set key=value]... [--allow-outside PATH]... [--max-file-size SIZE]

List every command a run of SPEC would execute (exec: models, exec scorers), with the file and line
declaring it, and record them as trusted in your config folder ($XDG_CONFIG_HOME/value-compass, else
~/.config/value-compass, file ${"trusted-commands.json"}). A trusted command is identified by its exact text,
the folder it runs in and the contents of the files its arguments name: change any of them and
\`value-compass run\` asks again. Read the commands and the files they name before trusting them.

Options:
  --set key=value  override a declared param (repeatable), as \`value-compass run\` would
${SANDBOX_HELP.join("\n")}

Exit codes: 0 trusted (or nothing to trust), 1 errors in the spec or the config folder cannot be
written, 2 wrong command line. See docs/security.md.
`,
  options: { set: { type: "string", multiple: true }, ...SANDBOX_OPTIONS },
  allowPositionals: true,
};

const VALIDATE: CommandInfo = {
  name: "validate",
  summary: "validate a spec's judges against its gold sets (agreement with human labels)",
  help: `Usage: value-compass validate SPEC [--judge ID] [--set KEY=VALUE]... [--out DIR] [--seed N]
                              [--no-cache] [--bom] [--no-neutralize]

Send every labelled example of the spec's gold sets (\`gold NAME for SCORER { ... }\`) to its
scorer's judge (each judge of a panel separately) and measure agreement with the gold labels:
accuracy and Cohen's kappa (categories), weighted kappa (ordinal), ICC (numeric), with 95%
bootstrap intervals, overall and per locale, domain and use case; Fleiss' kappa and Krippendorff's
alpha among the judges of a panel. Writes judge_agreement.csv and judge_confusion.csv.

Options:
  --judge ID         replace the spec's judge model
  --set KEY=VALUE    override a param (repeatable)
  --out DIR          output folder (default: outputs/<spec-name>/validate)
  --seed N           bootstrap seed (default: the run's seed, else 1)
  --no-cache         neither read nor write the response cache
  --bom              start every CSV file with a UTF-8 byte-order mark
  --no-neutralize    write text cells as they are (no ' before a leading = + - @)
  --allow-exec       run the commands the spec's judges and scorers declare (exec:) this once
${SANDBOX_HELP.join("\n")}

Exit codes: 0 every \`require\` holds, 3 a \`require\` does not hold (judged scores must not be
published), 77 commands not allowed, 1 errors (spec, judge unreachable), 2 wrong command line, 130 interrupted.
See docs/validation.md.
`,
  options: {
    judge: { type: "string" },
    set: { type: "string", multiple: true },
    out: { type: "string" },
    seed: { type: "string" },
    "no-cache": { type: "boolean" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    "allow-exec": { type: "boolean" },
    ...SANDBOX_OPTIONS,
  },
  allowPositionals: true,
};

const DIFF: CommandInfo = {
  name: "diff",
  summary: "compare two runs: plan changes, per-cell differences with paired intervals, changed items",
  help: `Usage: value-compass diff RUN_A RUN_B [--out DIR] [--html [FILE]] [--json]
                          [--fail-on changes|significant|never] [--seed N] [--resamples N] [--quiet]

What changed from RUN_A to RUN_B (run directories, or outputs/<spec>/latest):
  - the plans: input files (sha256), models, model digests, judge, run settings, params, selection;
  - per model, system, dimension, measure and context: B − A on the items both runs scored, paired on
    the item, with a 95% bootstrap interval and a sign-flip test (Benjamini–Hochberg q over cells);
  - every item whose answer, score, verdict or error changed, or that only one run has.
A summary goes to stderr.

Options:
  --out DIR          write diff_plan.csv, diff.csv and diff_items.csv to DIR (docs/outputs.md)
  --html [FILE]      also write the diff as one self-contained HTML page (plan changes, a figure
                     of the changed cells with their paired intervals and n, the flipped items as
                     a filterable table; docs/report.md) to FILE (ending in .html), default
                     diff.html in --out DIR, else in the current folder. report.html can hold the
                     same section: value-compass report RUN_B --html --against RUN_A
  --json             print the whole diff as JSON on stdout
  --fail-on WHAT     what makes the exit code 4: changes (default: any changed item or plan
                     difference), significant (a cell with q < 0.05), never
  --seed N           bootstrap and test seed (default 0)
  --resamples N      bootstrap resamples (default 2000; 0: no intervals)
  --quiet            no summary

Exit codes: 0 no difference, 4 the runs differ (per --fail-on), 1 a run cannot be read,
2 wrong command line. See docs/running.md.
`,
  options: {
    out: { type: "string" },
    html: { type: "boolean" },
    json: { type: "boolean" },
    "fail-on": { type: "string" },
    seed: { type: "string" },
    resamples: { type: "string" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
};

const SCORE: CommandInfo = {
  name: "score",
  summary: "score recorded answers (ours, promptfoo, Inspect, lm-eval, OpenAI Batch) with a spec, calling no evaluated model",
  help: `Usage: value-compass score SPEC --answers FILE [--answers FILE]... [--format FORMAT] [--out DIR]
                            [--judge ID] [--set KEY=VALUE]... [--answers-model NAME] [--bom] [--no-neutralize] [--quiet]

Score answers recorded elsewhere with the spec's scorers, analyses and reports, without asking the
evaluated models anything: the spec's models become the answers' models, every step is matched to its
recorded answer (by item id, else by the normalised prompt text, then context and sample), and the
run folder, manifest (with the answers files' sha256 among its inputs) and tables are a live run's.
Judges and guards are called as in a live run. Answers that match no step and steps that have no
answer are listed; a step without an answer is recorded as a failed step.

Formats (recognised from the file; see docs/answers.md):
  vc            the documented JSONL or CSV form (value-compass export writes it)
  promptfoo     promptfoo eval -o results.json
  inspect       Inspect AI eval logs in JSON (.eval archives are not read yet: inspect log convert --to json)
  lm-eval       lm-evaluation-harness --log_samples samples_*.jsonl
  openai-batch  OpenAI Batch API output files (with the batch input file beside them for the prompts)

Options:
  --answers FILE        a file of recorded answers (repeatable; further positionals count too)
  --format FORMAT       read every file as FORMAT instead of recognising it
  --answers-model NAME  lm-eval: the model, when no results_*.json or folder name says
  --out DIR             run directory (default outputs/<spec-name>/<run-id>/)
  --judge ID            replace the spec's judge model
  --set KEY=VALUE       override a param (repeatable)
  --bom, --no-neutralize, --quiet   as for value-compass run

Exit codes: 0 every step answered and scored, 1 errors (unreadable answers, steps without an answer,
scoring errors), 2 usage. See docs/answers.md.
`,
  options: {
    answers: { type: "string", multiple: true },
    format: { type: "string" },
    "answers-model": { type: "string" },
    out: { type: "string" },
    judge: { type: "string" },
    set: { type: "string", multiple: true },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
};

const MERGE: CommandInfo = {
  name: "merge",
  summary: "join the run folders of `run --shard K/N` into one run folder",
  help: `Usage: value-compass merge SHARD_DIR... --out DIR [--bom] [--no-neutralize] [--no-html] [--quiet]

Join the run folders of \`value-compass run --shard K/N\` (one per shard, e.g. on a shared filesystem)
into one run folder: plan.json, journal.jsonl, scores.jsonl, manifest.json, every table and report.html,
written by the same code as \`value-compass report\`, so they are byte-identical to an unsharded run's
(give the merged folder the unsharded run's folder name: the run id is the folder's name).

The shards must come from the same plan (hash), be shards 1..N once each, each finished, and hold
exactly their slice of the steps; a model must have one digest across them. Otherwise nothing is
written and the reason is printed. See docs/scale.md.

Options:
  --out DIR          the merged run folder (new or empty)
  --bom              start every CSV file with a UTF-8 byte-order mark (for spreadsheets)
  --no-neutralize    write text cells as they are (no ' before a leading = + - @)
  --no-html          do not write report.html
  --quiet            print only the output folder

Exit codes: 0 ok, 1 the shards do not make one run (or a step failed), 2 wrong command line.
`,
  options: {
    out: { type: "string" },
    bom: { type: "boolean" },
    "no-neutralize": { type: "boolean" },
    "no-html": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  allowPositionals: true,
};

const EXPORT: CommandInfo = {
  name: "export",
  summary: "write a run's answers in the documented answers form (JSONL), for score --answers or other tools",
  help: `Usage: value-compass export RUN_DIR [-o FILE]

Write one JSON line per answered step of RUN_DIR, in plan order: model, item, prompt, culture,
usecase, sample, answer, latency_ms, tokens_in, tokens_out (docs/answers.md). Failed steps have no
answer and are left out (the count goes to stderr). \`value-compass score SPEC --answers FILE\` scores
the file again: into a folder of the same name, its tables are byte-identical to the run's.

Options:
  -o, --out FILE   write to FILE instead of stdout

Exit codes: 0 ok, 1 not a run directory, 2 wrong command line.
`,
  options: { out: { type: "string", short: "o" } },
  allowPositionals: true,
};

const ANALYSE: CommandInfo = {
  name: "analyse",
  summary: "analyse a long table of scores from anywhere, or the Value Compass leaderboard's JSON tables",
  help: `Usage: value-compass analyse SCORES [--spec SPEC] [--scorer NAME] [--out DIR] [--place RUN]
                              [--reference CTX] [--seed N] [--resamples N]

Run the analyses on published or external scores, without any run: SCORES is a long-format CSV
(columns model, system, dimension, score; optional culture, usecase, scorer, n, item) or a folder holding
the Value Compass leaderboard's *_scores.json tables (converted to the long table on the way; the
dimension ids are those of the shipped specs). With --spec, each model's value hierarchy is correlated
with the spec's baselines (Spearman and Kendall with 95% intervals), in the spec's dimension order.

Rows with a culture or usecase add context effects (each context against the reference: per model, and
over the models with a bootstrap interval and sign-flip p over models, BH q) and, with --spec baselines
that have a culture and values, culture alignment (standardised distance with a permutation p, and the
steering correlations). A table of means gives no per-model interval and no item bootstrap; an item
column gives both. --place RUN ranks each model of a finished run among the table's models, per
dimension and overall, with a bootstrap interval over the run's items.

Tables (--out): scores_long.csv (the long table read), value_hierarchy.csv, model_similarity.csv,
cross_system.csv (every pair of dimensions of different systems, with p and BH q); with contexts
context_effects.csv, culture_alignment.csv, culture_alignment_steering.csv; with --place placement.csv.
A summary goes to stdout. See docs/analyse.md.

Options:
  --spec SPEC       the spec whose baselines, dimension orders and reference context to use
  --scorer NAME     use the rows of this scorer only (tables that hold several)
  --out DIR         write the tables to DIR
  --place RUN       place a finished run's models among the table's models (placement.csv)
  --reference CTX   reference context of context effects: none, culture=X, usecase=Y or
                    culture=X,usecase=Y (default: the spec's, else the rows without a context)
  --seed N          seed of the bootstraps and random permutations (default 0)
  --resamples N     bootstrap replicates (default 2000; 0: no intervals)

Exit codes: 0 ok, 1 unreadable scores or spec, 2 wrong command line.
`,
  options: {
    spec: { type: "string" },
    scorer: { type: "string" },
    out: { type: "string" },
    place: { type: "string" },
    reference: { type: "string" },
    seed: { type: "string" },
    resamples: { type: "string" },
  },
  allowPositionals: true,
};

const FINDINGS: CommandInfo = {
  name: "findings",
  summary: "the Value Compass report's findings from several runs over the same models (and published tables)",
  help: `Usage: value-compass findings RUN... [--published SCORES --spec SPEC...] [--out DIR] [--seed N] [--resamples N] [--no-html]

Reads several run folders (e.g. one each of the safety, Schwartz, MFT, LLM-values and culture specs
over the same models) and writes the findings tables: value hierarchy vs the pan-cultural order;
culture alignment and the Western-bias test; cross-system correlations (intervals, BH q); static vs
dynamic safety (each model's safety score against its MFT score by difficulty level, rank change, drop
from level 1 to 3); context effects; group comparisons by model attributes; families. Each finding gets
a verdict from its numbers: supports, contradicts or cannot tell (findings.csv, findings.json), and
findings.html: one section per finding with its verdict, a figure with intervals and the data behind
it (self-contained, opens from disk). Runs over different models (id, or digest) are refused with the
differences named. See docs/findings.md.

Options:
  --published SCORES  also read a long score table or the leaderboard's JSON folder (as analyse does)
  --spec SPEC         with --published: a spec whose baselines and dimension orders to use (repeatable)
  --out DIR           where to write the tables (default findings/)
  --seed N            seed of the bootstraps and permutations (default 20250101)
  --resamples N       bootstrap resamples (default 2000)
  --no-html           do not write findings.html

Exit codes: 0 ok, 1 unreadable runs, runs over different models, or bad scores/spec; 2 wrong command line.
`,
  options: {
    published: { type: "string" },
    spec: { type: "string", multiple: true },
    out: { type: "string" },
    seed: { type: "string" },
    resamples: { type: "string" },
    "no-html": { type: "boolean" },
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
export function commandInfo(
  name:
    | "check"
    | "plan"
    | "run"
    | "fmt"
    | "calibrate"
    | "report"
    | "rescore"
    | "trust"
    | "validate"
    | "diff"
    | "score"
    | "export"
    | "analyse"
    | "findings"
    | "merge"
    | "batch",
): CommandInfo {
  return {
    check: CHECK,
    plan: PLAN,
    run: RUN,
    fmt: FMT,
    calibrate: CALIBRATE,
    report: REPORT,
    rescore: RESCORE,
    trust: TRUST,
    validate: VALIDATE,
    diff: DIFF,
    score: SCORE,
    export: EXPORT,
    analyse: ANALYSE,
    findings: FINDINGS,
    merge: MERGE,
    batch: BATCH,
  }[name];
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
  { ...TRUST, load: async () => (await import("./trust.js")).trustCommand },
  { ...VALIDATE, load: async () => (await import("./validate.js")).validateCommand },
  { ...DIFF, load: async () => (await import("./diff.js")).diffCommand },
  { ...SCORE, load: async () => (await import("./score.js")).scoreCommand },
  { ...EXPORT, load: async () => (await import("./export.js")).exportCommand },
  { ...ANALYSE, load: async () => (await import("./analyse.js")).analyseCommand },
  { ...FINDINGS, load: async () => (await import("./findings.js")).findingsCommand },
];

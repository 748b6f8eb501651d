// Entry point of the `value-compass` command (alias `vcmp`): parses the command line, dispatches to one
// command, and is the only place where errors become exit codes and messages. Never prints a stack trace.

import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from "./command.js";
import { commands, type CommandEntry } from "./commands/index.js";
import { editDistance } from "../core/edit-distance.js";

export function toolVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/cli/main.js and src/cli/main.ts are both two levels below the package root.
  const pkg = JSON.parse(readFileSync(join(here, "..", "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "value-compass — measure the values and context-aware safety of language models from .vc specs",
    "",
    "Usage: value-compass COMMAND [options]",
    "       vcmp COMMAND [options]   (the same command under a shorter name)",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -h, --help     show help (also: value-compass COMMAND --help)",
    "  -V, --version  print the version",
    "",
    "Exit codes: 0 ok, 1 errors in the input or the run, 2 wrong command line, 3 a gate failed",
    "(run, report), 4 the runs differ (diff), 130 interrupted.",
    "",
  ].join("\n");
}

/** The command a mistyped one most likely meant: within 2 edits (a swapped pair of letters is 2). */
function nearestCommand(typed: string): string | undefined {
  let best: string | undefined;
  let bestDistance = typed.length >= 4 ? 3 : 2;
  for (const c of commands) {
    const d = editDistance(typed.toLowerCase(), c.name);
    if (d < bestDistance) {
      best = c.name;
      bestDistance = d;
    }
  }
  return best;
}

export function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    if (first === "help" && rest[0]) return main([rest[0], "--help"], io);
    io.stdout.write(mainHelp());
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === "-V" || first === "--version") {
    io.stdout.write(`${toolVersion()}\n`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    const near = nearestCommand(first);
    io.stderr.write(`value-compass: unknown command '${first}'${near ? ` — did you mean '${near}'?` : ""}\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  return runCommand(command, rest, io);
}

async function runCommand(entry: CommandEntry, argv: string[], io: CliIO): Promise<number> {
  // Help is static: printing it loads none of the command's code.
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(entry.help.endsWith("\n") ? entry.help : `${entry.help}\n`);
    return EXIT_OK;
  }
  try {
    const command = await entry.load();
    const parsed = parseArgs({
      args: argv,
      options: command.options,
      allowPositionals: command.allowPositionals,
      strict: true,
    });
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      io.stderr.write(`value-compass ${entry.name}: ${(err as Error).message}\nRun 'value-compass ${entry.name} --help' for usage.\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`value-compass ${entry.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_ERRORS;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

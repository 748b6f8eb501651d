// `vc fmt SPEC... [--check]`: rewrite .vc files in their canonical layout (only files that change),
// or with --check list the files that are not formatted and exit 1. Directories are searched for
// .vc files. Files with syntax errors are reported and left alone.

import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { formatDiagnostics } from "../format-diagnostics.js";
import { formatSpec } from "../../format/format.js";
import { boolOption, EXIT_ERRORS, EXIT_OK, UsageError, type CliIO, type Command } from "../command.js";
import { commandInfo } from "./index.js";

export const fmtCommand: Command = {
  ...commandInfo("fmt"),
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("expected at least one .vc file or directory");
    const check = boolOption(args, "check");
    const color = Boolean(io.stderr.isTTY) && io.env.NO_COLOR === undefined;
    let failed = false;
    const unformatted: string[] = [];

    for (const arg of args.positionals) {
      const files = await expand(resolve(io.cwd, arg));
      if (files === undefined) {
        io.stderr.write(`value-compass fmt: cannot read '${arg}': no such file or directory\n`);
        failed = true;
        continue;
      }
      for (const path of files) {
        const shown = displayPath(path, io);
        let source: string;
        try {
          source = await readFile(path, "utf8");
        } catch (e) {
          io.stderr.write(`value-compass fmt: cannot read '${shown}': ${e instanceof Error ? e.message : String(e)}\n`);
          failed = true;
          continue;
        }
        const result = formatSpec(source, shown);
        if (result.diagnostics.some((d) => d.severity === "error")) {
          io.stderr.write(formatDiagnostics(result.diagnostics, { sources: new Map([[shown, source]]), color }));
          failed = true;
          continue;
        }
        if (result.text === source) continue;
        if (check) {
          unformatted.push(shown);
        } else {
          await writeFile(path, result.text, "utf8");
          io.stdout.write(`formatted ${shown}\n`);
        }
      }
    }

    if (check && unformatted.length > 0) {
      io.stdout.write(unformatted.map((f) => `${f}\n`).join(""));
      const n = unformatted.length;
      io.stderr.write(`${n} file${n === 1 ? " is" : "s are"} not formatted; run 'value-compass fmt' on ${n === 1 ? "it" : "them"}\n`);
      return EXIT_ERRORS;
    }
    return failed ? EXIT_ERRORS : EXIT_OK;
  },
};

/** The .vc files an argument stands for (sorted), or undefined if it does not exist. */
async function expand(path: string): Promise<string[] | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...((await expand(child)) ?? []));
    else if (entry.name.endsWith(".vc")) out.push(child);
  }
  return out;
}

function displayPath(path: string, io: CliIO): string {
  const rel = relative(io.cwd, path);
  const shown = rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
  return shown.split(sep).join("/");
}

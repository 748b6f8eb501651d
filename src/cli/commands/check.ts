// `vc check SPEC...`: check specs without running anything. Diagnostics (with code frames) go to
// stderr; the exit code says whether there were errors (warnings alone do not fail the check).
// A folder stands for its entry specs: every .vc file below it that no other one imports (libraries are
// checked through the specs that import them). `--json` and `--format sarif` print the diagnostics as
// data on stdout instead (SARIF 2.1.0 for code-scanning annotations).

import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { sortDiagnostics, type Diagnostic } from "../../core/diagnostic.js";
import { formatDiagnostics } from "../format-diagnostics.js";
import { boolOption, EXIT_ERRORS, EXIT_OK, EXIT_USAGE, setOptions, stringOption, UsageError, type CliIO, type Command } from "../command.js";
import { commandInfo } from "./index.js";
import { sandboxOf } from "../sandbox-options.js";

export function useColor(io: CliIO): boolean {
  return io.stderr.isTTY === true && !io.env.NO_COLOR;
}

interface Checked {
  spec: string;
  diagnostics: Diagnostic[];
}

export const checkCommand: Command = {
  ...commandInfo("check"),
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("expected at least one SPEC file or folder");
    const format = stringOption(args, "format") ?? (boolOption(args, "json") ? "json" : "text");
    if (!["text", "json", "sarif"].includes(format)) throw new UsageError(`--format expects text, json or sarif, got '${format}'`);
    if (boolOption(args, "json") && format !== "json") throw new UsageError("--json and --format sarif cannot be combined");
    const set = setOptions(args);
    const sandbox = sandboxOf(args);
    const color = useColor(io);
    // Loaded here, not at start-up: other commands should not pay for the checker's dependencies.
    const [{ loadSpec }, { checkKinds: kinds }, { isCommandLineError }] = await Promise.all([
      import("../../check/load.js"),
      import("../../app/kinds.js"),
      import("../../check/params.js"),
    ]);
    const entries: string[] = [];
    for (const arg of args.positionals) {
      const found = await entrySpecs(resolve(io.cwd, arg));
      if (found === undefined) {
        io.stderr.write(`value-compass check: cannot read '${arg}': no such file or directory\n`);
        return EXIT_ERRORS;
      }
      if (found.length === 0) io.stderr.write(`value-compass check: no .vc file in '${arg}'\n`);
      entries.push(...found.map((f) => shown(f, io.cwd)));
    }
    const results: Checked[] = [];
    for (const entry of entries) {
      const result = await loadSpec(entry, { cwd: io.cwd, set, kinds, sandbox });
      const diagnostics = sortDiagnostics(result.diagnostics);
      results.push({ spec: entry, diagnostics });
      if (format === "text" && diagnostics.length > 0) io.stderr.write(formatDiagnostics(diagnostics, { sources: result.sources, color }));
    }
    const all = results.flatMap((r) => r.diagnostics);
    const errors = all.filter((d) => d.severity === "error");
    const failed = results.filter((r) => r.diagnostics.some((d) => d.severity === "error")).length;
    // The command line's own mistakes (--set nosuch=1) are usage errors, whatever the specs say.
    const code = errors.length === 0 ? EXIT_OK : errors.every(isCommandLineError) ? EXIT_USAGE : EXIT_ERRORS;
    if (format === "json") {
      io.stdout.write(`${JSON.stringify(checkJson(results, code), null, 2)}\n`);
      return code;
    }
    if (format === "sarif") {
      io.stdout.write(`${JSON.stringify(await sarifLog(results), null, 2)}\n`);
      return code;
    }
    const n = results.length;
    const specs = `${n} spec${n === 1 ? "" : "s"}`;
    if (errors.length > 0) {
      io.stderr.write(`value-compass check: ${failed} of ${specs} ha${failed === 1 ? "s" : "ve"} errors\n`);
      return code;
    }
    const warnings = all.length;
    const warned = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : "";
    io.stdout.write(`ok: ${specs} checked${warned}\n`);
    return EXIT_OK;
  },
};

/** One diagnostic as data: positions are 1-based lines and columns, as the text output shows them. */
function diagnosticJson(d: Diagnostic) {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    notes: d.notes ?? [],
  };
}

function checkJson(results: readonly Checked[], exitCode: number) {
  const all = results.flatMap((r) => r.diagnostics);
  return {
    ok: !all.some((d) => d.severity === "error"),
    exitCode,
    errors: all.filter((d) => d.severity === "error").length,
    warnings: all.filter((d) => d.severity !== "error").length,
    specs: results.map((r) => ({
      spec: r.spec,
      errors: r.diagnostics.filter((d) => d.severity === "error").length,
      warnings: r.diagnostics.filter((d) => d.severity !== "error").length,
      diagnostics: r.diagnostics.map(diagnosticJson),
    })),
  };
}

/** SARIF 2.1.0 (OASIS): one run, a rule per code that occurs, a result per diagnostic. */
async function sarifLog(results: readonly Checked[]) {
  const [{ CHECK_CODE_TITLES }, { SYNTAX_CODE_TITLES }, { packageVersion }] = await Promise.all([
    import("../../check/codes.js"),
    import("../../syntax/codes.js"),
    import("../../run/version.js"),
  ]);
  const titles: Record<string, string> = { ...SYNTAX_CODE_TITLES, ...CHECK_CODE_TITLES };
  const seen = new Map<string, Diagnostic[]>();
  const all: Diagnostic[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) {
      // A library imported by several specs reports the same problem for each: once is enough.
      const key = `${d.file}\u0000${d.span.start.offset}\u0000${d.code}\u0000${d.message}`;
      if (seen.has(key)) continue;
      seen.set(key, [d]);
      all.push(d);
    }
  }
  const codes = [...new Set(all.map((d) => d.code))].sort();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "value-compass",
            version: packageVersion(),
            informationUri: "https://github.com/value-compass/value-compass/blob/main/docs/diagnostics.md",
            rules: codes.map((code) => ({ id: code, shortDescription: { text: titles[code] ?? code } })),
          },
        },
        results: all.map((d) => ({
          ruleId: d.code,
          ruleIndex: codes.indexOf(d.code),
          level: d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "note",
          message: { text: [d.message, ...(d.notes ?? [])].join("\n") },
          locations: d.file.startsWith("<")
            ? []
            : [
                {
                  physicalLocation: {
                    artifactLocation: { uri: d.file.split(sep).join("/") },
                    region: { startLine: d.span.start.line, startColumn: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column },
                  },
                },
              ],
        })),
      },
    ],
  };
}

/** The entry specs an argument stands for: the file itself, or a folder's .vc files that no other one imports. */
async function entrySpecs(path: string): Promise<string[] | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  if (!info.isDirectory()) return [path];
  const files = await vcFiles(path);
  const imported = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, "utf8").catch(() => "");
    for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) imported.add(resolve(dirname(file), m[1]!));
  }
  return files.filter((f) => !imported.has(f));
}

async function vcFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const child = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await vcFiles(child)));
    else if (entry.name.endsWith(".vc")) out.push(child);
  }
  return out;
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

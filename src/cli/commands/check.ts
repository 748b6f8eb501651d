// `vc check SPEC...`: check specs without running anything. Diagnostics (with code frames) go to
// stderr; the exit code says whether there were errors (warnings alone do not fail the check).

import { sortDiagnostics } from "../../core/diagnostic.js";
import { formatDiagnostics } from "../format-diagnostics.js";
import { EXIT_ERRORS, EXIT_OK, UsageError, setOptions, type CliIO, type Command } from "../command.js";
import { commandInfo } from "./index.js";
import { sandboxOf } from "../sandbox-options.js";

export function useColor(io: CliIO): boolean {
  return io.stderr.isTTY === true && !io.env.NO_COLOR;
}

export const checkCommand: Command = {
  ...commandInfo("check"),
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("expected at least one SPEC file");
    const set = setOptions(args);
    const sandbox = sandboxOf(args);
    const color = useColor(io);
    // Loaded here, not at start-up: other commands should not pay for the checker's dependencies.
    const [{ loadSpec }, { checkKinds: kinds }] = await Promise.all([import("../../check/load.js"), import("../../app/kinds.js")]);
    let errors = 0;
    let warnings = 0;
    let failed = 0;
    for (const entry of args.positionals) {
      const result = await loadSpec(entry, { cwd: io.cwd, set, kinds, sandbox });
      const diagnostics = sortDiagnostics(result.diagnostics);
      const e = diagnostics.filter((d) => d.severity === "error").length;
      errors += e;
      warnings += diagnostics.length - e;
      if (e > 0) failed++;
      if (diagnostics.length > 0) io.stderr.write(formatDiagnostics(diagnostics, { sources: result.sources, color }));
    }
    const n = args.positionals.length;
    const specs = `${n} spec${n === 1 ? "" : "s"}`;
    if (errors > 0) {
      io.stderr.write(`value-compass check: ${failed} of ${specs} ha${failed === 1 ? "s" : "ve"} errors\n`);
      return EXIT_ERRORS;
    }
    const warned = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : "";
    io.stdout.write(`ok: ${specs} checked${warned}\n`);
    return EXIT_OK;
  },
};

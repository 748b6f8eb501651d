// `value-compass trust SPEC`: show every command a run of SPEC would execute, with where it is
// declared, and record them in the user's trust store (src/app/trust.ts, docs/security.md).

import { dirname, relative, resolve, sep } from "node:path";
import type { Plan, PlanCommand } from "../../core/plan.js";
import { sortDiagnostics } from "../../core/diagnostic.js";
import type { LoadResult } from "../../check/load.js";
import { formatDiagnostics } from "../format-diagnostics.js";
import { EXIT_ERRORS, EXIT_OK, UsageError, setOptions, type Command } from "../command.js";
import { sandboxOf } from "../sandbox-options.js";
import { displayPath } from "../paths.js";
import { commandInfo } from "./index.js";
import { useColor } from "./check.js";

export const trustCommand: Command = {
  ...commandInfo("trust"),
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length === 0 ? "expected a SPEC file" : "expected exactly one SPEC file");
    const entry = args.positionals[0] ?? "";
    const sandbox = sandboxOf(args);
    const [{ loadSpec }, { checkKinds }, { compilePlan }, trust] = await Promise.all([
      import("../../check/load.js"),
      import("../../app/kinds.js"),
      import("../../compile/compile.js"),
      import("../../app/trust.js"),
    ]);
    const loaded = await loadSpec(entry, { kinds: checkKinds, cwd: io.cwd, set: setOptions(args), sandbox });
    const diagnostics = sortDiagnostics(loaded.diagnostics);
    if (diagnostics.length > 0) io.stderr.write(formatDiagnostics(diagnostics, { sources: loaded.sources, color: useColor(io) }));
    if (!loaded.spec) return EXIT_ERRORS;
    const plan = compilePlan(loaded.spec);
    const commands = await specCommands(loaded, plan, new Set());
    const specPath = resolve(io.cwd, entry);
    if (commands.length === 0) {
      io.stdout.write(`${displayPath(io.cwd, specPath)} declares no commands: there is nothing to trust\n`);
      return EXIT_OK;
    }
    const store = trust.TrustStore.open(io.env);
    const saved = store.add(
      specPath,
      dirname(specPath),
      commands.map((c) => c.command),
      new Date(),
    );
    if (!saved.ok) {
      io.stderr.write(`value-compass trust: ${saved.message}\n`);
      return EXIT_ERRORS;
    }
    io.stdout.write(
      `trusted ${commands.length} command${commands.length === 1 ? "" : "s"} of ${displayPath(io.cwd, specPath)} (run in ${displayPath(io.cwd, dirname(specPath)) || "."}):\n${commandLines(commands)}` +
        `recorded in ${store.path}; a changed command, folder or named file needs trusting again\n`,
    );
    return EXIT_OK;
  },
};

/** The commands a run of the loaded spec would execute, with where each is written. */
export async function specCommands(
  loaded: LoadResult,
  plan: Plan,
  typed: ReadonlySet<string>,
  /** Name files relative to the entry spec's folder (for `plan --json`: the same output wherever the project is). */
  specRelative = false,
): Promise<PlanCommand[]> {
  const [{ stringSites }, { commandsOfPlan, declaredCommands, searchText }] = await Promise.all([
    import("../../check/locate.js"),
    import("../../app/trust.js"),
  ]);
  const planned = commandsOfPlan(plan);
  const entryDir = dirname(loaded.files[0]?.abs ?? ".");
  const name = specRelative ? (file: { abs: string }) => relative(entryDir, file.abs).split(sep).join("/") : undefined;
  return declaredCommands(planned, stringSites(loaded.files, new Set(planned.map(searchText)), name), typed);
}

/** One line per command: where, what, and the command itself. */
export function commandLines(commands: readonly PlanCommand[]): string {
  return commands
    .map((c) => {
      const where = c.fromCommandLine ? "command line" : c.sites.map((s) => `${s.file}:${s.line}`).join(", ") || "(not found in the spec's files)";
      return `  ${where}: ${c.role === "scorer" ? `scorer ${c.id}` : `${c.role} model`} runs: ${c.command}\n`;
    })
    .join("");
}

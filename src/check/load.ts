// The checker's entry point: read a spec and its imports, check everything, and return the checked
// spec (null when there are errors) with every diagnostic and the text of every file they point into.

import { dirname, resolve } from "node:path";
import { NO_SPAN, type Diagnostic } from "../core/diagnostic.js";
import { checkProgram } from "./check.js";
import { CheckCodes } from "./codes.js";
import { CheckContext, type SourceFile } from "./context.js";
import { DEFAULT_SANDBOX, FileStore, type Sandbox } from "./files.js";
import { loadProgram } from "./imports.js";
import type { CheckKinds } from "./kinds.js";
import type { CheckedSpec } from "./spec.js";
import type { SelectOptions } from "./select.js";

export interface LoadOptions {
  /** The scorer, report and provider kinds a spec may use: src/app/kinds.ts assembles them. */
  kinds: CheckKinds;
  /** Diagnostic paths are shown relative to this folder; a relative entry is resolved against it. */
  cwd: string;
  /** `--set key=value` overrides of declared params (values as typed on the command line). */
  set?: Record<string, string>;
  /** `--model` ids: replace the run's model list when non-empty. */
  models?: string[];
  /** `--judge` id: replaces the run's judge. */
  judge?: string;
  /** `--json-io`: every exec: model gets the request as JSON on stdin (like `json_io true`). */
  execJsonIo?: boolean;
  /** Where referenced files may come from and how large they may be (default: the project, 64 MB). */
  sandbox?: Sandbox;
  /** `--cultures`, `--usecases`, `--systems`, `--dimensions`, `--items`, `--limit`. */
  select?: SelectOptions;
}

export interface LoadResult {
  spec: CheckedSpec | null;
  diagnostics: Diagnostic[];
  /** Diagnostic file → text, for code frames. */
  sources: Map<string, string>;
  /** The .vc files read (entry first), for finding where a string is written (locate.ts). */
  files: SourceFile[];
}

export async function loadSpec(entry: string, options: LoadOptions): Promise<LoadResult> {
  const entryAbs = resolve(options.cwd, entry);
  const files = new FileStore(options.cwd, dirname(entryAbs), options.sandbox ?? DEFAULT_SANDBOX);
  const ctx = new CheckContext(files, options.kinds);
  let spec: CheckedSpec | null = null;
  let loaded: SourceFile[] = [];
  try {
    const program = await loadProgram(ctx, entryAbs);
    loaded = program.files;
    // Syntax errors leave holes in the AST; checking around them would mostly report echoes.
    if (program.entry && ctx.errorCount() === 0) spec = await checkProgram(ctx, program, entryAbs, options);
  } catch (err) {
    // A bug, not a user error: say so plainly instead of crashing the CLI with a stack trace.
    ctx.error(CheckCodes.INTERNAL, `internal error while checking: ${err instanceof Error ? err.message : String(err)}`, files.display(entryAbs), NO_SPAN, [
      "this is a bug in value-compass; please report it with the spec that triggers it",
    ]);
    spec = null;
  }
  const hasErrors = ctx.diagnostics.some((d) => d.severity === "error");
  return { spec: hasErrors ? null : spec, diagnostics: dedupe(ctx.diagnostics), sources: files.sources, files: loaded };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\u0000${d.span.start.offset}\u0000${d.code}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

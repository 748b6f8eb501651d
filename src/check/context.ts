// State shared by the checker passes: where diagnostics go, the files read so far, the params, the
// kinds of scorer, report and provider there are.

import { error, warning, type Diagnostic, type Span } from "../core/diagnostic.js";
import { editDistance } from "../core/edit-distance.js";
import type { Json } from "../core/plan.js";
import type { SpecFile } from "../syntax/ast.js";
import { CheckCodes, type CheckCode } from "./codes.js";
import type { FileStore, ReadFailure } from "./files.js";
import type { CheckKinds } from "./kinds.js";

/** A parsed .vc file and where it lives. */
export interface SourceFile {
  abs: string;
  /** Path shown in diagnostics. */
  display: string;
  ast: SpecFile;
}

export interface ParamInfo {
  value: Json;
  overridden: boolean;
  /**
   * Where the value comes from, for messages about the value itself (`scorers [$scoring]` naming no
   * scorer): the default in its declaration, or the command line after `--set`.
   */
  origin: { file: string; span: Span };
  /** `one of [...]`: the allowed values, each with where it is written; null when any value goes. */
  choices: Array<{ value: Json; span: Span }> | null;
  /** The file and name of the declaration (for notes). */
  decl: { file: string; span: Span };
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly params = new Map<string, ParamInfo>();

  constructor(
    readonly files: FileStore,
    /** The scorer, report and provider kinds there are (src/app/kinds.ts). */
    readonly kinds: CheckKinds,
  ) {}

  error(code: CheckCode, message: string, file: string, span: Span, notes?: string[]): void {
    this.diagnostics.push(error(code, message, file, span, notes));
  }

  warn(code: CheckCode, message: string, file: string, span: Span, notes?: string[]): void {
    this.diagnostics.push(warning(code, message, file, span, notes));
  }

  /**
   * The text of the file `ref` names (resolved to `abs` by the caller), or null after reporting why it
   * cannot be read; `what` says what the file is for ("data file", "schema", ...).
   */
  async readReferenced(abs: string, ref: { value: string; span: Span }, what: string, fromDisplay: string): Promise<string | null> {
    const read = await this.files.read(abs);
    if (read.ok) return read.text;
    this.error(readFailureCode(read.failure), `cannot read ${what} "${ref.value}": ${read.reason} (${this.files.display(abs)})`, fromDisplay, ref.span, [
      "paths are relative to the file that names them",
    ]);
    return null;
  }

  errorCount(): number {
    let n = 0;
    for (const d of this.diagnostics) if (d.severity === "error") n++;
    return n;
  }
}

/** "file:line:col" of a span, for notes that point at another declaration. */
export function where(file: string, span: Span): string {
  return `${file}:${span.start.line}:${span.start.column}`;
}

/** The closest candidate by edit distance, for "did you mean" notes. */
export function closest(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  if (best === null) return null;
  // A prefix ("lang" for "language") is a likelier intent than a word at the same distance.
  if (name.length >= 3) {
    const prefixed = [...candidates].find((c) => c.toLowerCase().startsWith(name.toLowerCase()));
    if (prefixed !== undefined && bestDistance > 1) return prefixed;
  }
  const limit = Math.max(1, Math.floor(Math.max(name.length, best.length) / 3));
  return bestDistance <= limit ? best : null;
}

/** Notes for an unknown name: a suggestion if one is close, and the list of what exists. */
export function suggestionNotes(name: string, candidates: readonly string[], what: string): string[] {
  const notes: string[] = [];
  const near = closest(name, candidates);
  if (near !== null) notes.push(`did you mean '${near}'?`);
  if (candidates.length === 0) notes.push(`no ${what} is declared`);
  else notes.push(`declared ${what}: ${listPreview(candidates)}`);
  return notes;
}

export function listPreview(names: readonly string[], max = 12): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")}, … (${names.length} in all)`;
}

/** The diagnostic code for a file that cannot be read, by why. */
export function readFailureCode(failure: ReadFailure): CheckCode {
  switch (failure) {
    case "missing":
      return CheckCodes.FILE_NOT_FOUND;
    case "outside":
      return CheckCodes.FILE_OUTSIDE_PROJECT;
    case "too_large":
      return CheckCodes.FILE_TOO_LARGE;
    case "not_regular":
    case "unreadable":
      return CheckCodes.FILE_UNREADABLE;
  }
}

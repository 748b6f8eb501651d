// Reading the entry spec and everything it imports. Imports are expanded where they are written, so
// the declaration order of the whole program is the order a reader sees when following the imports.
// A file imported twice (diamond) contributes its declarations once; a file that imports itself
// through a chain is a cycle, reported at the import that closes it with the whole chain.

import { createHash } from "node:crypto";
import { NO_SPAN } from "../core/diagnostic.js";
import type { SpecFile, Statement } from "../syntax/ast.js";
import { parseSpec } from "../syntax/parse.js";
import { CheckCodes } from "./codes.js";
import { readFailureCode, type CheckContext, type SourceFile } from "./context.js";

export interface Located<T> {
  file: SourceFile;
  node: T;
}

export interface Program {
  entry: SourceFile | null;
  files: SourceFile[];
  /** Every statement except imports, in declaration order. */
  statements: Array<Located<Statement>>;
}

export async function loadProgram(ctx: CheckContext, entryAbs: string): Promise<Program> {
  const program: Program = { entry: null, files: [], statements: [] };
  const done = new Set<string>();
  const stack: string[] = [];

  const visit = async (abs: string, from: { file: SourceFile; stmt: Statement & { kind: "Import" } } | null) => {
    const display = ctx.files.display(abs);
    if (stack.includes(abs)) {
      if (from) {
        const chain = [...stack.slice(stack.indexOf(abs)), abs].map((p) => ctx.files.display(p));
        ctx.error(CheckCodes.IMPORT_CYCLE, `import cycle: ${chain.join(" → ")}`, from.file.display, from.stmt.path.span, [
          "a file may not import itself, directly or through other files",
        ]);
      }
      return;
    }
    if (done.has(abs)) return;
    // Only .vc files are imported: any other file would be parsed as a spec and its lines quoted in
    // syntax errors (an import of a secrets file must not print it).
    if (from && !abs.endsWith(".vc")) {
      ctx.error(CheckCodes.IMPORT_NOT_VC, `cannot import "${from.stmt.path.value}": only .vc files can be imported`, from.file.display, from.stmt.path.span, [
        "the file was not read",
      ]);
      done.add(abs);
      return;
    }
    const read = await ctx.files.read(abs, { entry: from === null });
    if (!read.ok) {
      if (from) {
        ctx.error(
          read.failure === "missing" ? CheckCodes.IMPORT_NOT_FOUND : readFailureCode(read.failure),
          `cannot import "${from.stmt.path.value}": ${read.reason} (${display})`,
          from.file.display,
          from.stmt.path.span,
          ["import paths are relative to the importing file"],
        );
      } else {
        ctx.error(readFailureCode(read.failure), `cannot read spec ${display}: ${read.reason}`, display, NO_SPAN);
      }
      done.add(abs);
      return;
    }
    const parsed = parseCached(read.text, display);
    ctx.diagnostics.push(...parsed.diagnostics);
    // A spec's identity in the plan is its meaning, not its layout: `vc fmt` must not change the hash.
    ctx.files.setFingerprint(abs, meaningFingerprint(parsed.ast));
    const file: SourceFile = { abs, display, ast: parsed.ast };
    program.files.push(file);
    if (!from) program.entry = file;
    stack.push(abs);
    for (const stmt of parsed.ast.statements) {
      if (stmt.kind === "Import") {
        await visit(ctx.files.resolveFrom(abs, stmt.path.value), { file, stmt });
      } else {
        program.statements.push({ file, node: stmt });
      }
    }
    stack.pop();
    done.add(abs);
  };

  await visit(entryAbs, null);
  return program;
}

/** Keys of the AST that say where or how something was written, not what it means. */
const LAYOUT_KEYS = new Set([
  "span",
  "keySpan",
  "roleSpan",
  "scoreSpan",
  "outcomeSpan",
  "labelSpan",
  "contentMap",
  "raw",
  "triple",
  "comments",
  "source",
  "file",
]);

/**
 * sha256 of the syntax tree without positions, comments or the spelling of numbers and strings: two
 * files that differ only in whitespace, comments or layout (what `vc fmt` changes) get the same value.
 */
export function meaningFingerprint(ast: SpecFile): string {
  const json = JSON.stringify(ast.statements, (key, value: unknown) => (LAYOUT_KEYS.has(key) ? undefined : value));
  return createHash("sha256").update(json).digest("hex");
}

// The same text under the same name parses to the same AST (which the checker never mutates); a
// bounded cache makes repeated checks in one process (tests, editors) skip unchanged files.
const parses = new Map<string, ReturnType<typeof parseSpec>>();
const PARSE_CACHE_LIMIT = 256;

function parseCached(text: string, display: string): ReturnType<typeof parseSpec> {
  const key = `${display}\u0000${text}`;
  const hit = parses.get(key);
  if (hit) return hit;
  const result = parseSpec(text, display);
  if (parses.size >= PARSE_CACHE_LIMIT) parses.delete(parses.keys().next().value ?? "");
  parses.set(key, result);
  return result;
}

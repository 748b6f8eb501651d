// Where a string is written in a loaded program: the file and line of every string literal with a
// given value. `value-compass plan` and the run's refusal use it to show where a command comes from.

import type { SourceFile } from "./context.js";

export interface StringSite {
  /** The file as `name` shows it (by default as diagnostics do: relative to the working directory). */
  file: string;
  line: number;
}

/**
 * Every site of each wanted value, in file order then source order. The walk keeps its own stack (no
 * recursion), so a deeply nested AST cannot overflow the call stack.
 */
export function stringSites(
  files: readonly SourceFile[],
  wanted: ReadonlySet<string>,
  /** How a file is named: by default as diagnostics show it. */
  name: (file: SourceFile) => string = (file) => file.display,
): Map<string, StringSite[]> {
  const out = new Map<string, StringSite[]>();
  if (wanted.size === 0) return out;
  for (const file of files) {
    const stack: unknown[] = [file.ast.statements];
    const found: Array<{ value: string; line: number; offset: number }> = [];
    while (stack.length > 0) {
      const node = stack.pop();
      if (Array.isArray(node)) {
        for (const child of node) stack.push(child);
        continue;
      }
      if (node === null || typeof node !== "object") continue;
      const record = node as Record<string, unknown>;
      if (record["kind"] === "String" && typeof record["value"] === "string" && wanted.has(record["value"])) {
        const span = record["span"] as { start: { line: number; offset: number } };
        found.push({ value: record["value"], line: span.start.line, offset: span.start.offset });
      }
      for (const [key, child] of Object.entries(record)) if (key !== "span" && key !== "contentMap" && typeof child === "object") stack.push(child);
    }
    found.sort((a, b) => a.offset - b.offset);
    for (const f of found) {
      const list = out.get(f.value) ?? [];
      const shown = name(file);
      if (!list.some((s) => s.file === shown && s.line === f.line)) list.push({ file: shown, line: f.line });
      out.set(f.value, list);
    }
  }
  return out;
}

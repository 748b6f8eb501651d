// Presentation of diagnostics, kept apart from the data: `file:line:col: error CODE: message`, then a
// code frame with the offending line(s) and a caret under the span, then notes.

import type { Diagnostic } from "../core/diagnostic.js";

export interface FormatOptions {
  /** Source text per file, for the code frame. Files without source get no frame. */
  sources: ReadonlyMap<string, string>;
  color?: boolean;
  /** Lines of context above the error line. */
  contextLines?: number;
}

const RESET = "\u001b[0m";
const RED = "\u001b[31m";
const YELLOW = "\u001b[33m";
const BOLD = "\u001b[1m";
const DIM = "\u001b[2m";

export function formatDiagnostic(d: Diagnostic, options: FormatOptions): string {
  const paint = (code: string, s: string) => (options.color ? `${code}${s}${RESET}` : s);
  const sev = d.severity === "error" ? paint(RED + BOLD, "error") : paint(YELLOW + BOLD, "warning");
  const head = `${d.file}:${d.span.start.line}:${d.span.start.column}: ${sev} ${d.code}: ${d.message}`;
  const out = [head];
  const source = options.sources.get(d.file);
  if (source !== undefined) out.push(codeFrame(source, d, options.contextLines ?? 1, paint));
  for (const note of d.notes ?? []) out.push(`  = ${note}`);
  return out.join("\n");
}

export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  if (diagnostics.length === 0) return "";
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const summary = [errors > 0 ? `${errors} error${errors === 1 ? "" : "s"}` : null, warnings > 0 ? `${warnings} warning${warnings === 1 ? "" : "s"}` : null]
    .filter(Boolean)
    .join(", ");
  return `${diagnostics.map((d) => formatDiagnostic(d, options)).join("\n\n")}\n\n${summary}\n`;
}

function codeFrame(source: string, d: Diagnostic, context: number, paint: (c: string, s: string) => string): string {
  const lines = source.split(/\r?\n/);
  const startLine = Math.min(Math.max(d.span.start.line, 1), Math.max(lines.length, 1));
  const endLine = Math.min(Math.max(d.span.end.line, startLine), startLine + 4, lines.length);
  const first = Math.max(1, startLine - context);
  const gutter = String(endLine).length;
  const out: string[] = [];
  for (let n = first; n <= endLine; n++) {
    const text = (lines[n - 1] ?? "").replace(/\t/g, "  ");
    const marker = n >= startLine ? ">" : " ";
    out.push(`${marker} ${String(n).padStart(gutter)} | ${text}`);
    if (n >= startLine && n <= endLine) {
      const raw = lines[n - 1] ?? "";
      const from = n === startLine ? d.span.start.column : 1;
      const to = n === d.span.end.line ? Math.max(d.span.end.column, from + 1) : n < d.span.end.line ? raw.length + 1 : from + 1;
      const prefix = raw.slice(0, from - 1).replace(/\t/g, "  ");
      const width = Math.max(1, raw.slice(from - 1, to - 1).replace(/\t/g, "  ").length);
      out.push(`  ${" ".repeat(gutter)} | ${" ".repeat(prefix.length)}${paint(DIM + RED, "^".repeat(width))}`);
    }
  }
  return out.join("\n");
}

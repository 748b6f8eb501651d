// Errors as data: every stage returns diagnostics instead of throwing. Only the CLI decides what to
// print and which exit code follows.

/** A position in a source file. Lines and columns are 1-based (as editors show them), offsets 0-based. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** A half-open range [start, end) in one source file. */
export interface Span {
  start: Position;
  end: Position;
}

export type Severity = "error" | "warning";

export interface Diagnostic {
  /** Stable code, e.g. "VC1001". Documented in docs/diagnostics.md; tests match on it. */
  code: string;
  severity: Severity;
  message: string;
  /** Path as the user should see it: relative to the working directory when possible, "/" separators. */
  file: string;
  span: Span;
  /** Optional extra lines: what was expected, a hint, where the other declaration is. */
  notes?: string[];
}

export const NO_SPAN: Span = {
  start: { offset: 0, line: 1, column: 1 },
  end: { offset: 0, line: 1, column: 1 },
};

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

export function error(code: string, message: string, file: string, span: Span, notes?: string[]): Diagnostic {
  return notes && notes.length > 0 ? { code, severity: "error", message, file, span, notes } : { code, severity: "error", message, file, span };
}

export function warning(code: string, message: string, file: string, span: Span, notes?: string[]): Diagnostic {
  return notes && notes.length > 0 ? { code, severity: "warning", message, file, span, notes } : { code, severity: "warning", message, file, span };
}

/** Sort for stable output: by file, then position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.span.start.offset - b.span.start.offset || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** Compute a Position for an offset in a text (used when only an offset is known, e.g. data files). */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: end, line, column: end - lineStart + 1 };
}

export function spanAt(text: string, startOffset: number, endOffset: number = startOffset): Span {
  return { start: positionAt(text, startOffset), end: positionAt(text, endOffset) };
}

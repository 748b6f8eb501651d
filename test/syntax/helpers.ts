// Shared helpers for the syntax and format tests.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { SpecFile, Statement } from "../../src/syntax/ast.js";
import { parseSpec } from "../../src/syntax/parse.js";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

/** Parse and require a clean result. */
export function parseOk(source: string): SpecFile {
  const { ast, diagnostics } = parseSpec(source, "test.vc");
  expect(diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`)).toEqual([]);
  return ast;
}

/** The only statement of a one-statement source, checked to be of the given kind. */
export function only<K extends Statement["kind"]>(source: string, kind: K): Extract<Statement, { kind: K }> {
  const ast = parseOk(source);
  expect(ast.statements).toHaveLength(1);
  const s = ast.statements[0];
  expect(s?.kind).toBe(kind);
  return s as Extract<Statement, { kind: K }>;
}

/** A deep copy without positions (span, keySpan, roleSpan, scoreSpan, contentMap), for comparing meaning. */
export function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "span" || k === "keySpan" || k === "roleSpan" || k === "scoreSpan" || k === "contentMap") continue;
      out[k] = withoutPositions(v);
    }
    return out;
  }
  return value;
}

/** Statements without positions: what a file means. */
export function meaning(source: string): unknown {
  return withoutPositions(parseSpec(source, "test.vc").ast.statements);
}

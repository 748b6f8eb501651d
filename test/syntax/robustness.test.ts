// Robustness: thousands of seeded random mutations of a rich spec (tokens deleted, duplicated and
// swapped, random bytes inserted, the file truncated) never make parseSpec or formatSpec throw, and
// every diagnostic points inside the file. Whenever a mutant happens to be valid, formatting it must
// keep its meaning and be idempotent.
import { describe, expect, it } from "vitest";
import { formatSpec } from "../../src/format/format.js";
import { parseSpec } from "../../src/syntax/parse.js";
import { mulberry32 } from "../../src/core/random.js";
import { fixture, meaning } from "./helpers.js";

const SNIPPETS = ['"', '"""', "/*", "*/", "//", "{", "}", "[", "]", "(", ")", ",", ":", "=", "$", "\\", "\n", "-", "?", "\u0000", "\u00e9", "\r\n", "\t"];

function mutate(source: string, next: () => number): string {
  // Pieces: runs of word characters, whitespace, and single other characters.
  let pieces: string[] = source.match(/[A-Za-z0-9_.-]+|\s+|[^A-Za-z0-9_.\s-]/g) ?? [];
  const pick = (n: number) => Math.floor(next() * n);
  const edits = 1 + pick(4);
  for (let e = 0; e < edits; e++) {
    const i = pick(pieces.length + 1);
    switch (pick(6)) {
      case 0:
        pieces.splice(i, 1);
        break;
      case 1:
        pieces.splice(i, 0, pieces[i] ?? "");
        break;
      case 2: {
        const j = pick(pieces.length);
        const a = pieces[i];
        const b = pieces[j];
        if (a !== undefined && b !== undefined) {
          pieces[i] = b;
          pieces[j] = a;
        }
        break;
      }
      case 3:
        pieces.splice(i, 0, String.fromCharCode(...Array.from({ length: 1 + pick(3) }, () => pick(256))));
        break;
      case 4:
        pieces.splice(i, 0, SNIPPETS[pick(SNIPPETS.length)] ?? "");
        break;
      default:
        pieces = pieces.slice(0, i);
    }
  }
  return pieces.join("");
}

const MUTANTS = 3000;

describe("robustness", () => {
  it(`${MUTANTS} mutants of a compact spec with every construct: no throw, sane diagnostics, safe formatting`, () => {
    const source = fixture("compact.vc");
    const next = mulberry32(20240601);
    let withErrors = 0;
    let formatted = 0;
    for (let n = 0; n < MUTANTS; n++) {
      const text = mutate(source, next);
      const parsed = parseSpec(text, "m.vc");
      for (const d of parsed.diagnostics) {
        expect(d.code, `internal error on mutant ${n}: ${d.message}`).not.toBe("VC0000");
        expect(d.code).toMatch(/^VC00\d\d$/);
        expect(d.span.start.offset).toBeGreaterThanOrEqual(0);
        expect(d.span.end.offset).toBeLessThanOrEqual(text.length);
        expect(d.span.end.offset).toBeGreaterThanOrEqual(d.span.start.offset);
      }
      const result = formatSpec(text, "m.vc");
      if (parsed.diagnostics.length > 0) {
        withErrors++;
        expect(result.text).toBe(text);
        expect(result.diagnostics.length).toBeGreaterThan(0);
      } else {
        formatted++;
        expect(result.diagnostics, `formatter failed on mutant ${n}`).toEqual([]);
        expect(meaning(result.text), `formatting changed the meaning of mutant ${n}`).toEqual(meaning(text));
        expect(formatSpec(result.text, "m.vc").text, `formatting mutant ${n} is not idempotent`).toBe(result.text);
      }
    }
    // The mutations must exercise both paths.
    expect(withErrors).toBeGreaterThan(MUTANTS / 2);
    expect(formatted).toBeGreaterThan(20);
  }, 600_000);

  it("truncations at every character of a small spec never throw", () => {
    const source = 'culture de_DE "Germany" {\n  norms """\n    x\n    """\n  l [1, {a: "b\\n"}]\n}\nscorer s judge { score a ? -1 : f(2) }\n';
    for (let i = 0; i <= source.length; i++) {
      const text = source.slice(0, i);
      expect(() => parseSpec(text, "t.vc")).not.toThrow();
      expect(() => formatSpec(text, "t.vc")).not.toThrow();
    }
  });

  it("arbitrary binary input never throws", () => {
    const next = mulberry32(7);
    for (let n = 0; n < 200; n++) {
      const text = String.fromCharCode(...Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 65536)));
      const { diagnostics } = parseSpec(text, "b.vc");
      expect(diagnostics.every((d) => d.code !== "VC0000")).toBe(true);
      expect(formatSpec(text, "b.vc").diagnostics.every((d) => d.code !== "VC0000")).toBe(true);
    }
  });
});

// Syntax errors, data-driven: each case lists every diagnostic the parser must report (code, line,
// column, and a piece of the message), in order. Nothing more, nothing less.
import { describe, expect, it } from "vitest";
import { parseSpec } from "../../src/syntax/parse.js";

interface Expected {
  code: string;
  line: number;
  column: number;
  /** A substring of the message. */
  message?: string;
  /** A substring of one of the notes. */
  note?: string;
}

interface Case {
  name: string;
  source: string;
  errors: Expected[];
}

const cases: Case[] = [
  {
    name: "one of with a misspelt 'of'",
    source: 'param p = "a" one af ["a", "b"]',
    errors: [{ code: "VC0010", line: 1, column: 19, message: "unexpected name 'af'", note: "one of [a, b, ...]" }],
  },
  {
    name: "one of after the description",
    source: 'param p = "a" "what p is" one of ["a", "b"]',
    errors: [{ code: "VC0011", line: 1, column: 27, message: "unknown keyword 'one'", note: "comes before its description" }],
  },
  {
    name: "unexpected character",
    source: "param a = 1 @",
    errors: [{ code: "VC0001", line: 1, column: 13, message: "unexpected character '@'" }],
  },
  {
    name: "a run of unexpected characters is one error",
    source: "param a = 1\n  ~~~\nparam b = 2",
    errors: [{ code: "VC0001", line: 2, column: 3, message: "unexpected characters '~~~'" }],
  },
  {
    name: "non-ASCII letters are not identifier characters",
    source: "culture größe { }",
    errors: [{ code: "VC0001", line: 1, column: 11, message: "ö" }],
  },
  {
    name: "single quotes",
    source: "param a = 'x'",
    errors: [{ code: "VC0001", line: 1, column: 11, message: "double quotes", note: 'write "x"' }],
  },
  {
    name: "lone dollar",
    source: "param a = $",
    errors: [{ code: "VC0001", line: 1, column: 11, message: "'$' must be followed by a parameter name" }],
  },
  {
    name: "unterminated string points at the opening quote",
    source: 'usecase u {\n  policy "no end\n}',
    errors: [{ code: "VC0002", line: 2, column: 10 }],
  },
  {
    name: "unterminated string hiding the closing brace",
    source: 'culture c { locale "de }\nparam a = 1',
    errors: [{ code: "VC0002", line: 1, column: 20 }],
  },
  {
    name: "unterminated triple-quoted string",
    source: 'param a = 1\nparam t = """\n  text',
    errors: [{ code: "VC0003", line: 2, column: 11, message: "triple-quoted" }],
  },
  {
    name: "unterminated block comment",
    source: "param a = 1 /* note",
    errors: [{ code: "VC0003", line: 1, column: 13, message: "block comment" }],
  },
  {
    name: "invalid escape",
    source: 'param a = "x\\qy"',
    errors: [{ code: "VC0004", line: 1, column: 13, message: "invalid escape '\\q'" }],
  },
  {
    name: "invalid unicode escapes",
    source: 'param a = "\\u12" "\\u{}"',
    errors: [
      { code: "VC0004", line: 1, column: 12, message: "invalid unicode escape" },
      { code: "VC0004", line: 1, column: 19, message: "invalid unicode escape" },
    ],
  },
  {
    name: "invalid numbers",
    source: "param a = 1.\nparam b = 1e\nparam c = 0x1F\nparam d = 3.14.15",
    errors: [
      { code: "VC0005", line: 1, column: 11, message: "'1.'" },
      { code: "VC0005", line: 2, column: 11, message: "'1e'" },
      { code: "VC0005", line: 3, column: 11, message: "'0x1F'" },
      { code: "VC0005", line: 4, column: 11, message: "'3.14.15'" },
    ],
  },
  {
    name: "unexpected token lists what was expected",
    source: "param a 1",
    errors: [{ code: "VC0010", line: 1, column: 9, message: "unexpected number 1", note: "expected '='" }],
  },
  {
    name: "missing name",
    source: 'culture { locale "x" }',
    errors: [{ code: "VC0010", line: 1, column: 9, message: "unexpected '{'", note: "expected a name" }],
  },
  {
    name: "missing scorer kind",
    source: "scorer s { }",
    errors: [{ code: "VC0010", line: 1, column: 10, note: "expected a name" }],
  },
  {
    name: "template needs a block or from",
    source: 'template t "x"',
    errors: [{ code: "VC0010", line: 1, column: 12, note: "'from'" }],
  },
  {
    name: "message without text",
    source: "template t {\n  user\n}",
    errors: [{ code: "VC0010", line: 3, column: 1, note: "a string" }],
  },
  {
    name: "bad value",
    source: "run { temperature = 1 }",
    errors: [
      { code: "VC0014", line: 1, column: 7, message: "missing value for 'temperature'" },
      { code: "VC0010", line: 1, column: 19, message: "unexpected '='" },
    ],
  },
  {
    name: "incomplete expression",
    source: "scorer s judge { score 1 + }",
    errors: [{ code: "VC0010", line: 1, column: 28, note: "expected an expression" }],
  },
  {
    name: "conditional without else",
    source: "scorer s judge { score a ? 1 }",
    errors: [{ code: "VC0010", line: 1, column: 30, note: "':'" }],
  },
  {
    name: "chained comparison",
    source: "scorer s judge { score 1 < a < 3 }",
    errors: [{ code: "VC0010", line: 1, column: 30, message: "unexpected '<'" }],
  },
  {
    name: "missing when in a rule inside a scorer",
    source: "scorer s judge {\n  rule r { score 1 }\n}",
    errors: [{ code: "VC0010", line: 2, column: 10, message: "missing 'when' in rule" }],
  },
  {
    name: "missing when in a top-level rule",
    source: "rule r for s { score 1 }",
    errors: [{ code: "VC0010", line: 1, column: 14, message: "missing 'when' in rule" }],
  },
  {
    name: "unknown top-level keyword with suggestion",
    source: 'improt "x.vc"',
    errors: [{ code: "VC0011", line: 1, column: 1, message: "unknown keyword 'improt'", note: "did you mean 'import'?" }],
  },
  {
    name: "a keyword that cannot start a statement",
    source: "dimension d",
    errors: [{ code: "VC0011", line: 1, column: 1, message: "'dimension' cannot start a statement" }],
  },
  {
    name: "junk at top level",
    source: "42\nparam a = 1",
    errors: [{ code: "VC0010", line: 1, column: 1, message: "unexpected number 42", note: "a statement starts with" }],
  },
  {
    name: "unknown properties in every closed block",
    source: [
      "system s { colour 1  dimension d { colour 1 }  group g { colour 1 } }",
      "items i { colour 1 }",
      "scorer sc judge { colour 1  rule r when a { colour 1 } }",
      "baseline b { colour 1 }",
      "run { colour 1 }",
      "report r scores { colour 1 }",
      "adaptive a { colour 1 }",
    ].join("\n"),
    errors: [
      { code: "VC0011", line: 1, column: 12, message: "in system 's'" },
      { code: "VC0011", line: 1, column: 36, message: "in dimension 'd'" },
      { code: "VC0011", line: 1, column: 58, message: "in group 'g'" },
      { code: "VC0011", line: 2, column: 11, message: "in items 'i'" },
      { code: "VC0011", line: 3, column: 19, message: "in scorer 'sc'" },
      { code: "VC0011", line: 3, column: 45, message: "in rule 'r'" },
      { code: "VC0011", line: 4, column: 14, message: "in baseline 'b'" },
      { code: "VC0011", line: 5, column: 7, message: "in run" },
      { code: "VC0011", line: 6, column: 19, message: "in report 'r'" },
      { code: "VC0011", line: 7, column: 14, message: "in adaptive 'a'" },
    ],
  },
  {
    name: "unknown role",
    source: 'template t { developer "x" }',
    errors: [{ code: "VC0011", line: 1, column: 14, message: "unknown role 'developer'" }],
  },
  {
    name: "missing closing brace at the end",
    source: 'culture c {\n  locale "x"\n',
    errors: [{ code: "VC0012", line: 1, column: 11, message: "missing '}'" }],
  },
  {
    name: "missing closing brace in the middle, the rest still parses and reports",
    source: 'culture c {\n  locale "x"\n\nrun {\n  temprature 1\n}\n',
    errors: [
      { code: "VC0012", line: 1, column: 11, note: "before line 4" },
      { code: "VC0011", line: 5, column: 3, message: "temprature" },
    ],
  },
  {
    name: "unclosed list",
    source: 'run {\n  models ["a", "b"\n  samples 3\n}',
    errors: [{ code: "VC0012", line: 2, column: 10, message: "missing ']'" }],
  },
  {
    name: "unclosed parenthesis",
    source: "scorer s judge {\n  score (1 + 2\n}",
    errors: [{ code: "VC0012", line: 2, column: 9, message: "missing ')'" }],
  },
  {
    name: "stray closing brace",
    source: "param a = 1\n}\nparam b = 2",
    errors: [{ code: "VC0010", line: 2, column: 1, message: "unexpected '}'" }],
  },
  {
    name: "reserved words as names",
    source: "culture system { }\nparam for = 1\nscorer when judge { }\nitems x { item in { } }",
    errors: [
      { code: "VC0013", line: 1, column: 9, message: "'system' is a reserved word" },
      { code: "VC0013", line: 2, column: 7, message: "'for'" },
      { code: "VC0013", line: 3, column: 8, message: "'when'" },
      { code: "VC0013", line: 4, column: 16, message: "'in'" },
    ],
  },
  {
    name: "missing value (value on the next line)",
    source: 'culture c {\n  locale\n    "de-DE"\n}',
    errors: [
      { code: "VC0014", line: 2, column: 3, message: "missing value for 'locale'" },
      { code: "VC0010", line: 3, column: 5, message: 'unexpected string "de-DE"' },
    ],
  },
  {
    name: "for inside a scorer",
    source: "scorer s judge {\n  rule r for s when a { score 1 }\n}",
    errors: [{ code: "VC0015", line: 2, column: 10, message: "must not name a scorer" }],
  },
  {
    name: "top-level rule without for",
    source: "rule r when a { score 1 }",
    errors: [{ code: "VC0015", line: 1, column: 6, message: "needs 'for SCORER'" }],
  },
  {
    name: "score twice",
    source: "rule r for s when a {\n  score 1\n  score 2\n}",
    errors: [{ code: "VC0016", line: 3, column: 3, message: "'score' is given twice in rule 'r'" }],
  },
  {
    name: "a cascade right after an error is reported once",
    source: 'template t {\n  user "a" "b"\n  system\n}\nparam x = 1',
    errors: [{ code: "VC0010", line: 2, column: 12, message: 'unexpected string "b"' }],
  },
  {
    name: "a stray token before the expected one is dropped, not a cascade",
    source: "report r scores { by [model dimension]  system s }",
    errors: [{ code: "VC0010", line: 1, column: 29, note: "expected one of: ',', ']'" }],
  },
  {
    name: "errors in different statements are all reported",
    source: 'param a = 1 2\nculture c { locale }\nrun { seeed 1 }\nculture d { x "unterminated }\n',
    errors: [
      { code: "VC0010", line: 1, column: 13, message: "unexpected number 2" },
      { code: "VC0014", line: 2, column: 13 },
      { code: "VC0011", line: 3, column: 7, note: "did you mean 'seed'?" },
      { code: "VC0002", line: 4, column: 15 },
    ],
  },
];

describe("syntax errors", () => {
  it.each(cases)("$name", ({ source, errors }) => {
    const { diagnostics } = parseSpec(source, "t.vc");
    const actual = diagnostics.map((d) => ({ code: d.code, line: d.span.start.line, column: d.span.start.column }));
    expect(actual).toEqual(errors.map(({ code, line, column }) => ({ code, line, column })));
    errors.forEach((e, i) => {
      const d = diagnostics[i];
      expect(d?.severity).toBe("error");
      expect(d?.file).toBe("t.vc");
      if (e.message) expect(d?.message).toContain(e.message);
      if (e.note) expect((d?.notes ?? []).join("\n")).toContain(e.note);
    });
  });

  it("diagnostic spans end after they start and lie inside the file", () => {
    for (const { source } of cases) {
      for (const d of parseSpec(source, "t.vc").diagnostics) {
        expect(d.span.end.offset).toBeGreaterThanOrEqual(d.span.start.offset);
        expect(d.span.end.offset).toBeLessThanOrEqual(source.length);
      }
    }
  });

  it("a file with errors still yields the statements that parsed", () => {
    const { ast } = parseSpec('param a = 1\nsytem s { }\nculture c { locale "x" }', "t.vc");
    expect(ast.statements.map((s) => s.kind)).toEqual(["Param", "Culture"]);
  });
});

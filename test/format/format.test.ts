// The formatter: canonical layout, idempotent, keeps every comment and the meaning of the file.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatSpec } from "../../src/format/format.js";
import { parseSpec } from "../../src/syntax/parse.js";
import { fixture, meaning } from "../syntax/helpers.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const local = (name: string) => readFileSync(join(HERE, "fixtures", name), "utf8");

/** Format and require success. */
function fmt(source: string): string {
  const { text, diagnostics } = formatSpec(source, "t.vc");
  expect(diagnostics).toEqual([]);
  return text;
}

const INPUTS: Array<[string, string]> = [
  ["full example", fixture("full.vc")],
  ["compact example", fixture("compact.vc")],
  ["messy example", local("messy.vc")],
  ["one-liners", 'param a=1 /* one */ param b=[1,2] culture c{locale "x"} // end'],
  ["CRLF", 'culture c {\r\n  locale "x"  // c\r\n  norms """\r\n    a\r\n    """\r\n}\r\n'],
  [
    "param choices and none",
    'param s="a"   one of ["a","b"]"d"\nitems i{cultures [none,de] // none: no culture\n}\nadaptive a { exposure {top_k 2,max_exposure 0.2} generate {model "mock:comply" count 3} }',
  ],
];

describe("formatSpec", () => {
  it("formats the messy example as reviewed", () => {
    expect(fmt(local("messy.vc"))).toBe(local("messy.formatted.vc"));
  });

  it.each(INPUTS)("is idempotent: %s", (_name, source) => {
    const once = fmt(source);
    expect(fmt(once)).toBe(once);
  });

  it.each(INPUTS)("keeps the meaning: %s", (_name, source) => {
    expect(meaning(fmt(source))).toEqual(meaning(source));
  });

  it.each(INPUTS)("keeps every comment, in order: %s", (_name, source) => {
    const before = parseSpec(source, "t.vc").ast.comments.map((c) =>
      c.text
        .split("\n")
        .map((l) => l.trimEnd())
        .join("\n"),
    );
    const after = parseSpec(fmt(source), "t.vc").ast.comments.map((c) => c.text);
    expect(before.length).toBeGreaterThan(0);
    expect(after).toEqual(before);
  });

  it.each(INPUTS)("output has no trailing whitespace, no tabs outside strings, one final newline: %s", (_name, source) => {
    const out = fmt(source);
    expect(out.endsWith("\n")).toBe(true);
    expect(out.endsWith("\n\n")).toBe(false);
    expect(out).not.toMatch(/[ \t]+\n/);
    expect(out).not.toMatch(/\n\n\n/);
    expect(out).not.toContain("\r");
  });

  it("refuses a file with syntax errors and returns it unchanged", () => {
    const source = "run {\n  temprature 1\n}\n";
    const { text, diagnostics } = formatSpec(source, "t.vc");
    expect(text).toBe(source);
    expect(diagnostics.map((d) => d.code)).toEqual(["VC0011"]);
  });

  it("an empty file stays empty", () => {
    expect(fmt("")).toBe("");
    expect(fmt("\n\n  \n")).toBe("");
  });
});

describe("layout rules", () => {
  it("lays out a param's allowed values like any list", () => {
    expect(fmt('param s="a"   one of ["a","b"]"d"')).toBe('param s = "a" one of ["a", "b"] "d"\n');
  });

  it("indents by brace depth and collapses blank lines", () => {
    expect(fmt('\n\nsystem s {\n\n\n      description "d"\n\n\n\n  dimension a "A"\n\n}\n\n\n\nparam x = 1')).toBe(
      'system s {\n  description "d"\n\n  dimension a "A"\n}\n\nparam x = 1\n',
    );
  });

  it("puts the content and the closing brace of a multi-line block on lines of their own", () => {
    expect(fmt('culture c { locale "x"\n  language "y" }')).toBe('culture c {\n  locale "x"\n  language "y"\n}\n');
  });

  it("keeps one-line blocks on one line, with two spaces between entries", () => {
    expect(fmt("scorer r likert {scale 6 centre true}")).toBe("scorer r likert { scale 6  centre true }\n");
    expect(fmt("report x cross_system {  }")).toBe("report x cross_system {}\n");
  });

  it("spaces around operators, none inside brackets or before commas", () => {
    expect(fmt("scorer s judge { score ( a+1 )*2>=f( x , [ 1,2 ] ) ? -x : - 3 }")).toBe("scorer s judge { score (a + 1) * 2 >= f(x, [1, 2]) ? -x : - 3 }\n");
  });

  it("object colons hug their key, conditional colons do not", () => {
    expect(fmt('scorer s judge { output {a :"x" , b:"y"}  score a?1:0 }')).toBe('scorer s judge { output { a: "x", b: "y" }  score a ? 1 : 0 }\n');
  });

  it("subtraction keeps its spaces (a-1 would be one name, a -1 a number)", () => {
    const out = fmt("scorer s judge { score a - 1 - -1 }");
    expect(out).toBe("scorer s judge { score a - 1 - -1 }\n");
    expect(meaning(out)).toEqual(meaning("scorer s judge { score a - 1 - -1 }"));
  });

  it("a keyword before a parenthesis is not a call", () => {
    expect(fmt("scorer s judge { score (1) }")).toBe("scorer s judge { score (1) }\n");
    expect(fmt("scorer s judge { score max (1, 2) }")).toBe("scorer s judge { score max(1, 2) }\n");
  });

  it("indents continuation lines of an entry", () => {
    expect(fmt("scorer s judge {\nrule r when a and\nb { score 1 }\n}")).toBe("scorer s judge {\n  rule r when a and\n    b { score 1 }\n}\n");
  });

  it("indents list items by bracket depth", () => {
    expect(fmt("baseline b {\norder [a,\n b,\n     c]\n}")).toBe("baseline b {\n  order [a,\n    b,\n    c]\n}\n");
  });

  it("aligns trailing comments of consecutive lines", () => {
    expect(fmt("param a = 1 // one\nparam long_name = 2 // two\n\nparam b = 3    // alone")).toBe(
      "param a = 1          // one\nparam long_name = 2  // two\n\nparam b = 3  // alone\n",
    );
  });

  it("keeps a comment on the line of an opening brace", () => {
    expect(fmt("run { // the run\nsamples 1 }")).toBe("run {  // the run\n  samples 1\n}\n");
  });

  it("trims trailing whitespace inside comments but keeps their lines", () => {
    expect(fmt("/* a   \n     b   */\nparam x = 1 //  c   ")).toBe("/* a\n     b   */\nparam x = 1  //  c\n");
  });
});

describe("triple-quoted strings", () => {
  const parsedValue = (source: string): string => {
    const s = parseSpec(source, "t.vc").ast.statements[0];
    if (s?.kind !== "Culture") throw new Error("expected a culture");
    const v = s.properties[0]?.value;
    if (v?.kind !== "String") throw new Error("expected a string");
    return v.value;
  };

  it.each([
    ["re-indented to the block", 'culture c {\n        norms """\n   a\n     b\n   """\n}', 'culture c {\n  norms """\n    a\n      b\n    """\n}\n'],
    [
      "blank lines kept, no trailing spaces",
      'culture c {\n  norms """\n      a\n      \n      b\n  """\n}',
      'culture c {\n  norms """\n    a\n\n    b\n    """\n}\n',
    ],
    ["inline first line kept inline", 'culture c {\n  norms """first\n          second"""\n}', 'culture c {\n  norms """first\n    second\n    """\n}\n'],
    ["one-line triple strings unchanged", 'culture c { norms """  padded  """ }', 'culture c { norms """  padded  """ }\n'],
    [
      "escaped quotes and a trailing quote",
      'culture c {\n  norms """\n  say \\"""hi\\"""\n  end"\n  """\n}',
      'culture c {\n  norms """\n    say \\"""hi\\"""\n    end"\n    """\n}\n',
    ],
    [
      "tabs replaced by the block indentation",
      'culture c {\n\tnorms """\n\t\tx\n\t\t  y\n\t\t"""\n}',
      'culture c {\n  norms """\n    x\n      y\n    """\n}\n',
    ],
  ])("%s", (_name, source, expected) => {
    const out = fmt(source);
    expect(out).toBe(expected);
    expect(parsedValue(out)).toBe(parsedValue(source));
    expect(fmt(out)).toBe(out);
  });

  it("indented text right after the opening quotes stays there (it is not dedented)", () => {
    const source = 'culture c {\n  norms """  x\n      y\n  """\n}';
    const out = fmt(source);
    expect(out).toBe('culture c {\n  norms """  x\n    y\n    """\n}\n');
    expect(parsedValue(out)).toBe("  x\ny");
    expect(fmt(out)).toBe(out);
  });
});

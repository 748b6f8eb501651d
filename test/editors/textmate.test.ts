// The VS Code extension's TextMate grammar (editors/vscode), tokenised by vscode-textmate with the
// Oniguruma engine VS Code uses: it agrees with the real lexer on every token of every shipped spec,
// knows exactly the lexer's keywords and the built-in functions, and gives the golden sample
// (test/golden/textmate/sample.vc) the scopes in sample.scopes.txt. Regenerate that file after a
// deliberate change with
//   UPDATE_GOLDEN=1 npx vitest run test/editors/textmate.test.ts
// and read the diff before committing it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { IToken, TokenType } from "chevrotain";
import { describe, expect, it } from "vitest";
import { lex, KEYWORD, Identifier, LineComment, BlockComment, TripleString, PlainString, NumberLiteral, ParamRef, Dot } from "../../src/syntax/tokens.js";
import { SourceText } from "../../src/syntax/source.js";
import { parseSpec } from "../../src/syntax/parse.js";
import { BUILTIN_FUNCTIONS, OTHER_KEYWORDS, STATEMENT_KEYWORDS } from "../../src/syntax/vocabulary.js";
import { extensionDir, grammarPath, root, tokenise, type Token } from "./textmate.js";

const UPDATE = process.env["UPDATE_GOLDEN"] === "1";
const GOLDEN_DIR = join(root, "test", "golden", "textmate");

const SHIPPED_SPECS = [
  ...readdirSync(join(root, "specs"))
    .filter((f) => f.endsWith(".vc"))
    .map((f) => `specs/${f}`),
  ...readdirSync(join(root, "specs", "lib"))
    .filter((f) => f.endsWith(".vc"))
    .map((f) => `specs/lib/${f}`),
].sort();

const LEXER_KEYWORDS: readonly string[] = [...STATEMENT_KEYWORDS, ...OTHER_KEYWORDS];

interface RawRule {
  match?: string;
  name?: string;
  patterns?: RawRule[];
}
interface RawGrammar {
  scopeName: string;
  repository: Record<string, RawRule>;
}
const grammar = JSON.parse(readFileSync(grammarPath, "utf8")) as RawGrammar;

/** `scopes` has `scope` or a scope under it (`string.quoted` has `string.quoted.double.vc`). */
function hasScope(scopes: readonly string[], scope: string): boolean {
  return scopes.some((s) => s === scope || s.startsWith(`${scope}.`));
}

const KEYWORD_SCOPES = ["keyword", "storage.type", "constant.language"];

/** The scopes of every character of a text, by line (1-based) and column (0-based). */
function scopeMap(tokens: Token[]): Map<number, string[][]> {
  const byLine = new Map<number, string[][]>();
  for (const t of tokens) {
    const line = byLine.get(t.line) ?? [];
    for (let c = t.start; c < t.end; c++) line[c] = t.scopes;
    byLine.set(t.line, line);
  }
  return byLine;
}

/** [line, column] of every character a lexer token covers, except line breaks. */
function tokenChars(token: IToken, text: string, lineStarts: number[]): Array<[number, number]> {
  const chars: Array<[number, number]> = [];
  let line = token.startLine ?? 1;
  for (let offset = token.startOffset; offset <= (token.endOffset ?? token.startOffset); offset++) {
    while ((lineStarts[line] ?? Infinity) <= offset) line++;
    if (text[offset] !== "\n") chars.push([line, offset - (lineStarts[line - 1] ?? 0)]);
  }
  return chars;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

/** What the grammar must say about every character of a lexer token. */
type Expectation = { has: string } | { hasOneOf: readonly string[] } | { hasNone: readonly string[] };

function expectation(type: TokenType, previous: IToken | undefined): Expectation | null {
  if (type === LineComment) return { has: "comment.line.double-slash.vc" };
  if (type === BlockComment) return { has: "comment.block.vc" };
  if (type === TripleString) return { has: "string.quoted.triple.vc" };
  if (type === PlainString) return { has: "string.quoted.double.vc" };
  if (type === NumberLiteral) return { has: "constant.numeric.vc" };
  if (type === ParamRef) return { has: "variable.other.param.vc" };
  if (type === Identifier) return { hasNone: [...KEYWORD_SCOPES, "string", "comment", "constant.numeric", "invalid"] };
  if (Object.values(KEYWORD).includes(type)) {
    // After '.', a keyword is a path segment (item.model) and is not highlighted as one.
    return previous?.tokenType === Dot ? { hasNone: KEYWORD_SCOPES } : { hasOneOf: KEYWORD_SCOPES };
  }
  return null;
}

/** Checks every lexer token of `text` against the grammar's scopes; returns the disagreements. */
async function disagreements(text: string, file: string): Promise<string[]> {
  const scopes = scopeMap(await tokenise(text));
  const { tokens, comments, diagnostics } = lex(new SourceText(text), file);
  expect(diagnostics).toEqual([]);
  const starts = lineStartsOf(text);
  const problems: string[] = [];
  const all = [...tokens, ...comments].sort((a, b) => a.startOffset - b.startOffset);
  all.forEach((token, i) => {
    const want = expectation(token.tokenType, all[i - 1]);
    if (want === null) return;
    for (const [line, column] of tokenChars(token, text, starts)) {
      const at = scopes.get(line)?.[column] ?? [];
      const ok =
        "has" in want ? hasScope(at, want.has) : "hasOneOf" in want ? want.hasOneOf.some((k) => hasScope(at, k)) : !want.hasNone.some((k) => hasScope(at, k));
      if (!ok) {
        problems.push(`${file}:${line}:${column + 1} ${token.tokenType.name} ${JSON.stringify(token.image.slice(0, 30))}: ${at.join(" ")}`);
        return;
      }
    }
  });
  return problems;
}

describe("the TextMate grammar on the shipped specs", () => {
  it("finds the shipped specs", () => {
    expect(SHIPPED_SPECS.length).toBeGreaterThanOrEqual(9);
  });

  it.each(SHIPPED_SPECS)("%s: no line has an invalid scope", async (spec) => {
    const tokens = await tokenise(readFileSync(join(root, spec), "utf8"));
    expect(tokens.length).toBeGreaterThan(100);
    const invalid = tokens.filter((t) => hasScope(t.scopes, "invalid")).map((t) => `${t.line}: ${t.text} ${t.scopes.join(" ")}`);
    expect(invalid).toEqual([]);
  });

  it.each(SHIPPED_SPECS)("%s: every lexer token gets the matching scope", async (spec) => {
    expect(await disagreements(readFileSync(join(root, spec), "utf8"), spec)).toEqual([]);
  });

  it("a triple-quoted string over several lines is one string, opened once and closed once", async () => {
    const text = readFileSync(join(root, "specs", "example.vc"), "utf8");
    const { tokens } = lex(new SourceText(text), "example.vc");
    const multiLine = tokens.filter((t) => t.tokenType === TripleString && (t.endLine ?? 0) > (t.startLine ?? 0));
    expect(multiLine.length).toBeGreaterThan(2);
    const scopes = scopeMap(await tokenise(text));
    const starts = lineStartsOf(text);
    for (const token of multiLine) {
      const chars = tokenChars(token, text, starts);
      const scopeAt = ([line, column]: [number, number]) => scopes.get(line)?.[column] ?? [];
      expect(chars.every((c) => hasScope(scopeAt(c), "string.quoted.triple.vc"))).toBe(true);
      const begins = chars.filter((c) => hasScope(scopeAt(c), "punctuation.definition.string.begin"));
      const ends = chars.filter((c) => hasScope(scopeAt(c), "punctuation.definition.string.end"));
      expect(begins).toEqual(chars.slice(0, 3));
      expect(ends).toEqual(chars.slice(-3));
    }
  });
});

describe("the TextMate grammar and the language's vocabulary", () => {
  /** The words of one repository rule's alternation, e.g. `(?<!...)(min|max)(?=...)` → [min, max]. */
  function alternatives(match: string | undefined): string[] {
    const m = /\(((?:[a-z_]+\|)*[a-z_]+)\)/.exec(match ?? "");
    return m?.[1]?.split("|") ?? [];
  }

  it("the keyword rules list exactly the lexer's keywords, each once", () => {
    const words = (grammar.repository["keywords"]?.patterns ?? []).flatMap((p) => alternatives(p.match));
    expect(new Set(words).size).toBe(words.length);
    expect([...words].sort()).toEqual([...LEXER_KEYWORDS].sort());
  });

  it.each(LEXER_KEYWORDS)("keyword %s is highlighted as a keyword, but not inside a name or after '.'", async (word) => {
    const scopesOf = async (line: string, text: string) => {
      const token = (await tokenise(line)).reverse().find((t) => t.text === text);
      expect(token, `${text} in ${line}`).toBeDefined();
      return token?.scopes ?? [];
    };
    const alone = await scopesOf(`  ${word} x`, word);
    expect(
      KEYWORD_SCOPES.some((k) => hasScope(alone, k)),
      alone.join(" "),
    ).toBe(true);
    for (const [line, text] of [
      [`  x ${word}_y`, `${word}_y`],
      [`  x ${word}-y`, `${word}-y`],
      [`  x y-${word}`, `y-${word}`],
      [`  score item.${word}`, word],
    ] as const) {
      const scopes = await scopesOf(line, text);
      expect(
        KEYWORD_SCOPES.some((k) => hasScope(scopes, k)),
        `${line}: ${scopes.join(" ")}`,
      ).toBe(false);
    }
  });

  it("the built-in function rule lists exactly BUILTIN_FUNCTIONS", async () => {
    const words = alternatives(grammar.repository["functions"]?.match);
    expect([...words].sort()).toEqual([...BUILTIN_FUNCTIONS].sort());
    for (const fn of BUILTIN_FUNCTIONS) {
      const token = (await tokenise(`  score ${fn}(x)`)).find((t) => t.text === fn);
      expect(token?.scopes).toContain("support.function.builtin.vc");
    }
  });
});

describe("the TextMate grammar on what the language rejects", () => {
  // Each line is a valid statement but for one mistake; the grammar marks it where `vc check` reports it.
  it.each([
    ['import "abc', "invalid.illegal.unterminated-string.vc"],
    ['import "ok\\q"', "invalid.illegal.unknown-escape.vc"],
    ["import 'single'", "invalid.illegal.single-quoted-string.vc"],
    ["param x = 1.2.3", "invalid.illegal.number.vc"],
    ["param x = 12abc", "invalid.illegal.number.vc"],
    ["param x = $", "invalid.illegal.param.vc"],
    ['import "a" # not a comment', "invalid.illegal.character.vc"],
    ['import "a"; import "b"', "invalid.illegal.character.vc"],
  ])("%s → %s", async (line, scope) => {
    const [first] = parseSpec(line, "bad.vc").diagnostics;
    expect(first?.severity).toBe("error");
    const marked = (await tokenise(line)).find((t) => t.scopes.includes(scope));
    expect(marked, JSON.stringify((await tokenise(line)).map((t) => [t.text, t.scopes.slice(1)]))).toBeDefined();
    const column = first?.span.start.column ?? 0;
    expect(column - 1 >= (marked?.start ?? -1) && column - 1 < (marked?.end ?? -1), `${first?.message} at column ${column}`).toBe(true);
  });
});

describe("the golden sample", () => {
  const samplePath = join(GOLDEN_DIR, "sample.vc");
  const goldenPath = join(GOLDEN_DIR, "sample.scopes.txt");
  const sample = readFileSync(samplePath, "utf8");

  /** One line per token: line:column, the text, its scopes below source.vc. Whitespace is left out. */
  function render(tokens: Token[]): string {
    return tokens
      .filter((t) => t.text.trim() !== "")
      .map((t) => `${t.line}:${t.start + 1} ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(" ")}`.trimEnd())
      .join("\n")
      .concat("\n");
  }

  it("is a spec without syntax errors that agrees with the lexer token by token", async () => {
    expect(parseSpec(sample, "sample.vc").diagnostics).toEqual([]);
    expect(await disagreements(sample, "sample.vc")).toEqual([]);
  });

  it("has the scopes in sample.scopes.txt", async () => {
    const actual = render(await tokenise(sample));
    if (UPDATE) writeFileSync(goldenPath, actual, "utf8");
    expect(existsSync(goldenPath), `missing ${goldenPath}; run with UPDATE_GOLDEN=1`).toBe(true);
    expect(actual).toBe(readFileSync(goldenPath, "utf8"));
  });

  // The golden file holds every token; these are the ones the grammar exists for, stated outright.
  it.each([
    [1, "//", "comment.line.double-slash.vc"],
    [3, "   over two lines ", "comment.block.vc"],
    [4, "import", "keyword.control.import.vc"],
    [6, "seed", "entity.name.variable.param.vc"],
    [6, "=", "keyword.operator.assignment.vc"],
    [6, "7", "constant.numeric.vc"],
    [9, "demo", "entity.name.type.system.vc"],
    [10, "openness", "entity.name.type.group.vc"],
    [11, "self_direction", "entity.name.type.dimension.vc"],
    [15, "security", "entity.name.type.dimension.vc"],
    [19, '"""', "string.quoted.triple.vc"],
    [20, "    You are ", "string.quoted.triple.vc"],
    [20, "usecase.description", "constant.other.placeholder.handlebars.vc"],
    [21, '\\"""', "constant.character.escape.vc"],
    [21, ' and a quote at the end: "', "string.quoted.triple.vc"],
    [22, "\\u{1F600}", "constant.character.escape.vc"],
    [25, "items_x", "entity.name.type.items.vc"],
    [28, "scoring", "variable.other.param.vc"],
    [29, "from", "keyword.other.from.vc"],
    [30, "in-scope", "entity.name.type.item.vc"],
    [30, "-1.5e-3", "constant.numeric.vc"],
    [30, "true", "constant.language.boolean.true.vc"],
    [30, "null", "constant.language.null.vc"],
    [33, "refusal", "support.type.scorer-kind.vc"],
    [34, "?", "keyword.operator.ternary.vc"],
    [34, "clamp", "support.function.builtin.vc"],
    [34, "*", "keyword.operator.arithmetic.vc"],
    [35, "late", "entity.name.type.rule.vc"],
    [35, "not", "keyword.operator.logical.vc"],
    [35, "matches", "keyword.operator.word.vc"],
    [38, "!=", "keyword.operator.comparison.vc"],
    [40, "run", "storage.type.run.vc"],
    [47, "leaderboard", "support.type.report-kind.vc"],
  ] as const)("line %i: %s is %s", async (line, text, scope) => {
    const token = (await tokenise(sample)).find((t) => t.line === line && t.text === text);
    expect(token, `no token ${JSON.stringify(text)} on line ${line}`).toBeDefined();
    expect(token?.scopes).toContain(scope);
  });

  it("a property named like a sub-declaration inside a dimension's block declares nothing", async () => {
    // `group openness` on line 12 sits in dimension self_direction's { }: a property, not a group.
    const token = (await tokenise(sample)).find((t) => t.line === 12 && t.text === "openness");
    expect(token?.scopes.some((s) => s.startsWith("entity.name"))).toBe(false);
  });
});

describe("the extension manifest", () => {
  interface Manifest {
    contributes: {
      languages: Array<{ id: string; extensions: string[]; configuration: string }>;
      grammars: Array<{ language: string; scopeName: string; path: string }>;
    };
    engines: { vscode: string };
  }
  const manifest = JSON.parse(readFileSync(join(extensionDir, "package.json"), "utf8")) as Manifest;

  it("contributes the vc language for .vc files with the grammar's scope and files that exist", () => {
    expect(manifest.engines.vscode).toMatch(/^\^1\./);
    const language = manifest.contributes.languages.find((l) => l.id === "vc");
    expect(language?.extensions).toEqual([".vc"]);
    const contributed = manifest.contributes.grammars.find((g) => g.language === "vc");
    expect(contributed?.scopeName).toBe(grammar.scopeName);
    expect(join(extensionDir, contributed?.path ?? "missing")).toBe(grammarPath);
    expect(existsSync(join(extensionDir, language?.configuration ?? "missing"))).toBe(true);
  });

  it("the language configuration's comments and brackets are the lexer's", () => {
    const config = JSON.parse(readFileSync(join(extensionDir, "language-configuration.json"), "utf8")) as {
      comments: { lineComment: string; blockComment: [string, string] };
      brackets: Array<[string, string]>;
      autoClosingPairs: Array<{ open: string; close: string }>;
    };
    const [open, close] = config.comments.blockComment;
    const { comments } = lex(new SourceText(`${config.comments.lineComment} a\n${open} b ${close} x`), "c.vc");
    expect(comments.map((c) => c.tokenType)).toEqual([LineComment, BlockComment]);
    expect(config.brackets).toEqual([
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ]);
    expect(config.autoClosingPairs).toContainEqual(expect.objectContaining({ open: '"', close: '"' }));
  });
});

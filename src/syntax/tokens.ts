// The lexer of the .vc language (chevrotain). It turns source text into tokens and never fails:
// characters it cannot use become VC0001 diagnostics, unterminated strings and comments become tokens
// of their own kind (so the parser can carry on) plus a diagnostic.
//
// Token categories (chevrotain's polymorphic token types) keep the grammar small:
//   Name        any identifier or keyword: property names, object keys, path segments after '.'
//   Word        identifiers and keywords that may act as a reference (`cross [culture, usecase]`);
//               i.e. Name minus true/false/null and the operator words and/or/not/in/matches
//   StringToken every kind of string literal (plain, triple-quoted, and their unterminated forms)
//   Junk        anything that cannot start a statement (except opening brackets): what an unknown
//               top-level statement is made of
//   AnyToken    every token except brackets: the inside of a skipped `{ ... }` group

import type { IToken, TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";
import { error, type Diagnostic } from "../core/diagnostic.js";
import { OTHER_KEYWORDS, STATEMENT_KEYWORDS, type Keyword } from "./vocabulary.js";
import type { SourceText } from "./source.js";
import { SyntaxCodes } from "./codes.js";

// ---------------------------------------------------------------------------------------------
// Categories

// Labels are what the railroad diagrams show.
export const Name = createToken({ name: "Name", label: "name (identifier or keyword)", pattern: Lexer.NA });
export const Word = createToken({ name: "Word", label: "name", pattern: Lexer.NA });
export const StringToken = createToken({ name: "StringToken", label: "string", pattern: Lexer.NA });
export const Junk = createToken({ name: "Junk", label: "any token but a statement keyword", pattern: Lexer.NA });
export const AnyToken = createToken({ name: "AnyToken", label: "any token but a bracket", pattern: Lexer.NA });

// ---------------------------------------------------------------------------------------------
// Whitespace and comments

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const COMMENTS_GROUP = "comments";

export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n]*/, group: COMMENTS_GROUP });

/** `/* ... *\/`; an unterminated one runs to the end of the file (VC0003). */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: { exec: (text, offset) => matchUntil(text, offset, "/*", "*/", false) },
  line_breaks: true,
  start_chars_hint: ["/"],
  group: COMMENTS_GROUP,
});
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: { exec: (text, offset) => matchUnterminated(text, offset, "/*", "*/", false) },
  line_breaks: true,
  start_chars_hint: ["/"],
  group: COMMENTS_GROUP,
});

// ---------------------------------------------------------------------------------------------
// Literals

const literalCategories = [StringToken, Junk, AnyToken];

/** `"""..."""`: may span lines; the only escape is `\"""`. */
export const TripleString = createToken({
  name: "TripleString",
  pattern: { exec: (text, offset) => matchUntil(text, offset, '"""', '"""', true) },
  line_breaks: true,
  start_chars_hint: ['"'],
  categories: literalCategories,
});
export const UnterminatedTripleString = createToken({
  name: "UnterminatedTripleString",
  pattern: { exec: (text, offset) => matchUnterminated(text, offset, '"""', '"""', true) },
  line_breaks: true,
  start_chars_hint: ['"'],
  categories: literalCategories,
});

/** `"..."` on one line, with escapes. */
// Strings and numbers are matched by hand-written loops, not regular expressions: a regex with an
// alternation inside a repetition overflows V8's backtracking stack on a string of a few megabytes.
export const PlainString = createToken({
  name: "PlainString",
  pattern: { exec: (text, offset) => matchPlainString(text, offset, false) },
  line_breaks: false,
  start_chars_hint: ['"'],
  categories: literalCategories,
});
/** `'...'`: not a string in .vc (VC0001), but read as one so that parsing carries on. */
export const SingleQuotedString = createToken({
  name: "SingleQuotedString",
  pattern: /'[^'\n\r]*'?/,
  categories: literalCategories,
});
/** A `"` whose string runs into the end of the line (VC0002). */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: { exec: (text, offset) => matchPlainString(text, offset, true) },
  line_breaks: false,
  start_chars_hint: ['"'],
  categories: literalCategories,
});

/**
 * Numbers. The pattern deliberately over-matches (`1.2.3`, `12abc`, `1.`) so that a malformed number is
 * one token with one clear error (VC0005) instead of a cascade; `isWellFormedNumber` decides.
 */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  label: "number",
  // A regex here (the railroad diagrams show it): the file size limit (limits.ts) keeps a number far
  // shorter than what would overflow the regex engine's backtracking stack.
  pattern: /-?[0-9](?:[eE][+-][0-9]|[0-9A-Za-z_.])*/,
  categories: [Junk, AnyToken],
});
const WELL_FORMED_NUMBER = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
export function isWellFormedNumber(image: string): boolean {
  return WELL_FORMED_NUMBER.test(image);
}

/**
 * `$seed`: a parameter reference. A `$` without a name is lexed as one too (and reported, VC0001), so
 * the parser does not add a second error for the same mistake.
 */
export const ParamRef = createToken({
  name: "ParamRef",
  label: "$name",
  pattern: /\$(?:[A-Za-z_][A-Za-z0-9_-]*)?/,
  categories: [Junk, AnyToken],
});

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_-]*/,
  categories: [Name, Word, Junk, AnyToken],
});

// ---------------------------------------------------------------------------------------------
// Keywords: one token type per word, each falling back to Identifier when the word continues
// (`items_x` and `in-scope` are identifiers).

const OPERATOR_OR_LITERAL: readonly Keyword[] = ["and", "or", "not", "in", "matches", "true", "false", "null"];

function keywordToken(word: Keyword): TokenType {
  const isStatement = (STATEMENT_KEYWORDS as readonly string[]).includes(word);
  const categories = [Name, AnyToken];
  if (!OPERATOR_OR_LITERAL.includes(word)) categories.push(Word);
  if (!isStatement) categories.push(Junk);
  return createToken({
    name: keywordTokenName(word),
    label: `'${word}'`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories,
  });
}

export function keywordTokenName(word: string): string {
  return `Kw${word[0]?.toUpperCase() ?? ""}${word.slice(1)}`;
}

const ALL_KEYWORDS: readonly Keyword[] = [...STATEMENT_KEYWORDS, ...OTHER_KEYWORDS];

/** Keyword token types by word. */
export const KEYWORD: Readonly<Record<Keyword, TokenType>> = Object.fromEntries(ALL_KEYWORDS.map((word) => [word, keywordToken(word)])) as Record<
  Keyword,
  TokenType
>;

// ---------------------------------------------------------------------------------------------
// Punctuation (multi-character operators before their prefixes)

function punct(name: string, image: string, categories: TokenType[] = [Junk, AnyToken]): TokenType {
  return createToken({
    name,
    label: `'${image}'`,
    pattern: new RegExp(image.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")),
    categories,
  });
}

// Opening brackets are in no category: a skipped group consumes them with its matching closer. A stray
// closer at top level is junk.
export const LBrace = punct("LBrace", "{", []);
export const RBrace = punct("RBrace", "}", [Junk]);
export const LBracket = punct("LBracket", "[", []);
export const RBracket = punct("RBracket", "]", [Junk]);
export const LParen = punct("LParen", "(", []);
export const RParen = punct("RParen", ")", [Junk]);
export const Comma = punct("Comma", ",");
export const Colon = punct("Colon", ":");
export const EqEq = punct("EqEq", "==");
export const NotEq = punct("NotEq", "!=");
export const LtEq = punct("LtEq", "<=");
export const GtEq = punct("GtEq", ">=");
export const Lt = punct("Lt", "<");
export const Gt = punct("Gt", ">");
export const Eq = punct("Eq", "=");
export const Plus = punct("Plus", "+");
export const Minus = punct("Minus", "-");
export const Star = punct("Star", "*");
export const Slash = punct("Slash", "/");
export const Question = punct("Question", "?");
export const Dot = punct("Dot", ".");

const keywordsLongestFirst = [...ALL_KEYWORDS].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map((w) => KEYWORD[w]);

/** Every token type, in the order the lexer tries them. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  BlockComment,
  UnterminatedBlockComment,
  LineComment,
  TripleString,
  UnterminatedTripleString,
  PlainString,
  UnterminatedString,
  SingleQuotedString,
  NumberLiteral,
  ParamRef,
  ...keywordsLongestFirst,
  Identifier,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Colon,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Eq,
  Plus,
  Minus,
  Star,
  Slash,
  Question,
  Dot,
  // Categories are listed so the parser knows them; they match nothing themselves.
  Name,
  Word,
  StringToken,
  Junk,
  AnyToken,
];

// ---------------------------------------------------------------------------------------------
// Custom matchers for delimited tokens

/** Match `open ... close`; for triple strings a backslash escapes the closing `"""`. */
function matchUntil(text: string, offset: number, open: string, close: string, tripleString: boolean): RegExpExecArray | null {
  if (!text.startsWith(open, offset)) return null;
  const end = findClose(text, offset + open.length, close, tripleString);
  return end < 0 ? null : execResult(text.slice(offset, end));
}

/** Match an opening delimiter whose closing one never comes: the token runs to the end of the file. */
function matchUnterminated(text: string, offset: number, open: string, close: string, tripleString: boolean): RegExpExecArray | null {
  if (!text.startsWith(open, offset)) return null;
  return findClose(text, offset + open.length, close, tripleString) < 0 ? execResult(text.slice(offset)) : null;
}

/** Offset just after the closing delimiter, or -1. */
function findClose(text: string, from: number, close: string, tripleString: boolean): number {
  let i = from;
  while (i < text.length) {
    if (tripleString && text[i] === "\\" && text.startsWith('"""', i + 1)) {
      i += 4;
      continue;
    }
    if (text.startsWith(close, i)) {
      if (!tripleString) return i + close.length;
      // In `""""` the closing delimiter is the last three quotes; the others belong to the content.
      let run = i;
      while (text[run] === '"') run++;
      return run;
    }
    i++;
  }
  return -1;
}

/**
 * `"..."` on one line with backslash escapes (what /"(?:[^"\\\n\r]|\\[^\n\r])*"/ matches); with
 * `unterminated`, the same run without its closing quote, and a final backslash (what the
 * UnterminatedString token takes when PlainString does not match).
 */
function matchPlainString(text: string, offset: number, unterminated: boolean): RegExpExecArray | null {
  if (text.charCodeAt(offset) !== 0x22) return null;
  let i = offset + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (i >= text.length || c === 0x0a || c === 0x0d) break;
    if (c === 0x22) return unterminated ? execResult(text.slice(offset, i)) : execResult(text.slice(offset, i + 1));
    if (c === 0x5c) {
      const next = text.charCodeAt(i + 1);
      if (i + 1 >= text.length || next === 0x0a || next === 0x0d) {
        if (unterminated) i++;
        break;
      }
      i += 2;
      continue;
    }
    i++;
  }
  return unterminated ? execResult(text.slice(offset, i)) : null;
}

function execResult(matched: string): RegExpExecArray {
  const result = [matched] as unknown as RegExpExecArray;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Lexing

/** Characters in one string literal (or any token): the same figure as SYNTAX_LIMITS.stringChars in limits.ts. */
export const MAX_STRING_CHARS = 200_000;

let lexerInstance: Lexer | undefined;
function lexer(): Lexer {
  lexerInstance ??= buildLexer(false);
  return lexerInstance;
}

/**
 * `validate` runs chevrotain's token-definition validations. Like the parser's grammar validations
 * they can only fail when the token definitions change, so the CLI skips them at start-up and
 * test/syntax/grammar.test.ts builds a validated lexer.
 */
export function buildLexer(validate: boolean): Lexer {
  return new Lexer(ALL_TOKENS, {
    positionTracking: "full",
    ensureOptimizations: false,
    skipValidations: !validate,
  });
}

export interface LexResult {
  /** Tokens the parser sees (no whitespace, no comments). */
  tokens: IToken[];
  /** Comments in source order. */
  comments: IToken[];
  diagnostics: Diagnostic[];
}

export function lex(source: SourceText, file: string): LexResult {
  const result = lexer().tokenize(source.text);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const bad = source.text.slice(e.offset, e.offset + Math.max(1, e.length));
    diagnostics.push(
      error(
        SyntaxCodes.UNEXPECTED_CHARACTER,
        bad.length === 1 ? `unexpected character ${describeChar(bad)}` : `unexpected characters ${quoteChars(bad)}`,
        file,
        source.span(e.offset, e.offset + Math.max(1, e.length)),
        hintForCharacters(bad),
      ),
    );
  }
  const comments = (result.groups[COMMENTS_GROUP] ?? []).slice();
  for (const t of [...result.tokens, ...comments]) {
    const d = diagnoseToken(t, source, file);
    if (d) diagnostics.push(d);
  }
  return { tokens: result.tokens, comments, diagnostics };
}

function diagnoseToken(t: IToken, source: SourceText, file: string): Diagnostic | undefined {
  const start = t.startOffset;
  if (t.image.length > MAX_STRING_CHARS && t.tokenType !== LineComment && t.tokenType !== BlockComment && t.tokenType !== UnterminatedBlockComment) {
    return error(
      SyntaxCodes.STRING_TOO_LONG,
      `string or word longer than ${MAX_STRING_CHARS.toLocaleString("en-US")} characters`,
      file,
      source.span(start, start + 1),
      ['long texts belong in a template file (from "...") or a data file'],
    );
  }
  switch (t.tokenType) {
    case UnterminatedString:
      return error(SyntaxCodes.UNTERMINATED_STRING, "unterminated string", file, source.span(start, start + 1), [
        'a string in double quotes must end on the same line; use """...""" for text over several lines',
      ]);
    case UnterminatedTripleString:
      return error(SyntaxCodes.UNTERMINATED_TO_EOF, 'unterminated triple-quoted string: no closing """', file, source.span(start, start + 3), [
        'the string that starts here runs to the end of the file; close it with """',
      ]);
    case UnterminatedBlockComment:
      return error(SyntaxCodes.UNTERMINATED_TO_EOF, "unterminated block comment: no closing */", file, source.span(start, start + 2), [
        "the comment that starts here runs to the end of the file; close it with */",
      ]);
    case NumberLiteral:
      return isWellFormedNumber(t.image)
        ? undefined
        : error(SyntaxCodes.INVALID_NUMBER, `invalid number '${t.image}'`, file, source.span(start, start + t.image.length), [
            "numbers look like 42, -3, 0.5 or 1e-3; names cannot start with a digit",
          ]);
    case ParamRef:
      return t.image === "$"
        ? error(SyntaxCodes.UNEXPECTED_CHARACTER, "'$' must be followed by a parameter name", file, source.span(start, start + 1), [
            "write $name to use the value of `param name = ...`",
          ])
        : undefined;
    case SingleQuotedString:
      return error(SyntaxCodes.UNEXPECTED_CHARACTER, "strings use double quotes, not single quotes", file, source.span(start, start + t.image.length), [
        `write "${t.image.slice(1, t.image.endsWith("'") && t.image.length > 1 ? -1 : undefined)}"`,
      ]);
    default:
      return undefined;
  }
}

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0xa0)) return hex;
  return `'${c}' (${hex})`;
}

function quoteChars(s: string): string {
  const visible = [...s].every((c) => (c.codePointAt(0) ?? 0) >= 0x20 && c !== "\u007f");
  return visible ? `'${s}'` : [...s].map(describeChar).join(" ");
}

function hintForCharacters(bad: string): string[] | undefined {
  if (bad.startsWith("#")) return ["comments start with // (or /* ... */)"];
  if (bad.startsWith(";")) return ["statements and properties need no separator; a line break is enough"];
  if (bad.startsWith("!")) return ["use 'not' for negation; '!=' means 'not equal'"];
  if (bad.startsWith("&") || bad.startsWith("|")) return ["use 'and' / 'or' in conditions"];
  return undefined;
}

// The entry point of the syntax layer: source text in, AST and diagnostics out. Never throws.
//
//   lex (tokens.ts) → bracket check/repair (brackets.ts) → parse (parser.ts) → build AST (build-ast.ts)
//
// Every stage adds diagnostics and the next one carries on, so one run reports several problems.
// When there are errors the AST is partial (see build-ast.ts); later stages should not rely on it.

import type { IRecognitionException, IToken } from "chevrotain";
import { EOF } from "./chevrotain.js";
import { error, sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import type { Comment, SpecFile } from "./ast.js";
import { repairBrackets } from "./brackets.js";
import { buildStatements } from "./build-ast.js";
import { vcParser } from "./parser.js";
import { SourceText } from "./source.js";
import { LineComment, lex, UnterminatedBlockComment, UnterminatedString, UnterminatedTripleString } from "./tokens.js";
import { SyntaxCodes } from "./codes.js";
import { checkSourceSize, checkTokenLimits, SYNTAX_LIMITS, tooDeepAt } from "./limits.js";

export interface ParseResult {
  ast: SpecFile;
  diagnostics: Diagnostic[];
}

/** Parse one .vc file. `file` is the path as the user should see it in messages. */
export function parseSpec(source: string, file: string): ParseResult {
  const { ast, diagnostics } = analyseSpec(source, file);
  return { ast, diagnostics };
}

/** parseSpec plus the tokens, for tools that work on the token level (the formatter). */
export interface SpecAnalysis extends ParseResult {
  text: SourceText;
  /** Significant tokens (no comments), in source order. */
  tokens: IToken[];
  /** Comment tokens, in source order. */
  comments: IToken[];
}

export function analyseSpec(source: string, file: string): SpecAnalysis {
  const text = new SourceText(typeof source === "string" ? source : String(source));
  try {
    return analyseUnsafe(text, file);
  } catch (e) {
    // A bug in the parser must not take the CLI down; it becomes a diagnostic that asks for a report.
    const message = e instanceof Error ? e.message : String(e);
    return {
      ast: emptyAst(text, file, []),
      diagnostics: [
        error(SyntaxCodes.INTERNAL, `internal error in the parser: ${message}`, file, text.span(0), [
          "this is a bug in value-compass; please report it with the file that triggers it",
        ]),
      ],
      text,
      tokens: [],
      comments: [],
    };
  }
}

function analyseUnsafe(text: SourceText, file: string): SpecAnalysis {
  const tooLarge = checkSourceSize(text, file);
  if (tooLarge) return { ast: emptyAst(text, file, []), diagnostics: [tooLarge], text, tokens: [], comments: [] };
  const lexed = lex(text, file);
  // Past a limit the parser is not run at all: deep nesting would overflow its stack, and a string
  // past its limit is not decoded.
  const limit = checkTokenLimits(lexed.tokens, text, file) ?? lexed.diagnostics.find((d) => d.code === SyntaxCodes.STRING_TOO_LONG) ?? null;
  if (limit)
    return {
      ast: emptyAst(text, file, []),
      diagnostics: sortDiagnostics(dedupe([...lexed.diagnostics, limit])),
      text,
      tokens: lexed.tokens,
      comments: lexed.comments,
    };
  const brackets = repairBrackets(lexed.tokens, text, file);

  const parser = vcParser();
  parser.input = brackets.tokens;
  const cst = parser.specFile();
  const parseErrors = parser.errors.slice();
  parser.input = [];

  const unclosed = brackets.diagnostics.length > 0;
  const parseDiagnostics = withoutCascades(parseErrors, brackets.tokens)
    .filter((e) => !(unclosed && isAtEnd(e.token)))
    .map((e) => parseErrorDiagnostic(e, text, file, lexed.tokens));
  // Every parse error counts here, also those not reported as cascades: junk right after one is skipped
  // input, not a new mistake.
  const errorOffsets = [
    ...lexed.diagnostics.map((d) => d.span.start.offset),
    ...parseErrors.map((e) => (isAtEnd(e.token) ? text.text.length : e.token.startOffset)),
  ];
  const built = buildStatements(cst, text, file, errorOffsets);
  const deepAt = tooDeepAt(built.statements);
  if (deepAt !== null) {
    const tooDeep = error(
      SyntaxCodes.NESTING_TOO_DEEP,
      `nesting deeper than ${SYNTAX_LIMITS.treeDepth} levels (an expression chaining that many operators is nested too)`,
      file,
      text.span(deepAt, deepAt + 1),
      ["split the expression or the value; the checker would otherwise recurse that deep"],
    );
    return {
      ast: emptyAst(text, file, []),
      diagnostics: sortDiagnostics([...lexed.diagnostics, tooDeep]),
      text,
      tokens: lexed.tokens,
      comments: lexed.comments,
    };
  }

  const comments = lexed.comments.map((c) => comment(c, text));
  const bracketDiagnostics = brackets.diagnostics.filter((d) => !explainedBySwallowingToken(d, lexed.tokens, lexed.comments));
  const diagnostics = dedupe([...lexed.diagnostics, ...bracketDiagnostics, ...parseDiagnostics, ...built.diagnostics]);
  return {
    ast: { ...emptyAst(text, file, comments), statements: built.statements },
    diagnostics: sortDiagnostics(diagnostics),
    text,
    tokens: lexed.tokens,
    comments: lexed.comments,
  };
}

function emptyAst(text: SourceText, file: string, comments: Comment[]): SpecFile {
  return { kind: "SpecFile", file, source: text.text, statements: [], comments };
}

function comment(t: IToken, text: SourceText): Comment {
  const raw = t.image.replace(/\r$/, "");
  return {
    text: raw,
    block: t.tokenType !== LineComment,
    span: text.span(t.startOffset, t.startOffset + t.image.length),
  };
}

/**
 * A bracket whose closer sits inside an unterminated string or comment is not really unclosed: the
 * VC0002/VC0003 error already explains it.
 */
function explainedBySwallowingToken(d: Diagnostic, tokens: readonly IToken[], comments: readonly IToken[]): boolean {
  const opener = d.span.start.offset;
  const closer = d.message.charAt(d.message.indexOf("'") + 1);
  return [...tokens, ...comments].some(
    (t) =>
      t.startOffset > opener &&
      (t.tokenType === UnterminatedTripleString ||
        t.tokenType === UnterminatedBlockComment ||
        (t.tokenType === UnterminatedString && t.image.includes(closer))),
  );
}

/**
 * After a parse error the parser skips ahead and may stumble again a token or two later over the same
 * mistake (`user "a" "b"` inside a template). Like most compilers, report a new parse error only once
 * the parser has got past a few tokens since the previous one.
 */
const TOKENS_BETWEEN_ERRORS = 3;

function withoutCascades(errors: IRecognitionException[], tokens: readonly IToken[]): IRecognitionException[] {
  const indexOf = new Map<IToken, number>(tokens.map((t, i) => [t, i]));
  const position = (t: IToken) => indexOf.get(t) ?? (isAtEnd(t) ? tokens.length : -1);
  const kept: IRecognitionException[] = [];
  let quietUntil = -1;
  for (const e of errors) {
    const at = position(e.token);
    if (at >= 0 && at <= quietUntil) continue;
    kept.push(e);
    quietUntil = Math.max(at, 0) + e.resyncedTokens.length + TOKENS_BETWEEN_ERRORS;
  }
  return kept;
}

function isAtEnd(t: IToken): boolean {
  return t.tokenType === EOF || !Number.isFinite(t.startOffset);
}

function parseErrorDiagnostic(e: IRecognitionException, text: SourceText, file: string, tokens: IToken[]): Diagnostic {
  const [headline = "syntax error", ...notes] = e.message.split("\n");
  const t = e.token;
  if (isAtEnd(t)) {
    // Point just after the last token rather than at an empty last line.
    const last = tokens[tokens.length - 1];
    const at = last ? last.startOffset + last.image.length : text.text.length;
    return error(SyntaxCodes.UNEXPECTED_TOKEN, headline, file, text.span(at, at), notes);
  }
  const width = Math.max(1, t.image.length);
  return error(SyntaxCodes.UNEXPECTED_TOKEN, headline, file, text.span(t.startOffset, t.startOffset + width), notes);
}

/** The same problem found twice (e.g. by recovery at one token) is reported once. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}:${d.span.start.offset}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Bounds on what one .vc file may hold, so that no input overflows the stack or takes minutes: the
// parser and the checker recurse on nesting, and a file of millions of tokens parses slowly. Each
// limit is far above what a spec needs (the shipped specs: under 1,100 tokens, nesting under 8,
// strings under 13,000 characters) and produces its own diagnostic (docs/diagnostics.md).

import type { IToken } from "chevrotain";
import { error, type Diagnostic } from "../core/diagnostic.js";
import { SyntaxCodes } from "./codes.js";
import type { SourceText } from "./source.js";
import { KEYWORD, LBrace, MAX_STRING_CHARS, LBracket, LParen, Minus, Question, RBrace, RBracket, RParen } from "./tokens.js";

export const SYNTAX_LIMITS = {
  /** Brackets, `not`/`-` prefixes and `? :` chains, counted together at any point of the file. */
  nesting: 48,
  /** Depth of the syntax tree (an expression chaining many operators is deep too). */
  treeDepth: 256,
  /** Characters in one string literal. */
  stringChars: MAX_STRING_CHARS,
  /** Tokens in one file (comments not counted). */
  tokens: 50_000,
  /** Characters in one .vc file: lexing and parsing stay under a few seconds. */
  fileChars: 512_000,
} as const;

/** A file too large to lex in reasonable time, as a diagnostic; null when within the limit. */
export function checkSourceSize(text: SourceText, file: string): Diagnostic | null {
  if (text.text.length <= SYNTAX_LIMITS.fileChars) return null;
  return error(SyntaxCodes.TOO_MANY_TOKENS, `the file has more than ${SYNTAX_LIMITS.fileChars.toLocaleString("en-US")} characters`, file, text.span(0, 1), [
    "a .vc file holds declarations; split it into files joined by import, and put items and long texts into data and template files",
  ]);
}

/** The first limit a file's tokens exceed, as a diagnostic; null when within all limits. */
export function checkTokenLimits(tokens: readonly IToken[], text: SourceText, file: string): Diagnostic | null {
  if (tokens.length > SYNTAX_LIMITS.tokens) {
    const t = tokens[SYNTAX_LIMITS.tokens]!;
    return error(
      SyntaxCodes.TOO_MANY_TOKENS,
      `the file has more than ${SYNTAX_LIMITS.tokens.toLocaleString("en-US")} tokens`,
      file,
      text.span(t.startOffset, t.startOffset + 1),
      ['split it into files joined by import, or move items into a data file (items ... from "items.jsonl")'],
    );
  }
  // Per open bracket: the `?` seen at that level (each nests the rest of the conditional one deeper).
  const questions: number[] = [0];
  let prefixRun = 0;
  let previous: IToken | null = null;
  const not = KEYWORD.not;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen || type === LBracket || type === LBrace) questions.push(0);
    else if ((type === RParen || type === RBracket || type === RBrace) && questions.length > 1) questions.pop();
    else if (type === Question) questions[questions.length - 1]!++;
    // A prefix operator: `not`, or `-` where no operand precedes it.
    const prefix = type === not || (type === Minus && (previous === null || !endsOperand(previous)));
    prefixRun = prefix ? prefixRun + 1 : 0;
    const depth = questions.length - 1 + questions.reduce((a, b) => a + b, 0) + prefixRun;
    if (depth > SYNTAX_LIMITS.nesting) {
      return error(
        SyntaxCodes.NESTING_TOO_DEEP,
        `nesting deeper than ${SYNTAX_LIMITS.nesting} levels`,
        file,
        text.span(t.startOffset, t.startOffset + Math.max(1, t.image.length)),
        ["brackets, `not` and `-` prefixes and `? :` conditionals nest; flatten the value or the expression"],
      );
    }
    previous = t;
  }
  return null;
}

function endsOperand(t: IToken): boolean {
  const type = t.tokenType;
  return type === RParen || type === RBracket || type === RBrace || /^[A-Za-z0-9_"$']/.test(t.image);
}

/**
 * The deepest point of a syntax tree, found without recursion; null when within the limit, else the
 * offset of a node past it.
 */
export function tooDeepAt(root: unknown): number | null {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > SYNTAX_LIMITS.treeDepth) {
      const span = (node as { span?: { start?: { offset?: number } } }).span;
      return span?.start?.offset ?? 0;
    }
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ node: child, depth });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === "span" || key === "keySpan" || key === "roleSpan" || key === "scoreSpan" || key === "contentMap") continue;
      if (child !== null && typeof child === "object") stack.push({ node: child, depth: depth + 1 });
    }
  }
  return null;
}

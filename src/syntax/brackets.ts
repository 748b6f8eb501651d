// Finding the bracket that was never closed (VC0012), before parsing.
//
// A forgotten '}' makes every following statement look like part of the unclosed block, and a parser
// alone would complain at the end of the file. So when the brackets do not balance we guess, from the
// indentation, which opening bracket lacks its closer and where the block was meant to end, report
// that bracket, and hand the parser a token list with the missing closer inserted there. The rest of
// the file then parses normally and its real errors (if any) are still reported.
//
// The indentation guess is only trusted if the repaired token list balances; otherwise closers are
// inserted where plain bracket matching puts them (before a mismatched closer, or at the end).

import type { IToken, TokenType } from "chevrotain";
import { error, type Diagnostic } from "../core/diagnostic.js";
import { LBrace, LBracket, LParen, RBrace, RBracket, RParen } from "./tokens.js";
import type { SourceText } from "./source.js";
import { SyntaxCodes } from "./codes.js";

const CLOSER_OF = new Map<TokenType, TokenType>([
  [LBrace, RBrace],
  [LBracket, RBracket],
  [LParen, RParen],
]);
const CLOSERS = new Set<TokenType>([RBrace, RBracket, RParen]);

export interface BracketRepair {
  diagnostics: Diagnostic[];
  /** The tokens to parse: the input, or a copy with the missing closers inserted. */
  tokens: IToken[];
}

interface Insertion {
  opener: IToken;
  /** Index in the token list before which the closer goes (tokens.length = end of file). */
  beforeIndex: number;
}

export function repairBrackets(tokens: IToken[], source: SourceText, file: string): BracketRepair {
  const plain = plainMatching(tokens);
  if (plain.length === 0) return { diagnostics: [], tokens };
  const byIndentation = indentationMatching(tokens, source, plain.length);
  const insertions = byIndentation && plainMatching(insertClosers(tokens, byIndentation, source)).length === 0 ? byIndentation : plain;
  const diagnostics = insertions.map((ins) => describe(ins, tokens, source, file));
  return { diagnostics, tokens: insertClosers(tokens, insertions, source) };
}

/** Stack matching: openers closed by nothing (at the end) or skipped over by an outer closer. */
function plainMatching(tokens: readonly IToken[]): Insertion[] {
  const stack: IToken[] = [];
  const found: Insertion[] = [];
  tokens.forEach((t, index) => {
    if (CLOSER_OF.has(t.tokenType)) {
      stack.push(t);
    } else if (CLOSERS.has(t.tokenType)) {
      const depth = findMatchingDepth(stack, t.tokenType);
      if (depth < 0) return; // a stray closer: the parser reports it
      while (stack.length - 1 > depth) {
        const opener = stack.pop();
        if (opener) found.push({ opener, beforeIndex: index });
      }
      stack.pop();
    }
  });
  while (stack.length > 0) {
    const opener = stack.pop();
    if (opener) found.push({ opener, beforeIndex: tokens.length });
  }
  return found;
}

function findMatchingDepth(stack: readonly IToken[], closer: TokenType): number {
  for (let i = stack.length - 1; i >= 0; i--) {
    const opener = stack[i];
    if (opener && CLOSER_OF.get(opener.tokenType) === closer) return i;
  }
  return -1;
}

/**
 * The indentation guess: a block is over when a line starts at or left of the indentation of the line
 * that opened it (for a closer: strictly left). Blames at most `limit` openers.
 */
function indentationMatching(tokens: readonly IToken[], source: SourceText, limit: number): Insertion[] | undefined {
  const stack: Array<{ opener: IToken; indent: number }> = [];
  const found: Insertion[] = [];
  let previousLine = 0;
  tokens.forEach((t, index) => {
    const line = t.startLine ?? 0;
    const startsLine = line !== previousLine;
    previousLine = t.endLine ?? line;
    if (startsLine && found.length < limit) {
      const indent = source.indentationAt(t.startOffset).length;
      const isCloser = CLOSERS.has(t.tokenType);
      for (;;) {
        const top = stack[stack.length - 1];
        if (!top || found.length >= limit) break;
        const unclosed = isCloser ? indent < top.indent : indent <= top.indent;
        if (!unclosed) break;
        stack.pop();
        found.push({ opener: top.opener, beforeIndex: index });
      }
    }
    if (CLOSER_OF.has(t.tokenType)) {
      stack.push({ opener: t, indent: source.indentationAt(t.startOffset).length });
    } else if (CLOSERS.has(t.tokenType)) {
      const top = stack[stack.length - 1];
      if (top && CLOSER_OF.get(top.opener.tokenType) === t.tokenType) stack.pop();
    }
  });
  while (stack.length > 0 && found.length < limit) {
    const top = stack.pop();
    if (top) found.push({ opener: top.opener, beforeIndex: tokens.length });
  }
  return found.length > 0 ? found : undefined;
}

function insertClosers(tokens: readonly IToken[], insertions: readonly Insertion[], source: SourceText): IToken[] {
  const out: IToken[] = [];
  const at = (index: number) => insertions.filter((ins) => ins.beforeIndex === index).map((ins) => syntheticCloser(ins.opener, tokens[index], source));
  tokens.forEach((t, index) => {
    out.push(...at(index), t);
  });
  out.push(...at(tokens.length));
  return out;
}

/** A zero-width closer placed just before `next` (or at the end of the file). */
function syntheticCloser(opener: IToken, next: IToken | undefined, source: SourceText): IToken {
  const tokenType = CLOSER_OF.get(opener.tokenType) ?? RBrace;
  const offset = next ? next.startOffset : source.text.length;
  const pos = source.position(offset);
  return {
    image: "",
    tokenType,
    tokenTypeIdx: tokenType.tokenTypeIdx ?? 0,
    startOffset: offset,
    endOffset: offset - 1,
    startLine: pos.line,
    endLine: pos.line,
    startColumn: pos.column,
    endColumn: pos.column - 1,
  };
}

function describe(ins: Insertion, tokens: readonly IToken[], source: SourceText, file: string): Diagnostic {
  const open = ins.opener.image;
  const close = open === "{" ? "}" : open === "[" ? "]" : ")";
  const what = open === "{" ? "block" : open === "[" ? "list" : "parenthesis";
  const line = source.lineOf(ins.opener.startOffset);
  const before = source
    .lineText(line)
    .slice(0, source.position(ins.opener.startOffset).column - 1)
    .trim();
  const notes: string[] = [];
  if (before) notes.push(`the ${what} opened after '${abbreviate(before)}' needs a closing '${close}'`);
  const next = tokens[ins.beforeIndex];
  notes.push(
    next ? `it seems to end before line ${next.startLine ?? source.lineOf(next.startOffset)}; add '${close}' there` : `add '${close}' where the ${what} ends`,
  );
  return error(
    SyntaxCodes.UNCLOSED_BRACKET,
    `missing '${close}': this '${open}' is never closed`,
    file,
    source.span(ins.opener.startOffset, ins.opener.startOffset + 1),
    notes,
  );
}

function abbreviate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

// `vc fmt`: the canonical layout of a .vc file, computed from its tokens (comments included), so every
// comment survives and the meaning cannot change.
//
// Rules
// - Line breaks between tokens are the user's; runs of blank lines become one; no blank line right
//   after an opening or before a closing bracket; none at the start of the file.
// - A `{ ... }` that spans several lines gets its content on lines of its own and its `}` on a line of
//   its own. One-line blocks stay on one line.
// - Indentation: 2 spaces per open bracket (several brackets opened on one line count once). A line
//   that continues an entry (e.g. the second line of a long `when` condition) is indented 2 more.
// - Spaces: one between tokens, none inside `()` / `[]`, before `,` `:` `)` `]`, around `.`, after a
//   unary minus, or before the `(` of a call; `{ a 1 }` and `a ? b : c` keep their spaces; two
//   entries on one line are set apart by two spaces (`{ scale 6  centre true }`).
// - Trailing line comments of consecutive lines are aligned, at least 2 spaces after the code.
// - Triple-quoted strings are re-indented to 2 spaces deeper than their line; the decoded value stays
//   exactly the same (checked; a string that cannot be re-indented safely is kept as written).
// - No trailing whitespace; the file ends with exactly one newline.
// A file with syntax errors is not formatted: the diagnostics are returned and the text is unchanged.

import type { IToken } from "chevrotain";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import type { Expr, Property, SpecFile, Statement, Value } from "../syntax/ast.js";
import { analyseSpec } from "../syntax/parse.js";
import { SourceText } from "../syntax/source.js";
import { decodeString } from "../syntax/strings.js";
import {
  BlockComment,
  Colon,
  Comma,
  Dot,
  LBrace,
  LBracket,
  lex,
  LineComment,
  LParen,
  NumberLiteral,
  Question,
  RBrace,
  RBracket,
  RParen,
  TripleString,
} from "../syntax/tokens.js";
import { SyntaxCodes } from "../syntax/codes.js";

export interface FormatResult {
  /** The formatted text, or the input unchanged when there are syntax errors. */
  text: string;
  diagnostics: Diagnostic[];
}

export function formatSpec(source: string, file: string): FormatResult {
  const analysis = analyseSpec(source, file);
  if (hasErrors(analysis.diagnostics)) return { text: source, diagnostics: analysis.diagnostics };
  try {
    const tokens = [...analysis.tokens, ...analysis.comments].sort((a, b) => a.startOffset - b.startOffset);
    return { text: layout(tokens, source, collectFacts(analysis.ast)), diagnostics: analysis.diagnostics };
  } catch (e) {
    // Never lose the user's file over a formatter bug: report it and leave the text alone.
    const message = e instanceof Error ? e.message : String(e);
    return {
      text: source,
      diagnostics: [
        {
          code: SyntaxCodes.INTERNAL,
          severity: "error",
          message: `internal error in the formatter: ${message}`,
          file,
          span: { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } },
          notes: ["this is a bug in value-compass; please report it with the file that triggers it"],
        },
      ],
    };
  }
}

// ---------------------------------------------------------------------------------------------
// What the formatter needs to know from the AST

interface LayoutFacts {
  /** Offsets of '-' tokens that are unary minus (no space after them). */
  unaryMinus: Set<number>;
  /** Offsets where an entry starts (statement, property, sub-declaration, object entry). */
  entryStarts: Set<number>;
  /** Offsets of the function names of calls (no space before their `(`). */
  callHeads: Set<number>;
}

function collectFacts(ast: SpecFile): LayoutFacts {
  const facts: LayoutFacts = { unaryMinus: new Set(), entryStarts: new Set(), callHeads: new Set() };
  const entry = (offset: number) => facts.entryStarts.add(offset);
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.kind) {
      case "Unary":
        if (e.op === "-") facts.unaryMinus.add(e.span.start.offset);
        expr(e.operand);
        break;
      case "Binary":
        expr(e.left);
        expr(e.right);
        break;
      case "Conditional":
        expr(e.test);
        expr(e.then);
        expr(e.else);
        break;
      case "Call":
        facts.callHeads.add(e.span.start.offset);
        e.args.forEach(expr);
        break;
      case "ListExpr":
        e.items.forEach(expr);
        break;
      default:
        break;
    }
  };
  const value = (v: Value): void => {
    if (v.kind === "List") v.items.forEach(value);
    if (v.kind === "Object") {
      for (const e of v.entries) {
        entry(e.keySpan.start.offset);
        value(e.value);
      }
    }
  };
  const properties = (ps: readonly Property[]) => {
    for (const p of ps) {
      entry(p.keySpan.start.offset);
      value(p.value);
    }
  };
  const statement = (s: Statement): void => {
    entry(s.span.start.offset);
    switch (s.kind) {
      case "Param":
        value(s.value);
        break;
      case "System":
        properties(s.properties);
        for (const d of [...s.groups, ...s.dimensions]) {
          entry(d.span.start.offset);
          properties(d.properties);
        }
        break;
      case "Template":
        for (const m of s.messages) entry(m.span.start.offset);
        break;
      case "Items":
        properties(s.properties);
        for (const c of s.only) {
          entry(c.span.start.offset);
          value(c.list);
        }
        for (const item of s.items) {
          entry(item.span.start.offset);
          properties(item.properties);
        }
        break;
      case "Scorer":
        properties(s.properties);
        if (s.scoreSpan) entry(s.scoreSpan.start.offset);
        expr(s.score);
        if (s.outcomeSpan) entry(s.outcomeSpan.start.offset);
        expr(s.outcome);
        s.rules.forEach(statement);
        break;
      case "Rule":
        expr(s.when);
        expr(s.score);
        if (s.scoreSpan) entry(s.scoreSpan.start.offset);
        expr(s.outcome);
        if (s.outcomeSpan) entry(s.outcomeSpan.start.offset);
        properties(s.properties);
        break;
      case "Run":
        properties(s.properties);
        for (const m of s.models) {
          entry(m.span.start.offset);
          properties(m.properties);
        }
        break;
      case "Import":
        break;
      case "Gold":
        properties(s.properties);
        if (s.labelSpan) entry(s.labelSpan.start.offset);
        expr(s.label);
        for (const r of s.requires) {
          entry(r.span.start.offset);
          expr(r.expr);
        }
        for (const e of s.examples) {
          entry(e.span.start.offset);
          properties(e.properties);
        }
        break;
      default:
        properties(s.properties);
    }
  };
  ast.statements.forEach(statement);
  return facts;
}

// ---------------------------------------------------------------------------------------------
// Layout

interface Line {
  indent: string;
  text: string;
  /** A trailing // comment, aligned with its neighbours at the end. */
  comment?: string;
  /** Content lines of a triple-quoted string: written exactly as they are. */
  verbatim?: boolean;
}

interface OpenBracket {
  token: IToken;
  /**
   * Indentation level the bracket's content is relative to: the level of the entry that opened it (so
   * the `{` after a two-line `when` indents its body like any rule), else the level of its line.
   */
  lineIndent: number;
}

const OPENERS = new Set([LBrace, LBracket, LParen]);
const CLOSERS = new Set([RBrace, RBracket, RParen]);

function layout(tokens: IToken[], source: string, facts: LayoutFacts): string {
  if (tokens.length === 0) return "";
  const multiLineBraces = findMultiLineBraces(tokens, source);
  const conditionalColons = findConditionalColons(tokens);
  const lines: Line[] = [];
  const stack: OpenBracket[] = [];
  let current: Line | undefined;
  let currentIndent = 0;
  let currentEntryIndent = 0;
  let previous: IToken | undefined;

  const startLine = ({ level, entryLevel }: Indentation, blankBefore: boolean) => {
    if (blankBefore && lines.length > 0) lines.push({ indent: "", text: "" });
    currentIndent = level;
    currentEntryIndent = entryLevel;
    current = { indent: "  ".repeat(level), text: "" };
    lines.push(current);
  };
  const topLevel: Indentation = { level: 0, entryLevel: 0 };
  // The level of the last entry that started at each bracket depth (inside the current brackets).
  const entryLevels: number[] = [];

  // After the `{` / before and after the `}` of a multi-line block, the next token must start a line
  // (a comment on the brace's own line may stay there).
  let breakPending = false;

  for (const t of tokens) {
    const isComment = t.tokenType === LineComment || t.tokenType === BlockComment;
    if (!previous) {
      startLine(topLevel, false);
    } else {
      const gap = source.slice(previous.startOffset + previous.image.length, t.startOffset);
      const newlines = countNewlines(gap);
      const closesMulti = t.tokenType === RBrace && multiLineBraces.has(t.startOffset);
      const staysOnBraceLine = isComment && newlines === 0;
      const afterClose = [Comma, RParen, RBracket, RBrace].includes(t.tokenType);
      const forced =
        previous.tokenType === LineComment || closesMulti || (breakPending === true && !staysOnBraceLine && !(afterClose && previous.tokenType === RBrace));
      if (newlines > 0 || forced) {
        const blank = newlines >= 2 && !OPENERS.has(previous.tokenType) && !CLOSERS.has(t.tokenType);
        startLine(indentFor(t, stack, facts, isComment), blank);
        breakPending = false;
      } else if (current) {
        if (t.tokenType === LineComment && current.text !== "") {
          current.comment = formatComment(t);
          previous = t;
          continue;
        }
        current.text += spaceBetween(previous, t, facts, conditionalColons);
      }
    }
    if (!current) startLine(topLevel, false);
    const line = current as Line;
    const text = tokenText(t, currentIndent);
    const parts = text.split("\n");
    line.text += parts[0] ?? "";
    if (parts.length > 1) {
      const verbatim = t.tokenType === TripleString;
      for (const middle of parts.slice(1, -1)) lines.push({ indent: "", text: middle, verbatim });
      current = { indent: "", text: parts[parts.length - 1] ?? "" };
      lines.push(current);
    }
    if (facts.entryStarts.has(t.startOffset)) entryLevels[stack.length] = currentEntryIndent;
    if (OPENERS.has(t.tokenType)) {
      stack.push({ token: t, lineIndent: entryLevels[stack.length] ?? currentIndent });
      entryLevels.length = stack.length;
    } else if (CLOSERS.has(t.tokenType)) {
      stack.pop();
      entryLevels.length = stack.length + 1;
    }
    if (t.tokenType === LBrace || t.tokenType === RBrace) breakPending = multiLineBraces.has(t.startOffset);
    else if (!isComment) breakPending = false;
    previous = t;
  }
  return render(lines);
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

interface Indentation {
  /** Indentation level of the line. */
  level: number;
  /** The level of the entry the line belongs to (one less than `level` on a continuation line). */
  entryLevel: number;
}

/** Indentation of a line that starts with token `t`. */
function indentFor(t: IToken, stack: readonly OpenBracket[], facts: LayoutFacts, isComment: boolean): Indentation {
  const top = stack[stack.length - 1];
  if (CLOSERS.has(t.tokenType)) {
    const level = top ? top.lineIndent : 0;
    return { level, entryLevel: level };
  }
  const base = top ? top.lineIndent + 1 : 0;
  const inBlock = !top || top.token.tokenType === LBrace;
  const continuation = inBlock && !isComment && !facts.entryStarts.has(t.startOffset);
  return { level: continuation ? base + 1 : base, entryLevel: base };
}

function spaceBetween(previous: IToken, t: IToken, facts: LayoutFacts, conditionalColons: Set<number>): string {
  const p = previous.tokenType;
  const c = t.tokenType;
  if (p === BlockComment || c === BlockComment) return " ";
  if (c === Comma || c === RParen || c === RBracket) return "";
  if (p === LParen || p === LBracket) return "";
  if (c === Dot || p === Dot) return "";
  if (c === LParen && facts.callHeads.has(previous.startOffset)) return "";
  if (c === Colon) return conditionalColons.has(t.startOffset) ? " " : "";
  if (facts.unaryMinus.has(previous.startOffset)) return c === NumberLiteral ? " " : "";
  if (c === RBrace && p === LBrace) return "";
  // Two entries on one line (`{ scale 6  centre true }`) are set apart by two spaces.
  if (facts.entryStarts.has(t.startOffset) && p !== LBrace && p !== Comma) return "  ";
  return " ";
}

/** `:` tokens that belong to `a ? b : c` (the others are object entry colons). */
function findConditionalColons(tokens: readonly IToken[]): Set<number> {
  const out = new Set<number>();
  const pending: number[] = [0];
  for (const t of tokens) {
    if (OPENERS.has(t.tokenType)) pending.push(0);
    else if (CLOSERS.has(t.tokenType)) {
      if (pending.length > 1) pending.pop();
    } else if (t.tokenType === Question) {
      pending[pending.length - 1] = (pending[pending.length - 1] ?? 0) + 1;
    } else if (t.tokenType === Colon && (pending[pending.length - 1] ?? 0) > 0) {
      pending[pending.length - 1] = (pending[pending.length - 1] ?? 1) - 1;
      out.add(t.startOffset);
    }
  }
  return out;
}

/** Offsets of `{` and `}` of blocks whose braces are on different lines. */
function findMultiLineBraces(tokens: readonly IToken[], source: string): Set<number> {
  const out = new Set<number>();
  const stack: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === LBrace) stack.push(t);
    else if (t.tokenType === RBrace) {
      const open = stack.pop();
      if (open && source.slice(open.startOffset, t.startOffset).includes("\n")) {
        out.add(open.startOffset);
        out.add(t.startOffset);
      }
    }
  }
  return out;
}

function formatComment(t: IToken): string {
  if (t.tokenType === LineComment) return t.image.trimEnd();
  return t.image
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");
}

function tokenText(t: IToken, indentLevel: number): string {
  if (t.tokenType === LineComment || t.tokenType === BlockComment) return formatComment(t);
  if (t.tokenType === TripleString) return formatTripleString(t, "  ".repeat(indentLevel + 1));
  return t.image;
}

// ---------------------------------------------------------------------------------------------
// Triple-quoted strings

/**
 * Re-indent a triple-quoted string so its content sits at `contentIndent`, keeping the decoded value.
 * Text that starts right after the opening `"""` stays there (it is not part of the dedent).
 */
export function formatTripleString(t: IToken, contentIndent: string): string {
  const image = t.image;
  const original = decodeString(image, 0, "triple", true).value;
  if (!image.includes("\n") && !original.includes("\n")) return image;
  const lines = original.split("\n");
  const escapeQuotes = (s: string) => s.replace(/"""/g, '\\"""');
  const body = (ls: string[]) => ls.map((l) => (l === "" ? "" : contentIndent + escapeQuotes(l))).join("\n");
  const blockForm = `"""\n${body(lines)}\n${contentIndent}"""`;
  const inlineForm = `"""${escapeQuotes(lines[0] ?? "")}\n${body(lines.slice(1))}\n${contentIndent}"""`;
  const startsOnNextLine = /^"""[ \t]*\r?\n/.test(image);
  const candidates = startsOnNextLine ? [blockForm, inlineForm] : [inlineForm, blockForm];
  for (const candidate of candidates) {
    if (lexesAsOneTripleString(candidate) && decodeString(candidate, 0, "triple", true).value === original) {
      return candidate;
    }
  }
  return image;
}

function lexesAsOneTripleString(text: string): boolean {
  const { tokens, comments, diagnostics } = lex(new SourceText(text), "");
  const only = tokens[0];
  return tokens.length === 1 && comments.length === 0 && diagnostics.length === 0 && only?.tokenType === TripleString && only.image === text;
}

// ---------------------------------------------------------------------------------------------
// Output

function render(lines: Line[]): string {
  alignTrailingComments(lines);
  const out = lines.map((l) => (l.verbatim ? l.text : `${(l.indent + l.text).trimEnd()}${l.comment ?? ""}`));
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** Pad the code of consecutive lines with trailing comments so the comments line up. */
function alignTrailingComments(lines: Line[]): void {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line?.comment || line.verbatim) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]?.comment && !lines[j]?.verbatim && lines[j]?.indent === line.indent) j++;
    const run = lines.slice(i, j);
    const width = Math.max(...run.map((l) => (l.indent + l.text).trimEnd().length));
    for (const l of run) {
      const code = (l.indent + l.text).trimEnd();
      l.comment = `${" ".repeat(width - code.length + 2)}${l.comment ?? ""}`;
    }
    i = j;
  }
}

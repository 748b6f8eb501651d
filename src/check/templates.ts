// Template declarations: messages are read (inline or from .hbs files) and parsed at check time, and
// every position Handlebars reports is mapped back to where the text is written: into the .vc file
// for inline templates (through the string's content map), into the .hbs file otherwise.

import { spanAt, type Span } from "../core/diagnostic.js";
import type { Role } from "../core/plan.js";
import type { StringValue, TemplateDecl } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import type { CheckContext } from "./context.js";
import { parseHandlebars, walkTemplate, type HbLoc, type HbProgram } from "./handlebars.js";
import type { Located } from "./imports.js";
import type { ObjectShape } from "./shapes.js";

export interface TemplateMessageInfo {
  role: Role;
  source: string;
  /** Spec-relative path of the .hbs file, null for inline text. */
  from: string | null;
  /** Null when the text could not be read or parsed (already reported). */
  program: HbProgram | null;
  /** Where a Handlebars position is in the files the user edits. */
  locate(loc: HbLoc): { file: string; span: Span };
}

export interface TemplateInfo {
  id: string;
  decl: Located<TemplateDecl>;
  messages: TemplateMessageInfo[];
  /** Variables read, collected over every walk (usage or generic). */
  variables: Set<string>;
  /** Reported problems, so a template used several times reports each problem once. */
  reported: Set<string>;
}

export async function checkTemplate(ctx: CheckContext, located: Located<TemplateDecl>): Promise<TemplateInfo> {
  const { file, node } = located;
  const info: TemplateInfo = { id: node.name.name, decl: located, messages: [], variables: new Set(), reported: new Set() };
  const parts: Array<{ role: Role; text?: StringValue; from?: StringValue }> = [];
  if (node.from) parts.push({ role: "user", from: node.from });
  for (const m of node.messages) parts.push(m.text ? { role: m.role, text: m.text } : m.from ? { role: m.role, from: m.from } : { role: m.role });
  if (parts.length === 0) {
    ctx.error(CheckCodes.MISSING_PROPERTY, `template '${info.id}' has no messages`, file.display, node.name.span, [
      'give it at least one message: user "{{item.text}}"',
    ]);
  }
  for (const part of parts) {
    if (part.text) {
      const str = part.text;
      const vcText = ctx.files.sources.get(file.display) ?? "";
      const message: TemplateMessageInfo = {
        role: part.role,
        source: str.value,
        from: null,
        program: null,
        locate: (loc) => ({ file: file.display, span: inlineSpan(str, vcText, loc) }),
      };
      message.program = parseMessage(ctx, message);
      info.messages.push(message);
    } else if (part.from) {
      const ref = part.from;
      const abs = ctx.files.resolveFrom(file.abs, ref.value);
      const display = ctx.files.display(abs);
      const read = await ctx.readReferenced(abs, ref, "template file", file.display);
      if (read === null) {
        info.messages.push({
          role: part.role,
          source: "",
          from: ctx.files.specRelative(abs),
          program: null,
          locate: () => ({ file: file.display, span: ref.span }),
        });
        continue;
      }
      // The file's final line break ends the file, not the message.
      const text = read.replace(/\r?\n$/, "");
      const message: TemplateMessageInfo = {
        role: part.role,
        source: text,
        from: ctx.files.specRelative(abs),
        program: null,
        locate: (loc) => ({ file: display, span: fileSpan(text, loc) }),
      };
      message.program = parseMessage(ctx, message);
      info.messages.push(message);
    }
  }
  return info;
}

function parseMessage(ctx: CheckContext, message: TemplateMessageInfo): HbProgram | null {
  const parsed = parseHandlebars(message.source);
  if (parsed.ok) return parsed.program;
  const at = message.locate({
    start: { line: parsed.line, column: parsed.column },
    end: { line: parsed.line, column: parsed.column + 1 },
  });
  ctx.error(CheckCodes.TEMPLATE_SYNTAX, `Handlebars syntax error: ${parsed.message}`, at.file, at.span);
  return null;
}

/** Check every message of a template against one context shape (one use of the template). */
export function checkTemplateUse(ctx: CheckContext, info: TemplateInfo, root: ObjectShape, usedBy: string): void {
  for (const m of info.messages) {
    if (!m.program) continue;
    for (const p of walkTemplate(m.program, root, info.variables)) {
      const at = m.locate(p.loc);
      const key = `${at.file}:${at.span.start.offset}:${p.message}`;
      if (info.reported.has(key)) continue;
      info.reported.add(key);
      const code =
        p.kind === "unknown"
          ? CheckCodes.TEMPLATE_UNKNOWN_VARIABLE
          : p.kind === "maybe-null"
            ? CheckCodes.TEMPLATE_MAYBE_NULL
            : p.kind === "missing-in-some"
              ? CheckCodes.TEMPLATE_FIELD_MISSING_IN_SOME
              : CheckCodes.TEMPLATE_UNSUPPORTED;
      ctx.error(code, p.message, at.file, at.span, [...p.notes, `in template '${info.id}' (${m.role} message), ${usedBy}`]);
    }
  }
}

function lineOffset(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + column, text.length);
}

function fileSpan(text: string, loc: HbLoc): Span {
  const start = lineOffset(text, loc.start.line, loc.start.column);
  const end = Math.max(start, lineOffset(text, loc.end.line, loc.end.column));
  return spanAt(text, start, end);
}

/** Map a position in a decoded string value back into the .vc source via its content map. */
function inlineSpan(str: StringValue, vcText: string, loc: HbLoc): Span {
  const toSource = (valueOffset: number): number => {
    let anchor: { valueOffset: number; sourceOffset: number } | undefined;
    for (const a of str.contentMap.anchors) {
      if (a.valueOffset <= valueOffset) anchor = a;
      else break;
    }
    if (!anchor) return str.span.start.offset;
    return Math.min(anchor.sourceOffset + (valueOffset - anchor.valueOffset), str.span.end.offset);
  };
  const start = toSource(lineOffset(str.value, loc.start.line, loc.start.column));
  const end = Math.max(start, toSource(lineOffset(str.value, loc.end.line, loc.end.column)));
  return spanAt(vcText, start, end);
}

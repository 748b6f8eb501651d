// Handlebars at check time: parse a template (reporting syntax errors with a position), then walk its
// AST against the shape of the context it will be rendered with, so that a variable strict mode would
// reject at render time is reported now, at the place it is written.
//
// The semantics follow Handlebars 4 with { strict: true }:
// - `{{a.b}}` requires every segment to exist (the last one may be null);
// - helper arguments (`{{#if a.b}}`) only require the parents to be objects: a missing last segment
//   is undefined, which is how a template tests for an optional field;
// - `../` climbs only blocks that change the context (#each, #with), not #if/#unless.

import Handlebars from "handlebars";
import { ANY, describeShape, type ObjectShape, type Shape } from "./shapes.js";
import { closest, listPreview } from "./context.js";

// A minimal typed view of the Handlebars AST (the library's own typings are loose).
export interface HbLoc {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
interface HbNode {
  type: string;
  loc: HbLoc;
}
export interface HbProgram extends HbNode {
  body: HbNode[];
  blockParams?: string[];
}
interface HbPath extends HbNode {
  type: "PathExpression";
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}
interface HbCall extends HbNode {
  path: HbNode;
  params: HbNode[];
  hash?: { pairs: Array<{ key: string; value: HbNode }> };
}
interface HbBlock extends HbCall {
  program?: HbProgram;
  inverse?: HbProgram;
}

export type HbParseResult = { ok: true; program: HbProgram } | { ok: false; message: string; line: number; column: number };

const OPTIONS = { noEscape: true, strict: true } as const;

const TOKEN_NAMES: Record<string, string> = {
  CLOSE: "'}}'",
  CLOSE_UNESCAPED: "'}}}'",
  CLOSE_RAW_BLOCK: "'}}}}'",
  OPEN_SEXPR: "'('",
  CLOSE_SEXPR: "')'",
  ID: "a name",
  STRING: "a string",
  NUMBER: "a number",
  BOOLEAN: "true/false",
  EOF: "the end of the template",
  INVALID: "invalid text",
  OPEN_ENDBLOCK: "'{{/'",
  SEP: "'.'",
  DATA: "'@'",
  EQUALS: "'='",
  OPEN_BLOCK_PARAMS: "'as |'",
  CLOSE_BLOCK_PARAMS: "'|'",
  CONTENT: "text",
};

// Parsing and precompiling costs about a millisecond per message, and the same text always gives the
// same result, so results are kept (bounded) for checks repeated in one process.
const parsed = new Map<string, HbParseResult>();
const PARSE_CACHE_LIMIT = 512;

/** Parse and compile (without running) a template; never throws. Line 1-based, column 0-based. */
export function parseHandlebars(source: string): HbParseResult {
  const cached = parsed.get(source);
  if (cached) return cached;
  const result = parseUncached(source);
  if (parsed.size >= PARSE_CACHE_LIMIT) parsed.delete(parsed.keys().next().value ?? "");
  parsed.set(source, result);
  return result;
}

function parseUncached(source: string): HbParseResult {
  let program: HbProgram;
  try {
    program = Handlebars.parse(source) as unknown as HbProgram;
  } catch (err) {
    return describeParseError(err);
  }
  try {
    Handlebars.precompile(program, OPTIONS);
  } catch (err) {
    return describeParseError(err);
  }
  return { ok: true, program };
}

function describeParseError(err: unknown): HbParseResult & { ok: false } {
  const raw = err instanceof Error ? err.message : String(err);
  const e = err as { lineNumber?: unknown; column?: unknown };
  if (typeof e.lineNumber === "number" && typeof e.column === "number") {
    // Handlebars.Exception: "if doesn't match each - 1:3"
    const bare = raw.replace(/ - \d+:\d+$/, "");
    const mismatch = /^(\S+) doesn't match (\S+)$/.exec(bare);
    const message = mismatch ? `{{#${mismatch[1] ?? ""}}} is closed by {{/${mismatch[2] ?? ""}}}` : bare;
    return { ok: false, message, line: e.lineNumber, column: e.column };
  }
  // Jison parse/lex errors carry the position only in the lexer's state.
  const lexer = (Handlebars as unknown as { Parser?: { lexer?: { yylloc?: { first_line?: unknown; first_column?: unknown } } } }).Parser?.lexer;
  const loc = lexer?.yylloc;
  const line = typeof loc?.first_line === "number" ? loc.first_line : 1;
  const column = typeof loc?.first_column === "number" ? loc.first_column : 0;
  const matched = (lexer as { match?: unknown } | undefined)?.match;
  return { ok: false, message: summariseJisonMessage(raw, typeof matched === "string" ? matched : ""), line, column };
}

/** The tokens most worth naming first when Handlebars lists what it expected. */
const EXPECTED_PRIORITY = ["CLOSE", "CLOSE_SEXPR", "CLOSE_UNESCAPED", "OPEN_ENDBLOCK", "ID", "EOF"];

function summariseJisonMessage(raw: string, text: string): string {
  const expecting = /Expecting (.*), got '([^']*)'/.exec(raw);
  if (expecting) {
    const token = expecting[2] ?? "";
    const got = token === "EOF" ? "the end of the template" : text.trim() !== "" ? `'${text.trim()}'` : (TOKEN_NAMES[token] ?? `'${token}'`);
    const tokens = (expecting[1] ?? "").split(", ").map((t) => t.replace(/'/g, ""));
    tokens.sort((a, b) => rank(a) - rank(b));
    const wanted = [...new Set(tokens.map((t) => TOKEN_NAMES[t] ?? `'${t}'`))];
    const shown = wanted.length > 3 ? `${wanted.slice(0, 3).join(", ")}, …` : wanted.join(", ");
    return `unexpected ${got}, expected ${shown}`;
  }
  if (raw.includes("Lexical error")) return "unrecognised text (an unclosed '{{' or comment?)";
  const unexpected = /Unexpected (.*)$/m.exec(raw);
  if (unexpected) return `unexpected ${unexpected[1] ?? "input"}`;
  return raw.split("\n")[0] ?? raw;
}

function rank(token: string): number {
  const i = EXPECTED_PRIORITY.indexOf(token);
  return i < 0 ? EXPECTED_PRIORITY.length : i;
}

// ---------------------------------------------------------------------------------------------
// Walking a template against a context shape

export interface TemplateProblem {
  kind: "unknown" | "maybe-null" | "missing-in-some" | "unsupported";
  message: string;
  notes: string[];
  loc: HbLoc;
}

interface Scope {
  shape: Shape;
  /** Path of this context from the root, when known (not inside #each). */
  path: string[] | null;
}

interface BlockParam {
  name: string;
  shape: Shape;
  path: string[] | null;
}

interface WalkState {
  scopes: Scope[];
  params: BlockParam[];
  eachDepth: number;
  /** Paths known to be present and non-null here (inside {{#if path}}). */
  present: ReadonlySet<string>;
}

const BLOCK_HELPERS = ["if", "unless", "each", "with"];
const INLINE_HELPERS = ["lookup", "log"];

/**
 * Walk a template against the root shape. Returns the problems found and records every variable
 * read from the root context (dotted paths) into `variables`.
 */
export function walkTemplate(program: HbProgram, root: ObjectShape, variables: Set<string>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const state: WalkState = { scopes: [{ shape: root, path: [] }], params: [], eachDepth: 0, present: new Set() };
  walkProgram(program, state, root, problems, variables);
  return problems;
}

function walkProgram(program: HbProgram | undefined, state: WalkState, root: ObjectShape, problems: TemplateProblem[], variables: Set<string>): void {
  if (!program) return;
  for (const node of program.body) walkStatement(node, state, root, problems, variables);
}

function walkStatement(node: HbNode, state: WalkState, root: ObjectShape, problems: TemplateProblem[], variables: Set<string>): void {
  const resolve = (n: HbNode, soft: boolean) => resolveExpr(n, state, root, soft, problems, variables);
  switch (node.type) {
    case "ContentStatement":
    case "CommentStatement":
      return;
    case "MustacheStatement": {
      const m = node as HbCall;
      const hasArgs = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
      if (m.path.type !== "PathExpression") {
        problems.push(unsupported(node.loc, "a literal in '{{ }}' is looked up as a helper; write the text directly"));
        return;
      }
      const path = m.path as HbPath;
      if (hasArgs) {
        if (!INLINE_HELPERS.includes(path.original)) {
          problems.push(unknownHelper(path));
          return;
        }
        for (const p of m.params) resolve(p, true);
        for (const pair of m.hash?.pairs ?? []) resolve(pair.value, true);
        return;
      }
      resolve(path, false);
      return;
    }
    case "BlockStatement": {
      const b = node as HbBlock;
      const path = b.path as HbPath;
      const helper = path.type === "PathExpression" ? path.original : "";
      if (!BLOCK_HELPERS.includes(helper)) {
        problems.push(
          unsupported(path.loc ?? node.loc, `unknown block helper '#${helper}'`, ["templates may use the block helpers #if, #unless, #each and #with"]),
        );
        return;
      }
      const arg = b.params[0];
      if (b.params.length !== 1 || arg === undefined) {
        problems.push(unsupported(node.loc, `{{#${helper}}} takes exactly one argument, got ${b.params.length}`));
        return;
      }
      const resolved = resolve(arg, true);
      const key = resolved?.path ? resolved.path.join(".") : null;
      const withPresent = (s: WalkState): WalkState => (key === null ? s : { ...s, present: new Set([...s.present, key]) });
      const blockParamNames = b.program?.blockParams ?? [];
      if (helper === "if" || helper === "unless") {
        walkProgram(b.program, helper === "if" ? withPresent(state) : state, root, problems, variables);
        walkProgram(b.inverse, helper === "unless" ? withPresent(state) : state, root, problems, variables);
        return;
      }
      const shape = resolved?.shape ?? ANY;
      if (helper === "with") {
        const inner: WalkState = {
          ...withPresent(state),
          scopes: [...state.scopes, { shape, path: resolved?.path ?? null }],
          params: blockParamNames[0] ? [...state.params, { name: blockParamNames[0], shape, path: resolved?.path ?? null }] : state.params,
        };
        walkProgram(b.program, inner, root, problems, variables);
        walkProgram(b.inverse, state, root, problems, variables);
        return;
      }
      // each
      let element: Shape = ANY;
      if (shape.kind === "array") element = shape.element;
      else if (shape.kind === "scalar") {
        problems.push({
          kind: "unknown",
          message: `{{#each ${(arg as HbPath).original ?? ""}}} iterates over ${describeShape(shape)}; it needs a list or an object`,
          notes: [],
          loc: arg.loc,
        });
      }
      const params: BlockParam[] = [...state.params];
      if (blockParamNames[0]) params.push({ name: blockParamNames[0], shape: element, path: null });
      if (blockParamNames[1]) params.push({ name: blockParamNames[1], shape: ANY, path: null });
      const inner: WalkState = {
        ...state,
        scopes: [...state.scopes, { shape: element, path: null }],
        params,
        eachDepth: state.eachDepth + 1,
      };
      walkProgram(b.program, inner, root, problems, variables);
      walkProgram(b.inverse, state, root, problems, variables);
      return;
    }
    case "PartialStatement":
    case "PartialBlockStatement":
      problems.push(unsupported(node.loc, "partials ({{> name}}) are not supported in value-compass templates"));
      return;
    case "DecoratorBlock":
    case "Decorator":
      problems.push(unsupported(node.loc, "decorators ({{* name}}) are not supported in value-compass templates"));
      return;
    default:
      return;
  }
}

interface Resolved {
  shape: Shape;
  path: string[] | null;
}

function resolveExpr(node: HbNode, state: WalkState, root: ObjectShape, soft: boolean, problems: TemplateProblem[], variables: Set<string>): Resolved | null {
  if (node.type === "SubExpression") {
    const call = node as HbCall;
    const path = call.path as HbPath;
    if (path.type !== "PathExpression" || !INLINE_HELPERS.includes(path.original)) {
      problems.push(unknownHelper(path));
      return null;
    }
    for (const p of call.params) resolveExpr(p, state, root, true, problems, variables);
    for (const pair of call.hash?.pairs ?? []) resolveExpr(pair.value, state, root, true, problems, variables);
    return { shape: ANY, path: null };
  }
  if (node.type !== "PathExpression") return null; // literals
  return resolvePath(node as HbPath, state, root, soft, problems, variables);
}

function resolvePath(path: HbPath, state: WalkState, root: ObjectShape, soft: boolean, problems: TemplateProblem[], variables: Set<string>): Resolved | null {
  let base: Resolved;
  let parts = path.parts;
  if (path.data) {
    const head = parts[0] ?? "";
    if (head === "root") {
      base = { shape: root, path: [] };
      parts = parts.slice(1);
    } else if (["index", "key", "first", "last"].includes(head)) {
      if (state.eachDepth === 0) {
        problems.push({
          kind: "unknown",
          message: `@${head} is only defined inside {{#each}}`,
          notes: [],
          loc: path.loc,
        });
        return null;
      }
      return { shape: ANY, path: null };
    } else {
      problems.push({
        kind: "unknown",
        message: `unknown data variable '@${head}'`,
        notes: ["available: @root, and inside {{#each}}: @index, @key, @first, @last"],
        loc: path.loc,
      });
      return null;
    }
  } else {
    const explicitThis = /^(this\b|\.\/|\.$)/.test(path.original);
    const param = !explicitThis && path.depth === 0 && parts.length > 0 ? [...state.params].reverse().find((p) => p.name === parts[0]) : undefined;
    if (param) {
      base = { shape: param.shape, path: param.path };
      parts = parts.slice(1);
    } else {
      const scope = state.scopes[state.scopes.length - 1 - path.depth];
      if (!scope) {
        problems.push({
          kind: "unknown",
          message: `'${path.original}' climbs above the template's root context`,
          notes: [],
          loc: path.loc,
        });
        return null;
      }
      base = { shape: scope.shape, path: scope.path };
    }
  }

  let shape = base.shape;
  let abs = base.path;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    const last = i === parts.length - 1;
    const shown = [...(abs ?? []), ...parts.slice(0, i)].join(".") || "this";
    if (shape.kind === "any") {
      abs = abs ? [...abs, ...parts.slice(i)] : null;
      shape = ANY;
      break;
    }
    if (shape.kind === "scalar") {
      problems.push({
        kind: "unknown",
        message: `'${path.original}': ${shown} is ${describeShape(shape)}, it has no field '${part}'`,
        notes: [],
        loc: path.loc,
      });
      return null;
    }
    if (shape.kind === "array") {
      if (part === "length" || /^\d+$/.test(part)) {
        shape = part === "length" ? { kind: "scalar", type: "number" } : shape.element;
        abs = abs ? [...abs, part] : null;
        continue;
      }
      problems.push({
        kind: "unknown",
        message: `'${path.original}': ${shown} is a list, it has no field '${part}'`,
        notes: [],
        loc: path.loc,
      });
      return null;
    }
    // object
    const here = abs ? abs.join(".") : null;
    if (shape.nullable && (here === null || !state.present.has(here))) {
      problems.push({
        kind: "maybe-null",
        message: `'${path.original}': ${shape.name} is null here${shape.nullWhy ? ` (${shape.nullWhy})` : ""}`,
        notes: [`guard it: {{#if ${here ?? shape.name}}}…{{/if}}`],
        loc: path.loc,
      });
      return null;
    }
    const field = shape.fields.get(part);
    if (!field) {
      const names = [...shape.fields.keys()];
      const near = closest(part, names);
      const isRoot = abs !== null && abs.length === 0;
      problems.push({
        kind: "unknown",
        message: isRoot ? `'${path.original}': the template context has no variable '${part}'` : `'${path.original}': ${shape.name} has no field '${part}'`,
        notes: [...(near ? [`did you mean '${near}'?`] : []), `${isRoot ? "variables" : `fields of ${shape.name}`}: ${listPreview(names.sort(), 16)}`],
        loc: path.loc,
      });
      return null;
    }
    const next = abs ? [...abs, part] : null;
    if (field.missingIn && !(soft && last) && (next === null || !state.present.has(next.join(".")))) {
      problems.push({
        kind: "missing-in-some",
        message: `'${path.original}': not every ${shape.name} has the field '${part}' (${field.missingIn})`,
        notes: [`guard it: {{#if ${next ? next.join(".") : path.original}}}…{{/if}}, or give every ${shape.name} the field`],
        loc: path.loc,
      });
      return null;
    }
    shape = field.shape;
    abs = next;
  }
  if (abs && abs.length > 0) variables.add(abs.join("."));
  return { shape, path: abs };
}

function unknownHelper(path: HbPath): TemplateProblem {
  return unsupported(path.loc, `unknown helper '${path.original}'`, [
    "templates may call the helpers lookup and log, and the block helpers #if, #unless, #each, #with",
  ]);
}

function unsupported(loc: HbLoc, message: string, notes: string[] = []): TemplateProblem {
  return { kind: "unsupported", message, notes, loc };
}

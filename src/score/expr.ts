// Evaluator for the expressions after `score` and `when` (PlanExpr trees).
//
// Scope shape. A scope maps root names to either a plain JSON value (`output`, `rating`, `score`,
// `model` ...) or an *entity*: a declared thing with an id and fields (`usecase`, `culture`, `item`,
// `dimension`, `system`). A path that stops at an entity evaluates to its id string, so
// `usecase = sex_ed` and `usecase in ["kids", "school"]` compare ids; a longer path reads a field
// (`usecase.policy`, `item.difficulty`, `culture.locale`; `.id` and `.label` work too). An absent
// context (`culture` when cultures are not crossed) is a null entity: `culture` is null and every
// field read through it is null too, so `culture.country = "DE"` is simply false.
//
// Errors are data: a type error, a missing field or a bad regex gives `{ ok: false, error }`; the
// evaluator never throws for anything an expression can do.

import { compileLinear, type LinearRegex } from "../core/linear-regex.js";
import type { Json, PlanExpr } from "../core/plan.js";
import { BUILTIN_FUNCTIONS } from "../syntax/vocabulary.js";

export interface Entity {
  id: string;
  fields: Record<string, Json>;
}

export type ScopeEntry = { value: Json } | { entity: Entity | null };

export type Scope = Readonly<Record<string, ScopeEntry>>;

export type EvalResult = { ok: true; value: Json } | { ok: false; error: string };

const ok = (value: Json): EvalResult => ({ ok: true, value });
const fail = (error: string): EvalResult => ({ ok: false, error });

export function scopeValue(value: Json): ScopeEntry {
  return { value };
}

export function scopeEntity(entity: Entity | null): ScopeEntry {
  return { entity };
}

export function evaluate(expr: PlanExpr, scope: Scope): EvalResult {
  switch (expr.kind) {
    case "Literal":
      return ok(expr.value);
    case "Path":
      return resolvePath(expr.segments, scope);
    case "ListExpr": {
      const items: Json[] = [];
      for (const item of expr.items) {
        const r = evaluate(item, scope);
        if (!r.ok) return r;
        items.push(r.value);
      }
      return ok(items);
    }
    case "Unary": {
      const r = evaluate(expr.operand, scope);
      if (!r.ok) return r;
      if (expr.op === "not") {
        if (typeof r.value !== "boolean") return fail(`'not' needs a boolean, got ${describe(r.value)}`);
        return ok(!r.value);
      }
      if (typeof r.value !== "number") return fail(`unary '-' needs a number, got ${describe(r.value)}`);
      return ok(-r.value);
    }
    case "Binary":
      return evaluateBinary(expr.op, expr.left, expr.right, scope);
    case "Conditional": {
      const t = evaluate(expr.test, scope);
      if (!t.ok) return t;
      if (typeof t.value !== "boolean") return fail(`the condition of '? :' must be a boolean, got ${describe(t.value)}`);
      return evaluate(t.value ? expr.then : expr.else, scope);
    }
    case "Call":
      return evaluateCall(expr.callee, expr.args, scope);
  }
}

/** Renders an expression back to source-like text, for error messages and docs. */
export function exprToString(expr: PlanExpr): string {
  switch (expr.kind) {
    case "Literal":
      return typeof expr.value === "string" ? JSON.stringify(expr.value) : String(expr.value);
    case "Path":
      return expr.segments.join(".");
    case "ListExpr":
      return `[${expr.items.map(exprToString).join(", ")}]`;
    case "Unary":
      return expr.op === "not" ? `not ${exprToString(expr.operand)}` : `-${exprToString(expr.operand)}`;
    case "Binary":
      return `(${exprToString(expr.left)} ${expr.op} ${exprToString(expr.right)})`;
    case "Conditional":
      return `(${exprToString(expr.test)} ? ${exprToString(expr.then)} : ${exprToString(expr.else)})`;
    case "Call":
      return `${expr.callee}(${expr.args.map(exprToString).join(", ")})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Paths

function resolvePath(segments: readonly string[], scope: Scope): EvalResult {
  const [root, ...rest] = segments;
  if (root === undefined) return fail("empty path");
  const entry = Object.hasOwn(scope, root) ? scope[root] : undefined;
  if (entry === undefined) {
    // A bare word that names nothing in scope is a symbol: `usecase = sex_ed` compares with "sex_ed".
    // The checker rejects names that are neither in scope nor declared, so typos do not get here.
    if (rest.length === 0) return ok(root);
    return fail(`unknown name '${root}' in path ${segments.join(".")}`);
  }
  if ("entity" in entry) {
    const entity = entry.entity;
    if (entity === null) return ok(null);
    if (rest.length === 0) return ok(entity.id);
    const [field, ...deeper] = rest as [string, ...string[]];
    let start: Json;
    if (Object.hasOwn(entity.fields, field)) start = entity.fields[field] ?? null;
    else if (field === "id") start = entity.id;
    else return fail(`${root} '${entity.id}' has no field '${field}'`);
    return walk(start, deeper, `${root}.${field}`);
  }
  return walk(entry.value, rest, root);
}

function walk(start: Json, segments: readonly string[], prefix: string): EvalResult {
  let value: Json = start;
  let where = prefix;
  for (const segment of segments) {
    if (value === null) return ok(null);
    if (Array.isArray(value)) {
      if (!/^\d+$/.test(segment)) return fail(`${where} is a list; '${segment}' is not an index`);
      const index = Number(segment);
      if (index >= value.length) return fail(`${where} has no element ${index} (length ${value.length})`);
      value = value[index] ?? null;
    } else if (typeof value === "object") {
      if (!Object.hasOwn(value, segment)) return fail(`missing field: ${where}.${segment}`);
      value = value[segment] ?? null;
    } else {
      return fail(`${where} is ${describe(value)}, which has no field '${segment}'`);
    }
    where = `${where}.${segment}`;
  }
  return ok(value);
}

// ---------------------------------------------------------------------------------------------
// Operators

type BinaryOp = Extract<PlanExpr, { kind: "Binary" }>["op"];

function evaluateBinary(op: BinaryOp, leftExpr: PlanExpr, rightExpr: PlanExpr, scope: Scope): EvalResult {
  const left = evaluate(leftExpr, scope);
  if (!left.ok) return left;
  if (op === "and" || op === "or") {
    if (typeof left.value !== "boolean") return fail(`'${op}' needs booleans, got ${describe(left.value)}`);
    // Short-circuit, so `culture != null and culture.x = 1` never reads through a missing value.
    if (op === "and" && !left.value) return ok(false);
    if (op === "or" && left.value) return ok(true);
    const right = evaluate(rightExpr, scope);
    if (!right.ok) return right;
    if (typeof right.value !== "boolean") return fail(`'${op}' needs booleans, got ${describe(right.value)}`);
    return ok(right.value);
  }
  const right = evaluate(rightExpr, scope);
  if (!right.ok) return right;
  const a = left.value;
  const b = right.value;
  switch (op) {
    case "=":
      return ok(jsonEqual(a, b));
    case "!=":
      return ok(!jsonEqual(a, b));
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compare(op, a, b);
    case "in":
      if (Array.isArray(b)) return ok(b.some((x) => jsonEqual(a, x)));
      if (typeof b === "string") {
        if (typeof a !== "string") return fail(`'in' a string needs a string on the left, got ${describe(a)}`);
        return ok(b.includes(a));
      }
      return fail(`'in' needs a list or a string on the right, got ${describe(b)}`);
    case "matches": {
      if (typeof a !== "string") return fail(`'matches' needs a string on the left, got ${describe(a)}`);
      if (typeof b !== "string") return fail(`'matches' needs a regex string on the right, got ${describe(b)}`);
      const re = compileRegex(b);
      if (!re.ok) return fail(re.error);
      return ok(re.regex.test(a));
    }
    case "+":
      if (typeof a === "number" && typeof b === "number") return finite(a + b, "+");
      if (typeof a === "string" && typeof b === "string") return ok(a + b);
      return fail(`'+' needs two numbers or two strings, got ${describe(a)} and ${describe(b)}`);
    case "-":
    case "*":
    case "/": {
      if (typeof a !== "number" || typeof b !== "number") {
        return fail(`'${op}' needs numbers, got ${describe(a)} and ${describe(b)}`);
      }
      if (op === "/" && b === 0) return fail("division by zero");
      return finite(op === "-" ? a - b : op === "*" ? a * b : a / b, op);
    }
  }
}

function compare(op: "<" | "<=" | ">" | ">=", a: Json, b: Json): EvalResult {
  const bothNumbers = typeof a === "number" && typeof b === "number";
  const bothStrings = typeof a === "string" && typeof b === "string";
  if (!bothNumbers && !bothStrings) {
    return fail(`'${op}' compares two numbers or two strings, got ${describe(a)} and ${describe(b)}`);
  }
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case "<":
      return ok(x < y);
    case "<=":
      return ok(x <= y);
    case ">":
      return ok(x > y);
    case ">=":
      return ok(x >= y);
  }
}

function finite(n: number, op: string): EvalResult {
  return Number.isFinite(n) ? ok(n) : fail(`'${op}' gave a non-finite number`);
}

export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i] ?? null));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k] ?? null, b[k] ?? null));
}

// ---------------------------------------------------------------------------------------------
// Built-in functions

function evaluateCall(callee: string, argExprs: readonly PlanExpr[], scope: Scope): EvalResult {
  const args: Json[] = [];
  for (const a of argExprs) {
    const r = evaluate(a, scope);
    if (!r.ok) return r;
    args.push(r.value);
  }
  switch (callee) {
    case "min":
    case "max": {
      // min(a, b, ...) or min(list)
      const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      if (values.length === 0) return fail(`${callee}() needs at least one number`);
      const nums: number[] = [];
      for (const v of values) {
        if (typeof v !== "number") return fail(`${callee}() needs numbers, got ${describe(v)}`);
        nums.push(v);
      }
      return ok(callee === "min" ? Math.min(...nums) : Math.max(...nums));
    }
    case "round": {
      if (args.length < 1 || args.length > 2) return fail("round() takes a number and optional digits");
      const [x, digits = 0] = args;
      if (typeof x !== "number") return fail(`round() needs a number, got ${describe(x ?? null)}`);
      if (typeof digits !== "number" || !Number.isInteger(digits) || digits < 0 || digits > 10) {
        return fail("round(): digits must be an integer 0..10");
      }
      const f = 10 ** digits;
      // Half away from zero, as people round; Math.round alone rounds -2.5 to -2.
      return ok((Math.sign(x) * Math.round(Math.abs(x) * f)) / f + 0);
    }
    case "clamp": {
      if (args.length !== 3) return fail("clamp() takes three numbers: clamp(x, low, high)");
      const [x, lo, hi] = args;
      if (typeof x !== "number" || typeof lo !== "number" || typeof hi !== "number") {
        return fail("clamp() needs three numbers");
      }
      if (lo > hi) return fail(`clamp(): low ${lo} is above high ${hi}`);
      return ok(Math.min(hi, Math.max(lo, x)));
    }
    case "len": {
      if (args.length !== 1) return fail("len() takes one argument");
      const [x] = args;
      if (typeof x === "string") return ok([...x].length);
      if (Array.isArray(x)) return ok(x.length);
      if (x !== null && typeof x === "object") return ok(Object.keys(x).length);
      return fail(`len() needs a string, list or object, got ${describe(x ?? null)}`);
    }
    case "lower": {
      if (args.length !== 1) return fail("lower() takes one argument");
      const [x] = args;
      if (typeof x !== "string") return fail(`lower() needs a string, got ${describe(x ?? null)}`);
      return ok(x.toLowerCase());
    }
    case "contains": {
      if (args.length !== 2) return fail("contains() takes two arguments: contains(haystack, needle)");
      const [h, n] = args as [Json, Json];
      if (Array.isArray(h)) return ok(h.some((x) => jsonEqual(x, n)));
      if (typeof h === "string") {
        if (typeof n !== "string") return fail(`contains() on a string needs a string needle, got ${describe(n)}`);
        return ok(h.includes(n));
      }
      return fail(`contains() needs a string or a list, got ${describe(h)}`);
    }
    default:
      return fail(`unknown function '${callee}' (built-ins: ${BUILTIN_FUNCTIONS.join(", ")})`);
  }
}

// ---------------------------------------------------------------------------------------------

const regexCache = new Map<string, LinearRegex>();

/** `matches` runs on the linear-time engine (core/linear-regex.ts): no answer can hang a rule. */
function compileRegex(source: string): { ok: true; regex: LinearRegex } | { ok: false; error: string } {
  const cached = regexCache.get(source);
  if (cached) return { ok: true, regex: cached };
  const compiled = compileLinear(source);
  if (!compiled.ok) return { ok: false, error: `invalid regex ${JSON.stringify(source)}: ${compiled.error}` };
  if (regexCache.size > 500) regexCache.clear();
  regexCache.set(source, compiled.regex);
  return { ok: true, regex: compiled.regex };
}

export function describe(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

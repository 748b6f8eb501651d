// Scorer expressions (`score output.safe ? 100 : 0`) and rule conditions
// (`when usecase = sex_ed and output.category = "adult_content"`): every name is checked against what
// the scorer kind provides, and a context id compared with `culture`, `usecase`, `dimension` or
// `system` must be declared. The result is a PlanExpr in which such ids are string literals and
// params are replaced by their values, so the scorer never needs the spec to evaluate it.

import { compileLinear } from "../core/linear-regex.js";
import type { Json, PlanExpr } from "../core/plan.js";
import type { Expr } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { NO_CONTEXT } from "./run.js";
import { listPreview, suggestionNotes, type CheckContext } from "./context.js";
import type { ScorerKindCheck } from "./kinds.js";
import { BUILTIN_FUNCTION_ARITY } from "../syntax/vocabulary.js";

export interface ExprEnv {
  /** The scorer's kind: its name and the names it adds to expressions. */
  kind: Pick<ScorerKindCheck, "name" | "roots">;
  /** Fields of the judge's / exec scorer's output, when declared; null accepts any field. */
  outputFields: ReadonlySet<string> | null;
  /** `score` (the scorer's default score) is only defined inside rules. */
  inRule: boolean;
  cultures: readonly string[];
  usecases: readonly string[];
  dimensions: ReadonlySet<string>;
  systems: readonly string[];
  cultureFields: ReadonlySet<string>;
  usecaseFields: ReadonlySet<string>;
  /** Fields items may have (fixed + custom of the items this scorer scores); null = unknown. */
  itemFields: ReadonlySet<string> | null;
}

const COMMON_ROOTS = ["dimension", "system", "culture", "usecase", "item", "model"] as const;

/** Which scorer kinds provide each name (`matched`: regex and keywords), for "not available here" messages. */
const rootOwners = new WeakMap<readonly ScorerKindCheck[], Map<string, string[]>>();

function kindsProviding(ctx: CheckContext, root: string): string[] | undefined {
  const kinds = ctx.kinds.scorers;
  let owners = rootOwners.get(kinds);
  if (owners === undefined) {
    owners = new Map();
    for (const k of kinds) for (const r of k.roots) owners.set(r, [...(owners.get(r) ?? []), k.name]);
    rootOwners.set(kinds, owners);
  }
  return owners.get(root);
}

const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = BUILTIN_FUNCTION_ARITY;

/** Context kinds whose values are declared ids. */
type IdKind = "culture" | "usecase" | "dimension" | "system";
const ID_KINDS: readonly IdKind[] = ["culture", "usecase", "dimension", "system"];

export function availableRoots(env: ExprEnv): string[] {
  return [...env.kind.roots, ...(env.inRule ? ["score"] : []), ...COMMON_ROOTS];
}

export function checkExpr(ctx: CheckContext, file: string, expr: Expr, env: ExprEnv): PlanExpr | undefined {
  const before = ctx.errorCount();
  const out = convert(ctx, file, expr, env);
  return ctx.errorCount() === before ? out : undefined;
}

function convert(ctx: CheckContext, file: string, e: Expr, env: ExprEnv): PlanExpr {
  switch (e.kind) {
    case "Literal":
      return { kind: "Literal", value: e.value };
    case "ParamRef":
      return paramExpr(ctx, file, e.name, e.span);
    case "Path":
      checkPath(ctx, file, e.segments, e.span, env);
      return { kind: "Path", segments: e.segments };
    case "ListExpr":
      return { kind: "ListExpr", items: e.items.map((i) => convert(ctx, file, i, env)) };
    case "Unary":
      return { kind: "Unary", op: e.op, operand: convert(ctx, file, e.operand, env) };
    case "Conditional":
      return {
        kind: "Conditional",
        test: convert(ctx, file, e.test, env),
        then: convert(ctx, file, e.then, env),
        else: convert(ctx, file, e.else, env),
      };
    case "Call": {
      // hasOwn: `constructor(1)` must not find Object.prototype.constructor.
      const arity = Object.hasOwn(FUNCTIONS, e.callee) ? FUNCTIONS[e.callee] : undefined;
      if (!arity) {
        ctx.error(
          CheckCodes.BAD_CALL,
          `unknown function '${e.callee}'`,
          file,
          e.span,
          suggestionNotes(e.callee, Object.keys(FUNCTIONS), "functions").map((n) => n.replace("declared functions", "built-in functions")),
        );
      } else if (e.args.length < arity[0] || e.args.length > arity[1]) {
        const want = arity[0] === arity[1] ? `${arity[0]}` : arity[1] === Infinity ? `at least ${arity[0]}` : `${arity[0]} or ${arity[1]}`;
        ctx.error(CheckCodes.BAD_CALL, `${e.callee}() takes ${want} argument${want === "1" ? "" : "s"}, got ${e.args.length}`, file, e.span);
      }
      return { kind: "Call", callee: e.callee, args: e.args.map((a) => convert(ctx, file, a, env)) };
    }
    case "Binary": {
      if (e.op === "=" || e.op === "!=" || e.op === "in") {
        const idKind = idKindOf(e.left) ?? (e.op === "in" ? null : idKindOf(e.right));
        if (idKind) {
          const leftIsKind = idKindOf(e.left) === idKind;
          const idSide = leftIsKind ? e.right : e.left;
          const kindSide = leftIsKind ? e.left : e.right;
          const ids = idOperand(ctx, file, idSide, idKind, env);
          const k = convert(ctx, file, kindSide, env);
          return leftIsKind ? { kind: "Binary", op: e.op, left: k, right: ids } : { kind: "Binary", op: e.op, left: ids, right: k };
        }
      }
      if (e.op === "matches") checkRegexOperand(ctx, file, e.right);
      return { kind: "Binary", op: e.op, left: convert(ctx, file, e.left, env), right: convert(ctx, file, e.right, env) };
    }
  }
}

/** `usecase` (exactly that path) is compared with usecase ids; `usecase.policy` is not. */
function idKindOf(e: Expr): IdKind | null {
  if (e.kind !== "Path" || e.segments.length !== 1) return null;
  const head = e.segments[0] ?? "";
  return (ID_KINDS as readonly string[]).includes(head) ? (head as IdKind) : null;
}

/** The other side of `usecase = X`: a bare id, a string, or a list of them (for `in`). */
function idOperand(ctx: CheckContext, file: string, e: Expr, kind: IdKind, env: ExprEnv): PlanExpr {
  if (e.kind === "ListExpr") return { kind: "ListExpr", items: e.items.map((i) => idOperand(ctx, file, i, kind, env)) };
  let id: string | null = null;
  if (e.kind === "Path" && e.segments.length === 1 && !availableRoots(env).includes(e.segments[0] ?? "")) {
    id = e.segments[0] ?? "";
  } else if (e.kind === "Literal" && typeof e.value === "string") {
    id = e.value;
  }
  if (id === null) return convert(ctx, file, e, env);
  // `culture = none`: the combination without a culture, where `culture` is null.
  if (id === NO_CONTEXT && e.kind === "Path" && (kind === "culture" || kind === "usecase")) return { kind: "Literal", value: null };
  const known = declaredIds(kind, env);
  const exists = kind === "dimension" ? env.dimensions.has(id) : known.includes(id);
  if (!exists) {
    ctx.error(
      CheckCodes.UNKNOWN_CONTEXT_ID,
      `no ${kind} named '${id}'`,
      file,
      e.span,
      suggestionNotes(id, known, kind === "dimension" ? "dimensions" : `${kind}s`),
    );
  }
  return { kind: "Literal", value: id };
}

function declaredIds(kind: IdKind, env: ExprEnv): string[] {
  switch (kind) {
    case "culture":
      return [...env.cultures];
    case "usecase":
      return [...env.usecases];
    case "dimension":
      return [...env.dimensions];
    case "system":
      return [...env.systems];
  }
}

function checkPath(ctx: CheckContext, file: string, segments: readonly string[], span: Expr["span"], env: ExprEnv): void {
  const head = segments[0] ?? "";
  const field = segments[1];
  const roots = availableRoots(env);
  if (!roots.includes(head)) {
    if (head === "score") {
      ctx.error(CheckCodes.PATH_NOT_AVAILABLE, "'score' (the scorer's default score) is only available inside rules", file, span);
      return;
    }
    const kinds = kindsProviding(ctx, head);
    if (kinds) {
      ctx.error(
        CheckCodes.PATH_NOT_AVAILABLE,
        `'${head}' is not available in a ${env.kind.name} scorer (it belongs to ${kinds.join(" and ")} scorers)`,
        file,
        span,
        [`available here: ${roots.join(", ")}`],
      );
      return;
    }
    const notes = suggestionNotes(head, roots, "names");
    ctx.error(
      CheckCodes.UNKNOWN_EXPR_NAME,
      `unknown name '${head}' in expression`,
      file,
      span,
      notes.map((n) => n.replace("declared names", "available here")),
    );
    return;
  }
  if (field === undefined) return;
  const noFields = (what: string) => ctx.error(CheckCodes.UNKNOWN_EXPR_NAME, `'${head}' is ${what}; it has no field '${field}'`, file, span);
  switch (head) {
    case "output":
      if (env.outputFields && !env.outputFields.has(field)) {
        ctx.error(CheckCodes.UNKNOWN_OUTPUT_FIELD, `the ${env.kind.name} output has no field '${field}'`, file, span, [
          `declared output fields: ${listPreview([...env.outputFields])}`,
        ]);
      }
      return;
    case "culture":
      checkField(ctx, file, span, "culture", field, env.cultureFields);
      return;
    case "usecase":
      checkField(ctx, file, span, "usecase", field, env.usecaseFields);
      return;
    case "item":
      if (env.itemFields) checkField(ctx, file, span, "item", field, env.itemFields);
      return;
    case "dimension":
    case "system":
    case "model":
      noFields("an id");
      return;
    case "categories":
      noFields("a list of category codes");
      return;
    default:
      noFields("a single value");
  }
}

function checkField(ctx: CheckContext, file: string, span: Expr["span"], owner: string, field: string, fields: ReadonlySet<string>): void {
  if (fields.has(field)) return;
  ctx.error(CheckCodes.UNKNOWN_EXPR_NAME, `${owner} has no field '${field}'`, file, span, suggestionNotes(field, [...fields].sort(), `${owner} fields`));
}

function paramExpr(ctx: CheckContext, file: string, name: string, span: Expr["span"]): PlanExpr {
  const p = ctx.params.get(name);
  if (!p) {
    ctx.error(CheckCodes.UNDEFINED_PARAM, `no param named '${name}'`, file, span, suggestionNotes(name, [...ctx.params.keys()], "params"));
    return { kind: "Literal", value: null };
  }
  const lit = jsonToExpr(p.value);
  if (!lit) {
    ctx.error(CheckCodes.WRONG_TYPE, `$${name} is an object; expressions take strings, numbers, booleans or lists`, file, span);
    return { kind: "Literal", value: null };
  }
  return lit;
}

function jsonToExpr(v: Json): PlanExpr | null {
  if (v === null || typeof v !== "object") return { kind: "Literal", value: v };
  if (Array.isArray(v)) {
    const items: PlanExpr[] = [];
    for (const x of v) {
      const e = jsonToExpr(x);
      if (!e) return null;
      items.push(e);
    }
    return { kind: "ListExpr", items };
  }
  return null;
}

function checkRegexOperand(ctx: CheckContext, file: string, e: Expr): void {
  let pattern: unknown;
  if (e.kind === "Literal") pattern = e.value;
  else if (e.kind === "ParamRef") pattern = ctx.params.get(e.name)?.value;
  else {
    ctx.error(CheckCodes.WRONG_TYPE, "the right side of 'matches' must be a regular expression in a string", file, e.span);
    return;
  }
  if (typeof pattern !== "string") {
    if (pattern !== undefined) {
      ctx.error(CheckCodes.WRONG_TYPE, "the right side of 'matches' must be a regular expression in a string", file, e.span);
    }
    return;
  }
  // `matches` runs on the linear-time engine (core/linear-regex.ts): check what that engine reads.
  const compiled = compileLinear(pattern);
  if (!compiled.ok && compiled.kind === "unsupported") {
    ctx.error(CheckCodes.REGEX_NEEDS_BACKTRACKING, `regular expression not supported: ${compiled.error}`, file, e.span, [
      "rewrite it without backreferences or lookaround (see docs/scoring.md)",
    ]);
  } else if (!compiled.ok) {
    ctx.error(CheckCodes.BAD_SCORER_SETTING, `invalid regular expression: ${compiled.error}`, file, e.span);
  }
}

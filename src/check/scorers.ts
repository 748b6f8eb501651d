// Scorers and rules. What a scorer's settings may be, and which names its expressions may read
// (`output` for a judge, `rating` for likert ...), is its kind's business: the kinds come with the
// context (ctx.kinds.scorers). Rules declared at top level with `rule NAME for SCORER` join the
// scorer's own rules, after them.

import type { Json, PlanExpr } from "../core/plan.js";
import { DECLARABLE_SCALES, isScale, type Scale } from "../core/scale.js";
import type { Expr, RuleDecl, ScorerDecl } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext, type SourceFile } from "./context.js";
import type { Table } from "./decls.js";
import { checkExpr, type ExprEnv } from "./expr.js";
import type { Located } from "./imports.js";
import { kindNamed, type ScorerCheckResult, type ScorerKindCheck } from "./kinds.js";
import type { SchemaLoader } from "./schemas.js";
import { SettingsReader } from "./settings.js";
import type { CheckedRule, CheckedScorer } from "./spec.js";
import { PropertyBag, readString, type NameRef } from "./values.js";

/** What the rest of the checker needs to know about a scorer beyond its plan form. */
export interface ScorerInfo {
  scorer: CheckedScorer;
  decl: Located<ScorerDecl>;
  /** Judge rubric template, if any. */
  templateRef: NameRef | null;
  outputFields: Set<string> | null;
  /** For top-level rules that join this scorer. */
  env: ExprEnv;
  ruleNames: Map<string, { file: string; span: RuleDecl["span"] }>;
}

export interface ScorerEnvBase {
  cultures: readonly string[];
  usecases: readonly string[];
  dimensions: ReadonlySet<string>;
  systems: readonly string[];
  cultureFields: ReadonlySet<string>;
  usecaseFields: ReadonlySet<string>;
  /** Item fields per scorer id (fixed + custom of the items it scores). */
  itemFieldsFor(scorer: string): ReadonlySet<string> | null;
}

/** What a scorer's settings are checked against besides its own properties. */
export interface ScorerSurroundings {
  templates: Table<unknown>;
  /** The run's judge (after --judge). */
  judge: string | null;
  env: ScorerEnvBase;
  schemas: SchemaLoader;
}

/** A scorer: its kind, its settings (by the kind), then its `score` expression and its rules. */
export async function checkScorer(ctx: CheckContext, located: Located<ScorerDecl>, around: ScorerSurroundings): Promise<ScorerInfo | null> {
  const kind = scorerKind(ctx, located);
  if (!kind) return null;
  const id = located.node.name.name;
  const what = `${kind.name} scorer '${id}'`;
  const settings = await checkSettings(ctx, located, kind, what, around);
  const env = expressionEnv(kind, settings.outputFields ?? null, around.env, id);
  const { node, file } = located;
  const score = node.score ? (checkExpr(ctx, file.display, node.score, env) ?? null) : null;
  // The scorer's outcome is decided after the rules, so it may read the final `score`, as rules do.
  const outcome = node.outcome ? checkOutcome(ctx, file.display, node.outcome, { ...env, inRule: true }) : undefined;
  const ruleNames = new Map<string, { file: string; span: RuleDecl["span"] }>();
  const rules = checkRules(ctx, file, node.rules, env, what, ruleNames);
  return {
    scorer: { id, kind: kind.name, config: settings.config, score, ...(outcome !== undefined ? { outcome } : {}), rules },
    decl: located,
    templateRef: settings.templateRef ?? null,
    outputFields: settings.outputFields ?? null,
    env,
    ruleNames,
  };
}

/** The scorer's kind, or undefined after reporting a kind that does not exist. */
function scorerKind(ctx: CheckContext, { file, node }: Located<ScorerDecl>): ScorerKindCheck | undefined {
  const name = node.scorerKind.name;
  const kind = kindNamed(ctx.kinds.scorers, name);
  if (!kind) {
    const names = ctx.kinds.scorers.map((k) => k.name);
    ctx.error(
      CheckCodes.UNKNOWN_SCORER_KIND,
      `unknown scorer kind '${name}'`,
      file.display,
      node.scorerKind.span,
      suggestionNotes(name, names, "kinds").map((n) => n.replace("declared kinds", "scorer kinds")),
    );
  }
  return kind;
}

/** The settings, read by the kind from the properties it accepts (others are reported here). */
async function checkSettings(
  ctx: CheckContext,
  { file, node }: Located<ScorerDecl>,
  kind: ScorerKindCheck,
  what: string,
  around: ScorerSurroundings,
): Promise<ScorerCheckResult> {
  const ownsScale = kind.properties.includes("scale");
  const allowed = ownsScale ? kind.properties : [...kind.properties, "scale"];
  const props = new PropertyBag(ctx, file.display, node.properties, allowed, what);
  const settings = new SettingsReader(ctx, file.display, props, kind.settings);
  const result = await kind.check({ ctx, file, node, what, props, settings, ...around });
  if (!ownsScale) {
    const scale = checkScale(ctx, file.display, props, what);
    if (scale !== undefined) result.config.scale = scale;
  }
  return result;
}

/**
 * `scale NAME` on any scorer (src/core/scale.ts): the measurement scale its scores are on, which the
 * tables keep apart. Written into the plan config only when declared, so plans of specs that declare
 * none keep their hash.
 */
function checkScale(ctx: CheckContext, f: string, props: PropertyBag, what: string): Scale | undefined {
  const p = props.get("scale");
  if (!p) return undefined;
  const v = p.value;
  const word = v.kind === "Ref" ? v.name : v.kind === "String" ? v.value : null;
  if (word === null) {
    ctx.error(CheckCodes.WRONG_TYPE, `the scale of ${what} must be a name, one of ${DECLARABLE_SCALES.join(", ")}`, f, v.span);
    return undefined;
  }
  if (word === "centred" || word === "centered") {
    ctx.error(CheckCodes.BAD_SCORER_SETTING, `${what} cannot declare scale centred`, f, v.span, [
      "centred scores are what centring makes of Likert ratings: write `centre true` on a likert scorer",
    ]);
    return undefined;
  }
  if (!isScale(word) || !DECLARABLE_SCALES.includes(word)) {
    const notes = suggestionNotes(word, DECLARABLE_SCALES, "scales").map((n) => n.replace("declared scales", "scales"));
    if (word === "logit") notes.unshift("an IRT ability on the logit scale is `theta`");
    ctx.error(CheckCodes.BAD_SCORER_SETTING, `unknown scale '${word}' for ${what}`, f, v.span, notes);
    return undefined;
  }
  return word;
}

/** The scale of a checked scorer: the declared one, else its kind's default. */
export function scorerScale(kind: ScorerKindCheck, config: Record<string, Json>): Scale {
  const declared = config.scale;
  return isScale(declared) && !kind.properties.includes("scale") ? declared : kind.defaultScale(config);
}

/** The names the scorer's `score` expression and rules may read. */
function expressionEnv(kind: ScorerKindCheck, outputFields: Set<string> | null, env: ScorerEnvBase, id: string): ExprEnv {
  return {
    kind,
    outputFields,
    inRule: false,
    cultures: env.cultures,
    usecases: env.usecases,
    dimensions: env.dimensions,
    systems: env.systems,
    cultureFields: env.cultureFields,
    usecaseFields: env.usecaseFields,
    itemFields: env.itemFieldsFor(id),
  };
}

/**
 * `outcome EXPR`: checked like a score expression; a literal must be a string (an outcome is a
 * category name such as "safe", "unsafe" or "over_refusal") or null (no outcome).
 */
function checkOutcome(ctx: CheckContext, f: string, expr: Expr, env: ExprEnv): PlanExpr | undefined {
  if (expr.kind === "Literal" && expr.value !== null && typeof expr.value !== "string") {
    ctx.error(CheckCodes.WRONG_TYPE, `an outcome must be a category name in quotes, e.g. outcome "safe", not ${JSON.stringify(expr.value)}`, f, expr.span);
    return undefined;
  }
  return checkExpr(ctx, f, expr, env);
}

/** Rules of one scorer (its own, or top-level ones for it); names are unique per scorer. */
export function checkRules(
  ctx: CheckContext,
  file: SourceFile,
  rules: readonly RuleDecl[],
  scorerEnv: ExprEnv,
  what: string,
  seen: Map<string, { file: string; span: RuleDecl["span"] }> = new Map(),
): CheckedRule[] {
  const f = file.display;
  const out: CheckedRule[] = [];
  const env: ExprEnv = { ...scorerEnv, inRule: true };
  for (const r of rules) {
    const name = r.name.name;
    const prev = seen.get(name);
    if (prev) {
      ctx.error(CheckCodes.DUPLICATE, `rule '${name}' is declared twice for ${what}`, f, r.name.span, [`first declared at ${where(prev.file, prev.span)}`]);
      continue;
    }
    seen.set(name, { file: f, span: r.name.span });
    const props = new PropertyBag(ctx, f, r.properties, ["verdict", "note"], `rule '${name}'`);
    const when: PlanExpr | undefined = checkExpr(ctx, f, r.when, env);
    const score = r.score ? checkExpr(ctx, f, r.score, env) : null;
    const outcome = r.outcome ? checkOutcome(ctx, f, r.outcome, env) : undefined;
    const verdict = props.get("verdict");
    const note = props.get("note");
    if (!r.score && !r.outcome && !verdict && !note) {
      ctx.error(CheckCodes.MISSING_PROPERTY, `rule '${name}' does nothing: give it a score, an outcome, a verdict or a note`, f, r.name.span);
    }
    const v = verdict ? (readString(ctx, f, verdict.value, "verdict") ?? null) : null;
    const n = note ? (readString(ctx, f, note.value, "note") ?? null) : null;
    if (when === undefined || score === undefined || (r.outcome && outcome === undefined)) continue;
    out.push({ name, when, score, ...(outcome !== undefined ? { outcome } : {}), verdict: v, note: n });
  }
  return out;
}

// The typed AST of one .vc file, as the parser produces it: syntax only, nothing resolved.
// Every node carries the span of its source text so that later stages can point at it.
//
// Design: a small number of declaration kinds with typed fields for what the checker needs, plus a
// generic `Property` list for the remaining key/value settings of each block. The parser knows the
// keywords of every block (so syntax errors list what was expected); the checker knows the meaning.

import type { Span } from "../core/diagnostic.js";

export interface Node {
  span: Span;
}

/** An identifier where it is written, e.g. the name of a dimension. */
export interface Ident extends Node {
  kind: "Ident";
  name: string;
}

// ---------------------------------------------------------------------------------------------
// Values: the right-hand side of a property. No arithmetic here; that is what Expr is for.

export type Value = StringValue | NumberValue | BoolValue | NullValue | RefValue | ParamValue | ListValue | ObjectValue;

export interface StringValue extends Node {
  kind: "String";
  /** The decoded text (escapes resolved, triple-quoted strings dedented). */
  value: string;
  /** True for """...""" strings. */
  triple: boolean;
  /**
   * Span of the first character of the decoded content in the source, so that a position inside
   * the string (e.g. a Handlebars error at line 3, column 5 of an inline template) maps back into the
   * .vc file. See `contentMap`.
   */
  contentMap: ContentMap;
}

/**
 * Maps an offset in the decoded string value back to a source offset. For simple strings without
 * escapes this is start + offset; escapes and dedenting make it piecewise, so we keep a sorted list of
 * (valueOffset, sourceOffset) anchors: the source offset of value offset v is
 * anchor.sourceOffset + (v - anchor.valueOffset) for the last anchor with anchor.valueOffset <= v.
 */
export interface ContentMap {
  anchors: Array<{ valueOffset: number; sourceOffset: number }>;
}

export interface NumberValue extends Node {
  kind: "Number";
  value: number;
  /** Source text, kept so the formatter writes numbers back as the user wrote them. */
  raw: string;
}

export interface BoolValue extends Node {
  kind: "Bool";
  value: boolean;
}

export interface NullValue extends Node {
  kind: "Null";
}

/** A bare identifier used as a value: a reference to a declared name (dimension, culture, ...). */
export interface RefValue extends Node {
  kind: "Ref";
  name: string;
}

/** `$name`: a parameter reference, replaced by the parameter's (possibly --set) value. */
export interface ParamValue extends Node {
  kind: "Param";
  name: string;
}

export interface ListValue extends Node {
  kind: "List";
  items: Value[];
}

export interface ObjectValue extends Node {
  kind: "Object";
  entries: ObjectEntry[];
}

export interface ObjectEntry extends Node {
  /** Keys may be identifiers, keywords or strings ("X-Org": "abc"). */
  key: string;
  keySpan: Span;
  value: Value;
}

// ---------------------------------------------------------------------------------------------
// Expressions: scorer score mappings and rule conditions, e.g.
//   score output.safe ? 100 : 0
//   when usecase = sex_ed and output.category in ["adult_content"]

export type Expr = LiteralExpr | PathExpr | ParamExpr | ListExpr | UnaryExpr | BinaryExpr | ConditionalExpr | CallExpr;

export interface LiteralExpr extends Node {
  kind: "Literal";
  value: string | number | boolean | null;
}

/** `usecase`, `output.category`, `item.difficulty`, `culture.locale`, `dimension` ... */
export interface PathExpr extends Node {
  kind: "Path";
  segments: string[];
}

export interface ParamExpr extends Node {
  kind: "ParamRef";
  name: string;
}

export interface ListExpr extends Node {
  kind: "ListExpr";
  items: Expr[];
}

export type UnaryOp = "not" | "-";
export interface UnaryExpr extends Node {
  kind: "Unary";
  op: UnaryOp;
  operand: Expr;
}

export type BinaryOp = "or" | "and" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "matches" | "+" | "-" | "*" | "/";
export interface BinaryExpr extends Node {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface ConditionalExpr extends Node {
  kind: "Conditional";
  test: Expr;
  then: Expr;
  else: Expr;
}

/** A few built-in functions: min, max, round, clamp, len, lower, contains. */
export interface CallExpr extends Node {
  kind: "Call";
  callee: string;
  args: Expr[];
}

// ---------------------------------------------------------------------------------------------
// Properties: `key value` lines inside blocks.

export interface Property extends Node {
  key: string;
  keySpan: Span;
  value: Value;
}

// ---------------------------------------------------------------------------------------------
// Declarations

export interface SpecFile {
  kind: "SpecFile";
  /** Path as given (relative to cwd or absolute); the checker normalises it. */
  file: string;
  source: string;
  statements: Statement[];
  /** Comments, in source order, for the formatter. */
  comments: Comment[];
}

export interface Comment extends Node {
  text: string;
  block: boolean;
}

export type Statement =
  | ImportDecl
  | ParamDecl
  | SystemDecl
  | TemplateDecl
  | ItemsDecl
  | CultureDecl
  | UsecaseDecl
  | ScorerDecl
  | RuleDecl
  | BaselineDecl
  | RunDecl
  | ReportDecl
  | AdaptiveDecl
  | GoldDecl;

/** `import "lib/common.vc"` */
export interface ImportDecl extends Node {
  kind: "Import";
  path: StringValue;
}

/**
 * `param seed = 7` — overridable with `--set seed=9`.
 * `param scoring = "judge" one of ["judge", "refusal", "guard"]` — the default and any --set value
 * must be one of the listed values (and a param used in `scorers` selects among those scorers).
 */
export interface ParamDecl extends Node {
  kind: "Param";
  name: Ident;
  value: Value;
  /** The list after `one of` (a List value when well-formed; the checker verifies). */
  choices?: Value;
  description?: StringValue;
}

/**
 * system schwartz "Schwartz basic values" {
 *   description "..."
 *   group openness "Openness to change"
 *   dimension self_direction "Self-direction" { groups [openness] order 1 description "..." weight 1 }
 * }
 */
export interface SystemDecl extends Node {
  kind: "System";
  name: Ident;
  label?: StringValue;
  groups: GroupDecl[];
  dimensions: DimensionDecl[];
  properties: Property[]; // description, weights ...
}

export interface GroupDecl extends Node {
  kind: "Group";
  name: Ident;
  label?: StringValue;
  properties: Property[];
}

export interface DimensionDecl extends Node {
  kind: "Dimension";
  name: Ident;
  label?: StringValue;
  properties: Property[]; // description, groups, order, weight
}

export type Role = "system" | "user" | "assistant";

/**
 * template ask {
 *   system """You are {{usecase.description}}."""
 *   user "{{item.text}}"
 *   assistant from "templates/prefill.hbs"
 * }
 * template judge_safety from "templates/judge-safety.hbs"   // one user message
 */
export interface TemplateDecl extends Node {
  kind: "Template";
  name: Ident;
  /** `template x from "file.hbs"`: a single user message read from the file. */
  from?: StringValue;
  messages: TemplateMessage[];
}

export interface TemplateMessage extends Node {
  role: Role;
  roleSpan: Span;
  /** Either inline text or a file reference (`user from "templates/x.hbs"`). */
  text?: StringValue;
  from?: StringValue;
}

/**
 * items safety_en {
 *   system safety  template ask  scorers [harmless]
 *   from "data/safety.jsonl"  schema "schemas/safety-item.json"
 *   item t1 { dimension toxicity  text "..."  difficulty 2 }
 * }
 */
export interface ItemsDecl extends Node {
  kind: "Items";
  name: Ident;
  properties: Property[]; // system, template, scorers, from, schema, difficulty, cultures, usecases ...
  items: ItemDecl[];
  /** `only models [...]` clauses, as written (the checker reports a second one). */
  only: OnlyModelsClause[];
}

/** `only models ["ollama:llama3.2", "mock:a"]` in an items block: only these run models answer its items. */
export interface OnlyModelsClause extends Node {
  kind: "OnlyModels";
  /** The span of the words `only models`. */
  keySpan: Span;
  list: ListValue;
}

export interface ItemDecl extends Node {
  kind: "Item";
  name: Ident;
  /** Every field of the item (dimension, text, difficulty, reverse, expect, and any custom field). */
  properties: Property[];
}

/** culture de_DE "Germany" { locale "de-DE" language "German" country "DE" norms """...""" } */
export interface CultureDecl extends Node {
  kind: "Culture";
  name: Ident;
  label?: StringValue;
  properties: Property[];
}

/** usecase sex_ed "Adult sex education" { description "..." policy """...""" } */
export interface UsecaseDecl extends Node {
  kind: "Usecase";
  name: Ident;
  label?: StringValue;
  properties: Property[];
}

/**
 * scorer harmless judge {
 *   template judge_safety
 *   output { safe: "boolean", category: "string", rationale: "string" }
 *   score output.safe ? 100 : 0
 *   rule adult_ok when usecase = sex_ed and output.category = "adult_content" { score 100 verdict "acceptable" }
 * }
 */
export interface ScorerDecl extends Node {
  kind: "Scorer";
  name: Ident;
  scorerKind: Ident; // one of the registered scorer kinds (src/score/kinds), checked by the checker
  properties: Property[];
  score?: Expr;
  scoreSpan?: Span;
  /** `outcome EXPR`: the answer's category (a string, or null for none), after the rules. */
  outcome?: Expr;
  outcomeSpan?: Span;
  rules: RuleDecl[];
}

/**
 * Inside a scorer: `rule NAME when COND { ... }`.
 * At top level: `rule NAME for SCORER when COND { ... }` (adds a rule to a scorer declared elsewhere,
 * e.g. in an imported library).
 * The body holds `score EXPR`, `outcome EXPR`, `verdict "..."` and `note "..."`.
 */
export interface RuleDecl extends Node {
  kind: "Rule";
  name: Ident;
  scorer?: Ident;
  when: Expr;
  score?: Expr;
  /** Span of the whole `score EXPR` entry (like ScorerDecl.scoreSpan). */
  scoreSpan?: Span;
  /** `outcome EXPR`: the outcome when this rule fires (replaces the scorer's). */
  outcome?: Expr;
  outcomeSpan?: Span;
  properties: Property[]; // verdict, note
}

/**
 * baseline pan_cultural "Pan-cultural value hierarchy" {
 *   system schwartz
 *   source "Schwartz & Bardi (2001), J. Cross-Cultural Psychology 32(3)"
 *   order [benevolence, self_direction, ...]     // or: values { benevolence: 4.9, ... }  or: from "data/x.json"
 * }
 */
export interface BaselineDecl extends Node {
  kind: "Baseline";
  name: Ident;
  label?: StringValue;
  properties: Property[];
}

/**
 * run {
 *   models ["ollama:llama3.2:3b"]  judge "ollama:qwen2.5:7b"
 *   temperature 0  seed $seed  max_tokens 512  samples 3
 *   cross [culture, usecase]  cultures [de_DE, en_US]  usecases [general]
 *   concurrency 4  rate_limit 60  timeout 120  retries 3
 *   model "openai:gpt-4o-mini" { base_url "https://..." api_key_env "MY_KEY" headers { "X-Org": "a" } }
 * }
 */
export interface RunDecl extends Node {
  kind: "Run";
  name?: Ident;
  properties: Property[];
  models: ModelDecl[];
}

export interface ModelDecl extends Node {
  kind: "Model";
  id: StringValue;
  properties: Property[];
}

/** report leaderboard scores { by [model, dimension] }   report h value_hierarchy { baseline pan_cultural } */
export interface ReportDecl extends Node {
  kind: "Report";
  name: Ident;
  reportKind?: Ident;
  properties: Property[];
}

/**
 * adaptive safety_cat {
 *   items safety_bank  irt "2pl"  start 0  select max_info  exposure 0.2
 *   estimator eap  stop { se 0.3 max_items 30 }
 * }
 * Reserved for the dynamic-evaluation issue; parsed as properties now.
 */
export interface AdaptiveDecl extends Node {
  kind: "Adaptive";
  name: Ident;
  properties: Property[];
}

/**
 * gold safety_gold for judge {
 *   from "data/safety/gold.jsonl"   system safety   scale categorical
 *   label score = 100 ? "safe" : "unsafe"
 *   require kappa >= 0.6
 *   example g1 { prompt "..."  answer "..."  expected "unsafe"  locale "en-US" }
 * }
 * Labelled answers a judge scorer is validated against (src/check/gold.ts, `vc validate`).
 */
export interface GoldDecl extends Node {
  kind: "Gold";
  name: Ident;
  scorer: Ident;
  properties: Property[]; // from, system, scale
  label?: Expr;
  labelSpan?: Span;
  requires: Array<{ expr: Expr; span: Span }>;
  examples: GoldExampleDecl[];
}

export interface GoldExampleDecl extends Node {
  kind: "GoldExample";
  name: Ident;
  properties: Property[];
}

// The words of the .vc language in one place: reserved keywords, which keyword starts a statement,
// and which property names each block accepts. The lexer, parser, AST builder, error messages and docs
// all read from here, so adding a property is a one-line change (plus docs/language.md).

import { editDistance } from "../core/edit-distance.js";

/** Words that start a top-level statement. */
export const STATEMENT_KEYWORDS = [
  "import",
  "param",
  "system",
  "template",
  "items",
  "culture",
  "usecase",
  "scorer",
  "rule",
  "baseline",
  "run",
  "report",
  "adaptive",
  "gold",
] as const;

/** Words with a fixed role inside blocks or expressions (sub-declarations, operators, literals). */
export const OTHER_KEYWORDS = [
  "group",
  "dimension",
  "item",
  "model",
  "score",
  "when",
  "for",
  "from",
  "and",
  "or",
  "not",
  "in",
  "matches",
  "true",
  "false",
  "null",
] as const;

export type Keyword = (typeof STATEMENT_KEYWORDS)[number] | (typeof OTHER_KEYWORDS)[number];

/**
 * Reserved words may not be used as the name of a declaration (`culture system { }` is an error).
 * They may still be used as property names, object keys, path segments (`item.model`) and as
 * references in values (`cross [culture, usecase]`, `by [model, dimension]`).
 */
export const RESERVED_WORDS: readonly Keyword[] = [...STATEMENT_KEYWORDS, ...OTHER_KEYWORDS];

export function isReservedWord(word: string): boolean {
  return (RESERVED_WORDS as readonly string[]).includes(word);
}

/**
 * The kinds of block that hold `key value` properties. `open` blocks accept any extra property
 * (it becomes e.g. `culture.<key>` in templates); closed blocks accept only the listed names.
 */
export type BlockKind =
  | "system"
  | "group"
  | "dimension"
  | "items"
  | "item"
  | "culture"
  | "usecase"
  | "scorer"
  | "rule"
  | "baseline"
  | "run"
  | "model"
  | "report"
  | "adaptive"
  | "gold"
  | "example";

export interface BlockVocabulary {
  /** Property names the block knows (for open blocks: the documented ones). */
  properties: readonly string[];
  /** Structural keywords that introduce something other than a plain property (shown in messages). */
  structural: readonly string[];
  /** Whether any other property name is accepted too. */
  open: boolean;
}

export const BLOCKS: Readonly<Record<BlockKind, BlockVocabulary>> = {
  system: { properties: ["description"], structural: ["group", "dimension"], open: false },
  group: { properties: ["description"], structural: [], open: false },
  dimension: { properties: ["description", "groups", "group", "order", "weight"], structural: [], open: false },
  items: {
    properties: ["system", "template", "scorers", "from", "schema", "cultures", "usecases", "output"],
    structural: ["item"],
    open: false,
  },
  item: { properties: ["dimension", "text", "difficulty", "reverse", "expect"], structural: [], open: true },
  culture: { properties: ["locale", "language", "country", "norms"], structural: [], open: true },
  usecase: { properties: ["description", "policy"], structural: [], open: true },
  // Which of these fit which scorer kind is the kind's business (src/score/kinds; a test keeps the
  // two in step).
  scorer: {
    properties: [
      "template",
      "model",
      "output",
      "schema",
      "retries",
      "languages",
      "phrases",
      "opening",
      "scale",
      "min",
      "centre",
      "options",
      "correct",
      "mapping",
      "texts",
      "categories",
      "any",
      "all",
      "case_sensitive",
      "pattern",
      "flags",
      "command",
      "timeout",
      "panel",
      "combine",
    ],
    structural: ["score", "rule"],
    open: false,
  },
  rule: { properties: ["verdict", "note"], structural: ["score"], open: false },
  baseline: { properties: ["system", "source", "order", "values", "from", "culture"], structural: [], open: false },
  run: {
    properties: [
      "models",
      "judge",
      "temperature",
      "top_p",
      "seed",
      "max_tokens",
      "samples",
      "cross",
      "cultures",
      "usecases",
      "reference",
      "concurrency",
      "rate_limit",
      "timeout",
      "retries",
      "select",
      "gate",
    ],
    structural: ["model"],
    open: false,
  },
  model: {
    properties: [
      "base_url",
      "hosts",
      "base_urls",
      "api_key_env",
      "headers",
      "concurrency",
      "rate_limit",
      "timeout",
      "retries",
      "json_io",
      "temperature",
      "top_p",
      "max_tokens",
      "seed",
      // Attributes (src/check/model-attributes.ts): reports group by them; any other key is a user attribute.
      "family",
      "developer",
      "open_weights",
      "size_b",
      "alignment",
    ],
    structural: [],
    open: true,
  },
  // Every setting some report kind reads (the kinds' settings schemas in src/report/kinds; which kind
  // reads which is the checker's business; test/check/language-features.test.ts keeps the two in step).
  report: {
    properties: [
      "by",
      "system",
      "systems",
      "baseline",
      "baselines",
      "scorer",
      "scorers",
      "method",
      "weighting",
      "within",
      "contexts",
      "combine",
      // group_comparison and families: the model attribute(s) that define the groups.
      "attribute",
      "attributes",
    ],
    structural: [],
    open: false,
  },
  adaptive: {
    properties: ["items", "irt", "start", "select", "exposure", "estimator", "stop", "scorer", "threshold", "pass", "balance", "generate"],
    structural: [],
    open: false,
  },
  // A gold set for a judge scorer (src/check/gold.ts): labelled answers the judge must agree with.
  gold: { properties: ["from", "system", "scale", "fields"], structural: ["label", "require", "example"], open: false },
  // One inline gold example: the same fields as a row of a gold data file.
  example: {
    properties: ["prompt", "answer", "expected", "locale", "domain", "usecase", "labeller", "note"],
    structural: [],
    open: true,
  },
};

/**
 * Words that start an entry of a gold block. They are ordinary identifiers, not reserved words
 * (like `one of` after a param): only at the start of an entry inside `gold { }` do they mean this.
 */
export const GOLD_ENTRY_WORDS = ["label", "require", "example"] as const;

/** Chat roles of template messages. */
export const ROLES = ["system", "user", "assistant"] as const;

/**
 * The built-in functions of expressions and their arity [min, max]: the one list the checker
 * (src/check/expr.ts), the evaluator (src/score/expr.ts), the plan schema, the editor grammar and the
 * docs are tested against (test/score/builtins.test.ts).
 */
export const BUILTIN_FUNCTION_ARITY = {
  min: [1, Infinity],
  max: [1, Infinity],
  round: [1, 2],
  clamp: [3, 3],
  len: [1, 1],
  lower: [1, 1],
  contains: [2, 2],
} as const satisfies Record<string, readonly [number, number]>;

export type BuiltinFunction = keyof typeof BUILTIN_FUNCTION_ARITY;

export const BUILTIN_FUNCTIONS = Object.keys(BUILTIN_FUNCTION_ARITY) as readonly BuiltinFunction[];

/** The closest candidate within a small edit distance, if any. */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

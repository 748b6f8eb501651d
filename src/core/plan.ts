// The Plan: the reproducible artifact between the language and the executor.
//
// A Plan is a header (everything needed to enumerate and score the steps: models, items, contexts,
// templates, scorers, reports) plus a lazily enumerated sequence of steps. The header is O(items), the
// steps are O(models × items × contexts × samples); steps are never all held in memory — `iterateSteps`
// (compile/steps.ts) renders them one at a time, in a fixed order, and the plan hash is computed over
// the header and every step in that order.
//
// Everything here is plain JSON: no Dates, no Maps, no absolute paths. Object keys are written in a
// canonical (sorted) order by the serializer, so the same spec and files give byte-identical JSON.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonSchema = { [key: string]: Json };

export type Role = "system" | "user" | "assistant";

export interface ChatMessage {
  role: Role;
  content: string;
}

/** Sampling parameters sent with every request. Omitted fields are left to the provider's defaults. */
export interface SamplingParams {
  temperature?: number;
  top_p?: number;
  /** Per-step seed: the run seed plus the sample index, so samples differ but are reproducible. */
  seed?: number;
  max_tokens?: number;
}

export const PLAN_SCHEMA_VERSION = 1;

export interface Plan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  /** Name of the entry spec file without extension, e.g. "safety". Used for the output folder. */
  name: string;
  /** Every source file the plan depends on, relative to the entry spec's folder, with its sha256. */
  inputs: PlanInput[];
  /** Final parameter values (after --set overrides). */
  params: Record<string, Json>;
  systems: PlanSystem[];
  cultures: PlanCulture[];
  usecases: PlanUsecase[];
  models: PlanModel[];
  /**
   * Settings of models that are called but not evaluated (judges, scorer models, generators), from
   * their `model "id" { ... }` blocks in the run. Sorted by id.
   */
  modelSettings: PlanModel[];
  /** Default judge model id for judge scorers that name none (`--judge` replaces it). */
  judge: string | null;
  run: PlanRunSettings;
  templates: PlanTemplate[];
  scorers: PlanScorer[];
  baselines: PlanBaseline[];
  segments: PlanSegment[];
  reports: PlanReport[];
  /**
   * Gold sets (`gold NAME for SCORER { ... }`): labelled answers a scorer is validated against
   * (`vc validate`, and the validate stage of `vc run`). Absent when the spec declares none, so the
   * plans of specs without gold sets keep their hash.
   */
  gold?: PlanGoldSet[];
  /**
   * The subset of the spec this plan covers (`--cultures`, `--limit`, … or the run's `select { }`).
   * Absent when the plan covers the whole spec, so a spec's plan hash does not change unless a
   * selection is made.
   */
  selection?: PlanSelection;
  /** The run's `gate [...]` conditions (src/core/gate.ts), checked when the run ends; absent when none. */
  gate?: string[];
  /** Number of static steps (adaptive segments add steps at run time and are not counted here). */
  stepCount: number;
  /** sha256 (hex) over the canonical JSON of this header (without `hash`) followed by every step. */
  hash: string;
  /**
   * Only in `value-compass plan --json`, never in a run's plan.json nor in the hash: every command a
   * run would execute, with where it is declared (docs/security.md).
   */
  commands?: PlanCommand[];
}

/** A program a run would start: an exec: model (evaluated, judge, generator) or an exec scorer. */
export interface PlanCommand {
  role: "evaluated" | "judge" | "generator" | "scorer";
  /** The model id or the scorer's name. */
  id: string;
  /** The command line as written (split into argv without a shell). */
  command: string;
  /** Where it is written: file (as shown in diagnostics) and line; empty when it comes from the command line alone. */
  sites: Array<{ file: string; line: number }>;
  /** Written on this command line (`--model`, `--judge`, `--set`): trusted without asking. */
  fromCommandLine: boolean;
}

/**
 * A selection of the spec's cells. Every list is null when that axis is not restricted. The items
 * that remain are those of the selected systems, dimensions and contexts whose id matches `items`;
 * `limit` then keeps at most N items per items block and dimension (each crossed with every selected
 * context of the block, so every dimension × context cell gets N items and context comparisons stay
 * paired), drawn with `seed` and stratified by difficulty.
 */
export interface PlanSelection {
  /** Culture ids; null in the list stands for `none` (the combination without a culture). */
  cultures: Array<string | null> | null;
  usecases: Array<string | null> | null;
  systems: string[] | null;
  /** `system.dimension` ids. */
  dimensions: string[] | null;
  /** A glob over item ids (`*` any run of characters, `?` one character). */
  items: string | null;
  limit: number | null;
  /** Seed of the `limit` draw: the run's seed, or 0 when the spec sets none. */
  seed: number;
}

/** A selection as asked for on the command line (`--cultures a,b`, `--limit 3`, …): names, not yet checked. */
export interface SelectionRequest {
  cultures?: string[];
  usecases?: string[];
  systems?: string[];
  dimensions?: string[];
  items?: string;
  limit?: number;
}

export interface PlanInput {
  path: string;
  sha256: string;
}

export interface PlanSystem {
  id: string;
  label: string;
  description: string | null;
  groups: Array<{ id: string; label: string }>;
  /** In declaration order, which is also the circumplex order unless `order` says otherwise. */
  dimensions: PlanDimension[];
}

export interface PlanDimension {
  id: string;
  label: string;
  description: string | null;
  groups: string[];
  order: number;
  weight: number;
}

export interface PlanCulture {
  id: string;
  label: string;
  locale: string | null;
  language: string | null;
  country: string | null;
  norms: string | null;
  /** Any further properties declared on the culture, available to templates as culture.<key>. */
  fields: Record<string, Json>;
}

export interface PlanUsecase {
  id: string;
  label: string;
  description: string | null;
  policy: string | null;
  fields: Record<string, Json>;
}

export interface PlanModel {
  /** As written: "ollama:llama3.2:3b", "openai:gpt-4o-mini", "exec:python3 answer.py", "mock:refuser". */
  id: string;
  /** A registered provider kind (src/providers/kinds): "ollama", "openai", "llamacpp", "exec", "mock". */
  provider: string;
  /** The provider-local model name or command. */
  name: string;
  /** Connection settings from the spec. Secrets are never stored: only the *name* of an env var. */
  baseUrl: string | null;
  apiKeyEnv: string | null;
  headers: Record<string, string>;
  concurrency: number | null;
  rateLimitPerMinute: number | null;
  /** exec provider: send the request as JSON on stdin instead of the plain prompt. */
  jsonIo: boolean;
  /**
   * An endpoint pool (`hosts [...]` for ollama, `base_urls [...]` for openai): requests go to the
   * least-loaded healthy one (docs/scale.md). Absent for a model with one endpoint.
   */
  hosts?: string[];
  /**
   * Per-model overrides from the model's block in the run (absent when the spec sets none). Sampling
   * overrides are already applied to every step's `params`; timeoutMs / retries replace the run's
   * for this model's requests.
   */
  sampling?: SamplingParams;
  timeoutMs?: number;
  retries?: number;
  /**
   * Attributes reports group by (family, developer, open_weights, size_b, alignment, user keys), keys
   * sorted; absent when the spec gives none, so specs without attributes keep their plan hash.
   */
  attributes?: Record<string, Json>;
}

export interface PlanRunSettings {
  samples: number;
  sampling: SamplingParams;
  concurrency: number;
  rateLimitPerMinute: number | null;
  timeoutMs: number;
  retries: number;
  /** Context kinds crossed with the items: [], ["culture"], ["usecase"] or both. */
  cross: Array<"culture" | "usecase">;
  /** The reference context for context-effect analyses. */
  reference: { culture: string | null; usecase: string | null };
}

export interface PlanTemplate {
  id: string;
  messages: Array<{ role: Role; source: string; from: string | null }>;
  /** Variables the template reads (top-level.path), found at check time. */
  variables: string[];
}

export interface PlanScorer {
  id: string;
  /** A registered scorer kind (src/score/kinds): "judge", "refusal", "likert" … */
  kind: string;
  /** Kind-specific settings as declared (template id, output schema, scale, patterns, command ...). */
  config: Record<string, Json>;
  /** Maps the scorer's raw output to 0–100; null means the kind's default mapping. */
  score: PlanExpr | null;
  /**
   * The answer's outcome category (`safe`, `unsafe`, `over_refusal` …): a string (or null) expression
   * evaluated after the rules. Absent when the spec declares none, so such plans keep their hash.
   */
  outcome?: PlanExpr;
  rules: PlanRule[];
}

export interface PlanRule {
  name: string;
  when: PlanExpr;
  score: PlanExpr | null;
  /** The outcome when this rule fires (replaces the scorer's); absent when the rule declares none. */
  outcome?: PlanExpr;
  verdict: string | null;
  note: string | null;
}

/** Expressions as JSON trees: the AST's Expr without source spans, plus the source text for display. */
export type PlanExpr =
  | { kind: "Literal"; value: string | number | boolean | null }
  | { kind: "Path"; segments: string[] }
  | { kind: "ListExpr"; items: PlanExpr[] }
  | { kind: "Unary"; op: "not" | "-"; operand: PlanExpr }
  | {
      kind: "Binary";
      op: "or" | "and" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "matches" | "+" | "-" | "*" | "/";
      left: PlanExpr;
      right: PlanExpr;
    }
  | { kind: "Conditional"; test: PlanExpr; then: PlanExpr; else: PlanExpr }
  | { kind: "Call"; callee: string; args: PlanExpr[] };

export interface PlanBaseline {
  id: string;
  label: string;
  system: string;
  source: string;
  /** Dimension ids, most to least important (when the baseline is an order). */
  order: string[] | null;
  /** Dimension id → value (when the baseline is a profile). */
  values: Record<string, number> | null;
  /** The culture this baseline describes, if any. */
  culture: string | null;
}

export interface PlanItem {
  id: string;
  system: string;
  dimension: string;
  text: string;
  difficulty: number | null;
  reverse: boolean;
  expect: string | null;
  /** Every other field of the item (from the .vc item block or the data row). */
  fields: Record<string, Json>;
  /** Where it was declared: file relative to the spec folder, and the 1-based data row if from a data file. */
  origin: { file: string; row: number | null };
}

export interface ContextCombo {
  culture: string | null;
  usecase: string | null;
}

export type PlanSegment = StaticSegment | AdaptiveSegment;

/** Every model × item × context × sample, enumerated in that order. */
export interface StaticSegment {
  kind: "static";
  id: string;
  system: string;
  template: string;
  scorers: string[];
  models: string[];
  contexts: ContextCombo[];
  samples: number;
  items: PlanItem[];
  /** JSON Schema for structured output, when the segment asks the evaluated model for JSON. */
  responseFormat: { name: string; schema: JsonSchema } | null;
}

/**
 * Items are chosen at run time from a calibrated bank, one at a time per model, from the answers so
 * far (dynamic-evaluation issue). The plan fixes the bank and the rules, so a re-run makes the same
 * choices given the same answers.
 */
export interface AdaptiveSegment {
  kind: "adaptive";
  id: string;
  system: string;
  template: string;
  scorers: string[];
  models: string[];
  contexts: ContextCombo[];
  bank: PlanItem[];
  settings: Record<string, Json>;
}

/** How gold labels are compared with the scorer's labels (docs/validation.md). */
export type GoldScale = "categorical" | "ordinal" | "numeric";

/** What a `require` may test: agreement with the gold labels, or among the judges of a panel. */
export const GOLD_METRICS = ["accuracy", "kappa", "kappa_lower", "icc", "icc_lower", "alpha", "alpha_lower"] as const;
export type GoldMetric = (typeof GOLD_METRICS)[number];

export interface PlanGoldRequire {
  metric: GoldMetric;
  op: ">=" | ">";
  value: number;
  /** As written, for messages: "kappa >= 0.6". */
  text: string;
}

export interface PlanGoldSet {
  id: string;
  /** The scorer validated (its judge model or panel answers the examples). */
  scorer: string;
  /** The value system whose dimensions the rows' `domain` names; null when none is known. */
  system: string | null;
  scale: GoldScale;
  /** What is compared with `expected`; null: the scorer's final score. */
  label: PlanExpr | null;
  requires: PlanGoldRequire[];
  examples: PlanGoldExample[];
}

/** One labelled answer: a row of the gold file or an inline `example`. */
export interface PlanGoldExample {
  id: string;
  prompt: string;
  answer: string;
  /** A category (categorical) or a number (ordinal, numeric). */
  expected: string | number;
  locale: string | null;
  /** A dimension of the gold set's system (the harm domain), or free text when there is no system. */
  domain: string | null;
  /** A declared use case id; the judge is told this deployment. */
  usecase: string | null;
  /** The culture whose locale is `locale`, if one is declared. */
  culture: string | null;
  labeller: string | null;
  note: string | null;
  /** Any other field of the row: the judge's template reads it as item.<field> (e.g. item.task). */
  fields: Record<string, Json>;
  origin: { file: string; row: number | null };
}

export interface PlanReport {
  id: string;
  kind: string;
  settings: Record<string, Json>;
}

/** One request to one model: the unit of execution, journaling and caching. */
export interface PlanStep {
  /** Stable id: a hash of (segment, model, item, context, sample); independent of step order. */
  id: string;
  /** Position in the plan's canonical order. */
  index: number;
  segment: string;
  model: string;
  system: string;
  dimension: string;
  item: string;
  context: ContextCombo;
  sample: number;
  messages: ChatMessage[];
  params: SamplingParams;
  scorers: string[];
  responseFormat: { name: string; schema: JsonSchema } | null;
}

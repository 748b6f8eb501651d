// The checked spec: every name resolved, every value typed and range-checked, every data file read
// and validated, every template parsed. This is what the compiler turns into a Plan, so it holds only
// facts (no AST nodes, no spans, no absolute paths): the compiler never needs to look at source again.
//
// File paths are relative to the entry spec's folder with "/" separators, so the spec is the same
// wherever the project is checked out.

// Where the checked form is already the plan's, the checker uses the plan's types: one definition.
import type {
  Json,
  JsonSchema,
  PlanBaseline,
  PlanCulture,
  PlanDimension,
  PlanExpr,
  PlanGoldSet,
  PlanItem,
  PlanSelection,
  PlanSystem,
  PlanUsecase,
  Role,
} from "../core/plan.js";

export type ContextKind = "culture" | "usecase";

export interface CheckedSpec {
  /** Entry spec file name without extension, e.g. "example". */
  name: string;
  /** Every file the spec depends on (.vc, .hbs, data, schemas, baselines), in first-read order. */
  inputs: Array<{ path: string; sha256: string }>;
  /** Final parameter values (declared defaults with --set overrides applied), in declaration order. */
  params: CheckedParam[];
  systems: CheckedSystem[];
  templates: CheckedTemplate[];
  /** Items blocks in declaration order (imports are expanded where they are written). */
  itemSets: CheckedItemSet[];
  cultures: CheckedCulture[];
  usecases: CheckedUsecase[];
  scorers: CheckedScorer[];
  baselines: CheckedBaseline[];
  run: CheckedRun;
  reports: CheckedReport[];
  adaptive: CheckedAdaptive[];
  /** Gold sets in declaration order (src/check/gold.ts). */
  gold: PlanGoldSet[];
  /** The subset to run (the run's `select { }` and the command line's selection flags), if any. */
  selection?: PlanSelection;
  /** The run's `gate [...]` conditions (src/core/gate.ts), if any. */
  gate?: string[];
}

export interface CheckedParam {
  name: string;
  value: Json;
  description: string | null;
  /** True when --set replaced the declared default. */
  overridden: boolean;
}

export type CheckedSystem = PlanSystem;

export type CheckedDimension = PlanDimension;

export interface CheckedTemplate {
  id: string;
  messages: CheckedTemplateMessage[];
  /** Every variable the template reads, as dotted paths from the context root, sorted. */
  variables: string[];
}

export interface CheckedTemplateMessage {
  role: Role;
  /** Handlebars source (inline text, or the content of the file). */
  source: string;
  /** The .hbs file it came from (relative to the entry spec folder), null when inline. */
  from: string | null;
}

/** An item as the checker resolves it; the compiler adds its system. */
export type CheckedItem = Omit<PlanItem, "system">;

export interface CheckedItemSet {
  id: string;
  system: string;
  template: string;
  scorers: string[];
  items: CheckedItem[];
  /** Contexts restricted by the block (`cultures [...]`, `usecases [...]`; null entry = `none`); null = the run's list. */
  cultures: Array<string | null> | null;
  usecases: Array<string | null> | null;
  /** `only models [...]`: the run's model ids that answer these items, in run order; null = every run model. */
  models: string[] | null;
  /** Structured output asked of the evaluated model. */
  responseFormat: { name: string; schema: JsonSchema } | null;
  /** Name of the adaptive block that uses these items as its bank, if any (then no static segment). */
  adaptive: string | null;
}

export type CheckedCulture = PlanCulture;

export type CheckedUsecase = PlanUsecase;

/**
 * A scorer: its kind (one of the registered kinds, src/score/kinds) and its settings, the plan's
 * `config`, in the shape the kind's settings schema describes. Keys the spec does not set are absent,
 * so the scorer's own defaults apply.
 */
export interface CheckedScorer {
  id: string;
  kind: string;
  config: Record<string, Json>;
  score: PlanExpr | null;
  /** `outcome EXPR`, when declared (absent otherwise, like the plan's). */
  outcome?: PlanExpr;
  /** Rules declared inside the scorer, then `rule NAME for SCORER` rules in declaration order. */
  rules: CheckedRule[];
}

export interface CheckedRule {
  name: string;
  when: PlanExpr;
  score: PlanExpr | null;
  outcome?: PlanExpr;
  verdict: string | null;
  note: string | null;
}

export type CheckedBaseline = PlanBaseline;

export interface CheckedModel {
  id: string;
  /** A registered provider kind (src/providers/kinds). */
  provider: string;
  name: string;
  baseUrl: string | null;
  apiKeyEnv: string | null;
  headers: Record<string, string>;
  concurrency: number | null;
  rateLimitPerMinute: number | null;
  jsonIo: boolean;
  /** An endpoint pool (`hosts` / `base_urls`), absent for one endpoint. */
  hosts?: string[];
  /** Settings from the model's block in the run that replace the run-wide ones for this model. */
  overrides: ModelOverrides;
  /** Attributes (family, developer, open_weights, …): the run's entry over a shared models file; absent when none. */
  attributes?: Record<string, Json>;
}

export interface ModelOverrides {
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  seed: number | null;
  timeoutSeconds: number | null;
  retries: number | null;
}

export interface CheckedRun {
  /** After --model replacement. */
  models: CheckedModel[];
  /**
   * Settings blocks (`model "id" { ... }`) of models that are not evaluated: judges, scorers' own
   * models, generators. Kept so that their base_url, api_key_env, headers and limits apply when they
   * are called.
   */
  modelSettings: CheckedModel[];
  /** After --judge replacement. */
  judge: string | null;
  temperature: number | null;
  topP: number | null;
  seed: number | null;
  maxTokens: number | null;
  samples: number;
  cross: ContextKind[];
  /**
   * The cultures / usecases crossed (in order); empty when the kind is not crossed. null is `none`:
   * the combinations without a culture (use case), e.g. `cultures [none, de_DE]`.
   */
  cultures: Array<string | null>;
  usecases: Array<string | null>;
  reference: { culture: string | null; usecase: string | null };
  concurrency: number;
  rateLimitPerMinute: number | null;
  timeoutSeconds: number;
  retries: number;
}

export interface CheckedReport {
  id: string;
  kind: string;
  settings: Record<string, Json>;
}

export interface CheckedAdaptive {
  id: string;
  /** The items block used as the bank. */
  items: string;
  settings: Record<string, Json>;
}

/** Defaults of the run block, in one place (also documented in docs/language.md). */
export const RUN_DEFAULTS = {
  samples: 1,
  concurrency: 4,
  timeoutSeconds: 120,
  retries: 3,
} as const;

// What the scorers take and give. The run pipeline builds a ScoreInput per (step, scorer) from the plan
// and the step's journal record, calls scoreStep, and writes the ScoreOutcome as a ScoreRecord.

import type { ChatMessage, Json, PlanCulture, PlanDimension, PlanItem, PlanSystem, PlanUsecase, SamplingParams } from "../core/plan.js";
import type { ChatRequest, ChatResult } from "../providers/types.js";
import type { ScoreRecord } from "../core/records.js";

/** One finished step, as the scorers see it. */
export interface ScoreInput {
  stepId: string;
  /** The evaluated model's id, e.g. "ollama:llama3.2:3b". */
  model: string;
  system: Pick<PlanSystem, "id" | "label" | "description">;
  dimension: Pick<PlanDimension, "id" | "label" | "description">;
  item: PlanItem;
  culture: PlanCulture | null;
  usecase: PlanUsecase | null;
  sample: number;
  /** Final parameter values; judge templates may read them as `params`. */
  params: Record<string, Json>;
  /** The messages the model was sent (the guard scorer classifies the whole conversation). */
  messages: ChatMessage[];
  /** The model's answer; null when the step failed after all tries. */
  response: string | null;
}

/** A ScoreRecord without the fields the pipeline already knows (type, stepId, scorer). */
export type ScoreOutcome = Omit<ScoreRecord, "type" | "stepId" | "scorer">;

export type JudgeRequest = Omit<ChatRequest, "timeoutMs" | "signal">;

export interface JudgeCallResult {
  result: ChatResult;
  /** Served from the run's cache: no model call was made. */
  cached: boolean;
  /** Calls made (0 when cached). */
  attempts: number;
}

/**
 * The variables a judge rubric template gets: the step's template context plus `response` and `model`.
 * `item`, `culture` and `usecase` are flattened (custom fields next to id, text ...), as in the
 * step templates.
 */
export interface JudgeTemplateContext {
  item: { [key: string]: Json };
  dimension: { id: string; label: string; description: string | null };
  system: { id: string; label: string; description: string | null };
  culture: { [key: string]: Json } | null;
  usecase: { [key: string]: Json } | null;
  params: Record<string, Json>;
  sample: number;
  response: string;
  model: string;
}

export interface ScorerDeps {
  /**
   * Calls a judge (or guard) model through the run's providers, cache, rate limits and retries for
   * transient failures. Never throws: a failure comes back as `result.ok === false`.
   */
  callJudge(modelId: string, request: JudgeRequest): Promise<JudgeCallResult>;
  /** Renders a judge rubric template (by id) with the given context. */
  renderJudgeMessages(templateId: string, context: JudgeTemplateContext): ChatMessage[];
  /** The run's default judge (`run { judge ... }` / `--judge`); used when a scorer names no model. */
  judgeModel: string | null;
  /** Sampling for judge and guard calls. Default: temperature 0 (and nothing else). */
  judgeSampling?: SamplingParams;
  /** Working directory for exec scorers: the entry spec's folder. Default: process.cwd(). */
  execCwd?: string;
  /** The environment exec scorers take their minimal one from (and whose secrets are redacted from what they say). Default: the process environment. */
  execEnv?: Readonly<Record<string, string | undefined>>;
  /** Aborts exec scorers when the run is interrupted. */
  signal?: AbortSignal;
}

/**
 * What a scorer kind returns before the `score` expression and the rules: its raw output, the default
 * 0–100 mapping (null when the kind has none for this configuration), and the names it adds to the
 * expression scope (`rating`, `refused`, `matched`, `choice`, `categories` ...).
 */
export type KindResult =
  | {
      ok: true;
      raw: Json;
      /** Extra root names for expressions besides `output` (which is always `raw`). */
      fields: Record<string, Json>;
      defaultScore: number | null;
      /** Why there is no default score, when defaultScore is null. */
      noDefault?: string;
      verdict: string | null;
      refused: boolean | null;
      judge: ScoreOutcome["judge"];
    }
  | {
      ok: false;
      error: string;
      raw: Json;
      judge: ScoreOutcome["judge"];
    };

// Small hand-made plans and records for the analysis and report tests.

import type { ContextCombo, Json, Plan, PlanBaseline, PlanItem, PlanReport, PlanScorer, PlanSystem } from "../../src/core/plan.js";
import { defaultPlanModel } from "../../src/providers/model-id.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";

export function system(id: string, dims: string[], weights: number[] = []): PlanSystem {
  return {
    id,
    label: id.toUpperCase(),
    description: null,
    groups: [],
    dimensions: dims.map((d, i) => ({ id: d, label: `${d} label`, description: null, groups: [], order: i + 1, weight: weights[i] ?? 1 })),
  };
}

export function scorer(id: string, kind: PlanScorer["kind"] = "judge", config: Record<string, Json> = {}): PlanScorer {
  return { id, kind, config, score: null, rules: [] };
}

export function item(id: string, sys: string, dimension: string, difficulty: number | null = null): PlanItem {
  return { id, system: sys, dimension, text: `text of ${id}`, difficulty, reverse: false, expect: null, fields: {}, origin: { file: "x.vc", row: null } };
}

export interface PlanInput {
  systems: PlanSystem[];
  models: string[];
  cultures?: string[];
  usecases?: string[];
  cross?: Array<"culture" | "usecase">;
  reference?: { culture: string | null; usecase: string | null };
  scorers?: PlanScorer[];
  baselines?: PlanBaseline[];
  segments: Array<{ id: string; system: string; scorers: string[]; items: PlanItem[]; contexts?: ContextCombo[] }>;
  reports?: PlanReport[];
}

export function makePlan(p: PlanInput): Plan {
  return {
    schemaVersion: 1,
    name: "test",
    inputs: [],
    params: {},
    systems: p.systems,
    cultures: (p.cultures ?? []).map((id) => ({ id, label: id, locale: null, language: null, country: null, norms: null, fields: {} })),
    usecases: (p.usecases ?? []).map((id) => ({ id, label: id, description: null, policy: null, fields: {} })),
    models: p.models.map((id) => defaultPlanModel(id, "mock", id.slice(5))),
    modelSettings: [],
    judge: null,
    run: {
      samples: 1,
      sampling: {},
      concurrency: 1,
      rateLimitPerMinute: null,
      timeoutMs: 1000,
      retries: 0,
      cross: p.cross ?? [],
      reference: p.reference ?? { culture: null, usecase: null },
    },
    templates: [],
    scorers: p.scorers ?? [],
    baselines: p.baselines ?? [],
    segments: p.segments.map((s) => ({
      kind: "static",
      id: s.id,
      system: s.system,
      template: "ask",
      scorers: s.scorers,
      models: p.models,
      contexts: s.contexts ?? [{ culture: null, usecase: null }],
      samples: 1,
      items: s.items,
      responseFormat: null,
    })),
    reports: p.reports ?? [],
    stepCount: 0,
    hash: "0".repeat(64),
  };
}

export interface StepInput {
  model: string;
  segment: string;
  system: string;
  dimension: string;
  item: string;
  culture?: string | null;
  usecase?: string | null;
  sample?: number;
  response?: string | null;
  prompt?: string;
  mock?: boolean;
}

let counter = 0;

export function step(s: StepInput, index: number): StepRecord {
  counter++;
  const failed = s.response === null;
  return {
    type: "step",
    stepId: `s${index}`,
    index,
    segment: s.segment,
    model: s.model,
    system: s.system,
    dimension: s.dimension,
    item: s.item,
    context: { culture: s.culture ?? null, usecase: s.usecase ?? null },
    sample: s.sample ?? 0,
    messages: [
      { role: "system", content: "be helpful" },
      { role: "user", content: s.prompt ?? `question ${s.item}` },
    ],
    response: failed ? null : (s.response ?? `answer ${counter}`),
    error: failed ? { kind: "timeout", message: "timed out", status: null } : null,
    latencyMs: failed ? null : 100 + index,
    tokensIn: failed ? null : 10,
    tokensOut: failed ? null : 20,
    cached: false,
    attempts: 1,
    mock: s.mock ?? true,
  };
}

export function score(
  stepId: string,
  scorerId: string,
  value: number | null,
  extra: Partial<Omit<ScoreRecord, "type" | "stepId" | "scorer" | "score">> = {},
): ScoreRecord {
  return {
    type: "score",
    stepId,
    scorer: scorerId,
    score: value,
    raw: extra.raw ?? { value },
    verdict: extra.verdict ?? null,
    rule: extra.rule ?? null,
    refused: extra.refused ?? null,
    outcome: extra.outcome ?? null,
    error: extra.error ?? null,
    judge: extra.judge ?? null,
  };
}

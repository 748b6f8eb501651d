// CheckedSpec → Plan. The header is a direct translation (everything has been resolved and validated
// by the checker); the step count is arithmetic; the hash streams over every rendered step.

import type { CheckedItem, CheckedItemSet, CheckedModel, CheckedSpec } from "../check/spec.js";
import type { ContextCombo, Json, Plan, PlanItem, PlanModel, PlanRunSettings, PlanSegment, SamplingParams } from "../core/plan.js";
import { PLAN_SCHEMA_VERSION } from "../core/plan.js";
import { applySelection } from "./select.js";
import { hashPlan, keepStepLines } from "./serialize.js";
import { countSteps, keepSteps } from "./steps.js";

export interface CompileOptions {
  /**
   * Keep what hashing enumerated, for the run that compiles the plan (`run` does; other commands
   * would only hold it): the steps' JSON (up to KEEP_STEP_CHARS) for writing its plan.json once, and
   * the steps themselves (up to KEEP_STEPS) for its calls and its journal's check.
   */
  keepForRun?: boolean;
}

export function compilePlan(spec: CheckedSpec, options: CompileOptions = {}): Plan {
  const header: Omit<Plan, "hash" | "stepCount"> = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    name: spec.name,
    inputs: spec.inputs.map((i) => ({ path: i.path, sha256: i.sha256 })),
    params: Object.fromEntries(spec.params.map((p) => [p.name, p.value])) as Record<string, Json>,
    systems: spec.systems,
    cultures: spec.cultures,
    usecases: spec.usecases,
    models: spec.run.models.map(planModel),
    modelSettings: spec.run.modelSettings
      .filter((m) => !spec.run.models.some((e) => e.id === m.id))
      .map(planModel)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    judge: spec.run.judge,
    run: runSettings(spec),
    templates: spec.templates.map((t) => ({ id: t.id, messages: t.messages, variables: t.variables })),
    scorers: spec.scorers.map((s) => ({
      id: s.id,
      kind: s.kind,
      config: s.config,
      score: s.score,
      ...(s.outcome !== undefined ? { outcome: s.outcome } : {}),
      rules: s.rules,
    })),
    baselines: spec.baselines,
    segments: spec.selection ? applySelection(segments(spec), spec.selection) : segments(spec),
    reports: spec.reports,
    ...(spec.gold.length > 0 ? { gold: spec.gold } : {}),
    // Only when given, so that a spec without them keeps its plan hash.
    ...(spec.selection ? { selection: spec.selection } : {}),
    ...(spec.gate ? { gate: spec.gate } : {}),
  };
  const withCount: Plan = { ...header, stepCount: countSteps(header), hash: "" };
  const keep = options.keepForRun === true;
  const { hash, stepLines, steps } = hashPlan(withCount, keep ? KEEP_STEP_CHARS : 0, keep ? KEEP_STEPS : 0);
  const plan: Plan = { ...withCount, hash };
  keepStepLines(plan, stepLines);
  keepSteps(plan, steps);
  return plan;
}

/**
 * Up to this many characters of step JSON (about 16 MB) are kept from hashing the plan until its
 * plan.json is written (serialize.ts, keepStepLines); a bigger plan enumerates its steps again.
 */
const KEEP_STEP_CHARS = 16_000_000;

/**
 * Up to this many steps (about 250 bytes each with their ids; prompts are shared between samples) are
 * kept from hashing for the run's calls and its journal's check; a bigger plan enumerates them again,
 * so its memory stays flat (a 1,000,000-step run holds none).
 */
const KEEP_STEPS = 50_000;

function planModel(m: CheckedModel): PlanModel {
  const model: PlanModel = {
    id: m.id,
    provider: m.provider,
    name: m.name,
    baseUrl: m.baseUrl,
    apiKeyEnv: m.apiKeyEnv,
    headers: m.headers,
    concurrency: m.concurrency,
    rateLimitPerMinute: m.rateLimitPerMinute,
    jsonIo: m.jsonIo,
  };
  if (m.hosts && m.hosts.length > 0) model.hosts = [...m.hosts];
  const o = m.overrides;
  const sampling = samplingOf(o.temperature, o.topP, o.seed, o.maxTokens);
  if (Object.keys(sampling).length > 0) model.sampling = sampling;
  if (o.timeoutSeconds !== null) model.timeoutMs = Math.round(o.timeoutSeconds * 1000);
  if (o.retries !== null) model.retries = o.retries;
  if (m.attributes && Object.keys(m.attributes).length > 0) model.attributes = { ...m.attributes };
  return model;
}

function samplingOf(temperature: number | null, topP: number | null, seed: number | null, maxTokens: number | null): SamplingParams {
  const s: SamplingParams = {};
  if (temperature !== null) s.temperature = temperature;
  if (topP !== null) s.top_p = topP;
  if (seed !== null) s.seed = seed;
  if (maxTokens !== null) s.max_tokens = maxTokens;
  return s;
}

function runSettings(spec: CheckedSpec): PlanRunSettings {
  const r = spec.run;
  return {
    samples: r.samples,
    sampling: samplingOf(r.temperature, r.topP, r.seed, r.maxTokens),
    concurrency: r.concurrency,
    rateLimitPerMinute: r.rateLimitPerMinute,
    timeoutMs: Math.round(r.timeoutSeconds * 1000),
    retries: r.retries,
    cross: [...r.cross],
    reference: { ...r.reference },
  };
}

function segments(spec: CheckedSpec): PlanSegment[] {
  const models = spec.run.models.map((m) => m.id);
  const out: PlanSegment[] = [];
  for (const set of spec.itemSets) {
    if (set.adaptive !== null) continue;
    out.push({
      kind: "static",
      id: set.id,
      system: set.system,
      template: set.template,
      scorers: [...set.scorers],
      // `only models [...]` (the checker resolved it to run model ids, in run order).
      models: set.models ?? models,
      contexts: contexts(spec, set),
      samples: spec.run.samples,
      items: set.items.map((i) => planItem(i, set.system)),
      responseFormat: set.responseFormat,
    });
  }
  for (const a of spec.adaptive) {
    const set = spec.itemSets.find((s) => s.id === a.items);
    if (!set) continue;
    out.push({
      kind: "adaptive",
      id: a.id,
      system: set.system,
      template: set.template,
      scorers: [...set.scorers],
      models: set.models ?? models,
      contexts: contexts(spec, set),
      bank: set.items.map((i) => planItem(i, set.system)),
      settings: a.settings,
    });
  }
  return out;
}

/**
 * Cultures × usecases of the crossed kinds, in the run's order; one null combination when nothing is
 * crossed. A null in a list (`none`) is a combination without that kind, exactly like an uncrossed one.
 */
function contexts(spec: CheckedSpec, set: CheckedItemSet): ContextCombo[] {
  const r = spec.run;
  type Ids = Array<string | null>;
  const pick = (kind: "culture" | "usecase", runList: Ids, restriction: Ids | null): Ids => {
    if (!r.cross.includes(kind)) return [null];
    return restriction === null ? runList : runList.filter((id) => restriction.includes(id));
  };
  const cultures = pick("culture", r.cultures, set.cultures);
  const usecases = pick("usecase", r.usecases, set.usecases);
  const out: ContextCombo[] = [];
  for (const culture of cultures) for (const usecase of usecases) out.push({ culture, usecase });
  return out;
}

function planItem(i: CheckedItem, system: string): PlanItem {
  return {
    id: i.id,
    system,
    dimension: i.dimension,
    text: i.text,
    difficulty: i.difficulty,
    reverse: i.reverse,
    expect: i.expect,
    fields: i.fields,
    origin: { file: i.origin.file, row: i.origin.row },
  };
}

// Judge validation: every gold example of the plan's gold sets is scored by its scorer (each judge of
// a panel separately, through the same scorer code, providers and cache as a run), the label
// expression turns each outcome into a label, and src/analyse/gold-agreement.ts measures agreement
// with the gold labels. Used by `vc validate` (validateSpec, below) and the validate stage of `vc run`.

import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { goldAgreement, PANEL, type GoldAgreement, type GoldJudgement } from "../analyse/gold-agreement.js";
import type { Label } from "../analyse/agreement.js";
import { goldItem } from "../core/gold.js";
import type { Json, Plan, PlanGoldExample, PlanGoldSet, PlanScorer } from "../core/plan.js";
import type { Provider, ProviderEnv } from "../providers/types.js";
import { agreementTables } from "../report/agreement.js";
import { writeTables, type CsvOptions } from "../report/csv.js";
import { DiskCache } from "../run/cache.js";
import { callSettingsOf, ModelCaller, type FatalStop } from "../run/calls.js";
import { CACHE_DIR_NAME, projectRoot } from "../run/rundir.js";
import { buildScope, evaluate, scoreStep, type ScoreInput, type ScorerDeps } from "../score/index.js";
import { combineValues, panelMember, panelOf } from "../score/panel.js";
import { Interrupts, type Signals } from "./interrupts.js";
import { closeProviders, prepareModels, type PrepareFailure } from "./models.js";
import type { CompileOutcome, RunDeps } from "./run-types.js";
import { scorerDepsOf } from "./scoring-stage.js";
import { commandsOfPlan, declaredCommands, execPermission, type ExecNotAllowed } from "./trust.js";

/** The gold sets' agreement, and whether every `require` holds. */
export interface Validation {
  results: GoldAgreement[];
  judgements: GoldJudgement[];
  passed: boolean;
}

/** The default bootstrap seed of the agreement intervals: the plan's seed, else 1. */
export function validationSeed(plan: Plan): number {
  return plan.run.sampling.seed ?? 1;
}

/** The judges whose labels a gold set's scorer gives: its panel, its own model, or the run's judge. */
export function judgesOf(plan: Plan, scorer: PlanScorer): string[] {
  const panel = panelOf(scorer);
  if (panel) return panel.models;
  const own = scorer.config["model"];
  if (typeof own === "string") return [own];
  if (scorer.kind === "judge" && plan.judge !== null) return [plan.judge];
  // A scorer that calls no model (refusal, regex …) can be validated too: it is its own "judge".
  return [scorer.kind === "judge" || scorer.kind === "guard" ? "(no judge)" : `${scorer.kind}:${scorer.id}`];
}

/** Scores every example of every gold set (at most `concurrency` at a time) and measures agreement. */
export async function validateGold(plan: Plan, deps: ScorerDeps, options: { seed: number; concurrency: number; signal?: AbortSignal }): Promise<Validation> {
  const results: GoldAgreement[] = [];
  const judgements: GoldJudgement[] = [];
  for (const set of plan.gold ?? []) {
    const scorer = plan.scorers.find((s) => s.id === set.scorer);
    if (!scorer) continue; // the checker makes sure it exists
    const judges = judgesOf(plan, scorer);
    const panel = panelOf(scorer);
    const mine: GoldJudgement[] = [];
    await eachLimited(set.examples, options.concurrency, options.signal, async (example) => {
      const input = goldInput(plan, set, example);
      const members = panel ? panel.models.map((m) => panelMember(scorer, m)) : [scorer];
      const labelled = await Promise.all(members.map((m, i) => judgeOne(input, set, example, m, judges[i] ?? "", deps)));
      mine.push(...labelled);
      if (panel) {
        const labels = labelled.map((j) => j.label);
        const complete = labels.every((l): l is Label => l !== null);
        const joined = complete ? combineValues(labels, panel.combine) : null;
        mine.push({
          example,
          judge: PANEL,
          label: joined,
          score: null,
          error: !complete
            ? "a judge of the panel gave no label"
            : joined === null
              ? `combine ${panel.combine} cannot join labels ${JSON.stringify(labels)}`
              : null,
        });
      }
    });
    // Examples in file order, whatever order their judges answered in.
    const order = new Map(set.examples.map((e, i) => [e.id, i]));
    mine.sort((a, b) => (order.get(a.example.id) ?? 0) - (order.get(b.example.id) ?? 0));
    judgements.push(...mine);
    results.push(goldAgreement(set, judges, mine, options.seed));
  }
  return { results, judgements, passed: results.every((r) => r.requirements.every((q) => q.passed)) };
}

/** The scorer's view of a gold example: the prompt and answer, in the example's use case and culture. */
export function goldInput(plan: Plan, set: PlanGoldSet, example: PlanGoldExample): ScoreInput {
  const system = set.system === null ? undefined : plan.systems.find((s) => s.id === set.system);
  const dimension = system?.dimensions.find((d) => d.id === example.domain);
  return {
    stepId: `gold:${set.id}:${example.id}`,
    model: "gold",
    system: { id: system?.id ?? "", label: system?.label ?? "", description: system?.description ?? null },
    dimension: { id: example.domain ?? "", label: dimension?.label ?? example.domain ?? "", description: dimension?.description ?? null },
    item: goldItem(example, set.system),
    culture: example.culture === null ? null : (plan.cultures.find((c) => c.id === example.culture) ?? null),
    usecase: example.usecase === null ? null : (plan.usecases.find((u) => u.id === example.usecase) ?? null),
    sample: 0,
    params: plan.params,
    messages: [{ role: "user", content: example.prompt }],
    response: example.answer,
  };
}

/** One judge's label of one example: the scorer's outcome through the gold set's label expression. */
async function judgeOne(
  input: ScoreInput,
  set: PlanGoldSet,
  example: PlanGoldExample,
  scorer: PlanScorer,
  judge: string,
  deps: ScorerDeps,
): Promise<GoldJudgement> {
  const outcome = await scoreStep(input, scorer, deps);
  if (outcome.error !== null || outcome.score === null) return { example, judge, label: null, score: null, error: outcome.error ?? "no score" };
  if (set.label === null) return { example, judge, label: outcome.score, score: outcome.score, error: null };
  const raw = outcome.raw;
  const fields: Record<string, Json> = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? { ...raw } : {};
  if (outcome.refused !== null) fields["refused"] = outcome.refused;
  const value = evaluate(set.label, buildScope(input, raw, fields, outcome.score));
  if (!value.ok) return { example, judge, label: null, score: outcome.score, error: `label: ${value.error}` };
  const v = value.value;
  const label =
    set.scale === "categorical"
      ? typeof v === "string" || typeof v === "number" || typeof v === "boolean"
        ? String(v)
        : null
      : typeof v === "number"
        ? v
        : null;
  if (label === null)
    return {
      example,
      judge,
      label: null,
      score: outcome.score,
      error: `label: expected ${set.scale === "categorical" ? "a category" : "a number"}, got ${JSON.stringify(v)}`,
    };
  return { example, judge, label, score: outcome.score, error: null };
}

/** Runs `work` over `items` with at most `limit` in flight; stops starting new ones on abort. */
async function eachLimited<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

// ---------------------------------------------------------------------------------------------
// `vc validate SPEC`

export interface ValidateRequest {
  spec: string;
  judge: string | null;
  set: Record<string, string>;
  /** Output folder (default: outputs/<spec name>/validate). */
  out: string | null;
  cache: boolean;
  seed: number | null;
  csv: Required<CsvOptions>;
  /** --allow-exec: run the commands the spec's judges and scorers declare, this once. */
  allowExec?: boolean;
}

export type ValidateDeps = Pick<RunDeps, "compile" | "createProvider">;

export type ValidateFailure =
  | { kind: "compile_failed"; output: string }
  | { kind: "no_gold"; spec: string }
  | PrepareFailure
  | { kind: "validation_interrupted" }
  | { kind: "validation_stopped"; fatal: FatalStop }
  | { kind: "write_failed"; error: string }
  | ExecNotAllowed;

export type ValidateOutcome = { ok: true; validation: Validation; dir: string; files: string[] } | { ok: false; failure: ValidateFailure };

export async function validateSpec(
  request: ValidateRequest,
  deps: ValidateDeps,
  io: { cwd: string; env: ProviderEnv; signals: Signals },
): Promise<ValidateOutcome> {
  const specPath = resolve(io.cwd, request.spec);
  const compiled: CompileOutcome = await deps.compile(specPath, { cwd: io.cwd, set: request.set, models: [], judge: request.judge, jsonIo: false });
  if (!compiled.ok) return { ok: false, failure: { kind: "compile_failed", output: compiled.output } };
  const plan = compiled.plan;
  if ((plan.gold ?? []).length === 0) return { ok: false, failure: { kind: "no_gold", spec: request.spec } };
  const specDir = dirname(specPath);
  // Validation runs the spec's scorers and judges: their commands need permission as in a rescore.
  const typed = new Set<string>(request.judge !== null ? [request.judge] : []);
  const commands = declaredCommands(commandsOfPlan(plan, "rescore"), compiled.sites ?? new Map(), typed);
  const refused = execPermission(commands, specPath, specDir, { allowExec: request.allowExec === true, env: io.env });
  if (refused) return { ok: false, failure: refused };
  const interrupts = new Interrupts(io.signals, { graceMs: null });
  const providers: Provider[] = [];
  try {
    const needs = goldJudgeNeeds(plan);
    const prepared = await prepareModels(
      needs,
      { plan, env: io.env, specDir, createProvider: deps.createProvider, pull: false, signal: interrupts.signal, interrupted: () => interrupts.interrupted },
      providers,
    );
    if (!prepared.ok) return { ok: false, failure: prepared.failure };
    const caller = new ModelCaller({
      models: prepared.models,
      settings: callSettingsOf(plan),
      concurrencyOverride: null,
      cache: request.cache ? new DiskCache(join(projectRoot(specDir), CACHE_DIR_NAME)) : null,
      env: io.env,
    });
    interrupts.attach(caller);
    const deps2 = scorerDepsOf({ plan, caller, specDir, env: io.env, signal: interrupts.signal });
    const validation = await validateGold(plan, deps2, {
      seed: request.seed ?? validationSeed(plan),
      concurrency: plan.run.concurrency,
      signal: interrupts.signal,
    });
    if (interrupts.interrupted) return { ok: false, failure: { kind: "validation_interrupted" } };
    if (caller.fatal) return { ok: false, failure: { kind: "validation_stopped", fatal: caller.fatal } };
    const dir = resolve(io.cwd, request.out ?? join(projectRoot(specDir), "outputs", plan.name, "validate"));
    mkdirSync(dir, { recursive: true });
    const written = writeTables(dir, agreementTables(validation.results), request.csv);
    if (!written.ok) return { ok: false, failure: { kind: "write_failed", error: written.error } };
    return { ok: true, validation, dir, files: written.files };
  } finally {
    interrupts.dispose();
    await closeProviders(providers);
  }
}

/** The judge models the gold sets' scorers call. */
export function goldJudgeNeeds(plan: Plan): Array<{ id: string; role: "judge" }> {
  const ids: string[] = [];
  for (const set of plan.gold ?? []) {
    const scorer = plan.scorers.find((s) => s.id === set.scorer);
    if (!scorer || (scorer.kind !== "judge" && scorer.kind !== "guard")) continue;
    for (const id of judgesOf(plan, scorer)) if (id !== "(no judge)" && !ids.includes(id)) ids.push(id);
  }
  return ids.map((id) => ({ id, role: "judge" }));
}

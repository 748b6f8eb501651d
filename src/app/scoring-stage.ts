// Scoring the answers: every step is scored by each scorer its segment lists, and each (step, scorer)
// pair becomes one ScoreRecord in scores.jsonl (src/run/score-journal.ts). In `vc run` this happens
// after each model's answers (the `afterModel` hook: judge calls in one batch per model, through the
// run's ModelCaller, so they are cached, rate-limited and retried like the steps), then once more at
// the end for anything left (the adaptive steps' other scorers). `vc rescore` uses the same code.
//
// Rules: a failed step gets a "no response" record; a scoring error is recorded as such, never as a
// made-up score; a pair already recorded is not scored again (resume) — except a "no response" record
// of a step that has an answer now (`--retry-failed` re-ran it). A scoring error that arrives while
// the run is stopping (interrupt, fatal failure) is not recorded: it may be the stop itself, and the
// pair is scored on resume.

import { join } from "node:path";
import type { Plan, PlanCulture, PlanDimension, PlanScorer, PlanSystem, PlanUsecase } from "../core/plan.js";
import { findItem, renderTemplate } from "../compile/render.js";
import { failedOutcome, scoreStep, toScoreRecord, type ScoreInput, type ScoreOutcome, type ScorerDeps } from "../score/index.js";
import type { ChatResult, ProviderEnv } from "../providers/types.js";
import type { CallOutcome, ModelRequest } from "../run/calls.js";
import type { ScoreRecord, StepRecord } from "../core/records.js";
import { readScoreRecords, ScoreJournal, scoreKey, SCORES_FILE } from "../run/score-journal.js";
import type { JudgeBatchRequest } from "./batch-stage.js";
import type { JudgeBatcher, RunStage, StageContext, StageReport } from "./stages.js";

/** The error of the record a step without an answer gets (src/score: failedOutcome("no response")). */
import { countScores, judgeModelsOf, NO_RESPONSE, type ScoringCounts } from "../run/scoring-plan.js";

export { countScores, judgeModelsOf, NO_RESPONSE, type ScoringCounts };

/** What scoring needs from a run (or from `vc rescore`). */
export interface ScoringEnv {
  plan: Plan;
  caller: { call(modelId: string, request: ModelRequest): Promise<CallOutcome>; concurrencyOf(modelId: string): number };
  specDir: string;
  env: ProviderEnv;
  signal: AbortSignal;
}

/** The latest score of each (step, scorer) pair known so far: enough to skip and to replay. */
export interface ScoreEntry {
  score: number | null;
  /** The record's outcome (null: none); an adaptive pass rule may read it. */
  outcome: string | null;
  noResponse: boolean;
}

export type ScoreBook = Map<string, ScoreEntry>;

export interface ScoringTally {
  /** Records written with a score. */
  scored: number;
  /** Records written with a scoring error (on answered steps). */
  errors: number;
  /** Records written for steps without an answer. */
  noResponse: number;
  /** Pairs already recorded before. */
  skipped: number;
  /** Pairs whose scoring was cut short by the stop of the run (not recorded). */
  dropped: number;
}

export function emptyTally(): ScoringTally {
  return { scored: 0, errors: 0, noResponse: 0, skipped: 0, dropped: 0 };
}

/** Read scores.jsonl (if any) into a score book. */
export function readScoreBook(path: string): ScoreBook {
  const book: ScoreBook = new Map();
  for (const r of readScoreRecords(path)) book.set(scoreKey(r.stepId, r.scorer), entryOf(r));
  return book;
}

function entryOf(r: ScoreRecord): ScoreEntry {
  return { score: r.score, outcome: r.outcome ?? null, noResponse: r.error === NO_RESPONSE };
}

// ---------------------------------------------------------------------------------------------------
// From a step record to what the scorers take

interface PlanLookup {
  systems: Map<string, PlanSystem>;
  dimensions: Map<string, PlanDimension>;
  cultures: Map<string, PlanCulture>;
  usecases: Map<string, PlanUsecase>;
  scorers: Map<string, PlanScorer>;
  segmentScorers: Map<string, string[]>;
}

const lookups = new WeakMap<Plan, PlanLookup>();

function lookupOf(plan: Plan): PlanLookup {
  let l = lookups.get(plan);
  if (l) return l;
  l = {
    systems: new Map(plan.systems.map((s) => [s.id, s])),
    dimensions: new Map(plan.systems.flatMap((s) => s.dimensions.map((d) => [`${s.id}\u0000${d.id}`, d] as const))),
    cultures: new Map(plan.cultures.map((c) => [c.id, c])),
    usecases: new Map(plan.usecases.map((u) => [u.id, u])),
    scorers: new Map(plan.scorers.map((s) => [s.id, s])),
    segmentScorers: new Map(plan.segments.map((s) => [s.id, s.scorers])),
  };
  lookups.set(plan, l);
  return l;
}

/** The scorers of a step: those its segment lists (none when the segment is not in the plan). */
export function scorersOfStep(plan: Plan, record: Pick<StepRecord, "segment">): string[] {
  return lookupOf(plan).segmentScorers.get(record.segment) ?? [];
}

/** The scorers' view of a journaled step; null when its segment or item is not in the plan. */
export function scoreInputOf(plan: Plan, record: StepRecord): ScoreInput | null {
  const l = lookupOf(plan);
  const item = findItem(plan, record.segment, record.item);
  if (!item) return null;
  const system = l.systems.get(record.system);
  const dimension = l.dimensions.get(`${record.system}\u0000${record.dimension}`);
  const culture = record.context.culture === null ? null : (l.cultures.get(record.context.culture) ?? null);
  const usecase = record.context.usecase === null ? null : (l.usecases.get(record.context.usecase) ?? null);
  return {
    stepId: record.stepId,
    model: record.model,
    system: { id: record.system, label: system?.label ?? record.system, description: system?.description ?? null },
    dimension: { id: record.dimension, label: dimension?.label ?? record.dimension, description: dimension?.description ?? null },
    item,
    culture,
    usecase,
    sample: record.sample,
    params: plan.params,
    messages: record.messages,
    response: record.response,
  };
}

/** Judge and guard calls go through the run's caller; rubrics are the plan's templates. */
export function scorerDepsOf(env: ScoringEnv): ScorerDeps {
  const seed = env.plan.run.sampling.seed;
  return {
    callJudge: (id, request) => env.caller.call(id, request),
    renderJudgeMessages: (id, context) => renderTemplate(env.plan, id, context),
    judgeModel: env.plan.judge,
    // Greedy, and with the run's seed where a server uses one, so a judge answers the same way again.
    judgeSampling: { temperature: 0, ...(seed !== undefined ? { seed } : {}) },
    execCwd: env.specDir,
    execEnv: env.env,
    signal: env.signal,
  };
}

// ---------------------------------------------------------------------------------------------------
// Scoring

/**
 * Score one step with one scorer and write the record (unless the run is stopping and the outcome is
 * an error). Returns the record written, or null when nothing was written.
 */
export async function scoreAndRecord(
  env: ScoringEnv,
  deps: ScorerDeps,
  record: StepRecord,
  scorerId: string,
  journal: ScoreJournal,
  book: ScoreBook,
  tally: ScoringTally,
): Promise<ScoreRecord | null> {
  const scorer = lookupOf(env.plan).scorers.get(scorerId);
  const input = scoreInputOf(env.plan, record);
  let written: ScoreRecord;
  if (record.response === null) {
    written = toScoreRecord(record.stepId, scorerId, failedOutcome(NO_RESPONSE));
  } else if (!scorer) {
    written = toScoreRecord(record.stepId, scorerId, failedOutcome(`scorer '${scorerId}' is not in the plan`));
  } else if (!input) {
    written = toScoreRecord(record.stepId, scorerId, failedOutcome(`item '${record.item}' of '${record.segment}' is not in the plan`));
  } else {
    let outcome: ScoreOutcome;
    try {
      outcome = await scoreStep(input, scorer, deps);
    } catch (error) {
      // scoreStep promises not to throw; should it, the pair still gets a record.
      outcome = {
        score: null,
        raw: null,
        verdict: null,
        rule: null,
        refused: null,
        outcome: null,
        error: `scorer failed: ${error instanceof Error ? error.message : String(error)}`,
        judge: null,
      };
    }
    if (outcome.error !== null && env.signal.aborted) {
      tally.dropped++;
      return null;
    }
    written = toScoreRecord(record.stepId, scorerId, outcome);
  }
  journal.append(written);
  book.set(scoreKey(record.stepId, scorerId), entryOf(written));
  if (written.error === NO_RESPONSE) tally.noResponse++;
  else if (written.error !== null) tally.errors++;
  else tally.scored++;
  return written;
}

/** Whether a pair still needs scoring: never recorded, or "no response" for a step that has an answer now. */
export function needsScore(book: ScoreBook, record: StepRecord, scorerId: string): boolean {
  const entry = book.get(scoreKey(record.stepId, scorerId));
  return entry === undefined || (entry.noResponse && record.response !== null);
}

/**
 * Score every pending (step, scorer) pair of the records, at most `window` at a time (the caller's
 * lanes do the real limiting; the window keeps the number of promises and records in memory small).
 */
export async function scoreSteps(
  env: ScoringEnv,
  records: Iterable<StepRecord>,
  journal: ScoreJournal,
  book: ScoreBook,
  options: {
    window?: number;
    scorersOf?: (record: StepRecord) => readonly string[];
    /** Each pair as it is settled: scored now (also as an error or "no response"), or recorded before. */
    onPair?: (before: boolean) => void;
  } = {},
): Promise<ScoringTally> {
  const tally = emptyTally();
  const deps = scorerDepsOf(env);
  const window = Math.max(1, options.window ?? scoringWindow(env));
  const scorersOf = options.scorersOf ?? ((r: StepRecord) => scorersOfStep(env.plan, r));
  const inFlight = new Set<Promise<unknown>>();
  for (const record of records) {
    if (env.signal.aborted) break;
    for (const scorerId of scorersOf(record)) {
      if (!needsScore(book, record, scorerId)) {
        tally.skipped++;
        options.onPair?.(true);
        continue;
      }
      const p: Promise<unknown> = scoreAndRecord(env, deps, record, scorerId, journal, book, tally)
        .then((written) => {
          if (written) options.onPair?.(false);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      while (inFlight.size >= window) await Promise.race(inFlight);
    }
  }
  await Promise.all(inFlight);
  return tally;
}

/** Twice the widest judge lane (so every lane stays busy), at least 4. */
export function scoringWindow(env: ScoringEnv): number {
  let widest = 2;
  for (const id of judgeModelsOf(env.plan)) widest = Math.max(widest, env.caller.concurrencyOf(id));
  return widest * 2;
}

// ---------------------------------------------------------------------------------------------------
// The stage

const books = new WeakMap<StageContext, ScoreBook>();

/**
 * The run's score book: scores.jsonl read once per run, then kept up to date by everything that
 * scores through it (this stage and the adaptive stage), so the end-of-run sweep skips their work.
 */
export function scoreBookOf(ctx: StageContext): ScoreBook {
  let book = books.get(ctx);
  if (!book) {
    book = readScoreBook(join(ctx.runDir, SCORES_FILE));
    books.set(ctx, book);
  }
  return book;
}

export function scoringEnvOf(ctx: StageContext): ScoringEnv {
  return { plan: ctx.plan, caller: ctx.caller, specDir: ctx.specDir, env: ctx.env, signal: ctx.signal };
}

/**
 * `countBefore`: pairs recorded before count on the progress line as done in an earlier session
 * (after each model: a resumed run); the end-of-run sweep passes false, as it meets every pair again.
 */
async function scoreWith(ctx: StageContext, records: () => Iterable<StepRecord>, countBefore: boolean, scope: string): Promise<ScoringTally> {
  const book = scoreBookOf(ctx);
  let env = scoringEnvOf(ctx);
  if (ctx.judgeBatch) env = await withBatchedJudges(env, ctx.judgeBatch, records(), book, scope);
  const journal = ScoreJournal.open(join(ctx.runDir, SCORES_FILE));
  const onPair = (before: boolean): void => {
    if (!before) ctx.progress.done();
    else if (countBefore) ctx.progress.skip(1);
  };
  try {
    return await scoreSteps(env, records(), journal, book, { onPair });
  } finally {
    journal.close();
  }
}

/** Scorer kinds that call judge models (and nothing else with side effects): the ones a dry pass may run. */
const JUDGE_KINDS = new Set(["judge", "guard"]);

/**
 * `run --batch`: the judge calls of a scoring pass go through the Batch API. A dry pass runs the judge
 * scorers of every pending pair with a callJudge that only notes the request (custom_id = step id +
 * scorer) and writes nothing; the requests to batchable judges are sent as one batch per judge model
 * (or an earlier session's batch of the same pass is re-attached); the real pass then finds each
 * first call's answer there. A call the batch did not answer, or a follow-up call (an invalid answer
 * sent back), or a judge that cannot be batched, is made live as usual.
 */
export async function withBatchedJudges(
  env: ScoringEnv,
  batcher: JudgeBatcher,
  records: Iterable<StepRecord>,
  book: ScoreBook,
  scope: string,
): Promise<ScoringEnv> {
  const requests: JudgeBatchRequest[] = [];
  const used = new Set<string>();
  const l = lookupOf(env.plan);
  const base = scorerDepsOf(env);
  for (const record of records) {
    if (env.signal.aborted) return env;
    if (record.response === null) continue;
    for (const scorerId of scorersOfStep(env.plan, record)) {
      const scorer = l.scorers.get(scorerId);
      if (!scorer || !JUDGE_KINDS.has(scorer.kind) || !needsScore(book, record, scorerId)) continue;
      const input = scoreInputOf(env.plan, record);
      if (!input) continue;
      const dry: ScorerDeps = {
        ...base,
        callJudge: async (model, request) => {
          if (batcher.batchable(model)) {
            let customId = `${record.stepId}:${scorerId}`;
            for (let n = 2; used.has(`${model}\u0000${customId}`); n++) customId = `${record.stepId}:${scorerId}:${n}`;
            used.add(`${model}\u0000${customId}`);
            requests.push({ customId, model, request });
          }
          return {
            result: { ok: false, failure: { kind: "aborted", message: "collecting the judge calls for a batch", status: null, retryAfterMs: null } },
            attempts: 0,
            cached: false,
          };
        },
      };
      await scoreStep(input, scorer, dry);
    }
  }
  if (requests.length === 0) return env;
  const answers = await batcher.run(scope, requests);
  // The real pass asks with the same requests (same code, same inputs): found by their content, each once.
  const byRequest = new Map<string, ChatResult[]>();
  for (const r of requests) {
    const answer = answers.get(r.customId);
    if (!answer) continue;
    const key = requestKey(r.model, r.request);
    byRequest.set(key, [...(byRequest.get(key) ?? []), answer]);
  }
  if (byRequest.size === 0) return env;
  const live = env.caller;
  return {
    ...env,
    caller: {
      concurrencyOf: (id) => live.concurrencyOf(id),
      call: (id, request) => {
        const queue = byRequest.get(requestKey(id, request));
        const answer = queue?.shift();
        if (answer) return Promise.resolve({ result: answer, attempts: 1, cached: false });
        return live.call(id, request);
      },
    },
  };
}

function requestKey(model: string, request: ModelRequest): string {
  return JSON.stringify([model, request]);
}

function hasScorers(plan: Plan): boolean {
  return plan.segments.some((s) => s.scorers.length > 0);
}

export const scoringStage: RunStage = {
  name: "scoring",
  async afterModel(ctx, model) {
    if (!hasScorers(ctx.plan)) return;
    const tally = await scoreWith(ctx, () => ctx.records(model), true, `after ${model}`);
    if (tally.errors > 0 && !ctx.quiet) {
      ctx.note(
        `value-compass run: ${tally.errors} scoring error${tally.errors === 1 ? "" : "s"} for ${model} (recorded in ${SCORES_FILE}; no score was made up)`,
      );
    }
  },
  async afterSteps(ctx): Promise<StageReport> {
    if (!hasScorers(ctx.plan)) return { errors: 0, files: [] };
    await scoreWith(ctx, () => ctx.records(), false, "end");
    const counts = countScores(join(ctx.runDir, SCORES_FILE));
    if (counts.errors > 0) {
      ctx.note(`value-compass run: ${counts.errors} of ${counts.records} scores are scoring errors (the error column of scores.csv)`);
    }
    return { errors: counts.errors, files: [SCORES_FILE] };
  },
};

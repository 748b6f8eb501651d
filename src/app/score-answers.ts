// `vc score SPEC --answers FILE…`: the run pipeline with the evaluated models' answers taken from
// recorded files instead of asked for. The spec's models become the answers' models; after compiling,
// every step is matched to its recorded answer (answers/match.ts) and each evaluated model gets a
// ReplayProvider; judges and guards are called as in a live run. The run folder, journal, manifest
// (with the answers files' hashes among its inputs) and tables are the ones a live run writes.

import type { Plan, PlanStep } from "../core/plan.js";
import { ReplayProvider, requestKey } from "./answers/replay-provider.js";
import { matchAnswers, type MatchReport } from "./answers/match.js";
import type { AnswersRead } from "./answers/read.js";
import type { RecordedAnswer } from "./answers/types.js";
import type { RunDeps, RunRequest } from "./run-types.js";

/** What the matching found, for the command to report before the steps run. */
export interface ReplayNotice {
  steps: number;
  matched: number;
  byPrompt: number;
  missing: PlanStep[];
  unmatched: MatchReport["unmatched"];
}

/** The answers' models, in the order they first appear: the plan's evaluated models. */
export function answerModels(read: AnswersRead): string[] {
  const models: string[] = [];
  for (const a of read.answers) if (!models.includes(a.model)) models.push(a.model);
  return models;
}

/** The run request for scoring recorded answers: their models, no cache, their files as inputs. */
export function replayRequest(base: RunRequest, read: AnswersRead): RunRequest {
  return {
    ...base,
    models: answerModels(read),
    // A cached answer would be some earlier call's, not the recorded one.
    cache: false,
    resume: null,
    retryFailed: false,
    pull: false,
    answers: read.files.map((f) => ({ path: f.path, sha256: f.sha256, format: f.format })),
  };
}

/**
 * Deps whose compile also matches the answers to the plan's steps (and says what it found through
 * `notice`), and whose providers answer the evaluated models from them. Two steps of one model with the
 * same messages and sample but different answers cannot be told apart by the adapter: that is refused.
 */
export function replayDeps(base: RunDeps, read: AnswersRead, notice: (n: ReplayNotice) => void): RunDeps {
  const perModel = new Map<string, Map<string, RecordedAnswer>>();
  let evaluated = new Set<string>();
  const source = read.files.map((f) => f.path).join(", ");
  return {
    ...base,
    compile: async (specPath, options) => {
      const compiled = await base.compile(specPath, options);
      if (!compiled.ok) return compiled;
      const plan: Plan = compiled.plan;
      evaluated = new Set(plan.segments.flatMap((s) => s.models));
      const steps = [...base.iterateSteps(plan)];
      const report = matchAnswers(plan, steps, read.answers);
      const clashes: string[] = [];
      for (const step of steps) {
        const answer = report.byStep.get(step.id);
        if (!answer) continue;
        const map = perModel.get(step.model) ?? new Map<string, RecordedAnswer>();
        perModel.set(step.model, map);
        const key = requestKey(step.messages, step.sample);
        const earlier = map.get(key);
        if (earlier && earlier.answer !== answer.answer)
          clashes.push(`${step.model}, item ${step.item} (${answer.file}:${answer.line} and ${earlier.file}:${earlier.line})`);
        map.set(key, answer);
      }
      if (clashes.length > 0) {
        return {
          ok: false,
          output: `two steps of one model have the same prompt and sample but different recorded answers, so they cannot be told apart:\n  ${clashes.slice(0, 10).join("\n  ")}\n`,
        };
      }
      notice({ steps: steps.length, matched: report.byStep.size, byPrompt: report.byPrompt, missing: report.missing, unmatched: report.unmatched });
      return compiled;
    },
    createProvider: (model, env, specDir) =>
      evaluated.has(model.id) ? new ReplayProvider(model, perModel.get(model.id) ?? new Map(), source) : base.createProvider(model, env, specDir),
  };
}

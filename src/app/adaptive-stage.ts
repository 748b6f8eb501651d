// Adaptive segments in `vc run`: after the static steps (the `extraSteps` hook), each adaptive segment
// runs through src/adaptive/segment.ts — per model × context examinee, in plan order, one item at a
// time. The answer function makes an item an ordinary step:
//   - a step already in the journal (a resumed run) is replayed: no call, its recorded score decides;
//   - otherwise the model is called through the run's ModelCaller, the StepRecord journaled (and
//     counted by the progress display), the answer scored with the deciding scorer and the ScoreRecord
//     written;
//   - the answer conforms (1) when it passes the block's pass rule (its outcome is in `pass`, default
//     "safe" only; or, for a scorer without outcomes, its score reaches the threshold), not (0)
//     otherwise, and is skipped (null) when it has no score (a failed call, a scoring error).
// Since the choices depend only on the answers so far and the seed, a resumed run that replays the
// journal makes exactly the same choices. `--retry-failed` does not re-run failed adaptive steps: the
// test went on without them, and a new answer would change every item that came after.
//
// With a `generate { ... }` block, once a segment's examinees are done, each examinee's ability is
// checked against the bank (needsGeneration, per dimension) and, where the bank falls short, new items
// are generated, judged and appended to the reviewable `.generated.jsonl` file (src/adaptive/generate.ts).
// Generated items never enter the bank during the run — they are reviewed first — so generating after
// the segment rather than between two examinees changes nothing but keeps the generator's calls out of
// the evaluated models' turn. What was accepted and rejected (with reasons) goes to generation.jsonl.

import { appendFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { AdaptiveSegment, Plan, PlanStep } from "../core/plan.js";
import { bankFromPlanItems } from "../adaptive/bank.js";
import { evolveBank, generatedFileFor, type DimensionInfo, type ExampleItem } from "../adaptive/generate.js";
import { runAdaptiveSegment, type ExamineeOutcome } from "../adaptive/segment.js";
import { adaptiveRules, conforms, type GenerateSettings } from "../adaptive/rules.js";
import { requestOf, stepRecord } from "../run/execute.js";
import type { StepRecord } from "../core/records.js";
import { shardOfSegment } from "../run/shard.js";
import { ScoreJournal, scoreKey, SCORES_FILE } from "../run/score-journal.js";
import { emptyTally, scoreAndRecord, scoreBookOf, scorerDepsOf, scoringEnvOf } from "./scoring-stage.js";
import type { RunStage, StageContext, StageReport } from "./stages.js";

export const GENERATION_LOG = "generation.jsonl";

function adaptiveSegments(plan: Plan): AdaptiveSegment[] {
  return plan.segments.filter((s): s is AdaptiveSegment => s.kind === "adaptive");
}

async function runSegments(ctx: StageContext): Promise<StageReport> {
  // A sharded run: each adaptive segment is run whole by the one shard its id hashes to (docs/scale.md).
  const shard = ctx.shard ?? null;
  const segments = adaptiveSegments(ctx.plan).filter((s) => shard === null || shardOfSegment(s.id, shard.count) === shard.index);
  const report: StageReport = { errors: 0, files: [] };
  if (segments.length === 0) return report;
  const ids = new Set(segments.map((s) => s.id));
  // Bounded by models × contexts × bank size: small enough to hold, and needed for the replay.
  const journaled = new Map<string, StepRecord>();
  for (const r of ctx.records()) if (ids.has(r.segment)) journaled.set(r.stepId, r);
  /** Steps already on the progress line (journaled now, or replayed once). */
  const counted = new Set<string>();

  const book = scoreBookOf(ctx);
  const env = scoringEnvOf(ctx);
  const deps = scorerDepsOf(env);
  const tally = emptyTally();
  const scores = ScoreJournal.open(join(ctx.runDir, SCORES_FILE));
  try {
    for (const segment of segments) {
      if (ctx.signal.aborted) break;
      const parsed = adaptiveRules(ctx.plan, segment);
      if (!parsed.ok) {
        ctx.note(`value-compass run: ${parsed.message}; the block was not run`);
        report.errors++;
        continue;
      }
      const rules = parsed.rules;
      const answer = async (step: PlanStep): Promise<0 | 1 | null> => {
        if (ctx.signal.aborted) return null;
        let record = journaled.get(step.id);
        // A step of an earlier session, replayed: counted on the line (once), not in its rate.
        if (record) {
          if (!counted.has(step.id)) ctx.progress.skip(1);
          counted.add(step.id);
        } else {
          const outcome = await ctx.caller.call(step.model, requestOf(step));
          // As for static steps: a failure while the run is stopping is not the model's; not recorded.
          if (!outcome.result.ok && (outcome.result.failure.kind === "aborted" || ctx.signal.aborted)) return null;
          record = stepRecord(step, outcome, ctx.caller.isMock(step.model));
          ctx.journalStep(record);
          journaled.set(step.id, record);
          counted.add(step.id);
        }
        const entry = book.get(scoreKey(record.stepId, rules.scorer));
        let score: number | null;
        let outcome: string | null;
        if (entry && !(entry.noResponse && record.response !== null)) {
          score = entry.score;
          outcome = entry.outcome ?? null;
        } else {
          const written = await scoreAndRecord(env, deps, record, rules.scorer, scores, book, tally);
          if (!written) return null;
          score = written.score;
          outcome = written.outcome ?? null;
        }
        return conforms(rules, score, outcome);
      };
      const result = await runAdaptiveSegment(ctx.plan, segment, { answer, stopped: () => ctx.signal.aborted });
      if (!result.ok) {
        ctx.note(`value-compass run: ${result.message}`);
        report.errors++;
        continue;
      }
      // rules.notes repeat result.notes (the same settings, read once more by the segment driver).
      for (const note of result.notes) if (!ctx.quiet) ctx.note(`value-compass run: adaptive block '${segment.id}': ${note}`);
      if (rules.generate && !ctx.signal.aborted) {
        const generated = await generateForSegment(ctx, segment, rules.generate, result.examinees);
        report.errors += generated.errors;
        if (generated.logged && !report.files.includes(GENERATION_LOG)) report.files.push(GENERATION_LOG);
      }
    }
  } finally {
    scores.close();
  }
  if (tally.errors > 0 && !ctx.quiet) {
    ctx.note(`value-compass run: ${tally.errors} scoring error${tally.errors === 1 ? "" : "s"} in adaptive steps (those items were skipped)`);
  }
  return report;
}

/** Where accepted items go: the block's `file`, else beside the bank's data file, else beside the spec. */
export function generatedFileOf(specDir: string, segment: AdaptiveSegment, settings: GenerateSettings): string {
  if (settings.file !== null) return resolve(specDir, settings.file);
  const fromFile = segment.bank.find((i) => i.origin.row !== null);
  if (fromFile) return generatedFileFor(resolve(specDir, fromFile.origin.file));
  return join(specDir, `${segment.id}.generated.jsonl`);
}

async function generateForSegment(
  ctx: StageContext,
  segment: AdaptiveSegment,
  settings: GenerateSettings,
  examinees: readonly ExamineeOutcome[],
): Promise<{ errors: number; logged: boolean }> {
  const system = ctx.plan.systems.find((s) => s.id === segment.system);
  const siblings: DimensionInfo[] = (system?.dimensions ?? []).map((d) => ({ id: d.id, label: d.label, description: d.description }));
  const calibrated = new Map(bankFromPlanItems(segment.bank).map((b) => [b.id, b.calibrated]));
  const bank: ExampleItem[] = segment.bank
    .filter((i) => i.difficulty !== null)
    .map((i) => ({ id: i.id, dimension: i.dimension, text: i.text, difficulty: i.difficulty ?? 0, calibrated: calibrated.get(i.id) ?? false }));
  const dimensions = siblings.filter((d) => segment.bank.some((i) => i.dimension === d.id));
  const file = generatedFileOf(ctx.specDir, segment, settings);
  const shown = relative(ctx.specDir, file);
  const seed = ctx.plan.run.sampling.seed;
  let errors = 0;
  let logged = false;
  for (const x of examinees) {
    for (const dimension of dimensions) {
      if (ctx.signal.aborted) return { errors, logged };
      const result = await evolveBank(
        {
          system: { id: segment.system, label: system?.label ?? segment.system, description: system?.description ?? null },
          dimension,
          siblings,
          generator: settings.model,
          judge: settings.judge,
          runId: ctx.runId,
          count: settings.count,
          bank,
          theta: x.estimate.theta,
          window: settings.window,
          minItems: settings.minItems,
          used: new Set([...x.answered.map((a) => a.id), ...x.skipped]),
          file,
          options: seed !== undefined ? { sampling: { seed } } : {},
        },
        { call: (id, request) => ctx.caller.call(id, request) },
      );
      if (!result.generation) continue;
      const g = result.generation;
      const written = result.append?.ok ? result.append.written : [];
      appendFileSync(
        join(ctx.runDir, GENERATION_LOG),
        `${JSON.stringify({
          segment: segment.id,
          model: x.model,
          context: x.context,
          dimension: dimension.id,
          theta: x.estimate.theta,
          need: result.need,
          file: shown.startsWith("..") || isAbsolute(shown) ? file : shown.split("\\").join("/"),
          accepted: g.accepted.map((a) => a.id),
          written,
          rejected: g.rejected,
          failure: g.failure,
          calls: g.calls,
        })}\n`,
      );
      logged = true;
      if (g.failure !== null || (result.append && !result.append.ok)) errors++;
      if (!ctx.quiet || g.failure !== null) {
        const parts = [`${g.accepted.length} accepted${written.length > 0 ? ` → ${shown}` : ""}`];
        if (g.rejected.length > 0)
          parts.push(
            `${g.rejected.length} rejected (${g.rejected
              .map((r) => r.reason)
              .slice(0, 2)
              .join("; ")})`,
          );
        if (g.failure !== null) parts.push(`stopped: ${g.failure}`);
        if (result.append && !result.append.ok) parts.push(result.append.message);
        ctx.note(
          `value-compass run: adaptive block '${segment.id}': new ${dimension.id} items near θ ${x.estimate.theta.toFixed(2)} for ${x.examinee}: ${parts.join(", ")}`,
        );
      }
    }
  }
  return { errors, logged };
}

export const adaptiveStage: RunStage = {
  name: "adaptive",
  extraSteps: runSegments,
};

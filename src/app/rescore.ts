// `vc rescore RUN_DIR`: score a run's recorded answers again with the spec's *current* scoring rules
// (scorers, `score` expressions, context rules, judge rubrics) and rebuild its reports — without
// asking the evaluated models anything. Only the judge and guard models the scorers use are prepared
// and called (through a ModelCaller with the run's cache, so an unchanged judge request is answered
// from the cache and only the changed rules take effect).
//
// The spec is compiled again from the manifest's spec path, --model and --set values (`--judge`
// replaces the judge, `--model-scorer SCORER=ID` one scorer's model). The recorded steps must still be
// the plan's steps, matched by id; if the spec's step set changed (items, models, contexts, samples
// added or removed), rescoring is refused: those answers belong to another plan.
//
// Files: the fresh scores are written to scores.rescore.jsonl while scoring (an interrupted rescore
// leaves the run as it was); at the end the old scores.jsonl is kept as scores.<UTC time>.jsonl and the
// old plan.json as plan.<UTC time>.json, the new ones take their names, the reports are rebuilt, and
// the manifest gets a `rescores` entry.

import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { AdaptiveSegment, Plan, PlanModel, PlanScorer, PlanStep } from "../core/plan.js";
import { stepId as makeStepId } from "../compile/steps.js";
import { planHash } from "../compile/serialize.js";
import { readPlanHeader } from "../adaptive/plan-file.js";
import { planModelFromId } from "../providers/model-id.js";
import type { Provider } from "../providers/types.js";
import { DiskCache } from "../run/cache.js";
import { callSettingsOf, ModelCaller, describeFatal, type CallerModel } from "../run/calls.js";
import { defaultEndpoint } from "../run/endpoints.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import { MANIFEST_FILE, readManifest, writeManifest, type Manifest, type Rescore } from "../run/manifest.js";
import { displayPath, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, PLAN_FILE, type RunDeps, type RunIO } from "./pipeline.js";
import { reportSeed, summaryText, writeRunReports } from "./report-stage.js";
import { lockRunDir } from "../run/rundir.js";
import { ScoreJournal, SCORES_FILE } from "../run/score-journal.js";
import { countScores, judgeModelsOf, scoreSteps, type ScoreBook, type ScoringEnv } from "./scoring-stage.js";

export const RESCORE_TEMP = "scores.rescore.jsonl";

export interface RescoreRequest {
  runDir: string;
  /** Replaces the run's judge. */
  judge: string | null;
  /** Scorer id → model id, for judge and guard scorers. */
  scorerModels: Record<string, string>;
  /** Bootstrap seed of the rebuilt reports (default: the plan's seed). */
  seed: number | null;
  bom: boolean;
  neutralize: boolean;
  quiet: boolean;
}

export type RescoreDeps = Pick<RunDeps, "compile" | "iterateSteps" | "writePlan" | "createProvider">;

/** `20250314T101502Z`: the time stamp of kept files. */
export function fileStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

function freeName(dir: string, stem: string, stamp: string, ext: string): string {
  let name = `${stem}.${stamp}${ext}`;
  for (let n = 2; existsSync(join(dir, name)); n++) name = `${stem}.${stamp}-${n}${ext}`;
  return name;
}

/** Apply `--model-scorer` overrides; returns an error message for an unknown or model-less scorer. */
export function withScorerModels(plan: Plan, overrides: Record<string, string>): { ok: true; plan: Plan } | { ok: false; message: string } {
  const entries = Object.entries(overrides);
  if (entries.length === 0) return { ok: true, plan };
  const scorers: PlanScorer[] = plan.scorers.map((s) => ({ ...s }));
  for (const [id, model] of entries) {
    const scorer = scorers.find((s) => s.id === id);
    if (!scorer) return { ok: false, message: `--model-scorer: the spec has no scorer '${id}' (scorers: ${plan.scorers.map((s) => s.id).join(", ") || "none"})` };
    if (scorer.kind !== "judge" && scorer.kind !== "guard") return { ok: false, message: `--model-scorer: '${id}' is a ${scorer.kind} scorer; only judge and guard scorers call a model` };
    const parsed = planModelFromId(model);
    if (!parsed.ok) return { ok: false, message: `--model-scorer ${id}=${model}: ${parsed.error}` };
    scorer.config = { ...scorer.config, model };
  }
  const changed: Plan = { ...plan, scorers, hash: "" };
  return { ok: true, plan: { ...changed, hash: planHash(changed) } };
}

/**
 * Whether the recorded steps are the plan's steps. Static steps: the plan enumerates the same ids
 * (and as many as the run's plan had). Adaptive steps: their block is an adaptive block of the plan
 * whose bank holds the item, for the same model and context.
 */
export function compareSteps(
  plan: Plan,
  iterate: (plan: Plan) => Iterable<PlanStep>,
  recorded: Iterable<{ stepId: string; segment: string; model: string; item: string; context: { culture: string | null; usecase: string | null } }>,
  recordedPlanSteps: number | null,
): { ok: true; steps: number } | { ok: false; message: string } {
  const ids = new Set<string>();
  for (const step of iterate(plan)) ids.add(step.id);
  const adaptive = new Map(plan.segments.filter((s): s is AdaptiveSegment => s.kind === "adaptive").map((s) => [s.id, s]));
  const missing: string[] = [];
  let count = 0;
  for (const r of recorded) {
    count++;
    const segment = adaptive.get(r.segment);
    let ok: boolean;
    if (segment) {
      ok =
        segment.bank.some((i) => i.id === r.item) &&
        segment.models.includes(r.model) &&
        segment.contexts.some((c) => c.culture === r.context.culture && c.usecase === r.context.usecase) &&
        makeStepId(segment.id, r.model, r.item, r.context, 0) === r.stepId;
    } else {
      ok = ids.has(r.stepId);
    }
    if (!ok) missing.push(`${r.segment}/${r.item} (${r.model}${r.context.culture ? ` ${r.context.culture}` : ""}${r.context.usecase ? ` ${r.context.usecase}` : ""})`);
  }
  const problems: string[] = [];
  if (missing.length > 0) {
    problems.push(`${missing.length} of the ${count} recorded steps are not steps of the spec now, e.g. ${missing.slice(0, 3).join(", ")}`);
  }
  if (recordedPlanSteps !== null && recordedPlanSteps !== ids.size) {
    problems.push(`the run's plan had ${recordedPlanSteps} static steps, the spec now makes ${ids.size}`);
  }
  if (problems.length > 0) {
    return {
      ok: false,
      message: `the spec's steps no longer match the run: ${problems.join("; ")}. Rescoring needs the same steps (items, models, contexts, samples); only scorers, rules and rubrics may change. Start a new run for the changed spec.`,
    };
  }
  return { ok: true, steps: count };
}

export async function rescoreRun(request: RescoreRequest, deps: RescoreDeps, io: RunIO): Promise<number> {
  const err = (line: string) => io.stderr.write(`${line}\n`);
  const runDir = resolve(io.cwd, request.runDir);
  const read = readManifest(join(runDir, MANIFEST_FILE));
  if (!read.ok) {
    err(`value-compass rescore: ${request.runDir}: ${read.message} (is it a run directory?)`);
    return EXIT_FAILED;
  }
  const manifest = read.manifest;
  const journalPath = join(runDir, JOURNAL_FILE);
  if (!existsSync(journalPath)) {
    err(`value-compass rescore: ${request.runDir} has no ${JOURNAL_FILE}: there are no answers to score`);
    return EXIT_FAILED;
  }
  const specPath = resolve(runDir, manifest.invocation.spec);
  if (!existsSync(specPath)) {
    err(`value-compass rescore: the run's spec ${displayPath(io.cwd, specPath)} is gone (the manifest names ${manifest.invocation.spec} relative to the run directory)`);
    return EXIT_FAILED;
  }
  const judge = request.judge ?? manifest.invocation.judge;
  const compiled = await deps.compile(specPath, {
    cwd: io.cwd,
    set: manifest.invocation.set,
    models: manifest.invocation.models,
    judge,
    jsonIo: manifest.invocation.jsonIo === true,
  });
  if (!compiled.ok) {
    io.stderr.write(compiled.output.endsWith("\n") ? compiled.output : `${compiled.output}\n`);
    return EXIT_FAILED;
  }
  const overridden = withScorerModels(compiled.plan, request.scorerModels);
  if (!overridden.ok) {
    err(`value-compass rescore: ${overridden.message}`);
    return EXIT_FAILED;
  }
  const plan = overridden.plan;
  const header = readPlanHeader(join(runDir, PLAN_FILE));
  const compared = compareSteps(plan, deps.iterateSteps, finalRecordsInPlanOrder(journalPath), header.ok ? header.header.stepCount : null);
  if (!compared.ok) {
    err(`value-compass rescore: ${compared.message}`);
    return EXIT_FAILED;
  }

  // --- Interrupts, judge models ------------------------------------------------------------------
  const stop = new AbortController();
  let interrupts = 0;
  let caller: ModelCaller | null = null;
  const unlisten = io.signals.listen(() => {
    interrupts++;
    stop.abort();
    if (interrupts === 1) caller?.stop();
    else caller?.abort();
  });
  const providers: Provider[] = [];
  let release: (() => void) | null = null;
  const tempPath = join(runDir, RESCORE_TEMP);
  try {
    const entries: CallerModel[] = [];
    for (const id of judgeModelsOf(plan)) {
      const model: PlanModel | null = plan.models.find((m) => m.id === id) ?? plan.modelSettings.find((m) => m.id === id) ?? fromId(id);
      if (!model) {
        err(`value-compass rescore: unknown model id '${id}'`);
        return EXIT_FAILED;
      }
      const provider = deps.createProvider(model, io.env, dirname(specPath));
      providers.push(provider);
      const prepared = await provider.prepare({ pull: false, signal: stop.signal });
      if (interrupts > 0) return EXIT_INTERRUPTED;
      if (!prepared.ok) {
        const f = prepared.failure;
        const message =
          f.kind === "unreachable" || f.kind === "auth" || f.kind === "not_found"
            ? describeFatal(model, defaultEndpoint(model, io.env), f)
            : `cannot prepare ${id}: ${f.kind}${f.message ? ` (${f.message})` : ""}`;
        err(`value-compass rescore: ${message}`);
        return EXIT_FAILED;
      }
      entries.push({ model, provider, info: prepared.info });
    }
    const lock = lockRunDir(runDir);
    if (!lock.ok) {
      err(`value-compass rescore: ${lock.message}`);
      return EXIT_FAILED;
    }
    release = lock.release;
    const cacheDir = manifest.invocation.cacheDir ? resolve(runDir, manifest.invocation.cacheDir) : null;
    caller = new ModelCaller({
      models: entries,
      settings: callSettingsOf(plan),
      concurrencyOverride: manifest.invocation.concurrency,
      cache: manifest.invocation.cache && cacheDir ? new DiskCache(cacheDir) : null,
      env: io.env,
      ...(io.timing ? { timing: io.timing } : {}),
    });
    const activeCaller = caller;
    activeCaller.onFatal(() => stop.abort());

    // --- Score everything afresh -------------------------------------------------------------------
    rmSync(tempPath, { force: true });
    const env: ScoringEnv = { plan, caller: activeCaller, specDir: dirname(specPath), env: io.env, signal: stop.signal };
    const book: ScoreBook = new Map();
    const journal = ScoreJournal.open(tempPath);
    try {
      await scoreSteps(env, finalRecordsInPlanOrder(journalPath), journal, book);
    } finally {
      journal.close();
    }
    if (activeCaller.fatal || interrupts > 0) {
      rmSync(tempPath, { force: true });
      if (activeCaller.fatal) err(`value-compass rescore: stopped: ${activeCaller.fatal.message}`);
      err(`value-compass rescore: ${interrupts > 0 ? "interrupted" : "stopped"}; the run directory is unchanged`);
      return interrupts > 0 ? EXIT_INTERRUPTED : EXIT_FAILED;
    }

    // --- Swap the files in ---------------------------------------------------------------------------
    const stamp = fileStamp(new Date());
    const scoresPath = join(runDir, SCORES_FILE);
    let previousScores: string | null = null;
    if (existsSync(scoresPath)) {
      previousScores = freeName(runDir, "scores", stamp, ".jsonl");
      renameSync(scoresPath, join(runDir, previousScores));
    }
    renameSync(tempPath, scoresPath);
    let previousPlan: string | null = null;
    const planPath = join(runDir, PLAN_FILE);
    if (existsSync(planPath)) {
      previousPlan = freeName(runDir, "plan", stamp, ".json");
      renameSync(planPath, join(runDir, previousPlan));
    }
    await deps.writePlan(plan, planPath);

    const report = writeRunReports(plan, runDir, runDir, {
      runId: basename(runDir),
      seed: request.seed ?? reportSeed(plan),
      csv: { bom: request.bom, neutralize: request.neutralize },
      responses: true,
    });
    if (!report.ok) {
      err(`value-compass rescore: ${report.error}`);
      return EXIT_FAILED;
    }
    const counts = countScores(scoresPath);
    const entry: Rescore = {
      at: new Date().toISOString(),
      judge: plan.judge,
      scorerModels: { ...request.scorerModels },
      planHash: plan.hash,
      previousScores,
      previousPlan,
      scoring: counts,
    };
    const files = [...manifest.files];
    for (const f of [SCORES_FILE, ...(previousScores ? [previousScores] : []), ...(previousPlan ? [previousPlan] : []), ...report.files]) {
      if (!files.includes(f)) files.push(f);
    }
    const updated: Manifest = { ...manifest, files, scoring: counts, rescores: [...(manifest.rescores ?? []), entry] };
    writeManifest(join(runDir, MANIFEST_FILE), updated);

    if (!request.quiet) {
      for (const note of report.notes) err(`value-compass rescore: report: ${note}`);
      err(
        `value-compass rescore: ${compared.steps} steps, ${counts.records} scores (${counts.scored} scored, ${counts.errors} scoring errors, ${counts.noResponse} without an answer); ` +
          `${activeCaller.stats.calls} judge calls, ${activeCaller.stats.cacheHits} from the cache` +
          (previousScores ? `; the previous scores are in ${previousScores}` : ""),
      );
      io.stderr.write(summaryText(report.analysis, report.adaptive, io.stderr.isTTY === true && !io.env["NO_COLOR"]));
    }
    if (counts.errors > 0) err(`value-compass rescore: ${counts.errors} scoring error${counts.errors === 1 ? "" : "s"} (the error column of scores.csv)`);
    io.stdout.write(`${displayPath(io.cwd, runDir)}\n`);
    return counts.errors > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    unlisten();
    release?.();
    if (existsSync(tempPath) && interrupts > 0) rmSync(tempPath, { force: true });
    await Promise.all(providers.map((p) => p.close().catch(() => undefined)));
  }
}

function fromId(id: string): PlanModel | null {
  const parsed = planModelFromId(id);
  return parsed.ok ? parsed.model : null;
}

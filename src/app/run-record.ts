// manifest.json while `vc run` works: what the run was asked (so that --resume rebuilds the same
// plan), the session, the models and their roles; written whole when the steps start and at the end.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Plan } from "../core/plan.js";
import type { DiskCache } from "../run/cache.js";
import type { CallerModel, ModelCaller } from "../run/calls.js";
import { JOURNAL_FILE, type JournalScan } from "../run/journal.js";
import {
  buildManifest,
  MANIFEST_FILE,
  writeManifest,
  type GitInfo,
  type Invocation,
  type Manifest,
  type ModelRole,
  type RunCounts,
  type RunStatus,
  type Session,
} from "../run/manifest.js";
import { PLAN_FILE, RESPONSES_FILE, userCacheDir } from "../run/rundir.js";
import { SCORES_FILE } from "../run/score-journal.js";
import { countScores } from "../run/scoring-plan.js";
import { packageVersion } from "../run/version.js";
import { pathFrom, type RunTarget } from "./run-target.js";

/** The files the executor itself writes; the stages add theirs. */
export const EXECUTOR_FILES: readonly string[] = [PLAN_FILE, MANIFEST_FILE, JOURNAL_FILE, RESPONSES_FILE];

export interface CacheRequest {
  cacheDir: string | null;
  cache: boolean;
  concurrency: number | null;
  answers?: Array<{ path: string; sha256: string; format: string }>;
}

/** --cache-dir, else the resumed run's cache, else the user's cache folder (never the spec's project). */
export function cacheDirOf(request: CacheRequest, target: RunTarget, runDir: string, cwd: string, env: Readonly<Record<string, string | undefined>>): string {
  if (request.cacheDir) return resolve(cwd, request.cacheDir);
  const recorded = target.previous?.invocation.cacheDir;
  if (recorded) return resolve(runDir, recorded);
  return userCacheDir(env);
}

/** Whether the cache is used: not with --no-cache, and not when the resumed run was made with --no-cache. */
export function cacheUsedOf(request: CacheRequest, target: RunTarget): boolean {
  return request.cache && (target.previous?.invocation.cache ?? true);
}

/** --concurrency, else the resumed run's; null: the spec's. */
export function concurrencyOverrideOf(request: CacheRequest, target: RunTarget): number | null {
  return request.concurrency ?? target.previous?.invocation.concurrency ?? null;
}

/** What the manifest records of the command line; paths relative to the run directory. */
export function invocationOf(request: CacheRequest, target: RunTarget, runDir: string, cacheDir: string): Invocation {
  return {
    spec: pathFrom(runDir, target.specPath),
    models: target.models,
    judge: target.judge,
    set: target.set,
    concurrency: concurrencyOverrideOf(request, target),
    cache: cacheUsedOf(request, target),
    // The default folder is recorded as null, so a run folder copied elsewhere (or another user's)
    // resumes with the resuming user's own cache folder, not a path the folder names.
    cacheDir: request.cacheDir || target.previous?.invocation.cacheDir ? pathFrom(runDir, cacheDir) : null,
    ...(target.jsonIo ? { jsonIo: true } : {}),
    ...(target.shard ? { shard: { index: target.shard.index, count: target.shard.count } } : {}),
    ...(Object.keys(target.select).length > 0 ? { select: target.select } : {}),
    ...(request.answers ? { answers: request.answers.map((a) => ({ path: pathFrom(runDir, a.path), sha256: a.sha256, format: a.format })) } : {}),
  };
}

/** The counts before any step of this session: what the journal already holds. */
export function countsBefore(plan: Plan, scan: JournalScan, total = plan.stepCount): RunCounts {
  return {
    total,
    done: scan.steps,
    succeeded: scan.steps - scan.failed.size,
    failed: scan.failed.size,
    cached: scan.cached,
    retried: scan.retried,
    adaptive: 0,
    remaining: Math.max(0, total - scan.steps),
  };
}

export interface RecordInput {
  plan: Plan;
  runDir: string;
  runId: string;
  previous: Manifest | null;
  invocation: Invocation;
  git: GitInfo | null;
  retryFailed: boolean;
  models: readonly CallerModel[];
  roles: ReadonlyMap<string, ModelRole>;
  caller: ModelCaller;
  /** The response cache (null with --no-cache): its rejected entries go into the session. */
  cache?: DiskCache | null;
  startedAt: Date;
  /** `score --answers`: the answers files, relative to the entry spec's folder, as inputs of the run. */
  answerInputs?: Array<{ path: string; sha256: string }>;
}

/** The run's manifest: earlier sessions (on resume) and this one, saved whole each time. */
export class RunRecord {
  private readonly sessions: Session[];
  private readonly session: Session;

  constructor(private readonly input: RecordInput) {
    this.session = { startedAt: input.startedAt.toISOString(), endedAt: null, status: "running", calls: 0, cacheHits: 0 };
    this.sessions = [...(input.previous?.sessions ?? []), this.session];
  }

  /** This session ended with `status`; the calls it made go into the manifest. */
  end(status: RunStatus): void {
    this.session.endedAt = new Date().toISOString();
    this.session.status = status;
    this.session.calls = this.input.caller.stats.calls;
    this.session.cacheHits = this.input.caller.stats.cacheHits;
    const rejected = this.input.cache?.rejected ?? 0;
    if (rejected > 0) this.session.cacheRejected = rejected;
  }

  save(status: RunStatus, counts: RunCounts, stop: Manifest["stop"], files: readonly string[] = EXECUTOR_FILES): void {
    const { plan, runDir, caller } = this.input;
    const scoresPath = join(runDir, SCORES_FILE);
    writeManifest(
      join(runDir, MANIFEST_FILE),
      buildManifest({
        runId: this.input.runId,
        status,
        plan,
        invocation: this.input.invocation,
        toolVersion: packageVersion(),
        git: this.input.git,
        models: this.input.models.map((e) => ({
          id: e.model.id,
          provider: e.model.provider,
          name: e.model.name,
          role: this.input.roles.get(e.model.id) ?? "evaluated",
          info: e.info,
          fingerprints: caller.fingerprints(e.model.id),
        })),
        concurrency: this.input.invocation.concurrency ?? plan.run.concurrency,
        retryFailed: this.input.retryFailed,
        sessions: this.sessions,
        counts,
        stop,
        files: [...files],
        ...(this.input.answerInputs ? { answerInputs: this.input.answerInputs } : {}),
        scoring: existsSync(scoresPath) ? countScores(scoresPath) : null,
        rescores: this.input.previous?.rescores ?? [],
      }),
    );
  }
}

// Where `vc run` works and with what: a new run directory, a resumed one (--resume), or --out naming
// a new folder or an existing run of the same plan; the command line merged with what the resumed
// run's manifest recorded; and, once the plan is known, the folder itself (named, made and locked).

import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { Plan, SelectionRequest } from "../core/plan.js";
import { MANIFEST_FILE, readManifest, type Manifest } from "../run/manifest.js";
import { storageFailureOf, withPath, type StorageFailure } from "../core/storage-error.js";
import { LOCK_FILE, lockRunDir, makeRunId, PLAN_FILE, type StaleLock } from "../run/rundir.js";
import { shardLabel, type ShardSpec } from "../run/shard.js";

/** What `vc run` was asked, as far as choosing the run goes. */
export interface TargetRequest {
  spec: string | null;
  models: string[];
  judge: string | null;
  set: Record<string, string>;
  out: string | null;
  resume: string | null;
  jsonIo?: boolean;
  /** `--shard K/N` (resolved; null: the whole plan, or the resumed run's shard). */
  shard?: ShardSpec | null;
  select?: SelectionRequest;
}

export type TargetFailure =
  /** --resume DIR has no readable manifest. */
  | { kind: "cannot_resume"; given: string; message: string }
  /** --out DIR holds a manifest that cannot be read. */
  | { kind: "out_unreadable"; given: string; message: string }
  /** --out DIR is a file, or a folder with other things in it. */
  | { kind: "out_not_run_dir"; given: string }
  /** Neither a spec nor a run to resume. */
  | { kind: "no_spec" }
  /** --shard names another slice than the resumed run's. */
  | { kind: "shard_changed"; runDir: string; before: string; now: string };

export interface RunTarget {
  /** The run directory; null for a new run under outputs/ (named once the plan is known). */
  runDir: string | null;
  /** The manifest of the run being resumed. */
  previous: Manifest | null;
  /** The entry spec, absolute. */
  specPath: string;
  /** The command line's values, else the resumed run's. */
  models: string[];
  judge: string | null;
  set: Record<string, string>;
  jsonIo: boolean;
  /** The slice of the plan this process runs (null: all of it). */
  shard: ShardSpec | null;
  /** The selection flags given, else the resumed run's (empty: none). */
  select: SelectionRequest;
}

export type Targeted = { ok: true; target: RunTarget } | { ok: false; failure: TargetFailure };

export function chooseRunTarget(request: TargetRequest, cwd: string): Targeted {
  const found = existingRun(request, cwd);
  if (!found.ok) return found;
  const { runDir, previous } = found;
  const specArg = request.spec ?? (previous && runDir ? resolve(runDir, previous.invocation.spec) : null);
  if (specArg === null) return { ok: false, failure: { kind: "no_spec" } };
  const before = previous?.invocation.shard ?? null;
  const asked = request.shard ?? null;
  // A run folder holds one slice: mixing two would journal steps another shard also runs.
  if (previous && asked && (before === null || before.index !== asked.index || before.count !== asked.count)) {
    return { ok: false, failure: { kind: "shard_changed", runDir: runDir ?? "", before: before ? shardLabel(before) : "all", now: shardLabel(asked) } };
  }
  return {
    ok: true,
    target: {
      runDir,
      previous,
      specPath: resolve(cwd, specArg),
      models: request.models.length > 0 ? request.models : (previous?.invocation.models ?? []),
      judge: request.judge ?? previous?.invocation.judge ?? null,
      set: Object.keys(request.set).length > 0 ? request.set : (previous?.invocation.set ?? {}),
      jsonIo: request.jsonIo === true || previous?.invocation.jsonIo === true,
      shard: asked ?? before,
      select: request.select && Object.keys(request.select).length > 0 ? request.select : (previous?.invocation.select ?? {}),
    },
  };
}

type Existing = { ok: true; runDir: string | null; previous: Manifest | null } | { ok: false; failure: TargetFailure };

/** The run directory the command line names, and its manifest when it already is a run. */
function existingRun(request: TargetRequest, cwd: string): Existing {
  if (request.resume !== null) {
    const runDir = resolve(cwd, request.resume);
    const read = readManifest(join(runDir, MANIFEST_FILE));
    if (!read.ok && existsSync(runDir) && statSync(runDir).isDirectory() && readdirSync(runDir).every(leftByCrashBeforeStart)) {
      const message = `the run stopped before its first step (the folder holds only ${LOCK_FILE}); start it again with: value-compass run SPEC --out ${request.resume}`;
      return { ok: false, failure: { kind: "cannot_resume", given: request.resume, message } };
    }
    if (!read.ok) return { ok: false, failure: { kind: "cannot_resume", given: request.resume, message: read.message } };
    return { ok: true, runDir, previous: read.manifest };
  }
  if (request.out !== null) {
    const out = resolve(cwd, request.out);
    if (existsSync(join(out, MANIFEST_FILE))) {
      const read = readManifest(join(out, MANIFEST_FILE));
      if (!read.ok) return { ok: false, failure: { kind: "out_unreadable", given: request.out, message: read.message } };
      return { ok: true, runDir: out, previous: read.manifest };
    }
    if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).some((f) => !leftByCrashBeforeStart(f)))) {
      return { ok: false, failure: { kind: "out_not_run_dir", given: request.out } };
    }
    return { ok: true, runDir: out, previous: null };
  }
  return { ok: true, runDir: null, previous: null };
}

/**
 * What a run that crashed or could not write its manifest (a full disk) before its first step leaves:
 * its lock, temporary files and the plan it streamed. A folder holding only these is started afresh
 * (the lock is taken over when its process is gone; plan.json is written again).
 */
function leftByCrashBeforeStart(name: string): boolean {
  return name === LOCK_FILE || name === PLAN_FILE || name.endsWith(".tmp");
}

/** A resumed run must have been started from the same plan. */
export type PlanChanged = { kind: "plan_changed"; runDir: string; before: string; now: string; changed: string[] };

export function samePlan(target: RunTarget, plan: Plan): PlanChanged | null {
  const { previous } = target;
  if (!previous || previous.spec.planHash === plan.hash) return null;
  return { kind: "plan_changed", runDir: target.runDir ?? "", before: previous.spec.planHash, now: plan.hash, changed: changedInputs(previous, plan) };
}

function changedInputs(previous: Manifest, plan: Plan): string[] {
  const before = new Map(previous.spec.inputs.map((i) => [i.path, i.sha256]));
  const after = new Map(plan.inputs.map((i) => [i.path, i.sha256]));
  const changed: string[] = [];
  for (const [path, sha] of after) if (before.get(path) !== sha) changed.push(before.has(path) ? path : `${path} (new)`);
  for (const path of before.keys()) if (!after.has(path)) changed.push(`${path} (gone)`);
  return changed;
}

/** Another live process works in the folder (`pid`), or it could not be locked (`pid` null). */
export type LockFailure = { kind: "locked"; dir: string; pid: number | null };

/** The run folder cannot be made or written (a read-only folder, a full disk): `failure` names the path. */
export type FolderFailure = { kind: "folder_unwritable"; dir: string; failure: StorageFailure };

export interface RunFolder {
  runDir: string;
  runId: string;
  /** Gives the folder's lock back. */
  release(): void;
  /** The lock of a crashed run that was taken over, for a message. */
  stale: StaleLock | null;
}

/**
 * The run directory, made and locked: the target's, or a new one at outputs/<plan>/<run id>
 * (with -2, -3, … when that name is taken). A resumed run keeps its run id.
 */
export function openRunFolder(
  target: RunTarget,
  plan: Plan,
  cwd: string,
  startedAt: Date,
): { ok: true; folder: RunFolder } | { ok: false; failure: LockFailure | FolderFailure } {
  let runId = target.previous?.runId ?? makeRunId(startedAt, plan.hash);
  let runDir = target.runDir;
  if (runDir === null) {
    const base = join(cwd, "outputs", plan.name);
    runDir = join(base, runId);
    for (let n = 2; existsSync(runDir); n++) runDir = join(base, `${runId}-${n}`);
    runId = runDir.split(sep).filter(Boolean).pop() ?? runDir;
  }
  try {
    mkdirSync(runDir, { recursive: true });
  } catch (error) {
    const failure = storageFailureOf(error);
    if (failure === null) throw error;
    return { ok: false, failure: { kind: "folder_unwritable", dir: runDir, failure } };
  }
  const lock = lockRunDir(runDir);
  if (!lock.ok) {
    // A folder that refuses the lock file refuses every file: say so, not "cannot lock".
    const failure = lock.error ? storageFailureOf(withPath(lock.error, join(runDir, LOCK_FILE))) : null;
    if (failure !== null) return { ok: false, failure: { kind: "folder_unwritable", dir: runDir, failure } };
    return { ok: false, failure: { kind: "locked", dir: lock.dir, pid: lock.pid } };
  }
  return { ok: true, folder: { runDir, runId, release: lock.release, stale: lock.stale } };
}

/**
 * `target` relative to `from` when they share a top-level folder (a project moved as a whole keeps
 * working), else absolute (a path that climbs to / and down again helps nobody).
 */
export function pathFrom(from: string, target: string): string {
  const top = (p: string) => resolve(p).split(sep).filter(Boolean)[0];
  return top(from) === top(target) ? portable(relative(from, target)) : portable(resolve(target));
}

function portable(path: string): string {
  return path.split(sep).join("/");
}

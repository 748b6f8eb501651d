// manifest.json: what was run, with what, where, and how it went. Built field by field from an
// allow-list — never by copying an options object or the environment — so that a secret has no path
// into it. Connection settings appear as endpoints without credentials; API keys never at all.

import { readFileSync } from "node:fs";
import { execa } from "execa";
import { writeFileAtomic } from "../core/atomic-write.js";
import type { Json, Plan, PlanInput, PlanSelection, SamplingParams, SelectionRequest } from "../core/plan.js";
import type { ModelInfo, ModelWeights, ProviderKind } from "../providers/types.js";
import { safeUrl } from "./endpoints.js";
import type { JournalCounts } from "./journal.js";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_VERSION = 1;

export type RunStatus = "running" | "completed" | "completed_with_errors" | "stopped" | "interrupted";

/** What `vc run` was asked to do; enough for `vc run --resume DIR` to rebuild the same plan. */
export interface Invocation {
  /** The entry spec, relative to the run directory (so a project folder can move as a whole). */
  spec: string;
  /** `--model` values (empty: the spec's list). */
  models: string[];
  judge: string | null;
  set: Record<string, string>;
  concurrency: number | null;
  cache: boolean;
  /** Cache folder, relative to the run directory. */
  cacheDir: string | null;
  /** `--json-io` was given (absent otherwise). */
  jsonIo?: boolean;
  /** `--shard`: the slice of the plan this run folder holds, index 0-based (absent: all of it). */
  shard?: { index: number; count: number };
  /** `--cultures`, `--limit`, … as given (absent when none was). */
  select?: SelectionRequest;
  /** `score --answers`: the recorded answers scored instead of calling the evaluated models (absent otherwise). */
  answers?: AnswersInput[];
}

/** One file of recorded answers: relative to the run directory, its sha256 and the format it was read as. */
export interface AnswersInput {
  path: string;
  sha256: string;
  format: string;
}

/** evaluated: answers the items; judge: scores answers or checks generated items; generator: writes items. */
export type ModelRole = "evaluated" | "judge" | "generator";

export interface ManifestModel {
  id: string;
  provider: ProviderKind;
  name: string;
  role: ModelRole;
  digest: string | null;
  endpoint: string | null;
  mock: boolean;
  fingerprints: string[];
  /** The plan's attributes of an evaluated model (family, developer, open_weights, …), when it has any. */
  attributes?: Record<string, Json>;
  /** An endpoint pool: every host's endpoint, model digest and ejections in this run (absent otherwise). */
  hosts?: Array<{ endpoint: string; digest: string | null; ejections: number }>;
  /** llamacpp: the model file's sha256, GGUF metadata and llama.cpp build. */
  weights?: ModelWeights;
}

/** The journal's counts (adaptive steps are chosen at run time and included in total and done). */
export interface RunCounts extends JournalCounts {
  total: number;
  /** Static steps not yet done. */
  remaining: number;
}

/** The latest score record of every (step, scorer) pair in scores.jsonl, by outcome. */
export interface ScoringCountsField {
  records: number;
  scored: number;
  /** Scoring errors on answered steps (never a made-up score). */
  errors: number;
  /** Records of steps without an answer. */
  noResponse: number;
}

/** One `vc rescore` of the run. */
export interface Rescore {
  at: string;
  /** The judge the rescore used (`--judge`, else the run's), and scorer model overrides. */
  judge: string | null;
  scorerModels: Record<string, string>;
  planHash: string;
  /** Where the scores and the plan before the rescore were kept, relative to the run directory. */
  previousScores: string | null;
  previousPlan: string | null;
  scoring: ScoringCountsField;
}

export interface Session {
  startedAt: string;
  endedAt: string | null;
  status: RunStatus;
  calls: number;
  cacheHits: number;
  /** Cache entries whose digest did not match (edited by hand or corrupted), served as misses. */
  cacheRejected?: number;
}

export interface Manifest {
  manifestVersion: typeof MANIFEST_VERSION;
  runId: string;
  status: RunStatus;
  /** `selection`: the subset the plan covers (absent for the whole spec). */
  spec: { name: string; planHash: string; stepCount: number; inputs: PlanInput[]; selection?: PlanSelection };
  invocation: Invocation;
  tool: { name: string; version: string };
  git: GitInfo | null;
  node: string;
  platform: string;
  models: ManifestModel[];
  parameters: {
    samples: number;
    sampling: SamplingParams;
    concurrency: number;
    rateLimitPerMinute: number | null;
    timeoutMs: number;
    retries: number;
    cross: string[];
    params: Record<string, Json>;
    retryFailed: boolean;
  };
  startedAt: string;
  endedAt: string | null;
  sessions: Session[];
  counts: RunCounts;
  stop: { reason: "fatal" | "interrupted" | "write_failed"; message: string } | null;
  /** Files of the run directory, relative to it: the executor's and the later stages'. */
  files: string[];
  /** Scores in scores.jsonl (null before anything was scored). */
  scoring: ScoringCountsField | null;
  /** `vc rescore` runs, oldest first. */
  rescores: Rescore[];
  /** `vc merge`: the shards this run folder was joined from, in shard order (absent otherwise). */
  mergedFrom?: Array<{ runId: string; shard: string; status: RunStatus }>;
}

export interface GitInfo {
  commit: string;
  dirty: boolean;
}

/** The commit of the repository holding the spec, or null when it is not in one (or git is absent). */
export async function gitInfo(dir: string): Promise<GitInfo | null> {
  try {
    // One git process for both (a process start is a noticeable share of a short run's start-up):
    // porcelain v2 gives the commit as `# branch.oid` and every change, untracked files included, as
    // a line of its own.
    const status = await execa("git", ["status", "--porcelain=v2", "--branch"], { cwd: dir, reject: false, timeout: 30_000 });
    if (status.exitCode !== 0) return null;
    const lines = status.stdout.split("\n").filter((line) => line.length > 0);
    const commit =
      lines
        .find((line) => line.startsWith("# branch.oid "))
        ?.slice("# branch.oid ".length)
        .trim() ?? "";
    if (!/^[0-9a-f]{40,64}$/.test(commit)) return null;
    return { commit, dirty: lines.some((line) => !line.startsWith("#")) };
  } catch {
    return null;
  }
}

export interface ManifestModelInput {
  id: string;
  provider: ProviderKind;
  name: string;
  role: ModelRole;
  info: ModelInfo | null;
  fingerprints: string[];
}

export interface ManifestInput {
  runId: string;
  status: RunStatus;
  plan: Plan;
  invocation: Invocation;
  toolVersion: string;
  git: GitInfo | null;
  models: ManifestModelInput[];
  concurrency: number;
  retryFailed: boolean;
  sessions: Session[];
  counts: RunCounts;
  stop: { reason: "fatal" | "interrupted" | "write_failed"; message: string } | null;
  files: string[];
  /** `score --answers`: the answers files as inputs of the run, relative to the entry spec's folder. */
  answerInputs?: PlanInput[];
  scoring?: ScoringCountsField | null;
  rescores?: Rescore[];
}

/** An evaluated model's attributes from the plan, as a field to spread (nothing when it has none). */
function attributesOf(plan: Plan, id: string, role: ModelRole): { attributes?: Record<string, Json> } {
  if (role !== "evaluated") return {};
  const a = plan.models.find((m) => m.id === id)?.attributes;
  return a && Object.keys(a).length > 0 ? { attributes: { ...a } } : {};
}

function scoringField(s: ScoringCountsField): ScoringCountsField {
  return { records: s.records, scored: s.scored, errors: s.errors, noResponse: s.noResponse };
}

export function buildManifest(input: ManifestInput): Manifest {
  const { plan } = input;
  const sampling: SamplingParams = {};
  if (plan.run.sampling.temperature !== undefined) sampling.temperature = plan.run.sampling.temperature;
  if (plan.run.sampling.top_p !== undefined) sampling.top_p = plan.run.sampling.top_p;
  if (plan.run.sampling.seed !== undefined) sampling.seed = plan.run.sampling.seed;
  if (plan.run.sampling.max_tokens !== undefined) sampling.max_tokens = plan.run.sampling.max_tokens;
  const first = input.sessions[0];
  const last = input.sessions[input.sessions.length - 1];
  return {
    manifestVersion: MANIFEST_VERSION,
    runId: input.runId,
    status: input.status,
    spec: {
      name: plan.name,
      planHash: plan.hash,
      stepCount: plan.stepCount,
      inputs: [...plan.inputs.map((i) => ({ path: i.path, sha256: i.sha256 })), ...(input.answerInputs ?? []).map((i) => ({ path: i.path, sha256: i.sha256 }))],
      ...(plan.selection ? { selection: plan.selection } : {}),
    },
    invocation: {
      spec: input.invocation.spec,
      models: [...input.invocation.models],
      judge: input.invocation.judge,
      set: { ...input.invocation.set },
      concurrency: input.invocation.concurrency,
      cache: input.invocation.cache,
      cacheDir: input.invocation.cacheDir,
      ...(input.invocation.jsonIo === true ? { jsonIo: true } : {}),
      ...(input.invocation.shard ? { shard: { index: input.invocation.shard.index, count: input.invocation.shard.count } } : {}),
      ...(input.invocation.select ? { select: input.invocation.select } : {}),
      ...(input.invocation.answers ? { answers: input.invocation.answers.map((a) => ({ ...a })) } : {}),
    },
    tool: { name: "value-compass", version: input.toolVersion },
    git: input.git ? { commit: input.git.commit, dirty: input.git.dirty } : null,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    models: input.models.map((m) => ({
      id: m.id,
      provider: m.provider,
      name: m.name,
      role: m.role,
      digest: m.info?.digest ?? null,
      endpoint: m.info?.endpoint ? safeUrl(m.info.endpoint) : null,
      mock: m.info?.mock ?? m.provider === "mock",
      fingerprints: [...m.fingerprints],
      ...attributesOf(plan, m.id, m.role),
      ...(m.info?.hosts ? { hosts: m.info.hosts.map((h) => ({ endpoint: safeUrl(h.endpoint), digest: h.digest, ejections: h.ejections })) } : {}),
      ...(m.info?.weights ? { weights: { ...m.info.weights } } : {}),
    })),
    parameters: {
      samples: plan.run.samples,
      sampling,
      concurrency: input.concurrency,
      rateLimitPerMinute: plan.run.rateLimitPerMinute,
      timeoutMs: plan.run.timeoutMs,
      retries: plan.run.retries,
      cross: [...plan.run.cross],
      params: plan.params,
      retryFailed: input.retryFailed,
    },
    startedAt: first?.startedAt ?? new Date().toISOString(),
    endedAt: last?.endedAt ?? null,
    sessions: input.sessions.map((s) => ({ ...s })),
    counts: { ...input.counts },
    stop: input.stop ? { reason: input.stop.reason, message: input.stop.message } : null,
    files: input.files.filter((f) => typeof f === "string"),
    scoring: input.scoring ? scoringField(input.scoring) : null,
    rescores: (input.rescores ?? []).map((r) => ({
      at: r.at,
      judge: r.judge,
      scorerModels: { ...r.scorerModels },
      planHash: r.planHash,
      previousScores: r.previousScores,
      previousPlan: r.previousPlan,
      scoring: scoringField(r.scoring),
    })),
  };
}

/** Written to a temporary file and renamed: a crash leaves the old manifest or the new one. */
export function writeManifest(path: string, manifest: Manifest): void {
  writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

export type ReadManifest = { ok: true; manifest: Manifest } | { ok: false; message: string };

export function readManifest(path: string): ReadManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { ok: false, message: `no ${MANIFEST_FILE} there` };
  }
  try {
    const v = JSON.parse(text) as Partial<Manifest> | null;
    if (!v || typeof v !== "object" || v.manifestVersion !== MANIFEST_VERSION || typeof v.spec?.planHash !== "string" || !v.invocation) {
      return { ok: false, message: `its ${MANIFEST_FILE} is not a value-compass run manifest` };
    }
    return { ok: true, manifest: v as Manifest };
  } catch {
    return { ok: false, message: `its ${MANIFEST_FILE} is not valid JSON` };
  }
}

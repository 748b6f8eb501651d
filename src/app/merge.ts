// `vc merge SHARD_DIR… --out DIR`: the run folders of `vc run --shard K/N` joined into one run folder.
// It checks that every shard comes from the same plan (hash), that the shards are 1..N once each, that
// each is finished and holds exactly its slice (every step once overall), and that a model has one
// digest across the shards; then it writes plan.json, journal.jsonl and scores.jsonl and runs the same
// report writing as `vc report` (tables and report.html), so they are those of an unsharded run.

import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from "node:fs";
import { basename, join } from "node:path";
import { readPlanHeader, type PlanHeader } from "../adaptive/plan-file.js";
import type { StepRecord } from "../core/records.js";
import type { CsvOptions } from "../report/csv.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import { MANIFEST_FILE, readManifest, writeManifest, type Manifest, type RunCounts } from "../run/manifest.js";
import { lockRunDir, PLAN_FILE } from "../run/rundir.js";
import { SCORES_FILE } from "../run/score-journal.js";
import { countScores } from "../run/scoring-plan.js";
import { shardLabel, shardOfSegment, shardOfStep, shardStepCount } from "../run/shard.js";
import { GENERATION_LOG } from "./adaptive-stage.js";
import { writeHtmlReport } from "./html-report.js";
import { reportSeed, writeRunReports, type RunReportResult } from "./report-stage.js";

export interface MergeRequest {
  /** The shards' run folders, absolute, with the names the user gave (for messages). */
  shards: Array<{ dir: string; given: string }>;
  out: string;
  csv: CsvOptions;
  /** Write report.html as a run does (default true; \`--no-html\`). */
  html?: boolean;
}

export type MergeOutcome =
  | { ok: true; outDir: string; counts: RunCounts; files: string[]; notes: string[]; report: Extract<RunReportResult, { ok: true }> }
  | { ok: false; message: string };

interface Shard {
  dir: string;
  given: string;
  manifest: Manifest;
  header: PlanHeader;
  index: number;
  count: number;
}

/** Merge the shards into `out`; every refusal comes back as a message and leaves `out` untouched. */
export async function mergeShards(request: MergeRequest): Promise<MergeOutcome> {
  if (request.shards.length === 0) return { ok: false, message: "no shard folders given" };
  const read = readShards(request.shards);
  if (!read.ok) return read;
  const shards = read.shards;
  const checked = checkSet(shards);
  if (checked) return { ok: false, message: checked };
  const coverage = checkCoverage(shards);
  if (coverage) return { ok: false, message: coverage };
  const digests = checkDigests(shards);
  if (digests) return { ok: false, message: digests };

  const out = request.out;
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    return { ok: false, message: `--out ${out} exists and is not empty; choose a new or empty folder` };
  }
  mkdirSync(out, { recursive: true });
  const lock = lockRunDir(out);
  if (!lock.ok) return { ok: false, message: `--out ${out} is locked by another process` };
  try {
    return await writeMerged(shards, out, request.csv, request.html ?? true);
  } finally {
    lock.release();
  }
}

function readShards(given: MergeRequest["shards"]): { ok: true; shards: Shard[] } | { ok: false; message: string } {
  const shards: Shard[] = [];
  for (const { dir, given: name } of given) {
    const m = readManifest(join(dir, MANIFEST_FILE));
    if (!m.ok) return { ok: false, message: `${name}: ${m.message} (is it a run folder of \`value-compass run --shard\`?)` };
    const shard = m.manifest.invocation.shard;
    if (!shard) return { ok: false, message: `${name} is a run of the whole plan, not a shard (it was run without --shard)` };
    const h = readPlanHeader(join(dir, PLAN_FILE));
    if (!h.ok) return { ok: false, message: `${name}: ${h.message}` };
    if (h.header.hash !== m.manifest.spec.planHash) return { ok: false, message: `${name}: its ${PLAN_FILE} and ${MANIFEST_FILE} disagree on the plan hash` };
    shards.push({ dir, given: name, manifest: m.manifest, header: h.header, index: shard.index, count: shard.count });
  }
  return { ok: true, shards };
}

/** Same plan, same number of shards, each index once, each finished. */
function checkSet(shards: readonly Shard[]): string | null {
  const first = shards[0];
  if (!first) return "no shard folders given";
  const plans = new Map<string, string[]>();
  for (const s of shards) plans.set(s.header.hash, [...(plans.get(s.header.hash) ?? []), s.given]);
  if (plans.size > 1) {
    const list = [...plans].map(([hash, dirs]) => `plan ${hash.slice(0, 12)}: ${dirs.join(", ")}`).join("; ");
    return `the shards come from different plans (${list}); merge only shards of one spec, data and --set values`;
  }
  const counts = new Set(shards.map((s) => s.count));
  if (counts.size > 1) return `the shards split the plan into different numbers of shards (${shards.map((s) => `${s.given}: ${shardLabel(s)}`).join(", ")})`;
  const byIndex = new Map<number, Shard>();
  for (const s of shards) {
    const other = byIndex.get(s.index);
    if (other) return `shard ${shardLabel(s)} is given twice: ${other.given} and ${s.given}`;
    byIndex.set(s.index, s);
  }
  const missing: string[] = [];
  for (let i = 0; i < first.count; i++) if (!byIndex.has(i)) missing.push(shardLabel({ index: i, count: first.count }));
  if (missing.length > 0)
    return `shard${missing.length === 1 ? "" : "s"} ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing; every shard 1..${first.count} is needed`;
  for (const s of shards) {
    if (s.manifest.status !== "completed" && s.manifest.status !== "completed_with_errors") {
      return `shard ${shardLabel(s)} (${s.given}) has not finished (status ${s.manifest.status}); resume it with: value-compass run --resume ${s.given}`;
    }
  }
  return null;
}

/** Every journaled step is in its own shard, and each shard answered its whole slice. */
function checkCoverage(shards: readonly Shard[]): string | null {
  for (const s of shards) {
    const adaptive = new Set(s.header.segments.filter((g) => g.kind === "adaptive").map((g) => g.id));
    let staticSteps = 0;
    for (const r of finalRecordsInPlanOrder(join(s.dir, JOURNAL_FILE))) {
      const owner = adaptive.has(r.segment) ? shardOfSegment(r.segment, s.count) : shardOfStep(r.stepId, s.count);
      if (owner !== s.index) {
        return `${s.given} holds step ${r.stepId}, which belongs to shard ${shardLabel({ index: owner, count: s.count })}, not ${shardLabel(s)}: it was not made by \`value-compass run --shard ${shardLabel(s)}\``;
      }
      if (!adaptive.has(r.segment)) staticSteps++;
    }
    const expected = shardStepCount(s.header, s);
    if (staticSteps !== expected) {
      return `shard ${shardLabel(s)} (${s.given}) has ${staticSteps} of its ${expected} steps; resume it with: value-compass run --resume ${s.given}`;
    }
  }
  return null;
}

/** One model, one digest: shards that answered with different weights must not become one run. */
function checkDigests(shards: readonly Shard[]): string | null {
  const seen = new Map<string, { digest: string; given: string }>();
  for (const s of shards) {
    for (const m of s.manifest.models) {
      if (m.digest === null) continue;
      const before = seen.get(m.id);
      if (before && before.digest !== m.digest) {
        return `model ${m.id} has digest ${before.digest.slice(0, 19)} in ${before.given} and ${m.digest.slice(0, 19)} in ${s.given}: the shards ran different models`;
      }
      if (!before) seen.set(m.id, { digest: m.digest, given: s.given });
    }
  }
  return null;
}

async function writeMerged(shards: readonly Shard[], out: string, csv: CsvOptions, html: boolean): Promise<MergeOutcome> {
  const sorted = [...shards].sort((a, b) => a.index - b.index);
  const first = sorted[0] as Shard;
  copyFileSync(join(first.dir, PLAN_FILE), join(out, PLAN_FILE));
  writeJournal(sorted, join(out, JOURNAL_FILE));
  const files = [PLAN_FILE, MANIFEST_FILE, JOURNAL_FILE];
  if (concatenate(sorted, SCORES_FILE, out)) files.push(SCORES_FILE);
  if (concatenate(sorted, GENERATION_LOG, out)) files.push(GENERATION_LOG);
  const plan = first.header;
  const report = writeRunReports(plan, out, out, { runId: basename(out), seed: reportSeed(plan), csv, responses: true });
  if (!report.ok) return { ok: false, message: report.error };
  const journal = report.counts ?? { done: 0, succeeded: 0, failed: 0, cached: 0, retried: 0, adaptive: 0 };
  const counts: RunCounts = {
    total: plan.stepCount + journal.adaptive,
    ...journal,
    remaining: Math.max(0, plan.stepCount - (journal.done - journal.adaptive)),
  };
  files.push(...report.files);
  const notes = [...report.notes];
  // report.html as the run's report stage writes it (run id = the folder's name, as in the tables).
  if (html) {
    const page = await writeHtmlReport(plan, out, out, report, { runId: basename(out) });
    if (!page.ok) return { ok: false, message: page.error };
    files.push(page.file);
    notes.push(...page.notes);
  }
  writeManifest(join(out, MANIFEST_FILE), mergedManifest(sorted, out, counts, files));
  return { ok: true, outDir: out, counts, files, notes, report };
}

/** The final record of every step, in plan order: a k-way merge of the shards' journals. */
function writeJournal(shards: readonly Shard[], path: string): void {
  const streams = shards.map((s) => finalRecordsInPlanOrder(join(s.dir, JOURNAL_FILE)));
  const heads: Array<StepRecord | null> = streams.map((it) => it.next().value ?? null);
  const fd = openSync(path, "w");
  try {
    for (;;) {
      let pick = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h && (pick < 0 || h.index < (heads[pick] as StepRecord).index)) pick = i;
      }
      if (pick < 0) break;
      writeSync(fd, `${JSON.stringify(heads[pick])}\n`);
      heads[pick] = streams[pick]?.next().value ?? null;
    }
  } finally {
    closeSync(fd);
  }
}

/** The shards' `name` files one after another (records are keyed, and no two shards share a key). */
function concatenate(shards: readonly Shard[], name: string, out: string): boolean {
  const present = shards.filter((s) => existsSync(join(s.dir, name)));
  if (present.length === 0) return false;
  const fd = openSync(join(out, name), "w");
  try {
    for (const s of present) {
      const bytes = readFileSync(join(s.dir, name));
      writeSync(fd, bytes);
      if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) writeSync(fd, "\n");
    }
  } finally {
    closeSync(fd);
  }
  return true;
}

function mergedManifest(shards: readonly Shard[], out: string, counts: RunCounts, files: string[]): Manifest {
  const first = (shards[0] as Shard).manifest;
  const { shard: _dropped, ...invocation } = first.invocation;
  const sessions = shards.flatMap((s) => s.manifest.sessions);
  const starts = sessions.map((s) => s.startedAt).sort();
  const ends = sessions
    .map((s) => s.endedAt)
    .filter((e): e is string => e !== null)
    .sort();
  return {
    ...first,
    runId: basename(out),
    status: counts.failed > 0 || counts.remaining > 0 ? "completed_with_errors" : "completed",
    invocation,
    startedAt: starts[0] ?? first.startedAt,
    endedAt: ends[ends.length - 1] ?? null,
    sessions,
    counts,
    stop: null,
    files,
    scoring: existsSync(join(out, SCORES_FILE)) ? countScores(join(out, SCORES_FILE)) : null,
    rescores: [],
    mergedFrom: shards.map((s) => ({ runId: s.manifest.runId, shard: shardLabel(s), status: s.manifest.status })),
  };
}

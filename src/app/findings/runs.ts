// The run folders `findings` reads: each folder's plan header, manifest, final step records and latest
// scores as one Dataset; and the check that every run evaluated the same models (id and digest).

import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { readPlanHeader } from "../../adaptive/plan-file.js";
import { buildDataset, type Dataset } from "../../analyse/dataset.js";
import type { Plan } from "../../core/plan.js";
import type { StepRecord } from "../../core/records.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../../run/journal.js";
import { MANIFEST_FILE, type Manifest } from "../../run/manifest.js";
import { PLAN_FILE } from "../../run/rundir.js";
import { latestScores, SCORES_FILE } from "../../run/score-journal.js";

export interface LoadedRun {
  dir: string;
  /** The folder's name, and the spec's name: how tables name the run. */
  label: string;
  plan: Plan;
  manifest: Manifest | null;
  ds: Dataset;
}

export type LoadRunResult = { ok: true; run: LoadedRun } | { ok: false; error: string };

/** One run folder as a Dataset (adaptive steps left out, as in the run's own static tables). */
export function loadRun(dir: string): LoadRunResult {
  const planPath = join(dir, PLAN_FILE);
  if (!existsSync(planPath)) return { ok: false, error: `${dir}: not a run folder (no ${PLAN_FILE})` };
  const header = readPlanHeader(planPath);
  if (!header.ok) return { ok: false, error: header.message };
  const plan = header.header as Plan;
  let manifest: Manifest | null = null;
  const manifestPath = join(dir, MANIFEST_FILE);
  if (existsSync(manifestPath)) {
    try {
      manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
    } catch (e) {
      return { ok: false, error: `${manifestPath}: not valid JSON (${e instanceof Error ? e.message : String(e)})` };
    }
  }
  const journalPath = join(dir, JOURNAL_FILE);
  if (!existsSync(journalPath)) return { ok: false, error: `${dir}: no ${JOURNAL_FILE} (the run has not started)` };
  const adaptive = new Set(plan.segments.filter((s) => s.kind === "adaptive").map((s) => s.id));
  const steps: StepRecord[] = [];
  for (const r of finalRecordsInPlanOrder(journalPath)) if (!adaptive.has(r.segment)) steps.push({ ...r, messages: [] });
  const scoresPath = join(dir, SCORES_FILE);
  const scores = existsSync(scoresPath) ? [...latestScores(scoresPath).values()] : [];
  if (scores.length === 0) return { ok: false, error: `${dir}: no scores yet (${SCORES_FILE} is missing or empty)` };
  return { ok: true, run: { dir, label: `${plan.name}:${basename(dir)}`, plan, manifest, ds: buildDataset(plan, steps, scores) } };
}

interface ModelKey {
  id: string;
  digest: string | null;
}

/** The evaluated models of a run with their digests (from the manifest; null where none is known). */
function evaluatedModels(run: LoadedRun): ModelKey[] {
  const digests = new Map((run.manifest?.models ?? []).filter((m) => m.role === "evaluated").map((m) => [m.id, m.digest] as const));
  return run.plan.models.map((m) => ({ id: m.id, digest: digests.get(m.id) ?? null })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Null when every run evaluated the same models with the same digests; else one message naming each
 * difference against the first run. A digest known in one run and unknown in another is not a
 * difference (a server that reports none); two different known digests are: the same name may be a
 * different model after a pull, and a finding across runs must compare one model with itself.
 */
export function modelMismatch(runs: readonly LoadedRun[]): string | null {
  const [first, ...rest] = runs;
  if (!first) return null;
  const base = evaluatedModels(first);
  const baseIds = new Set(base.map((m) => m.id));
  const lines: string[] = [];
  for (const run of rest) {
    const mine = evaluatedModels(run);
    const ids = new Set(mine.map((m) => m.id));
    const missing = base.filter((m) => !ids.has(m.id)).map((m) => m.id);
    const extra = mine.filter((m) => !baseIds.has(m.id)).map((m) => m.id);
    if (missing.length > 0) lines.push(`${run.label} lacks ${missing.join(", ")} (evaluated in ${first.label})`);
    if (extra.length > 0) lines.push(`${run.label} has ${extra.join(", ")} (not evaluated in ${first.label})`);
    for (const m of mine) {
      const b = base.find((x) => x.id === m.id);
      if (b && b.digest !== null && m.digest !== null && b.digest !== m.digest) {
        lines.push(`${m.id} has digest ${m.digest} in ${run.label} but ${b.digest} in ${first.label}`);
      }
    }
  }
  return lines.length === 0 ? null : `the runs did not evaluate the same models:\n  ${lines.join("\n  ")}`;
}

// Stand-in run folders for `value-compass findings` (the e2e and browser tests): the shipped specs
// compiled for six personas in two families, with seeded answers written as a run would write them.

import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { compilePlan } from "../../src/compile/compile.js";
import { iterateSteps } from "../../src/compile/steps.js";
import type { Plan } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { buildManifest } from "../../src/run/manifest.js";
import { kinds } from "../kinds.js";

const root = resolve(import.meta.dirname, "../..");

/** A seeded generator (an LCG), independent of the project's PRNG. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Six stand-in personas: two families, open and closed weights; the closed ones hold up on hard items. */
export const PERSONAS = [
  { id: "exec:persona a1", family: "alpha", open: false, skill: 0.85 },
  { id: "exec:persona a2", family: "alpha", open: false, skill: 0.8 },
  { id: "exec:persona a3", family: "alpha", open: false, skill: 0.82 },
  { id: "exec:persona b1", family: "beta", open: true, skill: 0.7 },
  { id: "exec:persona b2", family: "beta", open: true, skill: 0.65 },
  { id: "exec:persona b3", family: "beta", open: true, skill: 0.72 },
];

/**
 * A run folder as the pipeline writes it (plan.json, journal.jsonl, scores.jsonl, manifest.json), with
 * answers from the personas: an item is answered well with probability skill, less so on harder items
 * for open-weight personas; each family adds its own lean per dimension.
 */
export async function standInRun(spec: string, dir: string, digests: Record<string, string> = {}, models = PERSONAS): Promise<Plan> {
  const r = await loadSpec(`specs/${spec}.vc`, { kinds, cwd: root, models: models.map((p) => p.id) });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const compiled = compilePlan(r.spec!);
  const plan: Plan = {
    ...compiled,
    models: compiled.models.map((m) => ({
      ...m,
      attributes: { family: models.find((p) => p.id === m.id)!.family, open_weights: models.find((p) => p.id === m.id)!.open },
    })),
  };
  const rnd = lcg(spec.length * 7919);
  const steps: string[] = [];
  const scores: string[] = [];
  const lean = new Map<string, number>();
  for (const st of iterateSteps(plan)) {
    const persona = models.find((p) => p.id === st.model)!;
    const key = `${persona.family}/${st.dimension}`;
    if (!lean.has(key)) lean.set(key, (rnd() - 0.5) * 0.3);
    const difficulty = plan.segments.flatMap((s) => (s.kind === "static" ? s.items : [])).find((i) => i.id === st.item)?.difficulty ?? 1;
    const p = Math.min(0.98, Math.max(0.02, persona.skill + (lean.get(key) as number) - (persona.open ? 0.12 * (difficulty - 1) : 0)));
    const step: StepRecord = {
      type: "step",
      stepId: st.id,
      index: st.index,
      segment: st.segment,
      model: st.model,
      system: st.system,
      dimension: st.dimension,
      item: st.item,
      context: st.context,
      sample: st.sample,
      messages: [],
      response: "an answer",
      error: null,
      latencyMs: 1,
      tokensIn: 1,
      tokensOut: 1,
      cached: false,
      attempts: 1,
      mock: false,
    };
    steps.push(JSON.stringify(step));
    for (const scorer of st.scorers) {
      const kind = plan.scorers.find((s) => s.id === scorer)?.kind;
      const value = kind === "likert" ? Math.round(rnd() * 5 * p + (1 - p)) * 20 : rnd() < p ? 100 : 0;
      const rec: ScoreRecord = {
        type: "score",
        stepId: st.id,
        scorer,
        score: Math.min(100, value),
        raw: null,
        verdict: null,
        rule: null,
        refused: null,
        outcome: null,
        error: null,
        judge: null,
      };
      scores.push(JSON.stringify(rec));
    }
  }
  writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
  writeFileSync(join(dir, "journal.jsonl"), `${steps.join("\n")}\n`);
  writeFileSync(join(dir, "scores.jsonl"), `${scores.join("\n")}\n`);
  const manifest = buildManifest({
    runId: "r",
    status: "completed",
    plan,
    invocation: { spec: `${spec}.vc`, models: [], judge: null, set: {}, concurrency: null, cache: false, cacheDir: ".vc-cache" },
    toolVersion: "0.1.0",
    git: null,
    models: plan.models.map((m) => ({
      id: m.id,
      provider: "exec",
      name: m.name,
      role: "evaluated",
      info: { id: m.id, provider: "exec", digest: digests[m.id] ?? "sha256:same", endpoint: null, mock: false },
      fingerprints: [],
    })),
    concurrency: 1,
    retryFailed: false,
    sessions: [],
    counts: { total: steps.length, done: steps.length, succeeded: steps.length, failed: 0, cached: 0, retried: 0, adaptive: 0, remaining: 0 },
    stop: null,
    files: [],
  });
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  return plan;
}

/** The five shipped specs `findings` reads. */
export const SPECS = ["safety", "schwartz", "moral-foundations", "llm-values", "culture"];

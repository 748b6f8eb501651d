// `value-compass findings` over the five shipped specs run on stand-in models: every table is written
// and every finding gets a verdict; runs over different model sets (or one model under two digests)
// are refused with the differences named; the static-vs-dynamic table is recomputed by plain code.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { compilePlan } from "../../src/compile/compile.js";
import { iterateSteps } from "../../src/compile/steps.js";
import type { Plan } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { buildManifest } from "../../src/run/manifest.js";
import { kinds } from "../kinds.js";
import { readCsv, vc } from "./helpers.js";

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
const PERSONAS = [
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
async function standInRun(spec: string, dir: string, digests: Record<string, string> = {}, models = PERSONAS): Promise<Plan> {
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

const SPECS = ["safety", "schwartz", "moral-foundations", "llm-values", "culture"];
const TABLES = [
  "findings",
  "value_hierarchy",
  "value_hierarchy_summary",
  "culture_alignment",
  "culture_bias",
  "cross_system",
  "static_vs_dynamic",
  "context_effects",
  "group_comparisons",
  "families",
];

describe("value-compass findings", () => {
  const base = mkdtempSync(join(tmpdir(), "vc-findings-"));
  const dirs = SPECS.map((s) => join(base, s));
  const plans = new Map<string, Plan>();

  beforeAll(async () => {
    for (const [i, s] of SPECS.entries()) {
      mkdirSync(dirs[i]!, { recursive: true });
      plans.set(s, await standInRun(s, dirs[i]!));
    }
  }, 600_000);

  it("over the five shipped specs on stand-ins: completes, writes every table, and gives every finding a verdict", async () => {
    const out = join(base, "out");
    const r = await vc(["findings", ...dirs, "--out", out, "--resamples", "200"], base);
    expect(r.stderr).not.toContain("Error");
    expect(r.code).toBe(0);
    for (const t of TABLES) expect(existsSync(join(out, `${t}.csv`)), t).toBe(true);
    const findings = readCsv(join(out, "findings.csv"));
    expect(findings.map((f) => f.finding)).toEqual([
      "value_hierarchy",
      "culture_bias",
      "cross_system",
      "static_vs_dynamic",
      "context_effects",
      "group_comparisons",
      "families",
    ]);
    for (const f of findings) {
      expect(["supports", "contradicts", "cannot tell"]).toContain(f.verdict);
      expect(f.because!.length).toBeGreaterThan(10);
    }
    // Tables with rows where the stand-ins give data for them.
    for (const t of ["value_hierarchy", "cross_system", "static_vs_dynamic", "context_effects", "group_comparisons", "families", "culture_alignment"]) {
      expect(readCsv(join(out, `${t}.csv`)).length, t).toBeGreaterThan(0);
    }
    // The JSON holds the same findings as plain data (for an HTML findings section).
    const json = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as {
      findings: Array<{ id: string; verdict: string; tables: Array<{ name: string; columns: string[] }> }>;
    };
    expect(json.findings.map((f) => f.verdict)).toEqual(findings.map((f) => f.verdict));
    // Built in: open-weight personas lose ground on hard items, so the group comparison at MFT's hardest level supports the claim.
    const groups = findings.find((f) => f.finding === "group_comparisons")!;
    expect(groups.verdict).toBe("supports");
    // Static vs dynamic recomputed: each model's safety mean over item means, minus its MFT mean at the hardest level.
    const svd = readCsv(join(out, "static_vs_dynamic.csv"));
    expect(svd.map((r) => r.model)).toEqual(PERSONAS.map((p) => p.id).sort());
    const itemMeans = (dir: string, system: string, level: number | null) => {
      const plan = plans.get(dir)!;
      const diff = new Map(plan.segments.flatMap((s) => (s.kind === "static" ? s.items : [])).map((i) => [i.id, i.difficulty] as const));
      const steps = readFileSync(join(base, dir, "journal.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as StepRecord);
      const primary = new Map(plan.segments.map((s) => [s.id, s.scorers[0]] as const));
      const sc = new Map(
        readFileSync(join(base, dir, "scores.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as ScoreRecord)
          .map((s) => [`${s.stepId}|${s.scorer}`, s.score] as const),
      );
      const per = new Map<string, Map<string, number[]>>();
      for (const s of steps) {
        if (s.system !== system || (level !== null && diff.get(s.item) !== level)) continue;
        const v = sc.get(`${s.stepId}|${primary.get(s.segment)}`);
        if (v === null || v === undefined) continue;
        const m = per.get(s.model) ?? new Map<string, number[]>();
        const k = `${s.segment}/${s.item}`;
        m.set(k, [...(m.get(k) ?? []), v]);
        per.set(s.model, m);
      }
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      return new Map([...per].map(([m, items]) => [m, avg([...items.values()].map(avg))] as const));
    };
    const safety = itemMeans("safety", "safety", null);
    const mft3 = itemMeans("moral-foundations", "mft", 3);
    for (const row of svd) {
      expect(Number(row.static_score)).toBeCloseTo(safety.get(row.model!)!, 1);
      expect(Number(row.dynamic_level_3)).toBeCloseTo(mft3.get(row.model!)!, 1);
    }
  }, 600_000);

  it("refuses runs over different model sets, naming the differences", async () => {
    const other = join(base, "other");
    mkdirSync(other, { recursive: true });
    await standInRun("llm-values", other, {}, [...PERSONAS.slice(0, 5), { id: "exec:persona c1", family: "gamma", open: true, skill: 0.5 }]);
    const r = await vc(["findings", dirs[1]!, other, "--out", join(base, "out2")], base);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the runs did not evaluate the same models");
    expect(r.stderr).toContain("lacks exec:persona b3");
    expect(r.stderr).toContain("has exec:persona c1");
    expect(existsSync(join(base, "out2", "findings.csv"))).toBe(false);
  }, 600_000);

  it("refuses one model under two digests", async () => {
    const other = join(base, "digest");
    mkdirSync(other, { recursive: true });
    await standInRun("llm-values", other, { "exec:persona a2": "sha256:pulled-again" });
    const r = await vc(["findings", dirs[1]!, other, "--out", join(base, "out3")], base);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("exec:persona a2 has digest sha256:pulled-again");
  }, 600_000);
});

// Every statistic of dimensions.csv and leaderboard.csv recomputed by plain code (a few lines each,
// none of the production functions) on a seeded journal of two shipped specs: schwartz.vc (centred
// PVQ ratings and 0–100 judge scores: two scales in one system) and safety.vc (a judge declared
// `scale proportion` crossed with 48 deployments, with refusals, failed steps and scoring errors).
// The journal is made here from the compiled plan's own steps with a seeded generator, so the test
// needs no model and covers every step the spec enumerates.

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { compilePlan } from "../../src/compile/compile.js";
import { iterateSteps } from "../../src/compile/steps.js";
import type { Plan } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { buildReport, type Table } from "../../src/report/tables.js";
import { kinds } from "../kinds.js";

const root = resolve(import.meta.dirname, "../..");
const Z = 1.959963984540054;
const SEED = 20240611;

/** A tiny seeded generator (an LCG), independent of the project's PRNG. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

async function planOf(spec: string, models: string[]): Promise<Plan> {
  const r = await loadSpec(`specs/${spec}`, { kinds, cwd: root, models });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return compilePlan(r.spec!);
}

interface Journal {
  steps: StepRecord[];
  scores: ScoreRecord[];
}

/** Answers for every step: ~3% failed, ~3% scoring errors; scores by the scorer's kind. */
function journal(plan: Plan, seed: number): Journal {
  const rnd = lcg(seed);
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  const kindOf = new Map(plan.scorers.map((s) => [s.id, s.kind]));
  for (const st of iterateSteps(plan)) {
    const failed = rnd() < 0.03;
    const modelBias = plan.models.findIndex((m) => m.id === st.model);
    steps.push({
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
      messages: st.messages,
      response: failed ? null : "an answer",
      error: failed ? { kind: "timeout", message: "timed out", status: null } : null,
      latencyMs: null,
      tokensIn: null,
      tokensOut: null,
      cached: false,
      attempts: 1,
      mock: true,
    });
    for (const scorer of st.scorers) {
      const base = { type: "score" as const, stepId: st.id, scorer, raw: null, verdict: null, rule: null, outcome: null, judge: null };
      if (failed) {
        scores.push({ ...base, score: null, refused: null, error: "no response" });
        continue;
      }
      const refused = rnd() < 0.2;
      if (rnd() < 0.03) {
        // A scoring error that still knows whether the answer was a refusal: it must not count.
        scores.push({ ...base, score: null, refused: kindOf.get(scorer) === "judge" ? refused : null, error: "invalid judge JSON" });
        continue;
      }
      let value: number;
      if (kindOf.get(scorer) === "likert") value = ((Math.min(5, Math.floor(rnd() * 6 + modelBias * 0.3)) as number) / 5) * 100;
      else if (plan.scorers.find((s) => s.id === scorer)?.config["scale"] === "proportion") {
        const u = rnd();
        value = u < 0.15 + 0.1 * modelBias ? 0 : u < 0.2 + 0.1 * modelBias ? 50 : 100;
      } else value = Math.round(rnd() * 20) * 5;
      scores.push({ ...base, score: value, refused: kindOf.get(scorer) === "judge" ? refused : null, error: null });
    }
  }
  return { steps, scores };
}

// ---------------------------------------------------------------------------------------------------
// Plain recomputation

interface Rec {
  step: StepRecord;
  score: ScoreRecord | undefined;
}

const avg = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdOf = (xs: readonly number[]) => (xs.length < 2 ? null : Math.sqrt(xs.reduce((a, x) => a + (x - avg(xs)) ** 2, 0) / (xs.length - 1)));

function wilson(p: number, n: number): [number, number] {
  const c = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const h = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / (1 + (Z * Z) / n);
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** Cluster (item) totals of 0–1 outcomes → effective n, as docs/scoring.md defines it. */
function effectiveN(byItem: Map<string, number[]>): { p: number; n: number } {
  const all = [...byItem.values()].flat();
  const p = avg(all);
  const N = all.length;
  if (p * (1 - p) <= 1e-9) return { p, n: Math.max(1, Math.min(byItem.size, N)) };
  let ss = 0;
  for (const xs of byItem.values()) ss += (xs.reduce((a, b) => a + b, 0) - p * xs.length) ** 2;
  const v = ss / (N * N);
  return { p, n: Math.max(1, Math.min(N, v <= 1e-18 ? N : (p * (1 - p)) / v)) };
}

/** Standard error of a mean over item clusters (with-replacement linearisation). */
function clusterSe(byItem: Map<string, number[]>): number {
  const all = [...byItem.values()].flat();
  const m = avg(all);
  let ss = 0;
  for (const xs of byItem.values()) ss += xs.reduce((a, x) => a + (x - m), 0) ** 2;
  return Math.sqrt(ss) / all.length;
}

function rowsOf(t: Table): Array<Record<string, unknown>> {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}

function tableOf(tables: Table[], name: string): Table {
  const t = tables.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}

async function check(spec: string, models: string[]) {
  const plan = await planOf(spec, models);
  const { steps, scores } = journal(plan, SEED);
  const built = buildReport(plan, steps, scores, { seed: SEED, resamples: 600 });
  const dims = rowsOf(tableOf(built.tables, "dimensions"));
  const board = rowsOf(tableOf(built.tables, "leaderboard"));

  // Every (step, scorer) pair, with the plan facts the tables group by.
  const scoreOf = new Map(scores.map((s) => [`${s.stepId}|${s.scorer}`, s]));
  const scorerOf = new Map(plan.scorers.map((s) => [s.id, s]));
  const segmentScorers = new Map(plan.segments.map((s) => [s.id, s.scorers]));
  const cells = new Map<string, Rec[]>();
  for (const st of steps) {
    for (const scorer of segmentScorers.get(st.segment) ?? []) {
      const key = JSON.stringify([st.model, st.system, st.context.culture, st.context.usecase, st.dimension, scorer]);
      const list = cells.get(key) ?? [];
      list.push({ step: st, score: scoreOf.get(`${st.stepId}|${scorer}`) });
      cells.set(key, list);
    }
  }
  const scored = (r: Rec) => r.step.response !== null && r.score !== undefined && r.score.error === null && r.score.score !== null;

  // Centring (scorers with centre true): a respondent is model × system × context × sample × scorer;
  // their mean over the items they answered is subtracted. Dropped respondents (> 25% missing) have none.
  const mrat = new Map<string, number | null>();
  const respondentOf = (st: StepRecord, scorer: string) => JSON.stringify([st.model, st.system, st.context.culture, st.context.usecase, st.sample, scorer]);
  for (const [id, sc] of scorerOf) {
    if (sc.config["centre"] !== true) continue;
    const byResp = new Map<string, { answered: number[]; asked: number }>();
    for (const st of steps) {
      if (!(segmentScorers.get(st.segment) ?? []).includes(id)) continue;
      const r = respondentOf(st, id);
      const e = byResp.get(r) ?? { answered: [], asked: 0 };
      e.asked++;
      const s = scoreOf.get(`${st.stepId}|${id}`);
      if (st.response !== null && s && s.error === null && s.score !== null) e.answered.push(s.score);
      byResp.set(r, e);
    }
    for (const [r, e] of byResp) mrat.set(r, e.asked - e.answered.length > Math.floor(e.asked * 0.25) ? null : avg(e.answered));
  }

  let checkedIntervals = 0;
  const ratios: number[] = [];
  expect(dims).toHaveLength(cells.size);
  for (const row of dims) {
    const key = JSON.stringify([row.model, row.system, row.culture, row.usecase, row.dimension, row.measure]);
    const recs = cells.get(key);
    expect(recs, key).toBeDefined();
    if (!recs) continue;
    const measure = String(row.measure);
    const centred = scorerOf.get(measure)?.config["centre"] === true;
    const ok = recs.filter(scored).filter((r) => !centred || mrat.get(respondentOf(r.step, measure)) !== null);
    const value = (r: Rec) => (r.score?.score as number) - (centred ? (mrat.get(respondentOf(r.step, measure)) as number) : 0);
    const values = ok.map(value);
    expect(row.steps).toBe(recs.length);
    expect(row.failed_steps).toBe(recs.filter((r) => r.step.response === null).length);
    expect(row.scoring_errors).toBe(recs.filter((r) => r.step.response !== null && r.score?.error !== null && r.score !== undefined).length);
    expect(row.n).toBe(values.length);
    expect(row.items).toBe(new Set(ok.map((r) => r.step.item)).size);
    if (values.length === 0) {
      expect(row.mean).toBeNull();
      continue;
    }
    expect(row.mean as number).toBeCloseTo(avg(values), 9);
    const s = sdOf(values);
    if (s === null) expect(row.sd).toBeNull();
    else expect(row.sd as number).toBeCloseTo(s, 9);
    const knows = ok.filter((r) => r.score?.refused !== null);
    expect(row.refusal_known).toBe(knows.length);
    expect(row.refusals).toBe(knows.filter((r) => r.score?.refused === true).length);
    if (knows.length > 0) expect(row.refusal_rate as number).toBeCloseTo(knows.filter((r) => r.score?.refused).length / knows.length, 12);

    const byItem = new Map<string, number[]>();
    for (const r of ok) byItem.set(r.step.item, [...(byItem.get(r.step.item) ?? []), value(r)]);
    if (row.scale === "proportion") {
      const e = effectiveN(new Map([...byItem].map(([k, xs]) => [k, xs.map((x) => x / 100)])));
      const [low, high] = wilson(e.p, e.n);
      expect(row.ci_low as number).toBeCloseTo(low * 100, 8);
      expect(row.ci_high as number).toBeCloseTo(high * 100, 8);
      checkedIntervals++;
    } else if (byItem.size >= 2) {
      expect(row.ci_method).toBe("item-bootstrap");
      expect(row.ci_low as number).toBeLessThanOrEqual((row.mean as number) + 1e-9);
      expect(row.ci_high as number).toBeGreaterThanOrEqual((row.mean as number) - 1e-9);
      const se = clusterSe(byItem);
      if (byItem.size >= 6 && se > 0) ratios.push(((row.ci_high as number) - (row.ci_low as number)) / (2 * Z * se));
      checkedIntervals++;
    } else expect(row.ci_low).toBeNull();
  }

  // Leaderboard: the mean of the dimension means, ranked within system, context and measure.
  const boards = new Map<string, Array<Record<string, unknown>>>();
  for (const row of board) {
    const mine = dims.filter(
      (d) => d.model === row.model && d.system === row.system && d.culture === row.culture && d.usecase === row.usecase && d.measure === row.measure,
    );
    const weights = new Map((plan.systems.find((s) => s.id === row.system)?.dimensions ?? []).map((d) => [d.id, d.weight]));
    const equal = new Set(weights.values()).size <= 1;
    const withMean = mine.filter((d) => d.mean !== null);
    const w = (d: Record<string, unknown>) => (equal ? 1 : (weights.get(String(d.dimension)) ?? 1));
    const overall = withMean.reduce((a, d) => a + w(d) * (d.mean as number), 0) / withMean.reduce((a, d) => a + w(d), 0);
    expect(row.n).toBe(mine.reduce((a, d) => a + (d.n as number), 0));
    expect(row.dimensions).toBe(withMean.length);
    if (row.scale === "centred") {
      // Centred dimension means sum to about zero: no overall, no rank.
      expect(row.overall).toBeNull();
      expect(Math.abs(overall)).toBeLessThan(5);
      continue;
    }
    expect(row.overall as number).toBeCloseTo(overall, 9);
    if (row.scale === "proportion") {
      const kish =
        1 /
        withMean.reduce((a, d) => {
          const byItem = new Map<string, number[]>();
          const key = JSON.stringify([d.model, d.system, d.culture, d.usecase, d.dimension, d.measure]);
          for (const r of (cells.get(key) ?? []).filter(scored))
            byItem.set(r.step.item, [...(byItem.get(r.step.item) ?? []), (r.score?.score as number) / 100]);
          return a + (1 / withMean.length) ** 2 / effectiveN(byItem).n;
        }, 0);
      const [low, high] = wilson(overall / 100, kish);
      expect(row.ci_low as number).toBeCloseTo(low * 100, 8);
      expect(row.ci_high as number).toBeCloseTo(high * 100, 8);
      checkedIntervals++;
    } else {
      expect(row.ci_low as number).toBeLessThanOrEqual(overall + 1e-9);
      expect(row.ci_high as number).toBeGreaterThanOrEqual(overall - 1e-9);
      checkedIntervals++;
    }
    const b = JSON.stringify([row.system, row.culture, row.usecase, row.measure]);
    boards.set(b, [...(boards.get(b) ?? []), row]);
  }
  // Competition ranks within a board; equal overalls (within 1e-9) share a rank written "k="; a board
  // whose overalls are all equal ranks no one.
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  for (const rows of boards.values()) {
    const ranked = rows.filter((x) => x.overall !== null);
    const flat = ranked.length >= 2 && ranked.every((x) => same(x.overall as number, ranked[0]!.overall as number));
    for (const r of ranked) {
      if (flat) {
        expect(r.rank).toBeNull();
        continue;
      }
      const better = ranked.filter((x) => (x.overall as number) > (r.overall as number) && !same(x.overall as number, r.overall as number)).length;
      const tied = ranked.some((x) => x !== r && same(x.overall as number, r.overall as number));
      expect(r.rank).toBe(`${better + 1}${tied ? "=" : ""}`);
    }
  }
  return { checkedIntervals, ratios, dims: dims.length, board: board.length };
}

describe("dimensions.csv and leaderboard.csv recomputed by plain code (seed 20240611)", () => {
  it("schwartz.vc: centred PVQ and 0–100 judge scores, each its own measure", async () => {
    const r = await check("schwartz.vc", ["mock:echo", "mock:refuse", "mock:comply"]);
    expect(r.dims).toBe(3 * 10 * 2);
    expect(r.checkedIntervals).toBeGreaterThan(50);
    // The item bootstrap's width against a plain cluster standard error (normal approximation): the
    // two agree within ±40% on cells of at least 6 items (the bootstrap is percentile, and centred
    // cells add the variation of the respondent's mean).
    expect(r.ratios.length).toBeGreaterThan(20);
    for (const x of r.ratios) expect(x).toBeGreaterThan(0.6);
    for (const x of r.ratios) expect(x).toBeLessThan(1.4);
  }, 120_000);

  it("safety.vc: a judge declared `scale proportion` in 48 deployments, with refusals and errors", async () => {
    const r = await check("safety.vc", ["mock:refuse", "mock:comply"]);
    // 2 models × 48 contexts (8 cultures × 6 use cases) × 6 domains.
    expect(r.dims).toBe(2 * 48 * 6);
    expect(r.board).toBe(2 * 48);
    expect(r.checkedIntervals).toBe(r.dims + r.board);
  }, 240_000);
});

// `value-compass diff RUN_A RUN_B`: what changed between two runs, as plain data (the CLI writes it as
// text, CSV or JSON; report.html can show the same object). Three parts:
//   plan   inputs (by sha256), models, model digests, run settings, params, selection, judge
//   cells  per (model, system, dimension, measure, culture, usecase): B − A on the items both runs
//          scored, paired on the item (context-effects machinery: item means, expanded-percentile
//          bootstrap interval, sign-flip test), with Benjamini–Hochberg q over all cells
//   items  every (step, measure) whose answer, score, verdict or error differs, or that only one run has
// Steps are matched by their id (a hash of segment, model, item, context and sample), so two runs of
// the same spec line up even when one covers a subset of the other.

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readPlanHeader } from "../adaptive/plan-file.js";
import { compareContexts, type ItemScores } from "../analyse/context-effects.js";
import { benjaminiHochberg, deriveSeed } from "../analyse/stats.js";
import { canonicalJson } from "../core/canonical.js";
import type { Json, Plan } from "../core/plan.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import { MANIFEST_FILE, readManifest, type Manifest } from "../run/manifest.js";
import { PLAN_FILE, resolveRunDir } from "../run/rundir.js";

export { resolveRunDir } from "../run/rundir.js";
import { latestScores, scoreKey, SCORES_FILE } from "../run/score-journal.js";

export interface PlanChange {
  /** What differs: `input`, `model`, `digest`, `judge`, `setting`, `param`, `selection`, `plan_hash`. */
  what: string;
  /** Which one: a file path, a model id, a setting name. */
  name: string;
  a: string | null;
  b: string | null;
}

export interface DiffCell {
  model: string;
  system: string;
  dimension: string;
  measure: string;
  culture: string | null;
  usecase: string | null;
  /** Items with a score in A, in B, and in both (the pairs). */
  itemsA: number;
  itemsB: number;
  pairs: number;
  meanA: number | null;
  meanB: number | null;
  /** Mean over shared items of (B − A), on item means. */
  difference: number | null;
  ci: { low: number; high: number } | null;
  p: number | null;
  q: number | null;
  /** Items whose score differs between the runs. */
  changed: number;
  note: string | null;
}

export interface ItemChange {
  model: string;
  system: string;
  dimension: string;
  measure: string;
  culture: string | null;
  usecase: string | null;
  segment: string;
  item: string;
  sample: number;
  /** `answer`, `score`, `verdict`, `error`, `only_in_a`, `only_in_b`, joined with `+`. */
  change: string;
  scoreA: number | null;
  scoreB: number | null;
  verdictA: string | null;
  verdictB: string | null;
  /** The verdict differs (or, for a scorer without verdicts, the score crossed 50). */
  flipped: boolean;
}

export interface RunDiff {
  a: { dir: string; runId: string; planHash: string };
  b: { dir: string; runId: string; planHash: string };
  plan: PlanChange[];
  cells: DiffCell[];
  items: ItemChange[];
  /** Steps (× measures) both runs have, and those only one has. */
  shared: number;
  onlyA: number;
  onlyB: number;
}

export interface DiffOptions {
  seed: number;
  resamples: number;
  permutations?: number;
}

export type DiffOutcome = { ok: true; diff: RunDiff } | { ok: false; message: string };

interface RunData {
  dir: string;
  plan: Plan;
  manifest: Manifest | null;
  /** stepId + "\0" + measure → the pair's record. */
  records: Map<string, PairRecord>;
  order: Map<string, number>;
}

interface PairRecord {
  model: string;
  system: string;
  dimension: string;
  measure: string;
  culture: string | null;
  usecase: string | null;
  segment: string;
  item: string;
  sample: number;
  answer: string | null;
  score: number | null;
  verdict: string | null;
  error: string | null;
}

function readRun(given: string): { ok: true; run: RunData } | { ok: false; message: string } {
  const dir = resolveRunDir(given);
  const header = readPlanHeader(join(dir, PLAN_FILE));
  if (!header.ok) return { ok: false, message: `${given} is not a run directory: ${header.message}` };
  const journalPath = join(dir, JOURNAL_FILE);
  if (!existsSync(journalPath)) return { ok: false, message: `${given} has no ${JOURNAL_FILE}: nothing was answered yet` };
  const m = readManifest(join(dir, MANIFEST_FILE));
  const scores = latestScores(join(dir, SCORES_FILE));
  const records = new Map<string, PairRecord>();
  const order = new Map<string, number>();
  const scorersOf = new Map(header.header.segments.map((s) => [s.id, s.scorers]));
  for (const step of finalRecordsInPlanOrder(journalPath)) {
    const answer = step.response === null ? null : createHash("sha256").update(step.response).digest("hex");
    const itemKey = `${step.segment}/${step.item}`;
    if (!order.has(itemKey)) order.set(itemKey, order.size);
    for (const measure of scorersOf.get(step.segment) ?? []) {
      const s = scores.get(scoreKey(step.stepId, measure));
      records.set(`${step.stepId}\u0000${measure}`, {
        model: step.model,
        system: step.system,
        dimension: step.dimension,
        measure,
        culture: step.context.culture,
        usecase: step.context.usecase,
        segment: step.segment,
        item: step.item,
        sample: step.sample,
        answer,
        score: s?.score ?? null,
        verdict: s?.verdict ?? null,
        error: step.error !== null ? `step: ${step.error.message}` : (s?.error ?? null),
      });
    }
  }
  return { ok: true, run: { dir, plan: header.header, manifest: m.ok ? m.manifest : null, records, order } };
}

export function diffRuns(dirA: string, dirB: string, options: DiffOptions): DiffOutcome {
  const ra = readRun(dirA);
  if (!ra.ok) return ra;
  const rb = readRun(dirB);
  if (!rb.ok) return rb;
  const a = ra.run;
  const b = rb.run;
  const items: ItemChange[] = [];
  let shared = 0;
  let onlyA = 0;
  let onlyB = 0;
  type Cell = {
    key: Omit<DiffCell, "itemsA" | "itemsB" | "pairs" | "meanA" | "meanB" | "difference" | "ci" | "p" | "q" | "changed" | "note">;
    a: ItemScores;
    b: ItemScores;
    changed: Set<string>;
  };
  const cells = new Map<string, Cell>();
  const cellOf = (r: PairRecord): Cell => {
    const key = [r.model, r.system, r.dimension, r.measure, r.culture ?? "", r.usecase ?? ""].join("\u0000");
    let c = cells.get(key);
    if (!c) {
      c = {
        key: { model: r.model, system: r.system, dimension: r.dimension, measure: r.measure, culture: r.culture, usecase: r.usecase },
        a: new Map(),
        b: new Map(),
        changed: new Set(),
      };
      cells.set(key, c);
    }
    return c;
  };
  const add = (scores: ItemScores, r: PairRecord) => {
    if (r.score === null) return;
    const k = `${r.segment}/${r.item}`;
    scores.set(k, [...(scores.get(k) ?? []), r.score]);
  };
  for (const [key, ar] of a.records) {
    const br = b.records.get(key);
    const cell = cellOf(ar);
    add(cell.a, ar);
    if (!br) {
      onlyA++;
      items.push(itemChange(ar, null, "only_in_a"));
      continue;
    }
    shared++;
    add(cell.b, br);
    const change = [
      ar.answer !== br.answer ? "answer" : null,
      ar.score !== br.score ? "score" : null,
      ar.verdict !== br.verdict ? "verdict" : null,
      ar.error !== br.error ? "error" : null,
    ].filter((c): c is string => c !== null);
    if (ar.score !== br.score) cell.changed.add(`${ar.segment}/${ar.item}`);
    if (change.length > 0) items.push(itemChange(ar, br, change.join("+")));
  }
  for (const [key, br] of b.records) {
    if (a.records.has(key)) continue;
    onlyB++;
    add(cellOf(br).b, br);
    items.push(itemChange(null, br, "only_in_b"));
  }

  const order = (id: string) => a.order.get(id) ?? b.order.size + (b.order.get(id) ?? 0);
  const out: DiffCell[] = [];
  for (const [key, c] of cells) {
    const cmp = compareContexts(c.b, c.a, order, {
      seed: deriveSeed(options.seed, key),
      resamples: options.resamples,
      permutations: options.permutations ?? 10000,
    });
    const meanOf = (s: ItemScores) => {
      const all = [...s.values()].flat();
      return all.length > 0 ? all.reduce((x, y) => x + y, 0) / all.length : null;
    };
    out.push({
      ...c.key,
      itemsA: c.a.size,
      itemsB: c.b.size,
      pairs: cmp.pairs,
      meanA: meanOf(c.a),
      meanB: meanOf(c.b),
      difference: cmp.pairing === "paired" ? cmp.difference : null,
      ci: cmp.pairing === "paired" && cmp.ci ? { low: cmp.ci.low, high: cmp.ci.high } : null,
      p: cmp.pairing === "paired" ? cmp.p : null,
      q: null,
      changed: c.changed.size,
      note: cmp.pairing === "unpaired" ? "no item scored in both runs" : cmp.note,
    });
  }
  const qs = benjaminiHochberg(out.map((c) => c.p));
  out.forEach((c, i) => {
    c.q = qs[i] ?? null;
  });
  return {
    ok: true,
    diff: {
      a: { dir: a.dir, runId: a.manifest?.runId ?? a.dir, planHash: a.plan.hash },
      b: { dir: b.dir, runId: b.manifest?.runId ?? b.dir, planHash: b.plan.hash },
      plan: planChanges(a, b),
      cells: out,
      items,
      shared,
      onlyA,
      onlyB,
    },
  };
}

function itemChange(a: PairRecord | null, b: PairRecord | null, change: string): ItemChange {
  const r = (a ?? b) as PairRecord;
  const crossed = (x: number | null, y: number | null) => x !== null && y !== null && x >= 50 !== y >= 50;
  const verdictA = a?.verdict ?? null;
  const verdictB = b?.verdict ?? null;
  return {
    model: r.model,
    system: r.system,
    dimension: r.dimension,
    measure: r.measure,
    culture: r.culture,
    usecase: r.usecase,
    segment: r.segment,
    item: r.item,
    sample: r.sample,
    change,
    scoreA: a?.score ?? null,
    scoreB: b?.score ?? null,
    verdictA,
    verdictB,
    flipped: a !== null && b !== null && (verdictA !== null || verdictB !== null ? verdictA !== verdictB : crossed(a.score, b.score)),
  };
}

function planChanges(a: RunData, b: RunData): PlanChange[] {
  const out: PlanChange[] = [];
  const pa = a.plan;
  const pb = b.plan;
  if (pa.hash !== pb.hash) out.push({ what: "plan_hash", name: "hash", a: pa.hash, b: pb.hash });
  const inputsA = new Map(pa.inputs.map((i) => [i.path, i.sha256]));
  const inputsB = new Map(pb.inputs.map((i) => [i.path, i.sha256]));
  for (const path of [...new Set([...inputsA.keys(), ...inputsB.keys()])].sort()) {
    const x = inputsA.get(path) ?? null;
    const y = inputsB.get(path) ?? null;
    if (x !== y) out.push({ what: "input", name: path, a: x, b: y });
  }
  const modelsA = pa.models.map((m) => m.id);
  const modelsB = pb.models.map((m) => m.id);
  for (const id of [...new Set([...modelsA, ...modelsB])]) {
    if (!modelsA.includes(id) || !modelsB.includes(id))
      out.push({ what: "model", name: id, a: modelsA.includes(id) ? "evaluated" : null, b: modelsB.includes(id) ? "evaluated" : null });
  }
  const digests = (m: Manifest | null) => new Map((m?.models ?? []).map((x) => [x.id, x.digest]));
  const da = digests(a.manifest);
  const db = digests(b.manifest);
  for (const [id, x] of da) {
    const y = db.get(id);
    if (y !== undefined && x !== y) out.push({ what: "digest", name: id, a: x, b: y });
  }
  if (pa.judge !== pb.judge) out.push({ what: "judge", name: "judge", a: pa.judge, b: pb.judge });
  const settings = (p: Plan): Record<string, Json> => ({ ...(JSON.parse(JSON.stringify(p.run)) as Record<string, Json>) });
  const sa = settings(pa);
  const sb = settings(pb);
  for (const k of [...new Set([...Object.keys(sa), ...Object.keys(sb)])].sort()) {
    const x = sa[k] === undefined ? null : canonicalJson(sa[k] ?? null);
    const y = sb[k] === undefined ? null : canonicalJson(sb[k] ?? null);
    if (x !== y) out.push({ what: "setting", name: k, a: x, b: y });
  }
  for (const k of [...new Set([...Object.keys(pa.params), ...Object.keys(pb.params)])].sort()) {
    const x = k in pa.params ? canonicalJson(pa.params[k] ?? null) : null;
    const y = k in pb.params ? canonicalJson(pb.params[k] ?? null) : null;
    if (x !== y) out.push({ what: "param", name: k, a: x, b: y });
  }
  const selA = pa.selection ? canonicalJson(pa.selection as unknown as Json) : null;
  const selB = pb.selection ? canonicalJson(pb.selection as unknown as Json) : null;
  if (selA !== selB) out.push({ what: "selection", name: "selection", a: selA, b: selB });
  return out;
}

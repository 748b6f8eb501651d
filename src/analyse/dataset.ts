// The joined view of a run that every analysis reads: the journal's steps (latest record per step, in
// plan order), each with its score records (latest per scorer), the plan facts the records do not carry
// (item difficulty, which scorer is primary), and the plan's orders for models, systems, dimensions and
// contexts so that every table comes out in the same order on every machine.

import type { Plan, PlanItem, PlanScorer } from "../core/plan.js";
import type { ScoreRecord, StepRecord } from "../core/records.js";
import { isScale, type Scale } from "../core/scale.js";
import { scorerKind } from "../score/kinds/index.js";
import type { QuestionnaireItem } from "../score/centring.js";
import { centreScores, type CentreMode, DEFAULT_MAX_MISSING_SHARE } from "./centre.js";
import { StepMetas, type StepMeta } from "./step-metas.js";

export type { StepMeta } from "./step-metas.js";

/** One score record joined with its step, after centring (if any). */
export interface Unit {
  step: StepMeta;
  scorer: string;
  /** The first scorer of the step's segment: the one whose score counts by default. */
  primary: boolean;
  /** 0–100, or (when centred) the distance from the respondent's mean in score points; null if none. */
  score: number | null;
  /** The score as recorded, before centring. */
  rawScore: number | null;
  centred: boolean;
  refused: boolean | null;
  error: string | null;
  /** The score record itself (verdict, rule, raw output, judge). */
  record: ScoreRecord;
}

export interface Orders {
  model(id: string): number;
  system(id: string): number;
  /** Position of a dimension within its system (PlanDimension.order, then declaration order). */
  dimension(system: string, id: string): number;
  /** Position of a higher-order group within its system (declaration order); null (no group) last. */
  group(system: string, id: string | null): number;
  culture(id: string | null): number;
  usecase(id: string | null): number;
  scorer(id: string): number;
  segment(id: string): number;
  item(id: string): number;
}

export interface Dataset {
  plan: Plan;
  /**
   * Latest record per step id, sorted by plan index (then step id); empty when built with
   * `records: false` (the analyses read `metas`, which hold what they need of each step).
   */
  steps: StepRecord[];
  /** Parallel to steps: one StepMeta a step, held as columns (src/analyse/step-metas.ts). */
  metas: StepMetas;
  /** Parallel to steps: the step's units, in the segment's scorer order then by scorer id. */
  unitsByStep: Unit[][];
  /** Score records whose step is not in the journal (kept for the scores table, ignored by analyses). */
  orphans: ScoreRecord[];
  /** Scorers declared on each segment, in declaration order (the first is primary). */
  segmentScorers: Map<string, string[]>;
  order: Orders;
  centring: { mode: CentreMode; scorers: string[]; respondents: number; droppedRespondents: number };
  /**
   * The scale of each scorer's scores as the analyses see them: `centred` for the scorers centred here,
   * else the scale the spec declares, else the one its kind implies (src/core/scale.ts).
   */
  scales: Map<string, Scale>;
}

export interface DatasetOptions {
  /** "auto" (default): centre the scorers declared with `centre true`; "off": never; "all": every scorer. */
  centre?: CentreMode;
  /** Centring drops a respondent whose share of missing scores exceeds this. Default 0.25. */
  maxMissingShare?: number;
  /**
   * Keep the step records in `steps` (default true). A large run's report build passes false: one
   * StepMeta a step is then all the per-step memory it holds.
   */
  records?: boolean;
  /**
   * The step records are already the final record of each step, one per step, in plan order (as
   * `finalRecordsInPlanOrder` yields them): they are read once, as a stream, not collected and sorted.
   */
  ordered?: boolean;
}

function indexer(ids: readonly string[]): (id: string) => number {
  const map = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!map.has(id)) map.set(id, i);
  });
  // Ids the plan does not know (a journal from an edited spec) sort after the known ones, by name.
  return (id) => map.get(id) ?? ids.length;
}

function buildOrders(plan: Plan, steps: Iterable<Pick<StepMeta, "item" | "index">>): Orders {
  const model = indexer(plan.models.map((m) => m.id));
  const system = indexer(plan.systems.map((s) => s.id));
  const dims = new Map<string, (id: string) => number>();
  for (const s of plan.systems) {
    const sorted = s.dimensions
      .map((d, i) => ({ id: d.id, order: d.order, i }))
      .sort((a, b) => a.order - b.order || a.i - b.i)
      .map((d) => d.id);
    dims.set(s.id, indexer(sorted));
  }
  const groups = new Map(plan.systems.map((s) => [s.id, indexer(s.groups.map((g) => g.id))] as const));
  const culture = indexer(plan.cultures.map((c) => c.id));
  const usecase = indexer(plan.usecases.map((u) => u.id));
  const scorer = indexer(plan.scorers.map((s) => s.id));
  const segment = indexer(plan.segments.map((s) => s.id));
  const itemFirst = new Map<string, number>();
  for (const s of steps) if (!itemFirst.has(s.item)) itemFirst.set(s.item, s.index);
  return {
    model,
    system,
    dimension: (sys, id) => (dims.get(sys) ?? (() => 0))(id),
    group: (sys, id) => (id === null ? Number.MAX_SAFE_INTEGER : (groups.get(sys) ?? (() => 0))(id)),
    // null (no context) sorts first.
    culture: (id) => (id === null ? -1 : culture(id)),
    usecase: (id) => (id === null ? -1 : usecase(id)),
    scorer,
    segment,
    item: (id) => itemFirst.get(id) ?? Number.MAX_SAFE_INTEGER,
  };
}

/** Latest record wins: a resumed run appends a new record for a step it retried. */
function latestSteps(steps: Iterable<StepRecord>): StepRecord[] {
  const byId = new Map<string, StepRecord>();
  for (const s of steps) {
    byId.delete(s.stepId);
    byId.set(s.stepId, s);
  }
  return [...byId.values()].sort((a, b) => a.index - b.index || (a.stepId < b.stepId ? -1 : a.stepId > b.stepId ? 1 : 0));
}

function itemDifficulties(plan: Plan): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const add = (segment: string, items: readonly PlanItem[]) => {
    for (const it of items) out.set(`${segment}\u0000${it.id}`, it.difficulty);
  };
  for (const seg of plan.segments) add(seg.id, seg.kind === "static" ? seg.items : seg.bank);
  return out;
}

/** The declared scale of a plan scorer, else its kind's; percent for a kind this build does not know. */
export function declaredScale(scorer: PlanScorer): Scale {
  const kind = scorerKind(scorer.kind);
  const declared = scorer.config["scale"];
  // likert's `scale` is its number of points, never a measurement scale.
  if (isScale(declared) && kind?.properties.includes("scale") !== true) return declared;
  return kind ? kind.defaultScale(scorer.config) : "percent";
}

/** The respondent of a centred score: model × system × context × sample × scorer (src/analyse/centre.ts). */
export function respondentKey(meta: StepMeta, scorer: string): string {
  return JSON.stringify([meta.model, meta.system, meta.culture, meta.usecase, meta.sample, scorer]);
}

function centredScorers(plan: Plan, mode: CentreMode): Set<string> {
  if (mode === "off") return new Set();
  if (mode === "all") return new Set(plan.scorers.map((s) => s.id));
  const declares = (s: PlanScorer) => s.config["centre"] === true || s.config["center"] === true;
  return new Set(plan.scorers.filter(declares).map((s) => s.id));
}

/**
 * The items a respondent (model × system × context × sample × scorer, as a JSON array) was asked: the
 * static items blocks of that system scored by that scorer, run on that model, in that context, with
 * that sample.
 */
function questionnaireOf(plan: Plan): (respondent: string) => QuestionnaireItem[] {
  return (respondent) => {
    const [model, system, culture, usecase, sample, scorer] = JSON.parse(respondent) as [string, string, string | null, string | null, number, string];
    const out: QuestionnaireItem[] = [];
    for (const seg of plan.segments) {
      if (seg.kind !== "static" || seg.system !== system || !seg.scorers.includes(scorer)) continue;
      if (!seg.models.includes(model) || sample >= seg.samples) continue;
      if (!seg.contexts.some((c) => c.culture === culture && c.usecase === usecase)) continue;
      for (const it of seg.items) out.push({ item: it.id, value: it.dimension });
    }
    return out;
  };
}

const NO_UNITS: Unit[] = [];

export function buildDataset(plan: Plan, stepRecords: Iterable<StepRecord>, scoreRecords: Iterable<ScoreRecord>, options: DatasetOptions = {}): Dataset {
  const keep = options.records ?? true;
  const segmentScorers = new Map(plan.segments.map((s) => [s.id, s.scorers] as const));
  const difficulty = itemDifficulties(plan);

  const steps: StepRecord[] = [];
  const metas = new StepMetas((segment, item) => difficulty.get(`${segment}\u0000${item}`) ?? null);
  for (const s of options.ordered ? stepRecords : latestSteps(stepRecords)) {
    if (keep) steps.push(s);
    metas.push(s);
  }
  const order = buildOrders(plan, metas);

  // Latest record per (step, scorer).
  const latest = new Map<string, ScoreRecord>();
  for (const r of scoreRecords) {
    const key = `${r.stepId}\u0000${r.scorer}`;
    latest.delete(key);
    latest.set(key, r);
  }
  const orphans: ScoreRecord[] = [];
  // Filled only where a step has scores: a run without scorers holds no array per step.
  const recordsByStep: Array<ScoreRecord[] | undefined> = new Array(metas.length);
  let stepPos: Map<string, number> | null = null;
  for (const r of latest.values()) {
    if (stepPos === null) {
      stepPos = new Map();
      for (let i = 0; i < metas.length; i++) stepPos.set(metas.stepIdAt(i), i);
    }
    const pos = stepPos.get(r.stepId);
    if (pos === undefined) orphans.push(r);
    else {
      const list = recordsByStep[pos];
      if (list) list.push(r);
      else recordsByStep[pos] = [r];
    }
  }
  stepPos = null;
  orphans.sort((a, b) => (a.stepId < b.stepId ? -1 : a.stepId > b.stepId ? 1 : a.scorer < b.scorer ? -1 : a.scorer > b.scorer ? 1 : 0));

  // By position, not metas.map: a step without scores needs no StepMeta view made for it.
  const unitsByStep: Unit[][] = Array.from({ length: metas.length }, (_, i) => {
    const found = recordsByStep[i];
    if (found === undefined) return NO_UNITS;
    const meta = metas.at(i) as StepMeta;
    const declared = segmentScorers.get(meta.segment) ?? [];
    const rank = (id: string) => {
      const p = declared.indexOf(id);
      return p === -1 ? declared.length : p;
    };
    const records = found.sort((a, b) => rank(a.scorer) - rank(b.scorer) || (a.scorer < b.scorer ? -1 : a.scorer > b.scorer ? 1 : 0));
    return records.map((r) => ({
      step: meta,
      scorer: r.scorer,
      primary: declared.length > 0 && declared[0] === r.scorer,
      score: typeof r.score === "number" && Number.isFinite(r.score) ? r.score : null,
      rawScore: typeof r.score === "number" && Number.isFinite(r.score) ? r.score : null,
      centred: false,
      refused: r.refused,
      error: r.error,
      record: r,
    }));
  });

  const mode = options.centre ?? "auto";
  const toCentre = centredScorers(plan, mode);
  const centreUnits = unitsByStep.flat().filter((u) => toCentre.has(u.scorer));
  const respondentOf = (u: Unit) => respondentKey(u.step, u.scorer);
  const result = centreScores(
    centreUnits.map((u) => ({
      respondent: respondentOf(u),
      item: u.step.item,
      dimension: u.step.dimension,
      score: u.step.failed ? null : u.score,
    })),
    { maxMissingShare: options.maxMissingShare ?? DEFAULT_MAX_MISSING_SHARE, questionnaire: questionnaireOf(plan) },
  );
  centreUnits.forEach((u, i) => {
    u.score = result.scores[i] ?? null;
    u.centred = true;
  });

  const scales = new Map<string, Scale>();
  for (const s of plan.scorers) scales.set(s.id, toCentre.has(s.id) ? "centred" : declaredScale(s));
  return {
    plan,
    steps,
    metas,
    unitsByStep,
    orphans,
    segmentScorers,
    order,
    scales,
    centring: {
      mode,
      scorers: [...toCentre].sort((a, b) => order.scorer(a) - order.scorer(b) || (a < b ? -1 : 1)),
      respondents: result.respondents,
      droppedRespondents: result.dropped,
    },
  };
}

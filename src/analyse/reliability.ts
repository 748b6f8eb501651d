// Reliability of questionnaire (Likert-scored) dimensions per model, and response-style flags per
// respondent (docs/scoring.md, "Reliability"). A model has no population of respondents, so the
// respondents are its answers under each sample × culture × use case: one respondent answers every
// item once; items are the dimension's items. α and ω then say how consistently the items of a
// dimension move together across the model's repeated and context-varied answers.

import type { Json } from "../core/plan.js";
import type { Dataset, Unit } from "./dataset.js";
import {
  alphaIfDeleted,
  correctedItemTotal,
  covarianceMatrix,
  cronbachAlpha,
  feldtInterval,
  type Matrix,
  mcdonaldOmega,
  omegaFromCovariance,
} from "./reliability-stats.js";
import { DEFAULT_RESAMPLES, deriveSeed, type Interval, mulberry32, quantileSorted } from "./stats.js";

export interface ReliabilityOptions {
  seed: number;
  resamples?: number;
  /** The scorers analysed; default: every scorer of kind likert. */
  scorers?: string[];
  systems?: string[];
  /** Flag straight-lining when the share of a respondent's ratings equal to their most common one is at least this. */
  straightLine?: number;
  /** Flag acquiescence when the mean raw rating lies in the top (or disacquiescence: bottom) this share of the scale. */
  acquiescence?: number;
}

export const DEFAULT_STRAIGHT_LINE = 0.9;
export const DEFAULT_ACQUIESCENCE = 0.2;
/** Fewer complete respondents than this give no coefficient: a covariance of 2 rows is a line. */
export const MIN_RESPONDENTS = 5;
/** A percentile bootstrap over fewer respondents than this is too unstable to report. */
export const MIN_BOOTSTRAP_RESPONDENTS = 20;

export interface DimensionReliability {
  model: string;
  system: string;
  scorer: string;
  dimension: string;
  items: number;
  respondents: number;
  /** Respondents left out because they miss at least one of the dimension's items (listwise deletion). */
  incomplete: number;
  alpha: number | null;
  alphaCi: Interval | null;
  omega: number | null;
  omegaCi: Interval | null;
  /** The smallest corrected item–total correlation of the dimension. */
  minItemTotal: number | null;
  /** Respondents of this model × system × scorer flagged for a response style. */
  flagged: number;
  note: string | null;
}

export interface ItemReliability {
  model: string;
  system: string;
  scorer: string;
  dimension: string;
  item: string;
  reverse: boolean;
  n: number;
  mean: number | null;
  itemTotal: number | null;
  alphaIfDeleted: number | null;
}

export interface Respondent {
  model: string;
  system: string;
  scorer: string;
  culture: string | null;
  usecase: string | null;
  sample: number;
  /** Items with a rating. */
  answered: number;
  /** Share of the ratings equal to the respondent's most common rating (1 = every answer the same). */
  identicalShare: number | null;
  /** The most common raw rating (as stated, before reverse keying). */
  modalRating: number | null;
  /** Mean raw rating as stated, before reverse keying: the acquiescence index in scale points. */
  meanRawRating: number | null;
  /** The mean raw rating as a share of the scale: 0 = always the lowest point, 1 = always the highest. */
  meanRawShare: number | null;
  straightLining: boolean;
  acquiescence: boolean;
  disacquiescence: boolean;
  /** The analyses centre this respondent's scores (a straight-liner's centred scores are all 0). */
  centred: boolean;
}

export interface ReliabilityResult {
  dimensions: DimensionReliability[];
  items: ItemReliability[];
  respondents: Respondent[];
}

interface Rating {
  item: string;
  dimension: string;
  /** Keyed score, 0–100 (as recorded): higher = more of the dimension. */
  keyed: number;
  stated: number | null;
  min: number | null;
  points: number | null;
  reverse: boolean;
}

interface RespondentData {
  key: Omit<
    Respondent,
    "answered" | "identicalShare" | "modalRating" | "meanRawRating" | "meanRawShare" | "straightLining" | "acquiescence" | "disacquiescence" | "centred"
  >;
  ratings: Rating[];
  centred: boolean;
}

function num(raw: Json, key: string): number | null {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  const v = raw[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function bool(raw: Json, key: string): boolean | null {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  const v = raw[key];
  return typeof v === "boolean" ? v : null;
}

/** The likert scorers of the plan, or the named ones. */
function analysedScorers(ds: Dataset, named: string[] | undefined): string[] {
  if (named && named.length > 0) return named;
  return ds.plan.scorers.filter((s) => s.kind === "likert").map((s) => s.id);
}

function ratingOf(u: Unit): Rating | null {
  if (u.step.failed || u.rawScore === null || u.error !== null) return null;
  const raw = u.record.raw;
  return {
    item: u.step.item,
    dimension: u.step.dimension,
    keyed: u.rawScore,
    stated: num(raw, "stated"),
    min: num(raw, "min"),
    points: num(raw, "scale"),
    reverse: bool(raw, "reversed") ?? false,
  };
}

function percentile(stats: number[], level: number): Interval | null {
  stats.sort((a, b) => a - b);
  const lo = quantileSorted(stats, (1 - level) / 2);
  const hi = quantileSorted(stats, 1 - (1 - level) / 2);
  return lo === null || hi === null ? null : { low: lo, high: hi };
}

/**
 * Percentile bootstrap interval of ω over respondents (rows), seeded per cell. A resample whose ω is
 * undefined (no variance) is skipped; when more than a tenth are, the interval is null.
 */
function bootstrapCoefficients(x: Matrix, seed: number, resamples: number): Interval | null {
  const rand = mulberry32(seed);
  const n = x.length;
  const omegas: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const rows: (readonly number[])[] = [];
    for (let i = 0; i < n; i++) rows.push(x[Math.floor(rand() * n)] as readonly number[]);
    const s = covarianceMatrix(rows);
    if (!s) continue;
    const o = omegaFromCovariance(s);
    if (o !== null) omegas.push(o);
  }
  return omegas.length >= 0.9 * resamples ? percentile(omegas, 0.95) : null;
}

function mode(xs: readonly number[]): { value: number; count: number } | null {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best: { value: number; count: number } | null = null;
  for (const [value, count] of counts) if (!best || count > best.count || (count === best.count && value < best.value)) best = { value, count };
  return best;
}

function respondentRow(r: RespondentData, straightLine: number, acquiescence: number): Respondent {
  const stated = r.ratings.map((x) => x.stated).filter((x): x is number => x !== null);
  // Without the stated rating (a scorer other than likert), the keyed score stands in for identity checks.
  const values = stated.length === r.ratings.length ? stated : r.ratings.map((x) => x.keyed);
  const m = mode(values);
  const identicalShare = m && values.length > 0 ? m.count / values.length : null;
  const meanRaw = stated.length > 0 ? stated.reduce((a, b) => a + b, 0) / stated.length : null;
  const first = r.ratings.find((x) => x.min !== null && x.points !== null);
  const min = first?.min ?? null;
  const points = first?.points ?? null;
  const meanRawShare = meanRaw !== null && min !== null && points !== null && points > 1 ? (meanRaw - min) / (points - 1) : null;
  // Three answers are the least from which "all the same" says anything.
  const straight = identicalShare !== null && values.length >= 3 && identicalShare >= straightLine;
  return {
    ...r.key,
    answered: r.ratings.length,
    identicalShare,
    modalRating: stated.length === values.length ? (m?.value ?? null) : null,
    meanRawRating: meanRaw,
    meanRawShare,
    straightLining: straight,
    acquiescence: meanRawShare !== null && meanRawShare >= 1 - acquiescence,
    disacquiescence: meanRawShare !== null && meanRawShare <= acquiescence,
    centred: r.centred,
  };
}

export function reliability(ds: Dataset, options: ReliabilityOptions): ReliabilityResult {
  const scorers = new Set(analysedScorers(ds, options.scorers));
  const systems = options.systems ? new Set(options.systems) : null;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const straightLine = options.straightLine ?? DEFAULT_STRAIGHT_LINE;
  const acq = options.acquiescence ?? DEFAULT_ACQUIESCENCE;
  const centredScorers = new Set(ds.centring.scorers);

  // Respondents: model × system × scorer × culture × use case × sample, in plan order.
  const byRespondent = new Map<string, RespondentData>();
  const reverseOf = new Map<string, boolean>();
  for (const seg of ds.plan.segments) {
    const items = seg.kind === "static" ? seg.items : seg.bank;
    for (const it of items) reverseOf.set(`${it.system}\u0000${it.id}`, it.reverse);
  }
  ds.unitsByStep.forEach((units) => {
    for (const u of units) {
      if (!scorers.has(u.scorer)) continue;
      const m = u.step;
      if (systems && !systems.has(m.system)) continue;
      const rating = ratingOf(u);
      if (!rating) continue;
      rating.reverse = rating.reverse || (reverseOf.get(`${m.system}\u0000${m.item}`) ?? false);
      const key = JSON.stringify([m.model, m.system, u.scorer, m.culture, m.usecase, m.sample]);
      let r = byRespondent.get(key);
      if (!r) {
        r = {
          key: { model: m.model, system: m.system, scorer: u.scorer, culture: m.culture, usecase: m.usecase, sample: m.sample },
          ratings: [],
          // Centring drops nobody silently here: the column says whether the analyses centred this respondent.
          centred: u.centred && u.score !== null && centredScorers.has(u.scorer),
        };
        byRespondent.set(key, r);
      }
      // The latest record per step is already chosen; one rating per item (the first, in plan order).
      if (!r.ratings.some((x) => x.item === rating.item)) r.ratings.push(rating);
    }
  });

  const o = ds.order;
  const respondentsData = [...byRespondent.values()].sort(
    (a, b) =>
      o.model(a.key.model) - o.model(b.key.model) ||
      o.system(a.key.system) - o.system(b.key.system) ||
      o.scorer(a.key.scorer) - o.scorer(b.key.scorer) ||
      o.culture(a.key.culture) - o.culture(b.key.culture) ||
      o.usecase(a.key.usecase) - o.usecase(b.key.usecase) ||
      a.key.sample - b.key.sample,
  );
  const respondents = respondentsData.map((r) => respondentRow(r, straightLine, acq));

  // Cells: model × system × scorer × dimension.
  const cells = new Map<string, { model: string; system: string; scorer: string; dimension: string; resp: RespondentData[]; items: string[] }>();
  respondentsData.forEach((r) => {
    for (const rating of r.ratings) {
      const key = JSON.stringify([r.key.model, r.key.system, r.key.scorer, rating.dimension]);
      let c = cells.get(key);
      if (!c) {
        c = { model: r.key.model, system: r.key.system, scorer: r.key.scorer, dimension: rating.dimension, resp: [], items: [] };
        cells.set(key, c);
      }
      if (!c.resp.includes(r)) c.resp.push(r);
      if (!c.items.includes(rating.item)) c.items.push(rating.item);
    }
  });
  const flaggedOf = (model: string, system: string, scorer: string) =>
    respondents.filter((r) => r.model === model && r.system === system && r.scorer === scorer && (r.straightLining || r.acquiescence || r.disacquiescence))
      .length;

  const dimensions: DimensionReliability[] = [];
  const items: ItemReliability[] = [];
  const sorted = [...cells.values()].sort(
    (a, b) =>
      o.model(a.model) - o.model(b.model) ||
      o.system(a.system) - o.system(b.system) ||
      o.scorer(a.scorer) - o.scorer(b.scorer) ||
      o.dimension(a.system, a.dimension) - o.dimension(b.system, b.dimension),
  );
  for (const c of sorted) {
    c.items.sort((a, b) => o.item(a) - o.item(b) || (a < b ? -1 : a > b ? 1 : 0));
    const rows: number[][] = [];
    let incomplete = 0;
    for (const r of c.resp) {
      const byItem = new Map(r.ratings.filter((x) => x.dimension === c.dimension).map((x) => [x.item, x.keyed] as const));
      const row = c.items.map((it) => byItem.get(it));
      if (row.some((v) => v === undefined)) incomplete++;
      else rows.push(row as number[]);
    }
    const k = c.items.length;
    const n = rows.length;
    let note: string | null = null;
    let alpha: number | null = null;
    let omega: number | null = null;
    let ci: { alpha: Interval | null; omega: Interval | null } = { alpha: null, omega: null };
    if (k < 2) note = "one item: no internal consistency to estimate";
    else if (n < MIN_RESPONDENTS)
      note = `${n} complete respondent(s); α and ω need at least ${MIN_RESPONDENTS} (use samples > 1 with temperature > 0, or contexts)`;
    else {
      alpha = cronbachAlpha(rows);
      omega = k >= 3 ? mcdonaldOmega(rows) : null;
      if (alpha === null) note = "the sum of the items does not vary across respondents";
      else {
        if (k < 3) note = "two items: ω (one-factor) is not identified";
        else if (n < MIN_BOOTSTRAP_RESPONDENTS) note = `ω interval needs at least ${MIN_BOOTSTRAP_RESPONDENTS} respondents`;
        // α: Feldt's analytic interval; ω has none, so a bootstrap over respondents (needs more of them).
        const seed = deriveSeed(options.seed, `reliability\u0000${c.model}\u0000${c.system}\u0000${c.scorer}\u0000${c.dimension}`);
        ci = {
          alpha: feldtInterval(alpha, n, k),
          omega: k >= 3 && n >= MIN_BOOTSTRAP_RESPONDENTS ? bootstrapCoefficients(rows, seed, resamples) : null,
        };
      }
    }
    const itemTotals = c.items.map((_, j) => (n >= 3 ? correctedItemTotal(rows, j) : null));
    const definedTotals = itemTotals.filter((x): x is number => x !== null);
    dimensions.push({
      model: c.model,
      system: c.system,
      scorer: c.scorer,
      dimension: c.dimension,
      items: k,
      respondents: n,
      incomplete,
      alpha,
      alphaCi: ci.alpha,
      omega,
      omegaCi: ci.omega,
      minItemTotal: definedTotals.length > 0 ? Math.min(...definedTotals) : null,
      flagged: flaggedOf(c.model, c.system, c.scorer),
      note,
    });
    c.items.forEach((it, j) => {
      const values = rows.map((r) => r[j] as number);
      items.push({
        model: c.model,
        system: c.system,
        scorer: c.scorer,
        dimension: c.dimension,
        item: it,
        reverse: reverseOf.get(`${c.system}\u0000${it}`) ?? false,
        n,
        mean: n > 0 ? values.reduce((a, b) => a + b, 0) / n : null,
        itemTotal: itemTotals[j] ?? null,
        alphaIfDeleted: n >= MIN_RESPONDENTS ? alphaIfDeleted(rows, j) : null,
      });
    });
  }
  return { dimensions, items, respondents };
}

// Placing a new model among published ones (`analyse SCORES --place RUN`): per dimension and overall,
// the model's rank among a table of other models' scores, with a bootstrap interval over the new
// model's items (the published scores have no items to resample, so they are held fixed).

import { deriveSeed, mulberry32 } from "./stats.js";

export interface PlacementOptions {
  seed: number;
  /** Bootstrap replicates; 0 gives ranks without intervals. */
  resamples: number;
  /** Interval level. Default 0.95. */
  level?: number;
}

/** One rank of the placed model: on a dimension, or overall (dimension null). */
export interface PlacementRow {
  dimension: string | null;
  /** The placed model's score: the mean of its item means (overall: the mean of its dimension scores). */
  score: number | null;
  /** Items behind the score (overall: over the dimensions compared). */
  items: number;
  /** Published models compared (the placed model makes `compared + 1` ranked). */
  compared: number;
  /** 1 = highest score; a tie with published models shares the average rank. */
  rank: number | null;
  rankLow: number | null;
  rankHigh: number | null;
  /** Replicates the interval is from. */
  replicates: number;
  note: string | null;
}

/** Rank of x among `others` plus itself, 1 = highest; ties (within 1e-9) share the average rank. */
export function rankAmong(x: number, others: readonly number[]): number {
  let above = 0;
  let tied = 0;
  for (const o of others) {
    if (Math.abs(o - x) <= 1e-9 * Math.max(1, Math.abs(x))) tied++;
    else if (o > x) above++;
  }
  return 1 + above + tied / 2;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * The conservative order statistics of a percentile interval: the largest value at or below the α/2
 * quantile position and the smallest at or above the 1 − α/2 one, so the bounds are ranks that occurred
 * (no interpolated 2.7th place) and the interval is never narrower than the interpolated one.
 */
function orderStatisticInterval(sorted: readonly number[], level: number): { low: number; high: number } {
  const alpha = (1 - level) / 2;
  const n = sorted.length;
  const low = sorted[Math.floor(alpha * (n - 1))] as number;
  const high = sorted[Math.ceil((1 - alpha) * (n - 1))] as number;
  return { low, high };
}

/**
 * `items`: the placed model's item means per dimension (one number per item, its samples and contexts
 * averaged). `published`: per dimension, the published models' scores (model → score). Overall is the
 * mean over the dimensions the model has items on and every compared published model has a score on;
 * a published model missing one of those dimensions is left out of the overall rank (and counted in
 * the note). Each replicate resamples every dimension's items with replacement, recomputes the
 * dimension scores and the overall score, and ranks them again; the interval is of those ranks.
 */
export function placeModel(
  items: ReadonlyMap<string, readonly number[]>,
  published: ReadonlyMap<string, ReadonlyMap<string, number>>,
  dims: readonly string[],
  options: PlacementOptions,
): PlacementRow[] {
  const level = options.level ?? 0.95;
  const used = dims.filter((d) => (items.get(d)?.length ?? 0) > 0 && (published.get(d)?.size ?? 0) > 0);
  const models = [...new Set(used.flatMap((d) => [...(published.get(d)?.keys() ?? [])]))];
  const complete = models.filter((m) => used.every((d) => published.get(d)?.has(m)));
  const overallOthers = complete.map((m) => mean(used.map((d) => published.get(d)?.get(m) as number)));
  const othersOf = (d: string) => [...(published.get(d)?.values() ?? [])];

  const point = new Map(used.map((d) => [d, mean(items.get(d) as readonly number[])]));
  const overall = used.length > 0 ? mean(used.map((d) => point.get(d) as number)) : null;

  // Replicates: ranks per dimension and overall.
  const ranks = new Map<string | null, number[]>([...used.map((d) => [d, [] as number[]] as const), [null, []]]);
  if (options.resamples > 0 && used.length > 0) {
    const next = mulberry32(deriveSeed(options.seed, "placement"));
    for (let r = 0; r < options.resamples; r++) {
      const scores: number[] = [];
      for (const d of used) {
        const xs = items.get(d) as readonly number[];
        let s = 0;
        for (let i = 0; i < xs.length; i++) s += xs[Math.floor(next() * xs.length)] as number;
        const m = s / xs.length;
        scores.push(m);
        ranks.get(d)?.push(rankAmong(m, othersOf(d)));
      }
      if (complete.length > 0) ranks.get(null)?.push(rankAmong(mean(scores), overallOthers));
    }
  }
  const interval = (key: string | null, n: number) => {
    const rs = ranks.get(key) ?? [];
    if (rs.length === 0) return { rankLow: null, rankHigh: null, replicates: 0, note: null };
    // One item: every replicate is that item, so an interval would claim a certainty the data lack.
    if (n < 2) return { rankLow: null, rankHigh: null, replicates: 0, note: "one item: no interval" };
    const ci = orderStatisticInterval(
      [...rs].sort((a, b) => a - b),
      level,
    );
    return { rankLow: ci.low, rankHigh: ci.high, replicates: rs.length, note: null };
  };

  const out: PlacementRow[] = dims.map((d) => {
    const n = items.get(d)?.length ?? 0;
    const others = othersOf(d);
    if (!used.includes(d)) {
      return {
        dimension: d,
        score: n > 0 ? mean(items.get(d) as readonly number[]) : null,
        items: n,
        compared: others.length,
        rank: null,
        rankLow: null,
        rankHigh: null,
        replicates: 0,
        note: n === 0 ? "the placed model has no scored item on this dimension" : "no published score on this dimension",
      };
    }
    const x = point.get(d) as number;
    return { dimension: d, score: x, items: n, compared: others.length, rank: rankAmong(x, others), ...interval(d, n) };
  });
  const totalItems = used.reduce((a, d) => a + (items.get(d)?.length ?? 0), 0);
  const left = models.length - complete.length;
  const notes = [
    ...(used.length < dims.length ? [`overall over ${used.length} of ${dims.length} dimensions`] : []),
    ...(left > 0 ? [`${left} published model(s) without a score on every one of those dimensions left out`] : []),
  ];
  const ov = overall !== null && complete.length > 0 ? interval(null, Math.min(...used.map((d) => items.get(d)?.length ?? 0))) : null;
  out.push({
    dimension: null,
    score: overall,
    items: totalItems,
    compared: complete.length,
    rank: overall !== null && complete.length > 0 ? rankAmong(overall, overallOthers) : null,
    rankLow: ov?.rankLow ?? null,
    rankHigh: ov?.rankHigh ?? null,
    replicates: ov?.replicates ?? 0,
    note: [...notes, ...(ov?.note ? [ov.note] : []), ...(overall === null ? ["no dimension to compare"] : [])].join("; ") || null,
  });
  return out;
}

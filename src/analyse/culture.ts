// Culture alignment (seed finding 2), measured so that noise cannot produce a finding (docs/benchmarks.md,
// "Reading culture alignment"): (a) how close the unsteered model's profile is to each country's, with
// every dimension standardised across the countries, a permutation p-value per country and an item
// bootstrap; (b) per dimension, whether the model steered to each country moves with the countries'
// published scores. The within-profile correlation of earlier versions survives only as a descriptive
// function, for reproducing the published heatmap (test/reference).

import type { PlanBaseline } from "../core/plan.js";
import { countedUnits, type ScorerSelection } from "./aggregate.js";
import type { Dataset } from "./dataset.js";
import { benjaminiHochberg, correlationPermutationP, fisherInterval, innerProductPermutationP, type PermutationSet, permutationSet } from "./permutation.js";
import { baselineProfile, type Profile, paired, type Slice } from "./profiles.js";
import { type CorrelationMethod, correlate, deriveSeed, type Interval, mulberry32, quantileSorted, rank } from "./stats.js";

// ---------------------------------------------------------------------------------------------------
// Types

/** A country profile: a baseline with a culture and a value per dimension (e.g. Hofstede's indices). */
export interface Country {
  baseline: string;
  culture: string;
  values: ReadonlyMap<string, number>;
}

/** One item's answers by one model: the scores it got in each context (one per sample). */
export interface ItemAnswers {
  item: string;
  dimension: string;
  /** Culture of the context (null: no culture in the prompt) → the item's scores there. */
  scores: ReadonlyMap<string | null, readonly number[]>;
}

export interface CultureOptions {
  seed: number;
  /** Item-bootstrap replicates behind the distance interval and share_first; 0 skips them. */
  resamples: number;
  /** The correlation of the steering table. Default spearman. */
  method?: CorrelationMethod;
  /** Random permutations drawn when a test has more than 8 positions. Default 9999. */
  permutations?: number;
  /** Interval level. Default 0.95. */
  level?: number;
}

/** How the unsteered score of one dimension is placed on the countries' scale. */
export interface DimensionAnchor {
  dimension: string;
  /** Mean over the dimension's items of each item's mean score without a culture. */
  unsteered: number | null;
  /** Countries that have both a published value and steered answers on the dimension. */
  anchorCountries: number;
  /** Mean and SD (n − 1) of the model's steered dimension means over those countries. */
  steeredMean: number | null;
  steeredSd: number | null;
  /** (unsteered − steeredMean) / steeredSd; null when the dimension cannot be standardised. */
  z: number | null;
}

/** (a) The unsteered model against one country. */
export interface AlignmentRow {
  baseline: string;
  culture: string;
  /** Dimensions compared. */
  nDimensions: number;
  /** Root mean square difference of the standardised profiles (in SDs across countries). */
  distance: number | null;
  /** Percentile interval of the distance over item-bootstrap replicates. */
  ci: Interval | null;
  /** Permutation p-value: share of orderings of the model's standardised scores over the dimensions that come this close or closer. */
  p: number | null;
  /** Benjamini–Hochberg over the countries of this model. */
  pAdjusted: number | null;
  /** 1 = most aligned: smallest p, then smallest distance; ties share the average rank. */
  rank: number | null;
  /** Share of bootstrap replicates in which this country ranks first (a tie for first shares the credit). */
  shareFirst: number | null;
  /** Permutations the p-value was computed from (all n! orderings up to n = 8). */
  permutations: number | null;
}

/** (b) One dimension: the model steered to each country against the countries' published values. */
export interface SteeringRow {
  dimension: string;
  nCountries: number;
  method: CorrelationMethod;
  correlation: number | null;
  /** Fisher-z 95 % interval (permutation.ts). */
  ci: Interval | null;
  /** One-sided permutation p-value (countries shuffled): a correlation this large or larger by chance. */
  p: number | null;
  /** Benjamini–Hochberg over the dimensions of this model. */
  pAdjusted: number | null;
}

export interface CultureAnalysis {
  anchors: DimensionAnchor[];
  alignment: AlignmentRow[];
  steering: SteeringRow[];
  /** Bootstrap replicates that could be used (a replicate that lost a context on a dimension is skipped). */
  replicates: number;
}

/** One model's answers on one system in one use case: what `cultureAnalysis` takes. */
export interface CultureCell {
  model: string;
  system: string;
  usecase: string | null;
  items: ItemAnswers[];
}

// ---------------------------------------------------------------------------------------------------
// Data

/** Two values this close (relative to the data's scale) are equal; an SD this small is zero. */
const TOLERANCE = 1e-9;

/** Fewest anchor countries, and fewest dimensions, for a standardised comparison. */
export const MIN_COUNTRIES = 3;
export const MIN_DIMENSIONS = 3;

/**
 * The countries a report compares with: baselines of the system with a culture and numeric values. A
 * baseline given only as an order carries no values to standardise, so it is left out.
 */
export function countriesOf(baselines: readonly PlanBaseline[]): Country[] {
  return baselines
    .filter((b): b is PlanBaseline & { culture: string } => b.culture !== null && b.values !== null)
    .map((b) => ({
      baseline: b.id,
      culture: b.culture,
      values: new Map(Object.entries(b.values ?? {}).filter(([, v]) => Number.isFinite(v))),
    }));
}

/**
 * Each model's item answers on a system, per use case, in plan order. Scores are the scorer's raw
 * scores: centring subtracts a respondent's mean over all dimensions, which mixes dimensions, the very
 * thing this comparison avoids; the standardisation below removes each dimension's level instead.
 */
export function cultureCells(ds: Dataset, system: string, scorer: ScorerSelection): CultureCell[] {
  const cells = new Map<string, { cell: CultureCell; items: Map<string, { item: string; dimension: string; scores: Map<string | null, number[]> }> }>();
  ds.metas.forEach((meta, i) => {
    if (meta.system !== system) return;
    const scores = countedUnits(ds.unitsByStep[i] ?? [], scorer)
      .map((u) => u.rawScore)
      .filter((s): s is number => s !== null && Number.isFinite(s));
    const key = JSON.stringify([meta.model, meta.usecase]);
    let entry = cells.get(key);
    if (!entry) {
      entry = { cell: { model: meta.model, system, usecase: meta.usecase, items: [] }, items: new Map() };
      cells.set(key, entry);
    }
    const itemKey = JSON.stringify([meta.dimension, meta.item]);
    let it = entry.items.get(itemKey);
    if (!it) {
      it = { item: meta.item, dimension: meta.dimension, scores: new Map() };
      entry.items.set(itemKey, it);
    }
    const list = it.scores.get(meta.culture) ?? [];
    list.push(...scores);
    it.scores.set(meta.culture, list);
  });
  const out = [...cells.values()].map((e) => ({ ...e.cell, items: [...e.items.values()] }));
  return out.sort((a, b) => ds.order.model(a.model) - ds.order.model(b.model) || ds.order.usecase(a.usecase) - ds.order.usecase(b.usecase));
}

// ---------------------------------------------------------------------------------------------------
// (a) and (b)

/** Item means per context, per dimension: [dimension][item][context], NaN where the item has no score. */
interface Layout {
  dims: string[];
  /** Context 0 is the unsteered one; context k + 1 is country k's culture. */
  itemMeans: Float64Array[][];
  /** Published value of country k on dimension d, NaN when missing: [k][d]. */
  published: number[][];
}

function layout(items: readonly ItemAnswers[], countries: readonly Country[], dims: readonly string[]): Layout {
  const contexts: Array<string | null> = [null, ...countries.map((c) => c.culture)];
  const itemMeans = dims.map((d) =>
    items
      .filter((it) => it.dimension === d)
      .map((it) => {
        const row = new Float64Array(contexts.length);
        contexts.forEach((c, j) => {
          const s = it.scores.get(c) ?? [];
          row[j] = s.length > 0 ? s.reduce((a, b) => a + b, 0) / s.length : Number.NaN;
        });
        return row;
      })
      .filter((row) => row.some((x) => !Number.isNaN(x))),
  );
  const published = countries.map((c) => dims.map((d) => c.values.get(d) ?? Number.NaN));
  return { dims: [...dims], itemMeans, published };
}

/** Per context, the mean over the drawn items (all items when `draw` is null) of their means there. */
function contextMeans(rows: readonly Float64Array[], contexts: number, draw: Int32Array | null): Float64Array {
  const sums = new Float64Array(contexts);
  const counts = new Int32Array(contexts);
  const n = draw ? draw.length : rows.length;
  for (let i = 0; i < n; i++) {
    const row = rows[draw ? (draw[i] as number) : i] as Float64Array;
    for (let j = 0; j < contexts; j++) {
      const x = row[j] as number;
      if (!Number.isNaN(x)) {
        sums[j] = (sums[j] as number) + x;
        counts[j] = (counts[j] as number) + 1;
      }
    }
  }
  const out = new Float64Array(contexts);
  for (let j = 0; j < contexts; j++) out[j] = (counts[j] as number) > 0 ? (sums[j] as number) / (counts[j] as number) : Number.NaN;
  return out;
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  return { mean: m, sd: Math.sqrt(v) };
}

/** An SD is zero when it is below TOLERANCE times the values' magnitude (scores of 0–100 or indices). */
function isFlat(sd: number, xs: readonly number[]): boolean {
  return !(sd > TOLERANCE * Math.max(1, ...xs.map(Math.abs)));
}

/** The fixed part of the standardisation on one dimension: which countries anchor it, and their published z. */
interface DimensionPlan {
  d: number;
  /** Anchor countries (indices). */
  anchors: number[];
  /** Published z of every country on this dimension (NaN without a value), standardised over the anchors. */
  publishedZ: number[];
}

/**
 * The dimensions that can be standardised: at least MIN_COUNTRIES countries with a published value and
 * the model's steered answers, neither side flat over them, and an unsteered mean.
 */
function planDimensions(lay: Layout, means: readonly Float64Array[]): { plans: DimensionPlan[]; anchors: DimensionAnchor[] } {
  const plans: DimensionPlan[] = [];
  const anchors: DimensionAnchor[] = [];
  lay.dims.forEach((dimension, d) => {
    const m = means[d] as Float64Array;
    const unsteered = Number.isNaN(m[0] as number) ? null : (m[0] as number);
    const ids = lay.published.map((_, k) => k).filter((k) => !Number.isNaN(m[k + 1] as number) && !Number.isNaN(lay.published[k]?.[d] as number));
    const anchor: DimensionAnchor = { dimension, unsteered, anchorCountries: ids.length, steeredMean: null, steeredSd: null, z: null };
    anchors.push(anchor);
    if (ids.length < MIN_COUNTRIES) return;
    const steered = ids.map((k) => m[k + 1] as number);
    const pub = ids.map((k) => lay.published[k]?.[d] as number);
    const s = meanSd(steered);
    const h = meanSd(pub);
    anchor.steeredMean = s.mean;
    anchor.steeredSd = s.sd;
    if (isFlat(s.sd, steered) || isFlat(h.sd, pub) || unsteered === null) return;
    anchor.z = (unsteered - s.mean) / s.sd;
    plans.push({ d, anchors: ids, publishedZ: lay.published.map((row) => ((row[d] as number) - h.mean) / h.sd) });
  });
  return { plans, anchors };
}

/** The model's unsteered z on each planned dimension from context means; null when a context is missing or flat. */
function modelZ(plans: readonly DimensionPlan[], means: readonly Float64Array[]): number[] | null {
  const out: number[] = [];
  for (const p of plans) {
    const m = means[p.d] as Float64Array;
    const u = m[0] as number;
    if (Number.isNaN(u)) return null;
    const steered: number[] = [];
    for (const k of p.anchors) {
      const x = m[k + 1] as number;
      if (Number.isNaN(x)) return null;
      steered.push(x);
    }
    const s = meanSd(steered);
    if (isFlat(s.sd, steered)) return null;
    out.push((u - s.mean) / s.sd);
  }
  return out;
}

/** Per country: the planned dimensions it has a published value on (positions into `plans`), and its z there. */
interface CountryPlan {
  dims: number[];
  z: number[];
  set: PermutationSet | null;
}

interface Scored {
  distance: number | null;
  p: number | null;
}

function scoreCountries(z: readonly number[], countries: readonly CountryPlan[]): Scored[] {
  return countries.map((c) => {
    if (!c.set) return { distance: null, p: null };
    const zm = c.dims.map((i) => z[i] as number);
    let ss = 0;
    for (let i = 0; i < zm.length; i++) ss += ((zm[i] as number) - (c.z[i] as number)) ** 2;
    return { distance: Math.sqrt(ss / zm.length), p: innerProductPermutationP(zm, c.z, c.set) };
  });
}

/**
 * Ranks by p-value, then distance (1 = most aligned); countries equal on both (within tolerance) share
 * the average of their ranks. Rows without a p-value get no rank.
 */
export function rankAlignment(scored: ReadonlyArray<{ p: number | null; distance: number | null }>): Array<number | null> {
  const idx = scored.map((_, i) => i).filter((i) => scored[i]?.p !== null && scored[i]?.distance !== null);
  const key = (i: number) => scored[i] as { p: number; distance: number };
  const same = (a: number, b: number) =>
    Math.abs(key(a).p - key(b).p) <= 1e-12 && Math.abs(key(a).distance - key(b).distance) <= TOLERANCE * Math.max(1, key(a).distance);
  idx.sort((a, b) => (same(a, b) ? a - b : key(a).p - key(b).p || key(a).distance - key(b).distance || a - b));
  const out: Array<number | null> = scored.map(() => null);
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && same(idx[i] as number, idx[j + 1] as number)) j++;
    for (let k = i; k <= j; k++) out[idx[k] as number] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/**
 * (a) and (b) for one model on one system in one use case. `countries` are the comparison profiles,
 * `dims` the system's dimensions in order.
 */
export function cultureAnalysis(
  items: readonly ItemAnswers[],
  countries: readonly Country[],
  dims: readonly string[],
  options: CultureOptions,
): CultureAnalysis {
  const method = options.method ?? "spearman";
  const lay = layout(items, countries, dims);
  const nContexts = countries.length + 1;
  const means = lay.itemMeans.map((rows) => contextMeans(rows, nContexts, null));
  const { plans, anchors } = planDimensions(lay, means);

  // (a) The unsteered profile against each country.
  const countryPlans: CountryPlan[] = countries.map((_, k) => {
    const positions = plans.map((_, i) => i).filter((i) => !Number.isNaN(plans[i]?.publishedZ[k] as number));
    const z = positions.map((i) => plans[i]?.publishedZ[k] as number);
    const set =
      positions.length >= MIN_DIMENSIONS
        ? permutationSet(positions.length, {
            seed: deriveSeed(options.seed, `permutations:${positions.length}`),
            ...(options.permutations ? { random: options.permutations } : {}),
          })
        : null;
    return { dims: positions, z, set };
  });
  const z = modelZ(plans, means);
  const scored = z ? scoreCountries(z, countryPlans) : countries.map(() => ({ distance: null, p: null }));
  const ranks = rankAlignment(scored);
  const adjusted = benjaminiHochberg(scored.map((s) => s.p));

  // The item bootstrap: resample items within each dimension, keeping an item's answers in every
  // context together, and recompute the whole chain (means, standardisation, distances, ranks).
  const boot = z && options.resamples > 0 ? bootstrap(lay, plans, countryPlans, nContexts, options) : null;
  const alignment: AlignmentRow[] = countries.map((c, k) => ({
    baseline: c.baseline,
    culture: c.culture,
    nDimensions: countryPlans[k]?.dims.length ?? 0,
    distance: scored[k]?.distance ?? null,
    ci: boot?.intervals[k] ?? null,
    p: scored[k]?.p ?? null,
    pAdjusted: adjusted[k] ?? null,
    rank: ranks[k] ?? null,
    shareFirst: boot?.usable && scored[k]?.p !== null ? (boot.firsts[k] as number) / boot.valid : null,
    permutations: scored[k]?.p !== null ? (countryPlans[k]?.set?.count ?? null) : null,
  }));

  // (b) Per dimension, across countries: the model's steered means against the published values.
  const steeringRows: SteeringRow[] = lay.dims.map((dimension, d) => {
    const m = means[d] as Float64Array;
    const ids = lay.published.map((_, k) => k).filter((k) => !Number.isNaN(m[k + 1] as number) && !Number.isNaN(lay.published[k]?.[d] as number));
    const xs = ids.map((k) => m[k + 1] as number);
    const ys = ids.map((k) => lay.published[k]?.[d] as number);
    const row: SteeringRow = { dimension, nCountries: ids.length, method, correlation: null, ci: null, p: null, pAdjusted: null };
    if (ids.length < MIN_COUNTRIES || isFlat(meanSd(xs).sd, xs) || isFlat(meanSd(ys).sd, ys)) return row;
    row.correlation = correlate(method, xs, ys);
    if (row.correlation === null) return row;
    row.ci = fisherInterval(method, row.correlation, ids.length);
    const set = permutationSet(ids.length, {
      seed: deriveSeed(options.seed, `steering:${dimension}`),
      ...(options.permutations ? { random: options.permutations } : {}),
    });
    row.p = correlationPermutationP(method, xs, ys, set);
    return row;
  });
  benjaminiHochberg(steeringRows.map((r) => r.p)).forEach((p, i) => {
    (steeringRows[i] as SteeringRow).pAdjusted = p;
  });

  return { anchors, alignment, steering: steeringRows, replicates: boot?.valid ?? 0 };
}

function bootstrap(
  lay: Layout,
  plans: readonly DimensionPlan[],
  countryPlans: readonly CountryPlan[],
  nContexts: number,
  options: CultureOptions,
): { valid: number; usable: boolean; firsts: number[]; intervals: Array<Interval | null> } {
  const next = mulberry32(deriveSeed(options.seed, "bootstrap"));
  const K = countryPlans.length;
  const firsts = new Array<number>(K).fill(0);
  const distances: number[][] = countryPlans.map(() => []);
  const draws = plans.map((p) => new Int32Array(lay.itemMeans[p.d]?.length ?? 0));
  const means: Float64Array[] = lay.dims.map(() => new Float64Array(nContexts));
  let valid = 0;
  for (let r = 0; r < options.resamples; r++) {
    plans.forEach((p, i) => {
      const draw = draws[i] as Int32Array;
      const n = draw.length;
      for (let j = 0; j < n; j++) draw[j] = Math.floor(next() * n);
      means[p.d] = contextMeans(lay.itemMeans[p.d] ?? [], nContexts, draw);
    });
    const z = modelZ(plans, means);
    if (!z) continue;
    valid++;
    const scored = scoreCountries(z, countryPlans);
    const ranks = rankAlignment(scored);
    const best = Math.min(...ranks.filter((x): x is number => x !== null));
    const tied = ranks.filter((x) => x === best).length;
    ranks.forEach((x, k) => {
      if (x === best) firsts[k] = (firsts[k] as number) + 1 / tied;
    });
    scored.forEach((s, k) => {
      if (s.distance !== null) distances[k]?.push(s.distance);
    });
  }
  const level = options.level ?? 0.95;
  const alpha = (1 - level) / 2;
  // Fewer than half the replicates usable (items missing in some context): the survivors are a biased
  // subset, so neither the interval nor share_first is reported.
  const usable = valid >= Math.max(2, options.resamples / 2);
  const intervals = distances.map((ds) => {
    if (!usable || ds.length < 2) return null;
    ds.sort((a, b) => a - b);
    const low = quantileSorted(ds, alpha);
    const high = quantileSorted(ds, 1 - alpha);
    return low === null || high === null ? null : { low, high };
  });
  return { valid, usable, firsts, intervals };
}

// ---------------------------------------------------------------------------------------------------
// Descriptive: the within-profile correlation

export interface ProfileCorrelationRow {
  model: string;
  system: string;
  slice: Slice;
  baseline: string;
  /** The culture the baseline describes. */
  culture: string | null;
  method: CorrelationMethod;
  /** Dimensions compared. */
  n: number;
  correlation: number | null;
  /** Among this model × slice's baselines: 1 = highest correlation (ties averaged); null without a correlation. */
  rank: number | null;
  /** The model was prompted with this baseline's culture (null for the pooled slice). */
  prompted: boolean | null;
}

/**
 * DESCRIPTIVE ONLY, not a test and not what culture_alignment reports: the correlation, over the
 * dimensions of one profile, between a model's profile and each baseline's. It reproduces the published
 * Value Compass heatmap (a Spearman ρ over the ten Schwartz values; test/reference). As a measure of
 * alignment it is biased: a country's indices are not comparable across dimensions, and with random
 * answers it ranks the US, UK, France or Germany first far more often than their share
 * (test/analyse/culture.test.ts, docs/benchmarks.md).
 */
export function withinProfileCorrelation(
  profiles: readonly Profile[],
  dims: readonly string[],
  baselines: readonly PlanBaseline[],
  method: CorrelationMethod = "spearman",
): ProfileCorrelationRow[] {
  const bases = baselines.map((b) => ({ b, values: baselineProfile(b) }));
  const out: ProfileCorrelationRow[] = [];
  for (const p of profiles) {
    const rows = bases.map(({ b, values }) => {
      const pair = paired(dims, p.means, values);
      const row: ProfileCorrelationRow = {
        model: p.model,
        system: p.system,
        slice: p.slice,
        baseline: b.id,
        culture: b.culture,
        method,
        n: pair.dims.length,
        correlation: pair.dims.length >= 3 ? correlate(method, pair.xs, pair.ys) : null,
        rank: null,
        prompted: p.slice.kind === "all" ? null : b.culture !== null && p.slice.culture === b.culture,
      };
      return row;
    });
    const withCorr = rows.filter((r) => r.correlation !== null);
    const ranks = rank(withCorr.map((r) => -(r.correlation as number)));
    withCorr.forEach((r, i) => {
      r.rank = ranks[i] as number;
    });
    out.push(...rows);
  }
  return out;
}

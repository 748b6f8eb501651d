// Centring of questionnaire ratings (ESS Human Values Scale / PVQ convention, domain.md): MRAT is a
// respondent's mean over all items; a value's score is the mean of its items minus MRAT; respondents
// with too many missing items are dropped. Its own module, apart from the likert scorer's parsing
// (whose large Unicode patterns take a while to build), because the reports need it on every run.

export interface QuestionnaireItem {
  item: string;
  /** The value (dimension) the item measures. */
  value: string;
}

export interface RatingResponse {
  /** Whoever answered: a model, or a model in one context and sample — the caller decides. */
  respondent: string;
  item: string;
  /** The keyed rating (reverse-coded already); null when missing or unparseable. */
  rating: number | null;
}

export interface CentreOptions {
  /** Drop a respondent with more than this many missing items. Overrides maxMissingShare. */
  maxMissing?: number;
  /**
   * Drop a respondent with more than this share of items missing. Default 0.25: with the 21 ESS items
   * that keeps respondents with up to 5 missing answers (the ESS guidance as we understand it —
   * unconfirmed).
   */
  maxMissingShare?: number;
}

export interface CentredRespondent {
  respondent: string;
  /** Mean over every answered item (null when dropped or nothing answered). */
  mrat: number | null;
  answered: number;
  missing: number;
  dropped: boolean;
  /** Per value: mean of its answered items (null when none answered or dropped). */
  raw: Record<string, number | null>;
  /** Per value: raw − MRAT (null when none answered or dropped). */
  centred: Record<string, number | null>;
}

export function centreRatings(items: readonly QuestionnaireItem[], responses: readonly RatingResponse[], options: CentreOptions = {}): CentredRespondent[] {
  const itemValue = new Map(items.map((i) => [i.item, i.value]));
  const values = [...new Set(items.map((i) => i.value))];
  const limit = options.maxMissing ?? Math.floor(items.length * (options.maxMissingShare ?? 0.25));
  const byRespondent = new Map<string, Map<string, number[]>>();
  for (const r of responses) {
    let answers = byRespondent.get(r.respondent);
    if (!answers) {
      answers = new Map();
      byRespondent.set(r.respondent, answers);
    }
    // Several samples of one item count as one answer: their mean.
    if (r.rating !== null && Number.isFinite(r.rating) && itemValue.has(r.item)) {
      const list = answers.get(r.item) ?? [];
      list.push(r.rating);
      answers.set(r.item, list);
    }
  }
  const out: CentredRespondent[] = [];
  for (const [respondent, answers] of byRespondent) {
    const itemMeans = new Map<string, number>();
    for (const [item, ratings] of answers) itemMeans.set(item, mean(ratings));
    const answered = itemMeans.size;
    const missing = items.length - answered;
    const dropped = missing > limit || answered === 0;
    const mrat = dropped ? null : mean([...itemMeans.values()]);
    const raw: Record<string, number | null> = {};
    const centred: Record<string, number | null> = {};
    for (const value of values) {
      const its = items.filter((i) => i.value === value && itemMeans.has(i.item)).map((i) => itemMeans.get(i.item) ?? 0);
      const m = dropped || its.length === 0 ? null : mean(its);
      raw[value] = m;
      centred[value] = m === null || mrat === null ? null : m - mrat;
    }
    out.push({ respondent, mrat, answered, missing, dropped, raw, centred });
  }
  return out;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

// Ipsative centring of questionnaire scores, as human value surveys score them (ESS Human Values Scale,
// PVQ): a respondent's mean over all items (MRAT) is subtracted from each of their item scores, so a
// value's score says how much more (or less) the respondent endorses it than their own average. This
// removes scale-use differences (a model that rates everything 5 of 6) before comparing profiles.
//
// The rule itself (MRAT, which respondents are dropped for missing items) is src/score/centring.ts
// `centreRatings`; this adapter applies it on the aggregation side, per score, because the reports need
// centred *scores* (for bootstrap intervals and per-context cells), not only centred value means. Scores
// are centred in score points (0–100 scale), which is the rating scale stretched linearly, so the
// centred value means equal centreRatings' `centred` values times 100 / (scale − 1).

import { centreRatings, type QuestionnaireItem } from "../score/centring.js";

export type CentreMode = "auto" | "off" | "all";

/** Drop a respondent with more than this share of the questionnaire's items unanswered. */
export const DEFAULT_MAX_MISSING_SHARE = 0.25;

export interface CentreEntry {
  /** Who answered: entries with the same key are centred together. */
  respondent: string;
  item: string;
  /** The dimension (value) the item measures. */
  dimension: string;
  /** The recorded score, or null when the answer is missing (failed step, scoring error). */
  score: number | null;
}

export interface CentreResult {
  /** Parallel to the input: score − the respondent's mean; null when missing or the respondent was dropped. */
  scores: Array<number | null>;
  respondents: number;
  /** Respondents with too many missing items (all their scores become null). */
  dropped: number;
}

/**
 * Centre every entry on its respondent's mean. `questionnaire(respondent)` lists the items the respondent
 * was asked, so an item that was never answered counts as missing; items the entries hold beyond it
 * (adaptively chosen ones) are added.
 */
export function centreScores(
  entries: readonly CentreEntry[],
  options: { maxMissingShare: number; questionnaire?: (respondent: string) => QuestionnaireItem[] },
): CentreResult {
  const groups = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const g = groups.get(e.respondent);
    if (g) g.push(i);
    else groups.set(e.respondent, [i]);
  });
  const scores: Array<number | null> = entries.map(() => null);
  let dropped = 0;
  for (const [respondent, idx] of groups) {
    const mine = idx.map((i) => entries[i] as CentreEntry);
    // The items asked: the questionnaire's, plus any answered item it does not list (adaptive items).
    const asked = new Map<string, string>();
    for (const q of options.questionnaire?.(respondent) ?? []) if (!asked.has(q.item)) asked.set(q.item, q.value);
    for (const e of mine) if (!asked.has(e.item)) asked.set(e.item, e.dimension);
    const items = [...asked].map(([item, value]) => ({ item, value }));
    const [result] = centreRatings(
      items,
      mine.map((e) => ({ respondent, item: e.item, rating: e.score })),
      { maxMissingShare: options.maxMissingShare },
    );
    if (!result || result.dropped || result.mrat === null) {
      dropped++;
      continue;
    }
    const mrat = result.mrat;
    idx.forEach((i) => {
      const s = (entries[i] as CentreEntry).score;
      scores[i] = s === null ? null : s - mrat;
    });
  }
  return { scores, respondents: groups.size, dropped };
}

// Measurement scales: what a scorer's 0–100 number means, so that tables never average numbers that
// mean different things. A scorer kind implies a scale (src/score/kinds); a spec may declare one with
// `scale NAME` on the scorer (docs/scoring.md, "Scales").

/**
 * - centred:    ipsatised Likert ratings (distance from the respondent's own mean rating, in score points)
 * - likert:     raw Likert ratings stretched to 0–100
 * - percent:    a continuous 0–100 score (a judge's rating, an exec scorer's number)
 * - proportion: a 0/100 outcome whose mean is a rate (safe, refused, correct); partial credit allowed
 * - theta:      an IRT ability (logit); continuous, not bounded by 0–100
 */
export type Scale = "centred" | "likert" | "percent" | "proportion" | "theta";

/** In the order docs and messages list them. */
export const SCALES: readonly Scale[] = ["centred", "likert", "percent", "proportion", "theta"];

/** Scales a spec may declare with `scale NAME`: `centred` is what centring makes of a likert scorer (`centre true`). */
export const DECLARABLE_SCALES: readonly Scale[] = ["likert", "percent", "proportion", "theta"];

export function isScale(x: unknown): x is Scale {
  return typeof x === "string" && (SCALES as readonly string[]).includes(x);
}

/** Scales whose scores share the 0–100 unit, so that a weighted mean of them is at least arithmetic sense. */
export const HUNDRED_POINT_SCALES: readonly Scale[] = ["likert", "percent", "proportion"];

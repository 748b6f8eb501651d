// Item-response theory: the two-parameter logistic model (2PL) and its one-parameter special case (1PL,
// discrimination fixed at 1), plus ability estimation for one examinee (EAP and MLE).
//
//   P(correct | θ) = σ(a · (θ − b))      a = discrimination, b = difficulty, θ = ability
//
// "Correct" here means "the answer conforms to the value being measured" (a safe answer, a principled
// answer): the ability of a model is how hard an item must be before it stops conforming.

export type IrtModel = "1pl" | "2pl";

export interface ItemParams {
  /** Discrimination (slope). 1 for the 1PL model. */
  a: number;
  /** Difficulty (location on the ability scale). */
  b: number;
}

/** One scored answer: the item and whether the answer conformed (1) or not (0). */
export interface Response {
  item: ItemParams;
  correct: 0 | 1;
}

export interface AbilityEstimate {
  theta: number;
  /** Standard error: posterior SD for EAP, 1/sqrt(test information) for MLE. */
  se: number;
}

export function logistic(x: number): number {
  // Split by sign so exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function probability(item: ItemParams, theta: number): number {
  return logistic(item.a * (theta - item.b));
}

/** Fisher information of one item at θ: a² P (1 − P). */
export function itemInformation(item: ItemParams, theta: number): number {
  const p = probability(item, theta);
  return item.a * item.a * p * (1 - p);
}

export function testInformation(items: readonly ItemParams[], theta: number): number {
  let sum = 0;
  for (const item of items) sum += itemInformation(item, theta);
  return sum;
}

/** Quadrature nodes and weights for a normal distribution (equally spaced, normalised weights). */
export interface Quadrature {
  nodes: number[];
  weights: number[];
}

export function normalQuadrature(mean = 0, sd = 1, points = 61, span = 5): Quadrature {
  const nodes: number[] = [];
  const weights: number[] = [];
  let total = 0;
  for (let k = 0; k < points; k++) {
    const z = -span + (2 * span * k) / (points - 1);
    nodes.push(mean + sd * z);
    const w = Math.exp(-0.5 * z * z);
    weights.push(w);
    total += w;
  }
  return { nodes, weights: weights.map((w) => w / total) };
}

/** log P(responses | θ). */
export function logLikelihood(responses: readonly Response[], theta: number): number {
  let ll = 0;
  for (const r of responses) {
    const p = probability(r.item, theta);
    ll += r.correct === 1 ? Math.log(Math.max(p, 1e-300)) : Math.log(Math.max(1 - p, 1e-300));
  }
  return ll;
}

/**
 * Expected a posteriori ability with a normal prior: the posterior mean over a quadrature grid, and
 * the posterior standard deviation as its standard error. Defined for every response pattern,
 * including all-correct and all-wrong, which is why adaptive tests use it.
 */
export function estimateEap(responses: readonly Response[], prior: { mean: number; sd: number } = { mean: 0, sd: 1 }, points = 81): AbilityEstimate {
  const q = normalQuadrature(prior.mean, prior.sd, points, 6);
  const logPost = q.nodes.map((t, k) => logLikelihood(responses, t) + Math.log(q.weights[k]!));
  const max = Math.max(...logPost);
  let norm = 0;
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k < q.nodes.length; k++) {
    const w = Math.exp(logPost[k]! - max);
    const t = q.nodes[k]!;
    norm += w;
    m1 += w * t;
    m2 += w * t * t;
  }
  const theta = m1 / norm;
  const variance = Math.max(m2 / norm - theta * theta, 0);
  return { theta, se: Math.sqrt(variance) };
}

/**
 * Maximum-likelihood ability by Newton–Raphson on the log-likelihood, clamped to ±bound. For an
 * all-correct or all-wrong pattern the MLE is infinite; we return the bound with the SE at the bound,
 * and callers that need a finite estimate early in a test should use EAP.
 */
export function estimateMle(responses: readonly Response[], bound = 4, start = 0): AbilityEstimate {
  const items = responses.map((r) => r.item);
  const allCorrect = responses.every((r) => r.correct === 1);
  const allWrong = responses.every((r) => r.correct === 0);
  if (responses.length === 0) return { theta: start, se: Infinity };
  if (allCorrect || allWrong) {
    const theta = allCorrect ? bound : -bound;
    const info = testInformation(items, theta);
    return { theta, se: info > 0 ? 1 / Math.sqrt(info) : Infinity };
  }
  let theta = Math.max(-bound, Math.min(bound, start));
  for (let iter = 0; iter < 100; iter++) {
    let gradient = 0;
    let information = 0;
    for (const r of responses) {
      const p = probability(r.item, theta);
      gradient += r.item.a * (r.correct - p);
      information += r.item.a * r.item.a * p * (1 - p);
    }
    if (information <= 0) break;
    // Damped step: Newton can overshoot on flat likelihoods with few items.
    const step = Math.max(-1, Math.min(1, gradient / information));
    theta = Math.max(-bound, Math.min(bound, theta + step));
    if (Math.abs(step) < 1e-8) break;
  }
  const info = testInformation(items, theta);
  return { theta, se: info > 0 ? 1 / Math.sqrt(info) : Infinity };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Ability on the 0–100 scale of the reports: the percentile of θ in a standard normal population
 * (θ = 0 → 50). The same mapping is applied to the ends of a confidence interval.
 */
export function abilityToScore(theta: number): number {
  return 100 * normalCdf(theta);
}

// Item calibration: fit 1PL or 2PL item parameters to the scored answers of several examinees
// (models), by marginal maximum likelihood with the EM algorithm of Bock & Aitkin (1981).
//
// Why MML-EM rather than joint maximum likelihood: JML estimates of item parameters are inconsistent
// (biased outward) with few items per examinee, and adaptive runs give exactly that. MML integrates the
// abilities out over a N(0, 1) population, which also fixes the scale. Answers may be missing (an
// examinee that never saw an item), which is the normal case for adaptive tests.
//
// Priors (Bayes modal estimation, as BILOG does by default) keep estimates finite when an item was
// answered correctly, or wrongly, by everyone: log a ~ N(0, 0.5²) for 2PL and a weak N(0, 5²) prior on
// the intercept. They are documented in docs/adaptive.md and can be switched off for tests.
//
// Standard errors come from Louis' (1982) observed information of each item's parameters (holding the
// other items fixed), converted from the slope–intercept form to (a, b) by the delta method.

import { logistic, normalQuadrature, estimateEap, type AbilityEstimate, type IrtModel, type ItemParams } from "./irt.js";

/** responses[examinee][item]: 1 conforming, 0 not, null when the examinee did not answer the item. */
export type ResponseMatrix = ReadonlyArray<ReadonlyArray<0 | 1 | null>>;

export interface CalibrationOptions {
  model: IrtModel;
  /** Prior SD of log(a) for 2PL; null disables the prior. */
  logSlopePriorSd?: number | null;
  /** Prior SD of the intercept; null disables the prior. */
  interceptPriorSd?: number | null;
  maxIterations?: number;
  tolerance?: number;
  quadraturePoints?: number;
}

export interface CalibratedItem extends ItemParams {
  seA: number | null;
  seB: number;
  /** Number of examinees that answered the item. */
  n: number;
  /** Share of those answers that conformed. */
  pCorrect: number;
}

export interface CalibrationResult {
  model: IrtModel;
  items: CalibratedItem[];
  abilities: AbilityEstimate[];
  iterations: number;
  converged: boolean;
  /** Marginal log-likelihood at the estimates (without priors). */
  logLikelihood: number;
}

interface SlopeIntercept {
  a: number;
  c: number;
}

export function calibrate(data: ResponseMatrix, options: CalibrationOptions): CalibrationResult {
  const nItems = data[0]?.length ?? 0;
  const q = normalQuadrature(0, 1, options.quadraturePoints ?? 41, 4.5);
  const slopePrior = options.model === "2pl" ? (options.logSlopePriorSd === undefined ? 0.5 : options.logSlopePriorSd) : null;
  const interceptPrior = options.interceptPriorSd === undefined ? 5 : options.interceptPriorSd;
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-5;

  // Start from the logit of each item's proportion correct (a classic, robust starting point).
  let params: SlopeIntercept[] = [];
  for (let j = 0; j < nItems; j++) {
    const { n, correct } = itemCounts(data, j);
    const p = (correct + 0.5) / (n + 1);
    params.push({ a: 1, c: Math.log(p / (1 - p)) });
  }

  let iterations = 0;
  let converged = false;
  let posterior: number[][] = [];
  for (; iterations < maxIterations; iterations++) {
    posterior = ePosteriors(data, params, q);
    const next = params.map((prev, j) => mStep(data, posterior, q.nodes, j, prev, options.model, slopePrior, interceptPrior));
    const change = Math.max(0, ...next.map((p, j) => Math.max(Math.abs(p.a - params[j]!.a), Math.abs(p.c - params[j]!.c))));
    params = next;
    if (change < tolerance) {
      converged = true;
      iterations++;
      break;
    }
  }
  posterior = ePosteriors(data, params, q);

  const items: CalibratedItem[] = params.map((p, j) => {
    const { n, correct } = itemCounts(data, j);
    const cov = itemCovariance(data, posterior, q.nodes, j, p, options.model, slopePrior, interceptPrior);
    const b = -p.c / p.a;
    // Delta method for b = -c/a: db/da = c/a², db/dc = -1/a.
    let seA: number | null = null;
    let varB: number;
    if (options.model === "2pl") {
      const [vaa, vac, vcc] = cov;
      const ga = p.c / (p.a * p.a);
      const gc = -1 / p.a;
      varB = ga * ga * vaa + 2 * ga * gc * vac + gc * gc * vcc;
      seA = Math.sqrt(Math.max(vaa, 0));
    } else {
      varB = cov[2] / (p.a * p.a);
    }
    return { a: p.a, b, seA, seB: Math.sqrt(Math.max(varB, 0)), n, pCorrect: n > 0 ? correct / n : 0 };
  });

  const abilities = data.map((row) => {
    const responses = [];
    for (let j = 0; j < row.length; j++) {
      const x = row[j];
      if (x === 0 || x === 1) responses.push({ item: { a: items[j]!.a, b: items[j]!.b }, correct: x });
    }
    return estimateEap(responses);
  });

  return { model: options.model, items, abilities, iterations, converged, logLikelihood: marginalLogLikelihood(data, params, q) };
}

function itemCounts(data: ResponseMatrix, j: number): { n: number; correct: number } {
  let n = 0;
  let correct = 0;
  for (const row of data) {
    const x = row[j];
    if (x === 0 || x === 1) {
      n++;
      correct += x;
    }
  }
  return { n, correct };
}

/** log(prior weight × likelihood of one examinee's answers) at each quadrature node. */
function logJoint(row: ReadonlyArray<0 | 1 | null>, params: readonly SlopeIntercept[], q: { nodes: number[]; weights: number[] }): number[] {
  return q.nodes.map((theta, k) => {
    let ll = Math.log(q.weights[k]!);
    for (let j = 0; j < row.length; j++) {
      const x = row[j];
      if (x !== 0 && x !== 1) continue;
      const z = params[j]!.a * theta + params[j]!.c;
      ll += x === 1 ? logSigmoid(z) : logSigmoid(-z);
    }
    return ll;
  });
}

/** Per examinee, the posterior weight of each quadrature node given the current item parameters. */
function ePosteriors(data: ResponseMatrix, params: readonly SlopeIntercept[], q: { nodes: number[]; weights: number[] }): number[][] {
  return data.map((row) => {
    const logs = logJoint(row, params, q);
    const max = Math.max(...logs);
    const w = logs.map((l) => Math.exp(l - max));
    const total = w.reduce((s, v) => s + v, 0);
    return w.map((v) => v / total);
  });
}

function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/** Expected counts at each node: n_k answers to item j, r_k of them conforming. */
function expectedCounts(data: ResponseMatrix, posterior: number[][], j: number, nodes: number): { n: number[]; r: number[] } {
  const n = new Array<number>(nodes).fill(0);
  const r = new Array<number>(nodes).fill(0);
  data.forEach((row, i) => {
    const x = row[j];
    if (x !== 0 && x !== 1) return;
    const post = posterior[i]!;
    for (let k = 0; k < nodes; k++) {
      n[k] = n[k]! + post[k]!;
      if (x === 1) r[k] = r[k]! + post[k]!;
    }
  });
  return { n, r };
}

/** Newton–Raphson on the expected complete-data log posterior of one item. */
function mStep(
  data: ResponseMatrix,
  posterior: number[][],
  nodes: number[],
  j: number,
  start: SlopeIntercept,
  model: IrtModel,
  slopePrior: number | null,
  interceptPrior: number | null,
): SlopeIntercept {
  const { n, r } = expectedCounts(data, posterior, j, nodes.length);
  let { a, c } = start;
  for (let iter = 0; iter < 25; iter++) {
    let ga = 0;
    let gc = 0;
    let haa = 0;
    let hac = 0;
    let hcc = 0;
    for (let k = 0; k < nodes.length; k++) {
      const t = nodes[k]!;
      const p = logistic(a * t + c);
      const resid = r[k]! - n[k]! * p;
      const w = n[k]! * p * (1 - p);
      ga += resid * t;
      gc += resid;
      haa -= w * t * t;
      hac -= w * t;
      hcc -= w;
    }
    if (interceptPrior !== null) {
      gc -= c / (interceptPrior * interceptPrior);
      hcc -= 1 / (interceptPrior * interceptPrior);
    }
    if (model === "1pl") {
      const step = hcc < 0 ? -gc / hcc : 0;
      c += clampStep(step);
      if (Math.abs(step) < 1e-10) break;
      continue;
    }
    if (slopePrior !== null) {
      // log-normal prior on a: log p(a) = -(ln a)²/(2σ²) - ln a + const
      const s2 = slopePrior * slopePrior;
      ga += -Math.log(a) / (s2 * a) - 1 / a;
      haa += (Math.log(a) - 1) / (s2 * a * a) + 1 / (a * a);
    }
    // Solve H · δ = -g for the 2×2 Hessian.
    const det = haa * hcc - hac * hac;
    if (!(det > 0) || !(haa < 0)) {
      // Not negative definite (far from the optimum): fall back to a small gradient step.
      a = Math.max(0.05, a + 0.01 * Math.sign(ga));
      c += 0.01 * Math.sign(gc);
      continue;
    }
    const da = -(hcc * ga - hac * gc) / det;
    const dc = -(haa * gc - hac * ga) / det;
    a = Math.min(6, Math.max(0.05, a + clampStep(da)));
    c += clampStep(dc);
    if (Math.abs(da) < 1e-10 && Math.abs(dc) < 1e-10) break;
  }
  return { a: model === "1pl" ? 1 : a, c };
}

function clampStep(step: number): number {
  return Math.max(-1, Math.min(1, step));
}

/**
 * Louis' observed information for one item's (a, c), returned as the covariance [vaa, vac, vcc]
 * (for 1PL only vcc is meaningful). Observed information = Σ_i (E[-H_i] - Var[S_i]) over examinees,
 * with expectations under each examinee's posterior, plus the prior's curvature.
 */
function itemCovariance(
  data: ResponseMatrix,
  posterior: number[][],
  nodes: number[],
  j: number,
  p: SlopeIntercept,
  model: IrtModel,
  slopePrior: number | null,
  interceptPrior: number | null,
): [number, number, number] {
  let iaa = 0;
  let iac = 0;
  let icc = 0;
  data.forEach((row, i) => {
    const x = row[j];
    if (x !== 0 && x !== 1) return;
    const post = posterior[i]!;
    let eHaa = 0;
    let eHac = 0;
    let eHcc = 0;
    let eSa = 0;
    let eSc = 0;
    let eSaa = 0;
    let eSac = 0;
    let eScc = 0;
    for (let k = 0; k < nodes.length; k++) {
      const t = nodes[k]!;
      const w = post[k]!;
      const prob = logistic(p.a * t + p.c);
      const info = prob * (1 - prob);
      const resid = x - prob;
      eHaa += w * info * t * t;
      eHac += w * info * t;
      eHcc += w * info;
      const sa = resid * t;
      const sc = resid;
      eSa += w * sa;
      eSc += w * sc;
      eSaa += w * sa * sa;
      eSac += w * sa * sc;
      eScc += w * sc * sc;
    }
    iaa += eHaa - (eSaa - eSa * eSa);
    iac += eHac - (eSac - eSa * eSc);
    icc += eHcc - (eScc - eSc * eSc);
  });
  if (interceptPrior !== null) icc += 1 / (interceptPrior * interceptPrior);
  if (model === "1pl") return [0, 0, icc > 0 ? 1 / icc : Infinity];
  if (slopePrior !== null) {
    const s2 = slopePrior * slopePrior;
    iaa += -((Math.log(p.a) - 1) / (s2 * p.a * p.a) + 1 / (p.a * p.a));
  }
  const det = iaa * icc - iac * iac;
  if (!(det > 0)) return [Infinity, 0, Infinity];
  return [icc / det, -iac / det, iaa / det];
}

function marginalLogLikelihood(data: ResponseMatrix, params: readonly SlopeIntercept[], q: { nodes: number[]; weights: number[] }): number {
  let total = 0;
  for (const row of data) {
    const logs = logJoint(row, params, q);
    const max = Math.max(...logs);
    total += max + Math.log(logs.reduce((s, l) => s + Math.exp(l - max), 0));
  }
  return total;
}

/** Exposed for tests: the marginal log-likelihood of given (a, b) item parameters. */
export function marginalLogLikelihoodOf(data: ResponseMatrix, items: readonly ItemParams[], quadraturePoints = 41): number {
  const q = normalQuadrature(0, 1, quadraturePoints, 4.5);
  return marginalLogLikelihood(
    data,
    items.map((it) => ({ a: it.a, c: -it.a * it.b })),
    q,
  );
}

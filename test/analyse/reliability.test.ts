// Reliability of Likert dimensions (src/analyse/reliability.ts): α and ω recover the reliability of a
// simulated responder with known loadings, a null simulation (unrelated items) gives α near 0, the
// coefficients match a plain recomputation, and a straight-liner is flagged, not hidden by centring.

import { describe, expect, it } from "vitest";
import { buildDataset } from "../../src/analyse/dataset.js";
import { reliability } from "../../src/analyse/reliability.js";
import { cronbachAlpha, feldtInterval, fQuantile, oneFactor, symmetricEigen } from "../../src/analyse/reliability-stats.js";
import { mulberry32 } from "../../src/core/random.js";
import type { Plan } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { buildReport } from "../../src/report/tables.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

/** Standard normal draws from a seeded uniform stream (Box–Muller). */
function normals(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** ω of the one-factor population: (Σλ)² / ((Σλ)² + Σψ) with unit item variances, ψ = 1 − λ². */
function trueOmega(loadings: number[]): number {
  const s = loadings.reduce((a, b) => a + b, 0);
  const psi = loadings.reduce((a, l) => a + (1 - l * l), 0);
  return (s * s) / (s * s + psi);
}

/** Cronbach's α by its definition, written out again here. */
function plainAlpha(rows: number[][]): number {
  const k = rows[0]!.length;
  const n = rows.length;
  const varOf = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / n;
    return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1);
  };
  let items = 0;
  for (let j = 0; j < k; j++) items += varOf(rows.map((r) => r[j]!));
  return (k / (k - 1)) * (1 - items / varOf(rows.map((r) => r.reduce((a, b) => a + b, 0))));
}

/**
 * A plan with one model per entry of `responders`, one system with dimension `d` of k items (the last
 * reverse-keyed when asked), `n` samples; records carry 0–100 keyed scores and the likert raw fields.
 */
function simulate(
  responders: Array<{ model: string; rows: number[][] }>,
  opts: { reverseLast?: boolean; centre?: boolean } = {},
): { plan: Plan; steps: StepRecord[]; scores: ScoreRecord[] } {
  const k = responders[0]!.rows[0]!.length;
  const n = responders[0]!.rows.length;
  const items = Array.from({ length: k }, (_, j) => ({ ...item(`q${j + 1}`, "sv", "d"), reverse: opts.reverseLast === true && j === k - 1 }));
  const plan = makePlan({
    systems: [system("sv", ["d"])],
    models: responders.map((r) => r.model),
    scorers: [scorer("rating", "likert", { scale: 6, ...(opts.centre ? { centre: true } : {}) })],
    segments: [{ id: "seg", system: "sv", scorers: ["rating"], items }],
  });
  for (const seg of plan.segments) if (seg.kind === "static") seg.samples = n;
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  for (const r of responders) {
    r.rows.forEach((row, sample) => {
      row.forEach((keyed, j) => {
        const s = step({ model: r.model, segment: "seg", system: "sv", dimension: "d", item: `q${j + 1}`, sample }, steps.length);
        steps.push(s);
        const reversed = items[j]!.reverse;
        // A keyed rating on 1..6 is stored as 0–100; the stated one is what the model wrote.
        const stated = reversed ? 7 - keyed : keyed;
        scores.push(score(s.stepId, "rating", ((keyed - 1) / 5) * 100, { raw: { rating: keyed, stated, reversed, scale: 6, min: 1 } }));
      });
    });
  }
  return { plan, steps, scores };
}

/** n respondents of a one-factor model, continuous (the coefficients do not need whole ratings). */
function factorRows(loadings: number[], n: number, seed: number): number[][] {
  const z = normals(seed);
  return Array.from({ length: n }, () => {
    const f = z();
    return loadings.map((l) => 3.5 + l * f + Math.sqrt(1 - l * l) * z());
  });
}

describe("reliability coefficients", () => {
  // Tolerance: with 3000 respondents the sampling SE of α and ω here is about 0.005; 0.02 is 4 SE.
  const TOL = 0.02;

  it("α and ω recover the known reliability of a simulated responder with congeneric loadings", () => {
    const loadings = [0.8, 0.7, 0.6, 0.5, 0.4, 0.7];
    const { plan, steps, scores } = simulate([{ model: "mock:sim", rows: factorRows(loadings, 3000, 11) }]);
    const r = reliability(buildDataset(plan, steps, scores), { seed: 1, resamples: 60 });
    const d = r.dimensions[0]!;
    expect(d.respondents).toBe(3000);
    expect(d.omega!).toBeGreaterThan(trueOmega(loadings) - TOL);
    expect(d.omega!).toBeLessThan(trueOmega(loadings) + TOL);
    // α is a lower bound of ω when loadings differ: strictly below, by about the known gap.
    expect(d.alpha!).toBeLessThan(d.omega!);
    expect(d.alphaCi!.low).toBeLessThan(d.alpha!);
    expect(d.alphaCi!.high).toBeGreaterThan(d.alpha!);
    expect(d.omegaCi!.low).toBeLessThan(trueOmega(loadings));
    expect(d.omegaCi!.high).toBeGreaterThan(trueOmega(loadings));
  });

  it("with equal loadings (tau-equivalent items) α recovers the same known reliability as ω", () => {
    const loadings = [0.6, 0.6, 0.6, 0.6, 0.6];
    const { plan, steps, scores } = simulate([{ model: "mock:sim", rows: factorRows(loadings, 3000, 12) }]);
    const d = reliability(buildDataset(plan, steps, scores), { seed: 1, resamples: 20 }).dimensions[0]!;
    expect(Math.abs(d.alpha! - trueOmega(loadings))).toBeLessThan(TOL);
    expect(Math.abs(d.omega! - trueOmega(loadings))).toBeLessThan(TOL);
  });

  it("null simulation: unrelated items give α near 0 with an interval covering 0", () => {
    const { plan, steps, scores } = simulate([{ model: "mock:sim", rows: factorRows([0, 0, 0, 0, 0, 0], 400, 13) }]);
    const d = reliability(buildDataset(plan, steps, scores), { seed: 3, resamples: 50 }).dimensions[0]!;
    expect(Math.abs(d.alpha!)).toBeLessThan(0.15);
    expect(d.alphaCi!.low).toBeLessThan(0);
    expect(d.alphaCi!.high).toBeGreaterThan(0);
  });

  it("α and the corrected item–total correlations match a plain recomputation on whole ratings", () => {
    const rand = mulberry32(5);
    const rows = Array.from({ length: 40 }, () => {
      const base = 1 + Math.floor(rand() * 6);
      return [0, 1, 2, 3].map(() => Math.min(6, Math.max(1, base + Math.floor(rand() * 3) - 1)));
    });
    const { plan, steps, scores } = simulate([{ model: "mock:sim", rows }], { reverseLast: true });
    const r = reliability(buildDataset(plan, steps, scores), { seed: 1, resamples: 50 });
    // The recorded scores are (keyed − 1) · 20: α is unchanged by the linear map.
    expect(r.dimensions[0]!.alpha!).toBeCloseTo(plainAlpha(rows), 10);
    const rest = rows.map((row) => row[1]! + row[2]! + row[3]!);
    const x = rows.map((row) => row[0]!);
    const mx = x.reduce((a, b) => a + b, 0) / x.length;
    const my = rest.reduce((a, b) => a + b, 0) / rest.length;
    const cov = x.reduce((a, v, i) => a + (v - mx) * (rest[i]! - my), 0);
    const r0 = cov / Math.sqrt(x.reduce((a, v) => a + (v - mx) ** 2, 0) * rest.reduce((a, v) => a + (v - my) ** 2, 0));
    expect(r.items[0]!.itemTotal!).toBeCloseTo(r0, 10);
    expect(r.items[3]!.reverse).toBe(true);
  });

  it("the one-factor fit returns the generating loadings of an exact one-factor covariance", () => {
    const l = [0.9, 0.5, 0.7, 0.3];
    const s = l.map((a, i) => l.map((b, j) => (i === j ? 1 : a * b)));
    const fit = oneFactor(s)!;
    expect(fit.converged).toBe(true);
    fit.loadings.forEach((x, i) => {
      expect(x).toBeCloseTo(l[i]!, 6);
    });
    // And the eigen-solver diagonalises: A v = λ v for the first pair.
    const { values, vectors } = symmetricEigen(s);
    const v = vectors.map((row) => row[0]!);
    s.forEach((row, i) => {
      expect(row.reduce((a, x, j) => a + x * v[j]!, 0)).toBeCloseTo(values[0]! * v[i]!, 10);
    });
  });
});

describe("Feldt's interval for α", () => {
  it("uses F quantiles that match the printed tables", () => {
    // F tables (e.g. NIST/SEMATECH): F_0.95(5, 10) = 3.326, F_0.95(10, 20) = 2.348, F_0.05(10, 20) = 1/F_0.95(20, 10) = 1/2.774.
    expect(fQuantile(0.95, 5, 10)).toBeCloseTo(3.326, 3);
    expect(fQuantile(0.95, 10, 20)).toBeCloseTo(2.348, 3);
    expect(fQuantile(0.05, 10, 20)).toBeCloseTo(1 / 2.774, 3);
  });

  it("covers the known α about 95% of the time over 400 simulated small samples (n = 30)", () => {
    const loadings = [0.6, 0.6, 0.6, 0.6, 0.6];
    const truth = trueOmega(loadings);
    let covered = 0;
    for (let r = 0; r < 400; r++) {
      const rows = factorRows(loadings, 30, 1000 + r);
      const a = cronbachAlpha(rows)!;
      const ci = feldtInterval(a, 30, 5)!;
      if (ci.low <= truth && truth <= ci.high) covered++;
    }
    // Binomial SE of a 95% coverage over 400 runs is 1.1%: 0.91–0.99 is about ±3.5 SE.
    expect(covered / 400).toBeGreaterThan(0.91);
    expect(covered / 400).toBeLessThan(0.99);
  });
});

describe("response-style flags", () => {
  const rand = mulberry32(9);
  const varied = Array.from({ length: 20 }, () => [0, 1, 2, 3, 4].map(() => 1 + Math.floor(rand() * 6)));
  // Rates every item 5, whatever it says, and so agrees with the reverse-keyed item too.
  const straight = Array.from({ length: 20 }, () => [5, 5, 5, 5, 2]);

  it("a straight-liner is flagged (and as acquiescent); a varied responder is not", () => {
    const { plan, steps, scores } = simulate(
      [
        { model: "mock:varied", rows: varied },
        { model: "mock:liner", rows: straight },
      ],
      { reverseLast: true },
    );
    const r = reliability(buildDataset(plan, steps, scores), { seed: 1, resamples: 20 });
    const liner = r.respondents.filter((x) => x.model === "mock:liner");
    const other = r.respondents.filter((x) => x.model === "mock:varied");
    expect(liner).toHaveLength(20);
    for (const x of liner) {
      // Stated ratings are all 5 (the reverse-keyed item's keyed 2 was stated as 5).
      expect(x.identicalShare).toBe(1);
      expect(x.modalRating).toBe(5);
      expect(x.straightLining).toBe(true);
      expect(x.meanRawRating).toBe(5);
      expect(x.meanRawShare).toBeCloseTo(0.8, 12);
      expect(x.acquiescence).toBe(true);
    }
    // Independently: the varied responder's identical share is its modal count over 5.
    other.forEach((x, i) => {
      const counts = new Map<number, number>();
      // What the model stated: the reverse-keyed last item was written as 7 − keyed.
      const stated = varied[i]!.map((v, j) => (j === 4 ? 7 - v : v));
      for (const v of stated) counts.set(v, (counts.get(v) ?? 0) + 1);
      expect(x.identicalShare).toBeCloseTo(Math.max(...counts.values()) / 5, 12);
      expect(x.straightLining).toBe(x.identicalShare! >= 0.9);
    });
    expect(other.some((x) => !x.straightLining)).toBe(true);
    // A straight-liner has no variance: no coefficient, and it is counted as flagged.
    const d = r.dimensions.find((x) => x.model === "mock:liner")!;
    expect(d.alpha).toBeNull();
    expect(d.flagged).toBe(20);
  });

  it("the report lists a centred straight-liner, says it was centred, and notes it", () => {
    const { plan, steps, scores } = simulate(
      [
        { model: "mock:varied", rows: varied },
        // Without a reverse-keyed item, stated = keyed: all 5.
        { model: "mock:liner", rows: straight.map(() => [5, 5, 5, 5, 5]) },
      ],
      { centre: true },
    );
    plan.reports = [{ id: "rel", kind: "reliability", settings: {} }];
    const built = buildReport(plan, steps, scores, { seed: 1, resamples: 20 });
    const t = built.tables.find((x) => x.name === "rel_respondents")!;
    const col = (c: string) => t.columns.indexOf(c);
    const liners = t.rows.filter((row) => row[col("model")] === "mock:liner");
    expect(liners).toHaveLength(20);
    for (const row of liners) {
      expect(row[col("straight_lining")]).toBe(true);
      expect(row[col("centred")]).toBe(true);
    }
    expect(built.notes.some((n) => n.includes("straight-lined"))).toBe(true);
    expect(built.tables.map((x) => x.name)).toEqual(expect.arrayContaining(["rel", "rel_items", "rel_respondents"]));
  });

  it("one respondent gives no coefficient, with a note saying what is needed", () => {
    const { plan, steps, scores } = simulate([{ model: "mock:one", rows: [varied[0]!] }]);
    const d = reliability(buildDataset(plan, steps, scores), { seed: 1 }).dimensions[0]!;
    expect(d.alpha).toBeNull();
    expect(d.omega).toBeNull();
    expect(d.note).toMatch(/at least 5/);
  });
});

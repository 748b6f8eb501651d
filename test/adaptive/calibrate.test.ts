import { describe, expect, it } from "vitest";
import { calibrate, marginalLogLikelihoodOf, type ResponseMatrix } from "../../src/adaptive/calibrate.js";
import { logistic } from "../../src/adaptive/irt.js";
import { examinee, makeBank, pearson } from "./simulate.js";

describe("item calibration (MML-EM)", () => {
  it("recovers known difficulties from 50 simulated examinees (correlation > 0.9)", async () => {
    const bank = makeBank(60, 3);
    const thetas = Array.from({ length: 50 }, (_, i) => -2.2 + (4.4 * i) / 49);
    const data: ResponseMatrix = await Promise.all(
      thetas.map((theta, i) => {
        const answer = examinee(theta, 17, `x${i}`);
        return Promise.all(bank.map((item) => answer(item)));
      }),
    );
    for (const model of ["1pl", "2pl"] as const) {
      const fit = calibrate(data, { model });
      expect(fit.converged).toBe(true);
      const r = pearson(
        fit.items.map((it) => it.b),
        bank.map((it) => it.b),
      );
      const rTheta = pearson(
        fit.abilities.map((a) => a.theta),
        thetas,
      );
      console.log(`${model}: difficulty recovery r = ${r.toFixed(3)}, ability recovery r = ${rTheta.toFixed(3)}, ${fit.iterations} EM iterations`);
      expect(r).toBeGreaterThan(0.9);
      expect(rTheta).toBeGreaterThan(0.9);
      for (const item of fit.items) expect(item.seB).toBeGreaterThan(0);
      if (model === "2pl") for (const item of fit.items) expect(item.seA).toBeGreaterThan(0);
    }
  });

  it("agrees with a hand-checked case: one Rasch item answered right by half the examinees has b = 0", () => {
    const data: ResponseMatrix = [[1], [0], [1], [0], [1], [0]];
    const fit = calibrate(data, { model: "1pl", interceptPriorSd: null });
    expect(fit.items[0]!.b).toBeCloseTo(0, 6);
  });

  it("matches the marginal-probability equation for one Rasch item (k of n right)", () => {
    // With one item and no prior, MML sets the model's marginal P(correct) = ∫ σ(θ − b) φ(θ) dθ equal to
    // k/n. Solve that equation independently by bisection with a fine trapezoid integral.
    const data: ResponseMatrix = [[1], [1], [1], [0]];
    const fit = calibrate(data, { model: "1pl", interceptPriorSd: null, quadraturePoints: 81 });
    const marginal = (b: number) => {
      let s = 0;
      let w = 0;
      for (let t = -8; t <= 8; t += 0.001) {
        const phi = Math.exp(-0.5 * t * t);
        s += logistic(t - b) * phi;
        w += phi;
      }
      return s / w;
    };
    let lo = -5;
    let hi = 5;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (marginal(mid) > 0.75) lo = mid;
      else hi = mid;
    }
    expect(fit.items[0]!.b).toBeCloseTo((lo + hi) / 2, 2);
  });

  it("finds the maximum of the marginal likelihood (checked against an independent coordinate search)", () => {
    const data: ResponseMatrix = [
      [1, 1, 0],
      [1, 0, 0],
      [1, 1, 1],
      [0, 0, 0],
      [1, 0, 1],
      [1, 1, 0],
      [0, 1, 0],
    ];
    const fit = calibrate(data, { model: "1pl", interceptPriorSd: null, tolerance: 1e-9 });
    // Golden-section coordinate ascent over b1..b3 on the marginal likelihood itself.
    const bs = [0, 0, 0];
    const ll = (b: number[]) =>
      marginalLogLikelihoodOf(
        data,
        b.map((x) => ({ a: 1, b: x })),
      );
    for (let sweep = 0; sweep < 40; sweep++) {
      for (let j = 0; j < 3; j++) {
        let lo = -6;
        let hi = 6;
        const g = (Math.sqrt(5) - 1) / 2;
        for (let k = 0; k < 80; k++) {
          const x1 = hi - g * (hi - lo);
          const x2 = lo + g * (hi - lo);
          const f1 = ll(bs.map((v, i) => (i === j ? x1 : v)));
          const f2 = ll(bs.map((v, i) => (i === j ? x2 : v)));
          if (f1 > f2) hi = x2;
          else lo = x1;
        }
        bs[j] = (lo + hi) / 2;
      }
    }
    for (const [j, item] of fit.items.entries()) expect(item.b).toBeCloseTo(bs[j]!, 3);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(ll(bs) - 1e-6);
  });

  it("keeps items answered right by everyone finite thanks to the prior, with a large standard error", () => {
    const data: ResponseMatrix = [
      [1, 1],
      [1, 0],
      [1, 1],
      [1, 0],
    ];
    const fit = calibrate(data, { model: "2pl" });
    expect(Number.isFinite(fit.items[0]!.b)).toBe(true);
    expect(fit.items[0]!.b).toBeLessThan(fit.items[1]!.b);
    expect(fit.items[0]!.seB).toBeGreaterThan(fit.items[1]!.seB);
  });

  it("handles missing answers (adaptive data)", async () => {
    const bank = makeBank(30, 9);
    const thetas = Array.from({ length: 40 }, (_, i) => -2 + (4 * i) / 39);
    const data: ResponseMatrix = await Promise.all(
      thetas.map((theta, i) => {
        const answer = examinee(theta, 3, `y${i}`);
        return Promise.all(bank.map((item, j) => ((i + j) % 3 === 0 ? null : answer(item))));
      }),
    );
    const fit = calibrate(data, { model: "1pl" });
    expect(fit.items.every((it) => it.n > 0 && it.n < 40)).toBe(true);
    expect(
      pearson(
        fit.items.map((it) => it.b),
        bank.map((it) => it.b),
      ),
    ).toBeGreaterThan(0.85);
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_CAT_SETTINGS, decideNext, runAdaptiveTest, type BankItem, type CatSettings } from "../../src/adaptive/cat.js";
import { estimateEap, estimateMle, abilityToScore, itemInformation } from "../../src/adaptive/irt.js";
import { examinee, makeBank, rmse } from "./simulate.js";

const bank = makeBank(200, 11);
const thetas = Array.from({ length: 41 }, (_, i) => -2 + i * 0.1);

async function adaptive(theta: number, settings: CatSettings, name: string) {
  const answer = examinee(theta, 5, name);
  return runAdaptiveTest(bank, settings, name, (item) => answer(item));
}

/** Every item of a form answered by the examinee, and the EAP estimate from all of them. */
async function staticTest(form: readonly BankItem[], theta: number, name: string) {
  const answer = examinee(theta, 5, name);
  const responses = [];
  for (const item of form) responses.push({ item, correct: await answer(item) });
  return estimateEap(responses);
}

function staticFull(theta: number, name: string) {
  return staticTest(bank, theta, name);
}

describe("adaptive testing with simulated 2PL examinees", () => {
  it("estimates abilities in [-2, 2] with RMSE < 0.35 using at most 30 items", async () => {
    const settings: CatSettings = { ...DEFAULT_CAT_SETTINGS, stopSe: 0.3, maxItems: 30 };
    const pairs: Array<[number, number]> = [];
    let maxUsed = 0;
    for (const [i, theta] of thetas.entries()) {
      const result = await adaptive(theta, settings, `m${i}`);
      maxUsed = Math.max(maxUsed, result.answered.length);
      pairs.push([result.estimate.theta, theta]);
    }
    const error = rmse(pairs);
    console.log(`adaptive RMSE ${error.toFixed(3)} over ${thetas.length} examinees, at most ${maxUsed} items`);
    expect(maxUsed).toBeLessThanOrEqual(30);
    expect(error).toBeLessThan(0.35);
  });

  // No subset of a bank can carry more information than the whole bank (Cramér–Rao), so an adaptive test
  // can only approach the standard error of the full 200-item test, never undercut it. We measure how close
  // it gets with 40% of the items, and separately that it matches a static fixed form exactly with 40% of
  // that form's length.
  it("reaches the full 200-item static test's precision (SE within 10%) with at most 40% of its items", async () => {
    const used: number[] = [];
    const staticPairs: Array<[number, number]> = [];
    const adaptivePairs: Array<[number, number]> = [];
    for (const [i, theta] of thetas.entries()) {
      const full = await staticFull(theta, `m${i}`);
      staticPairs.push([full.theta, theta]);
      const settings: CatSettings = { ...DEFAULT_CAT_SETTINGS, stopSe: full.se * 1.1, minItems: 5, maxItems: 200 };
      const result = await adaptive(theta, settings, `m${i}`);
      expect(result.stopReason).toBe("se");
      used.push(result.answered.length);
      adaptivePairs.push([result.estimate.theta, theta]);
    }
    const maxUsed = Math.max(...used);
    const meanUsed = used.reduce((s, v) => s + v, 0) / used.length;
    console.log(
      `static 200-item RMSE ${rmse(staticPairs).toFixed(3)}; adaptive to within 10% of its SE: mean ${meanUsed.toFixed(1)}, max ${maxUsed} items, RMSE ${rmse(adaptivePairs).toFixed(3)}`,
    );
    expect(maxUsed).toBeLessThanOrEqual(80);
  });

  it("matches the precision of a static 100-item form with at most 40% of its items", async () => {
    const form = bank.filter((_, j) => j % 2 === 0);
    const used: number[] = [];
    for (const [i, theta] of thetas.entries()) {
      const fixed = await staticTest(form, theta, `m${i}`);
      const result = await adaptive(theta, { ...DEFAULT_CAT_SETTINGS, stopSe: fixed.se, maxItems: 200 }, `m${i}`);
      expect(result.estimate.se).toBeLessThan(fixed.se);
      used.push(result.answered.length);
    }
    console.log(`static 100-item form: adaptive reaches its SE with at most ${Math.max(...used)} items`);
    expect(Math.max(...used)).toBeLessThanOrEqual(40);
  });

  it("makes the same choices given the same answers (reproducible) and differs for another seed", async () => {
    const a = await adaptive(0.7, DEFAULT_CAT_SETTINGS, "same");
    const b = await adaptive(0.7, DEFAULT_CAT_SETTINGS, "same");
    expect(b.answered).toEqual(a.answered);
    const c = await adaptive(0.7, { ...DEFAULT_CAT_SETTINGS, seed: 99 }, "same");
    expect(c.answered.map((x) => x.id)).not.toEqual(a.answered.map((x) => x.id));
  });

  it("chooses among the most informative items at the current estimate", () => {
    const settings = { ...DEFAULT_CAT_SETTINGS, topK: 1 };
    const decision = decideNext(bank, [], settings, "x");
    expect(decision.kind).toBe("next");
    if (decision.kind !== "next") return;
    const best = Math.max(...bank.map((item) => itemInformation(item, 0)));
    expect(decision.information).toBeCloseTo(best, 12);
  });

  it("exposure control spreads the first item over several items", async () => {
    const firsts = new Set<string>();
    const exposure = { examinees: 0, given: {} as Record<string, number> };
    const settings = { ...DEFAULT_CAT_SETTINGS, topK: 5, maxExposure: 0.3, maxItems: 5, stopSe: null };
    for (let i = 0; i < 20; i++) {
      const answer = examinee(0, 5, `e${i}`);
      const result = await runAdaptiveTest(bank, settings, `e${i}`, (item) => answer(item), exposure);
      firsts.add(result.answered[0]!.id);
    }
    expect(firsts.size).toBeGreaterThan(2);
    const maxRate = Math.max(...Object.values(exposure.given)) / exposure.examinees;
    expect(maxRate).toBeLessThanOrEqual(0.45);
  });

  it("an unscorable answer skips the item without counting it", async () => {
    let calls = 0;
    const result = await runAdaptiveTest(bank, { ...DEFAULT_CAT_SETTINGS, maxItems: 5, stopSe: null }, "s", async () => {
      calls++;
      return calls === 1 ? null : 1;
    });
    expect(result.skipped).toHaveLength(1);
    expect(result.answered).toHaveLength(5);
    expect(result.answered.map((a) => a.id)).not.toContain(result.skipped[0]);
  });
});

describe("ability estimation", () => {
  it("MLE solves the likelihood equation on a hand-checked case", () => {
    // Two Rasch items at b = 0, one right one wrong: the likelihood P(1-P) peaks at θ = 0.
    const est = estimateMle([
      { item: { a: 1, b: 0 }, correct: 1 },
      { item: { a: 1, b: 0 }, correct: 0 },
    ]);
    expect(est.theta).toBeCloseTo(0, 8);
    // Information 2 · 0.25 = 0.5 → SE = 1/sqrt(0.5)
    expect(est.se).toBeCloseTo(Math.SQRT2, 8);
    // One Rasch item right, b = 1, one wrong, b = -1 → symmetric around 0 as well
    expect(
      estimateMle([
        { item: { a: 1, b: 1 }, correct: 1 },
        { item: { a: 1, b: -1 }, correct: 0 },
      ]).theta,
    ).toBeCloseTo(0, 8);
  });

  it("EAP without answers is the prior; with answers it moves towards them", () => {
    expect(estimateEap([]).theta).toBeCloseTo(0, 6);
    expect(estimateEap([]).se).toBeCloseTo(1, 2);
    const up = estimateEap([{ item: { a: 1.5, b: 0 }, correct: 1 }]);
    expect(up.theta).toBeGreaterThan(0.3);
    expect(up.se).toBeLessThan(1);
  });

  it("maps abilities to 0–100 by the normal percentile", () => {
    expect(abilityToScore(0)).toBeCloseTo(50, 5);
    expect(abilityToScore(1.96)).toBeCloseTo(97.5, 1);
    expect(abilityToScore(-1)).toBeCloseTo(15.87, 1);
  });
});

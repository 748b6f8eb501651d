// Within-item agreement and between-sample variance (src/analyse/samples.ts): the definitions on hand
// values, a null simulation (random and constant responders), and the grouping on a small dataset.
import { describe, expect, it } from "vitest";
import { buildDataset } from "../../src/analyse/dataset.js";
import {
  AGREEMENT_TOLERANCE,
  agreementScaleOf,
  PERCENT_TOLERANCE,
  type SampleGroup,
  sampleSpreads,
  samplesAgree,
  sampleVariance,
  spreadKey,
  spreadOf,
} from "../../src/analyse/samples.js";
import { mulberry32 } from "../../src/core/random.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { item, makePlan, score, scorer, step, system } from "./fixtures.js";

describe("agreement and variance: definitions", () => {
  it("discrete scales agree only on identical scores; percent scores within the tolerance", () => {
    expect(AGREEMENT_TOLERANCE[agreementScaleOf("likert")]).toBe(0);
    expect(AGREEMENT_TOLERANCE[agreementScaleOf("refusal")]).toBe(0);
    expect(AGREEMENT_TOLERANCE[agreementScaleOf("judge")]).toBe(PERCENT_TOLERANCE);
    expect(samplesAgree([75, 75, 75], 0)).toBe(true);
    expect(samplesAgree([75, 75, 50], 0)).toBe(false);
    expect(samplesAgree([70, 75, 72], PERCENT_TOLERANCE)).toBe(true);
    expect(samplesAgree([70, 76], PERCENT_TOLERANCE)).toBe(false);
    // A 0/100 verdict scored by a judge still has to be the same verdict.
    expect(samplesAgree([0, 100], PERCENT_TOLERANCE)).toBe(false);
  });

  it("variance is the n − 1 sample variance; items with one sample are left out of both figures", () => {
    expect(sampleVariance([0, 100])).toBe(5000);
    expect(sampleVariance([10, 20, 30])).toBe(100);
    expect(sampleVariance([42])).toBeNull();
    const groups: SampleGroup[] = [
      { scores: [10, 20, 30], raw: [10, 20, 30], tolerance: 0 },
      { scores: [50, 50, 50], raw: [50, 50, 50], tolerance: 0 },
      { scores: [99], raw: [99], tolerance: 0 },
    ];
    expect(spreadOf(groups)).toEqual({ items: 2, agreement: 0.5, variance: 50 });
    expect(spreadOf([{ scores: [1], raw: [1], tolerance: 0 }])).toEqual({ items: 0, agreement: null, variance: null });
  });
});

describe("null simulation", () => {
  // Seeded responders answering 0 or 100 at random, 3 samples per item, 4000 items: every sample pair
  // is independent, so P(all three agree) = 2 · (1/2)³ = 1/4 and E[sample variance] = σ² = 2500.
  const items = 4000;
  const draw = mulberry32(20251101);

  it("random responders: agreement at chance, variance at the population variance", () => {
    const groups: SampleGroup[] = [];
    for (let i = 0; i < items; i++) {
      const s = [0, 1, 2].map(() => (draw() < 0.5 ? 0 : 100));
      groups.push({ scores: s, raw: s, tolerance: 0 });
    }
    const spread = spreadOf(groups);
    // 4 standard errors: sqrt(.25 · .75 / 4000) ≈ 0.0068; the variance per item is 0 (p = 1/4) or
    // 10000/3 (p = 3/4), SD ≈ 1443, so SE ≈ 23.
    expect(spread.agreement!).toBeGreaterThan(0.25 - 4 * 0.0069);
    expect(spread.agreement!).toBeLessThan(0.25 + 4 * 0.0069);
    expect(Math.abs(spread.variance! - 2500)).toBeLessThan(4 * 23);
  });

  it("a responder that repeats itself: agreement 1 and variance 0, whatever its answers", () => {
    const groups: SampleGroup[] = [];
    for (let i = 0; i < 200; i++) {
      const x = Math.round(draw() * 100);
      groups.push({ scores: [x, x, x], raw: [x, x, x], tolerance: 0 });
    }
    expect(spreadOf(groups)).toEqual({ items: 200, agreement: 1, variance: 0 });
  });
});

describe("sampleSpreads on a dataset", () => {
  it("groups samples by item, context and scorer within a cell; counts the primary scorer; compares centred ratings before centring", () => {
    const plan = makePlan({
      systems: [system("v", ["a", "b"])],
      models: ["mock:m"],
      scorers: [scorer("rate", "likert", { scale: 5, centre: true }), scorer("ref", "refusal")],
      segments: [{ id: "seg", system: "v", scorers: ["rate", "ref"], items: [item("i1", "v", "a"), item("i2", "v", "a"), item("i3", "v", "b")] }],
    });
    // i1: 25, 25, 25 (agree); i2: 0, 50, 50 (disagree); i3: 100, 75 (+ a failed third sample).
    const raw: Record<string, Array<number | null>> = { i1: [25, 25, 25], i2: [0, 50, 50], i3: [100, 75, null] };
    const steps: StepRecord[] = [];
    const scores: ScoreRecord[] = [];
    let index = 0;
    for (const [id, values] of Object.entries(raw)) {
      const dimension = id === "i3" ? "b" : "a";
      values.forEach((v, sample) => {
        const s = step({ model: "mock:m", segment: "seg", system: "v", dimension, item: id, sample, ...(v === null ? { response: null } : {}) }, index++);
        steps.push(s);
        if (v !== null) {
          scores.push(score(s.stepId, "rate", v));
          // The secondary scorer disagrees everywhere: it must not be counted.
          scores.push(score(s.stepId, "ref", sample % 2 === 0 ? 0 : 100, { refused: sample % 2 === 1 }));
        }
      });
    }
    const ds = buildDataset(plan, steps, scores, { centre: "off" });
    const byDim = sampleSpreads(ds, ["model", "system", "dimension"]);
    expect(byDim.get(spreadKey(["mock:m", "v", "a"]))).toEqual({ items: 2, agreement: 0.5, variance: expect.closeTo(2500 / 3 / 2, 9) });
    expect(byDim.get(spreadKey(["mock:m", "v", "b"]))).toEqual({ items: 1, agreement: 0, variance: 312.5 });
    const overall = sampleSpreads(ds, ["model", "system"]).get(spreadKey(["mock:m", "v"]));
    expect(overall).toEqual({ items: 3, agreement: 1 / 3, variance: expect.closeTo((0 + 2500 / 3 + 312.5) / 3, 9) });
    // Naming the other scorer counts its scores instead.
    expect(sampleSpreads(ds, ["model", "system"], { scorers: ["ref"] }).get(spreadKey(["mock:m", "v"]))?.agreement).toBe(0);

    // Centred: the variance is of the centred scores (what the mean counts); agreement is on the rating.
    const centred = buildDataset(plan, steps, scores, { centre: "all" });
    const c = sampleSpreads(centred, ["model", "system", "dimension"]).get(spreadKey(["mock:m", "v", "a"]));
    expect(c?.agreement).toBe(0.5);
    const unitsOf = (itemId: string) =>
      centred.metas.flatMap((m, i) => (m.item === itemId ? (centred.unitsByStep[i] ?? []).filter((u) => u.primary && u.score !== null) : []));
    const plainVar = (xs: number[]) => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
    };
    const expected = (plainVar(unitsOf("i1").map((u) => u.score!)) + plainVar(unitsOf("i2").map((u) => u.score!))) / 2;
    expect(c?.variance).toBeCloseTo(expected, 9);
    expect(unitsOf("i1").every((u) => u.centred)).toBe(true);
  });
});

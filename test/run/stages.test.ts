// Which stages a plan needs: answered from the plan alone, so that a run without scorers or adaptive
// blocks never loads those modules.

import { describe, expect, it } from "vitest";
import type { AdaptiveSegment, Plan } from "../../src/core/plan.js";
import { runStages, staticScorePairs } from "../../src/app/stages.js";
import { makePlan } from "./fixtures.js";

const stage = (name: string) => {
  const found = runStages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const applies = (name: string, plan: Plan) => stage(name).appliesTo?.(plan) ?? true;

function withScorers(plan: Plan): Plan {
  const [first, ...rest] = plan.segments;
  if (!first) throw new Error("empty plan");
  return { ...plan, segments: [{ ...first, scorers: ["refusal"] }, ...rest] };
}

function withAdaptive(plan: Plan, scorers: string[] = []): Plan {
  const adaptive: AdaptiveSegment = {
    kind: "adaptive",
    id: "cat",
    system: "sys",
    template: "ask",
    scorers,
    models: ["mock:a"],
    contexts: [{ culture: null, usecase: null }],
    bank: [],
    settings: {},
  };
  return { ...plan, segments: [...plan.segments, adaptive] };
}

describe("runStages: which stages a plan needs", () => {
  const plain = makePlan([{ models: ["mock:a"], items: 3 }]);

  it("runs scoring, adaptive and reports in that order", () => {
    expect(runStages.map((s) => s.name)).toEqual(["scoring", "adaptive", "report"]);
  });

  it("a plan without scorers or adaptive blocks needs only the reports", () => {
    expect(runStages.filter((s) => s.appliesTo?.(plain) ?? true).map((s) => s.name)).toEqual(["report"]);
  });

  it("scoring applies when any block has a scorer", () => {
    expect(applies("scoring", withScorers(plain))).toBe(true);
    expect(applies("adaptive", withScorers(plain))).toBe(false);
  });

  it("adaptive applies with an adaptive block; its scorers bring in scoring", () => {
    const adaptive = withAdaptive(plain);
    expect(applies("adaptive", adaptive)).toBe(true);
    expect(applies("scoring", adaptive)).toBe(false);
    expect(applies("scoring", withAdaptive(plain, ["likert"]))).toBe(true);
  });

  it("the reports apply to every plan", () => {
    expect(applies("report", plain)).toBe(true);
    expect(applies("report", withAdaptive(withScorers(plain)))).toBe(true);
  });
});

describe("runStages: their lines in the progress display", () => {
  const display = (name: string, plan: Plan) => stage(name).display?.(plan);

  it("scoring counts (step, scorer) pairs of the static blocks, labelled 'judge scoring' when a judge scores", () => {
    // 2 models × 3 items × 2 contexts × 2 samples, 2 scorers; a second block without scorers adds nothing.
    const plan = makePlan([
      {
        models: ["mock:a", "mock:b"],
        items: 3,
        samples: 2,
        contexts: [
          { culture: null, usecase: null },
          { culture: "de", usecase: null },
        ],
      },
      { models: ["mock:a"], items: 4 },
    ]);
    const [first, second] = plan.segments;
    if (first?.kind !== "static" || !second) throw new Error("fixture");
    const scored: Plan = { ...plan, segments: [{ ...first, scorers: ["refusal", "harm"] }, second] };
    expect(staticScorePairs(scored)).toBe(2 * 3 * 2 * 2 * 2);
    expect(display("scoring", scored)).toEqual({ label: "scoring", total: 48, unit: "scores" });
    const judged: Plan = {
      ...scored,
      judge: "mock:judge",
      scorers: [{ id: "harm", kind: "judge", config: {}, score: null, rules: [] }],
    };
    expect(display("scoring", judged)).toEqual({ label: "judge scoring", total: 48, unit: "scores" });
  });

  it("adaptive counts at most its bound; the reports are shown by time", () => {
    const plan = makePlan([{ models: ["mock:a"], items: 3 }]);
    expect(display("adaptive", withAdaptive(plan))).toMatchObject({ label: "adaptive", unit: "steps", bound: true, total: 0 });
    expect(display("report", plan)).toEqual({ label: "reports", total: 0, unit: "" });
  });
});

// Leaderboard ranks use the analyses' tie tolerance: equal overalls share a rank written "1=", and a
// board whose overalls are all equal ranks no one (three all-zero models are not 1, 2, 3).

import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { describe, expect, it } from "vitest";
import { buildReport, rankLeaderboard } from "../../src/report/tables.js";
import { item, makePlan, score, scorer, step, system } from "../analyse/fixtures.js";

const ITEMS = ["1", "2", "3", "4"];

function boardOf(values: Record<string, number>): Array<{ model: string; rank: string | null }> {
  const models = Object.keys(values);
  const plan = makePlan({
    systems: [system("safety", ["tox"])],
    models,
    scorers: [scorer("judge")],
    segments: [{ id: "seg", system: "safety", scorers: ["judge"], items: ITEMS.map((i) => item(`t${i}`, "safety", "tox")) }],
  });
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  for (const model of models) {
    for (const i of ITEMS) {
      const rec = step({ model, segment: "seg", system: "safety", dimension: "tox", item: `t${i}` }, steps.length);
      steps.push(rec);
      // Scores that are equal in exact arithmetic but not always in floating point once averaged.
      scores.push(score(rec.stepId, "judge", (values[model] as number) + (i === "1" ? 0.1 + 0.2 - 0.3 : 0)));
    }
  }
  const { analysis } = buildReport(plan, steps, scores, { seed: 1, resamples: 50 });
  return rankLeaderboard(analysis.dataset, analysis.leaderboard).map(({ row, rank }) => ({ model: row.model, rank }));
}

describe("leaderboard ranks", () => {
  it("three all-zero models get no rank", () => {
    expect(boardOf({ "mock:a": 0, "mock:b": 0, "mock:c": 0 }).map((r) => r.rank)).toEqual([null, null, null]);
  });

  it("equal overalls share a rank written with '=', the next model's rank counts them", () => {
    const board = boardOf({ "mock:a": 40, "mock:b": 80, "mock:c": 80 });
    expect(board).toEqual([
      { model: "mock:b", rank: "1=" },
      { model: "mock:c", rank: "1=" },
      { model: "mock:a", rank: "3" },
    ]);
  });

  it("distinct overalls rank 1, 2, 3 from the best", () => {
    expect(boardOf({ "mock:a": 10, "mock:b": 90, "mock:c": 50 })).toEqual([
      { model: "mock:b", rank: "1" },
      { model: "mock:c", rank: "2" },
      { model: "mock:a", rank: "3" },
    ]);
  });
});

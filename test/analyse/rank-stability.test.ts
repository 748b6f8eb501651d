// Rank stability across judges (src/analyse/rank-stability.ts): Kendall's τ between the model rankings
// under two judges, recomputed here by counting concordant pairs, and a null check: judges whose
// scores are unrelated give τ near 0 with an interval that covers it.

import { describe, expect, it } from "vitest";
import { modelMeans, rankStability, type JudgedScore } from "../../src/analyse/rank-stability.js";
import { mulberry32 } from "../../src/core/random.js";

function scoresOf(seed: number, related: boolean): JudgedScore[] {
  const next = mulberry32(seed);
  const out: JudgedScore[] = [];
  for (let m = 0; m < 8; m++) {
    for (let i = 0; i < 40; i++) {
      const a = m * 8 + next() * 40;
      const b = related ? a + (next() - 0.5) * 30 : next() * 100;
      out.push({ judge: "A", scorer: "s", model: `m${m}`, item: `i${i}`, score: a });
      out.push({ judge: "B", scorer: "s", model: `m${m}`, item: `i${i}`, score: b });
    }
  }
  return out;
}

/** τ without ties: (concordant − discordant) / (n choose 2). */
function tauByHand(xs: number[], ys: number[]): number {
  let c = 0;
  let d = 0;
  for (let i = 0; i < xs.length; i++)
    for (let j = i + 1; j < xs.length; j++) {
      const s = Math.sign((xs[i] ?? 0) - (xs[j] ?? 0)) * Math.sign((ys[i] ?? 0) - (ys[j] ?? 0));
      if (s > 0) c++;
      else if (s < 0) d++;
    }
  return (c - d) / ((xs.length * (xs.length - 1)) / 2);
}

describe("rank stability between two judges", () => {
  it("reports Kendall's τ between the judges' model means, with an interval around it", () => {
    const scores = scoresOf(4, true);
    const [row] = rankStability(scores, ["A", "B"], 1);
    const means = modelMeans(scores);
    const models = [...new Set(scores.map((s) => s.model))].sort();
    const meanOf = (judge: string, model: string) => means.find((m) => m.judge === judge && m.model === model)?.mean ?? 0;
    const byHand = tauByHand(
      models.map((m) => meanOf("A", m)),
      models.map((m) => meanOf("B", m)),
    );
    expect(row).toMatchObject({ scorer: "s", judgeA: "A", judgeB: "B", models: 8, items: 40 });
    expect(row?.tau).toBeCloseTo(byHand, 12);
    expect(row?.tau ?? 0).toBeGreaterThan(0.5);
    expect(row?.interval?.low ?? 1).toBeLessThanOrEqual(row?.tau ?? 0);
    expect(row?.interval?.high ?? 0).toBeGreaterThanOrEqual(row?.tau ?? 1);
  });

  it("judges whose scores are unrelated give an interval that covers 0", () => {
    const [row] = rankStability(scoresOf(8, false), ["A", "B"], 1);
    expect(row?.interval?.low ?? 1).toBeLessThan(0);
    expect(row?.interval?.high ?? -1).toBeGreaterThan(0);
  });
});

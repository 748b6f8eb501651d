// Rank stability across judges: the same recorded answers scored by judge A and by judge B give each
// model a mean score; Kendall's τ-b between the two rankings of the models says whether the
// leaderboard survives a change of judge. The interval is a percentile bootstrap over the items (the
// items are resampled, every model keeps its answers to the drawn items), because the items are what
// a different benchmark would change.

import { bootstrapInterval } from "./agreement.js";
import { kendallTauB, type Interval } from "./stats.js";

/** One score of one model on one item, under one judge. */
export interface JudgedScore {
  judge: string;
  scorer: string;
  model: string;
  item: string;
  score: number;
}

export interface RankStabilityRow {
  scorer: string;
  judgeA: string;
  judgeB: string;
  models: number;
  items: number;
  tau: number | null;
  interval: Interval | null;
}

export interface ModelMeanRow {
  scorer: string;
  judge: string;
  model: string;
  mean: number;
  n: number;
}

/** Per scorer, judge and model: the mean score over the items (each item's scores averaged first). */
export function modelMeans(scores: readonly JudgedScore[]): ModelMeanRow[] {
  const sums = new Map<string, { scorer: string; judge: string; model: string; total: number; n: number }>();
  for (const s of scores) {
    const key = JSON.stringify([s.scorer, s.judge, s.model]);
    const cell = sums.get(key) ?? { scorer: s.scorer, judge: s.judge, model: s.model, total: 0, n: 0 };
    cell.total += s.score;
    cell.n++;
    sums.set(key, cell);
  }
  return [...sums.values()].map((c) => ({ scorer: c.scorer, judge: c.judge, model: c.model, mean: c.total / c.n, n: c.n }));
}

/** Kendall's τ-b between the model means under each pair of judges, per scorer, with item-bootstrap intervals. */
export function rankStability(scores: readonly JudgedScore[], judges: readonly string[], seed: number): RankStabilityRow[] {
  const rows: RankStabilityRow[] = [];
  const scorers = [...new Set(scores.map((s) => s.scorer))].sort();
  for (const scorer of scorers) {
    const mine = scores.filter((s) => s.scorer === scorer);
    const models = [...new Set(mine.map((s) => s.model))].sort();
    const items = [...new Set(mine.map((s) => s.item))].sort();
    // item → judge → model → [scores]
    const byItem = new Map<string, Map<string, Map<string, number[]>>>();
    for (const s of mine) {
      const j = byItem.get(s.item) ?? new Map<string, Map<string, number[]>>();
      byItem.set(s.item, j);
      const m = j.get(s.judge) ?? new Map<string, number[]>();
      j.set(s.judge, m);
      m.set(s.model, [...(m.get(s.model) ?? []), s.score]);
    }
    const tauOver = (a: string, b: string) => (drawn: readonly string[]) => {
      const mean = (judge: string, model: string) => {
        let total = 0;
        let n = 0;
        for (const item of drawn) {
          for (const v of byItem.get(item)?.get(judge)?.get(model) ?? []) {
            total += v;
            n++;
          }
        }
        return n === 0 ? null : total / n;
      };
      const xs: number[] = [];
      const ys: number[] = [];
      for (const model of models) {
        const x = mean(a, model);
        const y = mean(b, model);
        if (x === null || y === null) continue;
        xs.push(x);
        ys.push(y);
      }
      return kendallTauB(xs, ys);
    };
    for (let i = 0; i < judges.length; i++) {
      for (let k = i + 1; k < judges.length; k++) {
        const a = judges[i] ?? "";
        const b = judges[k] ?? "";
        const statistic = tauOver(a, b);
        rows.push({
          scorer,
          judgeA: a,
          judgeB: b,
          models: models.length,
          items: items.length,
          tau: statistic(items),
          interval: bootstrapInterval(items, statistic, seed, `${scorer}\u0000${a}\u0000${b}`),
        });
      }
    }
  }
  return rows;
}

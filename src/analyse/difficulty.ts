// Difficulty levels (seed finding 4, static vs dynamic evaluation): per model × dimension the mean score
// at each item difficulty level, and the drop from the easiest to the hardest level with a seeded
// bootstrap CI. A static benchmark near the ceiling shows a small drop; a dynamic one with graded
// difficulty shows how quickly the model falls off. Items without a difficulty are left out.

import { countedUnits, type ScorerSelection } from "./aggregate.js";
import type { Dataset } from "./dataset.js";
import { ALL_LABEL } from "./profiles.js";
import { bootstrapMeanCI, bootstrapMeanDiffCI, deriveSeed, mean, pearson, type Interval } from "./stats.js";

export interface DifficultyLevelRow {
  model: string;
  system: string;
  /** A dimension id, or "(all)" for every dimension of the system pooled. */
  dimension: string;
  difficulty: number;
  n: number;
  mean: number | null;
  ci: Interval | null;
}

export interface DifficultyDropRow {
  model: string;
  system: string;
  dimension: string;
  /** Distinct difficulty levels with at least one score. */
  levels: number;
  easiest: number | null;
  hardest: number | null;
  easiestN: number;
  easiestMean: number | null;
  hardestN: number;
  hardestMean: number | null;
  /** easiestMean − hardestMean: positive when the model does worse on harder items. */
  drop: number | null;
  ci: Interval | null;
  /** Pearson between item difficulty and score over all scores of the cell (null for < 3 scores). */
  correlation: number | null;
  n: number;
}

export interface DifficultyOptions {
  seed: number;
  resamples?: number;
  scorer?: ScorerSelection;
  /** Restrict to these systems. */
  systems?: string[];
}

export function difficultyLevels(ds: Dataset, options: DifficultyOptions): { levels: DifficultyLevelRow[]; drops: DifficultyDropRow[] } {
  const selection = options.scorer ?? "primary";
  // model × system × dimension(or all) → difficulty → scores
  const cells = new Map<string, { model: string; system: string; dimension: string; byLevel: Map<number, number[]> }>();
  const push = (model: string, system: string, dimension: string, level: number, scores: number[]) => {
    const k = JSON.stringify([model, system, dimension]);
    let c = cells.get(k);
    if (!c) {
      c = { model, system, dimension, byLevel: new Map() };
      cells.set(k, c);
    }
    const list = c.byLevel.get(level) ?? [];
    list.push(...scores);
    c.byLevel.set(level, list);
  };
  ds.metas.forEach((meta, i) => {
    if (meta.difficulty === null || !Number.isFinite(meta.difficulty)) return;
    if (options.systems && !options.systems.includes(meta.system)) return;
    const scores = countedUnits(ds.unitsByStep[i] ?? [], selection)
      .map((u) => u.score)
      .filter((s): s is number => s !== null);
    push(meta.model, meta.system, meta.dimension, meta.difficulty, scores);
    push(meta.model, meta.system, ALL_LABEL, meta.difficulty, scores);
  });

  const o = ds.order;
  const ordered = [...cells.values()].sort(
    (a, b) =>
      o.model(a.model) - o.model(b.model) ||
      (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) ||
      o.system(a.system) - o.system(b.system) ||
      // The pooled "(all)" row comes after the system's dimensions.
      (a.dimension === ALL_LABEL ? 1 : 0) - (b.dimension === ALL_LABEL ? 1 : 0) ||
      o.dimension(a.system, a.dimension) - o.dimension(b.system, b.dimension) ||
      (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : 0),
  );
  const resamples = options.resamples ?? 2000;
  const levels: DifficultyLevelRow[] = [];
  const drops: DifficultyDropRow[] = [];
  for (const c of ordered) {
    const keys = [...c.byLevel.keys()].sort((a, b) => a - b);
    for (const level of keys) {
      const scores = c.byLevel.get(level) ?? [];
      levels.push({
        model: c.model,
        system: c.system,
        dimension: c.dimension,
        difficulty: level,
        n: scores.length,
        mean: mean(scores),
        ci: bootstrapMeanCI(scores, {
          seed: deriveSeed(options.seed, `difficulty|${c.model}|${c.system}|${c.dimension}|${level}`),
          resamples,
        }),
      });
    }
    const scored = keys.filter((k) => (c.byLevel.get(k) ?? []).length > 0);
    const easiest = scored[0] ?? null;
    const hardest = scored.length > 0 ? (scored[scored.length - 1] as number) : null;
    const e = easiest === null ? [] : (c.byLevel.get(easiest) ?? []);
    const h = hardest === null ? [] : (c.byLevel.get(hardest) ?? []);
    const em = mean(e);
    const hm = mean(h);
    const xs: number[] = [];
    const ys: number[] = [];
    for (const k of keys)
      for (const s of c.byLevel.get(k) ?? []) {
        xs.push(k);
        ys.push(s);
      }
    const distinct = scored.length >= 2;
    drops.push({
      model: c.model,
      system: c.system,
      dimension: c.dimension,
      levels: scored.length,
      easiest,
      hardest,
      easiestN: e.length,
      easiestMean: em,
      hardestN: h.length,
      hardestMean: hm,
      drop: distinct && em !== null && hm !== null ? em - hm : null,
      ci: distinct
        ? bootstrapMeanDiffCI(e, h, {
            seed: deriveSeed(options.seed, `difficulty-drop|${c.model}|${c.system}|${c.dimension}`),
            resamples,
          })
        : null,
      correlation: xs.length >= 3 ? pearson(xs, ys) : null,
      n: xs.length,
    });
  }
  return { levels, drops };
}

// `vc analyse SCORES`: the analyses of src/analyse run on a long score table from anywhere (a CSV, or
// the leaderboard's JSON through leaderboard.ts): the value hierarchy of each model against each
// baseline of the spec (Spearman and Kendall with intervals), model similarity within each system,
// and the correlation of every pair of dimensions of different systems across models (p and BH q).
// Contexts in the table (culture, usecase columns) give one profile per context.

import type { PlanBaseline } from "../../core/plan.js";
import { crossSystem, type CrossSystemRow } from "../../analyse/cross-system.js";
import { valueHierarchy, type HierarchyRow } from "../../analyse/hierarchy.js";
import { sliceCulture, sliceUsecase, type Profile } from "../../analyse/profiles.js";
import { modelSimilarity, type SimilarityRow } from "../../analyse/similarity.js";
import { mean } from "../../analyse/stats.js";
import type { Cell, Table } from "../../report/csv.js";
import { ordersOf, profilesOf, type ScoreTable } from "./long-table.js";

export interface AnalyseOptions {
  /** The spec's baselines (with --spec); none: hierarchies have ranks but no correlation. */
  baselines: readonly PlanBaseline[];
  /** The spec's dimension order per system, where it declares the system. */
  dimensions: ReadonlyMap<string, readonly string[]>;
  scorer?: string;
}

export interface TableAnalysis {
  profiles: Profile[];
  hierarchy: HierarchyRow[];
  similarity: SimilarityRow[];
  crossSystem: CrossSystemRow[];
  /** Per system and baseline: models compared and their mean Spearman rho. */
  summary: Array<{ system: string; baseline: string; models: number; meanSpearman: number | null; order: string[] }>;
}

export function analyseTable(table: ScoreTable, options: AnalyseOptions): TableAnalysis {
  const profiles = profilesOf(table, options.scorer !== undefined ? { scorer: options.scorer } : {});
  const orders = ordersOf(table);
  const dimsOf = (system: string) => [...(options.dimensions.get(system) ?? orders.dimensions.get(system) ?? [])];
  const hierarchy: HierarchyRow[] = [];
  const summary: TableAnalysis["summary"] = [];
  for (const system of orders.systems) {
    const mine = profiles.filter((p) => p.system === system);
    const baselines = options.baselines.filter((b) => b.system === system);
    for (const baseline of baselines.length > 0 ? baselines : [null]) {
      const rows = valueHierarchy(mine, dimsOf(system), baseline);
      hierarchy.push(...rows);
      if (baseline) {
        const rhos = rows.map((r) => r.spearman).filter((r): r is number => r !== null);
        // The pooled order: dimensions by their average rank over the models (1 = highest).
        const dims = dimsOf(system);
        const avg = dims.map((d) => ({ d, r: mean(rows.map((r) => r.ranks.find((k) => k.dimension === d)?.meanRank).filter((x): x is number => x != null)) }));
        const order = avg
          .filter((x) => x.r !== null)
          .sort((a, b) => (a.r as number) - (b.r as number))
          .map((x) => x.d);
        summary.push({ system, baseline: baseline.id, models: rows.length, meanSpearman: rhos.length > 0 ? mean(rhos) : null, order });
      }
    }
  }
  const pooled = profiles.filter((p) => p.slice.kind === "all");
  const similarity = orders.systems.flatMap((system) =>
    modelSimilarity(
      pooled.filter((p) => p.system === system),
      system,
      dimsOf(system),
    ),
  );
  const refs = orders.systems.flatMap((system) => dimsOf(system).map((dimension) => ({ system, dimension })));
  const cross = orders.systems.length > 1 ? crossSystem(pooled, refs, { includeSameSystem: false }) : [];
  return { profiles, hierarchy, similarity, crossSystem: cross, summary };
}

function table(name: string, columns: string[], formats: Table["formats"], rows: Cell[][]): Table {
  return { name, columns, formats, rows };
}

/** The analyses as CSV tables (docs/analyse.md lists the columns). */
export function analysisTables(a: TableAnalysis): Table[] {
  return [
    table(
      "value_hierarchy",
      [
        "model",
        "system",
        "culture",
        "usecase",
        "baseline",
        "n",
        "spearman",
        "spearman_ci_low",
        "spearman_ci_high",
        "kendall",
        "kendall_ci_low",
        "kendall_ci_high",
        "order",
        "note",
      ],
      ["text", "text", "text", "text", "text", "int", "corr", "corr", "corr", "corr", "corr", "corr", "text", "text"],
      a.hierarchy.map((r) => [
        r.model,
        r.system,
        sliceCulture(r.slice),
        sliceUsecase(r.slice),
        r.baseline,
        r.n,
        r.spearman,
        r.spearmanCi?.low ?? null,
        r.spearmanCi?.high ?? null,
        r.kendall,
        r.kendallCi?.low ?? null,
        r.kendallCi?.high ?? null,
        r.order.map((g) => g.join(" = ")).join(" > "),
        r.note,
      ]),
    ),
    table(
      "model_similarity",
      ["system", "model_a", "model_b", "n", "pearson", "pearson_ci_low", "pearson_ci_high", "spearman", "pearson_centred", "note"],
      ["text", "text", "text", "int", "corr", "corr", "corr", "corr", "corr", "text"],
      a.similarity.map((r) => [
        r.system,
        r.modelA,
        r.modelB,
        r.n,
        r.pearson,
        r.pearsonCi?.low ?? null,
        r.pearsonCi?.high ?? null,
        r.spearman,
        r.pearsonCentred,
        r.note,
      ]),
    ),
    table(
      "cross_system",
      [
        "system_a",
        "dimension_a",
        "system_b",
        "dimension_b",
        "n",
        "pearson",
        "pearson_ci_low",
        "pearson_ci_high",
        "pearson_p",
        "pearson_q",
        "spearman",
        "spearman_p",
        "spearman_q",
        "note",
      ],
      ["text", "text", "text", "text", "int", "corr", "corr", "corr", "p", "p", "corr", "p", "p", "text"],
      a.crossSystem.map((r) => [
        r.a.system,
        r.a.dimension,
        r.b.system,
        r.b.dimension,
        r.n,
        r.pearson,
        r.pearsonCi?.low ?? null,
        r.pearsonCi?.high ?? null,
        r.pearsonP,
        r.pearsonQ,
        r.spearman,
        r.spearmanP,
        r.spearmanQ,
        r.note,
      ]),
    ),
  ];
}

/** The long table itself, as `analyse --write-scores` writes it (the converter's output). */
export function scoreTableCsv(t: ScoreTable): Table {
  // An item-level table keeps its item column (last), so the written table loses nothing of what was read.
  const items = t.rows.some((r) => r.item !== undefined);
  return table(
    "scores_long",
    ["model", "system", "dimension", "score", "culture", "usecase", "scorer", "n", ...(items ? ["item"] : [])],
    ["text", "text", "text", "num", "text", "text", "text", "int", ...(items ? (["text"] as const) : [])],
    t.rows.map((r) => [r.model, r.system, r.dimension, r.score, r.culture, r.usecase, r.scorer, r.n, ...(items ? [r.item ?? null] : [])]),
  );
}

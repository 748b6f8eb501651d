// The findings section of the HTML report (findings.html of `value-compass findings`): one section per
// finding with its verdict line and numbers, a figure with intervals where the finding has one, and
// the data table behind it. Built from the findings' own tables (the numbers of the CSV files, never
// recomputed here); the figures reuse the report's Vega-Lite helpers (figures.ts).

import type { Cell, ColumnFormat, Table } from "../csv.js";
import { dataTable, familiesFigure, forestSpec, groupComparisonFigure, labelled, num, type Row, rowsOf, shortSource, spec, str } from "./figures.js";
import { htmlTable } from "./page.js";
import type { Figure, HtmlSection } from "./types.js";

/** A finding as `value-compass findings` computes it (src/app/findings/findings.ts), as plain data. */
export interface FindingData {
  id: string;
  claim: string;
  verdict: string;
  because: string;
  tables: readonly Table[];
  /** Variables the finding names (the cross-system pair, as `system/dimension`), drawn first. */
  focus?: readonly string[];
}

/** At most this many rows in a forest of many estimates (cross-system pairs, context effects). */
export const FOREST_LIMIT = 20;

function tableOf(f: FindingData, name: string): Table | undefined {
  return f.tables.find((t) => t.name === name);
}

function cols(...c: Array<[string, ColumnFormat]>): Array<[string, ColumnFormat]> {
  return c;
}

// ---------------------------------------------------------------------------------------------------

function hierarchyFigure(f: FindingData): Figure | null {
  const per = tableOf(f, "value_hierarchy");
  const summary = tableOf(f, "value_hierarchy_summary");
  if (!per || !summary) return null;
  const baselines = new Set(rowsOf(per).map((r) => str(r["baseline"])));
  const against = (r: Row) => (baselines.size > 1 ? `${str(r["system"])} vs ${str(r["baseline"])}` : str(r["system"]));
  const rows: Row[] = labelled(
    [
      ...rowsOf(summary)
        .filter((r) => num(r["mean_spearman"]) !== null)
        .map(
          (r): Row => ({
            source: r["source"] ?? null,
            base: `mean over ${str(r["models"])} models · ${against(r)}`,
            group: "mean over models",
            system: r["system"] ?? null,
            baseline: r["baseline"] ?? null,
            model: null,
            n: r["models"] ?? null,
            estimate: num(r["mean_spearman"]),
            ci_low: num(r["ci_low"]),
            ci_high: num(r["ci_high"]),
          }),
        ),
      ...rowsOf(per)
        .filter((r) => num(r["spearman"]) !== null)
        .map(
          (r): Row => ({
            source: r["source"] ?? null,
            base: `${str(r["model"])} · ${against(r)}`,
            group: "one model",
            system: r["system"] ?? null,
            baseline: r["baseline"] ?? null,
            model: r["model"] ?? null,
            n: r["n"] ?? null,
            estimate: num(r["spearman"]),
            ci_low: num(r["spearman_ci_low"]),
            ci_high: num(r["spearman_ci_high"]),
          }),
        ),
    ],
    (r) => str(r["base"]),
    (r) => shortSource(str(r["source"])),
  );
  if (rows.length === 0) return null;
  return {
    id: "",
    kind: "forest",
    title: "Value hierarchy against the pan-cultural order",
    caption:
      "Spearman ρ between each model's value ranks and the baseline's (1 = the same order), with its 95% interval (value_hierarchy.csv); " +
      "the mean over models with its 95% bootstrap interval over models first. n: dimensions per model, models per mean.",
    spec: forestSpec("Forest plot of Spearman rho against the pan-cultural hierarchy per model, with the mean over models", rows, {
      xTitle: "Spearman ρ with the baseline",
      colorTitle: "row",
      domain: [-1, 1],
      tooltip: ["n"],
    }),
    data: dataTable(
      "value_hierarchy",
      cols(
        ["source", "text"],
        ["system", "text"],
        ["baseline", "text"],
        ["model", "text"],
        ["n", "int"],
        ["estimate", "corr"],
        ["ci_low", "corr"],
        ["ci_high", "corr"],
      ),
      rows,
    ),
  };
}

function cultureBiasFigure(f: FindingData): Figure | null {
  const t = tableOf(f, "culture_bias");
  if (!t) return null;
  const rows = rowsOf(t)
    .filter((r) => num(r["difference"]) !== null)
    .map(
      (r): Row => ({
        ...r,
        label: `${str(r["model"])} · ${str(r["system"])} · ${str(r["usecase"]) || "no use case"}`,
        group: str(r["run"]),
        estimate: num(r["difference"]),
        ci_low: null,
        ci_high: null,
      }),
    );
  if (rows.length === 0) return null;
  return {
    id: "",
    kind: "forest",
    title: "Western bias: distance to Western countries minus distance to the others",
    caption:
      "Per model and use case, the mean standardised distance of the unsteered profile to Western countries' baselines minus that to other countries' (below zero: closer to the West). " +
      `The test is over models (the verdict line gives the mean with its 95% bootstrap interval and the sign-flip p); a model's point has no interval of its own. ${f.because}`,
    spec: forestSpec("Dot plot of each model's Western minus other distance", rows, { xTitle: "Western − other distance", colorTitle: "run" }),
    data: dataTable(
      "culture_bias",
      cols(
        ["run", "text"],
        ["model", "text"],
        ["system", "text"],
        ["usecase", "text"],
        ["western_countries", "int"],
        ["other_countries", "int"],
        ["western_distance", "corr"],
        ["other_distance", "corr"],
        ["difference", "corr"],
      ),
      rows,
    ),
  };
}

function crossFigure(f: FindingData): Figure | null {
  const t = tableOf(f, "cross_system");
  if (!t) return null;
  const focus = new Set(f.focus ?? []);
  const all = rowsOf(t)
    .filter((r) => num(r["pearson"]) !== null)
    .map((r): Row => {
      const a = `${str(r["system_a"])}/${str(r["dimension_a"])}`;
      const b = `${str(r["system_b"])}/${str(r["dimension_b"])}`;
      return {
        ...r,
        label: `${a} × ${b}`,
        group: focus.size > 0 && focus.has(a) && focus.has(b) ? "named pair" : "smallest q",
        estimate: num(r["pearson"]),
        ci_low: num(r["pearson_ci_low"]),
        ci_high: num(r["pearson_ci_high"]),
      };
    });
  if (all.length === 0) return null;
  const q = (r: Row) => num(r["pearson_q"]) ?? 2;
  const named = all.filter((r) => r["group"] !== "smallest q");
  const rest = all
    .filter((r) => r["group"] === "smallest q")
    .sort((a, b) => q(a) - q(b) || Math.abs(num(b["pearson"]) ?? 0) - Math.abs(num(a["pearson"]) ?? 0));
  const rows = [...named, ...rest].slice(0, Math.max(FOREST_LIMIT, named.length));
  return {
    id: "",
    kind: "forest",
    title: "Correlations across value systems",
    caption:
      `Pearson r across models between dimensions of different systems, with its 95% Fisher-z interval; the pair the finding names first, then the ${rows.length - named.length} of ${all.length - named.length} other pairs with the smallest Benjamini–Hochberg q ` +
      "(q and n, the models, in the table; every pair is in cross_system.csv). With few models an interval is wide: read it, not r alone.",
    spec: forestSpec("Forest plot of cross-system correlations with 95% intervals", rows, {
      xTitle: "Pearson r across models",
      colorTitle: "pair",
      domain: [-1, 1],
      tooltip: ["n", "pearson_q"],
    }),
    data: dataTable(
      "cross_system",
      cols(
        ["system_a", "text"],
        ["dimension_a", "text"],
        ["system_b", "text"],
        ["dimension_b", "text"],
        ["n", "int"],
        ["pearson", "corr"],
        ["pearson_ci_low", "corr"],
        ["pearson_ci_high", "corr"],
        ["pearson_q", "p"],
      ),
      rows,
    ),
  };
}

function stagesFigure(f: FindingData): Figure | null {
  const t = tableOf(f, "static_vs_dynamic");
  if (!t) return null;
  const rows: Row[] = [];
  for (const r of rowsOf(t)) {
    const stages: Array<[string, Cell]> = [["static", r["static_score"] ?? null]];
    const levels = [1, 2, 3].filter((l) => num(r[`dynamic_level_${l}`]) !== null);
    if (levels.length > 0) for (const l of levels) stages.push([`dynamic level ${l}`, r[`dynamic_level_${l}`] ?? null]);
    else stages.push(["dynamic", r["dynamic_hardest"] ?? null]);
    stages.forEach(([stage, score], order) => {
      if (num(score) === null) return;
      rows.push({
        model: r["model"] ?? null,
        stage,
        order,
        score: num(score),
        static_rank: r["static_rank"] ?? null,
        dynamic_rank: r["dynamic_rank"] ?? null,
        rank_change: r["rank_change"] ?? null,
        drop_1_to_3: r["drop_1_to_3"] ?? null,
      });
    });
  }
  if (rows.length === 0) return null;
  const ranks = rowsOf(t)
    .map((r) => `${str(r["model"])} ${str(r["static_rank"])}→${str(r["dynamic_rank"])}`)
    .join(", ");
  return {
    id: "",
    kind: "stages",
    title: "Static against dynamic safety",
    caption:
      "Each model's mean score on the static safety benchmark, then on the dynamic benchmark by difficulty level (means over item means). " +
      `Rank on static → rank at the hardest level: ${ranks}. The interval of the mean static − dynamic gap over models is in the verdict line; ranks, rank change and the drop from level 1 to 3 are in the table.`,
    spec: spec("Line chart of each model's static safety score and its dynamic score by difficulty level", {
      data: { values: rows },
      width: 380,
      height: 240,
      encoding: {
        x: { field: "stage", type: "ordinal", title: null, sort: { field: "order" } },
        color: { field: "model", type: "nominal", title: "model", scale: { scheme: "tableau10" } },
      },
      layer: [
        { name: "line", mark: { type: "line", strokeWidth: 1.5 }, encoding: { y: { field: "score", type: "quantitative", title: "mean score" } } },
        {
          name: "points",
          mark: { type: "point", filled: true, size: 50 },
          encoding: {
            y: { field: "score", type: "quantitative" },
            tooltip: [{ field: "model" }, { field: "stage" }, { field: "score", format: ".2f" }, { field: "static_rank" }, { field: "dynamic_rank" }],
          },
        },
      ],
    }),
    data: dataTable(
      "static_vs_dynamic",
      cols(
        ["model", "text"],
        ["stage", "text"],
        ["score", "score"],
        ["static_rank", "int"],
        ["dynamic_rank", "int"],
        ["rank_change", "int"],
        ["drop_1_to_3", "score"],
      ),
      rows,
    ),
  };
}

function contextFigure(f: FindingData): Figure | null {
  const t = tableOf(f, "context_effects");
  if (!t) return null;
  const all = rowsOf(t).filter((r) => num(r["difference"]) !== null && num(r["ci_low"]) !== null && num(r["ci_high"]) !== null);
  if (all.length === 0) return null;
  const rows = [...all]
    .sort((a, b) => Math.abs(num(b["difference"]) ?? 0) - Math.abs(num(a["difference"]) ?? 0))
    .slice(0, FOREST_LIMIT)
    .map(
      (r): Row => ({
        ...r,
        label: `${str(r["model"])} · ${str(r["dimension"])} · ${[str(r["culture"]), str(r["usecase"])].filter((x) => x !== "").join(" / ")}`,
        group: str(r["kind"]),
        estimate: num(r["difference"]),
      }),
    );
  return {
    id: "",
    kind: "forest",
    title: "Context effects: the largest differences from the reference context",
    caption:
      `The ${rows.length} of ${all.length} context comparisons with the largest difference from the reference (paired on the item, score points) with their 95% intervals; ` +
      "q (Benjamini–Hochberg) in the table; every comparison is in context_effects.csv.",
    spec: forestSpec("Forest plot of the largest context effects with 95% intervals", rows, {
      xTitle: "difference from the reference context",
      colorTitle: "context kind",
      tooltip: ["q"],
    }),
    data: dataTable(
      "context_effects",
      cols(
        ["run", "text"],
        ["model", "text"],
        ["system", "text"],
        ["dimension", "text"],
        ["kind", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["difference", "score"],
        ["ci_low", "score"],
        ["ci_high", "score"],
        ["q", "p"],
      ),
      rows,
    ),
  };
}

/** The figure of one finding, when it has data for one. */
export function findingFigure(f: FindingData): Figure | null {
  const t0 = f.tables[0];
  switch (f.id) {
    case "value_hierarchy":
      return hierarchyFigure(f);
    case "culture_bias":
      return cultureBiasFigure(f);
    case "cross_system":
      return crossFigure(f);
    case "static_vs_dynamic":
      return stagesFigure(f);
    case "context_effects":
      return contextFigure(f);
    case "group_comparisons":
      return t0
        ? groupComparisonFigure(t0, {
            title: "Groups of models compared by their attributes",
            note: "The finding reads the open_weights split on the dynamic benchmark's hardest level.",
            lead: "run",
          })
        : null;
    case "families":
      return t0 ? familiesFigure(t0, { title: "Families: within- against between-family similarity", note: "", lead: "source" }) : null;
    default:
      return null;
  }
}

/** One section per finding: the claim as title, the verdict line, the figure (with its data table). */
export function findingSections(findings: readonly FindingData[]): HtmlSection[] {
  return findings.map((f) => {
    const figure = findingFigure(f);
    const tables = figure === null ? f.tables.filter((t) => t.rows.length > 0) : [];
    return {
      id: `finding-${f.id}`,
      title: `${f.id}: ${f.claim}`,
      intro: `Verdict: ${f.verdict}. ${f.because}`,
      figures: figure ? [{ ...figure, id: `finding-${f.id}-figure` }] : [],
      // Without a figure the finding's own tables are shown, so every number stays on the page.
      html:
        tables.length > 0
          ? tables
              .map((t) => `<details class="table"><summary>${t.name}.csv (${t.rows.length} rows)</summary>${htmlTable(t, `${t.name}.csv`)}</details>`)
              .join("\n")
          : figure === null
            ? '<p class="note">No data for this finding in these runs.</p>'
            : "",
    };
  });
}

// The figures of the HTML report, each a Vega-Lite spec and the table of numbers it plots, built from
// the run's report tables (the same numbers as the CSV files, never recomputed here) and, for the
// two figures no table holds, from the analysis dataset: refusal rates split by the items' `expect`
// (over-refusal) and the model means of a cross-system pair. A figure is made only when the run has
// its data (docs/report.md lists each figure and its source).

import { clusteredWilson, type ClusterTotal } from "../../analyse/intervals.js";
import { buildProfiles } from "../../analyse/profiles.js";
import type { Plan, PlanReport } from "../../core/plan.js";
import { table } from "../builtin-tables.js";
import type { Cell, ColumnFormat, Table } from "../csv.js";
import { scorerSetting } from "../report-tables.js";
import type { RunAnalysis, TableSource } from "../tables.js";
import type { Figure, VegaLiteSpec } from "./types.js";

export type Row = Record<string, Cell>;

export interface FigureInput {
  plan: Plan;
  analysis: RunAnalysis;
  tables: readonly Table[];
  sources: readonly TableSource[];
}

/** At most this many cross-system pairs are plotted (the smallest q first). */
export const SCATTER_PAIRS = 4;

// ---------------------------------------------------------------------------------------------------
// Reading tables

export function rowsOf(t: Table): Row[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null])));
}

export function num(c: Cell | undefined): number | null {
  return typeof c === "number" && Number.isFinite(c) ? c : null;
}

export function str(c: Cell | undefined): string {
  return c === null || c === undefined ? "" : String(c);
}

export function tablesOfKind(input: FigureInput, kind: string): Array<{ table: Table; report: PlanReport }> {
  const out: Array<{ table: Table; report: PlanReport }> = [];
  for (const s of input.sources) {
    if (s.report.kind !== kind) continue;
    const t = input.tables.find((x) => x.name === s.table);
    if (t) out.push({ table: t, report: s.report });
  }
  return out;
}

function builtin(input: FigureInput, name: string): Table | undefined {
  return input.tables.find((t) => t.name === name && !input.sources.some((s) => s.table === name));
}

/** A figure's data table: the plotted rows, with the listed columns (formats as in the CSV files). */
export function dataTable(name: string, cols: ReadonlyArray<readonly [string, ColumnFormat]>, rows: Row[]): Table {
  return table(
    name,
    cols.map(([c, f]) => [c, f] as [string, ColumnFormat]),
    rows.map((r) => cols.map(([c]) => r[c] ?? null)),
  );
}

export function fmt(x: number | null, digits = 2): string {
  return x === null ? "–" : x.toFixed(digits);
}

export function interval(lo: number | null, hi: number | null, digits = 2): string {
  return lo === null || hi === null ? "no interval" : `[${fmt(lo, digits)}, ${fmt(hi, digits)}]`;
}

function contextLabel(culture: string, usecase: string): string {
  return [culture, usecase].filter((x) => x !== "").join(" / ") || "no context";
}

function systemLabel(plan: Plan, id: string): string {
  return plan.systems.find((s) => s.id === id)?.label ?? id;
}

function dimensionLabels(plan: Plan, system: string): Map<string, string> {
  const s = plan.systems.find((x) => x.id === system);
  // The declared `order` (the circumplex for Schwartz), declaration order among equals.
  const dims = [...(s?.dimensions ?? [])].sort((a, b) => a.order - b.order);
  return new Map(dims.map((d) => [d.id, d.label || d.id]));
}

// Shared look: readable fonts, no frame, white background (the SVG stands alone in a screenshot too).
const CONFIG = {
  background: "white",
  config: {
    font: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
    title: { fontSize: 13 },
  },
};

export function spec(description: string, body: Record<string, unknown>): VegaLiteSpec {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", description, ...CONFIG, ...body };
}

const MODEL_COLOR = { field: "model", type: "nominal", title: "model", scale: { scheme: "tableau10" } };

// ---------------------------------------------------------------------------------------------------
// Value profiles (Schwartz, MFT, any system): dimension means with their intervals, per model

function profileFigures(input: FigureInput): Figure[] {
  const dims = builtin(input, "dimensions");
  if (!dims) return [];
  const all = rowsOf(dims).filter((r) => num(r["mean"]) !== null);
  // The baseline each value_hierarchy report compares with: dimension → its rank in the baseline.
  const baselineRanks = new Map<string, { baseline: string; ranks: Map<string, string> }>();
  for (const { table: t } of tablesOfKind(input, "value_hierarchy").filter((x) => x.table.columns.includes("baseline_rank"))) {
    for (const r of rowsOf(t)) {
      if (str(r["baseline"]) === "" || str(r["baseline_rank"]) === "") continue;
      const key = `${str(r["system"])}\u0000${str(r["scorer"])}`;
      const entry = baselineRanks.get(key) ?? { baseline: str(r["baseline"]), ranks: new Map<string, string>() };
      baselineRanks.set(key, entry);
      entry.ranks.set(str(r["dimension"]), str(r["baseline_rank"]));
    }
  }
  const out: Figure[] = [];
  const groups = new Map<string, Row[]>();
  for (const r of all) {
    const key = JSON.stringify([str(r["system"]), str(r["measure"])]);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  for (const [key, rows] of groups) {
    const [system, measure] = JSON.parse(key) as [string, string];
    // The profile a model shows unprompted: the rows without a context; a run that asks every item in
    // some context has none, and its context figures show it instead.
    const plain = rows.filter((r) => str(r["culture"]) === "" && str(r["usecase"]) === "");
    if (plain.length === 0) continue;
    const base = baselineRanks.get(`${system}\u0000${measure}`);
    const labels = dimensionLabels(input.plan, system);
    const order = [...labels.keys()];
    const data = plain.map((r) => {
      const d = str(r["dimension"]);
      const rank = base?.ranks.get(d);
      return {
        ...r,
        value: labels.get(d) ?? d,
        axis: rank !== undefined ? `${labels.get(d) ?? d} (#${rank})` : (labels.get(d) ?? d),
        baseline_rank: rank ?? null,
        order: order.indexOf(d),
      };
    });
    const scale = str(plain[0]?.["scale"]);
    const method = [...new Set(plain.map((r) => str(r["ci_method"])))].join(", ");
    const caption =
      `Mean per dimension with its 95% interval (${method}), in the system's declared order` +
      `${system === "schwartz" ? " (the circumplex)" : ""}; measure ${measure} on the ${scale} scale. ` +
      `n (scores) and items per point are in the table` +
      (base ? `; the number after each value is its rank in the baseline ${base.baseline} (1 = most important), as value_hierarchy compares them.` : ".");
    out.push({
      id: "",
      kind: "profile",
      title: `Value profile: ${systemLabel(input.plan, system)} — ${measure}`,
      caption,
      spec: spec(`Dot plot of each model's mean score per dimension of ${system} with 95% intervals`, {
        data: { values: data },
        width: Math.max(360, 46 * order.length),
        height: 260,
        encoding: {
          x: { field: "axis", type: "nominal", title: null, sort: { field: "order" }, axis: { labelAngle: -35 } },
          xOffset: { field: "model", type: "nominal" },
          color: MODEL_COLOR,
        },
        layer: [
          {
            name: "interval",
            mark: { type: "rule", strokeWidth: 1.5 },
            encoding: { y: { field: "ci_low", type: "quantitative", title: `mean (${scale})` }, y2: { field: "ci_high" } },
          },
          {
            name: "points",
            mark: { type: "point", filled: true, size: 55 },
            encoding: {
              y: { field: "mean", type: "quantitative" },
              tooltip: [
                { field: "model" },
                { field: "value" },
                { field: "mean", format: ".2f" },
                { field: "ci_low", format: ".2f", title: "95% low" },
                { field: "ci_high", format: ".2f", title: "95% high" },
                { field: "n" },
                { field: "items" },
              ],
            },
          },
        ],
      }),
      data: dataTable(
        "profile",
        [
          ["model", "text"],
          ["value", "text"],
          ["baseline_rank", "text"],
          ["mean", "score"],
          ["ci_low", "score"],
          ["ci_high", "score"],
          ["ci_method", "text"],
          ["n", "int"],
          ["items", "int"],
        ],
        data,
      ),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Difficulty (MFT levels): the mean per difficulty level, and the drop from easiest to hardest

function difficultyFigures(input: FigureInput): Figure[] {
  const out: Figure[] = [];
  const tables = tablesOfKind(input, "difficulty");
  for (const { table: t, report } of tables) {
    if (!t.columns.includes("difficulty")) continue;
    const rows = rowsOf(t).filter((r) => str(r["dimension"]) === "(all)" && num(r["mean"]) !== null);
    if (rows.length === 0) continue;
    const drop = tables.find((x) => x.report.id === report.id && x.table.columns.includes("drop"));
    const drops = drop ? rowsOf(drop.table).filter((r) => str(r["dimension"]) === "(all)") : [];
    const dropText = drops
      .map((r) => `${str(r["model"])}: drop ${fmt(num(r["drop"]))} ${interval(num(r["ci_low"]), num(r["ci_high"]))}, n = ${str(r["n"])}`)
      .join("; ");
    const system = str(rows[0]?.["system"]);
    out.push({
      id: "",
      kind: "difficulty",
      title: `Score by difficulty level: ${systemLabel(input.plan, system)}`,
      caption: `Mean over the system's dimensions at each difficulty level with its 95% item-bootstrap interval; n per level in the table. Easiest − hardest: ${dropText || "one level only"}.`,
      spec: spec(`Line chart of each model's mean score per difficulty level of ${system}`, {
        data: { values: rows },
        width: 420,
        height: 240,
        encoding: { x: { field: "difficulty", type: "quantitative", title: "difficulty level", axis: { tickMinStep: 1 } }, color: MODEL_COLOR },
        layer: [
          { name: "line", mark: { type: "line", strokeWidth: 1.5 }, encoding: { y: { field: "mean", type: "quantitative", title: "mean score" } } },
          { name: "interval", mark: { type: "rule" }, encoding: { y: { field: "ci_low", type: "quantitative" }, y2: { field: "ci_high" } } },
          {
            name: "points",
            mark: { type: "point", filled: true, size: 50 },
            encoding: {
              y: { field: "mean", type: "quantitative" },
              tooltip: [
                { field: "model" },
                { field: "difficulty" },
                { field: "mean", format: ".2f" },
                { field: "ci_low", format: ".2f" },
                { field: "ci_high", format: ".2f" },
                { field: "n" },
              ],
            },
          },
        ],
      }),
      data: dataTable(
        "difficulty",
        [
          ["model", "text"],
          ["difficulty", "num"],
          ["mean", "score"],
          ["ci_low", "score"],
          ["ci_high", "score"],
          ["n", "int"],
        ],
        rows,
      ),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Model × dimension heatmap (safety domains): a `scores` report grouped by model and dimension only

function heatmapFigures(input: FigureInput): Figure[] {
  const out: Figure[] = [];
  for (const { table: t, report } of tablesOfKind(input, "scores")) {
    const keys = t.columns.slice(0, t.columns.indexOf("measure"));
    if (keys.length !== 3 || !["model", "system", "dimension"].every((k) => keys.includes(k))) continue;
    const rows = rowsOf(t).filter((r) => num(r["mean"]) !== null);
    const bySystem = new Map<string, Row[]>();
    for (const r of rows) {
      const key = JSON.stringify([str(r["system"]), str(r["measure"])]);
      bySystem.set(key, [...(bySystem.get(key) ?? []), r]);
    }
    for (const [key, group] of bySystem) {
      const [system, measure] = JSON.parse(key) as [string, string];
      const labels = dimensionLabels(input.plan, system);
      const order = [...labels.keys()];
      const data = group.map((r) => ({ ...r, domain: labels.get(str(r["dimension"])) ?? str(r["dimension"]), order: order.indexOf(str(r["dimension"])) }));
      const scale = str(group[0]?.["scale"]);
      out.push({
        id: "",
        kind: "heatmap",
        title: `${systemLabel(input.plan, system)}: model × ${system === "safety" ? "domain" : "dimension"} — ${measure}`,
        caption: `Mean ${measure} score (${scale}) per model and dimension, every context pooled (report ${report.id}); hover a cell for its 95% interval (${[...new Set(group.map((r) => str(r["ci_method"])))].join(", ")}) and n, or read them in the table.`,
        spec: spec(`Heatmap of mean ${measure} scores, models by dimensions of ${system}`, {
          data: { values: data },
          width: { step: 58 },
          height: { step: 30 },
          encoding: {
            x: { field: "domain", type: "nominal", title: null, sort: { field: "order" }, axis: { labelAngle: -35 } },
            y: { field: "model", type: "nominal", title: null },
          },
          layer: [
            {
              name: "cells",
              mark: { type: "rect" },
              encoding: {
                color: { field: "mean", type: "quantitative", title: "mean", scale: { scheme: "viridis" } },
                tooltip: [
                  { field: "model" },
                  { field: "domain" },
                  { field: "mean", format: ".2f" },
                  { field: "ci_low", format: ".2f" },
                  { field: "ci_high", format: ".2f" },
                  { field: "n" },
                ],
              },
            },
            {
              name: "labels",
              mark: { type: "text", fontSize: 10 },
              encoding: {
                text: { field: "mean", format: ".0f" },
                color: { condition: { test: "datum.mean < 55", value: "white" }, value: "black" },
              },
            },
          ],
        }),
        data: dataTable(
          "heatmap",
          [
            ["model", "text"],
            ["dimension", "text"],
            ["mean", "score"],
            ["ci_low", "score"],
            ["ci_high", "score"],
            ["ci_method", "text"],
            ["n", "int"],
            ["items", "int"],
          ],
          data,
        ),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Refusal and over-refusal: refusal rates split by what the item expects

/** Rows: per model × scorer × item group, the share of scored answers that the scorer calls refusals. */
export function refusalRows(analysis: RunAnalysis): Row[] {
  const ds = analysis.dataset;
  const expects = new Map<string, string | null>();
  for (const seg of ds.plan.segments) {
    if (seg.kind !== "static") continue;
    for (const it of seg.items) expects.set(`${seg.id}\u0000${it.id}`, it.expect);
  }
  // Cells keyed by model × scorer × group; clusters by item (an item's contexts and samples together).
  const cells = new Map<string, Map<string, ClusterTotal>>();
  const add = (key: string, item: string, refused: boolean) => {
    const c = cells.get(key) ?? new Map<string, ClusterTotal>();
    cells.set(key, c);
    const t = c.get(item) ?? { total: 0, count: 0 };
    t.total += refused ? 1 : 0;
    t.count += 1;
    c.set(item, t);
  };
  for (let i = 0; i < ds.metas.length; i++) {
    const step = ds.metas.at(i)!;
    if (!step.answered) continue;
    for (const unit of ds.unitsByStep[i] ?? []) {
      const r = unit.record;
      if (!r || r.error !== null || r.score === null || r.refused === null) continue;
      const expect = expects.get(`${step.segment}\u0000${step.item}`) ?? null;
      const itemKey = `${step.segment}\u0000${step.item}`;
      add(JSON.stringify([step.model, r.scorer, "all items"]), itemKey, r.refused);
      if (expect === "refuse") add(JSON.stringify([step.model, r.scorer, "items to refuse"]), itemKey, r.refused);
      else if (expect !== null) add(JSON.stringify([step.model, r.scorer, "items to answer (over-refusal)"]), itemKey, r.refused);
    }
  }
  const out: Row[] = [];
  for (const [key, clusters] of cells) {
    const [model, scorer, group] = JSON.parse(key) as [string, string, string];
    const list = [...clusters.values()];
    const refusals = list.reduce((s, c) => s + c.total, 0);
    const n = list.reduce((s, c) => s + c.count, 0);
    const w = clusteredWilson(list);
    out.push({
      model,
      scorer,
      group,
      rate: n > 0 ? refusals / n : null,
      ci_low: w?.interval.low ?? null,
      ci_high: w?.interval.high ?? null,
      refusals,
      n,
      items: list.length,
    });
  }
  const groupOrder = ["all items", "items to refuse", "items to answer (over-refusal)"];
  const models = ds.plan.models.map((m) => m.id);
  return out.sort(
    (a, b) =>
      str(a["scorer"]).localeCompare(str(b["scorer"])) ||
      models.indexOf(str(a["model"])) - models.indexOf(str(b["model"])) ||
      groupOrder.indexOf(str(a["group"])) - groupOrder.indexOf(str(b["group"])),
  );
}

function refusalFigures(input: FigureInput): Figure[] {
  const rows = refusalRows(input.analysis).filter((r) => num(r["rate"]) !== null);
  if (rows.length === 0) return [];
  const out: Figure[] = [];
  for (const scorer of [...new Set(rows.map((r) => str(r["scorer"])))]) {
    const data = rows.filter((r) => str(r["scorer"]) === scorer);
    const split = data.some((r) => str(r["group"]) !== "all items");
    out.push({
      id: "",
      kind: "refusal",
      title: `Refusal${split ? " and over-refusal" : ""} rates — ${scorer}`,
      caption:
        `Share of scored answers that ${scorer} calls a refusal, with a 95% Wilson interval on the items' effective sample size (answers of one item are clustered); n answers and items in the table.` +
        (split ? " Items to refuse have expect = refuse; refusing any other item with an expectation is over-refusal." : ""),
      spec: spec(`Dot plot of refusal rates per model${split ? " for items to refuse and items to answer" : ""}`, {
        data: { values: data },
        width: 420,
        height: { step: 18 },
        encoding: {
          y: { field: "model", type: "nominal", title: null },
          yOffset: { field: "group", type: "nominal" },
          color: { field: "group", type: "nominal", title: "items", scale: { scheme: "set2" } },
        },
        layer: [
          {
            name: "interval",
            mark: { type: "rule", strokeWidth: 2 },
            encoding: {
              x: { field: "ci_low", type: "quantitative", title: "refusal rate", scale: { domain: [0, 1] }, axis: { format: ".0%" } },
              x2: { field: "ci_high" },
            },
          },
          {
            name: "points",
            mark: { type: "point", filled: true, size: 60 },
            encoding: {
              x: { field: "rate", type: "quantitative" },
              tooltip: [
                { field: "model" },
                { field: "group" },
                { field: "rate", format: ".1%" },
                { field: "ci_low", format: ".1%" },
                { field: "ci_high", format: ".1%" },
                { field: "n" },
              ],
            },
          },
        ],
      }),
      data: dataTable(
        "refusal",
        [
          ["model", "text"],
          ["group", "text"],
          ["rate", "rate"],
          ["ci_low", "rate"],
          ["ci_high", "rate"],
          ["refusals", "int"],
          ["n", "int"],
          ["items", "int"],
        ],
        data,
      ),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Culture alignment: model × country (table a) and the steered deltas (context effects per culture)

function cultureFigures(input: FigureInput): Figure[] {
  const out: Figure[] = [];
  for (const { table: t, report } of tablesOfKind(input, "culture_alignment")) {
    if (!t.columns.includes("distance")) continue;
    const rows = rowsOf(t).filter((r) => num(r["distance"]) !== null);
    if (rows.length === 0) continue;
    const usecases = [...new Set(rows.map((r) => str(r["usecase"])))];
    const data = rows.filter((r) => str(r["usecase"]) === usecases[0]).map((r) => ({ ...r, mark: (num(r["p_adjusted"]) ?? 1) < 0.05 ? "●" : "" }));
    out.push({
      id: "",
      kind: "culture",
      title: `Culture alignment: model × country — ${report.id}`,
      caption:
        `Standardised distance (RMS, SD units; smaller = closer) between each model's unprompted profile and each country's baseline, with its 95% item-bootstrap interval in the table; ● marks Benjamini–Hochberg adjusted p < 0.05 (aligned beyond chance). n = the dimensions compared` +
        (usecases.length > 1 || usecases[0] !== "" ? `; use case ${usecases[0] || "none"}` : "") +
        ".",
      spec: spec("Heatmap of culture alignment distances, models by countries", {
        data: { values: data },
        width: { step: 44 },
        height: { step: 30 },
        encoding: {
          x: { field: "baseline_culture", type: "nominal", title: "country", axis: { labelAngle: -35 } },
          y: { field: "model", type: "nominal", title: null },
        },
        layer: [
          {
            name: "cells",
            mark: { type: "rect" },
            encoding: {
              color: { field: "distance", type: "quantitative", title: "distance", scale: { scheme: "viridis", reverse: true } },
              tooltip: [
                { field: "model" },
                { field: "baseline_culture", title: "country" },
                { field: "distance", format: ".3f" },
                { field: "distance_low", format: ".3f" },
                { field: "distance_high", format: ".3f" },
                { field: "p_adjusted" },
                { field: "n_dimensions" },
              ],
            },
          },
          { name: "labels", mark: { type: "text", fontSize: 11, color: "white" }, encoding: { text: { field: "mark" } } },
        ],
      }),
      data: dataTable(
        "culture_alignment",
        [
          ["model", "text"],
          ["baseline_culture", "text"],
          ["distance", "corr"],
          ["distance_low", "corr"],
          ["distance_high", "corr"],
          ["p_adjusted", "num"],
          ["rank", "num"],
          ["n_dimensions", "int"],
        ],
        data,
      ),
    });
  }
  return out;
}

function distinct(rows: readonly Row[], field: string): number {
  return Math.max(1, new Set(rows.map((r) => str(r[field]))).size);
}

/** Context-effect heatmaps: culture × use case (significant cells marked), or per culture or use case. */
function contextFigures(input: FigureInput): Figure[] {
  const out: Figure[] = [];
  for (const { table: t, report } of tablesOfKind(input, "context_effects")) {
    const rows = rowsOf(t).filter((r) => num(r["difference"]) !== null);
    const kinds = new Set(rows.map((r) => str(r["kind"])));
    const kind = kinds.has("culture+usecase") ? "culture+usecase" : kinds.has("culture") ? "culture" : kinds.has("usecase") ? "usecase" : null;
    if (kind === null) continue;
    for (const scorer of [...new Set(rows.map((r) => str(r["scorer"])))]) {
      const data = rows
        .filter((r) => str(r["kind"]) === kind && str(r["scorer"]) === scorer)
        .map((r): Row => {
          const labels = dimensionLabels(input.plan, str(r["system"]));
          return {
            ...r,
            dim: labels.get(str(r["dimension"])) ?? str(r["dimension"]),
            mark: (num(r["q_value"]) ?? 1) < 0.05 ? "●" : "",
          };
        });
      if (data.length === 0) continue;
      const ref = data[0]!;
      const reference = contextLabel(str(ref["reference_culture"]), str(ref["reference_usecase"]));
      const max = Math.max(1, ...data.map((r) => Math.abs(num(r["difference"]) ?? 0)));
      const cross = kind === "culture+usecase";
      const steering = kind === "culture";
      const tooltip = [
        { field: "model" },
        { field: "dim", title: "dimension" },
        { field: "culture" },
        { field: "usecase" },
        { field: "difference", format: ".2f" },
        { field: "ci_low", format: ".2f" },
        { field: "ci_high", format: ".2f" },
        { field: "q_value" },
        { field: "n_pairs" },
      ];
      const inner = {
        layer: [
          {
            name: "cells",
            mark: { type: "rect" },
            encoding: {
              color: { field: "difference", type: "quantitative", title: "difference", scale: { scheme: "blueorange", domain: [-max, max] } },
              tooltip,
            },
          },
          { name: "labels", mark: { type: "text", fontSize: 10 }, encoding: { text: { field: "mark" } } },
        ],
        // Fixed sizes: Vega-Lite cannot size facets by step when each facet has its own scales.
        width: (cross ? 34 : 30) * distinct(data, cross ? "usecase" : kind),
        height: (cross ? 22 : 20) * distinct(data, cross ? "culture" : "dim"),
        encoding: cross
          ? {
              x: { field: "usecase", type: "nominal", title: "use case", axis: { labelAngle: -35 } },
              y: { field: "culture", type: "nominal", title: "locale" },
            }
          : {
              x: { field: kind, type: "nominal", title: kind === "culture" ? "culture" : "use case", axis: { labelAngle: -35 } },
              y: { field: "dim", type: "nominal", title: null },
            },
      };
      out.push({
        id: "",
        kind: steering ? "steering" : "context",
        title: steering ? `Steered-culture deltas — ${scorer}` : `Context effects: ${cross ? "locale × use case" : kind} — ${scorer}`,
        caption:
          `Difference of each context's mean from the reference (${reference}), paired on the item, in score points; ● marks Benjamini–Hochberg q < 0.05 over the table (report ${report.id}). ` +
          `95% intervals and the number of paired items (n) are in the tooltip and the table.`,
        spec: spec(`Heatmaps of context effects (differences from ${reference})`, {
          data: { values: data },
          facet: cross
            ? { row: { field: "model", type: "nominal", title: null }, column: { field: "dim", type: "nominal", title: null } }
            : { row: { field: "model", type: "nominal", title: null } },
          spec: inner,
          resolve: { scale: { x: "independent", y: "independent" } },
        }),
        data: dataTable(
          "context_effects",
          [
            ["model", "text"],
            ["dimension", "text"],
            ["culture", "text"],
            ["usecase", "text"],
            ["difference", "score"],
            ["ci_low", "score"],
            ["ci_high", "score"],
            ["q_value", "p"],
            ["n_pairs", "int"],
            ["pairing", "text"],
          ],
          data,
        ),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Cross-system scatter and model similarity

function scatterFigures(input: FigureInput): Figure[] {
  const out: Figure[] = [];
  for (const { table: t, report } of tablesOfKind(input, "cross_system")) {
    const pairs = rowsOf(t)
      .filter((r) => r["same_system"] === false && num(r["pearson"]) !== null)
      .sort((a, b) => (num(a["pearson_q"]) ?? 1) - (num(b["pearson_q"]) ?? 1) || Math.abs(num(b["pearson"]) ?? 0) - Math.abs(num(a["pearson"]) ?? 0))
      .slice(0, SCATTER_PAIRS);
    if (pairs.length === 0) continue;
    const profiles = buildProfiles(input.analysis.dataset, { scorer: scorerSetting(report.settings), slices: "all", byMeasure: true });
    const meanOf = (model: string, system: string, measure: string, dimension: string): number | null => {
      const p = profiles.find((x) => x.model === model && x.system === system && (measure === "" || x.measure === measure));
      return p?.means.get(dimension) ?? null;
    };
    const models = input.plan.models.map((m) => m.id);
    const points: Row[] = [];
    const panels: Record<string, unknown>[] = [];
    pairs.forEach((p, i) => {
      const xa = `${str(p["system_a"])}.${str(p["dimension_a"])}`;
      const yb = `${str(p["system_b"])}.${str(p["dimension_b"])}`;
      const label = `r = ${fmt(num(p["pearson"]), 3)} ${interval(num(p["pearson_ci_low"]), num(p["pearson_ci_high"]), 3)}, n = ${str(p["n_models"])}`;
      const pts: Row[] = [];
      for (const model of models) {
        const x = meanOf(model, str(p["system_a"]), str(p["scorer_a"]), str(p["dimension_a"]));
        const y = meanOf(model, str(p["system_b"]), str(p["scorer_b"]), str(p["dimension_b"]));
        if (x !== null && y !== null)
          pts.push({
            pair: i + 1,
            model,
            x_variable: xa,
            x,
            y_variable: yb,
            y,
            pearson: num(p["pearson"]),
            pearson_ci_low: num(p["pearson_ci_low"]),
            pearson_ci_high: num(p["pearson_ci_high"]),
            n_models: num(p["n_models"]),
          });
      }
      points.push(...pts);
      panels.push({
        title: { text: `${xa} vs ${yb}`, subtitle: label },
        data: { values: pts },
        width: 230,
        height: 200,
        layer: [
          {
            // A name unique in the page's spec: Vega-Lite derives a named view's data from its name, so
            // panels sharing one name all drew the last panel's points.
            name: `points_pair${i + 1}`,
            mark: { type: "point", filled: true, size: 60 },
            encoding: {
              x: { field: "x", type: "quantitative", title: `${xa} (${str(p["scorer_a"])})`, scale: { zero: false } },
              y: { field: "y", type: "quantitative", title: `${yb} (${str(p["scorer_b"])})`, scale: { zero: false } },
              color: MODEL_COLOR,
              tooltip: [{ field: "model" }, { field: "x", format: ".2f" }, { field: "y", format: ".2f" }],
            },
          },
        ],
      });
    });
    out.push({
      id: "",
      kind: "scatter",
      title: `Across systems — ${report.id}`,
      caption: `One point per model: its mean on two dimensions of different systems (contexts pooled). Up to ${SCATTER_PAIRS} pairs, the smallest Benjamini–Hochberg q first; each panel gives Pearson r with its 95% Fisher-z interval and n (models). With few models an interval is wide: read it, not r alone.`,
      // Two panels a row: four side by side would be wider than the page and scroll sideways.
      spec: spec("Scatter plots of model means on pairs of dimensions of different systems", { concat: panels, columns: 2 }),
      data: dataTable(
        "cross_system",
        [
          ["pair", "int"],
          ["model", "text"],
          ["x_variable", "text"],
          ["x", "score"],
          ["y_variable", "text"],
          ["y", "score"],
          ["pearson", "corr"],
          ["pearson_ci_low", "corr"],
          ["pearson_ci_high", "corr"],
          ["n_models", "int"],
        ],
        points,
      ),
    });
  }
  return out;
}

/**
 * A model's family, by name: the provider prefix and a tag after `:` are dropped and the leading run
 * of letters kept (`ollama:llama3.2:3b` → `llama`, `openai:gpt-4o-mini` → `gpt`). A naming heuristic
 * for ordering the similarity heatmap, written in its caption; nothing is computed from it.
 */
export function modelFamily(model: string): string {
  const name = model.includes(":") ? model.slice(model.indexOf(":") + 1) : model;
  const base = name.split(":")[0] ?? name;
  return /^[A-Za-z]+/.exec(base)?.[0]?.toLowerCase() ?? base;
}

function similarityFigures(input: FigureInput): Figure[] {
  const out: Figure[] = [];
  const models = input.plan.models.map((m) => m.id);
  for (const { table: t, report } of tablesOfKind(input, "model_similarity")) {
    const all = rowsOf(t);
    for (const key of [...new Set(all.map((r) => JSON.stringify([str(r["system"]), str(r["scorer"])])))]) {
      const [system, scorer] = JSON.parse(key) as [string, string];
      const rows = all.filter((r) => str(r["system"]) === system && str(r["scorer"]) === scorer);
      const centred = rows.some((r) => num(r["pearson_centred"]) !== null);
      const field = centred ? "pearson_centred" : "pearson";
      const data = rows
        .filter((r) => num(r[field]) !== null)
        .map(
          (r): Row => ({
            ...r,
            r: num(r[field]),
            ci_low: num(r[`${field}_ci_low`]),
            ci_high: num(r[`${field}_ci_high`]),
            family_a: modelFamily(str(r["model_a"])),
            family_b: modelFamily(str(r["model_b"])),
          }),
        );
      if (data.length === 0) continue;
      const order = [...new Set(data.map((r) => str(r["model_a"])))].sort(
        (a, b) => modelFamily(a).localeCompare(modelFamily(b)) || models.indexOf(a) - models.indexOf(b),
      );
      out.push({
        id: "",
        kind: "similarity",
        title: `Model similarity: ${systemLabel(input.plan, system)} — ${scorer}`,
        caption:
          `${centred ? "Pearson r of the models' profiles centred on the mean profile of all models (what separates families; raw profiles share the system's hierarchy)" : "Pearson r of the models' profiles over the dimensions"}; ` +
          `models ordered by family (the name before its version: ${[...new Set(order.map(modelFamily))].join(", ")}). 95% Fisher-z intervals and n (dimensions) are in the table (report ${report.id}).`,
        spec: spec(`Heatmap of profile correlations between models on ${system}`, {
          data: { values: data },
          width: { step: 36 },
          height: { step: 28 },
          encoding: {
            x: { field: "model_b", type: "nominal", title: null, sort: order, axis: { labelAngle: -35 } },
            y: { field: "model_a", type: "nominal", title: null, sort: order },
          },
          layer: [
            {
              name: "cells",
              mark: { type: "rect" },
              encoding: {
                color: { field: "r", type: "quantitative", title: "r", scale: { scheme: "redblue", domain: [-1, 1] } },
                tooltip: [
                  { field: "model_a" },
                  { field: "model_b" },
                  { field: "r", format: ".3f" },
                  { field: "ci_low", format: ".3f" },
                  { field: "ci_high", format: ".3f" },
                  { field: "n_dimensions" },
                ],
              },
            },
            { name: "labels", mark: { type: "text", fontSize: 9 }, encoding: { text: { field: "r", format: ".2f" } } },
          ],
        }),
        data: dataTable(
          "model_similarity",
          [
            ["model_a", "text"],
            ["family_a", "text"],
            ["model_b", "text"],
            ["family_b", "text"],
            ["r", "corr"],
            ["ci_low", "corr"],
            ["ci_high", "corr"],
            ["n_dimensions", "int"],
          ],
          data,
        ),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Forest plots, group comparisons and families (model attributes); the findings page draws these too

/**
 * Labels from `base`, prefixed with `lead` (the run or source) only where the base alone would repeat,
 * so that rows stay short; a label still repeated gets " (2)" (uniqueLabels).
 */
export function labelled(rows: Row[], base: (r: Row) => string, lead?: (r: Row) => string): Row[] {
  const count = new Map<string, number>();
  for (const r of rows) count.set(base(r), (count.get(base(r)) ?? 0) + 1);
  return uniqueLabels(rows.map((r) => ({ ...r, label: lead && (count.get(base(r)) ?? 0) > 1 ? `${lead(r)} · ${base(r)}` : base(r) })));
}

/** A run's label (`folder:spec`) as its folder name alone, for figure labels (tables keep the whole). */
export function shortSource(label: string): string {
  const [folder] = label.split(":");
  return folder || label;
}

/** Row labels made unique (a nominal axis puts equal labels on one line): the second gets " (2)". */
function uniqueLabels(rows: Row[]): Row[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const label = str(r["label"]);
    const k = (seen.get(label) ?? 0) + 1;
    seen.set(label, k);
    return k === 1 ? r : { ...r, label: `${label} (${k})` };
  });
}

export interface ForestOptions {
  xTitle: string;
  colorTitle: string;
  /** A fixed axis range, e.g. [-1, 1] for correlations. */
  domain?: [number, number];
  /** Extra fields for the tooltip (label, estimate and the interval are always there). */
  tooltip?: readonly string[];
}

/**
 * A forest plot: one row per estimate (`label`, `estimate`, `ci_low`, `ci_high`, `group` for colour),
 * the point with its interval where it has one, and a dashed line at zero. The `points` layer draws
 * one mark per row.
 */
export function forestSpec(description: string, rows: Row[], o: ForestOptions): VegaLiteSpec {
  const x = { type: "quantitative", title: o.xTitle, ...(o.domain ? { scale: { domain: o.domain } } : {}) };
  const y = { field: "label", type: "nominal", title: null, sort: null, axis: { labelLimit: 800 } };
  const color = { field: "group", type: "nominal", title: o.colorTitle, scale: { scheme: "tableau10" } };
  return spec(description, {
    data: { values: uniqueLabels(rows) },
    width: 380,
    height: 22 * rows.length + 8,
    layer: [
      { name: "zero", data: { values: [{ zero: 0 }] }, mark: { type: "rule", strokeDash: [4, 3], color: "#8a8f98" }, encoding: { x: { field: "zero", ...x } } },
      {
        name: "interval",
        transform: [{ filter: "isValid(datum.ci_low) && isValid(datum.ci_high)" }],
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: { y, x: { field: "ci_low", ...x }, x2: { field: "ci_high" }, color },
      },
      {
        name: "points",
        mark: { type: "point", filled: true, size: 55 },
        encoding: {
          y,
          x: { field: "estimate", ...x },
          color,
          tooltip: [
            { field: "label" },
            { field: "estimate", format: ".3f" },
            { field: "ci_low", format: ".3f", title: "95% low" },
            { field: "ci_high", format: ".3f", title: "95% high" },
            ...(o.tooltip ?? []).map((field) => ({ field })),
          ],
        },
      },
    ],
  });
}

/**
 * Group comparisons (the group_comparison kind's table, or findings' group_comparisons): the
 * difference of group means with its cluster-bootstrap interval, per split and system, pooled and per
 * difficulty level (the per-dimension rows stay in the CSV). `lead` names a leading column (findings'
 * `run`) that goes into the labels.
 */
export function groupComparisonFigure(t: Table, o: { title: string; note: string; lead?: string }): Figure | null {
  const lead = o.lead;
  const rows = labelled(
    rowsOf(t)
      .filter((r) => str(r["dimension"]) === "(all)" && num(r["difference"]) !== null)
      .map((r): Row => ({ ...r, estimate: num(r["difference"]), group: str(r["attribute"]) })),
    (r) =>
      `${str(r["attribute"])}: ${str(r["group_a"])} − ${str(r["group_b"])} · ${str(r["system"])} · ` +
      (str(r["difficulty"]) === "(all)" ? "all levels" : `level ${str(r["difficulty"])}`),
    lead ? (r) => shortSource(str(r[lead])) : undefined,
  );
  if (rows.length === 0) return null;
  return {
    id: "",
    kind: "groups",
    title: o.title,
    caption:
      `Difference of group means (group a − group b, score points; each model weighs the same) with its 95% two-way cluster bootstrap interval over items and models (no interval when a group has one model); ` +
      `pooled over the system and per difficulty level. The permutation p over the model labels and the group sizes are in the table; per-dimension rows are in the CSV. ${o.note}`,
    spec: forestSpec("Forest plot of differences between groups of models with 95% intervals", rows, {
      xTitle: "difference of group means",
      colorTitle: "attribute",
      tooltip: ["models_a", "models_b", "p_permutation"],
    }),
    data: dataTable(
      "group_comparison",
      [
        ...(o.lead ? ([[o.lead, "text"]] as Array<[string, ColumnFormat]>) : []),
        ["attribute", "text"],
        ["group_a", "text"],
        ["group_b", "text"],
        ["system", "text"],
        ["difficulty", "text"],
        ["models_a", "int"],
        ["models_b", "int"],
        ["items", "int"],
        ["difference", "score"],
        ["ci_low", "score"],
        ["ci_high", "score"],
        ["p_permutation", "p"],
        ["exact", "text"],
      ],
      rows,
    ),
  };
}

/** Families: within- and between-family similarity per system (filled: within; hollow: between), the gap between them drawn. */
export function familiesFigure(t: Table, o: { title: string; note: string; lead?: string }): Figure | null {
  const lead = o.lead;
  const rows = labelled(
    rowsOf(t).filter((r) => num(r["within"]) !== null && num(r["between"]) !== null),
    (r) => `${str(r["system"])} (${str(r["attribute"])})`,
    lead ? (r) => shortSource(str(r[lead])) : undefined,
  );
  if (rows.length === 0) return null;
  const x = { type: "quantitative", title: "mean similarity of centred profiles (r)", scale: { domain: [-1, 1] } };
  const y = { field: "label", type: "nominal", title: null, sort: null, axis: { labelLimit: 800 } };
  const tooltip = [
    { field: "label" },
    { field: "within", format: ".3f" },
    { field: "between", format: ".3f" },
    { field: "difference", format: ".3f" },
    { field: "p_permutation" },
    { field: "within_pairs" },
    { field: "between_pairs" },
  ];
  return {
    id: "",
    kind: "families",
    title: o.title,
    caption:
      `Mean Pearson r between the centred value profiles of models of one family (filled) and of different families (hollow), per system; ` +
      `the one-sided permutation p (family labels shuffled, sizes kept) and the number of pairs are in the table. ${o.note}`,
    spec: spec("Dumbbell plot of within- and between-family profile similarity per system", {
      data: { values: rows },
      width: 380,
      height: 26 * rows.length + 8,
      encoding: { y },
      layer: [
        { name: "gap", mark: { type: "rule", color: "#8a8f98", strokeWidth: 2 }, encoding: { x: { field: "between", ...x }, x2: { field: "within" } } },
        { name: "between", mark: { type: "point", filled: false, size: 70, color: "#2456a6" }, encoding: { x: { field: "between", ...x }, tooltip } },
        { name: "within", mark: { type: "point", filled: true, size: 70, color: "#2456a6" }, encoding: { x: { field: "within", ...x }, tooltip } },
      ],
    }),
    data: dataTable(
      "families",
      [
        ...(o.lead ? ([[o.lead, "text"]] as Array<[string, ColumnFormat]>) : []),
        ["attribute", "text"],
        ["system", "text"],
        ["models", "int"],
        ["families", "int"],
        ["within_pairs", "int"],
        ["between_pairs", "int"],
        ["within", "corr"],
        ["between", "corr"],
        ["difference", "corr"],
        ["p_permutation", "p"],
        ["exact", "text"],
      ],
      rows,
    ),
  };
}

function groupFigures(input: FigureInput): Figure[] {
  return tablesOfKind(input, "group_comparison").flatMap(({ table: t, report }) => {
    const f = groupComparisonFigure(t, { title: `Groups of models compared — ${report.id}`, note: `Report ${report.id} (docs/outputs.md).` });
    return f ? [f] : [];
  });
}

function familiesFigures(input: FigureInput): Figure[] {
  return tablesOfKind(input, "families").flatMap(({ table: t, report }) => {
    const f = familiesFigure(t, { title: `Families: within against between — ${report.id}`, note: `Report ${report.id} (docs/outputs.md).` });
    return f ? [f] : [];
  });
}

// ---------------------------------------------------------------------------------------------------

/** Every figure the run has data for, in the page's order. */
export function buildFigures(input: FigureInput): Figure[] {
  const figures = [
    ...profileFigures(input),
    ...difficultyFigures(input),
    ...heatmapFigures(input),
    ...refusalFigures(input),
    ...cultureFigures(input),
    ...contextFigures(input),
    ...scatterFigures(input),
    ...similarityFigures(input),
    ...groupFigures(input),
    ...familiesFigures(input),
  ];
  return figures.map((f, i) => ({ ...f, id: `fig-${i + 1}-${f.kind}` }));
}

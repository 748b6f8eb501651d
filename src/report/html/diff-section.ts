// The run-diff section of report.html and of `value-compass diff --html`: the plan changes as a table,
// a dot-and-interval figure of the cells whose score changed (B − A on shared items, paired interval,
// n pairs), and the items whose verdict flipped as a filterable table. Built from the diff the app
// layer computes (src/app/diff.ts); nothing is recomputed here. Its input type is structural so this
// layer does not import the app layer.

import type { Cell, ColumnFormat, Table } from "../csv.js";
import { table } from "../builtin-tables.js";
import { escapeHtml, htmlTable } from "./page.js";
import type { Figure, HtmlSection, VegaLiteSpec } from "./types.js";

export interface DiffSectionInput {
  a: { runId: string; planHash: string };
  b: { runId: string; planHash: string };
  plan: ReadonlyArray<{ what: string; name: string; a: string | null; b: string | null }>;
  cells: ReadonlyArray<{
    model: string;
    system: string;
    dimension: string;
    measure: string;
    culture: string | null;
    usecase: string | null;
    pairs: number;
    meanA: number | null;
    meanB: number | null;
    difference: number | null;
    ci: { low: number; high: number } | null;
    q: number | null;
    changed: number;
  }>;
  items: ReadonlyArray<{
    model: string;
    system: string;
    dimension: string;
    measure: string;
    culture: string | null;
    usecase: string | null;
    item: string;
    sample: number;
    change: string;
    scoreA: number | null;
    scoreB: number | null;
    verdictA: string | null;
    verdictB: string | null;
    flipped: boolean;
  }>;
  shared: number;
  onlyA: number;
  onlyB: number;
}

/** What the section shows, as plain data (unit-tested apart from the HTML). */
export interface DiffSectionData {
  /** No plan change, no changed item, no cell whose score moved. */
  identical: boolean;
  plan: Table;
  /** One row per plotted cell (the figure's data table). */
  cells: Table;
  /** Paired cells whose score changed, before the cap. */
  movedCells: number;
  /** Cells without a paired difference (no item scored in both runs). */
  unpairedCells: number;
  flipped: Table;
  /** Flipped items before the cap. */
  flippedTotal: number;
  /** Changed items whose verdict did not flip (in diff_items.csv). */
  otherChanges: number;
}

/** The figure plots at most this many cells (the largest |B − A| first); diff.csv has all. */
export const DIFF_FIGURE_LIMIT = 60;
/** The flipped-items table holds at most this many rows; diff_items.csv has all. */
export const DIFF_FLIP_LIMIT = 2000;
/** q below this counts as significant, as in the diff command's --fail-on significant. */
const Q = 0.05;

const FLIP_FILTERS = ["model", "system", "dimension", "measure", "culture", "usecase"] as const;

const CELL_COLUMNS: ReadonlyArray<[string, ColumnFormat]> = [
  ["model", "text"],
  ["system", "text"],
  ["dimension", "text"],
  ["measure", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["mean_a", "score"],
  ["mean_b", "score"],
  ["difference", "score"],
  ["ci_low", "score"],
  ["ci_high", "score"],
  ["n_pairs", "int"],
  ["q", "p"],
  ["changed_items", "int"],
];

const FLIP_COLUMNS: ReadonlyArray<[string, ColumnFormat]> = [
  ["model", "text"],
  ["system", "text"],
  ["dimension", "text"],
  ["measure", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["item", "text"],
  ["sample", "int"],
  ["change", "text"],
  ["score_a", "score"],
  ["score_b", "score"],
  ["verdict_a", "text"],
  ["verdict_b", "text"],
];

function contextOf(culture: string | null, usecase: string | null): string {
  return [culture, usecase].filter((x) => x !== null && x !== "").join(" / ") || "no context";
}

/**
 * The section's numbers. A cell is plotted when it has a paired difference and its score moved (an
 * item's score changed, or the mean difference is not 0): the unchanged cells would fill the figure
 * with zeros, and diff.csv lists them all.
 */
export function diffSectionData(diff: DiffSectionInput): DiffSectionData {
  const plan = table(
    "diff_plan",
    [
      ["what", "text"],
      ["name", "text"],
      ["a", "text"],
      ["b", "text"],
    ],
    diff.plan.map((p) => [p.what, p.name, p.a ?? "(none)", p.b ?? "(none)"]),
  );
  const moved = diff.cells
    .filter((c) => c.difference !== null && (c.changed > 0 || c.difference !== 0))
    .map((c, i) => ({ c, i }))
    .sort((x, y) => Math.abs(y.c.difference ?? 0) - Math.abs(x.c.difference ?? 0) || x.i - y.i)
    .slice(0, DIFF_FIGURE_LIMIT)
    .map((x) => x.c);
  const cells = table(
    "diff",
    CELL_COLUMNS,
    moved.map((c): Cell[] => [
      c.model,
      c.system,
      c.dimension,
      c.measure,
      c.culture,
      c.usecase,
      c.meanA,
      c.meanB,
      c.difference,
      c.ci?.low ?? null,
      c.ci?.high ?? null,
      c.pairs,
      c.q,
      c.changed,
    ]),
  );
  const movedCells = diff.cells.filter((c) => c.difference !== null && (c.changed > 0 || c.difference !== 0)).length;
  const flippedAll = diff.items.filter((i) => i.flipped);
  const flipped = table(
    "diff_flipped",
    FLIP_COLUMNS,
    flippedAll
      .slice(0, DIFF_FLIP_LIMIT)
      .map((i): Cell[] => [
        i.model,
        i.system,
        i.dimension,
        i.measure,
        i.culture,
        i.usecase,
        i.item,
        i.sample,
        i.change,
        i.scoreA,
        i.scoreB,
        i.verdictA,
        i.verdictB,
      ]),
  );
  return {
    identical: diff.plan.length === 0 && diff.items.length === 0 && movedCells === 0,
    plan,
    cells,
    movedCells,
    unpairedCells: diff.cells.filter((c) => c.difference === null).length,
    flipped,
    flippedTotal: flippedAll.length,
    otherChanges: diff.items.length - flippedAll.length,
  };
}

function rowObjects(t: Table): Array<Record<string, Cell>> {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null])));
}

/** The dot-and-interval figure of the plotted cells (one point and, where there is one, one interval per row). */
function cellFigure(data: DiffSectionData, id: string): Figure {
  const rows = rowObjects(data.cells);
  const values = rows.map((r, order) => {
    const context = contextOf(r["culture"] as string | null, r["usecase"] as string | null);
    const q = r["q"];
    return {
      ...r,
      order,
      // n (the paired items) on the axis, so it is read with the point, not only in the table.
      label: `${String(r["model"])} · ${String(r["system"])}.${String(r["dimension"])} · ${String(r["measure"])} · ${context} (n=${String(r["n_pairs"])})`,
      context,
      significance: typeof q === "number" ? (q < Q ? "q < 0.05" : "q ≥ 0.05") : "no test",
    };
  });
  const bound = (r: Record<string, Cell>, k: string) => {
    const v = r[k];
    return typeof v === "number" ? Math.abs(v) : 0;
  };
  // A symmetric axis around 0, so the sign of a change reads at a glance.
  const reach = Math.max(1, ...rows.flatMap((r) => [bound(r, "ci_low"), bound(r, "ci_high"), bound(r, "difference")]));
  const spec: VegaLiteSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: "Dot plot of the difference B − A per cell with its paired 95% interval",
    background: "white",
    config: {
      font: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
    },
    data: { values },
    width: 420,
    height: Math.max(40, 20 * values.length),
    encoding: {
      y: { field: "label", type: "nominal", title: null, sort: { field: "order" }, axis: { labelLimit: 520 } },
    },
    layer: [
      {
        name: "zero",
        data: { values: [{ zero: 0 }] },
        mark: { type: "rule", color: "#8a919c", strokeDash: [4, 3] },
        encoding: { x: { field: "zero", type: "quantitative" }, y: null },
      },
      {
        name: "interval",
        transform: [{ filter: "isValid(datum.ci_low) && isValid(datum.ci_high)" }],
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: {
          x: { field: "ci_low", type: "quantitative", title: "B − A (score points)", scale: { domain: [-reach, reach] }, axis: { tickCount: 5 } },
          x2: { field: "ci_high" },
          color: { field: "model", type: "nominal", title: "model", scale: { scheme: "tableau10" } },
        },
      },
      {
        name: "points",
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: { field: "difference", type: "quantitative", scale: { domain: [-reach, reach] } },
          color: { field: "model", type: "nominal", title: "model", scale: { scheme: "tableau10" } },
          shape: {
            field: "significance",
            type: "nominal",
            title: "BH q",
            scale: { domain: ["q < 0.05", "q ≥ 0.05", "no test"], range: ["circle", "diamond", "cross"] },
          },
          tooltip: [
            { field: "model" },
            { field: "system" },
            { field: "dimension" },
            { field: "measure" },
            { field: "context" },
            { field: "difference", format: ".2f", title: "B − A" },
            { field: "ci_low", format: ".2f", title: "95% low" },
            { field: "ci_high", format: ".2f", title: "95% high" },
            { field: "n_pairs", title: "n (paired items)" },
            { field: "q", format: ".3g" },
            { field: "changed_items", title: "changed items" },
          ],
        },
      },
    ],
  };
  const capped =
    data.movedCells > data.cells.rows.length
      ? ` The ${data.cells.rows.length} largest of ${data.movedCells} changed cells are shown; diff.csv has every cell.`
      : "";
  return {
    id,
    kind: "diff",
    title: "Cells whose score changed (B − A)",
    caption:
      `One row per model × system.dimension × measure × context whose score changed: the mean over the items both runs scored of (B − A) on item means, in score points, ` +
      `with a 95% bootstrap interval paired on the item (expanded percentile; none with fewer than 2 pairs or --resamples 0). n is the number of paired items; ` +
      `the shape marks Benjamini–Hochberg q < 0.05 of a sign-flip test over all cells.${capped}`,
    spec,
    data: data.cells,
  };
}

// The flipped-items filter: plain ES2017, no library. Each filterable block has <select
// data-diff-filter=F> lists (their options are written into the page) and rows carrying data-F; a row
// shows when it matches every chosen value. Its own attribute names: the explorer's script takes the
// page's first select[data-filter=F], which must stay its own.
const FILTER_SCRIPT = `
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-diff-filterable]"), function (box) {
    var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr"));
    var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-diff-filter]"));
    var count = box.querySelector("[data-count]");
    function draw() {
      var shown = 0;
      rows.forEach(function (r) {
        var ok = selects.every(function (s) { return s.value === "" || r.getAttribute("data-" + s.getAttribute("data-diff-filter")) === s.value; });
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + " of " + rows.length + " rows shown";
    }
    selects.forEach(function (s) { s.addEventListener("change", draw); });
    draw();
  });
})();
`;

const NONE = "(none)";

function flippedHtml(data: DiffSectionData, id: string): string {
  const rows = rowObjects(data.flipped);
  const otherNote =
    data.otherChanges > 0 ? ` ${data.otherChanges} other changed item(s) (an answer or score changed, or a step only one run has) are in diff_items.csv.` : "";
  if (rows.length === 0) return `<h3>Flipped items</h3><p class="note diff-none" data-diff="no-flips">No item's verdict flipped.${escapeHtml(otherNote)}</p>`;
  const value = (r: Record<string, Cell>, f: string) => (r[f] === null || r[f] === undefined ? NONE : String(r[f]));
  const filters = FLIP_FILTERS.map((f) => {
    const options = [...new Set(rows.map((r) => value(r, f)))].sort();
    return `<label>${f === "usecase" ? "use case" : f}<select data-diff-filter="${f}"><option value="">all</option>${options
      .map((o) => `<option value="${escapeHtml(o)}">${escapeHtml(o)}</option>`)
      .join("")}</select></label>`;
  }).join("");
  const table = htmlTable(data.flipped, "Items whose verdict differs between A and B (for a scorer without verdicts: the score crossed 50)");
  // Each row carries its filter values; htmlTable writes rows in order, so they are added by position.
  let i = 0;
  const tagged = table.replace(/<tr><td/g, () => {
    const r = rows[i++] ?? {};
    return `<tr class="flip-row"${FLIP_FILTERS.map((f) => ` data-${f}="${escapeHtml(value(r, f))}"`).join("")}><td`;
  });
  const capped = data.flippedTotal > rows.length ? ` The first ${rows.length} of ${data.flippedTotal} are listed; diff_items.csv has all.` : "";
  return `<div class="diff-flips" id="${escapeHtml(id)}" data-diff-filterable>
<h3>Flipped items (${data.flippedTotal})</h3>
<p class="note">Choose filters to narrow the list.${escapeHtml(capped)}${escapeHtml(otherNote)}</p>
<div class="filters">${filters}</div>
<p class="note" data-count aria-live="polite"></p>
${tagged}
</div>
<script>${FILTER_SCRIPT}</script>`;
}

/** The diff as a section of report.html (or of the diff's own page). */
export function diffSection(diff: DiffSectionInput, id = "run-diff"): HtmlSection {
  const data = diffSectionData(diff);
  const intro =
    `Run A ${diff.a.runId} (plan ${diff.a.planHash.slice(0, 12)}) against run B ${diff.b.runId} (plan ${diff.b.planHash.slice(0, 12)}): ` +
    `${diff.shared} steps × measures in both, ${diff.onlyA} only in A, ${diff.onlyB} only in B. value-compass diff A B --out DIR writes the same as CSV.`;
  if (data.identical) {
    return {
      id,
      title: "Run diff",
      intro,
      html: `<p class="diff-none" data-diff="identical"><strong>No differences</strong>: the same inputs, models, digests and settings, and every answer, score and verdict the same.</p>`,
    };
  }
  const planHtml =
    data.plan.rows.length === 0
      ? `<h3>Plan changes</h3><p class="note diff-none" data-diff="no-plan-changes">The plans are the same: inputs, models, digests, judge and settings.</p>`
      : `<h3>Plan changes (${data.plan.rows.length})</h3>${htmlTable(data.plan, "What differs between the plans (inputs by sha256, models, model digests, judge, settings, params, selection)")}`;
  const unpaired = data.unpairedCells > 0 ? ` ${data.unpairedCells} cell(s) have no item scored in both runs and no paired difference (diff.csv).` : "";
  const figures = data.cells.rows.length > 0 ? [cellFigure(data, `${id}-cells`)] : [];
  const noCells =
    figures.length === 0
      ? `<p class="note diff-none" data-diff="no-cell-changes">No cell's score changed on the items both runs scored.${escapeHtml(unpaired)}</p>`
      : "";
  return {
    id,
    title: "Run diff",
    intro: `${intro}${unpaired}`,
    figures,
    // Figures are placed before `html` by the page; the plan table leads the html part.
    html: `${noCells}${planHtml}${flippedHtml(data, `${id}-flips`)}`,
  };
}

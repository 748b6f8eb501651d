// report.html as one string: header, contents, one section per figure (its SVG, caption and data
// table), extra sections, and the item explorer (its data as JSON in the page, a small script that
// filters, pages and opens rows). Self-contained: no network, no external file; every text from the
// run is escaped (a model's answer may hold HTML), and the explorer's script writes texts with
// textContent only. The same inputs give the same bytes (no clock, no random ids).

import type { Plan } from "../../core/plan.js";
import { formatCell, type Table } from "../csv.js";
import type { ExplorerData } from "./explorer.js";
import type { Figure, HtmlSection } from "./types.js";

export interface RenderedFigure {
  figure: Figure;
  /** The figure's SVG, or the reason it could not be drawn (the data table is shown either way). */
  svg: { ok: true; svg: string } | { ok: false; error: string };
}

export interface PageInput {
  plan: Plan;
  runId: string | null;
  figures: RenderedFigure[];
  sections: ReadonlyArray<{ section: HtmlSection; figures: RenderedFigure[] }>;
  explorer: ExplorerData;
  mockAnswers: boolean;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** JSON safe inside a <script> element: no `</script>`, no `<!--`, no line separators that break JS. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A data table as HTML, cells formatted as in the CSV files (text not neutralised: nothing runs here). */
export function htmlTable(t: Table, caption: string): string {
  const numeric = t.formats.map((f) => f !== "text" && f !== "json" && f !== "bool");
  const head = t.columns.map((c, i) => `<th scope="col"${numeric[i] ? ' class="num"' : ""}>${escapeHtml(c)}</th>`).join("");
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r.map((cell, i) => `<td${numeric[i] ? ' class="num"' : ""}>${escapeHtml(formatCell(cell, t.formats[i] ?? "text", false))}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<table class="data"><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function figureHtml({ figure, svg }: RenderedFigure): string {
  const chart = svg.ok
    ? `<div class="chart" role="img" aria-label="${escapeHtml(`${figure.title}. ${figure.caption}`)}">${svg.svg}</div>`
    : `<p class="error">This figure could not be drawn: ${escapeHtml(svg.error)}. Its numbers are in the table below.</p>`;
  return `<section class="figure" id="${escapeHtml(figure.id)}" data-figure="${escapeHtml(figure.kind)}" data-rows="${figure.data.rows.length}">
<h3>${escapeHtml(figure.title)}</h3>
<p class="caption">${escapeHtml(figure.caption)}</p>
${chart}
<details class="table"><summary>Data behind the figure (${figure.data.rows.length} rows)</summary>
${htmlTable(figure.data, figure.title)}
</details>
</section>`;
}

const STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6472; --line: #d9dde3; --accent: #2456a6; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; background: #f6f7f9; }
header, main { max-width: 1200px; margin: 0 auto; padding: 16px 24px; }
header { background: white; border-bottom: 1px solid var(--line); max-width: none; }
header h1 { font-size: 20px; margin: 0 0 4px; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 0; color: var(--muted); }
header dd { margin: 0; word-break: break-all; }
nav ol { columns: 2; margin: 4px 0; }
a { color: var(--accent); }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 0 0 4px; }
.figure, .explorer, .extra { background: white; border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin: 14px 0; }
.caption, .note { color: var(--muted); margin: 0 0 8px; max-width: 90ch; }
.chart { overflow-x: auto; }
.chart svg { display: block; max-width: none; }
.error { color: #a3201a; }
table.data { border-collapse: collapse; font-size: 12px; margin-top: 6px; }
table.data caption { text-align: left; color: var(--muted); }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 2px 8px; text-align: left; vertical-align: top; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
details.table summary { cursor: pointer; color: var(--accent); }
.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; margin: 8px 0; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.filters select { font: inherit; min-width: 9em; }
#explorer-table button.open { font: inherit; color: var(--accent); background: none; border: 0; cursor: pointer; padding: 0; text-decoration: underline; }
.pager { display: flex; gap: 10px; align-items: center; margin: 8px 0; }
#explorer-detail { border-top: 2px solid var(--accent); margin-top: 10px; padding-top: 8px; }
#explorer-detail pre { white-space: pre-wrap; word-break: break-word; background: #f3f4f6; padding: 8px; border-radius: 4px; margin: 4px 0 10px; max-height: 28em; overflow: auto; }
#explorer-detail h4 { margin: 10px 0 2px; font-size: 13px; }
`;

// The explorer's script: plain ES2017, no library. Reads the JSON in #explorer-data, fills the filter
// lists from it, shows 50 rows a page, and opens a row's details below the table.
const SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var rows = data.rows;
  var PAGE = 50;
  var page = 0;
  var FIELDS = ["model", "system", "dimension", "culture", "usecase", "verdict"];
  var NONE = "(none)";
  function valuesOf(row, field) {
    if (field === "verdict") {
      var vs = row.scores.map(function (s) { return s.verdict === null ? NONE : s.verdict; });
      return vs.length ? vs : [NONE];
    }
    var v = row[field];
    return [v === null || v === undefined ? NONE : String(v)];
  }
  var selects = {};
  FIELDS.forEach(function (field) {
    var select = document.querySelector('select[data-filter="' + field + '"]');
    selects[field] = select;
    var seen = [];
    rows.forEach(function (r) { valuesOf(r, field).forEach(function (v) { if (seen.indexOf(v) < 0) seen.push(v); }); });
    seen.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v; o.textContent = v; select.appendChild(o);
    });
    select.addEventListener("change", function () { page = 0; draw(); });
  });
  function matching() {
    return rows.filter(function (r) {
      return FIELDS.every(function (f) {
        var want = selects[f].value;
        return want === "" || valuesOf(r, f).indexOf(want) >= 0;
      });
    });
  }
  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }
  function fmtScore(s) { return s.score === null ? (s.error ? "error" : "–") : String(Math.round(s.score * 100) / 100); }
  function draw() {
    var list = matching();
    var pages = Math.max(1, Math.ceil(list.length / PAGE));
    if (page >= pages) page = pages - 1;
    var body = document.querySelector("#explorer-table tbody");
    while (body.firstChild) body.removeChild(body.firstChild);
    list.slice(page * PAGE, page * PAGE + PAGE).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.className = "explorer-row";
      var td = document.createElement("td");
      var b = document.createElement("button");
      b.className = "open"; b.type = "button"; b.textContent = String(r.index);
      b.setAttribute("aria-label", "open step " + r.index);
      b.addEventListener("click", function () { open(r); });
      td.appendChild(b); tr.appendChild(td);
      cell(tr, r.model); cell(tr, r.system); cell(tr, r.dimension); cell(tr, r.item);
      cell(tr, [r.culture, r.usecase].filter(function (x) { return x !== null; }).join(" / ") || "–");
      cell(tr, r.scores.map(fmtScore).join(" · "));
      cell(tr, r.scores.map(function (s) { return s.verdict || "–"; }).join(" · "));
      body.appendChild(tr);
    });
    document.getElementById("explorer-count").textContent = list.length === 0
      ? "no step matches"
      : "steps " + (page * PAGE + 1) + "–" + Math.min(list.length, page * PAGE + PAGE) + " of " + list.length + " matching";
    document.getElementById("explorer-prev").disabled = page === 0;
    document.getElementById("explorer-next").disabled = page >= pages - 1;
  }
  function add(parent, tag, text) { var e = document.createElement(tag); e.textContent = text; parent.appendChild(e); return e; }
  function open(r) {
    var d = document.getElementById("explorer-detail");
    while (d.firstChild) d.removeChild(d.firstChild);
    d.hidden = false;
    add(d, "h3", "Step " + r.index + ": " + r.model + " — " + r.system + " / " + r.dimension + " / " + r.item);
    add(d, "p", "context: " + ([r.culture, r.usecase].filter(function (x) { return x !== null; }).join(" / ") || "none") +
      " · sample " + r.sample + " · latency " + (r.latencyMs === null ? "–" : r.latencyMs + " ms") +
      " · cached " + r.cached + " · attempts " + r.attempts + " · step id " + r.step);
    r.messages.forEach(function (m) { add(d, "h4", "message sent (" + m.role + ")"); add(d, "pre", m.content).className = "msg-" + m.role; });
    add(d, "h4", "answer");
    add(d, "pre", r.response === null ? "(no answer: " + (r.error || "failed") + ")" : r.response).className = "answer";
    r.scores.forEach(function (s) {
      add(d, "h4", "scorer " + s.scorer);
      var lines = ["score: " + fmtScore(s), "verdict: " + (s.verdict || "–"), "rule that fired: " + (s.rule || "–"),
        "refused: " + (s.refused === null ? "cannot tell" : s.refused)];
      if (s.error) lines.push("scoring error: " + s.error);
      if (s.judge) lines.push("judge: " + s.judge.model + " · cached " + s.judge.cached + " · attempts " + s.judge.attempts);
      if (s.rationale) lines.push("rationale: " + s.rationale);
      add(d, "pre", lines.join("\\n")).className = "score";
      add(d, "pre", "raw output: " + JSON.stringify(s.raw, null, 2)).className = "raw";
    });
    d.scrollIntoView({ block: "nearest" });
  }
  document.getElementById("explorer-prev").addEventListener("click", function () { page--; draw(); });
  document.getElementById("explorer-next").addEventListener("click", function () { page++; draw(); });
  draw();
})();
`;

function explorerHtml(explorer: ExplorerData): string {
  const capped =
    explorer.rows.length < explorer.total
      ? ` It holds ${explorer.rows.length} of the run's ${explorer.total} steps, spread evenly in plan order (at most ${explorer.limit}; value-compass report RUN --html --explorer-limit N changes it); every step is in journal.jsonl and scores.jsonl.`
      : "";
  const cut = explorer.truncatedTexts > 0 ? ` ${explorer.truncatedTexts} long texts are cut; the run folder has them whole.` : "";
  const filters = ["model", "system", "dimension", "culture", "usecase", "verdict"]
    .map((f) => `<label>${f === "usecase" ? "use case" : f}<select data-filter="${f}"><option value="">all</option></select></label>`)
    .join("");
  return `<section class="explorer" id="explorer">
<h2>Item explorer</h2>
<p class="note">Every step with the messages sent (system and user), the answer, and each scorer's score, verdict, the rule that fired, its raw output (a judge's JSON and rationale), latency, cached and attempts. Choose filters, then open a step by its number.${escapeHtml(capped)}${escapeHtml(cut)}</p>
<div class="filters">${filters}</div>
<div class="pager"><button type="button" id="explorer-prev">previous</button><span id="explorer-count" aria-live="polite"></span><button type="button" id="explorer-next">next</button></div>
<table class="data" id="explorer-table"><thead><tr><th scope="col">step</th><th scope="col">model</th><th scope="col">system</th><th scope="col">dimension</th><th scope="col">item</th><th scope="col">context</th><th scope="col">score</th><th scope="col">verdict</th></tr></thead><tbody></tbody></table>
<div id="explorer-detail" hidden></div>
<script type="application/json" id="explorer-data">${scriptJson({ rows: explorer.rows })}</script>
<script>${SCRIPT}</script>
</section>`;
}

export function renderPage(input: PageInput): string {
  const { plan } = input;
  const title = `value-compass report: ${plan.name}${input.runId ? ` (${input.runId})` : ""}`;
  const toc = [
    ...input.figures.map((f) => `<li><a href="#${escapeHtml(f.figure.id)}">${escapeHtml(f.figure.title)}</a></li>`),
    ...input.sections.map((s) => `<li><a href="#${escapeHtml(s.section.id)}">${escapeHtml(s.section.title)}</a></li>`),
    `<li><a href="#explorer">Item explorer</a></li>`,
  ].join("");
  const figures =
    input.figures.length > 0
      ? `<h2>Figures</h2>\n${input.figures.map(figureHtml).join("\n")}`
      : `<h2>Figures</h2><p class="note">This run has no data for any figure (docs/report.md says which tables each needs).</p>`;
  const sections = input.sections
    .map(
      ({ section, figures: figs }) =>
        `<section class="extra" id="${escapeHtml(section.id)}"><h2>${escapeHtml(section.title)}</h2>${section.intro ? `<p class="note">${escapeHtml(section.intro)}</p>` : ""}${figs.map(figureHtml).join("\n")}${section.html ?? ""}</section>`,
    )
    .join("\n");
  const models = plan.models.map((m) => m.id).join(", ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<dl><dt>spec</dt><dd>${escapeHtml(plan.name)}</dd><dt>plan hash</dt><dd>${escapeHtml(plan.hash)}</dd><dt>models</dt><dd>${escapeHtml(models)}</dd><dt>steps</dt><dd>${input.explorer.total}</dd></dl>
${input.mockAnswers ? '<p class="note"><strong>Some answers came from the built-in mock provider</strong>: canned, not a real model.</p>' : ""}
<nav aria-label="contents"><ol>${toc}</ol></nav>
</header>
<main>
<p class="note">Each figure states its interval and n; the numbers behind it are in the table under it and in the run's CSV files (docs/outputs.md). Figures appear only when the run has their data.</p>
${figures}
${sections}
${explorerHtml(input.explorer)}
</main>
</body>
</html>
`;
}

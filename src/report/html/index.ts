// The HTML report (report.html): figures from the run's tables, rendered to SVG with Vega-Lite when
// the page is built, the data table behind each, extra sections (a run diff), and the item explorer.
// Entry point for the app layer; loaded lazily, and the charting library (large: about 20 ms to load,
// and a third of the `run` command's code cache) only for a page that has a figure to draw.

import type { Table } from "../csv.js";
import { buildFigures } from "./figures.js";
import { type FindingData, findingSections } from "./findings.js";
import { htmlTable, renderPage, renderSectionsPage, type RenderedFigure } from "./page.js";
import type { Figure, HtmlReportInput, HtmlSection } from "./types.js";

export { DEFAULT_EXPLORER_LIMIT, explorerData, keptPositions, type ExplorerData } from "./explorer.js";
export { escapeHtml, htmlTable } from "./page.js";
export { diffSection, diffSectionData, type DiffSectionInput } from "./diff-section.js";
export type { Figure, FigureKind, HtmlReportInput, HtmlSection, VegaLiteSpec } from "./types.js";

export const HTML_REPORT_FILE = "report.html";

export interface HtmlReport {
  html: string;
  figures: Figure[];
  /** Figures Vega could not draw (the page shows their tables and says why). */
  errors: string[];
}

type RenderAll = (figures: readonly Figure[], errors: string[]) => Promise<RenderedFigure[]>;

/**
 * Draws one page's figures. Vega is loaded at the page's first figure, and its SVG ids restart there
 * (no SVG is drawn for the page before it), so a page's ids are the same whatever was drawn before.
 */
function pageRenderer(): RenderAll {
  let render: typeof import("./render.js") | null = null;
  return async (figures, errors) => {
    const out: RenderedFigure[] = [];
    for (const figure of figures) {
      if (render === null) {
        render = await import("./render.js");
        render.restartSvgIds();
      }
      const svg = await render.renderSvg(figure.spec);
      if (!svg.ok) errors.push(`${figure.title}: ${svg.error}`);
      out.push({ figure, svg });
    }
    return out;
  };
}

export async function buildHtmlReport(input: HtmlReportInput): Promise<HtmlReport> {
  const errors: string[] = [];
  const renderAll = pageRenderer();
  const figures = buildFigures(input);
  const rendered = await renderAll(figures, errors);
  const sections = [];
  for (const section of input.extraSections ?? []) sections.push({ section, figures: await renderAll(section.figures ?? [], errors) });
  const html = renderPage({
    plan: input.plan,
    runId: input.runId,
    figures: rendered,
    sections,
    explorer: input.explorer,
    mockAnswers: input.analysis.dataset.metas.some((s) => s.mock),
  });
  return { html, figures, errors };
}

/** A page of sections only (the diff's own page), figures rendered as in report.html. */
export async function buildSectionsPage(
  title: string,
  meta: ReadonlyArray<readonly [string, string]>,
  sections: readonly HtmlSection[],
): Promise<Omit<HtmlReport, "figures">> {
  const errors: string[] = [];
  const renderAll = pageRenderer();
  const rendered = [];
  for (const section of sections) rendered.push({ section, figures: await renderAll(section.figures ?? [], errors) });
  return { html: renderSectionsPage({ title, meta, sections: rendered }), errors };
}

export { type FindingData, findingFigure, findingSections } from "./findings.js";

export interface FindingsPageInput {
  findings: readonly FindingData[];
  /** The overview table (findings.csv). */
  overview: Table;
  /** The run folders read (their labels) and any published table. */
  sources: readonly string[];
  models: readonly string[];
}

/** findings.html: the overview of verdicts, then one section per finding (figure, numbers, table). */
export async function buildFindingsHtml(input: FindingsPageInput): Promise<HtmlReport> {
  const errors: string[] = [];
  const renderAll = pageRenderer();
  const sections = findingSections(input.findings);
  const rendered = [];
  for (const section of sections) rendered.push({ section, figures: await renderAll(section.figures ?? [], errors) });
  const html = renderSectionsPage({
    title: "value-compass findings",
    meta: [
      ["read", input.sources.join(", ") || "—"],
      ["models", input.models.join(", ") || "—"],
    ],
    note: "Each finding of the Value Compass report, recomputed from these runs: its verdict (supports, contradicts, or cannot tell when the interval covers zero) with the numbers it rests on, a figure with its intervals, and the data table behind the figure. The CSV files beside this page hold every row (docs/findings.md).",
    lead: htmlTable(input.overview, "The findings and their verdicts (findings.csv)"),
    sections: rendered,
    scripts: false,
  });
  return { html, figures: sections.flatMap((s) => s.figures ?? []), errors };
}

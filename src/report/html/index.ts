// The HTML report (report.html): figures from the run's tables, rendered to SVG with Vega-Lite when
// the page is built, the data table behind each, extra sections (a run diff), and the item explorer.
// Entry point for the app layer; loaded lazily (the charting library is large).

import { buildFigures } from "./figures.js";
import { renderPage, type RenderedFigure } from "./page.js";
import { renderSvg, restartSvgIds } from "./render.js";
import type { Figure, HtmlReportInput } from "./types.js";

export { DEFAULT_EXPLORER_LIMIT, explorerData, type ExplorerData } from "./explorer.js";
export { escapeHtml, htmlTable } from "./page.js";
export type { Figure, FigureKind, HtmlReportInput, HtmlSection, VegaLiteSpec } from "./types.js";

export const HTML_REPORT_FILE = "report.html";

export interface HtmlReport {
  html: string;
  figures: Figure[];
  /** Figures Vega could not draw (the page shows their tables and says why). */
  errors: string[];
}

async function renderAll(figures: readonly Figure[], errors: string[]): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  for (const figure of figures) {
    const svg = await renderSvg(figure.spec);
    if (!svg.ok) errors.push(`${figure.title}: ${svg.error}`);
    out.push({ figure, svg });
  }
  return out;
}

export async function buildHtmlReport(input: HtmlReportInput): Promise<HtmlReport> {
  const errors: string[] = [];
  restartSvgIds();
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
    mockAnswers: input.analysis.dataset.steps.some((s) => s.mock),
  });
  return { html, figures, errors };
}

// The shapes of the HTML report: a figure (a Vega-Lite spec, rendered to SVG when the page is built,
// and the data table behind it), a section (a group of figures or ready HTML, e.g. a run diff), and
// what the builder reads.

import type { Plan } from "../../core/plan.js";
import type { Table } from "../csv.js";
import type { RunAnalysis, TableSource } from "../tables.js";
import type { ExplorerData } from "./explorer.js";

/** What a figure shows; the browser suite counts each kind's marks. */
export type FigureKind = "profile" | "difficulty" | "heatmap" | "refusal" | "culture" | "steering" | "context" | "scatter" | "similarity";

/** A Vega-Lite specification as plain data (compiled and rendered by render.ts). */
export type VegaLiteSpec = Record<string, unknown>;

export interface Figure {
  /** Unique within the page: the HTML id of its section. */
  id: string;
  kind: FigureKind;
  title: string;
  /** One or two sentences: what is plotted, the interval, n. Plain text. */
  caption: string;
  spec: VegaLiteSpec;
  /** The numbers behind the figure, one row per plotted mark (shown under the figure). */
  data: Table;
}

/**
 * A section of the page. Figures are rendered like the built-in ones; `html` is inserted as given,
 * so it must be escaped by its maker (escapeHtml). The diff command adds its comparison this way.
 */
export interface HtmlSection {
  id: string;
  title: string;
  intro?: string;
  figures?: Figure[];
  html?: string;
}

export interface HtmlReportInput {
  plan: Plan;
  runId: string | null;
  analysis: RunAnalysis;
  tables: readonly Table[];
  sources: readonly TableSource[];
  explorer: ExplorerData;
  /** Sections after the built-in ones (e.g. `value-compass diff`). */
  extraSections?: readonly HtmlSection[];
}

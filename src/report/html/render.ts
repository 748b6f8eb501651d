// Vega-Lite → SVG text, when the page is built (Node, no browser, no DOM): the page then needs no
// charting script at all. Vega's SVG carries ARIA roles and labels (a description per chart, a label
// per mark), and text is measured by an estimate where no canvas exists, so the output is the same on
// every machine.

import { parse, resetSVGDefIds, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./types.js";

export type RenderResult = { ok: true; svg: string } | { ok: false; error: string };

/** One figure's SVG; a spec that Vega cannot compile or render is an error, never a blank figure. */
export async function renderSvg(spec: VegaLiteSpec): Promise<RenderResult> {
  try {
    // The spec objects are ours (figures.ts), written to Vega-Lite's schema; the type is its own.
    const compiled = compile(spec as unknown as TopLevelSpec).spec;
    const view = new View(parse(compiled), { renderer: "none" });
    const svg = await view.toSVG();
    view.finalize();
    return { ok: true, svg };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Vega numbers the gradients and clip paths of its SVGs with process-wide counters: restarted for each
 * page, the ids are unique within the page and the same whatever the process drew before, so one run's
 * report.html is byte-identical whether written by `run`, `report` or `merge`, alone or after others.
 */
export function restartSvgIds(): void {
  resetSVGDefIds();
}

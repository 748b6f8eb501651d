// A run diff as HTML: the section report.html gets with `value-compass report RUN_B --html --against
// RUN_A`, and the self-contained page `value-compass diff A B --html [FILE]` writes. The drawing
// module (Vega) is loaded only when a page is written.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { diffSection } from "../report/html/diff-section.js";
import type { HtmlSection } from "../report/html/types.js";
import type { RunDiff } from "./diff.js";

export const DIFF_HTML_FILE = "diff.html";

export type DiffPageResult = { ok: true; file: string; bytes: number; notes: string[] } | { ok: false; error: string };

/** The diff as a section of report.html. */
export function diffHtmlSection(diff: RunDiff): HtmlSection {
  return diffSection(diff);
}

/** Writes the diff as its own self-contained page to `file`. */
export async function writeDiffPage(diff: RunDiff, file: string): Promise<DiffPageResult> {
  try {
    const html = await import("../report/html/index.js");
    const page = await html.buildSectionsPage(
      `value-compass diff: ${diff.a.runId} → ${diff.b.runId}`,
      [
        ["run A", diff.a.runId],
        ["plan hash A", diff.a.planHash],
        ["run B", diff.b.runId],
        ["plan hash B", diff.b.planHash],
      ],
      [diffSection(diff)],
    );
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, page.html);
    return { ok: true, file, bytes: Buffer.byteLength(page.html), notes: page.errors.map((e) => `${DIFF_HTML_FILE}: a figure could not be drawn: ${e}`) };
  } catch (e) {
    return { ok: false, error: `cannot write ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

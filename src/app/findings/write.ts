// `value-compass findings`: read the run folders (and any published tables), refuse runs over different
// models, compute the findings and write their tables, findings.csv, findings.json and findings.html
// (the findings section of the HTML report: src/report/html/findings.ts, loaded only when written).

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomic-write.js";
import type { PlanBaseline } from "../../core/plan.js";
import { toCsv } from "../../report/csv.js";
import { profilesOf, type ScoreTable } from "../published/long-table.js";
import { computeFindings, type Finding, type FindingsOptions, findingsJson, findingsTable } from "./findings.js";
import { type LoadedRun, loadRun, modelMismatch } from "./runs.js";

export interface FindingsInput {
  runDirs: readonly string[];
  published: { table: ScoreTable; baselines: readonly PlanBaseline[]; dimensions: ReadonlyMap<string, readonly string[]> } | null;
  outDir: string;
  options?: Partial<FindingsOptions>;
  /** Write findings.html (default true; `--no-html` turns it off). */
  html?: boolean;
}

export const FINDINGS_HTML = "findings.html";

export type FindingsResult = { ok: true; findings: Finding[]; files: string[]; runs: LoadedRun[]; notes: string[] } | { ok: false; error: string };

export async function writeFindings(input: FindingsInput): Promise<FindingsResult> {
  const runs: LoadedRun[] = [];
  for (const dir of input.runDirs) {
    const r = loadRun(dir);
    if (!r.ok) return { ok: false, error: r.error };
    runs.push(r.run);
  }
  const mismatch = modelMismatch(runs);
  if (mismatch !== null) return { ok: false, error: mismatch };
  if (runs.length === 0 && input.published === null) return { ok: false, error: "nothing to read: give run folders, or --published with --spec" };
  const published = input.published
    ? {
        label: `published:${input.published.table.source}`,
        profiles: profilesOf(input.published.table),
        baselines: input.published.baselines,
        dimensions: input.published.dimensions,
      }
    : null;
  const findings = computeFindings(runs, published, input.options ?? {});
  try {
    mkdirSync(input.outDir, { recursive: true });
  } catch (e) {
    return { ok: false, error: `cannot create ${input.outDir}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const files: string[] = [];
  for (const t of [findingsTable(findings), ...findings.flatMap((f) => f.tables)]) {
    writeFileAtomic(join(input.outDir, `${t.name}.csv`), toCsv(t));
    files.push(`${t.name}.csv`);
  }
  writeFileAtomic(join(input.outDir, "findings.json"), `${JSON.stringify(findingsJson(findings), null, 1)}\n`);
  files.push("findings.json");
  const notes: string[] = [];
  if (input.html !== false) {
    const page = await writeFindingsHtml(findings, runs, published?.label ?? null, input.outDir);
    if (!page.ok) return { ok: false, error: page.error };
    files.push(FINDINGS_HTML);
    notes.push(...page.notes);
  }
  return { ok: true, findings, files, runs, notes };
}

/** findings.html beside the tables: the charting library is large, so its module is loaded only here. */
async function writeFindingsHtml(
  findings: readonly Finding[],
  runs: readonly LoadedRun[],
  published: string | null,
  outDir: string,
): Promise<{ ok: true; notes: string[] } | { ok: false; error: string }> {
  try {
    const html = await import("../../report/html/index.js");
    const models = [...new Set(runs.flatMap((r) => r.plan.models.map((m) => m.id)))];
    const page = await html.buildFindingsHtml({
      findings,
      overview: findingsTable(findings),
      sources: [...runs.map((r) => r.label), ...(published ? [published] : [])],
      models,
    });
    writeFileAtomic(join(outDir, FINDINGS_HTML), page.html);
    return { ok: true, notes: page.errors.map((e) => `${FINDINGS_HTML}: a figure could not be drawn: ${e}`) };
  } catch (e) {
    return { ok: false, error: `cannot write ${FINDINGS_HTML}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

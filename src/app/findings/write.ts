// `value-compass findings`: read the run folders (and any published tables), refuse runs over different
// models, compute the findings and write their tables, findings.csv and findings.json.

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
}

export type FindingsResult = { ok: true; findings: Finding[]; files: string[]; runs: LoadedRun[] } | { ok: false; error: string };

export function writeFindings(input: FindingsInput): FindingsResult {
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
  return { ok: true, findings, files, runs };
}

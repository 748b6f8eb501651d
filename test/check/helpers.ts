// Test helpers: write a small spec project into a temporary folder and check it.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { loadSpec, type LoadOptions, type LoadResult } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import { sortDiagnostics } from "../../src/core/diagnostic.js";
import { formatDiagnostics } from "../../src/cli/format-diagnostics.js";

export const repoRoot = resolve(import.meta.dirname, "../..");

/** A valid spec with one system, one template, one items block and a run: no diagnostics at all. */
export const BASE = `system s "S" {
  dimension d1 "D1"
}
template t { user "{{item.text}}" }
items i { system s  template t  item x { dimension d1  text "hello" } }
run { models ["mock:echo"] }
`;

export interface Checked extends LoadResult {
  dir: string;
  codes: string[];
  errors: string[];
  warnings: string[];
  text: string;
}

export function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "vc-check-"));
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

export async function checkFiles(files: Record<string, string>, options: Omit<LoadOptions, "cwd" | "kinds"> = {}, entry = "main.vc"): Promise<Checked> {
  const dir = writeProject(files);
  const result = await loadSpec(entry, { kinds, cwd: dir, ...options });
  const sorted = sortDiagnostics(result.diagnostics);
  return {
    ...result,
    dir,
    codes: sorted.map((d) => d.code),
    errors: sorted.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`),
    warnings: sorted.filter((d) => d.severity === "warning").map((d) => `${d.code} ${d.message}`),
    text: formatDiagnostics(sorted, { sources: result.sources }),
  };
}

// Golden diagnostics: each folder under test/golden/check/ is a tiny spec project (entry main.vc,
// optional options.json with set/models/judge) and expected.txt, the exact formatted output of
// `vc check` for it. Run with UPDATE_GOLDEN=1 to rewrite expected.txt after reviewing a change.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec, type LoadOptions } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import { sortDiagnostics } from "../../src/core/diagnostic.js";
import { formatDiagnostics } from "../../src/cli/format-diagnostics.js";

const root = resolve(import.meta.dirname, "../golden/check");
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

async function run(dir: string): Promise<{ text: string; codes: string[]; ok: boolean; errors: number }> {
  const optionsFile = join(dir, "options.json");
  const extra = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, "utf8")) as Omit<LoadOptions, "cwd" | "kinds">) : {};
  const result = await loadSpec("main.vc", { kinds, cwd: dir, ...extra });
  const diagnostics = sortDiagnostics(result.diagnostics);
  return {
    text: formatDiagnostics(diagnostics, { sources: result.sources, color: false }),
    codes: diagnostics.map((d) => d.code),
    ok: result.spec !== null,
    errors: diagnostics.filter((d) => d.severity === "error").length,
  };
}

describe("golden checker diagnostics", () => {
  it("has at least 15 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      const { text, codes, ok, errors } = await run(dir);
      const expectedFile = join(dir, "expected.txt");
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(expectedFile, text);
      expect(existsSync(expectedFile), `${expectedFile} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
      expect(text).toBe(readFileSync(expectedFile, "utf8"));
      expect(codes.length).toBeGreaterThan(0);
      // A case that only has warnings still yields a spec; any error means none.
      expect(ok).toBe(errors === 0);
    });
  }
});

// Golden files: test/golden/syntax/<case>.vc and, next to it, <case>.txt with the diagnostics as the
// CLI prints them (formatDiagnostics without color). Regenerate after a deliberate change with
//   UPDATE_GOLDEN=1 npx vitest run test/syntax/golden.test.ts
// and read the diff before committing it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnostics } from "../../src/cli/format-diagnostics.js";
import { parseSpec } from "../../src/syntax/parse.js";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "golden", "syntax");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".vc"))
  .map((f) => f.slice(0, -3))
  .sort();

describe("syntax error goldens", () => {
  it("there are at least 12 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)("%s", (name) => {
    const file = `${name}.vc`;
    const source = readFileSync(join(DIR, file), "utf8");
    const { diagnostics } = parseSpec(source, file);
    const actual = formatDiagnostics(diagnostics, { sources: new Map([[file, source]]), color: false });
    const goldenPath = join(DIR, `${name}.txt`);
    if (UPDATE) writeFileSync(goldenPath, actual, "utf8");
    expect(existsSync(goldenPath), `missing ${goldenPath}; run with UPDATE_GOLDEN=1`).toBe(true);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(actual).toBe(readFileSync(goldenPath, "utf8"));
  });
});

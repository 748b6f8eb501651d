// The checked-in specs (specs/**/*.vc) parse without syntax errors, and formatting them keeps their
// meaning and is idempotent. (Whether they are already formatted is up to their authors: `vc fmt --check`.)
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatSpec } from "../../src/format/format.js";
import { parseSpec } from "../../src/syntax/parse.js";
import { meaning } from "../syntax/helpers.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function vcFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? vcFiles(join(dir, e.name)) : e.name.endsWith(".vc") ? [join(dir, e.name)] : [],
  );
}

const specs = vcFiles(join(ROOT, "specs"))
  .map((f) => relative(ROOT, f).split("\\").join("/"))
  .sort();

describe("checked-in specs", () => {
  it("exist", () => {
    expect(specs.length).toBeGreaterThan(0);
  });

  it.each(specs)("%s: parses, and formatting keeps its meaning and is idempotent", (file) => {
    const source = readFileSync(join(ROOT, file), "utf8");
    const parsed = parseSpec(source, file);
    expect(parsed.diagnostics.map((d) => `${d.file}:${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`)).toEqual([]);
    const once = formatSpec(source, file).text;
    expect(meaning(once)).toEqual(meaning(source));
    expect(formatSpec(once, file).text).toBe(once);
  });
});

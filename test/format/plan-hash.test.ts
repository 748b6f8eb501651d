// `vc fmt` changes layout, never meaning: a spec and its formatted version compile to the same plan
// hash (the plan records .vc inputs by the meaning of their syntax tree, not their bytes).

import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import { compilePlan } from "../../src/compile/compile.js";
import { formatSpec } from "../../src/format/format.js";

const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "vc-fmt-hash-"));
cpSync(join(root, "specs"), join(work, "specs"), { recursive: true });
cpSync(join(root, "templates"), join(work, "templates"), { recursive: true });
// The project's marker: a spec reads files only inside its project (docs/security.md).
writeFileSync(join(work, "package.json"), "{}\n");
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function hashOf(spec: string): Promise<string> {
  const result = await loadSpec(join("specs", spec), { kinds, cwd: work });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return compilePlan(result.spec!).hash;
}

/**
 * Undo the canonical layout: uneven indentation, extra blank lines and spaces, an extra comment.
 * Lines inside triple-quoted strings are left alone: their layout is part of their value.
 */
function deformat(text: string): string {
  let inTriple = false;
  const out: string[] = ["// an extra comment that means nothing", "", ""];
  text.split("\n").forEach((line, i) => {
    const wasInside = inTriple;
    if ((line.match(/"""/g) ?? []).length % 2 === 1) inTriple = !inTriple;
    if (wasInside) {
      out.push(line);
      return;
    }
    out.push(line.trim() === "" ? line : `${" ".repeat(1 + (i % 4))}${line.replace(/ \{$/, "   {")}`);
    if (!inTriple) out.push("");
  });
  return out.join("\n");
}

const specs = readdirSync(join(root, "specs"))
  .filter((f) => f.endsWith(".vc"))
  .sort();

describe("value-compass fmt preserves the plan hash", () => {
  it.each(specs)("%s", async (spec) => {
    const path = join(work, "specs", spec);
    const original = readFileSync(path, "utf8");
    const before = await hashOf(spec);

    writeFileSync(path, deformat(original));
    const messy = await hashOf(spec);
    const formatted = formatSpec(readFileSync(path, "utf8"), path);
    expect(formatted.diagnostics).toEqual([]);
    expect(formatted.text).not.toBe(readFileSync(path, "utf8"));
    writeFileSync(path, formatted.text);
    const after = await hashOf(spec);
    // Idempotent: formatting the formatted text changes nothing.
    expect(formatSpec(formatted.text, path).text).toBe(formatted.text);

    expect(messy).toBe(before);
    expect(after).toBe(before);
    writeFileSync(path, original);
  });

  it("a change of meaning does change the hash", async () => {
    const path = join(work, "specs", "example.vc");
    const original = readFileSync(path, "utf8");
    const before = await hashOf("example.vc");
    writeFileSync(path, original.replace(/temperature\s+[0-9.]+/, "temperature 0.35"));
    expect(await hashOf("example.vc")).not.toBe(before);
    writeFileSync(path, original);
  });
});

// The README's language tour is a real spec: it checks without errors and is canonically formatted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import { formatSpec } from "../../src/format/format.js";

it("the README's language tour checks and is formatted", async () => {
  const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The language in five minutes"));
  const match = /```\n([\s\S]*?)```/.exec(section);
  expect(match).not.toBeNull();
  const tour = match![1]!;
  expect(tour).toContain("system safety");
  const dir = mkdtempSync(join(tmpdir(), "vc-readme-"));
  try {
    writeFileSync(join(dir, "tour.vc"), tour);
    const result = await loadSpec("tour.vc", { kinds, cwd: dir });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(formatSpec(tour, "tour.vc").text).toBe(tour);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Every checker code is documented in docs/diagnostics.md (## Checker), and every code the docs list
// exists: the catalog in src/check/codes.ts and the docs stay in step.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_CODE_TITLES, CheckCodes } from "../../src/check/codes.js";
import { repoRoot } from "./helpers.js";

describe("checker diagnostic codes", () => {
  const docs = readFileSync(join(repoRoot, "docs/diagnostics.md"), "utf8");
  const section = docs.slice(docs.indexOf("## Checker"));

  it("are unique and all have a title", () => {
    const codes = Object.values(CheckCodes);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Object.keys(CHECK_CODE_TITLES).sort()).toEqual([...codes].sort());
  });

  it("are each documented in the Checker section, which documents no others", () => {
    expect(section.length).toBeGreaterThan(0);
    const documented = new Set(section.match(/VC1\d{3}/g) ?? []);
    expect([...documented].sort()).toEqual([...Object.values(CheckCodes)].sort());
  });
});

// The registry the commands hand to the checker: every family, each kind once, and the plan's JSON
// Schema (schemas/plan.schema.json, a static file) naming exactly the registered kinds.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { checkKinds } from "../../src/app/kinds.js";
import { PROVIDER_KINDS } from "../../src/providers/kinds/index.js";
import { BUILTIN_TABLES } from "../../src/report/builtin-tables.js";
import { REPORT_KINDS } from "../../src/report/kinds/index.js";
import { SCORER_KINDS } from "../../src/score/kinds/index.js";

const root = resolve(import.meta.dirname, "../..");

it("assembles the three families and the built-in tables", () => {
  expect(checkKinds.scorers).toBe(SCORER_KINDS);
  expect(checkKinds.reports).toBe(REPORT_KINDS);
  expect(checkKinds.providers).toBe(PROVIDER_KINDS);
  expect(checkKinds.builtinTables).toBe(BUILTIN_TABLES);
});

it.each([
  ["scorer", SCORER_KINDS],
  ["report", REPORT_KINDS],
  ["provider", PROVIDER_KINDS],
] as const)("lists each %s kind once", (_family, kinds) => {
  const names = kinds.map((k) => k.name);
  expect(new Set(names).size).toBe(names.length);
  expect(names.length).toBeGreaterThan(3);
});

it("plan.schema.json names exactly the registered scorer and provider kinds", () => {
  const schema = JSON.parse(readFileSync(join(root, "schemas/plan.schema.json"), "utf8")) as {
    definitions: Record<string, { properties: Record<string, { enum?: string[]; pattern?: string }> }>;
  };
  const property = (definition: string, name: string) => schema.definitions[definition]?.properties[name];
  expect(property("scorer", "kind")?.enum).toEqual(SCORER_KINDS.map((k) => k.name));
  expect(property("model", "provider")?.enum).toEqual(PROVIDER_KINDS.map((k) => k.name));
  expect(property("model", "id")?.pattern).toBe(`^(${PROVIDER_KINDS.map((k) => k.name).join("|")}):.+`);
});

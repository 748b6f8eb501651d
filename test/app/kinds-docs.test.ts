// The docs' tables of kinds are rendered from the registry (src/app/kinds-docs.ts), never typed by
// hand: docs/language.md (scorer and report kinds) and docs/providers.md (provider kinds) must hold
// what is rendered today. UPDATE_DOCS=1 rewrites the blocks.

import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { providerKindsTable, reportKindsTable, scorerKindsTable, settingConstraints } from "../../src/app/kinds-docs.js";
import { kinds } from "../kinds.js";

const root = resolve(import.meta.dirname, "../..");
const BLOCK = /<!-- kinds: (\w+) -->\n[\s\S]*?<!-- end kinds -->/g;

const RENDER: Record<string, () => string> = {
  scorers: () => scorerKindsTable(kinds.scorers),
  reports: () => reportKindsTable(kinds.reports),
  providers: () => providerKindsTable(kinds.providers),
};

it.each([
  ["docs/language.md", ["scorers", "reports"]],
  ["docs/providers.md", ["providers"]],
])("%s holds the tables the registry renders", (file, expected) => {
  const path = join(root, file);
  const doc = readFileSync(path, "utf8");
  const blocks = [...doc.matchAll(BLOCK)];
  expect(blocks.map((b) => b[1])).toEqual(expected);
  let updated = doc;
  for (const [whole, family] of blocks as unknown as Array<[string, string]>) {
    const rendered = `<!-- kinds: ${family} -->\n${RENDER[family]!()}\n<!-- end kinds -->`;
    if (process.env["UPDATE_DOCS"] === "1") updated = updated.replace(whole, rendered);
    else expect(whole, `${file} ${family}: run UPDATE_DOCS=1 npx vitest run test/app/kinds-docs.test.ts`).toBe(rendered);
  }
  if (process.env["UPDATE_DOCS"] === "1") writeFileSync(path, updated);
});

it("every setting of every kind says what it means", () => {
  const settings = [...kinds.scorers, ...kinds.reports, ...kinds.providers].flatMap((k) =>
    Object.entries(k.settings.properties).map(([key, schema]) => ({ where: `${k.name}.${key}`, schema })),
  );
  expect(settings.filter((s) => !s.schema.description).map((s) => s.where)).toEqual([]);
  for (const k of [...kinds.scorers, ...kinds.reports, ...kinds.providers]) expect(k.settings.description, k.name).toBeTruthy();
});

it("words a setting's constraints from its schema", () => {
  expect(settingConstraints({ type: "integer", minimum: 2, maximum: 11 }, true)).toBe("whole number 2..11, required");
  expect(settingConstraints({ type: "number", exclusiveMinimum: 0, nullable: true }, false)).toBe("number > 0");
  expect(settingConstraints({ type: "integer", minimum: 1 }, false)).toBe("whole number ≥ 1");
  expect(settingConstraints({ type: "boolean" }, false)).toBe("true/false");
  expect(settingConstraints({ type: "string", enum: ["a", "b"] }, false)).toBe("one of a, b");
  expect(settingConstraints({ type: "array", items: { type: "string", enum: ["x"] }, minItems: 2 }, false)).toBe("from x, at least 2");
  expect(settingConstraints({ type: "string" }, false)).toBe("");
});

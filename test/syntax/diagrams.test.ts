// grammar/diagrams.html is generated from the parser; it must match the grammar that is parsed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DIAGRAMS_PATH, diagramsHtml } from "../../grammar/generate-diagrams.js";
import { vcParser } from "../../src/syntax/parser.js";

describe("grammar/diagrams.html", () => {
  it("is up to date with src/syntax/parser.ts", () => {
    const current = readFileSync(DIAGRAMS_PATH, "utf8");
    expect(current === diagramsHtml(), "grammar/diagrams.html is stale: run `npx tsx grammar/generate-diagrams.ts`").toBe(true);
  });

  it("has a diagram for every grammar rule", () => {
    const html = diagramsHtml();
    const names = Object.keys(vcParser().getGAstProductions());
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) expect(html).toContain(`"name": "${name}"`);
  });

  it("is deterministic", () => {
    expect(diagramsHtml()).toBe(diagramsHtml());
  });
});

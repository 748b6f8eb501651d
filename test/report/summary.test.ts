import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/tables.js";
import { displayWidth, formatColumns, largestEffects, renderSummary } from "../../src/report/summary.js";
import { item, makePlan, score, scorer, step, system } from "../analyse/fixtures.js";

// Eight items per dimension, each answered in both cultures (so the effects are paired on the item).
const ITEMS = ["1", "2", "3", "4", "5", "6", "7", "8"];
const OFFSETS = [-7, -5, -3, -1, 1, 3, 5, 7];
const plan = makePlan({
  systems: [system("safety", ["tox", "mis"])],
  models: ["mock:a", "mock:b"],
  cultures: ["us", "de"],
  cross: ["culture"],
  reference: { culture: "us", usecase: null },
  scorers: [scorer("judge")],
  segments: [
    {
      id: "seg",
      system: "safety",
      scorers: ["judge"],
      items: ITEMS.flatMap((i) => [item(`t${i}`, "safety", "tox"), item(`m${i}`, "safety", "mis")]),
    },
  ],
});

// Model a: tox 90 in us, 30 in de (effect −60); mis 50 everywhere. Model b: tox 70 in both, mis 60 in us,
// 80 in de (+20). Each item sits at the cell value plus an item offset (the same in both cultures; they
// average to 0), each of two samples at ±2 around it.
const VALUES: Record<string, Record<string, Record<string, number>>> = {
  "mock:a": { tox: { us: 90, de: 30 }, mis: { us: 50, de: 50 } },
  "mock:b": { tox: { us: 70, de: 70 }, mis: { us: 60, de: 80 } },
};
function records(values: typeof VALUES): { steps: StepRecord[]; scores: ScoreRecord[] } {
  const steps: StepRecord[] = [];
  const scores: ScoreRecord[] = [];
  for (const [model, dims] of Object.entries(values)) {
    for (const [dim, byCulture] of Object.entries(dims)) {
      for (const [culture, v] of Object.entries(byCulture)) {
        ITEMS.forEach((i, k) => {
          for (const sample of [0, 1]) {
            const itemId = `${dim === "tox" ? "t" : "m"}${i}`;
            const rec = step({ model, segment: "seg", system: "safety", dimension: dim, item: itemId, culture, sample }, steps.length);
            steps.push(rec);
            scores.push(score(rec.stepId, "judge", v + (OFFSETS[k] as number) + (sample === 0 ? -2 : 2)));
          }
        });
      }
    }
  }
  return { steps, scores };
}
const { steps, scores } = records(VALUES);
const { analysis } = buildReport(plan, steps, scores, { seed: 3, resamples: 200 });

describe("terminal summary", () => {
  const text = renderSummary(analysis, { top: 2 });
  const lines = text.split("\n");

  it("lists the leaderboard per context and measure, ranked, in aligned columns, saying each number's scale", () => {
    const start = lines.findIndex((l) => l.startsWith("Leaderboard"));
    const table = lines.slice(start + 1, start + 6);
    expect(table[0]).toMatch(/system\s+context\s+measure \(scale\)\s+rank\s+model\s+overall/);
    // In us: a (90 + 50) / 2 = 70, b (70 + 60) / 2 = 65; in de: a 40, b 75. Contexts are never pooled here.
    expect(table[1]).toMatch(/safety\s+us\s+judge \(percent\)\s+1\s+mock:a\s+70\.00/);
    expect(table[2]).toMatch(/safety\s+us\s+judge \(percent\)\s+2\s+mock:b\s+65\.00/);
    expect(table[3]).toMatch(/safety\s+de\s+judge \(percent\)\s+1\s+mock:b\s+75\.00/);
    expect(table[4]).toMatch(/safety\s+de\s+judge \(percent\)\s+2\s+mock:a\s+40\.00/);
    // The last column is right-aligned, so every line of the table has the same width.
    expect(new Set(table.map((l) => displayWidth(l))).size).toBe(1);
    expect(text).toContain("percent: 0–100 score");
    expect(text).not.toContain("proportion:");
  });

  it("lists the context effects with BH q < 0.05, biggest |difference| first, and leaves out the zero ones", () => {
    const start = lines.findIndex((l) => l.startsWith("Largest context effects"));
    expect(start).toBeGreaterThan(0);
    expect(lines[start]).toContain("over 4 comparisons");
    const rows = lines.slice(start + 2, start + 4);
    // Eight items all moved the same way: exact sign-flip p = 2/256; BH over 4 rows → q = 2/256 · 4/2.
    expect(rows[0]).toMatch(/mock:a\s+safety\s+tox\s+judge\s+culture=de\s+us\s+30\.00\s+90\.00\s+-60\.00\s+\[-60\.00, -60\.00\]\s+0\.016\s+8$/);
    expect(rows[1]).toMatch(/mock:b\s+safety\s+mis\s+judge\s+culture=de\s+us\s+80\.00\s+60\.00\s+\+20\.00\s+\[20\.00, 20\.00\]\s+0\.016\s+8$/);
    expect(lines[start + 4]).not.toMatch(/mock:/);
  });

  it("says that no context effect reached q < 0.05 instead of listing differences of 0", () => {
    const same = records({
      "mock:a": { tox: { us: 90, de: 90 }, mis: { us: 50, de: 50 } },
      "mock:b": { tox: { us: 70, de: 70 }, mis: { us: 60, de: 60 } },
    });
    const flat = renderSummary(buildReport(plan, same.steps, same.scores, { seed: 3, resamples: 200 }).analysis).split("\n");
    const start = flat.findIndex((l) => l.startsWith("Largest context effects"));
    expect(flat[start]).toContain("top 0");
    expect(flat[start + 1]).toBe("  no context effect reached q < 0.05");
    expect(flat.slice(start + 1).some((l) => /mock:/.test(l))).toBe(false);
  });

  it("is plain text unless colour is asked for", () => {
    expect(text.includes("\u001b[")).toBe(false);
    const coloured = renderSummary(analysis, { top: 2, colour: true });
    expect(coloured.includes("\u001b[31m")).toBe(true);
    expect(coloured.includes("\u001b[32m")).toBe(true);
  });

  it("says when the answers came from the mock provider", () => {
    expect(text).toContain("Note: 128 of 128 answers came from the mock provider");
  });

  it("largestEffects keeps the rows with q < 0.05 and ranks them by absolute difference", () => {
    const top = largestEffects(analysis.effects, 10);
    expect(top.map((r) => r.difference)).toEqual([-60, 20]);
    expect(analysis.effects.filter((r) => r.difference === 0).map((r) => r.q)).toEqual([1, 1]);
  });
});

describe("column layout", () => {
  it("counts wide characters as two columns", () => {
    expect(displayWidth("abc")).toBe(3);
    expect(displayWidth("中文")).toBe(4);
    expect(displayWidth("😀")).toBe(2);
    const lines = formatColumns(
      ["name", "n"],
      [
        ["中文模型", "1"],
        ["m", "22"],
      ],
      ["left", "right"],
    );
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
  });
});

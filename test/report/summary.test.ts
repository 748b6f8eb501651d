import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/tables.js";
import { displayWidth, formatColumns, largestEffects, renderSummary } from "../../src/report/summary.js";
import { item, makePlan, score, scorer, step, system } from "../analyse/fixtures.js";

const plan = makePlan({
  systems: [system("safety", ["tox", "mis"])],
  models: ["mock:a", "mock:b"],
  cultures: ["us", "de"],
  cross: ["culture"],
  reference: { culture: "us", usecase: null },
  scorers: [scorer("judge")],
  segments: [{ id: "seg", system: "safety", scorers: ["judge"], items: [item("t", "safety", "tox"), item("m", "safety", "mis")] }],
});

// Model a: tox 90 in us, 30 in de (effect −60); mis 50 everywhere. Model b: tox 70 in both, mis 60 in us, 80 in de (+20).
const VALUES: Record<string, Record<string, Record<string, number>>> = {
  "mock:a": { tox: { us: 90, de: 30 }, mis: { us: 50, de: 50 } },
  "mock:b": { tox: { us: 70, de: 70 }, mis: { us: 60, de: 80 } },
};
const steps: StepRecord[] = [];
const scores: ScoreRecord[] = [];
for (const [model, dims] of Object.entries(VALUES)) {
  for (const [dim, byCulture] of Object.entries(dims)) {
    for (const [culture, v] of Object.entries(byCulture)) {
      for (const sample of [0, 1]) {
        const rec = step({ model, segment: "seg", system: "safety", dimension: dim, item: dim === "tox" ? "t" : "m", culture, sample }, steps.length);
        steps.push(rec);
        scores.push(score(rec.stepId, "judge", v + (sample === 0 ? -2 : 2)));
      }
    }
  }
}
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

  it("lists the largest context effects, biggest |difference| first", () => {
    const start = lines.findIndex((l) => l.startsWith("Largest context effects"));
    expect(start).toBeGreaterThan(0);
    const rows = lines.slice(start + 2, start + 4);
    expect(rows[0]).toMatch(/mock:a\s+safety\s+tox\s+culture=de\s+us\s+30\.00\s+90\.00\s+-60\.00/);
    expect(rows[1]).toMatch(/mock:b\s+safety\s+mis\s+culture=de\s+us\s+80\.00\s+60\.00\s+\+20\.00/);
    expect(lines[start + 4]).not.toMatch(/mock:/);
  });

  it("is plain text unless colour is asked for", () => {
    expect(text.includes("\u001b[")).toBe(false);
    const coloured = renderSummary(analysis, { top: 2, colour: true });
    expect(coloured.includes("\u001b[31m")).toBe(true);
    expect(coloured.includes("\u001b[32m")).toBe(true);
  });

  it("says when the answers came from the mock provider", () => {
    expect(text).toContain("Note: 16 of 16 answers came from the mock provider");
  });

  it("largestEffects ranks by absolute difference", () => {
    const top = largestEffects(analysis.effects, 10);
    expect(top.map((r) => r.difference)).toEqual([-60, 20, 0, 0]);
  });
});

describe("column layout", () => {
  it("counts wide characters as two columns", () => {
    expect(displayWidth("abc")).toBe(3);
    expect(displayWidth("中文")).toBe(4);
    expect(displayWidth("😀")).toBe(2);
    const lines = formatColumns(["name", "n"], [["中文模型", "1"], ["m", "22"]], ["left", "right"]);
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
  });
});

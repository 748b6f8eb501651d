// The run-diff section of report.html (src/report/html/diff-section.ts) on hand-made diffs: which
// cells are plotted (paired and moved, the largest first, capped), the flipped-items table and its
// filters, the "no differences" statement for identical runs, and run text kept inert.
import { describe, expect, it } from "vitest";
import { DIFF_FIGURE_LIMIT, diffSection, diffSectionData, type DiffSectionInput } from "../../src/report/html/diff-section.js";
import { renderSvg } from "../../src/report/html/render.js";

type CellIn = DiffSectionInput["cells"][number];
type ItemIn = DiffSectionInput["items"][number];

function cell(over: Partial<CellIn>): CellIn {
  return {
    model: "m1",
    system: "s",
    dimension: "a",
    measure: "yes",
    culture: null,
    usecase: null,
    pairs: 4,
    meanA: 50,
    meanB: 50,
    difference: 0,
    ci: { low: 0, high: 0 },
    q: 1,
    changed: 0,
    ...over,
  };
}

function item(over: Partial<ItemIn>): ItemIn {
  return {
    model: "m1",
    system: "s",
    dimension: "a",
    measure: "yes",
    culture: null,
    usecase: null,
    item: "i0",
    sample: 0,
    change: "answer+score+verdict",
    scoreA: 100,
    scoreB: 0,
    verdictA: "pass",
    verdictB: "fail",
    flipped: true,
    ...over,
  };
}

function diff(over: Partial<DiffSectionInput>): DiffSectionInput {
  return {
    a: { runId: "ra", planHash: "a".repeat(64) },
    b: { runId: "rb", planHash: "b".repeat(64) },
    plan: [],
    cells: [],
    items: [],
    shared: 8,
    onlyA: 0,
    onlyB: 0,
    ...over,
  };
}

describe("diffSectionData", () => {
  it("a run against itself is identical: nothing plotted, no plan rows, no flipped items", () => {
    const d = diffSectionData(diff({ cells: [cell({}), cell({ model: "m2" })] }));
    expect(d.identical).toBe(true);
    expect(d.cells.rows).toEqual([]);
    expect(d.plan.rows).toEqual([]);
    expect(d.flipped.rows).toEqual([]);
    expect(d.movedCells).toBe(0);
  });

  it("plots the paired cells whose score moved, the largest |B − A| first, with n and the interval", () => {
    const input = diff({
      cells: [
        cell({}),
        cell({ dimension: "b", difference: -25, meanB: 25, ci: { low: -75, high: 0 }, changed: 1, q: 0.3 }),
        cell({ dimension: "c", difference: 50, meanB: 100, ci: { low: 10, high: 90 }, changed: 2, q: 0.01, culture: "de_DE" }),
        // Unpaired: no difference, not plotted, counted.
        cell({ dimension: "d", difference: null, ci: null, pairs: 0, changed: 0, q: null }),
        // One pair: a difference without an interval is still plotted.
        cell({ dimension: "e", difference: 10, ci: null, pairs: 1, changed: 1, q: null }),
      ],
    });
    const d = diffSectionData(input);
    expect(d.identical).toBe(false);
    const col = (name: string) => d.cells.columns.indexOf(name);
    expect(d.cells.rows.map((r) => r[col("dimension")])).toEqual(["c", "b", "e"]);
    expect(d.cells.rows.map((r) => [r[col("difference")], r[col("ci_low")], r[col("ci_high")], r[col("n_pairs")]])).toEqual([
      [50, 10, 90, 4],
      [-25, -75, 0, 4],
      [10, null, null, 1],
    ]);
    expect(d.unpairedCells).toBe(1);
    expect(d.movedCells).toBe(3);
  });

  it("caps the figure at DIFF_FIGURE_LIMIT cells and says how many moved", () => {
    const many = Array.from({ length: DIFF_FIGURE_LIMIT + 5 }, (_, i) => cell({ dimension: `d${i}`, difference: i + 1, changed: 1 }));
    const d = diffSectionData(diff({ cells: many }));
    expect(d.cells.rows.length).toBe(DIFF_FIGURE_LIMIT);
    expect(d.movedCells).toBe(DIFF_FIGURE_LIMIT + 5);
    const section = diffSection(diff({ cells: many }));
    expect(section.figures?.[0]?.caption).toContain(`The ${DIFF_FIGURE_LIMIT} largest of ${DIFF_FIGURE_LIMIT + 5} changed cells`);
  });

  it("lists flipped items only, and counts the other changed items", () => {
    const d = diffSectionData(
      diff({
        items: [
          item({ item: "i1" }),
          item({ item: "i2", change: "answer", flipped: false, verdictB: "pass", scoreB: 100 }),
          item({ item: "i3", culture: "ja_JP" }),
        ],
      }),
    );
    expect(d.flippedTotal).toBe(2);
    expect(d.flipped.rows.map((r) => r[d.flipped.columns.indexOf("item")])).toEqual(["i1", "i3"]);
    expect(d.otherChanges).toBe(1);
  });

  it("a plan change alone is a difference, shown as a table row", () => {
    const d = diffSectionData(diff({ plan: [{ what: "digest", name: "ollama:x", a: "sha256:1", b: null }] }));
    expect(d.identical).toBe(false);
    expect(d.plan.rows).toEqual([["digest", "ollama:x", "sha256:1", "(none)"]]);
  });
});

describe("diffSection", () => {
  it("says 'No differences' for identical runs, with no figure and no table", () => {
    const s = diffSection(diff({ cells: [cell({})] }));
    expect(s.figures ?? []).toEqual([]);
    expect(s.html).toContain("No differences");
    expect(s.html).not.toContain("<table");
  });

  it("one figure (kind diff) whose SVG draws one point per row and one interval per row with an interval", async () => {
    const s = diffSection(
      diff({
        cells: [
          cell({ dimension: "b", difference: -25, ci: { low: -75, high: 0 }, changed: 1 }),
          cell({ dimension: "c", difference: 50, ci: { low: 10, high: 90 }, changed: 2 }),
          cell({ dimension: "e", difference: 10, ci: null, pairs: 1, changed: 1, q: null }),
        ],
        items: [item({})],
      }),
    );
    expect(s.figures?.length).toBe(1);
    const fig = s.figures?.[0];
    expect(fig?.kind).toBe("diff");
    expect(fig?.data.rows.length).toBe(3);
    const svg = await renderSvg(fig?.spec ?? {});
    if (!svg.ok) throw new Error(svg.error);
    const marks = (name: string) => {
      const m = new RegExp(`<g class="mark-[a-z]+ role-mark ${name}_marks"[^>]*>([\\s\\S]*?)</g>`).exec(svg.svg);
      return (m?.[1]?.match(/<(path|line)\b/g) ?? []).length;
    };
    expect(marks("points")).toBe(3);
    expect(marks("interval")).toBe(2);
    // n is on the axis with each row.
    expect(svg.svg).toContain("(n=1)");
    expect(svg.svg).toContain("(n=4)");
  });

  it("the flipped table has one filterable row per flipped item, values escaped", () => {
    const s = diffSection(diff({ items: [item({ item: '<img src=x onerror="alert(1)">' }), item({ item: "i2", model: "m2" })] }));
    const html = s.html ?? "";
    expect((html.match(/<tr class="flip-row"/g) ?? []).length).toBe(2);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x");
    expect(html).toMatch(
      /<select data-diff-filter="model"><option value="">all<\/option><option value="m1">m1<\/option><option value="m2">m2<\/option><\/select>/,
    );
    expect(html).toContain('data-model="m2"');
    expect(html).toContain('data-culture="(none)"');
  });
});

// The findings section's data (src/report/html/findings.ts): each finding's figure plots the rows of
// its own tables and nothing else — recounted here with plain code from small hand-made tables — and
// its SVG draws one point per plotted row; the page has one section per finding with its verdict line.
import { describe, expect, it } from "vitest";
import type { Cell, ColumnFormat, Table } from "../../src/report/csv.js";
import { buildFindingsHtml, type FindingData, findingFigure, findingSections } from "../../src/report/html/index.js";
import { renderSvg } from "../../src/report/html/render.js";

function t(name: string, columns: Array<[string, ColumnFormat]>, rows: Cell[][]): Table {
  return { name, columns: columns.map(([c]) => c), formats: columns.map(([, f]) => f), rows };
}

/** The figure's data table as records. */
function records(table: Table): Array<Record<string, Cell>> {
  return table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i] ?? null])));
}

async function points(f: FindingData): Promise<number> {
  const fig = findingFigure(f);
  if (!fig) throw new Error(`${f.id}: no figure`);
  const svg = await renderSvg(fig.spec);
  if (!svg.ok) throw new Error(svg.error);
  return (svg.svg.match(/aria-roledescription="point"/g) ?? []).length;
}

const hierarchy: FindingData = {
  id: "value_hierarchy",
  claim: "c",
  verdict: "supports",
  because: "b",
  tables: [
    t(
      "value_hierarchy",
      [
        ["source", "text"],
        ["model", "text"],
        ["system", "text"],
        ["baseline", "text"],
        ["n", "int"],
        ["spearman", "corr"],
        ["spearman_ci_low", "corr"],
        ["spearman_ci_high", "corr"],
        ["kendall", "corr"],
        ["note", "text"],
      ],
      [
        ["run:s", "m1", "schwartz", "pan", 10, 0.8, 0.5, 0.95, 0.6, null],
        ["run:s", "m2", "schwartz", "pan", 10, 0.7, 0.3, 0.9, 0.5, null],
        ["run:s", "m3", "schwartz", "pan", 10, null, null, null, null, "flat profile"],
      ],
    ),
    t(
      "value_hierarchy_summary",
      [
        ["source", "text"],
        ["system", "text"],
        ["baseline", "text"],
        ["models", "int"],
        ["mean_spearman", "corr"],
        ["ci_low", "corr"],
        ["ci_high", "corr"],
        ["verdict", "text"],
      ],
      [["run:s", "schwartz", "pan", 2, 0.75, 0.7, 0.8, "supports"]],
    ),
  ],
};

const CROSS_COLS: Array<[string, ColumnFormat]> = [
  ["system_a", "text"],
  ["dimension_a", "text"],
  ["system_b", "text"],
  ["dimension_b", "text"],
  ["n", "int"],
  ["pearson", "corr"],
  ["pearson_ci_low", "corr"],
  ["pearson_ci_high", "corr"],
  ["pearson_p", "p"],
  ["pearson_q", "p"],
  ["spearman", "corr"],
  ["spearman_q", "p"],
  ["note", "text"],
];

/** 30 pairs with seeded r and q, the named pair among them (with a large q), one without r. */
function crossFinding(): FindingData {
  let s = 17;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const rows: Cell[][] = [];
  for (let i = 0; i < 30; i++) {
    const r = rnd() * 1.6 - 0.8;
    rows.push(["safety", `d${i}`, "mft", `f${i % 6}`, 8, r, r - 0.3, r + 0.3, rnd(), rnd(), r, rnd(), null]);
  }
  rows.push(["mft", "fairness", "safety", "representation_toxicity", 8, 0.35, -0.4, 0.82, 0.4, 0.99, 0.3, 0.9, null]);
  rows.push(["safety", "x", "mft", "y", 1, null, null, null, null, null, null, null, "one model"]);
  return {
    id: "cross_system",
    claim: "c",
    verdict: "cannot tell",
    because: "b",
    focus: ["mft/fairness", "safety/representation_toxicity"],
    tables: [t("cross_system", CROSS_COLS, rows)],
  };
}

describe("findings.html section data", () => {
  it("value hierarchy: the mean over models first, then every model with a rho, at the tables' numbers; one point each", async () => {
    const fig = findingFigure(hierarchy)!;
    const rows = records(fig.data);
    expect(rows.map((r) => [r["model"], r["estimate"], r["ci_low"], r["ci_high"]])).toEqual([
      [null, 0.75, 0.7, 0.8],
      ["m1", 0.8, 0.5, 0.95],
      ["m2", 0.7, 0.3, 0.9],
    ]);
    expect(await points(hierarchy)).toBe(3);
  });

  it("cross-system: the named pair first, then the 19 other pairs of smallest q (plain sort), never a pair without r", async () => {
    const f = crossFinding();
    const fig = findingFigure(f)!;
    const rows = records(fig.data);
    expect(rows).toHaveLength(20);
    expect([rows[0]?.["dimension_a"], rows[0]?.["pearson"]]).toEqual(["fairness", 0.35]);
    const source = records(f.tables[0]!).filter((r) => r["pearson"] !== null && r["dimension_a"] !== "fairness");
    const byQ = [...source].sort((a, b) => (a["pearson_q"] as number) - (b["pearson_q"] as number)).slice(0, 19);
    expect(rows.slice(1).map((r) => r["dimension_a"])).toEqual(byQ.map((r) => r["dimension_a"]));
    expect(rows.some((r) => r["note"] === "one model")).toBe(false);
    expect(await points(f)).toBe(20);
  });

  it("static vs dynamic: one row per model and stage, the static score and each dynamic level as the table has them", () => {
    const f: FindingData = {
      id: "static_vs_dynamic",
      claim: "c",
      verdict: "supports",
      because: "b",
      tables: [
        t(
          "static_vs_dynamic",
          [
            ["model", "text"],
            ["static_score", "score"],
            ["static_rank", "int"],
            ["dynamic_level_1", "score"],
            ["dynamic_level_2", "score"],
            ["dynamic_level_3", "score"],
            ["dynamic_hardest", "score"],
            ["dynamic_rank", "int"],
            ["rank_change", "int"],
            ["drop_1_to_3", "score"],
            ["static_minus_dynamic", "score"],
          ],
          [
            ["a", 90, 1, 80, 70, 50, 50, 2, -1, 30, 40],
            ["b", 70, 2, 75, 72, 71, 71, 1, 1, 4, -1],
          ],
        ),
      ],
    };
    const rows = records(findingFigure(f)!.data);
    expect(rows.map((r) => [r["model"], r["stage"], r["score"]])).toEqual([
      ["a", "static", 90],
      ["a", "dynamic level 1", 80],
      ["a", "dynamic level 2", 70],
      ["a", "dynamic level 3", 50],
      ["b", "static", 70],
      ["b", "dynamic level 1", 75],
      ["b", "dynamic level 2", 72],
      ["b", "dynamic level 3", 71],
    ]);
    expect(findingFigure(f)!.caption).toContain("a 1→2, b 2→1");
  });

  it("group comparisons: the pooled and per-level rows with a difference (not per dimension); families: systems with both similarities", async () => {
    const groupCols: Array<[string, ColumnFormat]> = [
      ["run", "text"],
      ["attribute", "text"],
      ["group_a", "text"],
      ["group_b", "text"],
      ["system", "text"],
      ["dimension", "text"],
      ["difficulty", "text"],
      ["models_a", "int"],
      ["models_b", "int"],
      ["items", "int"],
      ["mean_a", "score"],
      ["mean_b", "score"],
      ["difference", "score"],
      ["ci_low", "score"],
      ["ci_high", "score"],
      ["p_permutation", "p"],
      ["exact", "text"],
      ["note", "text"],
    ];
    const g: FindingData = {
      id: "group_comparisons",
      claim: "c",
      verdict: "supports",
      because: "b",
      tables: [
        t("group_comparisons", groupCols, [
          ["mft:mft", "open_weights", "true", "false", "mft", "(all)", "(all)", 3, 3, 30, 60, 70, -10, -15, -5, 0.05, "yes", null],
          ["mft:mft", "open_weights", "true", "false", "mft", "(all)", "3", 3, 3, 10, 50, 75, -25, -30, -20, 0.05, "yes", null],
          ["mft:mft", "open_weights", "true", "false", "mft", "care", "(all)", 3, 3, 5, 60, 70, -10, -20, 0, 0.2, "yes", null],
          ["mft:mft", "family", "alpha", "not alpha", "mft", "(all)", "(all)", 1, 5, 30, 60, 70, -10, null, null, 0.3, "yes", null],
          ["mft:mft", "size", "x", "y", "mft", "(all)", "(all)", 0, 6, 30, null, 70, null, null, null, null, null, "no model"],
        ]),
      ],
    };
    const rows = records(findingFigure(g)!.data);
    expect(rows.map((r) => [r["attribute"], r["difficulty"], r["difference"], r["ci_low"]])).toEqual([
      ["open_weights", "(all)", -10, -15],
      ["open_weights", "3", -25, -30],
      ["family", "(all)", -10, null],
    ]);
    expect(await points(g)).toBe(3);

    const fam: FindingData = {
      id: "families",
      claim: "c",
      verdict: "supports",
      because: "b",
      tables: [
        t(
          "families",
          [
            ["source", "text"],
            ["attribute", "text"],
            ["system", "text"],
            ["models", "int"],
            ["families", "int"],
            ["within_pairs", "int"],
            ["between_pairs", "int"],
            ["within", "corr"],
            ["between", "corr"],
            ["difference", "corr"],
            ["p_permutation", "p"],
            ["exact", "text"],
            ["note", "text"],
          ],
          [
            ["s:s", "family", "schwartz", 6, 2, 6, 9, 0.6, -0.3, 0.9, 0.01, "yes", null],
            ["m:m", "family", "mft", 2, 1, 1, 0, null, null, null, null, null, "fewer than 3 models"],
          ],
        ),
      ],
    };
    const frows = records(findingFigure(fam)!.data);
    expect(frows.map((r) => [r["system"], r["within"], r["between"]])).toEqual([["schwartz", 0.6, -0.3]]);
    // Within and between: two points per row.
    expect(await points(fam)).toBe(2);
  });

  it("one section per finding, its verdict line first; a finding without a figure shows its tables or says it has no data", async () => {
    const empty: FindingData = { id: "culture_bias", claim: "West", verdict: "cannot tell", because: "no run with culture baselines", tables: [] };
    const sections = findingSections([hierarchy, crossFinding(), empty]);
    expect(sections.map((s) => s.id)).toEqual(["finding-value_hierarchy", "finding-cross_system", "finding-culture_bias"]);
    expect(sections.map((s) => s.intro)).toEqual(["Verdict: supports. b", "Verdict: cannot tell. b", "Verdict: cannot tell. no run with culture baselines"]);
    expect(sections[0]?.figures).toHaveLength(1);
    expect(sections[2]?.figures).toEqual([]);
    expect(sections[2]?.html).toContain("No data for this finding");
    const overview = t(
      "findings",
      [
        ["finding", "text"],
        ["verdict", "text"],
      ],
      [
        ["value_hierarchy", "supports"],
        ["<script>", "cannot tell"],
      ],
    );
    const page = await buildFindingsHtml({ findings: [hierarchy, empty], overview, sources: ["run:s"], models: ["m1", "m2"] });
    expect(page.errors).toEqual([]);
    // Self-contained and inert: no script, no external reference, run text escaped.
    expect(page.html).not.toMatch(/<script|\ssrc=|<link/);
    expect(page.html).toContain("&lt;script&gt;");
    expect((page.html.match(/<section class="extra"/g) ?? []).length).toBe(2);
  });
});

// report.html without a browser: the page a mock Schwartz run writes (self-contained, one mark per
// data-table row in each figure's SVG, the explorer's data equal to the journal's), the command-line
// switches, and the pieces that keep run text inert (escaping) and big runs small (the explorer cap).
// The two figures whose numbers are computed for the page (refusal rates split by the items' expect;
// the cross-system scatter) are rechecked here with plain code on small seeded runs (fixtures/).
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSectionsPage } from "../../src/report/html/index.js";
import type { Figure } from "../../src/report/html/types.js";
import { escapeHtml, scriptJson } from "../../src/report/html/page.js";
import { keptPositions } from "../../src/report/html/explorer.js";
import { modelFamily } from "../../src/report/html/figures.js";
import { journalOf, manifestOf, scoreRecordsOf, vc } from "../e2e/helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MODELS = ["mock:likert", "mock:likert?min=2&max=5", "mock:likert?min=1&max=4", "mock:refuse"];

/** Runs a spec with its own models (mock:) into <tmp>/run; returns the run folder. */
async function fixtureRun(spec: string): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), "vc-html-"));
  const r = await vc(["run", join(root, "test", "report", "fixtures", spec), "--no-cache", "--out", "run", "--quiet"], cwd);
  expect(r.code, r.stderr).toBe(0);
  return join(cwd, "run");
}

async function schwartzRun(extra: string[] = []): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), "vc-html-"));
  const args = [
    "run",
    join(root, "specs", "schwartz.vc"),
    ...MODELS.flatMap((m) => ["--model", m]),
    "--judge",
    "mock:judge",
    "--no-cache",
    "--out",
    "run",
    "--quiet",
    ...extra,
  ];
  const r = await vc(args, cwd);
  expect(r.stderr).not.toMatch(/internal error|report\.html/);
  return join(cwd, "run");
}

interface Explorer {
  rows: Array<{ step: string; messages: Array<{ role: string; content: string }>; response: string | null; scores: Array<{ scorer: string }> }>;
}

function explorerOf(html: string): Explorer {
  const m = /<script type="application\/json" id="explorer-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m?.[1]) throw new Error("no explorer data");
  return JSON.parse(m[1]) as Explorer;
}

/** Each figure section: its kind, its data-rows, the rows of its table and the marks of its SVG. */
function sections(html: string): Array<{ kind: string; rows: number; tableRows: number; points: number; cells: number }> {
  const out = [];
  for (const m of html.matchAll(/<section class="figure" id="[^"]+" data-figure="([a-z]+)" data-rows="(\d+)">([\s\S]*?)<\/section>/g)) {
    const body = m[3] ?? "";
    const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? "";
    out.push({
      kind: m[1] ?? "",
      rows: Number(m[2]),
      tableRows: (tbody.match(/<tr>/g) ?? []).length,
      points: (body.match(/aria-roledescription="point"/g) ?? []).length,
      cells: (body.match(/aria-roledescription="rect mark"/g) ?? []).length,
    });
  }
  return out;
}

/** The cells of a figure's data table (the first figure of `kind`), by column name, as the page shows them. */
function figureTable(html: string, kind: string): Array<Record<string, string>> {
  const section = new RegExp(`<section class="figure"[^>]*data-figure="${kind}"[^>]*>([\\s\\S]*?)</section>`).exec(html)?.[1];
  if (section === undefined) throw new Error(`no ${kind} figure`);
  const text = (t: string) =>
    t
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  const head = [...(/<thead>([\s\S]*?)<\/thead>/.exec(section)?.[1] ?? "").matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => text(m[1] ?? ""));
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(section)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) => {
    const cells = [...(tr[1] ?? "").matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => text(m[1] ?? ""));
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ""]));
  });
}

/** Within the rounding of a number the page prints with `digits` decimals. */
function near(shown: string, value: number, digits: number): boolean {
  return Math.abs(Number(shown) - value) <= 0.5 * 10 ** -digits + 1e-9;
}

describe("report.html of a mock Schwartz run", () => {
  it("is written by every run, listed in the manifest, self-contained, with one mark per data row", async () => {
    const dir = await schwartzRun();
    const file = join(dir, "report.html");
    expect(existsSync(file)).toBe(true);
    expect(manifestOf(dir).files).toContain("report.html");
    const html = readFileSync(file, "utf8");
    // Nothing is loaded from anywhere: no external script, style sheet, image or font.
    expect(html).not.toMatch(/<(script|img|iframe)[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/(href|src)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    const figs = sections(html);
    expect(figs.map((f) => f.kind)).toEqual(["profile", "profile", "similarity"]);
    for (const f of figs) {
      expect(f.tableRows).toBe(f.rows);
      expect(f.kind === "similarity" ? f.cells : f.points).toBe(f.rows);
    }
    // The pvq profile: three Likert models × ten values (mock:refuse gives no rating to centre).
    expect(figs[0]?.rows).toBe(30);
    // The circumplex order with the pan-cultural rank of each value (Schwartz & Bardi: benevolence first).
    expect(html).toMatch(/Self-direction \(#2\)[\s\S]*Universalism \(#3\)/);
    expect(html).toContain("Benevolence (#1)");
  });

  it("the explorer holds every step's full messages (system and user), answer and scores as the journal has them", async () => {
    const dir = await schwartzRun();
    const explorer = explorerOf(readFileSync(join(dir, "report.html"), "utf8"));
    const journal = journalOf(dir);
    expect(explorer.rows).toHaveLength(journal.length);
    const byId = new Map(journal.map((s) => [s.stepId, s]));
    for (const row of explorer.rows) {
      const step = byId.get(row.step);
      expect(row.messages).toEqual(step?.messages);
      expect(row.response).toBe(step?.response);
    }
    expect(explorer.rows.every((r) => r.messages.some((m) => m.role === "user"))).toBe(true);
    expect(explorer.rows.every((r) => r.scores.length > 0)).toBe(true);
  });

  it("--no-html writes none; report --html --explorer-limit writes one with at most that many steps; --explorer-limit alone is a usage error", async () => {
    const dir = await schwartzRun(["--no-html"]);
    expect(existsSync(join(dir, "report.html"))).toBe(false);
    const out = join(dir, "..", "again");
    const r = await vc(["report", dir, "--html", "--explorer-limit", "7", "--out", out, "--quiet"], dir);
    expect(r.code).toBe(0);
    const explorer = explorerOf(readFileSync(join(out, "report.html"), "utf8"));
    expect(explorer.rows).toHaveLength(7);
    const bad = await vc(["report", dir, "--explorer-limit", "7"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--explorer-limit applies to report.html: add --html/);
  });
});

describe("refusal and over-refusal rates, rechecked from scores.jsonl and journal.jsonl", () => {
  // The fixture's items and what each expects (null: no expectation, so in "all items" only).
  const EXPECT: Record<string, string | null> = { t1: "refuse", t2: "safe_complete", t3: "safe_complete", p1: "refuse", p2: "safe_complete", p3: null };

  it("the page's table equals a plain recount: rate, refusals, n, items, and the clustered Wilson interval", async () => {
    const dir = await fixtureRun("refusal-split.vc");
    const steps = new Map(journalOf(dir).map((s) => [s.stepId, s]));
    // model → group → item → [refusals, answers]
    const counts = new Map<string, Map<string, Map<string, [number, number]>>>();
    for (const rec of scoreRecordsOf(dir)) {
      const step = steps.get(rec.stepId);
      if (!step || step.response === null || rec.refused === null || rec.error !== null || rec.score === null) continue;
      const expect = EXPECT[step.item] ?? null;
      const groups = ["all items", ...(expect === "refuse" ? ["items to refuse"] : expect !== null ? ["items to answer (over-refusal)"] : [])];
      for (const g of groups) {
        const byGroup = counts.get(step.model) ?? new Map<string, Map<string, [number, number]>>();
        counts.set(step.model, byGroup);
        const byItem = byGroup.get(g) ?? new Map<string, [number, number]>();
        byGroup.set(g, byItem);
        const c = byItem.get(step.item) ?? [0, 0];
        byItem.set(step.item, [c[0] + (rec.refused ? 1 : 0), c[1] + 1]);
      }
    }
    const shown = figureTable(readFileSync(join(dir, "report.html"), "utf8"), "refusal");
    const expected = [...counts].flatMap(([model, groups]) => [...groups.keys()].map((g) => `${model} | ${g}`));
    expect(shown.map((r) => `${r["model"]} | ${r["group"]}`).sort()).toEqual(expected.sort());
    expect(shown).toHaveLength(9);
    let between = 0;
    for (const row of shown) {
      const items = [
        ...(counts
          .get(row["model"] ?? "")
          ?.get(row["group"] ?? "")
          ?.values() ?? []),
      ];
      const refusals = items.reduce((s, c) => s + c[0], 0);
      const n = items.reduce((s, c) => s + c[1], 0);
      const p = refusals / n;
      // Wilson on the effective size of clustered answers (Kish): p(1-p) over the ratio estimator's
      // variance Σ(T_i − p·m_i)²/N²; the number of items when p is 0 or 1; n when items do not differ.
      const v = items.reduce((s, c) => s + (c[0] - p * c[1]) ** 2, 0) / n ** 2;
      const raw = p * (1 - p) < 1e-12 ? items.length : v < 1e-18 ? n : (p * (1 - p)) / v;
      const nEff = Math.min(n, Math.max(1, raw));
      const z = 1.959964;
      const centre = (p + (z * z) / (2 * nEff)) / (1 + (z * z) / nEff);
      const half = (z * Math.sqrt((p * (1 - p)) / nEff + (z * z) / (4 * nEff * nEff))) / (1 + (z * z) / nEff);
      const label = `${row["model"]} | ${row["group"]}`;
      expect(Number(row["refusals"]), label).toBe(refusals);
      expect(Number(row["n"]), label).toBe(n);
      expect(Number(row["items"]), label).toBe(items.length);
      expect(near(row["rate"] ?? "", p, 3), `${label}: rate ${row["rate"]} vs ${p}`).toBe(true);
      expect(near(row["ci_low"] ?? "", Math.max(0, centre - half), 3), `${label}: low ${row["ci_low"]}`).toBe(true);
      expect(near(row["ci_high"] ?? "", Math.min(1, centre + half), 3), `${label}: high ${row["ci_high"]}`).toBe(true);
      if (p > 0 && p < 1) between++;
    }
    // Not a run of constant answers only: mock:echo's three rates lie strictly between 0 and 1.
    expect(between).toBe(3);
  });
});

describe("cross-system scatter, rechecked from scores.jsonl", () => {
  it("one point per model in each panel, at the model's means; r, its Fisher-z interval and n equal a plain recomputation", async () => {
    const dir = await fixtureRun("cross-system.vc");
    const models = ["mock:likert", "mock:likert?min=2&max=6", "mock:likert?min=1&max=4", "mock:likert?min=3&max=6", "mock:likert?min=1&max=3"];
    // Each model's mean score per system.dimension (every item answered once, so over records = over items).
    const steps = new Map(journalOf(dir).map((s) => [s.stepId, s]));
    const sums = new Map<string, [number, number]>();
    for (const rec of scoreRecordsOf(dir)) {
      const step = steps.get(rec.stepId);
      if (!step || rec.score === null) continue;
      const key = `${step.model} ${step.system}.${step.dimension}`;
      const c = sums.get(key) ?? [0, 0];
      sums.set(key, [c[0] + rec.score, c[1] + 1]);
    }
    const mean = (model: string, variable: string): number => {
      const c = sums.get(`${model} ${variable}`);
      if (!c) throw new Error(`no scores for ${model} ${variable}`);
      return c[0] / c[1];
    };
    const pearson = (x: number[], y: number[]): number => {
      const mx = x.reduce((a, b) => a + b, 0) / x.length;
      const my = y.reduce((a, b) => a + b, 0) / y.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < x.length; i++) {
        sxy += ((x[i] ?? 0) - mx) * ((y[i] ?? 0) - my);
        sxx += ((x[i] ?? 0) - mx) ** 2;
        syy += ((y[i] ?? 0) - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };

    const html = readFileSync(join(dir, "report.html"), "utf8");
    const rows = figureTable(html, "scatter");
    const pairs = [...new Set(rows.map((r) => r["pair"]))];
    // Two dimensions in each of two systems: four pairs across systems, all plotted (at most SCATTER_PAIRS).
    expect(pairs).toEqual(["1", "2", "3", "4"]);
    const section = /<section class="figure"[^>]*data-figure="scatter"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    // The SVG's panels in order (Vega-Lite names them concat_0_group, concat_1_group ...).
    const panels = section.split(/class="mark-group role-scope concat_\d+_group"/).slice(1);
    expect(panels).toHaveLength(4);
    const subtitles = [...section.matchAll(/<text[^>]*>(r = [^<]*)<\/text>/g)].map((m) => m[1] ?? "");
    expect(subtitles).toHaveLength(4);

    pairs.forEach((pair, p) => {
      const shown = rows.filter((r) => r["pair"] === pair);
      const xv = shown[0]?.["x_variable"] ?? "";
      const yv = shown[0]?.["y_variable"] ?? "";
      expect(xv.split(".")[0]).not.toBe(yv.split(".")[0]);
      // The table: one row per model, at the model's means.
      expect(shown.map((r) => r["model"])).toEqual(models);
      for (const r of shown) {
        expect(near(r["x"] ?? "", mean(r["model"] ?? "", xv), 2), `${r["model"]} ${xv}`).toBe(true);
        expect(near(r["y"] ?? "", mean(r["model"] ?? "", yv), 2), `${r["model"]} ${yv}`).toBe(true);
      }
      // r over the five models' means and its 95% Fisher-z interval, tanh(atanh r ± z/√(n − 3)).
      const r = pearson(
        models.map((m) => mean(m, xv)),
        models.map((m) => mean(m, yv)),
      );
      const half = 1.959964 / Math.sqrt(models.length - 3);
      const low = Math.tanh(Math.atanh(r) - half);
      const high = Math.tanh(Math.atanh(r) + half);
      expect(Number.isFinite(r) && Math.abs(r) < 1).toBe(true);
      for (const row of shown) {
        expect(near(row["pearson"] ?? "", r, 3), `pair ${pair}: r ${row["pearson"]} vs ${r}`).toBe(true);
        expect(near(row["pearson_ci_low"] ?? "", low, 3), `pair ${pair}: low`).toBe(true);
        expect(near(row["pearson_ci_high"] ?? "", high, 3), `pair ${pair}: high`).toBe(true);
        expect(row["n_models"]).toBe(String(models.length));
      }
      // The figure: the panel's subtitle prints the same r, interval and n ...
      const sub = /^r = (\S+) \[(\S+), (\S+)\], n = (\d+)$/.exec(subtitles[p] ?? "");
      expect(sub, subtitles[p]).not.toBeNull();
      expect(near(sub?.[1] ?? "", r, 3) && near(sub?.[2] ?? "", low, 3) && near(sub?.[3] ?? "", high, 3), subtitles[p]).toBe(true);
      expect(sub?.[4]).toBe(String(models.length));
      // ... and draws one point per model, labelled with its variables and placed at the model's means.
      const points = [...(panels[p] ?? "").matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="point"/g)].map((m) =>
        (m[1] ?? "").replace(/&amp;/g, "&"),
      );
      expect(points).toHaveLength(models.length);
      for (const model of models) {
        const label = points.find((l) => l.includes(`; model: ${model};`)) ?? "";
        expect(label.startsWith(`${xv} (rating): `) && label.includes(`; ${yv} (rating): `), label).toBe(true);
        const at = /; x: (\S+); y: (\S+)$/.exec(label);
        expect(near(at?.[1] ?? "", mean(model, xv), 2) && near(at?.[2] ?? "", mean(model, yv), 2), `${model} in pair ${pair}: ${label}`).toBe(true);
      }
    });
  });
});

describe("pieces", () => {
  it("run text cannot become markup: HTML escaped, and no </script> inside the explorer's JSON", () => {
    const answer = '</script><script>alert("x")</script><!-- & \u2028';
    expect(escapeHtml(answer)).toBe("&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;!-- &amp; \u2028");
    const json = scriptJson({ answer });
    expect(json).not.toMatch(/<|>|\u2028/);
    expect(JSON.parse(json)).toEqual({ answer });
  });

  it("the explorer cap keeps exactly `limit` steps spread over the whole run", () => {
    expect([...keptPositions(5, 10)]).toEqual([0, 1, 2, 3, 4]);
    const kept = [...keptPositions(10_000, 100)];
    expect(kept).toHaveLength(100);
    expect(kept[0]).toBe(0);
    expect(Math.max(...kept)).toBeGreaterThanOrEqual(9_900);
    // Evenly: every tenth of the run keeps a tenth of the steps.
    for (let d = 0; d < 10; d++) expect(kept.filter((p) => p >= d * 1000 && p < (d + 1) * 1000)).toHaveLength(10);
  });

  it("model families come from the name without provider and version", () => {
    expect(modelFamily("ollama:llama3.2:3b")).toBe("llama");
    expect(modelFamily("openai:gpt-4o-mini")).toBe("gpt");
    expect(modelFamily("mock:likert?min=2&max=5")).toBe("likert");
  });
});

describe("figures' SVG ids", () => {
  // A bar chart with a gradient-free clip path: Vega numbers its clip paths with a process-wide counter.
  const figure = (id: string, values: number[]): Figure => ({
    id,
    kind: "diff",
    title: id,
    caption: "",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      data: { values: values.map((v, i) => ({ x: `x${i}`, y: v })) },
      mark: { type: "bar", clip: true },
      encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
    },
    data: { name: id, columns: ["x"], formats: ["text"], rows: [] },
  });
  const page = (figures: Figure[]) => buildSectionsPage("t", [], [{ id: "s", title: "s", figures }]);

  it("restart on every page: a page is the same bytes whatever pages were drawn before it in the process", async () => {
    const first = await page([figure("a", [1, 2]), figure("b", [3])]);
    expect(first.errors).toEqual([]);
    expect(first.html).toMatch(/clip\d+/);
    await page([figure("c", [4, 5, 6]), figure("d", [7]), figure("e", [8])]);
    expect((await page([figure("a", [1, 2]), figure("b", [3])])).html).toBe(first.html);
  });

  it("a page without figures is built without drawing any", async () => {
    const empty = await buildSectionsPage("t", [], [{ id: "s", title: "s", html: "<p>text</p>" }]);
    expect(empty.errors).toEqual([]);
    expect(empty.html).not.toContain("<svg");
    expect(empty.html).toContain("<p>text</p>");
  });
});

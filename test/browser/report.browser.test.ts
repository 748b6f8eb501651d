// report.html in a real browser (npm run test:browser; not part of npm test, which needs no browser):
// Debian's chromium driven by playwright-core loads the report of the safety, Schwartz and culture
// end-to-end runs (mock models) from disk with every network request blocked, and checks that no
// console error occurs, that each figure drew one mark per row of its data table (counted in its
// SVG), that the explorer's filters and row details work, and writes a screenshot per report to
// test-output/browser/ (ignored by git). A small fixture run (test/report/fixtures/cross-system.vc,
// five mock:likert models of their own) adds the cross-system scatter, which canned answers to the
// shipped specs leave without a correlation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { vc } from "../e2e/helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUTPUT = join(root, "test-output", "browser");
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** The runs: spec, the mock models that give its figures something to show (none: the spec's own), and how many models the run has. */
const RUNS: Record<string, { spec: string; models: string[]; count: number }> = {
  safety: { spec: join(root, "specs", "safety.vc"), models: ["mock:refuse", "mock:comply", "mock:echo"], count: 3 },
  schwartz: {
    spec: join(root, "specs", "schwartz.vc"),
    models: ["mock:likert", "mock:likert?min=2&max=5", "mock:likert?min=1&max=4", "mock:refuse"],
    count: 4,
  },
  culture: { spec: join(root, "specs", "culture.vc"), models: ["mock:likert", "mock:likert?min=2&max=5", "mock:likert?min=1&max=4"], count: 3 },
  "cross-system": { spec: join(root, "test", "report", "fixtures", "cross-system.vc"), models: [], count: 5 },
};

/**
 * The marks of a figure kind that stand for one row of its data table (figures.ts names the layers;
 * each scatter panel has its own, points_pair1, points_pair2 ...).
 */
const MARK: Record<string, string> = {
  profile: "g.role-mark.points_marks",
  difficulty: "g.role-mark.points_marks",
  refusal: "g.role-mark.points_marks",
  scatter: 'g.role-mark[class*=" points_pair"]',
  heatmap: "g.role-mark.cells_marks",
  culture: "g.role-mark.cells_marks",
  steering: "g.role-mark.cells_marks",
  context: "g.role-mark.cells_marks",
  similarity: "g.role-mark.cells_marks",
};

const reports = new Map<string, string>();
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  for (const [spec, run] of Object.entries(RUNS)) {
    const cwd = mkdtempSync(join(tmpdir(), `vc-browser-${spec}-`));
    const args = ["run", run.spec, ...run.models.flatMap((m) => ["--model", m]), "--judge", "mock:judge", "--no-cache", "--out", "run", "--quiet"];
    const r = await vc(args, cwd);
    expect(r.stderr).not.toMatch(/internal error|cannot write report\.html|could not be drawn/);
    const file = join(cwd, "run", "report.html");
    expect(existsSync(file), `${spec}: report.html`).toBe(true);
    reports.set(spec, file);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  blocked: string[];
}

/** The report from disk; every request other than the file itself is aborted and recorded. */
async function open(spec: string): Promise<Opened> {
  const url = pathToFileURL(reports.get(spec) ?? "").href;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  await context.route("**/*", (route) => {
    if (route.request().url() === url) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: "load" });
  return { page, errors, blocked };
}

describe.each(Object.keys(RUNS))("report.html of the %s run in chromium", (spec) => {
  it("loads from disk without a network request or a console error, each figure with one mark per data row", async () => {
    const { page, errors, blocked } = await open(spec);
    const figures = await page.$$eval(
      "section[data-figure]",
      (sections, marks) =>
        sections.map((s) => {
          const kind = s.getAttribute("data-figure") ?? "";
          const selector = (marks as Record<string, string>)[kind] ?? "g.none";
          const drawn = Array.from(s.querySelectorAll(`svg ${selector}`)).reduce((n, g) => n + g.children.length, 0);
          return {
            kind,
            rows: Number(s.getAttribute("data-rows")),
            tableRows: s.querySelectorAll("table.data tbody tr").length,
            drawn,
            svgs: s.querySelectorAll("svg").length,
          };
        }),
      MARK,
    );
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) {
      expect(f.svgs, `${spec}: ${f.kind} has an SVG`).toBeGreaterThan(0);
      expect(f.rows).toBeGreaterThan(0);
      expect(f.tableRows, `${spec}: ${f.kind} table`).toBe(f.rows);
      expect(f.drawn, `${spec}: ${f.kind} marks`).toBe(f.rows);
    }
    const kinds = new Set(figures.map((f) => f.kind));
    const expected: Record<string, string[]> = {
      safety: ["heatmap", "refusal", "context"],
      schwartz: ["profile", "similarity"],
      culture: ["profile", "culture", "steering", "similarity"],
      "cross-system": ["profile", "scatter"],
    };
    for (const k of expected[spec] ?? []) expect(kinds, `${spec} shows a ${k} figure`).toContain(k);
    if (kinds.has("scatter")) {
      // Each panel (one pair of dimensions) draws one point per model, each model once, as rendered.
      const panels = await page.$$eval('section[data-figure="scatter"] svg g.role-mark[class*=" points_pair"]', (gs) =>
        gs.map((g) => Array.from(g.children).map((c) => /; model: (.*?); x: /.exec(c.getAttribute("aria-label") ?? "")?.[1] ?? "")),
      );
      expect(panels.length).toBeGreaterThan(0);
      for (const models of panels) {
        expect(models).toHaveLength(RUNS[spec]?.count ?? 0);
        expect(new Set(models).size).toBe(models.length);
      }
    }
    await page.screenshot({ path: join(OUTPUT, `${spec}.png`), fullPage: true });
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("explorer: a model filter keeps only that model's steps, and a row opens its messages, answer and scores", async () => {
    const { page, errors } = await open(spec);
    const count = async () => (await page.textContent("#explorer-count")) ?? "";
    const before = await count();
    const models = await page.$$eval('select[data-filter="model"] option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ""));
    expect(models.length).toBe(RUNS[spec]?.count);
    const model = models[models.length - 1] ?? "";
    await page.selectOption('select[data-filter="model"]', model);
    const after = await count();
    expect(after).not.toBe(before);
    const shown = await page.$$eval("#explorer-table tbody tr.explorer-row td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set([model]));
    // A second filter narrows further: the first dimension of the list.
    const dims = await page.$$eval('select[data-filter="dimension"] option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ""));
    await page.selectOption('select[data-filter="dimension"]', dims[0] ?? "");
    const narrowed = await page.$$eval("#explorer-table tbody tr.explorer-row", (trs) =>
      trs.map((t) => [t.children[1]?.textContent, t.children[3]?.textContent]),
    );
    expect(narrowed.length).toBeGreaterThan(0);
    for (const [m, d] of narrowed) expect([m, d]).toEqual([model, dims[0]]);

    await page.click("#explorer-table tbody tr.explorer-row button.open");
    const detail = page.locator("#explorer-detail");
    await expect.poll(() => detail.isVisible()).toBe(true);
    const text = (await detail.textContent()) ?? "";
    expect(text).toMatch(/message sent \(user\)/);
    expect(text).toMatch(/answer/);
    expect(text).toMatch(/scorer \S+/);
    expect(text).toMatch(/rule that fired: /);
    expect(text).toMatch(/latency .* cached (true|false) · attempts \d+/);
    expect(await page.locator("#explorer-detail pre.answer").count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

// The run diff in a real browser (npm run test:browser): two small runs on the Ollama stand-in in which
// one model's answers to three items change, compared with `value-compass diff A B --html` (its own
// page) and `value-compass report B --html --against A` (a section of report.html). Debian's chromium,
// driven by playwright-core, loads each from disk with the network blocked: no console error, exactly
// one interval and one point per changed cell in the SVG, one row per flipped item, the filters narrow
// the rows; a run against itself shows the "no differences" statement and no chart. Screenshots go
// to test-output/browser/ (ignored by git).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDiffStandin, SPEC, type DiffStandin } from "../e2e/diff-fixture.js";
import { project, vc } from "../e2e/helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUTPUT = join(root, "test-output", "browser");
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** Changed cells: model two × dimensions a, b × two cultures; each has 4 paired items, so an interval. */
const CELLS = 4;
const FLIPPED = 6;

let standin: DiffStandin;
let browser: Browser;
const pages: Record<"diff" | "self" | "report", string> = { diff: "", self: "", report: "" };

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  standin = await startDiffStandin();
  const dir = project({ "s.vc": SPEC });
  const env = { OLLAMA_HOST: standin.ollama.url };
  standin.changed(false);
  expect((await vc(["run", "s.vc", "--no-cache", "--quiet", "--no-html", "--out", "runs/a"], dir, env)).code).toBe(0);
  standin.changed(true);
  expect((await vc(["run", "s.vc", "--no-cache", "--quiet", "--no-html", "--out", "runs/b"], dir, env)).code).toBe(0);
  expect((await vc(["diff", "runs/a", "runs/b", "--html", "diff.html", "--quiet"], dir)).code).toBe(4);
  expect((await vc(["diff", "runs/a", "runs/a", "--html", "self.html", "--quiet"], dir)).code).toBe(0);
  const report = await vc(["report", "runs/b", "--html", "--against", "runs/a", "--quiet"], dir);
  expect(report.code, report.stderr).toBe(0);
  pages.diff = join(dir, "diff.html");
  pages.self = join(dir, "self.html");
  pages.report = join(dir, "runs", "b", "report.html");
  for (const file of Object.values(pages)) expect(existsSync(file), file).toBe(true);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await standin?.ollama.close();
});

interface Opened {
  page: Page;
  errors: string[];
  blocked: string[];
}

/** A page from disk; every request other than the file itself is aborted and recorded. */
async function open(file: string): Promise<Opened> {
  const url = pathToFileURL(file).href;
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

const visibleRows = (page: Page) =>
  page.$$eval("#run-diff tr.flip-row", (trs) => trs.filter((t) => !(t as HTMLElement).hidden).map((t) => t.getAttribute("data-culture")));

describe.each(["diff", "report"] as const)("the run diff (%s page) in chromium", (which) => {
  it("one interval and one point per changed cell, one row per flipped item, filters that narrow, no console error", async () => {
    const { page, errors, blocked } = await open(pages[which]);
    const fig = page.locator('#run-diff section[data-figure="diff"]');
    expect(await fig.count()).toBe(1);
    expect(Number(await fig.getAttribute("data-rows"))).toBe(CELLS);
    const count = (selector: string) => fig.evaluate((s, sel) => Array.from(s.querySelectorAll(sel)).reduce((n, g) => n + g.children.length, 0), selector);
    expect(await count("svg g.role-mark.interval_marks")).toBe(CELLS);
    expect(await count("svg g.role-mark.points_marks")).toBe(CELLS);
    expect(await fig.locator("table.data tbody tr").count()).toBe(CELLS);
    // n is read on the axis with each row.
    expect(await fig.locator("svg").textContent()).toContain("(n=4)");

    expect((await visibleRows(page)).length).toBe(FLIPPED);
    await page.selectOption('#run-diff select[data-diff-filter="culture"]', "ja_JP");
    const japan = await visibleRows(page);
    expect(japan).toEqual(["ja_JP", "ja_JP", "ja_JP"]);
    expect(await page.textContent("#run-diff [data-count]")).toBe(`3 of ${FLIPPED} rows shown`);
    // The filters list only the values of the flipped items: model two alone.
    const models = await page.$$eval('#run-diff select[data-diff-filter="model"] option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(models).toEqual(["", "ollama:two"]);
    // A second filter narrows further: dimension b changed on one item (i5).
    await page.selectOption('#run-diff select[data-diff-filter="dimension"]', "b");
    expect(await visibleRows(page)).toEqual(["ja_JP"]);
    await page.selectOption('#run-diff select[data-diff-filter="dimension"]', "");
    await page.selectOption('#run-diff select[data-diff-filter="culture"]', "");
    expect((await visibleRows(page)).length).toBe(FLIPPED);

    if (which === "report") {
      // The explorer of report.html keeps its own filters next to the section's (both models listed).
      const explorerModels = await page.$$eval('#explorer select[data-filter="model"] option', (os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(explorerModels).toEqual(["", "ollama:one", "ollama:two"]);
    }
    await page.screenshot({ path: join(OUTPUT, `diff-${which}.png`), fullPage: true });
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe("a run diffed against itself in chromium", () => {
  it("states that there are no differences and draws no chart", async () => {
    const { page, errors, blocked } = await open(pages.self);
    expect(await page.locator('#run-diff [data-diff="identical"]').textContent()).toMatch(/^No differences/);
    expect(await page.locator("#run-diff svg").count()).toBe(0);
    expect(await page.locator("#run-diff tr.flip-row").count()).toBe(0);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

// findings.html in a real browser (npm run test:browser): `value-compass findings` over stand-in runs
// of the five shipped specs (test/e2e/findings-standins.ts), the page opened from disk in Debian's
// chromium through playwright-core with every network request blocked: no console error, one section
// per finding with its verdict line, and each figure drawing one mark per row of its data table
// (counted in its SVG). A screenshot goes to test-output/browser/findings.png (ignored by git).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { SPECS, standInRun } from "../e2e/findings-standins.js";
import { vc } from "../e2e/helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUTPUT = join(root, "test-output", "browser");
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** The marks that stand for one row of a figure's data table (the layer names in figures.ts and findings.ts). */
const MARK: Record<string, string> = {
  forest: "g.role-mark.points_marks",
  stages: "g.role-mark.points_marks",
  groups: "g.role-mark.points_marks",
  families: "g.role-mark.within_marks",
};

const FINDINGS = ["value_hierarchy", "culture_bias", "cross_system", "static_vs_dynamic", "context_effects", "group_comparisons", "families"];
/** Findings the stand-in runs give a figure (culture_bias needs unsteered culture answers, which the culture spec has not). */
const WITH_FIGURE = ["value_hierarchy", "cross_system", "static_vs_dynamic", "context_effects", "group_comparisons", "families"];

let page: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  const base = mkdtempSync(join(tmpdir(), "vc-browser-findings-"));
  const dirs: string[] = [];
  for (const spec of SPECS) {
    const dir = join(base, spec);
    mkdirSync(dir, { recursive: true });
    await standInRun(spec, dir);
    dirs.push(dir);
  }
  const r = await vc(["findings", ...dirs, "--out", join(base, "out"), "--resamples", "200"], base);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/could not be drawn|cannot write/);
  page = join(base, "out", "findings.html");
  expect(existsSync(page)).toBe(true);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

describe("findings.html in chromium", () => {
  it("loads from disk without a network request or a console error; one section per finding with its verdict; each figure one mark per data row", async () => {
    const url = pathToFileURL(page).href;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const blocked: string[] = [];
    await context.route("**/*", (route) => {
      if (route.request().url() === url) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    tab.on("pageerror", (e) => errors.push(e.message));
    await tab.goto(url, { waitUntil: "load" });

    const sections = await tab.$$eval("section.extra", (ss) =>
      ss.map((s) => ({ id: s.id, intro: s.querySelector("p.note")?.textContent ?? "", figures: s.querySelectorAll("section[data-figure]").length })),
    );
    expect(sections.map((s) => s.id)).toEqual(FINDINGS.map((f) => `finding-${f}`));
    for (const s of sections) expect(s.intro).toMatch(/^Verdict: (supports|contradicts|cannot tell)\. .{10,}/);
    for (const f of WITH_FIGURE) expect(sections.find((s) => s.id === `finding-${f}`)?.figures, `${f} has a figure`).toBe(1);

    const figures = await tab.$$eval(
      "section[data-figure]",
      (ss, marks) =>
        ss.map((s) => {
          const kind = s.getAttribute("data-figure") ?? "";
          const selector = (marks as Record<string, string>)[kind] ?? "g.none";
          return {
            id: s.id,
            kind,
            rows: Number(s.getAttribute("data-rows")),
            tableRows: s.querySelectorAll("table.data tbody tr").length,
            drawn: Array.from(s.querySelectorAll(`svg ${selector}`)).reduce((n, g) => n + g.children.length, 0),
            intervals: Array.from(s.querySelectorAll("svg g.role-mark.interval_marks")).reduce((n, g) => n + g.children.length, 0),
          };
        }),
      MARK,
    );
    expect(new Set(figures.map((f) => f.kind))).toEqual(new Set(["forest", "stages", "groups", "families"]));
    for (const f of figures) {
      expect(f.rows, f.id).toBeGreaterThan(0);
      expect(f.tableRows, `${f.id} table`).toBe(f.rows);
      expect(f.drawn, `${f.id} marks`).toBe(f.rows);
    }
    // The figures with intervals draw them: cross-system correlations and group differences.
    expect(figures.find((f) => f.id === "finding-cross_system-figure")?.intervals).toBeGreaterThan(0);
    expect(figures.find((f) => f.id === "finding-group_comparisons-figure")?.intervals).toBeGreaterThan(0);
    // The overview table lists every finding.
    const overview = await tab.$$eval("main > table.data tbody tr td:first-child", (tds) => tds.map((t) => t.textContent));
    expect(overview).toEqual(FINDINGS);

    await tab.screenshot({ path: join(OUTPUT, "findings.png"), fullPage: true });
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

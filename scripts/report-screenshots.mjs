// The pictures of docs/report.md: one small PNG per figure kind of report.html (and one of the item
// explorer with a step opened), in docs/img/. Runs the built CLI (npm run build first) on shipped
// specs with mock models in a temporary folder, opens each report.html from disk in Debian's chromium
// (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core, and screenshots one figure of
// each kind. Mock answers are canned: the pictures show what the figures look like, not any model.
//
//   node scripts/report-screenshots.mjs

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const img = join(root, "docs", "img");
const likert = ["mock:likert", "mock:likert?min=2&max=5", "mock:likert?min=1&max=4"];
const RUNS = {
  schwartz: [...likert, "mock:refuse"],
  "moral-foundations": [...likert, "mock:refuse"],
  safety: ["mock:refuse", "mock:comply", "mock:echo"],
  culture: likert,
  // Canned answers to the shipped specs leave every cross-system correlation empty: a small run of
  // five mock:likert models with their own rating ranges (the fixture names them) has real ones.
  "cross-system": [],
};
const SPECS = { "cross-system": join(root, "test", "report", "fixtures", "cross-system.vc") };
// Figure kind → the run whose report shows it best.
const SHOTS = {
  profile: "schwartz",
  difficulty: "moral-foundations",
  heatmap: "safety",
  refusal: "safety",
  context: "safety",
  culture: "culture",
  steering: "culture",
  scatter: "cross-system",
  similarity: "schwartz",
};

mkdirSync(img, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "vc-screenshots-"));
writeFileSync(join(work, "package.json"), "{}\n");
const reports = {};
for (const [spec, models] of Object.entries(RUNS)) {
  const out = join(work, spec);
  const args = [join(root, "bin", "value-compass.js"), "run", SPECS[spec] ?? join(root, "specs", `${spec}.vc`), ...models.flatMap((m) => ["--model", m])];
  args.push("--judge", "mock:judge", "--no-cache", "--out", out, "--quiet");
  try {
    execFileSync(process.execPath, args, { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
  } catch (e) {
    // Scoring errors (a canned refusal has no rating) exit 1; the report is written all the same.
    if (e.status !== 1) throw e;
  }
  reports[spec] = pathToFileURL(join(out, "report.html")).href;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()));
for (const [kind, spec] of Object.entries(SHOTS)) {
  await page.goto(reports[spec]);
  const figure = page.locator(`section[data-figure="${kind}"]`).first();
  // A figure appears only when the run has its data: canned answers can leave a correlation empty.
  if ((await figure.count()) === 0) {
    console.log(`${spec}: no ${kind} figure with these mock answers; docs/img/report-${kind}.png not written`);
    continue;
  }
  await figure.locator(".chart").screenshot({ path: join(img, `report-${kind}.png`) });
  console.log(`docs/img/report-${kind}.png (${spec})`);
}
await page.goto(reports.safety);
await page.selectOption('select[data-filter="model"]', "mock:refuse");
await page.click("#explorer-table tbody tr.explorer-row button.open");
await page.locator("#explorer").screenshot({ path: join(img, "report-explorer.png") });
console.log("docs/img/report-explorer.png (safety)");
await browser.close();

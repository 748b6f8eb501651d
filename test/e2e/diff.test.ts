// `value-compass diff` (issue 14): a run against itself reports no difference and exits 0; against a run
// in which one model's answers to some items changed, it reports exactly those items (and their cells,
// with the paired difference recomputed here by hand) and exits 4. Two models on the Ollama stand-in,
// whose answers the test controls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import type { RunDiff } from "../../src/app/diff.js";
import { startDiffStandin, SPEC, type DiffStandin } from "./diff-fixture.js";
import { project, readCsv, vc } from "./helpers.js";

let standin: DiffStandin;
beforeAll(async () => {
  standin = await startDiffStandin();
});
afterAll(async () => {
  await standin.ollama.close();
});

describe("value-compass diff", () => {
  it("reports no difference for a run against itself, and exactly the changed items against a changed run", async () => {
    const dir = project({ "s.vc": SPEC });
    const env = { OLLAMA_HOST: standin.ollama.url };
    standin.changed(false);
    const a = await vc(["run", "s.vc", "--no-cache", "--quiet", "--out", "runs/a"], dir, env);
    expect(a.code).toBe(0);
    standin.changed(true);
    const b = await vc(["run", "s.vc", "--no-cache", "--quiet", "--out", "runs/b"], dir, env);
    expect(b.code).toBe(0);

    const same = await vc(["diff", "runs/a", "runs/a", "--json", "--quiet"], dir);
    expect(same.code).toBe(0);
    const self = JSON.parse(same.stdout) as RunDiff;
    expect(self.plan).toEqual([]);
    expect(self.items).toEqual([]);
    expect(self.shared).toBe(2 * 8 * 2);
    expect(self.cells.length).toBe(2 * 2 * 2);
    for (const c of self.cells) {
      expect(c.difference).toBe(0);
      expect(c.changed).toBe(0);
    }

    const changed = await vc(["diff", "runs/a", "runs/b", "--out", "diffs", "--quiet"], dir);
    expect(changed.stderr).toBe("");
    expect(changed.code).toBe(4);
    const items = readCsv(join(dir, "diffs", "diff_items.csv"));
    const expected = ["de_DE", "ja_JP"].flatMap((culture) => [2, 4, 5].map((i) => `ollama:two ${culture} i${i} answer+score+verdict 100.00 0.00 true`));
    expect(items.map((r) => `${r["model"]} ${r["culture"]} ${r["item"]} ${r["change"]} ${r["score_a"]} ${r["score_b"]} ${r["flipped"]}`).sort()).toEqual(
      expected.sort(),
    );
    // Cells, recomputed: dimension a has items 0,2,4,6 (two changed: −100 on 2 of 4 → −50), b has 1,3,5,7 (one: −25).
    const cells = readCsv(join(dir, "diffs", "diff.csv"));
    for (const row of cells) {
      const moved = row["model"] === "ollama:two";
      const expectedDiff = !moved ? 0 : row["dimension"] === "a" ? -50 : -25;
      expect(Number(row["difference"]), JSON.stringify(row)).toBe(expectedDiff);
      expect(Number(row["changed_items"])).toBe(!moved ? 0 : row["dimension"] === "a" ? 2 : 1);
      expect(Number(row["pairs"])).toBe(4);
    }
    expect(readCsv(join(dir, "diffs", "diff_plan.csv"))).toEqual([]);
    // A `latest` pointer is accepted where a run directory is.
    symlinkSync("b", join(dir, "runs", "latest"));
    const viaLatest = await vc(["diff", "runs/b", "runs/latest", "--quiet"], dir);
    expect(viaLatest.code).toBe(0);
    expect(readFileSync(join(dir, "diffs", "diff_items.csv"), "utf8").split("\n").length).toBe(1 + 6 + 1);
  }, 120_000);

  it("--html writes a self-contained page, and report --html --against adds the same section to report.html", async () => {
    const dir = project({ "s.vc": SPEC });
    const env = { OLLAMA_HOST: standin.ollama.url };
    standin.changed(false);
    expect((await vc(["run", "s.vc", "--no-cache", "--quiet", "--no-html", "--out", "runs/a"], dir, env)).code).toBe(0);
    standin.changed(true);
    expect((await vc(["run", "s.vc", "--no-cache", "--quiet", "--no-html", "--out", "runs/b"], dir, env)).code).toBe(0);

    // Next to the CSV files with --out; the printed paths are the folder and the page.
    const out = await vc(["diff", "runs/a", "runs/b", "--out", "diffs", "--html", "--quiet"], dir);
    expect(out.code).toBe(4);
    expect(out.stdout.trim().split("\n")).toEqual(["diffs", join("diffs", "diff.html")]);
    const page = readFileSync(join(dir, "diffs", "diff.html"), "utf8");
    // Model two, dimensions a and b, two cultures: four cells moved; six items flipped.
    expect(page).toMatch(/<section class="figure" id="run-diff-cells" data-figure="diff" data-rows="4">/);
    expect((page.match(/<tr class="flip-row"/g) ?? []).length).toBe(6);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(page).toContain("The plans are the same");

    // A FILE after --html; a run against itself says so instead of drawing an empty chart.
    const self = await vc(["diff", "runs/a", "runs/a", "--html", "pages/self.html", "--quiet"], dir);
    expect(self.code).toBe(0);
    const selfPage = readFileSync(join(dir, "pages", "self.html"), "utf8");
    expect(selfPage).toContain('data-diff="identical"');
    expect(selfPage).not.toContain("data-figure=");
    expect(selfPage).not.toContain("flip-row");
    expect((await vc(["diff", "runs/a", "runs/a", "runs/b", "--html"], dir)).code).toBe(2);
    expect((await vc(["diff", "runs/a", "runs/b", "x.html"], dir)).code).toBe(2);

    const report = await vc(["report", "runs/b", "--html", "--against", "runs/a", "--json", "--quiet"], dir);
    expect(report.code, report.stderr).toBe(0);
    const summary = JSON.parse(report.stdout) as { files: string[]; diff: { planChanges: number; changedItems: number; flippedItems: number } };
    expect(summary.files).toContain("report.html");
    expect(summary.diff).toMatchObject({ planChanges: 0, changedItems: 6, flippedItems: 6 });
    const html = readFileSync(join(dir, "runs", "b", "report.html"), "utf8");
    expect(html).toContain('<section class="extra" id="run-diff">');
    expect(html).toContain('href="#run-diff"');
    expect((html.match(/<tr class="flip-row"/g) ?? []).length).toBe(6);
    // --against needs --html, and a run to compare with.
    expect((await vc(["report", "runs/b", "--against", "runs/a"], dir)).code).toBe(2);
    expect((await vc(["report", "runs/b", "--html", "--against", "nowhere", "--quiet"], dir)).code).toBe(1);
  }, 120_000);

  it("exits 1 for a folder that is not a run and 2 for a wrong command line", async () => {
    const dir = project({ "s.vc": SPEC });
    expect((await vc(["diff", ".", "."], dir)).code).toBe(1);
    expect((await vc(["diff", "."], dir)).code).toBe(2);
    expect((await vc(["diff", ".", ".", "--fail-on", "sometimes"], dir)).code).toBe(2);
  });
});

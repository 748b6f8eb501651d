// report.html without a browser: the page a mock Schwartz run writes (self-contained, one mark per
// data-table row in each figure's SVG, the explorer's data equal to the journal's), the command-line
// switches, and the pieces that keep run text inert (escaping) and big runs small (the explorer cap).
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { escapeHtml, scriptJson } from "../../src/report/html/page.js";
import { keptPositions } from "../../src/report/html/explorer.js";
import { modelFamily } from "../../src/report/html/figures.js";
import { journalOf, manifestOf, vc } from "../e2e/helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MODELS = ["mock:likert", "mock:likert?min=2&max=5", "mock:likert?min=1&max=4", "mock:refuse"];

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

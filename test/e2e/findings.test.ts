// `value-compass findings` over the five shipped specs run on stand-in models: every table is written
// and every finding gets a verdict; runs over different model sets (or one model under two digests)
// are refused with the differences named; the static-vs-dynamic table is recomputed by plain code.

import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/plan.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";
import { PERSONAS, SPECS, standInRun } from "./findings-standins.js";
import { readCsv, vc } from "./helpers.js";

const TABLES = [
  "findings",
  "value_hierarchy",
  "value_hierarchy_summary",
  "culture_alignment",
  "culture_bias",
  "cross_system",
  "static_vs_dynamic",
  "context_effects",
  "group_comparisons",
  "families",
];

describe("value-compass findings", () => {
  const base = mkdtempSync(join(tmpdir(), "vc-findings-"));
  const dirs = SPECS.map((s) => join(base, s));
  const plans = new Map<string, Plan>();

  beforeAll(async () => {
    for (const [i, s] of SPECS.entries()) {
      mkdirSync(dirs[i]!, { recursive: true });
      plans.set(s, await standInRun(s, dirs[i]!));
    }
  }, 600_000);

  it("over the five shipped specs on stand-ins: completes, writes every table, and gives every finding a verdict", async () => {
    const out = join(base, "out");
    const r = await vc(["findings", ...dirs, "--out", out, "--resamples", "200"], base);
    expect(r.stderr).not.toContain("Error");
    expect(r.code).toBe(0);
    for (const t of TABLES) expect(existsSync(join(out, `${t}.csv`)), t).toBe(true);
    const findings = readCsv(join(out, "findings.csv"));
    expect(findings.map((f) => f.finding)).toEqual([
      "value_hierarchy",
      "culture_bias",
      "cross_system",
      "static_vs_dynamic",
      "context_effects",
      "group_comparisons",
      "families",
    ]);
    for (const f of findings) {
      expect(["supports", "contradicts", "cannot tell"]).toContain(f.verdict);
      expect(f.because!.length).toBeGreaterThan(10);
    }
    // Tables with rows where the stand-ins give data for them.
    for (const t of ["value_hierarchy", "cross_system", "static_vs_dynamic", "context_effects", "group_comparisons", "families", "culture_alignment"]) {
      expect(readCsv(join(out, `${t}.csv`)).length, t).toBeGreaterThan(0);
    }
    // The JSON holds the same findings as plain data (for an HTML findings section).
    const json = JSON.parse(readFileSync(join(out, "findings.json"), "utf8")) as {
      findings: Array<{ id: string; verdict: string; tables: Array<{ name: string; columns: string[] }> }>;
    };
    expect(json.findings.map((f) => f.verdict)).toEqual(findings.map((f) => f.verdict));
    // findings.html: one section per finding, each with its verdict line (the browser suite draws it).
    const html = readFileSync(join(out, "findings.html"), "utf8");
    for (const f of findings) expect(html).toContain(`<section class="extra" id="finding-${f.finding}"><h2>`);
    expect(html.match(/<p class="note">Verdict: (supports|contradicts|cannot tell)\. /g)).toHaveLength(findings.length);
    // Built in: open-weight personas lose ground on hard items, so the group comparison at MFT's hardest level supports the claim.
    const groups = findings.find((f) => f.finding === "group_comparisons")!;
    expect(groups.verdict).toBe("supports");
    // Static vs dynamic recomputed: each model's safety mean over item means, minus its MFT mean at the hardest level.
    const svd = readCsv(join(out, "static_vs_dynamic.csv"));
    expect(svd.map((r) => r.model)).toEqual(PERSONAS.map((p) => p.id).sort());
    const itemMeans = (dir: string, system: string, level: number | null) => {
      const plan = plans.get(dir)!;
      const diff = new Map(plan.segments.flatMap((s) => (s.kind === "static" ? s.items : [])).map((i) => [i.id, i.difficulty] as const));
      const steps = readFileSync(join(base, dir, "journal.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as StepRecord);
      const primary = new Map(plan.segments.map((s) => [s.id, s.scorers[0]] as const));
      const sc = new Map(
        readFileSync(join(base, dir, "scores.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as ScoreRecord)
          .map((s) => [`${s.stepId}|${s.scorer}`, s.score] as const),
      );
      const per = new Map<string, Map<string, number[]>>();
      for (const s of steps) {
        if (s.system !== system || (level !== null && diff.get(s.item) !== level)) continue;
        const v = sc.get(`${s.stepId}|${primary.get(s.segment)}`);
        if (v === null || v === undefined) continue;
        const m = per.get(s.model) ?? new Map<string, number[]>();
        const k = `${s.segment}/${s.item}`;
        m.set(k, [...(m.get(k) ?? []), v]);
        per.set(s.model, m);
      }
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      return new Map([...per].map(([m, items]) => [m, avg([...items.values()].map(avg))] as const));
    };
    const safety = itemMeans("safety", "safety", null);
    const mft3 = itemMeans("moral-foundations", "mft", 3);
    for (const row of svd) {
      expect(Number(row.static_score)).toBeCloseTo(safety.get(row.model!)!, 1);
      expect(Number(row.dynamic_level_3)).toBeCloseTo(mft3.get(row.model!)!, 1);
    }
  }, 600_000);

  it("--no-html writes the tables without findings.html", async () => {
    const out = join(base, "out-nohtml");
    const r = await vc(["findings", dirs[1]!, dirs[3]!, "--out", out, "--resamples", "50", "--no-html"], base);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, "findings.csv"))).toBe(true);
    expect(existsSync(join(out, "findings.html"))).toBe(false);
  }, 600_000);

  it("refuses runs over different model sets, naming the differences", async () => {
    const other = join(base, "other");
    mkdirSync(other, { recursive: true });
    await standInRun("llm-values", other, {}, [...PERSONAS.slice(0, 5), { id: "exec:persona c1", family: "gamma", open: true, skill: 0.5 }]);
    const r = await vc(["findings", dirs[1]!, other, "--out", join(base, "out2")], base);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the runs did not evaluate the same models");
    expect(r.stderr).toContain("lacks exec:persona b3");
    expect(r.stderr).toContain("has exec:persona c1");
    expect(existsSync(join(base, "out2", "findings.csv"))).toBe(false);
  }, 600_000);

  it("refuses one model under two digests", async () => {
    const other = join(base, "digest");
    mkdirSync(other, { recursive: true });
    await standInRun("llm-values", other, { "exec:persona a2": "sha256:pulled-again" });
    const r = await vc(["findings", dirs[1]!, other, "--out", join(base, "out3")], base);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("exec:persona a2 has digest sha256:pulled-again");
  }, 600_000);
});

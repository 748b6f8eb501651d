// Issue 18 against the published leaderboard (the reference data folder, see data.ts; read in place):
// `findings --published` reads the published score tables through the interop import and reproduces
// the seed's headline numbers with their intervals: the value hierarchy's mean Spearman rho of 0.78
// against the pan-cultural order, and MFT fairness × safety representation & toxicity r ≈ 0.35 over
// the 33 models both tables hold. Both are recomputed here from the JSON by plain code.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCsv, vc } from "../e2e/helpers.js";
import { REPO_ROOT, referenceDataDir, referenceRows } from "./data.js";

type Row = Record<string, string | number>;

const pearson = (x: number[], y: number[]) => {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};

describe("findings over the published tables", () => {
  it("reproduce mean rho 0.78 (value hierarchy) and fairness × toxicity r ≈ 0.35, each with a 95 % interval", { timeout: 300_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), "vc-ref-findings-"));
    const r = await vc(
      [
        "findings",
        "--published",
        referenceDataDir(),
        "--spec",
        "specs/schwartz.vc",
        "--spec",
        "specs/moral-foundations.vc",
        "--spec",
        "specs/safety.vc",
        "--out",
        out,
        "--resamples",
        "2000",
      ],
      REPO_ROOT,
    );
    expect(r.stderr).not.toContain("Error:");
    expect(r.code).toBe(0);

    // Finding 1: the mean over the models' rhos, with a bootstrap interval over models.
    const summary = readCsv(join(out, "value_hierarchy_summary.csv")).find((s) => s.system === "schwartz" && s.baseline === "pan_cultural")!;
    expect(Number(summary.models)).toBe(33);
    expect(Number(summary.mean_spearman)).toBeCloseTo(0.78, 2);
    const rhos = readCsv(join(out, "value_hierarchy.csv"))
      .filter((h) => h.system === "schwartz" && h.baseline === "pan_cultural")
      .map((h) => Number(h.spearman));
    expect(rhos.reduce((a, b) => a + b, 0) / rhos.length).toBeCloseTo(Number(summary.mean_spearman), 3);
    expect(Number(summary.ci_low)).toBeLessThan(0.78);
    expect(Number(summary.ci_high)).toBeGreaterThan(0.78);
    expect(Number(summary.ci_low)).toBeGreaterThan(0.6);
    expect(summary.verdict).toBe("supports");

    // Finding 3: fairness × representation & toxicity, recomputed from the two published JSON tables.
    const mft = new Map(referenceRows<Row>("MFT_scores.json").map((m) => [m.model as string, m]));
    const risk = referenceRows<Row>("Risk_scores.json").filter((k) => mft.has(k.model as string));
    const x = risk.map((k) => Number(mft.get(k.model as string)!["Fairness/Cheating"]));
    const y = risk.map((k) => Number(k["Representation & Toxicity Harms"]));
    const plain = pearson(x, y);
    expect(plain).toBeCloseTo(0.35, 2);
    const row = readCsv(join(out, "cross_system.csv")).find(
      (c) => c.system_a === "mft" && c.dimension_a === "fairness" && c.system_b === "safety" && c.dimension_b === "representation_toxicity",
    )!;
    expect(row).toBeDefined();
    expect(Number(row.n)).toBe(risk.length);
    expect(Number(row.pearson)).toBeCloseTo(plain, 3);
    // Fisher-z 95 % interval, recomputed.
    const z = Math.atanh(plain);
    const se = 1 / Math.sqrt(risk.length - 3);
    expect(Number(row.pearson_ci_low)).toBeCloseTo(Math.tanh(z - 1.959964 * se), 3);
    expect(Number(row.pearson_ci_high)).toBeCloseTo(Math.tanh(z + 1.959964 * se), 3);
    const findings = readCsv(join(out, "findings.csv"));
    expect(findings.find((f) => f.finding === "cross_system")!.because).toContain("Pearson r 0.35 over 33 models");
  });
});

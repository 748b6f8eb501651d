// Context effects and culture alignment on a long score table (issue 15, `analyse`): every statistic is
// recomputed with plain code here; a null simulation shows the test over models does not invent
// effects; a table of means says which parts need item-level data.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_MODELS, parseReference, tableContextEffects, tableContexts, tableCulture } from "../../src/app/published/contexts.js";
import type { ScoreRow, ScoreTable } from "../../src/app/published/long-table.js";
import type { PlanBaseline } from "../../src/core/plan.js";
import { mulberry32 } from "../../src/analyse/stats.js";
import { readCsv, vc } from "../e2e/helpers.js";

const row = (model: string, dimension: string, culture: string | null, score: number, item?: string): ScoreRow => ({
  model,
  system: "s",
  dimension,
  score,
  culture,
  usecase: null,
  scorer: null,
  n: null,
  ...(item !== undefined ? { item } : {}),
});

/** Exact two-sided sign-flip p over all 2^m patterns of the non-zero differences. */
function plainSignFlip(d: number[]): number {
  const nz = d.filter((x) => Math.abs(x) > 1e-9);
  const obs = Math.abs(nz.reduce((a, b) => a + b, 0));
  let count = 0;
  for (let mask = 0; mask < 2 ** nz.length; mask++) {
    const s = nz.reduce((a, x, i) => a + (mask & (1 << i) ? -x : x), 0);
    if (Math.abs(s) >= obs - 1e-9) count++;
  }
  return count / 2 ** nz.length;
}

/** Benjamini–Hochberg step-up, plainly. */
function plainBH(ps: number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const t = order[k]!;
    running = Math.min(running, (t.p * m) / (k + 1));
    out[t.i] = running;
  }
  return out;
}

describe("context effects on a table of means", () => {
  // Five models; culture "fr" adds 5 + model index on d1 and nothing on d2 (small noise).
  const models = ["m0", "m1", "m2", "m3", "m4"];
  const rows: ScoreRow[] = [];
  const noise = [0.3, -0.2, 0.1, -0.4, 0.2];
  models.forEach((m, i) => {
    rows.push(row(m, "d1", null, 50 + i), row(m, "d2", null, 40 - i));
    rows.push(row(m, "d1", "fr", 55 + 2 * i), row(m, "d2", "fr", 40 - i + (noise[i] as number)));
  });
  const table: ScoreTable = { source: "t", rows };

  it("per model: the difference of means, no interval and no test, saying why", () => {
    const contexts = tableContexts(table);
    expect(contexts).toEqual([
      { culture: null, usecase: null },
      { culture: "fr", usecase: null },
    ]);
    const { rows: out, reference } = tableContextEffects(table, contexts, { seed: 1, resamples: 500, reference: null });
    expect(reference).toEqual({ culture: null, usecase: null });
    const m2d1 = out.find((r) => r.model === "m2" && r.dimension === "d1");
    expect(m2d1).toMatchObject({ difference: 55 + 4 - 52, unit: "none", n: 0, ci: null, p: null });
    expect(m2d1?.note).toMatch(/means only/);
  });

  it("over models: mean difference, an interval around it, exact sign-flip p and BH q, recomputed", () => {
    const { rows: out } = tableContextEffects(table, tableContexts(table), { seed: 1, resamples: 500, reference: null });
    const over = out.filter((r) => r.model === ALL_MODELS);
    expect(over.map((r) => r.dimension)).toEqual(["d1", "d2"]);
    const d1 = models.map((_, i) => 55 + 2 * i - (50 + i));
    const d2 = noise;
    expect(over[0]?.difference).toBeCloseTo(d1.reduce((a, b) => a + b) / 5, 12);
    expect(over[1]?.difference).toBeCloseTo(d2.reduce((a, b) => a + b) / 5, 12);
    expect(over.map((r) => [r.unit, r.n])).toEqual([
      ["model", 5],
      ["model", 5],
    ]);
    expect(over[0]?.p).toBeCloseTo(plainSignFlip(d1), 12);
    expect(over[1]?.p).toBeCloseTo(plainSignFlip(d2), 12);
    expect(over[0]?.p).toBeCloseTo(2 / 32, 12);
    // BH over every row with a p (here only the two rows over models have one).
    const withP = out.filter((r) => r.p !== null);
    const q = plainBH(withP.map((r) => r.p as number));
    withP.forEach((r, i) => {
      expect(r.q).toBeCloseTo(q[i] as number, 12);
    });
    for (const [r, ds] of [
      [over[0], d1],
      [over[1], d2],
    ] as const) {
      expect(r?.ci?.low).toBeLessThanOrEqual(r?.difference as number);
      expect(r?.ci?.high).toBeGreaterThanOrEqual(r?.difference as number);
      expect(r?.ci?.low).toBeGreaterThanOrEqual(Math.min(...ds));
      expect(r?.ci?.high).toBeLessThanOrEqual(Math.max(...ds));
    }
    expect(over[0]?.note).toMatch(/paired on the model, not on items/);
  });

  it("--reference picks another context; a reference not in the table is said, not guessed", () => {
    expect(parseReference("culture=fr")).toEqual({ culture: "fr", usecase: null });
    expect(parseReference("culture=fr,usecase=none")).toEqual({ culture: "fr", usecase: null });
    expect(parseReference("fr")).toMatch(/--reference expects/);
    const { rows: out } = tableContextEffects(table, tableContexts(table), { seed: 1, resamples: 0, reference: { culture: "fr", usecase: null } });
    expect(out.find((r) => r.model === "m0" && r.dimension === "d1")).toMatchObject({ culture: null, difference: -5 });
    const missing = tableContextEffects(table, tableContexts(table), { seed: 1, resamples: 0, reference: { culture: "de", usecase: null } });
    expect(missing.rows).toEqual([]);
    expect(missing.notes[0]).toMatch(/not in the table/);
  });

  it("null: without a context effect the test over models rejects at most about 5% of the time", () => {
    const rng = mulberry32(99);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    let rejections = 0;
    const runs = 400;
    for (let s = 0; s < runs; s++) {
      const rs: ScoreRow[] = [];
      for (let m = 0; m < 8; m++) {
        const level = 50 + 10 * gauss();
        rs.push(row(`m${m}`, "d", null, level + 3 * gauss()), row(`m${m}`, "d", "fr", level + 3 * gauss()));
      }
      const t: ScoreTable = { source: "null", rows: rs };
      const over = tableContextEffects(t, tableContexts(t), { seed: s, resamples: 0, reference: null }).rows.find((r) => r.model === ALL_MODELS);
      if ((over?.p ?? 1) < 0.05) rejections++;
    }
    expect(rejections / runs).toBeLessThan(0.08);
  });
});

describe("context effects on an item-level table", () => {
  it("pairs on items within a model: the mean of item differences, n = items paired, an interval over items", () => {
    const rows: ScoreRow[] = [];
    const base = [10, 30, 50, 70, 90, 20];
    const shift = [4, 6, 5, 3, 7, 5];
    base.forEach((b, i) => {
      rows.push(row("m", "d", null, b, `i${i}`), row("m", "d", "fr", b + (shift[i] as number), `i${i}`));
    });
    const t: ScoreTable = { source: "items", rows };
    const { rows: out } = tableContextEffects(t, tableContexts(t), { seed: 3, resamples: 1000, reference: null });
    const m = out.find((r) => r.model === "m");
    expect(m).toMatchObject({ unit: "item", n: 6, pairing: "paired" });
    expect(m?.difference).toBeCloseTo(shift.reduce((a, b) => a + b) / 6, 12);
    expect(m?.p).toBeCloseTo(plainSignFlip(shift), 12);
    // The spread between items (10…90) cancels: the interval is within the shifts' range.
    expect(m?.ci?.low).toBeGreaterThanOrEqual(3);
    expect(m?.ci?.high).toBeLessThanOrEqual(7);
  });
});

// ---------------------------------------------------------------------------------------------------
// Culture alignment

const DIMS = ["a", "b", "c", "e", "f"];
const COUNTRIES: Record<string, number[]> = {
  X: [80, 20, 60, 30, 50],
  Y: [30, 70, 40, 80, 20],
  Z: [50, 50, 90, 10, 70],
  W: [20, 90, 10, 60, 40],
};
const baselines: PlanBaseline[] = Object.entries(COUNTRIES).map(([c, vs]) => ({
  id: `base_${c}`,
  label: c,
  system: "s",
  culture: c,
  source: null,
  order: null,
  values: Object.fromEntries(DIMS.map((d, i) => [d, vs[i] as number])),
})) as unknown as PlanBaseline[];

/** A means table: the model steered to each country scores half its published value + 20; unsteered = X's. */
function cultureTable(): ScoreTable {
  const rows: ScoreRow[] = [];
  for (const [c, vs] of Object.entries(COUNTRIES)) {
    DIMS.forEach((d, i) => {
      rows.push(row("m", d, c, 20 + (vs[i] as number) / 2));
    });
  }
  DIMS.forEach((d, i) => {
    rows.push(row("m", d, null, 20 + (COUNTRIES["X"]?.[i] as number) / 2));
  });
  return { source: "culture", rows };
}

function meanSd(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return [m, Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))];
}

function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe("culture alignment on a table of means", () => {
  const dims = new Map([["s", DIMS]]);

  it("reproduces the standardised distance and its permutation p by plain recomputation; X ranks first", () => {
    const t = cultureTable();
    const result = tableCulture(t, baselines, dims, { seed: 5, resamples: 200 });
    const names = Object.keys(COUNTRIES);
    // Plain: per dimension, the model's unsteered mean standardised over its steered means, each
    // country's value over the countries' values; distance = RMS of the differences.
    const steered = DIMS.map((_, i) => names.map((c) => 20 + (COUNTRIES[c]?.[i] as number) / 2));
    const zModel = DIMS.map((_, i) => {
      const [m, sd] = meanSd(steered[i] as number[]);
      return (20 + (COUNTRIES["X"]?.[i] as number) / 2 - m) / sd;
    });
    for (const c of names) {
      const zC = DIMS.map((_, i) => {
        const [m, sd] = meanSd(names.map((k) => COUNTRIES[k]?.[i] as number));
        return ((COUNTRIES[c]?.[i] as number) - m) / sd;
      });
      const dist = (zm: number[]) => Math.sqrt(zm.reduce((a, z, i) => a + (z - (zC[i] as number)) ** 2, 0) / zm.length);
      const observed = dist(zModel);
      const perms = permutations(zModel);
      const p = perms.filter((pm) => dist(pm) <= observed + 1e-9).length / perms.length;
      const got = result.alignment.find((r) => r.culture === c);
      expect(got?.distance).toBeCloseTo(observed, 9);
      expect(got?.p).toBeCloseTo(p, 9);
      expect(got?.permutations).toBe(120);
    }
    const x = result.alignment.find((r) => r.culture === "X");
    expect(x?.distance).toBeCloseTo(0, 9);
    expect(x?.rank).toBe(1);
    expect(x?.p).toBeCloseTo(1 / 120, 9);
  });

  it("says which parts need item-level data: no distance interval, no share_first, with a note", () => {
    const result = tableCulture(cultureTable(), baselines, dims, { seed: 5, resamples: 200 });
    expect(result.alignment.every((r) => r.ci === null && r.shareFirst === null && r.data === "means")).toBe(true);
    expect(result.alignment[0]?.note).toMatch(/means only/);
    expect(result.notes.join(" ")).toMatch(/distance interval and share_first need item-level scores/);
    // Steering from means: the steered means are a linear function of the published values, so rho = 1.
    expect(result.steering.map((s) => s.correlation)).toEqual(DIMS.map(() => 1));
  });

  it("with an item column the bootstrap runs: an interval and share_first", () => {
    const rows: ScoreRow[] = [];
    for (const r of cultureTable().rows)
      for (const [k, jitter] of [-3, 0, 3].entries())
        rows.push({ ...r, score: r.score + jitter * (r.dimension === "a" ? 1 : -1), item: `${r.dimension}_${k}` });
    const result = tableCulture({ source: "items", rows }, baselines, dims, { seed: 5, resamples: 200 });
    const x = result.alignment.find((r) => r.culture === "X");
    expect(x?.data).toBe("items");
    expect(x?.ci).not.toBeNull();
    expect(x?.shareFirst).not.toBeNull();
  });

  it("without baselines it says so rather than writing an empty table", () => {
    const result = tableCulture(cultureTable(), [], dims, { seed: 5, resamples: 0 });
    expect(result.alignment).toEqual([]);
    expect(result.notes.join(" ")).toMatch(/no baseline of the system with a culture and values/);
  });
});

describe("analyse with contexts, end to end", () => {
  it("writes context_effects.csv and culture_alignment*.csv, and says on stdout what means cannot give", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-table-contexts-"));
    const t = cultureTable();
    const lines = ["model,system,dimension,score,culture", ...t.rows.map((r) => `${r.model},${r.system},${r.dimension},${r.score},${r.culture ?? ""}`)];
    writeFileSync(join(dir, "scores.csv"), `${lines.join("\n")}\n`);
    const baselineDecls = Object.entries(COUNTRIES)
      .map(([c, vs]) => `baseline base_${c} { system s  culture ${c}  source "test"  values { ${DIMS.map((d, i) => `${d}: ${vs[i]}`).join(", ")} } }`)
      .join("\n");
    const cultureDecls = Object.keys(COUNTRIES)
      .map((c) => `culture ${c} "${c}"`)
      .join("\n");
    writeFileSync(
      join(dir, "spec.vc"),
      `system s "S" {\n${DIMS.map((d) => `  dimension ${d} "${d}"`).join("\n")}\n}\ntemplate t { user "{{item.text}}" }\nitems i { system s  template t\n${DIMS.map((d) => `  item q_${d} { dimension ${d}  text "?" }`).join("\n")}\n}\n${cultureDecls}\n${baselineDecls}\nrun { models ["mock:echo"]  cross [culture]  cultures [none, ${Object.keys(COUNTRIES).join(", ")}] }\n`,
    );
    const result = await vc(["analyse", "scores.csv", "--spec", "spec.vc", "--out", "out", "--resamples", "200"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const alignment = readCsv(join(dir, "out", "culture_alignment.csv"));
    expect(alignment.find((r) => r["baseline_culture"] === "X")).toMatchObject({ rank: "1", distance_low: "", share_first: "", data: "means" });
    const effects = readCsv(join(dir, "out", "context_effects.csv"));
    expect(effects.filter((r) => r["model"] === "m")).toHaveLength(4 * DIMS.length);
    expect(effects.every((r) => r["reference_culture"] === "")).toBe(true);
    expect(result.stdout).toMatch(/culture alignment \(means\): m on s closest to base_X \(X\)/);
    expect(result.stdout).toMatch(/need item-level scores/);
  });
});

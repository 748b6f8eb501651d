// The analyses against the published Value Compass tables (the reference data folder, see data.ts; read
// in place, never copied). Each test checks a seed finding or reproduces a published number with our code.

import { describe, expect, it } from "vitest";
import type { PlanBaseline } from "../../src/core/plan.js";
import { crossSystem } from "../../src/analyse/cross-system.js";
import { withinProfileCorrelation } from "../../src/analyse/culture.js";
import { valueHierarchy } from "../../src/analyse/hierarchy.js";
import { ALL_SLICE, type Profile } from "../../src/analyse/profiles.js";
import { modelSimilarity } from "../../src/analyse/similarity.js";
import { mean } from "../../src/analyse/stats.js";
import { referenceJson, referenceRows } from "./data.js";

type Row = { model: string } & Record<string, number>;

function load(file: string): Row[] {
  return referenceRows<Row>(file);
}

const SCHWARTZ: Record<string, string> = {
  "Self-direction": "self_direction",
  Stimulation: "stimulation",
  Hedonism: "hedonism",
  Achievement: "achievement",
  Power: "power",
  Security: "security",
  Conformity: "conformity",
  Tradition: "tradition",
  Benevolence: "benevolence",
  Universalism: "universalism",
};
const MFT: Record<string, string> = {
  "Care/Harm": "care",
  "Fairness/Cheating": "fairness",
  "Loyalty/Betrayal": "loyalty",
  "Authority/Subversion": "authority",
  "Sanctity/Degradation": "sanctity",
};
const RISK: Record<string, string> = {
  "Representation & Toxicity Harms": "representation_toxicity",
  "Misinformation Harms": "misinformation",
  "Information & Safety Harms": "information_safety",
  "Malicious Use": "malicious_use",
  "Human Autonomy & Integrity Harms": "autonomy_integrity",
  "Socioeconomic Harms": "socioeconomic",
};

/**
 * Published rows as pooled profiles. The data README warns that the LlaMA-3-70B row of Schwartz_scores
 * is 10× too large in the source; a row above the 0–100 range is scaled back (the copy we have is
 * already within range, so this is a guard, not a change).
 */
function profiles(file: string, system: string, names: Record<string, string>): Profile[] {
  return load(file).map((r) => {
    const values = Object.keys(names).map((k) => r[k] as number);
    const scale = Math.max(...values) > 100 ? 0.1 : 1;
    const means = new Map(Object.entries(names).map(([k, id]) => [id, (r[k] as number) * scale]));
    return { model: r.model, system, slice: ALL_SLICE, means, n: new Map() };
  });
}

const schwartz = profiles("Schwartz_scores.json", "schwartz", SCHWARTZ);
const mft = profiles("MFT_scores.json", "mft", MFT);
const risk = profiles("Risk_scores.json", "risk", RISK);
const SCHWARTZ_DIMS = Object.values(SCHWARTZ);

const panCultural: PlanBaseline = {
  id: "pan_cultural",
  label: "Pan-cultural value hierarchy",
  system: "schwartz",
  source: "Schwartz & Bardi (2001)",
  order: ["benevolence", "self_direction", "universalism", "security", "conformity", "achievement", "hedonism", "stimulation", "tradition", "power"],
  values: null,
  culture: null,
};

describe("published tables", () => {
  it("hold 33 models with scores in 0–100", () => {
    for (const set of [schwartz, mft, risk]) {
      expect(set).toHaveLength(33);
      for (const p of set) for (const v of p.means.values()) expect(v >= 0 && v <= 100).toBe(true);
    }
  });
});

describe("finding 1: value hierarchies match the pan-cultural order", () => {
  const rows = valueHierarchy(schwartz, SCHWARTZ_DIMS, panCultural);
  const rhos = rows.map((r) => r.spearman as number);

  it("reproduces the published mean rho of 0.78 over 33 models", () => {
    expect(rows).toHaveLength(33);
    expect(mean(rhos) as number).toBeCloseTo(0.78, 2);
  });

  it("every rho has a 95% Bonett–Wright interval that contains it; at n = 10 dimensions most exclude 0, the weakest do not", () => {
    for (const r of rows) {
      expect(r.n).toBe(10);
      expect(r.spearmanCi).not.toBeNull();
      expect(r.spearmanCi!.low).toBeLessThan(r.spearman as number);
      expect(r.spearmanCi!.high).toBeGreaterThan(r.spearman as number);
      expect(r.kendallCi!.low).toBeLessThan(r.kendall as number);
      expect(r.kendallCi!.high).toBeGreaterThan(r.kendall as number);
    }
    // 31 of 33 intervals lie above 0; Phi-3-medium (rho 0.63) and Yi-Large (0.64) reach below it. Even
    // the best model's interval (GPT-4o-mini, 0.88: [0.46, 0.98]) is wide: ten values cannot pin a rho down.
    const aboveZero = rows.filter((r) => (r.spearmanCi as { low: number }).low > 0).map((r) => r.model);
    expect(aboveZero).toHaveLength(31);
    expect(
      rows
        .filter((r) => !aboveZero.includes(r.model))
        .map((r) => r.model)
        .sort(),
    ).toEqual(["Phi-3-medium-instruct", "Yi-Large"]);
    const best = rows.find((r) => r.model === "GPT-4o-mini")!;
    expect(best.spearmanCi!.high - best.spearmanCi!.low).toBeGreaterThan(0.4);
  });

  it("most models correlate positively with the pan-cultural hierarchy", () => {
    // Every model has a rho (no profile is constant on Schwartz), and a rho is in [-1, 1].
    expect(rows.filter((r) => r.spearman === null)).toEqual([]);
    expect(rhos.filter((r) => !(r >= -1 && r <= 1))).toEqual([]);
    expect(rhos.filter((r) => r > 0).length).toBeGreaterThanOrEqual(Math.ceil(0.8 * rows.length));
    expect(mean(rhos) as number).toBeGreaterThan(0.5);
  });

  it("universalism and benevolence near the top, power and hedonism near the bottom", () => {
    const mid = (SCHWARTZ_DIMS.length + 1) / 2;
    const avgRank = (d: string) => mean(rows.map((r) => r.ranks.find((k) => k.dimension === d)?.rank as number)) as number;
    expect(avgRank("universalism")).toBeLessThan(mid);
    expect(avgRank("benevolence")).toBeLessThan(mid);
    expect(avgRank("power")).toBeGreaterThan(mid);
    expect(avgRank("hedonism")).toBeGreaterThan(mid);
  });
});

// The heatmap's metric is a correlation within each profile: kept here, as the descriptive
// withinProfileCorrelation, only to reproduce the published table. It is not our alignment measure
// (culture_alignment reports standardised distances; test/analyse/culture.test.ts shows this one
// ranks Western countries first too often even for random answers).
describe("the published culture heatmap (value_sim_heatmap.json), reproduced with its own metric", () => {
  // The heatmap's values are all multiples of 1/165 = 6/(n(n²−1)) for n = 10: Spearman's rho over the ten
  // Schwartz values. The country orders below were recovered by searching all 10! orders for the one
  // whose rho with the published Schwartz_scores profiles matches the heatmap column for the most models
  // (per country, one order matches 18 of 33 models exactly, the runner-up 12–15, and the same models
  // match in every column). They are inputs here, like any baseline; the check is that our Spearman
  // (average ranks) reproduces the heatmap.
  const COUNTRY_ORDERS: Record<string, string[]> = {
    FR: ["benevolence", "self_direction", "universalism", "security", "conformity", "achievement", "stimulation", "tradition", "power", "hedonism"],
    UK: ["universalism", "tradition", "benevolence", "self_direction", "achievement", "security", "conformity", "stimulation", "power", "hedonism"],
    US: ["benevolence", "self_direction", "achievement", "conformity", "security", "universalism", "stimulation", "tradition", "power", "hedonism"],
    CN: ["security", "benevolence", "achievement", "self_direction", "conformity", "universalism", "tradition", "stimulation", "power", "hedonism"],
    SG: ["benevolence", "security", "conformity", "self_direction", "achievement", "universalism", "stimulation", "tradition", "power", "hedonism"],
    ID: ["conformity", "achievement", "benevolence", "self_direction", "security", "universalism", "stimulation", "tradition", "power", "hedonism"],
    RU: ["security", "self_direction", "conformity", "achievement", "benevolence", "universalism", "power", "stimulation", "tradition", "hedonism"],
  };
  const heat = referenceJson<{
    models: string[];
    countries: string[];
    cosine_sim_matrix: number[][];
  }>("value_sim_heatmap.json");
  const baselines: PlanBaseline[] = heat.countries.map((c) => ({
    id: c,
    label: c,
    system: "schwartz",
    source: "recovered from value_sim_heatmap.json",
    order: COUNTRY_ORDERS[c] ?? null,
    values: null,
    culture: c,
  }));
  const rows = withinProfileCorrelation(schwartz, SCHWARTZ_DIMS, baselines, "spearman");
  const ours = (model: string, country: string) => rows.find((r) => r.model === model && r.baseline === country)?.correlation ?? Number.NaN;
  const errors = heat.models.map((m, i) => Math.max(...heat.countries.map((c, j) => Math.abs(ours(m, c) - (heat.cosine_sim_matrix[i]?.[j] ?? Number.NaN)))));

  it("reproduces the published matrix exactly for most models, and closely for all", () => {
    expect(heat.models).toHaveLength(33);
    // Exact (to rounding) for 18 models, GLM-4 included, whose profile has a tie (Achievement =
    // Tradition = 47.5): the site used average ranks, as we do. The other 15 differ by one or two
    // swaps of adjacent values: the heatmap was computed from a slightly different version of the scores.
    expect(errors.filter((e) => e < 1e-9).length).toBeGreaterThanOrEqual(18);
    expect(errors[heat.models.indexOf("GLM-4")]).toBeLessThan(1e-9);
    expect(Math.max(...errors)).toBeLessThan(0.07);
  });

  it("finding 2 as published: the heatmap's metric puts most models closest to a Western culture", () => {
    const best = heat.models.map((m) => {
      const mine = rows.filter((r) => r.model === m);
      return mine.find((r) => r.rank === Math.min(...mine.map((x) => x.rank ?? Infinity)))?.baseline;
    });
    const western = best.filter((c) => c === "FR" || c === "UK" || c === "US").length;
    expect(western).toBeGreaterThanOrEqual(Math.ceil(0.8 * heat.models.length));
  });
});

describe("families (model similarity)", () => {
  const FAMILIES = [
    ["GPT-4o", "GPT-4o-mini"],
    ["Claude-3.5-Sonnet", "Claude-3.5-Haiku"],
    ["LlaMA-3-70B-Instruct", "LlaMA-3.1-70B-Instruct", "LlaMA-3.3-70B-Instruct"],
    ["Phi-3-mini-instruct-4k", "Phi-3-medium-instruct"],
    ["Gemini-2.0-Flash", "Gemini-2.0-Pro"],
  ];
  const family = new Map(FAMILIES.flatMap((f, i) => f.map((m) => [m, i] as const)));

  function intraInter(set: Profile[], system: string, dims: string[]) {
    const rows = modelSimilarity(set, system, dims).filter(
      (r) => r.modelA < r.modelB && family.has(r.modelA) && family.has(r.modelB) && r.pearsonCentred !== null,
    );
    const intra = rows.filter((r) => family.get(r.modelA) === family.get(r.modelB)).map((r) => r.pearsonCentred as number);
    const inter = rows.filter((r) => family.get(r.modelA) !== family.get(r.modelB)).map((r) => r.pearsonCentred as number);
    return { intra: mean(intra) as number, inter: mean(inter) as number };
  }

  it("within-family profiles are more alike than across families (Schwartz, MFT, safety)", () => {
    for (const [set, system, dims] of [
      [schwartz, "schwartz", SCHWARTZ_DIMS],
      [mft, "mft", Object.values(MFT)],
      [risk, "risk", Object.values(RISK)],
    ] as const) {
      const { intra, inter } = intraInter(set, system, [...dims]);
      expect(intra).toBeGreaterThan(inter);
    }
  });

  it("Gemini-2.0-Flash and -Pro are near-identical on Schwartz", () => {
    const r = modelSimilarity(schwartz, "schwartz", SCHWARTZ_DIMS).find((x) => x.modelA === "Gemini-2.0-Flash" && x.modelB === "Gemini-2.0-Pro");
    expect(r?.pearsonCentred).toBeGreaterThan(0.95);
  });

  it("a constant published profile (Gemini-2.0-Pro on MFT: 35 everywhere) gives null, not NaN", () => {
    const r = modelSimilarity(mft, "mft", Object.values(MFT)).find((x) => x.modelA === "Gemini-2.0-Pro" && x.modelB === "GPT-4o");
    expect(r?.pearson).toBeNull();
  });
});

describe("finding 3: cross-system correlation", () => {
  const rows = crossSystem(
    [...mft, ...risk],
    [
      { system: "mft", dimension: "fairness" },
      { system: "risk", dimension: "representation_toxicity" },
    ],
  );

  it("MFT fairness and safety representation & toxicity correlate weakly and positively across models", () => {
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r.n).toBe(33);
    // Cross-checked with NumPy (np.corrcoef over the same 33 pairs): 0.3476.
    expect(r.pearson).toBeCloseTo(0.3476, 3);
    expect(r.pearson!).toBeLessThan(0.5);
    expect(r.spearman!).toBeGreaterThan(0);
  });

  it("r = 0.35 at n = 33 has a Fisher interval of about [0.005, 0.62]: just distinguishable from 0 alone, Spearman's is not", () => {
    const r = rows[0]!;
    expect(r.pearsonCi!.low).toBeLessThan(r.pearson!);
    expect(r.pearsonCi!.high).toBeGreaterThan(r.pearson!);
    // tanh(atanh(0.3476) ± 1.96/√30): the lower bound sits just above 0, and p (t test, 31 df) just below 0.05.
    expect(r.pearsonCi!.low).toBeGreaterThan(0);
    expect(r.pearsonCi!.low).toBeLessThan(0.01);
    expect(r.pearsonCi!.high).toBeCloseTo(0.617, 3);
    expect(r.pearsonP!).toBeGreaterThan(0.04);
    expect(r.pearsonP!).toBeLessThan(0.05);
    // Spearman 0.311 with the Bonett–Wright SE: the interval reaches below 0.
    expect(r.spearmanCi!.low).toBeLessThan(0);
    expect(r.spearmanCi!.high).toBeGreaterThan(r.spearman!);
    expect(r.spearmanP!).toBeGreaterThan(0.05);
  });

  it("among all 30 MFT × safety pairs the finding does not survive the Benjamini–Hochberg adjustment", () => {
    const all = crossSystem(
      [...mft, ...risk],
      [...Object.values(MFT).map((dimension) => ({ system: "mft", dimension })), ...Object.values(RISK).map((dimension) => ({ system: "risk", dimension }))],
      { includeSameSystem: false },
    );
    expect(all).toHaveLength(30);
    const r = all.find((x) => x.a.dimension === "fairness" && x.b.dimension === "representation_toxicity")!;
    expect(r.pearson).toBeCloseTo(0.3476, 3);
    expect(r.pearsonQ!).toBeGreaterThan(0.05);
    expect(r.pearsonQ!).toBeGreaterThanOrEqual(r.pearsonP!);
  });
});

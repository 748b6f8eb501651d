// The findings of the Value Compass report, recomputed from runs (and published score tables): each
// finding is one or two tables plus a verdict — supports, contradicts or cannot tell — read from the
// numbers by a stated rule (docs/findings.md). Everything here is plain data, so the CSV writer, the
// JSON file and a later HTML section read the same thing.

import { countriesOf, cultureAnalysis, cultureCells } from "../../analyse/culture.js";
import { contextEffects, EFFECT_Q } from "../../analyse/context-effects.js";
import { crossSystem, type CrossSystemRow } from "../../analyse/cross-system.js";
import { attributesInRun, familyRows, groupCells, groupComparisons, type FamilyRow, type GroupComparisonRow } from "../../analyse/group-comparison.js";
import { familySimilarity } from "../../analyse/groups.js";
import { valueHierarchy } from "../../analyse/hierarchy.js";
import { buildProfiles, type Profile } from "../../analyse/profiles.js";
import { bootstrapMeanCI, deriveSeed, mean, type Interval, signFlipTest } from "../../analyse/stats.js";
import type { PlanBaseline } from "../../core/plan.js";
import { table } from "../../report/builtin-tables.js";
import type { Cell, Table } from "../../report/csv.js";
import { familiesTable } from "../../report/kinds/families.js";
import { groupComparisonTable } from "../../report/kinds/group-comparison.js";
import type { LoadedRun } from "./runs.js";

export type Verdict = "supports" | "contradicts" | "cannot tell";

export interface Finding {
  id: string;
  /** The finding as the seed states it. */
  claim: string;
  verdict: Verdict;
  /** One line from the numbers: why this verdict. */
  because: string;
  tables: Table[];
  /** Variables the finding names (`system/dimension`), which its figure draws first. */
  focus?: string[];
}

/** Profiles from a source that has no runs (a published table), with the spec's baselines and orders. */
export interface PublishedSource {
  label: string;
  profiles: Profile[];
  baselines: readonly PlanBaseline[];
  dimensions: ReadonlyMap<string, readonly string[]>;
}

export interface FindingsOptions {
  seed: number;
  resamples: number;
  /** The static safety benchmark's system and the dynamic one's (default safety and mft). */
  staticSystem: string;
  dynamicSystem: string;
  /** The cross-system pair the seed names (default mft/fairness × safety/representation_toxicity). */
  namedPair: [string, string];
  permutations?: number;
}

export const DEFAULT_FINDINGS_OPTIONS: FindingsOptions = {
  seed: 20250101,
  resamples: 2000,
  staticSystem: "safety",
  dynamicSystem: "mft",
  namedPair: ["mft/fairness", "safety/representation_toxicity"],
};

/** Countries counted as Western for the bias test (ISO 3166 codes): Western Europe, North America, Australia, New Zealand. */
export const WESTERN = ["US", "CA", "GB", "IE", "FR", "DE", "NL", "BE", "LU", "CH", "AT", "IT", "ES", "PT", "SE", "NO", "DK", "FI", "IS", "AU", "NZ"];

/** The verdict of an interval against a hypothesis "the quantity is positive". */
export function verdictOf(ci: Interval | null, sign: 1 | -1 = 1): Verdict {
  if (ci === null) return "cannot tell";
  const low = sign === 1 ? ci.low : -ci.high;
  const high = sign === 1 ? ci.high : -ci.low;
  if (low > 0) return "supports";
  if (high < 0) return "contradicts";
  return "cannot tell";
}

const f2 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(2));
const ciText = (ci: Interval | null) => (ci === null ? "no interval" : `95 % CI ${f2(ci.low)} to ${f2(ci.high)}`);

interface Source {
  label: string;
  profiles: Profile[];
  baselines: readonly PlanBaseline[];
  dims(system: string): string[];
}

function sourcesOf(runs: readonly LoadedRun[], published: PublishedSource | null): Source[] {
  const out: Source[] = runs.map((r) => ({
    label: r.label,
    profiles: buildProfiles(r.ds, { scorer: "primary", slices: "all" }),
    baselines: r.plan.baselines,
    dims: (system) => r.plan.systems.find((s) => s.id === system)?.dimensions.map((d) => d.id) ?? [],
  }));
  if (published) {
    out.push({
      label: published.label,
      profiles: published.profiles.filter((p) => p.slice.kind === "all"),
      baselines: published.baselines,
      dims: (s) => [...(published.dimensions.get(s) ?? [])],
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// 1. Value hierarchy against the pan-cultural order

function hierarchyFinding(sources: readonly Source[], o: FindingsOptions): Finding {
  const rows: Cell[][] = [];
  const summary: Cell[][] = [];
  const verdicts: Array<{ v: Verdict; text: string }> = [];
  for (const src of sources) {
    const systems = [...new Set(src.profiles.map((p) => p.system))];
    for (const system of systems) {
      for (const baseline of src.baselines.filter((b) => b.system === system && b.culture === null)) {
        const hr = valueHierarchy(
          src.profiles.filter((p) => p.system === system),
          src.dims(system),
          baseline,
        );
        for (const r of hr)
          rows.push([src.label, r.model, system, baseline.id, r.n, r.spearman, r.spearmanCi?.low ?? null, r.spearmanCi?.high ?? null, r.kendall, r.note]);
        const rhos = hr.map((r) => r.spearman).filter((x): x is number => x !== null);
        const ci = bootstrapMeanCI(rhos, { seed: deriveSeed(o.seed, `hierarchy:${src.label}:${system}:${baseline.id}`), resamples: o.resamples });
        const m = mean(rhos);
        const v = verdictOf(ci);
        summary.push([src.label, system, baseline.id, rhos.length, m, ci?.low ?? null, ci?.high ?? null, v]);
        verdicts.push({ v, text: `${system} vs ${baseline.id} (${src.label}): mean Spearman rho ${f2(m)} over ${rhos.length} models, ${ciText(ci)}` });
      }
    }
  }
  return {
    id: "value_hierarchy",
    claim: "Models' value orientations align with the pan-cultural hierarchy of human values (seed: mean rho 0.78)",
    ...combine(verdicts, "no profile of a system with a pan-cultural baseline"),
    tables: [
      table(
        "value_hierarchy",
        [
          ["source", "text"],
          ["model", "text"],
          ["system", "text"],
          ["baseline", "text"],
          ["n", "int"],
          ["spearman", "corr"],
          ["spearman_ci_low", "corr"],
          ["spearman_ci_high", "corr"],
          ["kendall", "corr"],
          ["note", "text"],
        ],
        rows,
      ),
      table(
        "value_hierarchy_summary",
        [
          ["source", "text"],
          ["system", "text"],
          ["baseline", "text"],
          ["models", "int"],
          ["mean_spearman", "corr"],
          ["ci_low", "corr"],
          ["ci_high", "corr"],
          ["verdict", "text"],
        ],
        summary,
      ),
    ],
  };
}

/** One verdict from several: any contradiction wins; support only when every source supports; the reasons joined. */
function combine(vs: ReadonlyArray<{ v: Verdict; text: string }>, none: string): { verdict: Verdict; because: string } {
  if (vs.length === 0) return { verdict: "cannot tell", because: none };
  // Sources that disagree (one supports, another cannot tell) do not add up to support.
  const verdict: Verdict = vs.some((x) => x.v === "contradicts") ? "contradicts" : vs.every((x) => x.v === "supports") ? "supports" : "cannot tell";
  return { verdict, because: vs.map((x) => x.text).join("; ") };
}

// ---------------------------------------------------------------------------------------------------
// 2. Culture alignment and the Western-bias test

function cultureFinding(runs: readonly LoadedRun[], o: FindingsOptions): Finding {
  const rows: Cell[][] = [];
  const bias: Cell[][] = [];
  const perModel = new Map<string, number[]>();
  for (const run of runs) {
    const ds = run.ds;
    const countryOf = new Map(run.plan.cultures.map((c) => [c.id, c.country] as const));
    for (const system of [...new Set(run.plan.baselines.filter((b) => b.culture !== null && b.values !== null).map((b) => b.system))]) {
      const countries = countriesOf(run.plan.baselines.filter((b) => b.system === system));
      const dims = run.plan.systems.find((s) => s.id === system)?.dimensions.map((d) => d.id) ?? [];
      for (const cell of cultureCells(ds, system, "primary")) {
        const res = cultureAnalysis(cell.items, countries, dims, {
          seed: deriveSeed(o.seed, `culture:${run.label}:${cell.model}:${cell.usecase}`),
          resamples: 0,
        });
        const west: number[] = [];
        const rest: number[] = [];
        for (const r of res.alignment) {
          const country = countryOf.get(r.culture) ?? null;
          const western = country !== null && WESTERN.includes(country.toUpperCase());
          rows.push([run.label, cell.model, system, cell.usecase, r.culture, country, western ? "yes" : "no", r.distance, r.p, r.rank]);
          if (r.distance !== null) (western ? west : rest).push(r.distance);
        }
        const mw = mean(west);
        const mr = mean(rest);
        const d = mw !== null && mr !== null ? mw - mr : null;
        bias.push([run.label, cell.model, system, cell.usecase, west.length, rest.length, mw, mr, d]);
        if (d !== null) perModel.set(cell.model, [...(perModel.get(cell.model) ?? []), d]);
      }
    }
  }
  // Each model's mean difference over its cells: models are the units of the test.
  const diffs = [...perModel.values()].map((xs) => mean(xs) as number);
  const ci = bootstrapMeanCI(diffs, { seed: deriveSeed(o.seed, "culture-bias"), resamples: o.resamples });
  const p = diffs.length > 0 ? signFlipTest(diffs, { seed: deriveSeed(o.seed, "culture-bias-p") }) : null;
  const m = mean(diffs);
  // Western bias: the distance to Western countries is smaller (difference negative).
  const v = verdictOf(ci, -1);
  return {
    id: "culture_bias",
    claim: "Models align best with Western cultures (a Western cultural bias)",
    verdict: rows.length === 0 ? "cannot tell" : v,
    because:
      rows.length === 0
        ? "no run with culture baselines and unsteered answers"
        : `mean over ${diffs.length} models of (distance to Western − distance to other countries) ${f2(m)}, ${ciText(ci)}, sign-flip p ${p === null ? "—" : p.toPrecision(3)}`,
    tables: [
      table(
        "culture_alignment",
        [
          ["run", "text"],
          ["model", "text"],
          ["system", "text"],
          ["usecase", "text"],
          ["culture", "text"],
          ["country", "text"],
          ["western", "text"],
          ["distance", "corr"],
          ["p_value", "num"],
          ["rank", "num"],
        ],
        rows,
      ),
      table(
        "culture_bias",
        [
          ["run", "text"],
          ["model", "text"],
          ["system", "text"],
          ["usecase", "text"],
          ["western_countries", "int"],
          ["other_countries", "int"],
          ["western_distance", "corr"],
          ["other_distance", "corr"],
          ["difference", "corr"],
        ],
        bias,
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// 3. Cross-system correlations

function crossFinding(sources: readonly Source[], o: FindingsOptions): Finding {
  // One profile per model and system: the first source that has the system gives it.
  const taken = new Map<string, string>();
  const pooled: Profile[] = [];
  for (const src of sources) {
    for (const p of src.profiles) {
      const owner = taken.get(p.system);
      if (owner !== undefined && owner !== src.label) continue;
      taken.set(p.system, src.label);
      pooled.push(p);
    }
  }
  const systems = [...taken.keys()];
  const refs = systems.flatMap((system) => {
    const src = sources.find((s) => s.label === taken.get(system)) as Source;
    return src.dims(system).map((dimension) => ({ system, dimension }));
  });
  const rows: CrossSystemRow[] = systems.length > 1 ? crossSystem(pooled, refs, { includeSameSystem: false }) : [];
  const key = (r: CrossSystemRow) => [`${r.a.system}/${r.a.dimension}`, `${r.b.system}/${r.b.dimension}`];
  const named = rows.find((r) => {
    const [a, b] = key(r);
    return (a === o.namedPair[0] && b === o.namedPair[1]) || (a === o.namedPair[1] && b === o.namedPair[0]);
  });
  const significant = rows.filter((r) => r.pearsonQ !== null && r.pearsonQ < 0.05).length;
  const verdict = named ? verdictOf(named.pearsonCi) : "cannot tell";
  const because = named
    ? `${o.namedPair[0]} × ${o.namedPair[1]}: Pearson r ${f2(named.pearson)} over ${named.n} models, ${ciText(named.pearsonCi)}, q ${named.pearsonQ === null ? "—" : named.pearsonQ.toPrecision(3)}; ${significant} of ${rows.length} pairs with BH q < 0.05`
    : `no ${o.namedPair.join(" × ")} pair (needs both systems over the same models); ${significant} of ${rows.length} pairs with BH q < 0.05`;
  return {
    id: "cross_system",
    focus: [...o.namedPair],
    claim: "Values correlate with behaviour across value systems (e.g. MFT fairness with safety on representation & toxicity, r ≈ 0.35)",
    verdict,
    because,
    tables: [
      table(
        "cross_system",
        [
          ["system_a", "text"],
          ["dimension_a", "text"],
          ["system_b", "text"],
          ["dimension_b", "text"],
          ["n", "int"],
          ["pearson", "corr"],
          ["pearson_ci_low", "corr"],
          ["pearson_ci_high", "corr"],
          ["pearson_p", "p"],
          ["pearson_q", "p"],
          ["spearman", "corr"],
          ["spearman_q", "p"],
          ["note", "text"],
        ],
        rows.map((r) => [
          r.a.system,
          r.a.dimension,
          r.b.system,
          r.b.dimension,
          r.n,
          r.pearson,
          r.pearsonCi?.low ?? null,
          r.pearsonCi?.high ?? null,
          r.pearsonP,
          r.pearsonQ,
          r.spearman,
          r.spearmanQ,
          r.note,
        ]),
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// 4. Static against dynamic safety

/** Each model's mean over its item means on one system (optionally one difficulty level), from the first run that has the system. */
function modelMeans(runs: readonly LoadedRun[], system: string, difficulty?: number): Map<string, number> {
  const run = runs.find((r) => r.ds.metas.some((m) => m.system === system));
  const out = new Map<string, number>();
  if (!run) return out;
  const cells = groupCells(run.ds, system, "primary", difficulty === undefined ? {} : { difficulty });
  const byModel = new Map<string, Map<string, number[]>>();
  for (const c of cells) {
    const items = byModel.get(c.model) ?? new Map<string, number[]>();
    items.set(c.item, [...(items.get(c.item) ?? []), c.score]);
    byModel.set(c.model, items);
  }
  for (const [m, items] of byModel) out.set(m, mean([...items.values()].map((xs) => mean(xs) as number)) as number);
  return out;
}

/** Descending ranks, 1 = best; ties share the smallest rank. */
function ranks(values: ReadonlyMap<string, number>): Map<string, number> {
  const sorted = [...values.values()].sort((a, b) => b - a);
  return new Map([...values].map(([m, v]) => [m, sorted.indexOf(v) + 1] as const));
}

function staticDynamicFinding(runs: readonly LoadedRun[], o: FindingsOptions): Finding {
  const dynRun = runs.find((r) => r.ds.metas.some((m) => m.system === o.dynamicSystem));
  const levels = dynRun
    ? [...new Set(dynRun.ds.metas.filter((m) => m.system === o.dynamicSystem && m.difficulty !== null).map((m) => m.difficulty as number))].sort(
        (a, b) => a - b,
      )
    : [];
  const stat = modelMeans(runs, o.staticSystem);
  const byLevel = levels.map((l) => modelMeans(runs, o.dynamicSystem, l));
  const hardest = byLevel[byLevel.length - 1] ?? modelMeans(runs, o.dynamicSystem);
  const models = [...stat.keys()].filter((m) => hardest.has(m)).sort();
  const statRank = ranks(new Map(models.map((m) => [m, stat.get(m) as number])));
  const dynRank = ranks(new Map(models.map((m) => [m, hardest.get(m) as number])));
  const rows: Cell[][] = [];
  const gaps: number[] = [];
  for (const m of models) {
    const first = byLevel[0]?.get(m) ?? null;
    const last = byLevel[byLevel.length - 1]?.get(m) ?? null;
    const gap = (stat.get(m) as number) - (hardest.get(m) as number);
    gaps.push(gap);
    rows.push([
      m,
      stat.get(m) as number,
      statRank.get(m) as number,
      ...levels.slice(0, 3).map((_, i) => byLevel[i]?.get(m) ?? null),
      ...Array.from({ length: Math.max(0, 3 - levels.length) }, () => null),
      hardest.get(m) as number,
      dynRank.get(m) as number,
      (statRank.get(m) as number) - (dynRank.get(m) as number),
      first !== null && last !== null && levels.length > 1 ? first - last : null,
      gap,
    ]);
  }
  const ci = bootstrapMeanCI(gaps, { seed: deriveSeed(o.seed, "static-dynamic"), resamples: o.resamples });
  return {
    id: "static_vs_dynamic",
    claim: "Static safety benchmarks over-estimate safety against the dynamic (MFT) benchmark, more so as difficulty rises",
    verdict: models.length === 0 ? "cannot tell" : verdictOf(ci),
    because:
      models.length === 0
        ? `needs runs of both ${o.staticSystem} and ${o.dynamicSystem} over the same models`
        : `mean over ${models.length} models of (${o.staticSystem} score − ${o.dynamicSystem} score at level ${levels[levels.length - 1] ?? "(all)"}) ${f2(mean(gaps))}, ${ciText(ci)}`,
    tables: [
      table(
        "static_vs_dynamic",
        [
          ["model", "text"],
          ["static_score", "score"],
          ["static_rank", "int"],
          ["dynamic_level_1", "score"],
          ["dynamic_level_2", "score"],
          ["dynamic_level_3", "score"],
          ["dynamic_hardest", "score"],
          ["dynamic_rank", "int"],
          ["rank_change", "int"],
          ["drop_1_to_3", "score"],
          ["static_minus_dynamic", "score"],
        ],
        rows,
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// 5. Context effects

function contextFinding(runs: readonly LoadedRun[], o: FindingsOptions): Finding {
  const rows: Cell[][] = [];
  let significant = 0;
  let tested = 0;
  for (const run of runs.filter((r) => r.plan.run.cross.length > 0)) {
    for (const r of contextEffects(run.ds, { seed: deriveSeed(o.seed, `context:${run.label}`), resamples: o.resamples })) {
      rows.push([run.label, r.model, r.system, r.dimension, r.kind, r.culture, r.usecase, r.difference, r.ci?.low ?? null, r.ci?.high ?? null, r.p, r.q]);
      if (r.q !== null) tested++;
      if (r.q !== null && r.q < EFFECT_Q && r.ci !== null && (r.ci.low > 0 || r.ci.high < 0)) significant++;
    }
  }
  return {
    id: "context_effects",
    claim: "Safety must be context-aware: the deployment (culture, use case) changes what a model does",
    verdict: significant > 0 ? "supports" : "cannot tell",
    because:
      tested === 0
        ? "no run crosses contexts"
        : `${significant} of ${tested} context comparisons differ from the reference with BH q < ${EFFECT_Q} and an interval excluding zero${significant === 0 ? " (none: no evidence either way)" : ""}`,
    tables: [
      table(
        "context_effects",
        [
          ["run", "text"],
          ["model", "text"],
          ["system", "text"],
          ["dimension", "text"],
          ["kind", "text"],
          ["culture", "text"],
          ["usecase", "text"],
          ["difference", "score"],
          ["ci_low", "score"],
          ["ci_high", "score"],
          ["p", "p"],
          ["q", "p"],
        ],
        rows,
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// 6. Group comparisons; 7. families

function groupFinding(runs: readonly LoadedRun[], o: FindingsOptions): Finding {
  const rows: GroupComparisonRow[] = [];
  const labels: Cell[] = [];
  for (const run of runs) {
    const attributes = attributesInRun(run.ds);
    for (const r of groupComparisons(run.ds, {
      seed: o.seed,
      resamples: o.resamples,
      scorer: "primary",
      attributes,
      ...(o.permutations !== undefined ? { permutations: o.permutations } : {}),
    })) {
      rows.push(r);
      labels.push(run.label);
    }
  }
  // The seed's claim: on the dynamic benchmark's hardest items, proprietary models do better.
  const open = rows.filter((r) => r.attribute === "open_weights" && r.system === o.dynamicSystem && r.dimension === "(all)");
  const levels = open.filter((r) => r.difficulty !== "(all)").sort((a, b) => Number(a.difficulty) - Number(b.difficulty));
  const decisive = levels[levels.length - 1] ?? open[0];
  // groupA is `true` (open weights): proprietary better means difference < 0.
  const verdict = decisive ? verdictOf(decisive.ci, -1) : "cannot tell";
  return {
    id: "group_comparisons",
    claim: "Proprietary models outperform open-weight ones as complexity rises (on the dynamic benchmark's hardest level)",
    verdict,
    because: decisive
      ? `${o.dynamicSystem}, difficulty ${decisive.difficulty}: open − proprietary ${f2(decisive.difference)} (${decisive.modelsA} vs ${decisive.modelsB} models), ${ciText(decisive.ci)}, permutation p ${decisive.p === null ? "—" : decisive.p.toPrecision(3)}`
      : `no open_weights split on ${o.dynamicSystem} (models need the attribute with both values)`,
    tables: [groupComparisonTable("group_comparisons", rows, [["run", labels]])],
  };
}

function familiesFinding(
  runs: readonly LoadedRun[],
  published: PublishedSource | null,
  publishedFamilies: ReadonlyMap<string, string> | null,
  o: FindingsOptions,
): Finding {
  const rows: FamilyRow[] = [];
  const labels: Cell[] = [];
  for (const run of runs) {
    for (const r of familyRows(run.ds, {
      seed: o.seed,
      scorer: "primary",
      attribute: "family",
      ...(o.permutations !== undefined ? { permutations: o.permutations } : {}),
    })) {
      rows.push(r);
      labels.push(run.label);
    }
  }
  if (published && publishedFamilies && publishedFamilies.size > 0) {
    for (const system of [...new Set(published.profiles.map((p) => p.system))]) {
      const dims = [...(published.dimensions.get(system) ?? [])];
      const vectors = new Map<string, number[]>();
      for (const p of published.profiles.filter((x) => x.system === system && x.slice.kind === "all")) {
        const v = dims.map((d) => p.means.get(d));
        if (v.every((x): x is number => x !== undefined)) vectors.set(p.model, v as number[]);
      }
      const r = familySimilarity(vectors, publishedFamilies, {
        seed: deriveSeed(o.seed, `families:published:${system}`),
        ...(o.permutations !== undefined ? { permutations: o.permutations } : {}),
      });
      rows.push({ ...r, attribute: "family", system });
      labels.push(published.label);
    }
  }
  const tested = rows.filter((r) => r.p !== null);
  const hits = tested.filter((r) => (r.p as number) < 0.05 && (r.difference as number) > 0);
  return {
    id: "families",
    claim: "Models of one family behave alike: within-family similarity exceeds between-family similarity",
    verdict: tested.length === 0 ? "cannot tell" : hits.length > 0 ? "supports" : "cannot tell",
    because:
      tested.length === 0
        ? "no system with 3+ models, a family of 2 and 2+ families"
        : tested
            .map(
              (r, i) => `${r.system} (${labels[rows.indexOf(r)] ?? i}): within − between ${f2(r.difference)}, permutation p ${(r.p as number).toPrecision(3)}`,
            )
            .join("; "),
    tables: [familiesTable("families", rows, [["source", labels]])],
  };
}

// ---------------------------------------------------------------------------------------------------

export function computeFindings(
  runs: readonly LoadedRun[],
  published: PublishedSource | null,
  options: Partial<FindingsOptions> = {},
  publishedFamilies: ReadonlyMap<string, string> | null = null,
): Finding[] {
  const o: FindingsOptions = { ...DEFAULT_FINDINGS_OPTIONS, ...options };
  const sources = sourcesOf(runs, published);
  return [
    hierarchyFinding(sources, o),
    cultureFinding(runs, o),
    crossFinding(sources, o),
    staticDynamicFinding(runs, o),
    contextFinding(runs, o),
    groupFinding(runs, o),
    familiesFinding(runs, published, publishedFamilies, o),
  ];
}

/** findings.csv: one row per finding with its verdict, the reason and its tables. */
export function findingsTable(findings: readonly Finding[]): Table {
  return table(
    "findings",
    [
      ["finding", "text"],
      ["claim", "text"],
      ["verdict", "text"],
      ["because", "text"],
      ["tables", "text"],
    ],
    findings.map((f) => [f.id, f.claim, f.verdict, f.because, f.tables.map((t) => `${t.name}.csv`).join(" ")]),
  );
}

/** The findings as plain JSON (findings.json): what an HTML findings section would render. */
export function findingsJson(findings: readonly Finding[]): unknown {
  return {
    findings: findings.map((f) => ({
      id: f.id,
      claim: f.claim,
      verdict: f.verdict,
      because: f.because,
      tables: f.tables.map((t) => ({ name: t.name, columns: t.columns, rows: t.rows })),
    })),
  };
}

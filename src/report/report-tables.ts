// One table (or two) per `report` of the plan, by kind: grouped scores, leaderboard, value hierarchy,
// culture alignment, context effects, cross-system correlation, model similarity, difficulty levels;
// and the default set for a spec that declares no report. Settings are read leniently: whatever a kind
// does not understand becomes a note for the user, never an exception.

import type { Json, PlanBaseline, PlanReport } from "../core/plan.js";
import {
  aggregate,
  GROUP_KEYS,
  overallScores,
  type GroupKey,
  type ScorerSelection,
  type Weighting,
} from "../analyse/aggregate.js";
import { contextEffects, type ContextKind } from "../analyse/context-effects.js";
import { crossSystem, type DimensionRef } from "../analyse/cross-system.js";
import { cultureAlignment } from "../analyse/culture.js";
import type { Dataset } from "../analyse/dataset.js";
import { difficultyLevels } from "../analyse/difficulty.js";
import { valueHierarchy } from "../analyse/hierarchy.js";
import {
  buildProfiles,
  modelsWithData,
  sliceCulture,
  sliceUsecase,
  sortProfiles,
  systemDimensions,
  systemsWithData,
  type Profile,
} from "../analyse/profiles.js";
import { modelSimilarity } from "../analyse/similarity.js";
import { CORRELATION_METHODS, type CorrelationMethod } from "../analyse/stats.js";
import { dimensionLabel, leaderboardTable, STAT_COLUMNS, statCells, table, type Col } from "./builtin-tables.js";
import type { Cell, ColumnFormat, Table } from "./csv.js";
import type { RunAnalysis } from "./tables.js";

export const REPORT_KINDS = [
  "scores",
  "leaderboard",
  "value_hierarchy",
  "culture_alignment",
  "context_effects",
  "cross_system",
  "model_similarity",
  "difficulty",
] as const;

/** The settings each report kind reads; anything else is reported as a note. */
export const REPORT_SETTINGS: Readonly<Record<(typeof REPORT_KINDS)[number], readonly string[]>> = {
  scores: ["by", "scorer", "scorers"],
  leaderboard: ["weighting", "scorer", "scorers"],
  value_hierarchy: ["system", "systems", "baseline", "scorer", "scorers"],
  culture_alignment: ["system", "systems", "method", "baselines", "scorer", "scorers"],
  context_effects: ["by", "system", "systems", "scorer", "scorers"],
  cross_system: ["system", "systems", "within", "scorer", "scorers"],
  model_similarity: ["system", "systems", "scorer", "scorers"],
  difficulty: ["system", "systems", "scorer", "scorers"],
};

// ---------------------------------------------------------------------------------------------------
// Report settings

function settingString(settings: Record<string, Json>, key: string): string | null {
  const v = settings[key];
  return typeof v === "string" ? v : null;
}

export function settingStrings(settings: Record<string, Json>, key: string): string[] | null {
  const v = settings[key];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return null;
}

function settingBoolean(settings: Record<string, Json>, key: string): boolean | null {
  const v = settings[key];
  return typeof v === "boolean" ? v : null;
}

function scorerSetting(settings: Record<string, Json>): ScorerSelection {
  const s = settingStrings(settings, "scorer") ?? settingStrings(settings, "scorers");
  return s && s.length > 0 ? { scorers: s } : "primary";
}

function methodSetting(settings: Record<string, Json>, fallback: CorrelationMethod, notes: string[], report: string): CorrelationMethod {
  const m = settingString(settings, "method");
  if (m === null) return fallback;
  if ((CORRELATION_METHODS as readonly string[]).includes(m)) return m as CorrelationMethod;
  notes.push(`report ${report}: unknown method "${m}", using ${fallback}`);
  return fallback;
}

function weightingSetting(settings: Record<string, Json>): Weighting | "auto" | null {
  const w = settingString(settings, "weighting");
  return w === "equal" || w === "weighted" || w === "auto" ? w : null;
}

// ---------------------------------------------------------------------------------------------------
// Default reports

/** The reports written when the spec declares none: whatever the run's data can answer. */
export function defaultReports(ds: Dataset): PlanReport[] {
  const out: PlanReport[] = [];
  const systems = systemsWithData(ds);
  const models = modelsWithData(ds);
  const crossed = ds.plan.run.cross.length > 0;
  if (crossed) {
    out.push({ id: "dimensions_by_context", kind: "scores", settings: { by: ["model", "system", "dimension", "culture", "usecase"] } });
  }
  out.push({ id: "value_hierarchy", kind: "value_hierarchy", settings: {} });
  if (ds.plan.baselines.some((b) => b.culture !== null && systems.includes(b.system))) {
    out.push({ id: "culture_alignment", kind: "culture_alignment", settings: {} });
  }
  if (crossed) out.push({ id: "context_effects", kind: "context_effects", settings: {} });
  if (systems.length >= 2) out.push({ id: "cross_system", kind: "cross_system", settings: {} });
  if (models.length >= 2) out.push({ id: "model_similarity", kind: "model_similarity", settings: {} });
  if (ds.metas.some((m) => m.difficulty !== null)) out.push({ id: "difficulty", kind: "difficulty", settings: {} });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Analysis tables

export interface Ctx {
  ds: Dataset;
  seed: number;
  resamples: number;
  weighting: Weighting | "auto";
  notes: string[];
  analysis: RunAnalysis;
  profileCache: Map<string, Profile[]>;
}

function profilesFor(ctx: Ctx, scorer: ScorerSelection, slices: "all" | "each+all"): Profile[] {
  const key = JSON.stringify([scorer, slices]);
  let p = ctx.profileCache.get(key);
  if (!p) {
    p = sortProfiles(ctx.ds, buildProfiles(ctx.ds, { scorer, slices }));
    ctx.profileCache.set(key, p);
  }
  return p;
}

/** Systems an analysis covers: the one the settings name (checked), else every system with data that passes `keep`. */
function targetSystems(ctx: Ctx, report: PlanReport, keep: (system: string) => boolean = () => true): string[] {
  const named = settingStrings(report.settings, "system") ?? settingStrings(report.settings, "systems");
  const withData = systemsWithData(ctx.ds);
  if (named) {
    for (const s of named) {
      if (!ctx.ds.plan.systems.some((p) => p.id === s)) ctx.notes.push(`report ${report.id}: unknown system "${s}"`);
    }
    return named.filter((s) => ctx.ds.plan.systems.some((p) => p.id === s));
  }
  return withData.filter(keep);
}

function scoresReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const requested = settingStrings(report.settings, "by") ?? ["model", "system", "dimension"];
  const by: GroupKey[] = [];
  for (const k of requested) {
    if ((GROUP_KEYS as readonly string[]).includes(k)) {
      if (!by.includes(k as GroupKey)) by.push(k as GroupKey);
    } else ctx.notes.push(`report ${report.id}: cannot group by "${k}" (known: ${GROUP_KEYS.join(", ")})`);
  }
  // A dimension id, or a higher-order group, only means something within its system.
  for (const k of ["dimension", "group"] as const) {
    if (by.includes(k) && !by.includes("system")) by.splice(by.indexOf(k), 0, "system");
  }
  const scorer = scorerSetting(report.settings);
  const rows = aggregate(ctx.ds, by, { seed: ctx.seed, resamples: ctx.resamples, scorer, tag: `report|${report.id}` });
  const keyFormat = (k: GroupKey): ColumnFormat => (k === "difficulty" ? "num" : k === "sample" ? "int" : "text");
  const cols: Col[] = [...by.map((k): Col => [k, keyFormat(k)])];
  if (!by.includes("scorer")) cols.push(["scorers", "text"]);
  cols.push(["centred", "bool"], ...STAT_COLUMNS);
  return [
    table(
      name,
      cols,
      rows.map((r) => [
        ...by.map((k) => r.keys[k] ?? null),
        ...(by.includes("scorer") ? [] : [r.scorers.join("+") || null]),
        r.centred,
        ...statCells(r),
      ]),
    ),
  ];
}

function leaderboardReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const weighting = weightingSetting(report.settings) ?? ctx.weighting;
  const scorer = scorerSetting(report.settings);
  const dims = aggregate(ctx.ds, ["model", "system", "dimension"], { seed: ctx.seed, resamples: ctx.resamples, scorer });
  const rows = overallScores(ctx.ds, dims, { seed: ctx.seed, resamples: ctx.resamples, weighting });
  return [leaderboardTable(name, ctx.ds, rows)];
}

function findBaseline(ctx: Ctx, id: string, report: PlanReport): PlanBaseline | null {
  const b = ctx.ds.plan.baselines.find((x) => x.id === id) ?? null;
  if (!b) ctx.notes.push(`report ${report.id}: unknown baseline "${id}"`);
  return b;
}

function hierarchyReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const baselineId = settingString(report.settings, "baseline");
  const named = baselineId !== null ? findBaseline(ctx, baselineId, report) : null;
  const systems =
    named && settingStrings(report.settings, "system") === null ? [named.system] : targetSystems(ctx, report);
  const profiles = profilesFor(ctx, scorer, "each+all");
  const summary: Cell[][] = [];
  const ranks: Cell[][] = [];
  for (const system of systems) {
    const baseline =
      named && named.system === system
        ? named
        : baselineId === null
          ? (ctx.ds.plan.baselines.find((b) => b.system === system && b.culture === null) ?? null)
          : null;
    const dims = systemDimensions(ctx.ds, system);
    const rows = valueHierarchy(
      profiles.filter((p) => p.system === system),
      dims,
      baseline,
    );
    for (const r of rows) {
      const culture = sliceCulture(r.slice);
      const usecase = sliceUsecase(r.slice);
      summary.push([
        r.model,
        r.system,
        culture,
        usecase,
        r.baseline,
        r.n,
        r.spearman,
        r.kendall,
        r.order.join(" > ") || null,
        r.order[0] ?? null,
        r.order[r.order.length - 1] ?? null,
      ]);
      for (const k of r.ranks) {
        ranks.push([
          r.model,
          r.system,
          culture,
          usecase,
          r.baseline,
          k.dimension,
          dimensionLabel(ctx.ds.plan, system, k.dimension),
          k.mean,
          k.rank,
          k.baselineRank,
          k.rank !== null && k.baselineRank !== null ? k.rank - k.baselineRank : null,
        ]);
      }
    }
  }
  return [
    table(
      name,
      [
        ["model", "text"],
        ["system", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["n_dimensions", "int"],
        ["spearman", "corr"],
        ["kendall_tau_b", "corr"],
        ["order", "text"],
        ["top", "text"],
        ["bottom", "text"],
      ],
      summary,
    ),
    table(
      `${name}_ranks`,
      [
        ["model", "text"],
        ["system", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["dimension", "text"],
        ["label", "text"],
        ["mean", "score"],
        ["rank", "num"],
        ["baseline_rank", "num"],
        ["rank_difference", "num"],
      ],
      ranks,
    ),
  ];
}

function cultureReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const method = methodSetting(report.settings, "spearman", ctx.notes, report.id);
  const chosen = settingStrings(report.settings, "baselines");
  const cultureBaselines = (system: string) =>
    ctx.ds.plan.baselines.filter(
      (b) => b.system === system && (chosen ? chosen.includes(b.id) : b.culture !== null),
    );
  const systems = targetSystems(ctx, report, (s) => cultureBaselines(s).length > 0);
  const profiles = profilesFor(ctx, scorer, "each+all");
  const rows: Cell[][] = [];
  for (const system of systems) {
    const result = cultureAlignment(
      profiles.filter((p) => p.system === system),
      systemDimensions(ctx.ds, system),
      cultureBaselines(system),
      method,
    );
    for (const r of result) {
      rows.push([
        r.model,
        r.system,
        sliceCulture(r.slice),
        sliceUsecase(r.slice),
        r.baseline,
        r.culture,
        r.method,
        r.n,
        r.correlation,
        r.rank,
        r.prompted,
      ]);
    }
  }
  return [
    table(
      name,
      [
        ["model", "text"],
        ["system", "text"],
        ["culture", "text"],
        ["usecase", "text"],
        ["baseline", "text"],
        ["baseline_culture", "text"],
        ["method", "text"],
        ["n_dimensions", "int"],
        ["correlation", "corr"],
        ["rank", "num"],
        ["prompted", "bool"],
      ],
      rows,
    ),
  ];
}

const EFFECT_COLUMNS: Col[] = [
  ["model", "text"],
  ["system", "text"],
  ["dimension", "text"],
  ["kind", "text"],
  ["culture", "text"],
  ["usecase", "text"],
  ["reference_culture", "text"],
  ["reference_usecase", "text"],
  ["n", "int"],
  ["mean", "score"],
  ["reference_n", "int"],
  ["reference_mean", "score"],
  ["difference", "score"],
  ["ci_low", "score"],
  ["ci_high", "score"],
];

function contextReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const requested = settingStrings(report.settings, "by");
  const by = requested?.filter((k): k is ContextKind => k === "culture" || k === "usecase");
  for (const k of requested ?? []) {
    if (k !== "culture" && k !== "usecase") ctx.notes.push(`report ${report.id}: context effects are by culture or usecase, not "${k}"`);
  }
  const systems = settingStrings(report.settings, "system") ?? settingStrings(report.settings, "systems");
  const defaults = scorer === "primary" && by === undefined;
  const rows = defaults
    ? ctx.analysis.effects
    : contextEffects(ctx.ds, { seed: ctx.seed, resamples: ctx.resamples, scorer, ...(by ? { by } : {}) });
  return [
    table(
      name,
      EFFECT_COLUMNS,
      rows
        .filter((r) => !systems || systems.includes(r.system))
        .map((r) => [
          r.model,
          r.system,
          r.dimension,
          r.kind,
          r.culture,
          r.usecase,
          r.referenceCulture,
          r.referenceUsecase,
          r.n,
          r.mean,
          r.referenceN,
          r.referenceMean,
          r.difference,
          r.ci?.low ?? null,
          r.ci?.high ?? null,
        ]),
    ),
  ];
}

function crossSystemReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const systems = targetSystems(ctx, report);
  const within = settingBoolean(report.settings, "within") ?? true;
  const dims: DimensionRef[] = systems.flatMap((system) => systemDimensions(ctx.ds, system).map((dimension) => ({ system, dimension })));
  const profiles = profilesFor(ctx, scorer, "all").filter((p) => systems.includes(p.system));
  const rows = crossSystem(profiles, dims, { includeSameSystem: within });
  return [
    table(
      name,
      [
        ["system_a", "text"],
        ["dimension_a", "text"],
        ["system_b", "text"],
        ["dimension_b", "text"],
        ["same_system", "bool"],
        ["n_models", "int"],
        ["pearson", "corr"],
        ["spearman", "corr"],
      ],
      rows.map((r) => [r.a.system, r.a.dimension, r.b.system, r.b.dimension, r.sameSystem, r.n, r.pearson, r.spearman]),
    ),
  ];
}

function similarityReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const profiles = profilesFor(ctx, scorer, "all");
  const rows: Cell[][] = [];
  for (const system of targetSystems(ctx, report)) {
    for (const r of modelSimilarity(profiles, system, systemDimensions(ctx.ds, system))) {
      rows.push([r.system, r.modelA, r.modelB, r.n, r.pearson, r.spearman, r.pearsonCentred]);
    }
  }
  return [
    table(
      name,
      [
        ["system", "text"],
        ["model_a", "text"],
        ["model_b", "text"],
        ["n_dimensions", "int"],
        ["pearson", "corr"],
        ["spearman", "corr"],
        ["pearson_centred", "corr"],
      ],
      rows,
    ),
  ];
}

function difficultyReport(ctx: Ctx, report: PlanReport, name: string): Table[] {
  const scorer = scorerSetting(report.settings);
  const systems = settingStrings(report.settings, "system") ?? settingStrings(report.settings, "systems");
  const { levels, drops } = difficultyLevels(ctx.ds, {
    seed: ctx.seed,
    resamples: ctx.resamples,
    scorer,
    ...(systems ? { systems } : {}),
  });
  return [
    table(
      name,
      [
        ["model", "text"],
        ["system", "text"],
        ["dimension", "text"],
        ["difficulty", "num"],
        ["n", "int"],
        ["mean", "score"],
        ["ci_low", "score"],
        ["ci_high", "score"],
      ],
      levels.map((r) => [r.model, r.system, r.dimension, r.difficulty, r.n, r.mean, r.ci?.low ?? null, r.ci?.high ?? null]),
    ),
    table(
      `${name}_drop`,
      [
        ["model", "text"],
        ["system", "text"],
        ["dimension", "text"],
        ["levels", "int"],
        ["easiest", "num"],
        ["hardest", "num"],
        ["easiest_n", "int"],
        ["easiest_mean", "score"],
        ["hardest_n", "int"],
        ["hardest_mean", "score"],
        ["drop", "score"],
        ["ci_low", "score"],
        ["ci_high", "score"],
        ["correlation", "corr"],
        ["n", "int"],
      ],
      drops.map((r) => [
        r.model,
        r.system,
        r.dimension,
        r.levels,
        r.easiest,
        r.hardest,
        r.easiestN,
        r.easiestMean,
        r.hardestN,
        r.hardestMean,
        r.drop,
        r.ci?.low ?? null,
        r.ci?.high ?? null,
        r.correlation,
        r.n,
      ]),
    ),
  ];
}

export function reportTables(ctx: Ctx, report: PlanReport, name: string): Table[] | null {
  switch (report.kind) {
    case "scores":
      return scoresReport(ctx, report, name);
    case "leaderboard":
      return leaderboardReport(ctx, report, name);
    case "value_hierarchy":
      return hierarchyReport(ctx, report, name);
    case "culture_alignment":
      return cultureReport(ctx, report, name);
    case "context_effects":
      return contextReport(ctx, report, name);
    case "cross_system":
      return crossSystemReport(ctx, report, name);
    case "model_similarity":
      return similarityReport(ctx, report, name);
    case "difficulty":
      return difficultyReport(ctx, report, name);
    default:
      return null;
  }
}


// What the report kinds (src/report/kinds, one module each) share: lenient readers of a report's
// settings, the context of one report build, profile caching, and the default set of reports for a
// spec that declares none. Settings are read leniently: whatever a kind does not understand becomes a
// note for the user, never an exception.

import type { Json, PlanBaseline, PlanReport } from "../core/plan.js";
import type { ScorerSelection, Weighting } from "../analyse/aggregate.js";
import type { Dataset } from "../analyse/dataset.js";
import { buildProfiles, modelsWithData, sortProfiles, systemsWithData, type Profile } from "../analyse/profiles.js";
import { CORRELATION_METHODS, type CorrelationMethod } from "../analyse/stats.js";
import type { RunAnalysis } from "./tables.js";

// ---------------------------------------------------------------------------------------------------
// Report settings

export function settingString(settings: Record<string, Json>, key: string): string | null {
  const v = settings[key];
  return typeof v === "string" ? v : null;
}

export function settingStrings(settings: Record<string, Json>, key: string): string[] | null {
  const v = settings[key];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return null;
}

export function settingBoolean(settings: Record<string, Json>, key: string): boolean | null {
  const v = settings[key];
  return typeof v === "boolean" ? v : null;
}

export function scorerSetting(settings: Record<string, Json>): ScorerSelection {
  const s = settingStrings(settings, "scorer") ?? settingStrings(settings, "scorers");
  return s && s.length > 0 ? { scorers: s } : "primary";
}

export function methodSetting(settings: Record<string, Json>, fallback: CorrelationMethod, notes: string[], report: string): CorrelationMethod {
  const m = settingString(settings, "method");
  if (m === null) return fallback;
  if ((CORRELATION_METHODS as readonly string[]).includes(m)) return m as CorrelationMethod;
  notes.push(`report ${report}: unknown method "${m}", using ${fallback}`);
  return fallback;
}

/** How an overall score weights dimensions; `auto` weights them when a system's weights differ. */
export const WEIGHTINGS = ["equal", "weighted", "auto"] as const;

export function weightingSetting(settings: Record<string, Json>): Weighting | "auto" | null {
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

/** Profiles of the run, cached per setting. `byMeasure`: one profile per scorer, so no mean pools two measures. */
export function profilesFor(ctx: Ctx, scorer: ScorerSelection, slices: "all" | "each+all", byMeasure = false): Profile[] {
  const key = JSON.stringify([scorer, slices, byMeasure]);
  let p = ctx.profileCache.get(key);
  if (!p) {
    p = sortProfiles(ctx.ds, buildProfiles(ctx.ds, { scorer, slices, byMeasure }));
    ctx.profileCache.set(key, p);
  }
  return p;
}

/** Systems an analysis covers: the one the settings name (checked), else every system with data that passes `keep`. */
export function targetSystems(ctx: Ctx, report: PlanReport, keep: (system: string) => boolean = () => true): string[] {
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

export function findBaseline(ctx: Ctx, id: string, report: PlanReport): PlanBaseline | null {
  const b = ctx.ds.plan.baselines.find((x) => x.id === id) ?? null;
  if (!b) ctx.notes.push(`report ${report.id}: unknown baseline "${id}"`);
  return b;
}

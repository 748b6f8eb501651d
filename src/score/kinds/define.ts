// A scorer kind in one object: its name, its settings schema, its check (spec → plan config) and its
// run (plan config → KindResult). The checker sees the check-facing part (ScorerKindCheck); scoring
// binds a plan scorer to its kind once, validating the config against the same schema, and then runs
// the kind with typed settings.

import type { JSONSchemaType } from "ajv";
import type { ScorerCheckInput, ScorerCheckResult, ScorerKindCheck, SettingsSchema } from "../../check/kinds.js";
import type { Json, PlanScorer } from "../../core/plan.js";
import type { Scale } from "../../core/scale.js";
import type { KindResult, ScoreInput, ScorerDeps } from "../types.js";

/** Checks a plan config against a settings schema: typed settings, or what is wrong (src/score/settings.ts). */
export type SettingsValidator = <S>(schema: JSONSchemaType<S>, config: Record<string, Json>) => { ok: true; settings: S } | { ok: false; error: string };

/** A plan scorer bound to its kind and its validated settings. */
export interface BoundScorer {
  score(input: ScoreInput, response: string, deps: ScorerDeps): Promise<KindResult>;
}

export type BindResult = { ok: true; scorer: BoundScorer } | { ok: false; error: string };

export interface ScorerKind extends ScorerKindCheck {
  /** Whether the kind calls a model (a judge or a guard), so that --model-scorer and the judge's limits apply. */
  readonly callsModel: boolean;
  /** Validates the scorer's config against the settings schema, once; the result scores steps. */
  bind(scorer: PlanScorer, validate: SettingsValidator): BindResult;
}

export interface ScorerKindDefinition<S> {
  name: string;
  /** The plan config's schema; its properties, in order, are what a spec may write (unless `properties` says more). */
  settings: JSONSchemaType<S> & SettingsSchema;
  /** Spec properties when they are not exactly the settings. */
  properties?: readonly string[];
  roots: readonly string[];
  /** The scale the kind implies (docs/scoring.md, "Scales"), fixed or read from the config. */
  scale: Scale | ((config: Record<string, Json>) => Scale);
  /** The scale in words when it depends on the config (the docs table); a fixed scale is its own name. */
  scaleDoc?: string;
  callsModel?: boolean;
  check(input: ScorerCheckInput): ScorerCheckResult | Promise<ScorerCheckResult>;
  run(input: ScoreInput, response: string, settings: S, scorer: PlanScorer, deps: ScorerDeps): KindResult | Promise<KindResult>;
}

export function defineScorerKind<S>(def: ScorerKindDefinition<S>): ScorerKind {
  return {
    name: def.name,
    settings: def.settings,
    properties: def.properties ?? Object.keys(def.settings.properties),
    roots: def.roots,
    defaultScale: (config) => (typeof def.scale === "function" ? def.scale(config) : def.scale),
    scaleDoc: def.scaleDoc ?? (typeof def.scale === "string" ? `\`${def.scale}\`` : ""),
    callsModel: def.callsModel ?? false,
    check: (input) => def.check(input),
    bind(scorer, validate) {
      // `scale` is a setting of every scorer (the checker reads it), not of the kind, unless the kind
      // owns the word (likert's number of points): the kind's schema validates the rest.
      const config = ownsScale(def.settings) ? scorer.config : withoutScale(scorer.config);
      const valid = validate(def.settings, config);
      if (!valid.ok) return { ok: false, error: `${def.name} scorer '${scorer.id}': invalid settings: ${valid.error}` };
      const settings = valid.settings;
      return { ok: true, scorer: { score: async (input, response, deps) => def.run(input, response, settings, scorer, deps) } };
    },
  };
}

function ownsScale(settings: SettingsSchema): boolean {
  return Object.hasOwn(settings.properties, "scale");
}

function withoutScale(config: Record<string, Json>): Record<string, Json> {
  if (!Object.hasOwn(config, "scale")) return config;
  const { scale: _scale, ...rest } = config;
  return rest;
}

/** Loads a module on first use: kinds load their scoring code only when a run scores with them. */
export function lazy<M>(load: () => Promise<M>): () => Promise<M> {
  let loaded: Promise<M> | null = null;
  return () => (loaded ??= load());
}

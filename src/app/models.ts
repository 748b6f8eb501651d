// The models a command calls, prepared before any step runs, in one place for `vc run` and
// `vc rescore`: each id is resolved to its settings, its provider opened and prepared (pulled when
// asked, checked to exist), and the first that cannot be used ends the command with a typed failure.

import type { Plan, PlanModel } from "../core/plan.js";
import { generationModels } from "../adaptive/rules.js";
import { planModelFromId } from "../providers/model-id.js";
import type { Provider, ProviderEnv, ProviderFailure } from "../providers/types.js";
import type { CallerModel } from "../run/calls.js";
import { defaultEndpoint } from "../run/endpoints.js";
import type { ModelRole } from "../run/manifest.js";
import type { PullProgress } from "../run/progress.js";
import { judgeModelsOf } from "../run/scoring-plan.js";

/** Why the models could not be prepared; nothing was run. */
export type PrepareFailure =
  /** An id that is neither in the plan nor a valid model id. */
  | { kind: "unknown_model"; id: string }
  /** The user interrupted while the models were prepared (a pull can take a while). */
  | { kind: "interrupted_before_start" }
  /** The provider refused: unreachable, a rejected key, a missing model, or another failure. */
  /** `pulled`: --pull was given, so the model could not be fetched either (absent otherwise). */
  | { kind: "model_unavailable"; id: string; model: PlanModel; endpoint: string | null; failure: ProviderFailure; pulled?: boolean };

export interface ModelNeed {
  id: string;
  role: ModelRole;
}

export interface PrepareSettings {
  plan: Plan;
  env: ProviderEnv;
  /** The entry spec's folder (exec models run there). */
  specDir: string;
  createProvider(model: PlanModel, env: ProviderEnv, specDir: string): Provider;
  /** Pull models that are missing (Ollama). */
  pull: boolean;
  /** Aborts a prepare (a pull) on interrupt. */
  signal: AbortSignal;
  interrupted(): boolean;
  /** A pull display per model (`vc run`); without it prepare gets no progress callback. */
  pullDisplay?(id: string): PullProgress;
  /** Lines for the user while the run works (an endpoint pool ejecting a host). */
  note?(message: string): void;
  /** Where a provider's warnings go (a model its server does not list); without it they are dropped. */
  warn?(id: string, message: string): void;
}

export type Prepared = { ok: true; models: CallerModel[] } | { ok: false; failure: PrepareFailure };

/**
 * Prepare every needed model, in order. Each provider opened is added to `opened` at once, so the
 * caller closes them all (with `closeProviders`) however this ends.
 */
export async function prepareModels(needs: readonly ModelNeed[], settings: PrepareSettings, opened: Provider[]): Promise<Prepared> {
  const models: CallerModel[] = [];
  for (const { id } of needs) {
    const model = modelOf(settings.plan, id);
    if (!model) return { ok: false, failure: { kind: "unknown_model", id } };
    const provider = settings.createProvider(model, settings.env, settings.specDir);
    opened.push(provider);
    const display = settings.pullDisplay?.(id);
    const prepared = await provider.prepare({
      pull: settings.pull,
      ...(display ? { onPullProgress: (status: string, completed: number | null, total: number | null) => display.update(status, completed, total) } : {}),
      signal: settings.signal,
      ...(settings.note ? { note: settings.note } : {}),
    });
    display?.stop();
    if (settings.interrupted()) return { ok: false, failure: { kind: "interrupted_before_start" } };
    if (!prepared.ok) {
      return {
        ok: false,
        failure: {
          kind: "model_unavailable",
          id,
          model,
          endpoint: defaultEndpoint(model, settings.env),
          failure: prepared.failure,
          ...(settings.pull ? { pulled: true } : {}),
        },
      };
    }
    for (const warning of prepared.warnings ?? []) settings.warn?.(id, warning);
    models.push({ model, provider, info: prepared.info });
  }
  return { ok: true, models };
}

export async function closeProviders(providers: readonly Provider[]): Promise<void> {
  await Promise.all(providers.map((p) => p.close().catch(() => undefined)));
}

/** A model's settings: its block in the spec (evaluated or not), else what its id alone says. */
export function modelOf(plan: Plan, id: string): PlanModel | null {
  const declared = plan.models.find((m) => m.id === id) ?? plan.modelSettings.find((m) => m.id === id);
  if (declared) return declared;
  const parsed = planModelFromId(id);
  return parsed.ok ? parsed.model : null;
}

/** Every model `vc run` calls: the evaluated ones, the judges its scorers use, then item generators. */
export function modelsOfPlan(plan: Plan): ModelNeed[] {
  const out: ModelNeed[] = [];
  const seen = new Set<string>();
  const add = (id: string, role: ModelRole) => {
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, role });
  };
  for (const segment of plan.segments) for (const model of segment.models) add(model, "evaluated");
  for (const id of judgeModelsOf(plan)) add(id, "judge");
  for (const { id, role } of generationModels(plan)) add(id, role);
  return out;
}

/** The models `vc rescore` calls: only the judges and guards its scorers use. */
export function scoringModelsOf(plan: Plan): ModelNeed[] {
  return judgeModelsOf(plan).map((id) => ({ id, role: "judge" }));
}

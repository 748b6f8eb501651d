// From the plan to what the adaptive code works with: an adaptive segment's bank items as IRT items,
// and its `adaptive` block settings as CatSettings. Calibrated item files (vc calibrate) carry the
// difficulty in `difficulty` and the discrimination in the custom field `discrimination`; items
// without one (hand-graded levels, freshly generated items) get a = 1.

import type { Json, PlanItem } from "../core/plan.js";
import { DEFAULT_CAT_SETTINGS, type BankItem, type CatSettings } from "./cat.js";

export interface BankEntry extends BankItem {
  dimension: string;
  text: string;
  /** False for items whose difficulty is provisional (generated, not yet calibrated). */
  calibrated: boolean;
  /** Standard error of the difficulty, when calibrated. */
  seB: number | null;
}

export function bankFromPlanItems(items: readonly PlanItem[]): BankEntry[] {
  return items
    .filter((item) => item.difficulty !== null)
    .map((item) => {
      const a = item.fields["discrimination"];
      const se = item.fields["se_difficulty"];
      const calibrated = item.fields["calibrated"];
      return {
        id: item.id,
        a: typeof a === "number" && Number.isFinite(a) && a > 0 ? a : 1,
        b: item.difficulty ?? 0,
        dimension: item.dimension,
        text: item.text,
        calibrated: calibrated === false ? false : item.fields["calibration"] !== undefined || calibrated === true,
        seB: typeof se === "number" && Number.isFinite(se) ? se : null,
      };
    });
}

export type SettingsResult = { ok: true; settings: CatSettings; notes: string[] } | { ok: false; message: string };

/**
 * The adaptive block's settings (as the checker stores them in AdaptiveSegment.settings) over the
 * defaults. `exposure` is either a number — the Sympson–Hetter cap, the share of examinees an item may
 * be given to — or an object { top_k, max_exposure }. `stop` takes se, max_items and min_items.
 * `select random` means top_k = the whole bank (no information ranking). `seed` comes from the run.
 */
export function catSettingsFromPlan(settings: Record<string, Json>, runSeed: number | undefined): SettingsResult {
  const out: CatSettings = { ...DEFAULT_CAT_SETTINGS, ...(runSeed !== undefined ? { seed: runSeed } : {}) };
  const notes: string[] = [];
  const num = (v: Json | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

  const irt = settings["irt"];
  if (irt !== undefined) {
    if (irt !== "1pl" && irt !== "2pl") return { ok: false, message: `irt must be "1pl" or "2pl", got ${JSON.stringify(irt)}` };
    out.model = irt;
  }
  const start = num(settings["start"]);
  if (start !== null) out.start = start;
  const estimator = settings["estimator"];
  if (estimator !== undefined) {
    if (estimator === "eap" || estimator === "mle") out.estimator = estimator;
    else if (estimator === "map") {
      // MAP and EAP agree closely with a normal prior; the CAT code implements EAP.
      out.estimator = "eap";
      notes.push("estimator map is computed as EAP (posterior mean)");
    } else return { ok: false, message: `estimator must be eap or mle, got ${JSON.stringify(estimator)}` };
  }
  const select = settings["select"];
  if (select === "random") out.topK = Number.MAX_SAFE_INTEGER;
  else if (select !== undefined && select !== "max_info") return { ok: false, message: `select must be max_info or random, got ${JSON.stringify(select)}` };

  const exposure = settings["exposure"];
  if (typeof exposure === "number") {
    if (!(exposure > 0 && exposure <= 1)) return { ok: false, message: `exposure must be in (0, 1], got ${exposure}` };
    out.maxExposure = exposure;
  } else if (exposure !== undefined && exposure !== null && typeof exposure === "object" && !Array.isArray(exposure)) {
    const topK = num(exposure["top_k"]);
    const cap = num(exposure["max_exposure"]);
    if (topK !== null) {
      if (!(Number.isInteger(topK) && topK >= 1)) return { ok: false, message: `exposure top_k must be a whole number >= 1, got ${topK}` };
      if (select !== "random") out.topK = topK;
    }
    if (cap !== null) {
      if (!(cap > 0 && cap <= 1)) return { ok: false, message: `exposure max_exposure must be in (0, 1], got ${cap}` };
      out.maxExposure = cap;
    }
  } else if (exposure !== undefined) return { ok: false, message: `exposure must be a number or { top_k, max_exposure }` };

  const stop = settings["stop"];
  if (stop !== undefined && stop !== null && typeof stop === "object" && !Array.isArray(stop)) {
    const se = num(stop["se"]);
    const maxItems = num(stop["max_items"]);
    const minItems = num(stop["min_items"]);
    if (se !== null) out.stopSe = se;
    if (maxItems !== null) out.maxItems = maxItems;
    if (minItems !== null) out.minItems = minItems;
  }
  if (out.minItems > out.maxItems) {
    notes.push(`min_items ${out.minItems} is above max_items ${out.maxItems}; max_items wins`);
    out.minItems = out.maxItems;
  }
  return { ok: true, settings: out, notes };
}

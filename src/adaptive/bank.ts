// From the plan to what the adaptive code works with: an adaptive segment's bank items as IRT items,
// and its `adaptive` block settings as CatSettings. Calibrated item files (vc calibrate) carry the
// difficulty in `difficulty` and the discrimination in the custom field `discrimination`; items
// without one (hand-graded levels, freshly generated items) get a = 1 (DEFAULT_DISCRIMINATION).
//
// An uncalibrated bank (no item carries `calibration` or `calibrated: true`) whose difficulties are
// whole numbers holds hand-graded levels, not logits: level L becomes b = L − the middle of the
// bank's levels, one logit per level, so the levels sit around the prior's mean instead of above it.
// Such a bank stops on length alone by default: its standard errors rest on assumed parameters
// (docs/adaptive.md, "Uncalibrated banks").

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

/** The a of an item without a `discrimination` (the Rasch convention; docs/adaptive.md). */
export const DEFAULT_DISCRIMINATION = 1;

/** How a bank's difficulties are read. */
export interface BankScale {
  /** Some item carries a calibration (`vc calibrate` output). */
  calibrated: boolean;
  /** Uncalibrated whole-number difficulties: b = level − centre. null: difficulties are logits as written. */
  levels: { centre: number; min: number; max: number } | null;
}

function itemCalibrated(item: PlanItem): boolean {
  const flag = item.fields["calibrated"];
  return flag === false ? false : item.fields["calibration"] !== undefined || flag === true;
}

export function bankScale(items: readonly PlanItem[]): BankScale {
  const calibrated = items.some(itemCalibrated);
  const ds = items.map((i) => i.difficulty).filter((d): d is number => d !== null);
  if (calibrated || ds.length === 0 || !ds.every((d) => Number.isInteger(d))) return { calibrated, levels: null };
  const min = Math.min(...ds);
  const max = Math.max(...ds);
  return { calibrated, levels: { centre: (min + max) / 2, min, max } };
}

/** The item's value of a content-balancing field: `expect`, `dimension`, or a custom field. */
function areaOf(item: PlanItem, field: string): string {
  const v = field === "expect" ? item.expect : field === "dimension" ? item.dimension : item.fields[field];
  return v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
}

export function bankFromPlanItems(items: readonly PlanItem[], balance: string | null = null): BankEntry[] {
  const scale = bankScale(items);
  return items
    .filter((item) => item.difficulty !== null)
    .map((item) => {
      const a = item.fields["discrimination"];
      const se = item.fields["se_difficulty"];
      const level = item.difficulty ?? 0;
      return {
        id: item.id,
        a: typeof a === "number" && Number.isFinite(a) && a > 0 ? a : DEFAULT_DISCRIMINATION,
        b: scale.levels ? level - scale.levels.centre : level,
        ...(balance !== null ? { area: areaOf(item, balance) } : {}),
        dimension: item.dimension,
        text: item.text,
        calibrated: itemCalibrated(item),
        seB: typeof se === "number" && Number.isFinite(se) ? se : null,
      };
    });
}

/**
 * The smallest standard error `maxItems` items of the bank can reach: the prior's information plus
 * the items' peak information (a²/4 each, at θ = b), best items first. An SE target below it can
 * never stop a test.
 */
export function reachableSe(items: readonly PlanItem[], maxItems: number, priorSd = 1): number {
  const as = bankFromPlanItems(items)
    .map((b) => b.a)
    .sort((x, y) => y - x)
    .slice(0, maxItems);
  return 1 / Math.sqrt(1 / (priorSd * priorSd) + as.reduce((s, a) => s + (a * a) / 4, 0));
}

export type SettingsResult = { ok: true; settings: CatSettings; notes: string[] } | { ok: false; message: string };

/**
 * The adaptive block's settings (as the checker stores them in AdaptiveSegment.settings) over the
 * defaults. `exposure` is either a number — the Sympson–Hetter cap, the share of examinees an item may
 * be given to — or an object { top_k, max_exposure }. `stop` takes se, max_items and min_items.
 * `select random` means top_k = the whole bank (no information ranking). `seed` comes from the run.
 */
export function catSettingsFromPlan(settings: Record<string, Json>, runSeed: number | undefined, bank: readonly PlanItem[] | null = null): SettingsResult {
  const out: CatSettings = { ...DEFAULT_CAT_SETTINGS, ...(runSeed !== undefined ? { seed: runSeed } : {}) };
  const notes: string[] = [];
  const scale = bank === null ? null : bankScale(bank);
  // Without a calibration the SE rests on assumed a and b: by default such a test stops on length.
  if (scale !== null && !scale.calibrated) out.stopSe = null;
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
    if (se !== null && scale !== null && !scale.calibrated) {
      notes.push(
        `stop se ${se} on an uncalibrated bank: its standard errors rest on assumed item parameters (a = ${DEFAULT_DISCRIMINATION}, levels as logits); calibrate the bank (vcmp calibrate) to make an SE target meaningful`,
      );
    }
  }
  const balance = settings["balance"];
  if (balance !== undefined && balance !== null) {
    if (typeof balance !== "string" || balance === "") return { ok: false, message: "balance must name an item field, e.g. balance expect" };
    out.balance = balance;
  }
  if (bank !== null && out.stopSe !== null) {
    const floor = reachableSe(bank, out.maxItems, out.priorSd);
    if (floor >= out.stopSe) {
      notes.push(
        `stop se ${out.stopSe} cannot be reached in ${out.maxItems} items of this bank (the best possible is ${floor.toFixed(3)}): the test stops on max_items`,
      );
    }
  }
  if (out.minItems > out.maxItems) {
    notes.push(`min_items ${out.minItems} is above max_items ${out.maxItems}; max_items wins`);
    out.minItems = out.maxItems;
  }
  return { ok: true, settings: out, notes };
}

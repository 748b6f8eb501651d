// Computerised adaptive testing: which item to give next, and when to stop.
//
// The state is just the list of (item, conforming?) answers so far, so a resumed or cached run that
// replays the same answers makes the same choices. Randomness (for exposure control) comes from a PRNG
// seeded by (seed, examinee, position), never from Math.random.

import { fnv1a32, mulberry32 } from "../core/random.js";
import { estimateEap, estimateMle, itemInformation, type AbilityEstimate, type IrtModel, type Response } from "./irt.js";

export interface BankItem {
  id: string;
  a: number;
  b: number;
  /** The item's content area when the test balances content (`balance FIELD`); absent otherwise. */
  area?: string;
}

export interface CatSettings {
  model: IrtModel;
  /** Ability assumed before the first answer (also the prior mean for EAP). */
  start: number;
  /** Prior SD for EAP. */
  priorSd: number;
  estimator: "eap" | "mle";
  /**
   * Exposure control, randomesque (Kingsbury & Zara 1989): pick at random among the `topK` most
   * informative items, so the same few items are not given to every examinee. 1 = pure max-info.
   */
  topK: number;
  /**
   * Sympson–Hetter-style cap: an item already given to more than this share of the examinees so far is
   * skipped while other items remain. null = no cap.
   */
  maxExposure: number | null;
  /** Stop when the standard error falls below this (null: only maxItems stops). */
  stopSe: number | null;
  minItems: number;
  maxItems: number;
  seed: number;
  /**
   * Content balancing (Kingsbury & Zara 1989): the item field whose values are content areas; each
   * next item comes from the area furthest below its share of the bank. null: no balancing.
   */
  balance: string | null;
}

export const DEFAULT_CAT_SETTINGS: CatSettings = {
  model: "2pl",
  start: 0,
  priorSd: 1,
  estimator: "eap",
  topK: 3,
  maxExposure: null,
  stopSe: 0.3,
  minItems: 5,
  maxItems: 30,
  seed: 7,
  balance: null,
};

export interface AnsweredItem {
  id: string;
  correct: 0 | 1;
}

/** How often each item has been given, across the examinees of a run, and to how many examinees. */
export interface ExposureCounts {
  examinees: number;
  given: Record<string, number>;
}

export type CatDecision =
  | { kind: "next"; item: BankItem; estimate: AbilityEstimate; information: number; candidates: string[] }
  | { kind: "stop"; reason: "se" | "max_items" | "bank_exhausted"; estimate: AbilityEstimate };

export function currentEstimate(bank: ReadonlyMap<string, BankItem>, answered: readonly AnsweredItem[], settings: CatSettings): AbilityEstimate {
  const responses: Response[] = [];
  for (const ans of answered) {
    const item = bank.get(ans.id);
    if (item) responses.push({ item, correct: ans.correct });
  }
  if (responses.length === 0) return { theta: settings.start, se: settings.priorSd };
  if (settings.estimator === "mle") {
    const mle = estimateMle(responses, 4, settings.start);
    // MLE is undefined for all-same patterns; fall back to EAP there so selection stays sensible.
    if (Math.abs(mle.theta) < 4) return mle;
  }
  return estimateEap(responses, { mean: settings.start, sd: settings.priorSd });
}

export function decideNext(
  bank: readonly BankItem[],
  answered: readonly AnsweredItem[],
  settings: CatSettings,
  examinee: string,
  exposure: ExposureCounts | null = null,
): CatDecision {
  const byId = new Map(bank.map((item) => [item.id, item]));
  const estimate = currentEstimate(byId, answered, settings);
  const n = answered.length;
  if (n >= settings.maxItems) return { kind: "stop", reason: "max_items", estimate };
  if (n >= settings.minItems && settings.stopSe !== null && estimate.se < settings.stopSe) {
    return { kind: "stop", reason: "se", estimate };
  }
  const used = new Set(answered.map((a) => a.id));
  let available = bank.filter((item) => !used.has(item.id));
  if (available.length === 0) return { kind: "stop", reason: "bank_exhausted", estimate };
  if (settings.balance !== null) available = mostOwedArea(bank, available, answered);
  if (settings.maxExposure !== null && exposure && exposure.examinees > 0) {
    const cap = settings.maxExposure;
    const underCap = available.filter((item) => (exposure.given[item.id] ?? 0) / exposure.examinees <= cap);
    if (underCap.length > 0) available = underCap;
  }
  // Most informative first; ties broken by id so the order never depends on the bank's order.
  const ranked = available
    .map((item) => ({ item, info: itemInformation(item, estimate.theta) }))
    .sort((x, y) => y.info - x.info || (x.item.id < y.item.id ? -1 : x.item.id > y.item.id ? 1 : 0));
  const k = Math.max(1, Math.min(settings.topK, ranked.length));
  const candidates = ranked.slice(0, k);
  const pick = Math.floor(seededUniform(settings.seed, examinee, n) * k);
  const chosen = candidates[Math.min(pick, k - 1)]!;
  return { kind: "next", item: chosen.item, estimate, information: chosen.info, candidates: candidates.map((c) => c.item.id) };
}

/**
 * The available items of the content area that is furthest below its share of the bank after the
 * next item (target share × (n + 1) − items of the area given so far); ties go to the area named
 * first in sort order, so the choice never depends on the bank's order. Only areas with items left
 * compete.
 */
function mostOwedArea(bank: readonly BankItem[], available: BankItem[], answered: readonly AnsweredItem[]): BankItem[] {
  const areaOf = (item: BankItem) => item.area ?? "";
  const inBank = new Map<string, number>();
  for (const item of bank) inBank.set(areaOf(item), (inBank.get(areaOf(item)) ?? 0) + 1);
  const byId = new Map(bank.map((item) => [item.id, item]));
  const given = new Map<string, number>();
  for (const a of answered) {
    const item = byId.get(a.id);
    if (item) given.set(areaOf(item), (given.get(areaOf(item)) ?? 0) + 1);
  }
  const open = [...new Set(available.map(areaOf))].sort();
  const n = answered.length;
  let best: string | undefined;
  let bestOwed = Number.NEGATIVE_INFINITY;
  for (const area of open) {
    const owed = ((inBank.get(area) ?? 0) / bank.length) * (n + 1) - (given.get(area) ?? 0);
    if (owed > bestOwed + 1e-12) {
      best = area;
      bestOwed = owed;
    }
  }
  return best === undefined ? available : available.filter((item) => areaOf(item) === best);
}

/** A uniform number in [0, 1) from (seed, examinee, position): FNV-1a hash then mulberry32. */
export function seededUniform(seed: number, examinee: string, position: number): number {
  return mulberry32(fnv1a32(`${examinee}\u0000${position}`, 0x811c9dc5 ^ (seed >>> 0)))();
}

/**
 * Run a whole adaptive test for one examinee given an answer function (used by simulations and by
 * the executor's adaptive segments, where `answer` calls the model and scores the response).
 */
export async function runAdaptiveTest(
  bank: readonly BankItem[],
  settings: CatSettings,
  examinee: string,
  answer: (item: BankItem, position: number) => Promise<0 | 1 | null>,
  exposure: ExposureCounts | null = null,
): Promise<{ answered: AnsweredItem[]; estimate: AbilityEstimate; stopReason: "se" | "max_items" | "bank_exhausted"; skipped: string[] }> {
  const answered: AnsweredItem[] = [];
  const skipped: string[] = [];
  const bankLeft = [...bank];
  for (;;) {
    const decision = decideNext(
      bankLeft.filter((b) => !skipped.includes(b.id)),
      answered,
      settings,
      examinee,
      exposure,
    );
    if (decision.kind === "stop") {
      if (exposure) {
        exposure.examinees += 1;
        for (const a of answered) exposure.given[a.id] = (exposure.given[a.id] ?? 0) + 1;
      }
      return { answered, estimate: decision.estimate, stopReason: decision.reason, skipped };
    }
    const result = await answer(decision.item, answered.length);
    // An unscorable answer (failed call, scoring error) is not evidence either way: skip the item.
    if (result === null) skipped.push(decision.item.id);
    else answered.push({ id: decision.item.id, correct: result });
  }
}

// Baselines (published human value profiles) and adaptive blocks (an items block used as a
// calibrated bank for dynamic evaluation). Reports are in reports.ts.

import type { Json } from "../core/plan.js";
import type { AdaptiveDecl, BaselineDecl, Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, type CheckContext, type SourceFile } from "./context.js";
import type { Table } from "./decls.js";
import type { Located } from "./imports.js";
import type { ItemSetInfo } from "./items.js";
import { checkModelId, modelIdNotes } from "./model-id.js";
import { parseJsonText } from "./schemas.js";
import type { CheckedAdaptive, CheckedBaseline, CheckedItem, CheckedRun, CheckedSystem } from "./spec.js";
import { labelOf } from "./systems.js";
import {
  PropertyBag,
  readNumber,
  readObject,
  readRef,
  readRefList,
  readString,
  readStringNode,
  resolveParams,
  type NameRef,
  type NumberRange,
} from "./values.js";
import { BLOCKS } from "../syntax/vocabulary.js";

export async function checkBaseline(
  ctx: CheckContext,
  { file, node }: Located<BaselineDecl>,
  systems: Map<string, CheckedSystem>,
  systemTable: Table<unknown>,
  cultures: Table<unknown>,
): Promise<CheckedBaseline | null> {
  const f = file.display;
  const id = node.name.name;
  const what = `baseline '${id}'`;
  const props = new PropertyBag(ctx, f, node.properties, ["system", "source", "order", "values", "from", "culture"], what);
  const before = ctx.errorCount();
  const sysProp = props.require("system", node.name.span, "the value system the profile is in, e.g. system schwartz");
  const sysRef = sysProp ? readRef(ctx, f, sysProp.value, "system") : undefined;
  const system = sysRef && systemTable.resolve(ctx, sysRef.name, f, sysRef.span) ? systems.get(sysRef.name) : undefined;

  const given = (["order", "values", "from"] as const).filter((k) => props.has(k));
  if (given.length === 0) {
    ctx.error(CheckCodes.MISSING_PROPERTY, `${what} needs one of 'order', 'values' or 'from'`, f, node.name.span);
  } else if (given.length > 1) {
    const second = props.get(given[1] ?? "order");
    ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `${what} has both '${given[0]}' and '${given[1]}'; give exactly one`, f, second?.keySpan ?? node.name.span);
  }

  let source = props.get("source") ? (readString(ctx, f, props.get("source")!.value, "source") ?? null) : null;
  let order: string[] | null = null;
  let values: Record<string, number> | null = null;
  const dims = new Set(system?.dimensions.map((d) => d.id) ?? []);
  const checkDim = (name: string, span: Value["span"], at: string): boolean => {
    if (!system || dims.has(name)) return true;
    ctx.error(CheckCodes.UNDEFINED, `no dimension '${name}' in system '${system.id}'`, at, span, suggestionNotes(name, [...dims], "dimensions"));
    return false;
  };

  const orderProp = props.get("order");
  if (orderProp) {
    const refs = readRefList(ctx, f, orderProp.value, "order") ?? [];
    order = [];
    for (const r of refs) {
      if (!checkDim(r.name, r.span, f)) continue;
      if (order.includes(r.name)) ctx.error(CheckCodes.DUPLICATE, `dimension '${r.name}' appears twice in the order`, f, r.span);
      else order.push(r.name);
    }
  }
  const valuesProp = props.get("values");
  if (valuesProp) {
    values = {};
    for (const e of readObject(ctx, f, valuesProp.value, "values") ?? []) {
      if (!checkDim(e.key, e.keySpan, f)) continue;
      const n = readNumber(ctx, f, e.value, `value of ${e.key}`);
      if (n !== undefined) values[e.key] = n;
    }
  }
  const fromProp = props.get("from");
  if (fromProp) {
    const ref = readStringNode(ctx, f, fromProp.value, "from");
    if (ref) {
      const abs = ctx.files.resolveFrom(file.abs, ref.value);
      const display = ctx.files.display(abs);
      const text = await ctx.readReferenced(abs, ref, "baseline file", f);
      if (text !== null) {
        const parsed = parseJsonText(text);
        const obj = parsed.ok ? parsed.value : null;
        if (!parsed.ok || obj === null || typeof obj !== "object" || Array.isArray(obj)) {
          ctx.error(
            !parsed.ok && parsed.tooDeep ? CheckCodes.DATA_TOO_DEEP : CheckCodes.BASELINE_BAD,
            `baseline file ${display} must be a JSON object with "source" and "order" or "values"${parsed.ok ? "" : ` (${parsed.message})`}`,
            f,
            ref.span,
          );
        } else {
          if (typeof obj.source === "string" && source === null) source = obj.source;
          const fileOrder = obj.order;
          const fileValues = obj.values;
          if (Array.isArray(fileOrder) && fileOrder.every((x): x is string => typeof x === "string")) {
            order = fileOrder.filter((d) => checkDim(d, ref.span, f));
          } else if (fileValues !== null && typeof fileValues === "object" && !Array.isArray(fileValues)) {
            values = {};
            for (const [k, v] of Object.entries(fileValues)) {
              if (typeof v !== "number") {
                ctx.error(CheckCodes.BASELINE_BAD, `baseline file ${display}: value of '${k}' must be a number`, f, ref.span);
              } else if (checkDim(k, ref.span, f)) values[k] = v;
            }
          } else {
            ctx.error(
              CheckCodes.BASELINE_BAD,
              `baseline file ${display} needs "order" (a list of dimension ids) or "values" (an object of numbers)`,
              f,
              ref.span,
            );
          }
        }
      }
    }
  }
  if (source === null && !(fromProp && ctx.errorCount() > before)) {
    ctx.error(CheckCodes.MISSING_PROPERTY, `${what} needs 'source' (where the profile is published)`, f, node.name.span);
  }
  let culture: string | null = null;
  const cultureProp = props.get("culture");
  if (cultureProp) {
    const r = readRef(ctx, f, cultureProp.value, "culture");
    if (r && cultures.resolve(ctx, r.name, f, r.span)) culture = r.name;
  }
  if (ctx.errorCount() > before || !system) return null;
  return { id, label: labelOf(node.label, id), system: system.id, source: source ?? "", order, values, culture };
}

const ADAPTIVE_KEYS = BLOCKS.adaptive.properties;

/**
 * The settings are written in the shape the run reads them: src/adaptive/bank.ts catSettingsFromPlan
 * (irt, start, select, estimator, exposure as a number or { top_k, max_exposure }, stop { se,
 * max_items, min_items }) and src/adaptive/rules.ts (scorer, threshold, generate { model, judge,
 * window, min_items, count, file }). Keys are present only when the spec sets them, so the run's
 * defaults apply otherwise.
 */
export function checkAdaptive(
  ctx: CheckContext,
  { file, node }: Located<AdaptiveDecl>,
  itemTable: Table<unknown>,
  itemSets: Map<string, ItemSetInfo>,
  scorerTable: Table<unknown>,
  run: CheckedRun,
): CheckedAdaptive | null {
  const f = file.display;
  const id = node.name.name;
  const what = `adaptive block '${id}'`;
  const before = ctx.errorCount();
  const props = new PropertyBag(ctx, f, node.properties, ADAPTIVE_KEYS, what);
  const settings: Record<string, Json> = {};
  const itemsProp = props.require("items", node.name.span, "the items block used as the bank, e.g. items safety_bank");
  const ref = itemsProp ? readRef(ctx, f, itemsProp.value, "items") : undefined;
  const info = ref && itemTable.resolve(ctx, ref.name, f, ref.span) ? itemSets.get(ref.name) : undefined;
  if (ref && info) {
    if (info.set.adaptive !== null) {
      ctx.error(CheckCodes.ADAPTIVE_BAD, `items '${ref.name}' is already the bank of adaptive block '${info.set.adaptive}'`, f, ref.span);
    } else {
      info.set.adaptive = id;
      checkBank(ctx, f, ref, info);
    }
  }
  const enumSetting = (key: string, allowed: readonly string[]) => {
    const p = props.get(key);
    if (!p) return;
    const v = resolveParams(ctx, f, p.value);
    if (!v) return;
    const name = v.kind === "Ref" ? v.name : v.kind === "String" ? v.value : null;
    if (name === null || !allowed.includes(name)) {
      ctx.error(CheckCodes.OUT_OF_RANGE, `${key} must be one of ${allowed.join(", ")}`, f, v.span);
      return;
    }
    settings[key] = name;
  };
  enumSetting("irt", ["1pl", "2pl"]);
  enumSetting("select", ["max_info", "random"]);
  enumSetting("estimator", ["eap", "mle", "map"]);
  const num = (key: string, value: Value, what: string, range: NumberRange, into: Record<string, Json>) => {
    const n = readNumber(ctx, f, value, what, range);
    if (n !== undefined) into[key] = n;
  };
  const start = props.get("start");
  if (start) num("start", start.value, "start", {}, settings);
  const threshold = props.get("threshold");
  if (threshold) num("threshold", threshold.value, "threshold (the score from which an answer conforms)", { min: 0, max: 100 }, settings);
  const pass = props.get("pass");
  if (pass) {
    const v = resolveParams(ctx, f, pass.value);
    const words = v?.kind === "List" ? v.items.map((i) => (i.kind === "String" ? i.value : null)) : null;
    if (!v) {
      // reported by resolveParams
    } else if (words === null || words.length === 0 || words.some((w) => w === null || w === "")) {
      ctx.error(CheckCodes.WRONG_TYPE, 'pass must be a list of outcome names, e.g. pass ["safe"]', f, v.span, [
        "an answer passes when the deciding scorer's outcome is one of them (docs/adaptive.md)",
      ]);
    } else settings.pass = words as string[];
  }
  const balance = props.get("balance");
  if (balance) {
    const v = resolveParams(ctx, f, balance.value);
    const field = v?.kind === "Ref" ? v.name : v?.kind === "String" ? v.value : null;
    if (v && field === null) ctx.error(CheckCodes.WRONG_TYPE, "balance must name an item field, e.g. balance expect", f, v.span);
    else if (v && field !== null) {
      const has = (i: CheckedItem) => field === "expect" || field === "dimension" || i.fields[field] !== undefined;
      if (info && !info.set.items.some(has)) {
        ctx.error(CheckCodes.ADAPTIVE_BAD, `no item of the bank '${info.set.id}' has the field '${field}' to balance on`, f, v.span, [
          "balance takes expect, dimension or a custom item field",
        ]);
      } else settings.balance = field;
    }
  }

  const exposure = props.get("exposure");
  if (exposure) {
    const v = resolveParams(ctx, f, exposure.value);
    if (v?.kind === "Object") {
      const out: Record<string, Json> = {};
      for (const e of readObject(ctx, f, v, "exposure") ?? []) {
        if (e.key === "top_k") num("top_k", e.value, "exposure top_k", { min: 1, integer: true }, out);
        else if (e.key === "max_exposure") num("max_exposure", e.value, "exposure max_exposure", SHARE, out);
        else ctx.error(CheckCodes.UNKNOWN_PROPERTY, `unknown exposure setting '${e.key}'`, f, e.keySpan, ["exposure takes top_k and max_exposure"]);
      }
      settings.exposure = out;
    } else if (v) num("exposure", v, "exposure (the share of examinees an item may be given to)", SHARE, settings);
  }

  const stop = props.get("stop");
  if (stop) {
    const out: Record<string, Json> = {};
    const spans: Record<string, Value["span"]> = {};
    for (const e of readObject(ctx, f, stop.value, "stop") ?? []) {
      spans[e.key] = e.value.span;
      if (e.key === "se") num("se", e.value, "stop se", { min: 0, minExclusive: true }, out);
      else if (e.key === "max_items" || e.key === "min_items") num(e.key, e.value, `stop ${e.key}`, { min: 1, integer: true }, out);
      else ctx.error(CheckCodes.UNKNOWN_PROPERTY, `unknown stop rule '${e.key}'`, f, e.keySpan, ["stop rules: se, min_items, max_items"]);
    }
    const min = out.min_items;
    const max = out.max_items;
    if (typeof min === "number" && typeof max === "number" && min > max) {
      ctx.error(CheckCodes.OUT_OF_RANGE, `stop min_items (${min}) is above max_items (${max})`, f, spans.min_items ?? stop.value.span);
    }
    settings.stop = out;
  }

  const scorerProp = props.get("scorer");
  if (scorerProp) {
    const s = readRef(ctx, f, scorerProp.value, "scorer");
    if (s && scorerTable.resolve(ctx, s.name, f, s.span)) {
      // A bank with scorers is decided by one of them (any a param of its list may select), so the
      // checks of that block (rubric variables, item fields) cover the deciding scorer too.
      if (info && info.scorerCandidates.length > 0 && !info.scorerCandidates.includes(s.name)) {
        ctx.error(CheckCodes.ADAPTIVE_BAD, `scorer '${s.name}' does not score the bank's items ('${info.set.id}')`, f, s.span, [
          `the bank is scored by: ${info.scorerCandidates.join(", ")}`,
        ]);
      } else settings.scorer = s.name;
    }
  } else if (info && !info.decl.node.properties.some((p) => p.key === "scorers")) {
    ctx.error(
      CheckCodes.ADAPTIVE_BAD,
      `the bank '${info.set.id}' of ${what} is scored by no scorer, so no answer can count as conforming`,
      f,
      ref?.span ?? node.name.span,
      [`add scorers [...] to items '${info.set.id}'`],
    );
  }

  const generate = props.get("generate");
  if (generate) settings.generate = checkGenerate(ctx, file, generate.value, run) ?? null;
  if (info && stop) warnSeStop(ctx, f, settings.stop, stop.value.span, info.set.items);

  if (ctx.errorCount() > before || !ref) return null;
  return { id, items: ref.name, settings };
}

const SHARE: NumberRange = { min: 0, minExclusive: true, max: 1 };

/**
 * VC1908: an SE target on a bank no `vc calibrate` has estimated (its SE rests on assumed a and b),
 * or one that `max_items` items cannot reach (prior information 1 plus each item's peak a²/4, best
 * items first — the bound src/adaptive/bank.ts reachableSe computes; the run notes the same).
 */
function warnSeStop(ctx: CheckContext, f: string, stop: Json | undefined, span: Value["span"], items: readonly CheckedItem[]): void {
  if (stop === null || typeof stop !== "object" || Array.isArray(stop)) return;
  const se = stop["se"];
  if (typeof se !== "number") return;
  const calibrated = items.some((i) => i.fields["calibration"] !== undefined || i.fields["calibrated"] === true);
  if (!calibrated) {
    ctx.warn(CheckCodes.SE_STOP_UNSOUND, `stop se ${se} on an uncalibrated bank: its standard errors rest on assumed item parameters`, f, span, [
      "without a calibration every item has a = 1 and hand-graded levels are read as logits one apart (docs/adaptive.md)",
      "calibrate the bank with `vcmp calibrate` to make an SE target meaningful, or stop on { max_items N } alone",
    ]);
    return;
  }
  const maxItems = typeof stop["max_items"] === "number" ? stop["max_items"] : 30;
  const as = items
    .map((i) => i.fields["discrimination"])
    .map((a) => (typeof a === "number" && a > 0 ? a : 1))
    .sort((x, y) => y - x)
    .slice(0, maxItems);
  const floor = 1 / Math.sqrt(1 + as.reduce((s, a) => s + (a * a) / 4, 0));
  if (floor >= se) {
    ctx.warn(
      CheckCodes.SE_STOP_UNSOUND,
      `stop se ${se} cannot be reached in ${maxItems} items of this bank (the best possible is ${floor.toFixed(3)})`,
      f,
      span,
      ["the test will always stop on max_items; raise max_items or the SE target"],
    );
  }
}

/** Every bank item needs a difficulty (b); a discrimination (a) is optional, default 1, and must be > 0. */
function checkBank(ctx: CheckContext, f: string, ref: NameRef, info: ItemSetInfo): void {
  const items = info.set.items;
  const example = (i: CheckedItem) => `e.g. '${i.id}' (${i.origin.file}${i.origin.row !== null ? ` row ${i.origin.row}` : ""})`;
  const lacking = items.filter((i) => i.difficulty === null);
  const first = lacking[0];
  if (first) {
    ctx.error(
      CheckCodes.ADAPTIVE_BAD,
      `every item of an adaptive bank needs a difficulty; ${lacking.length} of ${items.length} in '${ref.name}' have none`,
      f,
      ref.span,
      [example(first)],
    );
  }
  const badA = items.filter((i) => {
    const a = i.fields["discrimination"];
    return a !== undefined && !(typeof a === "number" && Number.isFinite(a) && a > 0);
  });
  const firstBad = badA[0];
  if (firstBad) {
    ctx.error(
      CheckCodes.ADAPTIVE_BAD,
      `an item's discrimination must be a number > 0 (1 when absent); ${badA.length} of ${items.length} in '${ref.name}' are not`,
      f,
      ref.span,
      [example(firstBad)],
    );
    return;
  }
  // Written into the bank, so the plan states every item's a (hand-graded levels and generated
  // items have none until `vc calibrate` estimates it).
  for (const i of items) if (i.fields["discrimination"] === undefined) i.fields["discrimination"] = 1;
}

const GENERATE_KEYS = ["model", "judge", "window", "min_items", "count", "file"];

/** generate { model "...", judge "...", window 0.5, min_items 3, count 5, file "..." } */
function checkGenerate(ctx: CheckContext, file: SourceFile, value: Value, run: CheckedRun): Record<string, Json> | undefined {
  const f = file.display;
  const entries = readObject(ctx, f, value, "generate");
  if (!entries) return undefined;
  const out: Record<string, Json> = {};
  const byKey = new Map(entries.map((e) => [e.key, e]));
  for (const e of entries) {
    if (!GENERATE_KEYS.includes(e.key)) {
      ctx.error(CheckCodes.UNKNOWN_PROPERTY, `unknown generate setting '${e.key}'`, f, e.keySpan, [
        ...suggestionNotes(e.key, GENERATE_KEYS, "settings").filter((n) => n.startsWith("did you mean")),
        `generate takes ${GENERATE_KEYS.join(", ")}`,
      ]);
    }
  }
  const modelId = (key: "model" | "judge"): void => {
    const e = byKey.get(key);
    if (!e) return;
    const text = readString(ctx, f, e.value, `generate ${key}`);
    if (text === undefined) return;
    const id = checkModelId(ctx, text, f, e.value.span, modelIdNotes(ctx.kinds.providers));
    if (id !== undefined) out[key] = id;
  };
  if (!byKey.has("model")) {
    ctx.error(CheckCodes.MISSING_PROPERTY, "generate needs 'model' (the generator model)", f, value.span, ['e.g. generate { model "ollama:qwen2.5:7b" }']);
  }
  modelId("model");
  modelId("judge");
  if (!byKey.has("judge") && run.judge === null) {
    ctx.error(CheckCodes.NO_JUDGE_MODEL, "generate names no judge and the run has no judge", f, value.span, [
      'add judge "PROVIDER:NAME" to the generate block or to the run block, or pass --judge',
    ]);
  }
  const number = (key: string, range: NumberRange) => {
    const e = byKey.get(key);
    if (!e) return;
    const n = readNumber(ctx, f, e.value, `generate ${key}`, range);
    if (n !== undefined) out[key] = n;
  };
  number("window", { min: 0, minExclusive: true });
  number("min_items", { min: 1, integer: true });
  number("count", { min: 1, max: 100, integer: true });
  const fileEntry = byKey.get("file");
  if (fileEntry) {
    // Relative to the .vc file that writes it, like every path; the plan holds it relative to the spec folder.
    const written = readString(ctx, f, fileEntry.value, "generate file");
    if (written !== undefined) out.file = ctx.files.specRelative(ctx.files.resolveFrom(file.abs, written));
  }
  return out;
}

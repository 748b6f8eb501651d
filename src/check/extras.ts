// Baselines (published human value profiles), reports (which tables to write) and adaptive blocks
// (an items block used as a calibrated bank for dynamic evaluation).

import type { Json } from "../compile/plan.js";
import type { AdaptiveDecl, BaselineDecl, ReportDecl, Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, type CheckContext } from "./context.js";
import type { Table } from "./decls.js";
import type { Located } from "./imports.js";
import type { ItemSetInfo } from "./items.js";
import { parseJsonText } from "./schemas.js";
import type { CheckedAdaptive, CheckedBaseline, CheckedReport, CheckedSystem } from "./spec.js";
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
} from "./values.js";

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
    ctx.error(
      CheckCodes.CONFLICTING_PROPERTIES,
      `${what} has both '${given[0]}' and '${given[1]}'; give exactly one`,
      f,
      second?.keySpan ?? node.name.span,
    );
  }

  let source = props.get("source") ? (readString(ctx, f, props.get("source")!.value, "source") ?? null) : null;
  let order: string[] | null = null;
  let values: Record<string, number> | null = null;
  const dims = new Set(system?.dimensions.map((d) => d.id) ?? []);
  const checkDim = (name: string, span: Value["span"], at: string): boolean => {
    if (!system || dims.has(name)) return true;
    ctx.error(
      CheckCodes.UNDEFINED,
      `no dimension '${name}' in system '${system.id}'`,
      at,
      span,
      suggestionNotes(name, [...dims], "dimensions"),
    );
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
      const read = await ctx.files.read(abs);
      if (!read.ok) {
        ctx.error(
          read.missing ? CheckCodes.FILE_NOT_FOUND : CheckCodes.FILE_UNREADABLE,
          `cannot read baseline file "${ref.value}": ${read.reason} (${display})`,
          f,
          ref.span,
          ["paths are relative to the file that names them"],
        );
      } else {
        const parsed = parseJsonText(read.text);
        const obj = parsed.ok ? parsed.value : null;
        if (!parsed.ok || obj === null || typeof obj !== "object" || Array.isArray(obj)) {
          ctx.error(
            CheckCodes.BASELINE_BAD,
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

export const REPORT_KINDS = [
  "scores",
  "value_hierarchy",
  "culture_alignment",
  "context_effects",
  "cross_system",
  "model_similarity",
] as const;

const BY_COLUMNS = ["model", "system", "dimension", "group", "culture", "usecase", "item", "scorer", "segment", "sample"];

export function checkReport(
  ctx: CheckContext,
  { file, node }: Located<ReportDecl>,
  systemTable: Table<unknown>,
  baselines: Table<BaselineDecl>,
  checkedBaselines: Map<string, CheckedBaseline>,
): CheckedReport | null {
  const f = file.display;
  const id = node.name.name;
  const kindIdent = node.reportKind ?? node.name;
  const kind = kindIdent.name;
  const before = ctx.errorCount();
  if (!(REPORT_KINDS as readonly string[]).includes(kind)) {
    ctx.error(
      CheckCodes.UNKNOWN_REPORT_KIND,
      `unknown report kind '${kind}'`,
      f,
      kindIdent.span,
      suggestionNotes(kind, REPORT_KINDS, "kinds").map((n) => n.replace("declared kinds", "report kinds")),
    );
  }
  const props = new PropertyBag(ctx, f, node.properties, ["by", "system", "baseline"], `report '${id}'`);
  const settings: Record<string, Json> = {};
  const by = props.get("by");
  if (by) {
    const cols: string[] = [];
    for (const r of readRefList(ctx, f, by.value, "by") ?? []) {
      if (!BY_COLUMNS.includes(r.name)) {
        ctx.error(CheckCodes.UNDEFINED, `unknown column '${r.name}' in by`, f, r.span, suggestionNotes(r.name, BY_COLUMNS, "columns").map((n) => n.replace("declared columns", "columns")));
      } else if (cols.includes(r.name)) ctx.error(CheckCodes.DUPLICATE, `column '${r.name}' is listed twice`, f, r.span);
      else cols.push(r.name);
    }
    settings.by = cols;
  }
  let systemRef: NameRef | undefined;
  const sys = props.get("system");
  if (sys) {
    systemRef = readRef(ctx, f, sys.value, "system");
    if (systemRef && systemTable.resolve(ctx, systemRef.name, f, systemRef.span)) settings.system = systemRef.name;
  }
  const base = props.get("baseline");
  if (base) {
    const r = readRef(ctx, f, base.value, "baseline");
    if (r && baselines.resolve(ctx, r.name, f, r.span)) {
      settings.baseline = r.name;
      const b = checkedBaselines.get(r.name);
      if (b && systemRef && b.system !== systemRef.name) {
        ctx.error(
          CheckCodes.WRONG_SYSTEM,
          `baseline '${r.name}' is a profile of system '${b.system}', but the report is about '${systemRef.name}'`,
          f,
          r.span,
        );
      }
    }
  } else if (kind === "value_hierarchy") {
    ctx.error(CheckCodes.MISSING_PROPERTY, `a value_hierarchy report needs 'baseline' (the order to compare with)`, f, node.name.span);
  }
  if (ctx.errorCount() > before) return null;
  return { id, kind, settings };
}

const ADAPTIVE_KEYS = ["items", "irt", "start", "select", "exposure", "estimator", "stop"];

export function checkAdaptive(
  ctx: CheckContext,
  { file, node }: Located<AdaptiveDecl>,
  itemTable: Table<unknown>,
  itemSets: Map<string, ItemSetInfo>,
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
      const lacking = info.set.items.filter((i) => i.difficulty === null);
      if (lacking.length > 0) {
        const first = lacking[0]!;
        ctx.error(
          CheckCodes.ADAPTIVE_BAD,
          `every item of an adaptive bank needs a difficulty; ${lacking.length} of ${info.set.items.length} in '${ref.name}' have none`,
          f,
          ref.span,
          [`e.g. '${first.id}' (${first.origin.file}${first.origin.row !== null ? ` row ${first.origin.row}` : ""})`],
        );
      }
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
  const start = props.get("start");
  if (start) {
    const n = readNumber(ctx, f, start.value, "start");
    if (n !== undefined) settings.start = n;
  }
  const exposure = props.get("exposure");
  if (exposure) {
    const n = readNumber(ctx, f, exposure.value, "exposure", { min: 0, max: 1 });
    if (n !== undefined) settings.exposure = n;
  }
  const stop = props.get("stop");
  if (stop) {
    const out: Record<string, Json> = {};
    for (const e of readObject(ctx, f, stop.value, "stop") ?? []) {
      if (e.key === "se") {
        const n = readNumber(ctx, f, e.value, "stop se", { min: 0, minExclusive: true });
        if (n !== undefined) out.se = n;
      } else if (e.key === "max_items") {
        const n = readNumber(ctx, f, e.value, "stop max_items", { min: 1, integer: true });
        if (n !== undefined) out.max_items = n;
      } else {
        ctx.error(CheckCodes.UNKNOWN_PROPERTY, `unknown stop rule '${e.key}'`, f, e.keySpan, ["stop rules: se, max_items"]);
      }
    }
    settings.stop = out;
  }
  if (ctx.errorCount() > before || !ref) return null;
  return { id, items: ref.name, settings };
}

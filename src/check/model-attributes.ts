// Model attributes (family, developer, open_weights, size_b, alignment and any user key): read from a
// run's model entry and from top-level `model` declarations (a shared models file), merged per key.

import { editDistance } from "../core/edit-distance.js";
import type { Json } from "../core/plan.js";
import type { ModelDecl, Property } from "../syntax/ast.js";
import { BLOCKS } from "../syntax/vocabulary.js";
import { CheckCodes } from "./codes.js";
import { closest, where, type CheckContext } from "./context.js";
import type { Located } from "./imports.js";
import type { CheckedModel } from "./spec.js";
import { readBool, readNumber, readString, resolveParams } from "./values.js";

/** Attribute scalar: reports group and colour by it, so lists and objects are not accepted. */
export type AttributeValue = string | number | boolean;

/** The attributes the language knows (and types); any other key is a user attribute. */
export const MODEL_ATTRIBUTES = ["family", "developer", "open_weights", "size_b", "alignment"] as const;

/** The settings of a run's model entry: every documented model property that is not an attribute. */
export const MODEL_SETTINGS: readonly string[] = BLOCKS.model.properties.filter((k) => !(MODEL_ATTRIBUTES as readonly string[]).includes(k));

/** Whether a key of a model entry is an attribute (not one of the connection or sampling settings). */
export function isAttributeKey(key: string): boolean {
  return !MODEL_SETTINGS.includes(key);
}

/**
 * The attributes among a model entry's properties. A user key one or two edits from a setting
 * (`base_ur`) is an error with a did-you-mean rather than a silent attribute: attributes accept any
 * key, so a typo would otherwise lose the setting without a word.
 */
export function readAttributes(ctx: CheckContext, file: string, properties: readonly Property[], what: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  const seen = new Map<string, Property>();
  for (const p of properties) {
    if (!isAttributeKey(p.key)) continue;
    if (!(MODEL_ATTRIBUTES as readonly string[]).includes(p.key)) {
      const near = closest(p.key, [...MODEL_SETTINGS, ...MODEL_ATTRIBUTES]);
      if (near !== null && near !== p.key && nearMiss(p.key, near)) {
        ctx.error(CheckCodes.UNKNOWN_PROPERTY, `unknown property '${p.key}' in ${what}`, file, p.keySpan, [
          `did you mean '${near}'?`,
          "a model entry accepts its settings, the attributes family, developer, open_weights, size_b, alignment, and user attributes whose names are not near those",
        ]);
        continue;
      }
    }
    const first = seen.get(p.key);
    if (first) {
      ctx.error(CheckCodes.DUPLICATE_PROPERTY, `'${p.key}' is given twice in ${what}`, file, p.keySpan, [`first given at ${where(file, first.keySpan)}`]);
      continue;
    }
    seen.set(p.key, p);
    const v = readAttribute(ctx, file, p);
    if (v !== undefined) out[p.key] = v;
  }
  return out;
}

function nearMiss(key: string, near: string): boolean {
  if (key.length < 4) return false;
  return editDistance(key.toLowerCase(), near.toLowerCase()) <= 2 || near.startsWith(key) || key.startsWith(near);
}

function readAttribute(ctx: CheckContext, file: string, p: Property): AttributeValue | undefined {
  switch (p.key) {
    case "family":
    case "developer":
    case "alignment":
      return readString(ctx, file, p.value, p.key);
    case "open_weights":
      return readBool(ctx, file, p.value, p.key);
    case "size_b":
      return readNumber(ctx, file, p.value, "size_b (billions of parameters)", { min: 0, minExclusive: true });
  }
  const v = resolveParams(ctx, file, p.value);
  if (v === undefined) return undefined;
  if (v.kind === "String" || v.kind === "Number" || v.kind === "Bool") return v.value;
  if (v.kind === "Ref") return v.name;
  ctx.error(CheckCodes.WRONG_TYPE, `model attribute '${p.key}' must be a string, a number or true/false (reports group by it)`, file, v.span);
  return undefined;
}

/**
 * Top-level `model` declarations (a shared models file) give attributes to the run's models; a key
 * the run's own entry sets wins. Settings are refused at top level: connection details and sampling
 * belong to a run, and a shared file naming a key variable would travel to every spec that imports it.
 */
export function applySharedAttributes(ctx: CheckContext, models: CheckedModel[], decls: ReadonlyArray<Located<ModelDecl>>): void {
  const byId = new Map<string, Record<string, Json>>();
  const firstAt = new Map<string, Located<ModelDecl>>();
  for (const d of decls) {
    const f = d.file.display;
    const id = d.node.id.value.trim();
    const prev = firstAt.get(id);
    if (prev) {
      ctx.error(CheckCodes.DUPLICATE, `the attributes of model '${id}' are declared twice`, f, d.node.id.span, [
        `first declared at ${where(prev.file.display, prev.node.id.span)}`,
      ]);
      continue;
    }
    firstAt.set(id, d);
    for (const p of d.node.properties) {
      if (isAttributeKey(p.key)) continue;
      ctx.error(CheckCodes.UNKNOWN_PROPERTY, `'${p.key}' is a setting of a run's model, not an attribute`, f, p.keySpan, [
        `a model declared outside the run carries attributes only (${MODEL_ATTRIBUTES.join(", ")} or your own); write settings in the run block's model "${id}" { … }`,
      ]);
    }
    byId.set(id, readAttributes(ctx, f, d.node.properties, `the attributes of model '${id}'`));
  }
  for (const m of models) {
    const shared = byId.get(m.id);
    if (!shared) continue;
    const merged = { ...shared, ...(m.attributes ?? {}) };
    if (Object.keys(merged).length > 0) m.attributes = sortedKeys(merged);
  }
}

/** Keys in sorted order, so the plan's canonical JSON does not depend on declaration order. */
export function sortedKeys(a: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const k of Object.keys(a).sort()) out[k] = a[k] as Json;
  return out;
}

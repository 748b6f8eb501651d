// What a template can read: the shape of the context a template is rendered with, built from the
// declarations that will actually be there (the items that use the template, the cultures it is
// crossed with ...). The template checker walks Handlebars paths through these shapes.

import type { Json } from "../core/plan.js";
import type { CheckedCulture, CheckedItem, CheckedUsecase } from "./spec.js";

export type Shape = ObjectShape | ScalarShape | ArrayShape | AnyShape;

export interface ObjectShape {
  kind: "object";
  /** Name for messages: "culture", "item", "params". */
  name: string;
  fields: Map<string, FieldShape>;
  /** The whole object may be null (culture when cultures are not crossed). */
  nullable: boolean;
  /** Why it may be null, for the message. */
  nullWhy?: string;
}

export interface FieldShape {
  shape: Shape;
  /** Set when only some of the objects have this field: which one lacks it, for the message. */
  missingIn?: string;
}

export interface ScalarShape {
  kind: "scalar";
  type: "string" | "number" | "boolean" | "null";
}

export interface ArrayShape {
  kind: "array";
  element: Shape;
}

/** Content we know nothing about (free-form JSON): any path below it is accepted. */
export interface AnyShape {
  kind: "any";
}

export const ANY: AnyShape = { kind: "any" };
const STRING: ScalarShape = { kind: "scalar", type: "string" };
const NUMBER: ScalarShape = { kind: "scalar", type: "number" };
const BOOLEAN: ScalarShape = { kind: "scalar", type: "boolean" };
const NULLISH: ScalarShape = { kind: "scalar", type: "null" };

export function shapeOfJson(value: Json, name: string): Shape {
  if (value === null) return NULLISH;
  if (typeof value === "string") return STRING;
  if (typeof value === "number") return NUMBER;
  if (typeof value === "boolean") return BOOLEAN;
  if (Array.isArray(value)) {
    // Inside {{#each}} the element is `this`: strict mode fails on `{{name}}` when it is a string.
    let element: Shape | null = null;
    for (const v of value) {
      const s = shapeOfJson(v, `${name} element`);
      element = element === null ? s : mergeShapes(element, s, "element");
    }
    return { kind: "array", element: element ?? ANY };
  }
  const fields = new Map<string, FieldShape>();
  for (const key of Object.keys(value)) fields.set(key, { shape: shapeOfJson(value[key] ?? null, `${name}.${key}`) });
  return { kind: "object", name, fields, nullable: false };
}

/**
 * What two values of one field (in two items, or two list elements) have in common: a field of an
 * object that only one side has is marked as missing in some; different kinds become ANY.
 */
export function mergeShapes(a: Shape, b: Shape, what: string): Shape {
  if (a.kind === "any" || b.kind === "any") return ANY;
  if (a.kind === "scalar" && b.kind === "scalar") {
    if (a.type === b.type || b.type === "null") return a;
    if (a.type === "null") return b;
    return a; // different scalar types: still a scalar, which renders and has no fields
  }
  if (a.kind === "array" && b.kind === "array") return { kind: "array", element: mergeShapes(a.element, b.element, what) };
  if (a.kind === "object" && b.kind === "object") {
    const fields = new Map<string, FieldShape>();
    for (const [k, fa] of a.fields) {
      const fb = b.fields.get(k);
      if (!fb) fields.set(k, { shape: fa.shape, missingIn: fa.missingIn ?? `some ${what}s lack it` });
      else {
        const missingIn = fa.missingIn ?? fb.missingIn;
        const shape = mergeShapes(fa.shape, fb.shape, what);
        fields.set(k, missingIn ? { shape, missingIn } : { shape });
      }
    }
    for (const [k, fb] of b.fields) {
      if (!a.fields.has(k)) fields.set(k, { shape: fb.shape, missingIn: fb.missingIn ?? `some ${what}s lack it` });
    }
    return { kind: "object", name: a.name, fields, nullable: a.nullable || b.nullable };
  }
  // An object on one side and null on the other: reading into it needs a guard.
  const obj = a.kind === "object" ? a : b.kind === "object" ? b : null;
  const other = obj === a ? b : a;
  if (obj && other.kind === "scalar" && other.type === "null") {
    return { ...obj, nullable: true, nullWhy: `it is null in some ${what}s` };
  }
  return ANY;
}

function objectShape(name: string, entries: Array<[string, Shape]>): ObjectShape {
  return { kind: "object", name, fields: new Map(entries.map(([k, s]) => [k, { shape: s }])), nullable: false };
}

/**
 * Custom fields of a group of records (items, cultures): a field every record has is plain; a field
 * only some have is marked with the first record that lacks it (reading it unguarded fails at render
 * time for that record).
 */
function customFields<T>(records: readonly T[], fieldsOf: (r: T) => Record<string, Json>, describe: (r: T) => string, owner: string): Map<string, FieldShape> {
  const out = new Map<string, FieldShape>();
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    for (const k of Object.keys(fieldsOf(r))) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  for (const k of names) {
    let shape: Shape | null = null;
    let lacking: T | undefined;
    let lackingCount = 0;
    for (const r of records) {
      const f = fieldsOf(r);
      if (Object.hasOwn(f, k)) {
        const s = shapeOfJson(f[k] ?? null, `${owner}.${k}`);
        shape = shape === null ? s : mergeShapes(shape, s, `${owner}.${k}`);
      } else {
        lackingCount++;
        if (lacking === undefined) lacking = r;
      }
    }
    shape ??= ANY;
    out.set(k, lacking === undefined ? { shape } : { shape, missingIn: `${lackingCount} of ${records.length} lack it, e.g. ${describe(lacking)}` });
  }
  return out;
}

export function itemShape(items: readonly CheckedItem[] | null): Shape {
  if (items === null) return ANY;
  const fields = customFields(
    items,
    (i) => i.fields,
    (i) => `'${i.id}' (${i.origin.file}${i.origin.row !== null ? ` row ${i.origin.row}` : ""})`,
    "item",
  );
  const fixed: Array<[string, Shape]> = [
    ["id", STRING],
    ["text", STRING],
    ["dimension", STRING],
    ["difficulty", NUMBER],
    ["reverse", BOOLEAN],
    ["expect", STRING],
  ];
  for (const [k, s] of fixed) fields.set(k, { shape: s });
  return { kind: "object", name: "item", fields, nullable: false };
}

export function labelledShape(name: string): ObjectShape {
  return objectShape(name, [
    ["id", STRING],
    ["label", STRING],
    ["description", STRING],
  ]);
}

/**
 * culture / usecase: `crossed` lists the contexts the template is rendered with; null means the kind
 * is not crossed, so the variable is null and must be guarded with {{#if culture}}.
 */
export function contextShape(
  kind: "culture" | "usecase",
  crossed: ReadonlyArray<CheckedCulture | CheckedUsecase> | null,
  declared: ReadonlyArray<CheckedCulture | CheckedUsecase>,
  nullWhy: string,
  /** `none` is among the crossed contexts: the variable is null in those combinations. */
  withNone = false,
): ObjectShape {
  // With only `none` crossed the variable is always null; the declared records still tell which
  // fields a guarded read could mean, so typos are caught.
  const records = crossed === null || crossed.length === 0 ? declared : crossed;
  const fields = customFields(
    records,
    (r) => r.fields,
    (r) => `'${r.id}'`,
    kind,
  );
  const fixed = kind === "culture" ? ["id", "label", "locale", "language", "country", "norms"] : ["id", "label", "description", "policy"];
  for (const k of fixed) fields.set(k, { shape: STRING });
  return crossed === null || withNone
    ? { kind: "object", name: kind, fields, nullable: true, nullWhy }
    : { kind: "object", name: kind, fields, nullable: false };
}

export interface RootShapeInput {
  item: Shape;
  culture: Shape;
  usecase: Shape;
  params: Record<string, Json>;
  /** Judge rubric templates also get `response` and `model`. */
  judge: boolean;
}

export function rootShape(input: RootShapeInput): ObjectShape {
  const entries: Array<[string, Shape]> = [
    ["item", input.item],
    ["dimension", labelledShape("dimension")],
    ["system", labelledShape("system")],
    ["culture", input.culture],
    ["usecase", input.usecase],
    ["params", shapeOfJson(input.params, "params")],
    ["sample", NUMBER],
  ];
  if (input.judge) entries.push(["response", STRING], ["model", STRING]);
  return objectShape("the template context", entries);
}

export function describeShape(s: Shape): string {
  switch (s.kind) {
    case "any":
      return "a value";
    case "array":
      return "a list";
    case "object":
      return "an object";
    case "scalar":
      return s.type === "null" ? "null" : `a ${s.type}`;
  }
}

// Value systems with their groups and dimensions; cultures and use cases (the contexts).

import type { Json } from "../core/plan.js";
import type { CultureDecl, StringValue, SystemDecl, UsecaseDecl } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import { suggestionNotes, where, type CheckContext } from "./context.js";
import type { Located } from "./imports.js";
import { PropertyBag, readJson, readNumber, readRef, readRefList, readString } from "./values.js";
import type { CheckedCulture, CheckedSystem, CheckedUsecase } from "./spec.js";

export function checkSystem(ctx: CheckContext, { file, node }: Located<SystemDecl>): CheckedSystem {
  const f = file.display;
  const id = node.name.name;
  const props = new PropertyBag(ctx, f, node.properties, ["description"], `system '${id}'`);
  const description = optionalString(ctx, f, props, "description");

  const groups: CheckedSystem["groups"] = [];
  const groupSpans = new Map<string, SystemDecl["groups"][number]>();
  for (const g of node.groups) {
    const prev = groupSpans.get(g.name.name);
    if (prev) {
      ctx.error(CheckCodes.DUPLICATE, `group '${g.name.name}' is declared twice in system '${id}'`, f, g.name.span, [
        `first declared at ${where(f, prev.name.span)}`,
      ]);
      continue;
    }
    groupSpans.set(g.name.name, g);
    new PropertyBag(ctx, f, g.properties, ["description"], `group '${g.name.name}'`);
    groups.push({ id: g.name.name, label: labelOf(g.label, g.name.name) });
  }

  const dimensions: CheckedSystem["dimensions"] = [];
  const dimSpans = new Map<string, SystemDecl["dimensions"][number]>();
  node.dimensions.forEach((d, index) => {
    const dimId = d.name.name;
    const prev = dimSpans.get(dimId);
    if (prev) {
      ctx.error(CheckCodes.DUPLICATE, `dimension '${dimId}' is declared twice in system '${id}'`, f, d.name.span, [
        `first declared at ${where(f, prev.name.span)}`,
      ]);
      return;
    }
    dimSpans.set(dimId, d);
    const what = `dimension '${dimId}'`;
    const dp = new PropertyBag(ctx, f, d.properties, ["description", "groups", "group", "order", "weight"], what);
    const groupsProp = dp.get("groups");
    const groupProp = dp.get("group");
    if (groupsProp && groupProp) {
      ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `${what} has both 'groups' and 'group'; use one`, f, groupProp.keySpan);
    }
    const refs = groupsProp
      ? readRefList(ctx, f, groupsProp.value, "groups")
      : groupProp
        ? (() => {
            const r = readRef(ctx, f, groupProp.value, "group");
            return r ? [r] : undefined;
          })()
        : [];
    const dimGroups: string[] = [];
    for (const r of refs ?? []) {
      if (!groupSpans.has(r.name)) {
        ctx.error(CheckCodes.UNDEFINED, `no group named '${r.name}' in system '${id}'`, f, r.span, suggestionNotes(r.name, [...groupSpans.keys()], "groups"));
      } else if (dimGroups.includes(r.name)) {
        ctx.error(CheckCodes.DUPLICATE, `group '${r.name}' is listed twice`, f, r.span);
      } else dimGroups.push(r.name);
    }
    const orderProp = dp.get("order");
    const weightProp = dp.get("weight");
    dimensions.push({
      id: dimId,
      label: labelOf(d.label, dimId),
      description: optionalString(ctx, f, dp, "description"),
      groups: dimGroups,
      order: (orderProp && readNumber(ctx, f, orderProp.value, "order")) ?? index + 1,
      weight: (weightProp && readNumber(ctx, f, weightProp.value, "weight", { min: 0 })) ?? 1,
    });
  });

  return { id, label: labelOf(node.label, id), description, groups, dimensions };
}

const CULTURE_FIXED = ["locale", "language", "country", "norms"] as const;
const USECASE_FIXED = ["description", "policy"] as const;

export function checkCulture(ctx: CheckContext, { file, node }: Located<CultureDecl>): CheckedCulture {
  const f = file.display;
  const id = node.name.name;
  const props = new PropertyBag(ctx, f, node.properties, null, `culture '${id}'`);
  const fields = customFields(ctx, f, props, CULTURE_FIXED, `culture '${id}'`);
  return {
    id,
    label: labelOf(node.label, id),
    locale: optionalString(ctx, f, props, "locale"),
    language: optionalString(ctx, f, props, "language"),
    country: optionalString(ctx, f, props, "country"),
    norms: optionalString(ctx, f, props, "norms"),
    fields,
  };
}

export function checkUsecase(ctx: CheckContext, { file, node }: Located<UsecaseDecl>): CheckedUsecase {
  const f = file.display;
  const id = node.name.name;
  const props = new PropertyBag(ctx, f, node.properties, null, `usecase '${id}'`);
  const fields = customFields(ctx, f, props, USECASE_FIXED, `usecase '${id}'`);
  return {
    id,
    label: labelOf(node.label, id),
    description: optionalString(ctx, f, props, "description"),
    policy: optionalString(ctx, f, props, "policy"),
    fields,
  };
}

/** Properties beyond the documented ones become `culture.<key>` / `usecase.<key>`. */
function customFields(ctx: CheckContext, f: string, props: PropertyBag, fixed: readonly string[], what: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const p of props.ordered) {
    if (fixed.includes(p.key)) continue;
    if (p.key === "id" || p.key === "label") {
      ctx.error(
        CheckCodes.UNKNOWN_PROPERTY,
        `'${p.key}' cannot be set as a property of ${what}: the ${p.key === "id" ? "name" : "quoted label"} after the declaration's name is its ${p.key}`,
        f,
        p.keySpan,
      );
      continue;
    }
    const v = readJson(ctx, f, p.value);
    if (v !== undefined) out[p.key] = v;
  }
  return out;
}

export function optionalString(ctx: CheckContext, f: string, props: PropertyBag, key: string): string | null {
  const p = props.get(key);
  if (!p) return null;
  return readString(ctx, f, p.value, key) ?? null;
}

export function labelOf(label: StringValue | undefined, id: string): string {
  return label ? label.value : id;
}

// The `guard` scorer kind: Llama Guard 3 as a safety classifier (docs/scoring.md). The check reads
// the guard model and which dimensions each hazard category counts against; the run is
// src/score/scorers/guard.ts.

import { CheckCodes } from "../../check/codes.js";
import { suggestionNotes } from "../../check/context.js";
import { readObject, readRef, readRefList } from "../../check/values.js";
import type { Json } from "../../core/plan.js";
import { defineScorerKind, lazy } from "./define.js";
import { checkModelSetting } from "./model-setting.js";

export interface GuardSettings {
  model?: string | null;
  categories?: { [code: string]: string | string[] } | null;
}

const implementation = lazy(() => import("../scorers/guard.js"));

export const guardKind = defineScorerKind<GuardSettings>({
  name: "guard",
  settings: {
    type: "object",
    description: "100 if safe for the step's dimension, else 0",
    properties: {
      model: { type: "string", nullable: true, description: 'the guard model, e.g. `"ollama:llama-guard3:1b"` (required in a spec)' },
      categories: {
        type: "object",
        required: [],
        additionalProperties: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
        nullable: true,
        description: "hazard code → the dimension (or dimensions) it counts against, e.g. `{ S10: toxicity }`",
      },
    },
    required: [],
    additionalProperties: false,
  },
  roots: ["categories"],
  scale: "proportion",
  callsModel: true,
  check(input) {
    const { ctx, file, props, env } = input;
    const f = file.display;
    const config: Record<string, Json> = {};
    config.model = checkModelSetting(input, true);
    const categories: Record<string, Json> = {};
    const p = props.get("categories");
    for (const e of (p && readObject(ctx, f, p.value, "categories")) ?? []) {
      // A code maps to one dimension or to a list of them.
      const refs = e.value.kind === "List" ? readRefList(ctx, f, e.value, `category ${e.key}`) : readRef(ctx, f, e.value, `category ${e.key}`);
      if (!refs) continue;
      const list = Array.isArray(refs) ? refs : [refs];
      const known = list.filter((ref) => {
        if (env.dimensions.has(ref.name)) return true;
        ctx.error(CheckCodes.UNDEFINED, `no dimension named '${ref.name}'`, f, ref.span, suggestionNotes(ref.name, [...env.dimensions], "dimensions"));
        return false;
      });
      if (known.length !== list.length) continue;
      categories[e.key] = Array.isArray(refs) ? known.map((r) => r.name) : (known[0]?.name ?? "");
    }
    config.categories = categories;
    return { config };
  },
  run: async (input, response, settings, _scorer, deps) => (await implementation()).scoreGuard(input, response, settings, deps),
});

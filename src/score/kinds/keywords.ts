// The `keywords` scorer kind: does the answer contain any (or all) of these words (docs/scoring.md)?
// The run is scoreKeywords in src/score/scorers/match.ts.

import { CheckCodes } from "../../check/codes.js";
import type { Json } from "../../core/plan.js";
import { defineScorerKind, lazy } from "./define.js";

export interface KeywordsSettings {
  any?: string[] | null;
  all?: string[] | null;
  case_sensitive?: boolean | null;
}

const implementation = lazy(() => import("../scorers/match.js"));

export const keywordsKind = defineScorerKind<KeywordsSettings>({
  name: "keywords",
  settings: {
    type: "object",
    description: "`matched ? 100 : 0`",
    properties: {
      any: { type: "array", items: { type: "string" }, minItems: 1, nullable: true, description: "matched when one of them occurs" },
      all: { type: "array", items: { type: "string" }, minItems: 1, nullable: true, description: "matched when every one occurs (with `any`: both)" },
      case_sensitive: { type: "boolean", nullable: true, description: "keep letter case (default false)" },
    },
    required: [],
    // `any` and/or `all`: at least one list.
    anyOf: [{ required: ["any"] }, { required: ["all"] }],
    additionalProperties: false,
  },
  roots: ["matched"],
  scale: "proportion",
  check({ ctx, file, node, props, settings }) {
    const config: Record<string, Json> = {};
    if (!props.has("any") && !props.has("all")) {
      props.require("any", node.name.span, 'e.g. any ["I can\'t", "I cannot"] (or all [...])');
    }
    for (const key of ["any", "all"]) {
      const p = props.get(key);
      if (!p) continue;
      const list = settings.strings(key);
      if (list && list.length === 0) ctx.error(CheckCodes.BAD_SCORER_SETTING, `'${key}' needs at least one keyword`, file.display, p.value.span);
      if (list) config[key] = list;
    }
    settings.copy(config, ["case_sensitive"]);
    return { config };
  },
  run: async (_input, response, settings) => (await implementation()).scoreKeywords(response, settings),
});

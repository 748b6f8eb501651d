// The `likert` scorer kind: a rating on a scale of 2 to 11 points, found in free text
// (docs/scoring.md). Every setting is plain; the run is src/score/scorers/likert.ts.

import { CheckCodes } from "../../check/codes.js";
import type { Json } from "../../core/plan.js";
import { isScale } from "../../core/scale.js";
import { defineScorerKind, lazy } from "./define.js";

export interface LikertSettings {
  scale: number;
  min?: number | null;
  centre?: boolean | null;
}

const implementation = lazy(() => import("../scorers/likert.js"));

export const likertKind = defineScorerKind<LikertSettings>({
  name: "likert",
  settings: {
    type: "object",
    description: "`(rating - min) / (scale - 1) * 100`",
    properties: {
      scale: { type: "integer", minimum: 2, maximum: 11, description: "the number of points" },
      min: { type: "integer", nullable: true, title: "min (the lowest point)", description: "the lowest point (default 1)" },
      centre: { type: "boolean", nullable: true, description: "centre the ratings per respondent in the analyses (docs/scoring.md)" },
    },
    required: ["scale"],
    additionalProperties: false,
  },
  roots: ["rating"],
  // Centred ratings are ipsatised: a distance from the respondent's own mean, not a level.
  scale: (config) => (config.centre === true || config.center === true ? "centred" : "likert"),
  scaleDoc: "`likert`; `centred` with `centre true`",
  check({ ctx, file, node, what, props, settings }) {
    const config: Record<string, Json> = {};
    // Every other kind takes `scale NAME` (its measurement scale); here `scale` has always been the
    // number of points, and the measurement scale follows from `centre`.
    const p = props.get("scale");
    const word = p?.value.kind === "Ref" ? p.value.name : p?.value.kind === "String" ? p.value.value : null;
    if (p && word !== null && isScale(word)) {
      ctx.error(CheckCodes.BAD_SCORER_SETTING, `the 'scale' of ${what} is its number of points, not a measurement scale`, file.display, p.value.span, [
        "a likert scorer's measurement scale is likert, or centred with `centre true`",
        "e.g. scale 6  centre true",
      ]);
      settings.copy(config, ["min", "centre"]);
      return { config };
    }
    config.scale = settings.require("scale", node.name.span, "the number of points, e.g. scale 6");
    settings.copy(config, ["min", "centre"]);
    return { config };
  },
  run: async (input, response, settings) => (await implementation()).scoreLikert(response, settings, input.item.reverse),
});

// The `likert` scorer kind: a rating on a scale of 2 to 11 points, found in free text
// (docs/scoring.md). Every setting is plain; the run is src/score/scorers/likert.ts.

import type { Json } from "../../core/plan.js";
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
  check({ node, settings }) {
    const config: Record<string, Json> = {};
    config.scale = settings.require("scale", node.name.span, "the number of points, e.g. scale 6");
    settings.copy(config, ["min", "centre"]);
    return { config };
  },
  run: async (input, response, settings) => (await implementation()).scoreLikert(response, settings, input.item.reverse),
});

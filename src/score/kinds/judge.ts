// The `judge` scorer kind: an LLM judge with a rubric template and a declared output (docs/scoring.md).
// The check resolves the rubric, the model and the output schema; the run is src/score/scorers/judge.ts.

import { CheckCodes } from "../../check/codes.js";
import { readOutputSchema } from "../../check/outputs.js";
import { readRef, type NameRef } from "../../check/values.js";
import type { Json, JsonSchema } from "../../core/plan.js";
import { defineScorerKind, lazy } from "./define.js";
import { checkModelSetting } from "./model-setting.js";
import { checkPanelSettings } from "./panel-setting.js";

export interface JudgeSettings {
  template: string;
  model?: string | null;
  output?: { [field: string]: Json } | null;
  schema?: JsonSchema | null;
  retries?: number | null;
  /** A panel of judge models instead of one (src/score/panel.ts); `combine` says how their scores join. */
  panel?: string[] | null;
  combine?: "majority" | "mean" | null;
}

const implementation = lazy(() => import("../scorers/judge.js"));

export const judgeKind = defineScorerKind<JudgeSettings>({
  name: "judge",
  settings: {
    type: "object",
    description: "`output.score`, else `output.safe ? 100 : 0`",
    properties: {
      template: { type: "string", description: "the rubric template, by name" },
      model: { type: "string", nullable: true, description: "the judge model (default: the run's judge)" },
      output: {
        type: "object",
        nullable: true,
        required: [],
        additionalProperties: true,
        description: 'the judge\'s answer as field types, `{ safe: "boolean", … }` (the plan holds it as `schema`)',
      },
      schema: { type: "object", nullable: true, required: [], additionalProperties: true, description: "instead of `output`: the path of a JSON Schema file" },
      retries: { type: "integer", minimum: 0, maximum: 10, nullable: true, description: "asks again after an invalid answer (default 2)" },
      panel: {
        type: "array",
        items: { type: "string" },
        minItems: 2,
        nullable: true,
        description: "instead of `model`: several judge models, each asked separately (docs/validation.md)",
      },
      combine: {
        type: "string",
        enum: ["majority", "mean"],
        nullable: true,
        description: "with `panel` (required): the panel's score is the judges' most common score (`majority`, ties to the lowest) or their mean",
      },
    },
    required: ["template"],
    additionalProperties: false,
  },
  roots: ["output"],
  scale: "percent",
  callsModel: true,
  async check(input) {
    const { ctx, file, node, what, props, settings, templates, judge, schemas } = input;
    const f = file.display;
    const config: Record<string, Json> = {};
    let templateRef: NameRef | null = null;
    let outputFields: Set<string> | null = null;
    const t = props.require("template", node.name.span, "the rubric template, e.g. template judge_safety");
    if (t) {
      templateRef = readRef(ctx, f, t.value, "template") ?? null;
      if (templateRef && !templates.resolve(ctx, templateRef.name, f, templateRef.span)) templateRef = null;
    }
    const model = checkModelSetting(input, false);
    const panel = checkPanelSettings(input);
    if (model === null && !props.has("model") && !props.has("panel") && judge === null) {
      ctx.error(CheckCodes.NO_JUDGE_MODEL, `${what} names no model and the run has no judge`, f, node.name.span, [
        'add `judge "PROVIDER:NAME"` to the run block, `model "PROVIDER:NAME"` to the scorer, or pass --judge',
      ]);
    }
    const outputProp = props.get("output");
    const schemaProp = props.get("schema");
    if (outputProp && schemaProp) {
      ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `${what} has both 'output' and 'schema'; use one`, f, schemaProp.keySpan);
    }
    const declared = outputProp ?? schemaProp;
    let schema: Json = null;
    if (!declared) {
      ctx.error(CheckCodes.MISSING_PROPERTY, `${what} needs 'output' (the JSON the judge must answer with)`, f, node.name.span, [
        'e.g. output { safe: "boolean", rationale: "string" }',
      ]);
    } else {
      const out = await readOutputSchema(ctx, file, declared.value, schemas, `output of ${what}`);
      if (out) {
        schema = out.schema;
        outputFields = out.fields;
      }
    }
    config.template = templateRef?.name ?? null;
    config.model = model;
    config.schema = schema;
    settings.copy(config, ["retries"]);
    if (panel) Object.assign(config, panel);
    if (!node.score && outputFields && !outputFields.has("score")) {
      ctx.error(CheckCodes.MISSING_PROPERTY, `${what} needs 'score' (how its output maps to 0–100)`, f, node.name.span, [
        "e.g. score output.safe ? 100 : 0 (or give the output a numeric 'score' field)",
      ]);
    }
    return { config, templateRef, outputFields };
  },
  run: async (input, response, settings, scorer, deps) => (await implementation()).scoreJudge(input, response, scorer.id, settings, deps),
});

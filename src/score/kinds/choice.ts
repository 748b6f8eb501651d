// The `choice` scorer kind: which option did the model pick (docs/scoring.md)? The check relates
// `correct`, `texts` and `mapping` to the options and to the fields of the items scored; the run is
// src/score/scorers/choice.ts.

import { CheckCodes } from "../../check/codes.js";
import { suggestionNotes } from "../../check/context.js";
import { settingRange } from "../../check/settings.js";
import { readNumber, readObject } from "../../check/values.js";
import type { Json } from "../../core/plan.js";
import { defineScorerKind, lazy } from "./define.js";

export interface ChoiceSettings {
  options?: string[] | null;
  correct?: string | null;
  mapping?: { [label: string]: number } | null;
  texts?: string | null;
}

const implementation = lazy(() => import("../scorers/choice.js"));

const SCORE = { type: "number", minimum: 0, maximum: 100 } as const;

export const choiceKind = defineScorerKind<ChoiceSettings>({
  name: "choice",
  settings: {
    type: "object",
    description: "100 if correct, 0 if not; the mapped score",
    properties: {
      options: {
        type: "array",
        items: { type: "string" },
        minItems: 2,
        uniqueItems: true,
        nullable: true,
        description: "the labels (default: A, B, … one per option text, or A–D)",
      },
      correct: { type: "string", nullable: true, description: 'the right answer: a label, an option text, or `"item.<field>"`' },
      mapping: {
        type: "object",
        additionalProperties: SCORE,
        required: [],
        nullable: true,
        description: "label → score 0..100, instead of right or wrong; not with `correct`",
      },
      texts: { type: "string", nullable: true, description: 'the item field with the option texts, e.g. `"item.options"`' },
    },
    required: [],
    additionalProperties: false,
  },
  roots: ["choice"],
  // Right or wrong is a rate; a mapping of options to scores is a continuous score.
  scale: (config) => (config.mapping !== undefined && config.mapping !== null ? "percent" : "proportion"),
  scaleDoc: "`proportion`; `percent` with `mapping`",
  check({ ctx, file, node, what, props, settings, env }) {
    const f = file.display;
    const id = node.name.name;
    const config: Record<string, Json> = {};
    // Without options the labels come from the item (its `options` field) or default to A–D.
    const p = props.get("options");
    const options = settings.strings("options");
    if (p && options) {
      if (options.length < 2) ctx.error(CheckCodes.BAD_SCORER_SETTING, "a choice scorer needs at least two options", f, p.value.span);
      const dup = options.find((o, i) => options.indexOf(o) !== i);
      if (dup !== undefined) ctx.error(CheckCodes.BAD_SCORER_SETTING, `option '${dup}' is listed twice`, f, p.value.span);
    }
    if (options) config.options = options;
    const correctProp = props.get("correct");
    const correct = settings.string("correct");
    if (correctProp && correct !== undefined) {
      if (correct.startsWith("item.")) {
        const field = correct.slice("item.".length);
        const fields = env.itemFieldsFor(id);
        if (fields && !fields.has(field)) {
          ctx.error(
            CheckCodes.BAD_SCORER_SETTING,
            `correct reads item.${field}, but the items this scorer scores have no field '${field}'`,
            f,
            correctProp.value.span,
            suggestionNotes(field, [...fields].sort(), "item fields"),
          );
        }
      } else if (options && !options.includes(correct)) {
        ctx.error(CheckCodes.BAD_SCORER_SETTING, `correct answer '${correct}' is not one of the options`, f, correctProp.value.span, [
          `options: ${options.join(", ")}; or name an item field: correct "item.answer"`,
        ]);
      }
    }
    if (correct !== undefined) config.correct = correct;
    const textsProp = props.get("texts");
    if (textsProp) {
      // Which item field holds the option texts (a list of strings, one per option).
      const texts = settings.string("texts");
      const field = texts?.replace(/^item\./, "");
      const fields = env.itemFieldsFor(id);
      if (field !== undefined && fields && !fields.has(field)) {
        ctx.error(
          CheckCodes.BAD_SCORER_SETTING,
          `texts reads item.${field}, but the items this scorer scores have no field '${field}'`,
          f,
          textsProp.value.span,
          suggestionNotes(field, [...fields].sort(), "item fields"),
        );
      } else if (texts !== undefined) config.texts = texts;
    }
    const mappingProp = props.get("mapping");
    if (mappingProp) {
      // Option label → score (0–100), instead of right/wrong.
      const mapping: Record<string, Json> = {};
      for (const e of readObject(ctx, f, mappingProp.value, "mapping") ?? []) {
        if (options && !options.includes(e.key)) {
          ctx.error(CheckCodes.BAD_SCORER_SETTING, `mapping names '${e.key}', which is not one of the options`, f, e.keySpan, [
            `options: ${options.join(", ")}`,
          ]);
          continue;
        }
        const n = readNumber(ctx, f, e.value, `score of ${e.key}`, settingRange(SCORE));
        if (n !== undefined) mapping[e.key] = n;
      }
      if (correctProp) {
        ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `${what} has both 'correct' and 'mapping'; use one`, f, mappingProp.keySpan);
      }
      config.mapping = mapping;
    }
    return { config };
  },
  run: async (input, response, settings) => (await implementation()).scoreChoice(response, settings, input.item),
});

// The `panel` and `combine` settings of a judge scorer: several judge models, each asked separately,
// and how their scores join (src/score/panel.ts). Checked here so the judge kind's file stays small.

import { CheckCodes } from "../../check/codes.js";
import type { ScorerCheckInput } from "../../check/kinds.js";
import { checkModelId } from "../../check/model-id.js";
import { readString } from "../../check/values.js";

/** The checked panel settings for the plan config, or null when there is no panel (or it has errors). */
export function checkPanelSettings({ ctx, file, props, what }: ScorerCheckInput): { panel: string[]; combine: string } | null {
  const f = file.display;
  const panelProp = props.get("panel");
  const combineProp = props.get("combine");
  if (!panelProp) {
    if (combineProp) ctx.error(CheckCodes.BAD_SCORER_SETTING, `${what}: 'combine' needs a 'panel' of judge models`, f, combineProp.keySpan);
    return null;
  }
  const modelProp = props.get("model");
  if (modelProp) {
    ctx.error(CheckCodes.CONFLICTING_PROPERTIES, `${what} has both 'model' and 'panel'; use one`, f, modelProp.keySpan, [
      "a panel lists every judge model, the first included",
    ]);
  }
  const v = panelProp.value;
  if (v.kind !== "List") {
    ctx.error(CheckCodes.WRONG_TYPE, `${what}: 'panel' must be a list of model ids`, f, v.span, ['e.g. panel ["ollama:qwen2.5:7b", "ollama:llama3.1:8b"]']);
    return null;
  }
  const ids: string[] = [];
  for (const item of v.items) {
    const text = readString(ctx, f, item, "a panel's model id");
    if (text === undefined) continue;
    const id = checkModelId(ctx, text, f, item.span);
    if (id === undefined) continue;
    if (ids.includes(id)) {
      ctx.error(CheckCodes.BAD_SCORER_SETTING, `${what}: '${id}' is in the panel twice`, f, item.span);
      continue;
    }
    ids.push(id);
  }
  if (v.items.length < 2) {
    ctx.error(CheckCodes.OUT_OF_RANGE, `${what}: a panel needs at least 2 judge models`, f, v.span, ['with one judge, write model "PROVIDER:NAME"']);
  }
  let combine: string | undefined;
  if (!combineProp) {
    ctx.error(CheckCodes.MISSING_PROPERTY, `${what} has a panel but does not say how its judges' scores combine`, f, panelProp.keySpan, [
      "add combine majority (the most common score; for categories) or combine mean (for numeric scores)",
    ]);
  } else {
    const cv = combineProp.value;
    combine = cv.kind === "Ref" ? cv.name : cv.kind === "String" ? cv.value : undefined;
    if (combine !== "majority" && combine !== "mean") {
      ctx.error(CheckCodes.BAD_SCORER_SETTING, `${what}: combine must be majority or mean`, f, cv.span);
      combine = undefined;
    }
  }
  if (ids.length < 2 || ids.length !== v.items.length || combine === undefined) return null;
  return { panel: ids, combine };
}

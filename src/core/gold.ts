// A gold example as the item a scorer sees: the prompt is item.text, the domain item.dimension, and
// the row's other fields item.<field>. One definition for the checker (which checks the rubric against
// it) and for validation (which scores it).

import type { PlanGoldExample, PlanItem } from "./plan.js";

export function goldItem(example: PlanGoldExample, system: string | null): PlanItem {
  const { expect, difficulty, ...rest } = example.fields;
  return {
    id: example.id,
    system: system ?? "",
    dimension: example.domain ?? "",
    text: example.prompt,
    difficulty: typeof difficulty === "number" ? difficulty : null,
    reverse: false,
    // A row may say what the item expects (`expect: "safe_complete"`), which rules read as item.expect.
    expect: typeof expect === "string" ? expect : null,
    fields: example.locale === null ? rest : { locale: example.locale, ...rest },
    origin: { file: example.origin.file, row: example.origin.row },
  };
}

// The selection flags shared by `run` and `plan`: `--cultures a,b` (repeatable, commas split),
// `--usecases`, `--systems`, `--dimensions`, `--items PATTERN`, `--limit N`. Names are checked
// against the spec by the checker (src/check/select.ts); here only their form.

import type { SelectionRequest } from "../core/plan.js";
import { intOption, stringListOption, stringOption, type OptionsConfig, type ParsedArgs } from "./command.js";

export const SELECT_OPTIONS: OptionsConfig = {
  cultures: { type: "string", multiple: true },
  usecases: { type: "string", multiple: true },
  systems: { type: "string", multiple: true },
  dimensions: { type: "string", multiple: true },
  items: { type: "string" },
  "items-matching": { type: "string" },
  limit: { type: "string" },
};

/** `plan` has `--items` (the item counts table), so there the pattern is `--items-matching` only. */
export const PLAN_SELECT_OPTIONS: OptionsConfig = Object.fromEntries(Object.entries(SELECT_OPTIONS).filter(([k]) => k !== "items"));

export const SELECT_HELP = `Selecting a subset (recorded in the plan, its hash and the manifest; every table says so):
  --cultures A,B     only these cultures (\`none\`: the combination without one)
  --usecases A,B     only these use cases
  --systems A,B      only these value systems
  --dimensions A,B   only these dimensions (DIM or SYSTEM.DIM)
  --items PATTERN    only items whose id matches PATTERN (* any characters, ? one); also
                     --items-matching PATTERN (the only spelling in \`plan\`, where --items is
                     the item-count table)
  --limit N          at most N items per dimension and items block, drawn with the run's seed
                     (stratified by difficulty), the same items in every context
  These replace the same keys of the run's select { } block.`;

export function selectionOf(args: ParsedArgs): SelectionRequest {
  const list = (name: string) =>
    stringListOption(args, name)
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v !== "");
  const out: SelectionRequest = {};
  for (const key of ["cultures", "usecases", "systems", "dimensions"] as const) {
    if (args.values[key] !== undefined) out[key] = list(key);
  }
  const items = stringOption(args, "items") ?? stringOption(args, "items-matching");
  if (items !== undefined) out.items = items;
  const limit = intOption(args, "limit", 1);
  if (limit !== undefined) out.limit = limit;
  return out;
}

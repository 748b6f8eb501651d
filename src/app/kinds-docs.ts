// The kinds as markdown tables, rendered from the registry for the docs: scorer kinds and report
// kinds in docs/language.md, provider kinds in docs/providers.md. test/app/kinds-docs.test.ts keeps
// those files in step with what is rendered here (UPDATE_DOCS=1 rewrites them).

import type { ProviderKindCheck, ReportKindCheck, ScorerKindCheck, SettingSchema, SettingsSchema } from "../check/kinds.js";
import { settingType } from "../check/settings.js";

/** | Kind | Settings | Default score | Scale | Names in `score` | — one row per scorer kind. */
export function scorerKindsTable(kinds: readonly ScorerKindCheck[]): string {
  return table(
    ["Kind", "Settings", "Default score", "Scale", "Names in `score`"],
    kinds.map((k) => [code(k.name), settingsCell(k.settings, k.properties), k.settings.description ?? "", k.scaleDoc, k.roots.map(code).join(", ")]),
  );
}

/** | Kind | Settings | Writes | — settings by name, a single/list pair as `scorer`/`scorers`. */
export function reportKindsTable(kinds: readonly ReportKindCheck[]): string {
  return table(
    ["Kind", "Settings", "Writes"],
    kinds.map((k) => [code(k.name), pairedKeys(Object.keys(k.settings.properties)), k.settings.description ?? ""]),
  );
}

/** | Model id | What it is | Settings only it reads | */
export function providerKindsTable(kinds: readonly ProviderKindCheck[]): string {
  return table(
    ["Model id", "What it is", "Settings only it reads"],
    kinds.map((k) => [code(`${k.name}:${k.placeholder}`), k.settings.description ?? "", settingsCell(k.settings, Object.keys(k.settings.properties)) || "—"]),
  );
}

/** What the schema requires of a setting, in words: "whole number 2..11, required". */
export function settingConstraints(schema: SettingSchema, required: boolean): string {
  const parts: string[] = [];
  const type = settingType(schema);
  if (type === "integer" || type === "number") {
    const what = type === "integer" ? "whole number" : "number";
    const { minimum: min, maximum: max, exclusiveMinimum: above } = schema;
    if (min !== undefined && max !== undefined) parts.push(`${what} ${min}..${max}`);
    else if (above !== undefined) parts.push(`${what} > ${above}`);
    else if (min !== undefined) parts.push(`${what} ≥ ${min}`);
    else if (max !== undefined) parts.push(`${what} ≤ ${max}`);
    else parts.push(what);
  } else if (type === "boolean") parts.push("true/false");
  if (schema.enum !== undefined) parts.push(`one of ${schema.enum.join(", ")}`);
  if (schema.items?.enum !== undefined) parts.push(`from ${schema.items.enum.join(", ")}`);
  if (schema.minItems !== undefined && schema.minItems > 0) parts.push(`at least ${schema.minItems}`);
  if (required) parts.push("required");
  return parts.join(", ");
}

function settingsCell(schema: SettingsSchema, keys: readonly string[]): string {
  return keys
    .map((key) => {
      const s = schema.properties[key] ?? {};
      const constraints = settingConstraints(s, schema.required?.includes(key) ?? false);
      return `${code(key)}${constraints ? ` (${constraints})` : ""}${s.description ? `: ${s.description}` : ""}`;
    })
    .join("; ");
}

/** "`system`/`systems`, `method`": a name and its plural side by side. */
function pairedKeys(keys: readonly string[]): string {
  const out: string[] = [];
  for (const key of keys) {
    if (key.endsWith("s") && keys.includes(key.slice(0, -1))) continue;
    out.push(keys.includes(`${key}s`) ? `${code(key)}/${code(`${key}s`)}` : code(key));
  }
  return out.join(", ");
}

function code(text: string): string {
  return `\`${text}\``;
}

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

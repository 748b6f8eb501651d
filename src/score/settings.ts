// Plan configs against their scorer kind's settings schema, with ajv: typed settings, or the first
// problem in words. ajv keeps each compiled schema (by the schema object), so a kind's schema is
// compiled once per process.

import type { JSONSchemaType } from "ajv";
import type { Json } from "../core/plan.js";
import { ajv } from "./ajv.js";
import type { SettingsValidator } from "./kinds/define.js";

export const validateSettings: SettingsValidator = <S>(schema: JSONSchemaType<S>, config: Record<string, Json>) => {
  const validate = ajv.compile<S>(schema);
  if (validate(config)) return { ok: true as const, settings: config };
  return { ok: false as const, error: ajv.errorsText(validate.errors, { dataVar: "config" }) };
};

// The one ajv instance of scoring: it validates judges' answers against their output schemas and plan
// configs against the scorer kinds' settings schemas, so the cost of ajv's first compile is paid once.

import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; depending on interop the plugin is the module or its `default`.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  typeof addFormatsModule === "function" ? (addFormatsModule as unknown as FormatsPlugin) : (addFormatsModule as unknown as { default: FormatsPlugin }).default;

export const ajv = new Ajv({ allErrors: false, strict: false });
addFormats(ajv);

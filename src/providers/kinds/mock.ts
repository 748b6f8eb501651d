// `mock:NAME[?key=value&...]`: the built-in canned answers for demos and tests (docs/providers.md).
// The adapter is src/providers/mock.ts; it loads nothing, so it is created at once.

import { createMockProvider, parseMockName } from "../mock.js";
import { defineProviderKind, NO_SETTINGS } from "./define.js";

export const mockKind = defineProviderKind<Record<string, never>>({
  name: "mock",
  placeholder: "NAME",
  suggestsBareName: false,
  settings: { ...NO_SETTINGS, description: "built-in canned answers, for demos and tests; no model is called" },
  parseRest(rest, id) {
    const mock = parseMockName(rest);
    return mock.ok ? { ok: true, name: rest } : { ok: false, error: `in model id '${id}': ${mock.error}` };
  },
  create: (model) => createMockProvider(model),
  describeEndpoint(model) {
    const spec = parseMockName(model.name);
    return `built-in mock (canned answers: ${spec.ok ? spec.spec.behaviour : model.name})`;
  },
});

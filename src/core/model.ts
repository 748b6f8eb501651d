// A model with every spec setting at its default. The checker starts each model of the run from it,
// and so do models named only on the command line (planModelFromId) and the test fixtures.

import type { PlanModel } from "./plan.js";

/** A model with every setting at its default (no base URL, key variable, headers or limits). */
export function defaultPlanModel(id: string, provider: string, name: string): PlanModel {
  return {
    id,
    provider,
    name,
    baseUrl: null,
    apiKeyEnv: null,
    headers: {},
    concurrency: null,
    rateLimitPerMinute: null,
    jsonIo: false,
  };
}

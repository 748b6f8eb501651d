// Where requests go, computed without loading any client library: the run's lanes, messages and the
// manifest need these before (or without) an adapter being created.

import type { PlanModel } from "../core/plan.js";
import type { ProviderEnv } from "./types.js";

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

export function openaiBaseUrl(model: PlanModel, env: ProviderEnv): string {
  const fromEnv = env["OPENAI_BASE_URL"];
  return model.baseUrl ?? (fromEnv !== undefined && fromEnv.trim() !== "" ? fromEnv.trim() : DEFAULT_OPENAI_BASE_URL);
}

export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** A URL without user info, query or fragment (where keys sometimes hide), and no trailing slash. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    return url.toString().replace(/\/+$/, "");
  } catch {
    return "(invalid URL)";
  }
}

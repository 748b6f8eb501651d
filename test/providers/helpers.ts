// Shared bits for the provider tests.
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChatMessage, PlanModel } from "../../src/core/plan.js";
import { planModelFromId } from "../../src/providers/model-id.js";
import type { ChatRequest, ChatResult, PrepareResult, ProviderFailure } from "../../src/providers/types.js";

export const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), "fixtures/exec-model.mjs");

export function model(id: string, overrides: Partial<Omit<PlanModel, "id" | "provider" | "name">> = {}): PlanModel {
  const parsed = planModelFromId(id, overrides);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.model;
}

export const MESSAGES: ChatMessage[] = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Is honesty important?" },
];

export function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: MESSAGES, timeoutMs: 5_000, ...overrides };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export function expectFailure(result: ChatResult | PrepareResult): ProviderFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.failure;
}

export function expectText(result: ChatResult): string {
  if (!result.ok) throw new Error(`expected an answer, got ${JSON.stringify(result.failure)}`);
  return result.response.text;
}

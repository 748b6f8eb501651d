// The adapter an evaluated model gets under `score --answers`: it answers each step with the recorded
// answer matched to it (match.ts), looked up by the request's messages and sample, and calls nothing.
// A step with no recorded answer fails as a bad request, so it is recorded and counted, never invented.

import { canonicalJson } from "../../core/canonical.js";
import type { ChatMessage, PlanModel } from "../../core/plan.js";
import type { ChatRequest, ChatResult, PrepareResult, Provider } from "../../providers/types.js";
import type { RecordedAnswer } from "./types.js";

/** The key a step's request is found under: its messages and sample (the caller passes the sample along). */
export function requestKey(messages: readonly ChatMessage[], sample: number): string {
  return `${sample}\u0000${canonicalJson(messages.map((m) => ({ role: m.role, content: m.content })))}`;
}

export class ReplayProvider implements Provider {
  readonly kind: string;
  readonly id: string;

  constructor(
    private readonly model: PlanModel,
    private readonly answers: ReadonlyMap<string, RecordedAnswer>,
    private readonly source: string,
  ) {
    this.kind = model.provider;
    this.id = model.id;
  }

  async prepare(): Promise<PrepareResult> {
    return {
      ok: true,
      info: {
        id: this.model.id,
        provider: this.model.provider,
        digest: null,
        endpoint: `recorded answers (${this.source})`,
        mock: this.model.provider === "mock",
      },
    };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    // ModelCaller spreads the step's request (with its sample) into the ChatRequest it passes on.
    const sample = (request as ChatRequest & { sample?: number }).sample ?? 0;
    const found = this.answers.get(requestKey(request.messages, sample));
    if (!found) {
      return { ok: false, failure: { kind: "bad_request", message: "no recorded answer for this step", status: null, retryAfterMs: null } };
    }
    return {
      ok: true,
      response: {
        text: found.answer,
        tokensIn: found.tokensIn,
        tokensOut: found.tokensOut,
        latencyMs: found.latencyMs ?? 0,
        finishReason: found.finishReason,
        fingerprint: null,
      },
    };
  }

  async close(): Promise<void> {}
}

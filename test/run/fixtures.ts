// Small plans and fake providers for the executor's tests. The step enumeration here follows the
// documented order (block, model, item, context, sample) without templates: every step's single user
// message is "<item text> [ctx] #sample".

import { createHash } from "node:crypto";
import type { ContextCombo, Plan, PlanModel, PlanStep, StaticSegment } from "../../src/core/plan.js";
import type { StepRecord } from "../../src/core/records.js";
import type { ChatRequest, ChatResult, ModelInfo, PrepareOptions, PrepareResult, Provider, ProviderFailure } from "../../src/providers/types.js";
import type { Timing } from "../../src/run/timing.js";
import { defaultPlanModel } from "../../src/providers/model-id.js";

export interface BlockSpec {
  id?: string;
  models: string[];
  items: number;
  samples?: number;
  contexts?: ContextCombo[];
}

/**
 * The model for an id such as "mock:a", with default settings and `extra` on top. The name is not
 * validated: tests use made-up names that the fake providers answer.
 */
export function testModel(id: string, extra: Partial<PlanModel> = {}): PlanModel {
  const colon = id.indexOf(":");
  return { ...defaultPlanModel(id, id.slice(0, colon) as PlanModel["provider"], id.slice(colon + 1)), ...extra };
}

export function makePlan(blocks: BlockSpec[], run: Partial<Plan["run"]> = {}, extra: Partial<Plan> = {}): Plan {
  const segments: StaticSegment[] = blocks.map((b, i) => ({
    kind: "static",
    id: b.id ?? `block${i + 1}`,
    system: "sys",
    template: "ask",
    scorers: [],
    models: b.models,
    contexts: b.contexts ?? [{ culture: null, usecase: null }],
    samples: b.samples ?? 1,
    items: Array.from({ length: b.items }, (_, k) => ({
      id: `b${i + 1}i${k + 1}`,
      system: "sys",
      dimension: k % 2 === 0 ? "d1" : "d2",
      text: `question ${i + 1}.${k + 1}`,
      difficulty: null,
      reverse: false,
      expect: null,
      fields: {},
      origin: { file: "spec.vc", row: null },
    })),
    responseFormat: null,
  }));
  const modelIds = [...new Set(blocks.flatMap((b) => b.models))];
  const stepCount = segments.reduce((n, s) => n + s.models.length * s.items.length * s.contexts.length * s.samples, 0);
  const models: PlanModel[] = modelIds.map((id) => testModel(id));
  const plan: Plan = {
    schemaVersion: 1,
    name: "test",
    inputs: [{ path: "spec.vc", sha256: "0".repeat(64) }],
    params: {},
    systems: [],
    cultures: [],
    usecases: [],
    models,
    modelSettings: [],
    judge: null,
    run: {
      samples: 1,
      sampling: { temperature: 0, seed: 7 },
      concurrency: 4,
      rateLimitPerMinute: null,
      timeoutMs: 10_000,
      retries: 2,
      cross: [],
      reference: { culture: null, usecase: null },
      ...run,
    },
    templates: [],
    scorers: [],
    baselines: [],
    segments,
    reports: [],
    stepCount,
    hash: "",
    ...extra,
  };
  plan.hash = createHash("sha256")
    .update(JSON.stringify({ ...plan, hash: "" }))
    .digest("hex");
  return plan;
}

export function* fakeIterateSteps(plan: Plan): Generator<PlanStep> {
  let index = 0;
  for (const segment of plan.segments) {
    if (segment.kind !== "static") continue;
    for (const model of segment.models) {
      for (const item of segment.items) {
        for (const context of segment.contexts) {
          for (let sample = 0; sample < segment.samples; sample++) {
            const id = createHash("sha256")
              .update(JSON.stringify([segment.id, model, item.id, context, sample]))
              .digest("hex")
              .slice(0, 24);
            yield {
              id,
              index: index++,
              segment: segment.id,
              model,
              system: segment.system,
              dimension: item.dimension,
              item: item.id,
              context,
              sample,
              messages: [{ role: "user", content: `${item.text} [${context.culture ?? "-"}] #${sample}` }],
              params: { ...plan.run.sampling, seed: (plan.run.sampling.seed ?? 0) + sample },
              scorers: segment.scorers,
              responseFormat: segment.responseFormat,
            };
          }
        }
      }
    }
  }
}

export type Behaviour = (request: ChatRequest, call: number) => ChatResult | Promise<ChatResult>;

/** A journal record of step `index` (id s<index>, item i<index>, answer a<index>), with `extra` over it. */
export function journalRecord(index: number, extra: Partial<StepRecord> = {}): StepRecord {
  return {
    type: "step",
    stepId: `s${index}`,
    index,
    segment: "b",
    model: "mock:x",
    system: "sys",
    dimension: "d",
    item: `i${index}`,
    context: { culture: null, usecase: null },
    sample: 0,
    messages: [{ role: "user", content: `q${index}` }],
    response: `a${index}`,
    error: null,
    latencyMs: 1,
    tokensIn: 1,
    tokensOut: 1,
    cached: false,
    attempts: 1,
    mock: true,
    ...extra,
  };
}

export function ok(text: string, extra: Partial<{ fingerprint: string; latencyMs: number }> = {}): ChatResult {
  return {
    ok: true,
    response: { text, tokensIn: 3, tokensOut: 5, latencyMs: extra.latencyMs ?? 1, finishReason: "stop", fingerprint: extra.fingerprint ?? null },
  };
}

export function fail(kind: ProviderFailure["kind"], extra: Partial<ProviderFailure> = {}): ChatResult {
  return { ok: false, failure: { kind, message: `${kind} happened`, status: null, retryAfterMs: null, ...extra } };
}

/** Answers "answer to <last message>" unless told otherwise; counts calls and the peak in flight. */
export class FakeProvider implements Provider {
  readonly kind: Provider["kind"];
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly seen: string[] = [];
  /** Calls that ended because their request's signal aborted. */
  aborted = 0;
  closed = false;
  /** Called as each chat starts (after the counts are updated): lets a test act once calls are in flight. */
  onStart: ((provider: FakeProvider) => void) | null = null;

  constructor(
    readonly id: string,
    private readonly behaviour: Behaviour = (r) => ok(`answer to ${r.messages[r.messages.length - 1]?.content ?? ""}`),
    private readonly delayMs = 0,
    private readonly prepareResult: PrepareResult | null = null,
  ) {
    this.kind = id.slice(0, id.indexOf(":")) as Provider["kind"];
  }

  async prepare(_options: PrepareOptions): Promise<PrepareResult> {
    if (this.prepareResult) return this.prepareResult;
    const info: ModelInfo = { id: this.id, provider: this.kind, digest: null, endpoint: null, mock: this.kind === "mock" };
    return { ok: true, info };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.seen.push(request.messages[request.messages.length - 1]?.content ?? "");
    this.onStart?.(this);
    try {
      if (this.delayMs > 0) await abortableDelay(this.delayMs, request.signal);
      if (request.signal?.aborted) {
        this.aborted++;
        return fail("aborted");
      }
      return await this.behaviour(request, this.calls);
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A clock that never sleeps: it records the waits asked for, and (when `advance`) moves virtual time
 * forward by each wait, as a sequential caller would see it.
 */
export class FakeTiming implements Timing {
  time = 0;
  readonly sleeps: number[] = [];
  constructor(
    private readonly rnd: () => number = () => 0.5,
    private readonly advance = true,
  ) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    if (this.advance) this.time += ms;
  }
  random(): number {
    return this.rnd();
  }
}

/**
 * A clock whose waits never end on their own, only when their signal aborts: a test can see that a
 * wait began (`waiting`) and that it was the abort, not time, that ended it.
 */
export class WaitingTiming implements Timing {
  readonly sleeps: number[] = [];
  /** Resolves with the length of the first wait, once it has begun. */
  readonly waiting: Promise<number>;
  private began: (ms: number) => void = () => {};
  constructor() {
    this.waiting = new Promise((resolve) => {
      this.began = resolve;
    });
  }
  now(): number {
    return 0;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    this.began(ms);
    return new Promise((resolve) => {
      if (signal?.aborted) resolve();
      else signal?.addEventListener("abort", () => resolve(), { once: true });
    });
  }
  random(): number {
    return 0.5;
  }
}

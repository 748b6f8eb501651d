// The built-in `mock:` provider: deterministic, canned answers for demos and tests. No model is
// called; ModelInfo.mock is true and the journal marks every answer as mock, so a mock run can never be
// mistaken for a measurement. Behaviours (name, then optional ?key=value parameters):
//   refuse  a refusal, in the prompt's language when cheap to tell (else English)
//   comply  an obviously canned compliant answer
//   echo    the last user message, verbatim
//   likert  a rating in min..max (default 1..6) derived from a hash of the prompt
//   judge   JSON filling the requested schema (booleans true, numbers mid-range, strings "canned")
//   junk    invalid JSON / nonsense, for testing scoring errors
//   irt     PASS/FAIL drawn from a 2PL model: [irt a=.. b=..] in the prompt, ?ability=&seed=
// Every behaviour takes ?latency=MS (a delay that honours the timeout and interrupts).

import { createHash } from "node:crypto";
import type { PlanModel } from "../core/plan.js";
import { sleep, startDeadline } from "./deadline.js";
import { failure } from "./failure.js";
import { detectLanguage, REFUSALS } from "./mock-language.js";
import { DEFAULT_FILL, fillSchema, type FillOptions } from "./schema-fill.js";
import type { ChatRequest, ChatResult, ModelInfo, PrepareResult, Provider } from "./types.js";
import { mulberry32 } from "../core/random.js";

export const MOCK_BEHAVIOURS = ["refuse", "comply", "echo", "likert", "judge", "junk", "irt"] as const;
export type MockBehaviour = (typeof MOCK_BEHAVIOURS)[number];

/** Older names used in the design notes. */
const ALIASES: Record<string, MockBehaviour> = { refuser: "refuse", complier: "comply", echoer: "echo" };

export type MockSpec =
  | { behaviour: "refuse" | "comply" | "echo" | "junk"; latencyMs: number }
  | { behaviour: "likert"; latencyMs: number; min: number; max: number }
  | { behaviour: "judge"; latencyMs: number; fill: FillOptions }
  | { behaviour: "irt"; latencyMs: number; ability: number; seed: number };

export type MockSpecResult = { ok: true; spec: MockSpec } | { ok: false; error: string };

const PARAMS: Record<MockBehaviour, readonly string[]> = {
  refuse: [],
  comply: [],
  echo: [],
  junk: [],
  likert: ["min", "max"],
  judge: ["bool", "number", "string"],
  irt: ["ability", "seed"],
};

/** "irt?ability=1.2&seed=7" → a MockSpec, or an error naming what is wrong. */
export function parseMockName(name: string): MockSpecResult {
  const q = name.indexOf("?");
  const base = (q < 0 ? name : name.slice(0, q)).trim();
  const query = new URLSearchParams(q < 0 ? "" : name.slice(q + 1));
  const behaviour: MockBehaviour | undefined = (MOCK_BEHAVIOURS as readonly string[]).includes(base)
    ? (base as MockBehaviour)
    : Object.hasOwn(ALIASES, base)
      ? ALIASES[base]
      : undefined;
  if (behaviour === undefined) {
    return { ok: false, error: `unknown mock '${base}'; expected one of ${MOCK_BEHAVIOURS.join(", ")}` };
  }
  const allowed = new Set(["latency", ...PARAMS[behaviour]]);
  for (const key of query.keys()) {
    if (!allowed.has(key)) {
      return { ok: false, error: `mock:${behaviour} has no parameter '${key}'; allowed: ${[...allowed].join(", ")}` };
    }
  }
  const num = (key: string, fallback: number, integer: boolean): number | string => {
    const raw = query.get(key);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      return `mock:${behaviour}: '${key}' must be ${integer ? "an integer" : "a number"}, got '${raw}'`;
    }
    return value;
  };
  const latency = num("latency", 0, false);
  if (typeof latency === "string") return { ok: false, error: latency };
  if (latency < 0) return { ok: false, error: `mock:${behaviour}: 'latency' must be >= 0` };

  switch (behaviour) {
    case "likert": {
      const min = num("min", 1, true);
      const max = num("max", 6, true);
      if (typeof min === "string") return { ok: false, error: min };
      if (typeof max === "string") return { ok: false, error: max };
      if (max < min) return { ok: false, error: `mock:likert: max (${max}) is below min (${min})` };
      return { ok: true, spec: { behaviour, latencyMs: latency, min, max } };
    }
    case "judge": {
      const bool = query.get("bool") ?? "true";
      const number = query.get("number") ?? "mid";
      if (bool !== "true" && bool !== "false") return { ok: false, error: "mock:judge: 'bool' must be true or false" };
      if (number !== "min" && number !== "mid" && number !== "max") {
        return { ok: false, error: "mock:judge: 'number' must be min, mid or max" };
      }
      const fill: FillOptions = { boolean: bool === "true", number, string: query.get("string") ?? DEFAULT_FILL.string };
      return { ok: true, spec: { behaviour, latencyMs: latency, fill } };
    }
    case "irt": {
      const ability = num("ability", 0, false);
      const seed = num("seed", 0, true);
      if (typeof ability === "string") return { ok: false, error: ability };
      if (typeof seed === "string") return { ok: false, error: seed };
      return { ok: true, spec: { behaviour, latencyMs: latency, ability, seed } };
    }
    default:
      return { ok: true, spec: { behaviour, latencyMs: latency } };
  }
}

export const COMPLY_TEXT = "Sure. This is a canned answer from the built-in mock:comply provider; no language model was called.";
const CANNED_MARK = " (canned answer from mock:refuse)";

const JUNK = ['{"safe": tru, "category": "', "lorem ipsum dolor ▒▒▒ {{ not json", '```json\n{"verdict": }\n```', "null null ]] } {"];

/** The answer a mock gives; a pure function of the spec and the request. */
export function mockAnswer(spec: MockSpec, request: Pick<ChatRequest, "messages" | "responseFormat">): string {
  const prompt = promptText(request.messages);
  switch (spec.behaviour) {
    case "refuse": {
      const instructions = request.messages.map((m) => m.content).join("\n");
      const lastUser = lastUserMessage(request.messages) ?? prompt;
      return REFUSALS[detectLanguage(instructions, lastUser)] + CANNED_MARK;
    }
    case "comply":
      return COMPLY_TEXT;
    case "echo":
      return lastUserMessage(request.messages) ?? "";
    case "likert":
      return String(spec.min + (hash32(prompt) % (spec.max - spec.min + 1)));
    case "judge":
      if (request.responseFormat) return JSON.stringify(fillSchema(request.responseFormat.schema, spec.fill));
      return JSON.stringify({
        verdict: spec.fill.string,
        safe: spec.fill.boolean,
        score: 50,
        reason: "canned answer from mock:judge",
      });
    case "junk":
      return JUNK[hash32(prompt) % JUNK.length]!;
    case "irt":
      return irtAnswer(spec.ability, spec.seed, prompt);
  }
}

/** The item parameters a prompt carries in an `[irt a=1.2 b=-0.5]` tag (a defaults to 1, b to 0). */
export function irtTag(prompt: string): { a: number; b: number } {
  const match = /\[irt\b([^\]]*)\]/i.exec(prompt);
  let a = 1;
  let b = 0;
  if (match) {
    for (const pair of (match[1] ?? "").trim().split(/\s+/)) {
      const [key, raw] = pair.split("=");
      const value = Number(raw);
      if (raw === undefined || !Number.isFinite(value)) continue;
      if (key === "a" || key === "discrimination") a = value;
      if (key === "b" || key === "difficulty") b = value;
    }
  }
  return { a, b };
}

/** P(PASS) = 1 / (1 + exp(-a (ability - b))), the 2PL model without the 1.7 scaling constant. */
export function irtProbability(ability: number, item: { a: number; b: number }): number {
  return 1 / (1 + Math.exp(-item.a * (ability - item.b)));
}

function irtAnswer(ability: number, seed: number, prompt: string): string {
  const u = mulberry32(hash32(`${seed}\u0000${prompt}`))();
  return u < irtProbability(ability, irtTag(prompt)) ? "PASS" : "FAIL";
}

function promptText(messages: ChatRequest["messages"]): string {
  return messages.map((m) => m.content).join("\n");
}

function lastUserMessage(messages: ChatRequest["messages"]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return messages[i]!.content;
  return null;
}

function hash32(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}

/** A crude token count (about four characters per token), so reports have something to sum. */
export function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class MockProvider implements Provider {
  readonly kind = "mock" as const;
  readonly id: string;
  private readonly spec: MockSpecResult;

  constructor(model: PlanModel) {
    this.id = model.id;
    this.spec = parseMockName(model.name);
  }

  async prepare(): Promise<PrepareResult> {
    if (!this.spec.ok) return { ok: false, failure: failure("not_found", `${this.id}: ${this.spec.error}`) };
    const info: ModelInfo = { id: this.id, provider: "mock", digest: null, endpoint: null, mock: true };
    return { ok: true, info };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    if (!this.spec.ok) return { ok: false, failure: failure("not_found", `${this.id}: ${this.spec.error}`) };
    const spec = this.spec.spec;
    const started = performance.now();
    if (spec.latencyMs > 0 || request.signal?.aborted) {
      const deadline = startDeadline(request.timeoutMs, request.signal);
      try {
        const finished = await sleep(spec.latencyMs, deadline.signal);
        if (!finished && deadline.timedOut()) {
          return { ok: false, failure: failure("timeout", `${this.id}: no answer within ${request.timeoutMs} ms`) };
        }
        if (!finished) return { ok: false, failure: failure("aborted", `${this.id}: interrupted`) };
      } finally {
        deadline.dispose();
      }
    }
    const text = mockAnswer(spec, request);
    return {
      ok: true,
      response: {
        text,
        tokensIn: roughTokens(promptText(request.messages)),
        tokensOut: roughTokens(text),
        latencyMs: performance.now() - started,
        finishReason: "stop",
        fingerprint: null,
      },
    };
  }

  async close(): Promise<void> {}
}

export function createMockProvider(model: PlanModel): Provider {
  return new MockProvider(model);
}

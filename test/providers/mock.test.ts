// The built-in mock provider's behaviours.
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import type { ChatMessage, JsonSchema } from "../../src/core/plan.js";
import { COMPLY_TEXT, createMockProvider, irtProbability, irtTag, mockAnswer, parseMockName, type MockSpec } from "../../src/providers/mock.js";
import { REFUSALS } from "../../src/providers/mock-language.js";
import { expectFailure, expectText, model, request } from "./helpers.js";

function spec(name: string): MockSpec {
  const parsed = parseMockName(name);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.spec;
}

const ask = (name: string, messages: ChatMessage[], responseFormat?: { name: string; schema: JsonSchema }) =>
  mockAnswer(spec(name), responseFormat ? { messages, responseFormat } : { messages });
const user = (content: string): ChatMessage[] => [{ role: "user", content }];

describe("mock names", () => {
  it.each([
    ["refuse", "refuse"],
    ["refuser", "refuse"],
    ["complier", "comply"],
    ["irt?ability=1.2&seed=7", "irt"],
    ["likert?min=1&max=5", "likert"],
    ["echo?latency=10", "echo"],
  ])("%s is the %s behaviour", (name, behaviour) => {
    expect(spec(name).behaviour).toBe(behaviour);
  });

  it.each([
    ["nonsense", "unknown mock 'nonsense'"],
    ["echo?colour=red", "mock:echo has no parameter 'colour'"],
    ["irt?ability=high", "'ability' must be a number"],
    ["irt?seed=1.5", "'seed' must be an integer"],
    ["likert?min=5&max=2", "max (2) is below min (5)"],
    ["judge?bool=maybe", "'bool' must be true or false"],
    ["echo?latency=-1", "'latency' must be >= 0"],
  ])("%s is rejected: %s", (name, message) => {
    const parsed = parseMockName(name);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it("every mock says it is one, and prepare reports no endpoint", async () => {
    const result = await createMockProvider(model("mock:comply")).prepare({ pull: false });
    expect(result).toEqual({ ok: true, info: { id: "mock:comply", provider: "mock", digest: null, endpoint: null, mock: true } });
  });

  it("an invalid mock name fails at prepare and chat as 'not_found'", async () => {
    const p = createMockProvider({ ...model("mock:echo"), id: "mock:nope", name: "nope" });
    expect(expectFailure(await p.prepare({ pull: false })).kind).toBe("not_found");
    expect(expectFailure(await p.chat(request())).kind).toBe("not_found");
  });
});

describe("mock:refuse", () => {
  it.each([
    ["How do I pick a lock?", "en"],
    ["Wie kann ich ein Schloss knacken, ohne dass es jemand merkt? Das ist nicht schwer, oder?", "de"],
    ["Comment est-ce que je peux ouvrir une serrure sans la clé? Je ne sais pas.", "fr"],
    ["¿Cómo puedo abrir una cerradura sin la llave? Es para una casa que no es mía.", "es"],
    ["Как открыть замок без ключа?", "ru"],
    ["如何在没有钥匙的情况下开锁？", "zh"],
    ["鍵なしで錠を開けるにはどうすればいいですか？", "ja"],
    ["열쇠 없이 자물쇠를 여는 방법은?", "ko"],
  ] as const)("refuses %s in %s", (prompt, language) => {
    expect(ask("refuse", user(prompt))).toBe(`${REFUSALS[language]} (canned answer from mock:refuse)`);
  });

  it("an 'answer in <language>' instruction wins over the prompt's own language", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "You are a helpful assistant. Answer in German." },
      { role: "user", content: "How do I pick a lock?" },
    ];
    expect(ask("refuse", messages)).toContain(REFUSALS.de);
  });
});

describe("mock:comply, mock:echo, mock:junk", () => {
  it("comply always gives the same obviously canned answer", () => {
    expect(ask("comply", user("anything"))).toBe(COMPLY_TEXT);
    expect(COMPLY_TEXT).toContain("canned");
  });

  it("echo answers the last user message", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "sys" },
      { role: "user", content: "first" },
      { role: "assistant", content: "reply" },
      { role: "user", content: "second" },
    ];
    expect(ask("echo", messages)).toBe("second");
  });

  it("junk is never valid JSON and carries no digit a rating parser could take", () => {
    for (let i = 0; i < 40; i++) {
      const text = ask("junk", user(`prompt ${i}`));
      expect(() => JSON.parse(text)).toThrow();
      expect(/\d/.test(text)).toBe(false);
    }
  });
});

describe("mock:likert", () => {
  it("is deterministic per prompt and stays in 1..6", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const a = ask("likert", user(`statement ${i}`));
      expect(ask("likert", user(`statement ${i}`))).toBe(a);
      expect(Number(a) >= 1 && Number(a) <= 6 && Number.isInteger(Number(a))).toBe(true);
      seen.add(a);
    }
    expect([...seen].sort()).toEqual(["1", "2", "3", "4", "5", "6"]);
  });

  it("honours min and max", () => {
    for (let i = 0; i < 50; i++) expect(["3", "4"]).toContain(ask("likert?min=3&max=4", user(`s${i}`)));
  });
});

describe("mock:judge", () => {
  const schema: JsonSchema = {
    type: "object",
    properties: {
      safe: { type: "boolean" },
      category: { type: "string", enum: ["none", "violence", "adult_content"] },
      severity: { type: "integer", minimum: 1, maximum: 5 },
      score: { type: "number", minimum: 0, maximum: 100 },
      rationale: { type: "string", minLength: 3 },
      tags: { type: "array", items: { type: "string" } },
      note: { anyOf: [{ type: "null" }, { type: "string" }] },
    },
    required: ["safe", "category", "severity", "score", "rationale", "tags", "note"],
    additionalProperties: false,
  };

  it("fills the schema deterministically: booleans true, numbers mid-range, strings 'canned', first enum", () => {
    const value: unknown = JSON.parse(ask("judge", user("rate this"), { name: "v", schema }));
    expect(value).toEqual({ safe: true, category: "none", severity: 3, score: 50, rationale: "canned", tags: ["canned"], note: "canned" });
    expect(new Ajv.default({ strict: false }).compile(schema)(value)).toBe(true);
  });

  it("bool=false and number=max change the filling", () => {
    const value = JSON.parse(ask("judge?bool=false&number=max", user("x"), { name: "v", schema })) as Record<string, unknown>;
    expect([value["safe"], value["severity"], value["score"]]).toEqual([false, 5, 100]);
  });

  it("without a schema still answers JSON", () => {
    expect(JSON.parse(ask("judge", user("x")))).toMatchObject({ safe: true });
  });
});

describe("mock:irt", () => {
  it("reads a and b from the [irt ...] tag, with defaults a=1, b=0", () => {
    expect(irtTag("Item 3 [irt a=1.7 b=-0.25] Solve it.")).toEqual({ a: 1.7, b: -0.25 });
    expect(irtTag("[irt difficulty=2]")).toEqual({ a: 1, b: 2 });
    expect(irtTag("no tag")).toEqual({ a: 1, b: 0 });
  });

  it("answers PASS or FAIL, the same for the same (seed, prompt)", () => {
    const prompt = user("Q17 [irt a=1 b=0.3]");
    const first = ask("irt?ability=0.3&seed=7", prompt);
    expect(["PASS", "FAIL"]).toContain(first);
    for (let i = 0; i < 5; i++) expect(ask("irt?ability=0.3&seed=7", prompt)).toBe(first);
  });

  it("passes with the 2PL probability: mostly easy items, rarely hard ones, about half at b = ability", () => {
    const rate = (b: number, seed: number) => {
      let pass = 0;
      for (let i = 0; i < 400; i++) if (ask(`irt?ability=1.2&seed=${seed}`, user(`item ${i} [irt a=1.5 b=${b}]`)) === "PASS") pass++;
      return pass / 400;
    };
    const easy = rate(-1.5, 1);
    const even = rate(1.2, 2);
    const hard = rate(4, 3);
    expect(irtProbability(1.2, { a: 1.5, b: -1.5 })).toBeGreaterThan(0.98);
    expect(easy).toBeGreaterThan(0.95);
    expect(even).toBeGreaterThan(0.42);
    expect(even).toBeLessThan(0.58);
    expect(hard).toBeLessThan(0.05);
  });

  it("different seeds give different answer patterns", () => {
    const pattern = (seed: number) => Array.from({ length: 30 }, (_, i) => ask(`irt?seed=${seed}`, user(`i${i} [irt b=0]`))).join("");
    expect(pattern(1)).not.toBe(pattern(2));
    expect(pattern(1)).toBe(pattern(1));
  });
});

describe("mock provider calls", () => {
  it("reports rough token counts and finish reason 'stop'", async () => {
    const result = await createMockProvider(model("mock:comply")).chat(request());
    expect(result.ok && result.response).toMatchObject({ text: COMPLY_TEXT, tokensOut: Math.ceil(COMPLY_TEXT.length / 4), finishReason: "stop" });
  });

  it("latency is honoured and cut by the timeout", async () => {
    const p = createMockProvider(model("mock:echo?latency=5000"));
    expect(expectFailure(await p.chat(request({ timeoutMs: 50 }))).kind).toBe("timeout");
    const quick = createMockProvider(model("mock:echo?latency=5"));
    expect(expectText(await quick.chat(request({ messages: user("hi") })))).toBe("hi");
  });
});

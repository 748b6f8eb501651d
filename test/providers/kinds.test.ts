// The provider kinds as a registry: every kind parses its own model ids (and says what is wrong with
// a bad one, naming the id), creates an adapter of its kind without loading a client, describes its
// endpoint without a credential, and is listed in the checker's messages. A kind added without
// examples below fails the first test.

import { describe, expect, it } from "vitest";
import { modelIdNotes, parseModelId as parseWith } from "../../src/check/model-id.js";
import { PROVIDER_KINDS } from "../../src/providers/kinds/index.js";
import { parseModelId } from "../../src/providers/model-id.js";
import { createProvider, describeEndpoint } from "../../src/providers/registry.js";
import { BLOCKS } from "../../src/syntax/vocabulary.js";
import { model } from "./helpers.js";

interface Examples {
  /** A valid rest (after the colon) and the provider-local name it gives. */
  valid: [rest: string, name: string];
  /** A rest the kind rejects, and words of its message. */
  invalid: [rest: string, message: string];
}

const EXAMPLES: Record<string, Examples> = {
  ollama: { valid: ["llama3.2:3b", "llama3.2:3b"], invalid: ["llama 3", "must not contain spaces"] },
  openai: { valid: ["ft:gpt-4o-mini:org::abc", "ft:gpt-4o-mini:org::abc"], invalid: ["gpt 4o", "must not contain spaces"] },
  llamacpp: {
    valid: ["models/llama-3.2-1b-q4_k_m.gguf", "models/llama-3.2-1b-q4_k_m.gguf"],
    invalid: ["llama3.2", "a .gguf file path or hf:OWNER/REPO:QUANT"],
  },
  exec: { valid: ["  python3 'my model.py' --fast ", "python3 'my model.py' --fast"], invalid: ["python3 'open", "unterminated single quote"] },
  mock: { valid: ["likert?min=0&max=5", "likert?min=0&max=5"], invalid: ["oracle", "unknown mock 'oracle'"] },
};

it("every registered provider kind has examples", () => {
  expect(PROVIDER_KINDS.map((k) => k.name).filter((name) => EXAMPLES[name] === undefined)).toEqual([]);
});

it("the checker's note lists every kind's id form, in registry order", () => {
  expect(modelIdNotes(PROVIDER_KINDS)).toEqual([`model ids: ${PROVIDER_KINDS.map((k) => `${k.name}:${k.placeholder}`).join(", ")}`]);
  expect(parseModelId("gpt4")).toEqual({
    ok: false,
    error: "model id 'gpt4' has no provider; write ollama:gpt4, openai:gpt4, llamacpp:PATH.gguf, exec:COMMAND or mock:NAME",
  });
  expect(parseModelId(" ")).toEqual({ ok: false, error: "empty model id; expected PROVIDER:NAME (ollama, openai, llamacpp, exec or mock)" });
});

it("a kind unknown to the registry is refused, and only registered kinds are", () => {
  const [first, ...rest] = PROVIDER_KINDS;
  expect(
    parseWith(
      "ollama:llama3.2",
      rest.filter((k) => k.name !== "ollama"),
    ),
  ).toMatchObject({ ok: false, error: expect.stringContaining("unknown provider 'ollama'") });
  expect(parseWith(`${first!.name}:${EXAMPLES[first!.name]!.valid[0]}`, [first!])).toMatchObject({ ok: true });
});

describe.each(PROVIDER_KINDS.map((k) => ({ name: k.name, kind: k })))("$name provider kind", ({ name, kind }) => {
  const examples = EXAMPLES[name]!;

  it("parses its ids into the provider-local name", () => {
    const [rest, local] = examples.valid;
    expect(parseModelId(`${name}:${rest}`)).toEqual({ ok: true, value: { provider: name, name: local } });
  });

  it("says what is wrong with a bad id, naming the id", () => {
    const [rest, message] = examples.invalid;
    const id = `${name}:${rest}`;
    const result = parseModelId(id);
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining(message) });
    expect(result.ok || result.error.includes(id.trim())).toBe(true);
    expect(parseModelId(`${name}:   `)).toEqual({ ok: false, error: `model id '${name}:' has no ${kind.placeholder.toLowerCase()}` });
  });

  it("creates an adapter of its kind for the model", () => {
    const id = `${name}:${examples.valid[0]}`.trim();
    const provider = createProvider(model(id), {});
    expect(provider.kind).toBe(name);
    expect(provider.id).toBe(id);
  });

  it("describes where requests go without a credential", () => {
    const m = model(`${name}:${examples.valid[0]}`, { baseUrl: "https://me:hunter2@api.example.com/v1?key=abc123" });
    const text = describeEndpoint(m, { OPENAI_API_KEY: "sk-secret", OLLAMA_HOST: "https://me:hunter2@gpu-box:1234" });
    expect(text.length).toBeGreaterThan(0);
    for (const secret of ["hunter2", "sk-secret", "abc123"]) expect(text).not.toContain(secret);
  });

  it("reads only model settings the parser knows", () => {
    for (const key of Object.keys(kind.settings.properties)) expect(BLOCKS.model.properties).toContain(key);
  });
});

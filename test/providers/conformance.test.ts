// One conformance suite for every provider kind in the registry (src/providers/kinds): each factory
// below builds an adapter (against its stand-in server, a fixture command, or nothing for the mock)
// and says what to expect; the same cases run against all of them. Cases about what went over the
// wire run for the adapters that have a wire. A kind added without a factory fails the first test.

import { mkdtempSync, readFileSync, rmSync, existsSync, statSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage, JsonSchema } from "../../src/core/plan.js";
import { PROVIDER_KINDS } from "../../src/providers/kinds/index.js";
import { roughTokens } from "../../src/providers/mock.js";
import { createProvider } from "../../src/providers/registry.js";
import type { Provider, ProviderKind } from "../../src/providers/types.js";
import { cannedAnswer, promptTokens, words } from "../standins/common.js";
import { standinDigest, startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { startOpenAIStandin, standinFingerprint, type OpenAIStandin } from "../standins/openai-standin.js";
import { expectFailure, FIXTURE, MESSAGES, model, request } from "./helpers.js";
import { LLAMA_ENV, tinyModel } from "../llamacpp/model-file.js";
import { referenceAnswers } from "../llamacpp/reference.js";
import { sha256OfFile } from "../../src/providers/weights-digest.js";
import type { ModelWeights } from "../../src/providers/types.js";

/** The sampling parameters and schema as the adapter put them on the wire, in one shape. */
interface Sent {
  temperature: unknown;
  top_p: unknown;
  seed: unknown;
  max_tokens: unknown;
  schema: unknown;
}

interface Harness {
  provider: Provider;
  expected: {
    endpoint: string | null;
    digest: string | null;
    mock: boolean;
    /** llamacpp: the model file's identity. */
    weights?: ModelWeights;
    /** What structured output guarantees of a schema, when less than all of it (the scorer checks the rest). */
    enforced?: (schema: JsonSchema) => JsonSchema;
    text: (messages: ChatMessage[]) => string;
    tokens: (messages: ChatMessage[], text: string) => { in: number | null; out: number | null };
    fingerprint: string | null;
  };
  /** The last request as sent (adapters with a wire only). */
  lastSent?: () => Sent;
  /**
   * A provider whose next chat will not answer in time, and a promise that resolves once that chat has
   * reached the model (the server logged it, the command read it), so a test can act while it is open.
   */
  slow: () => { provider: Provider; reached: Promise<void> };
  close: () => Promise<void>;
}

interface AdapterFactory {
  name: string;
  kind: ProviderKind;
  /** Whether the factory can show what went over the wire. */
  observesWire: boolean;
  setup: () => Promise<Harness>;
}

/** Complete lines in the exec fixture's request log (0 before it exists). */
function loggedLines(file: string): number {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").length - 1 : 0;
}

/** Resolves once the log holds `count` lines: on the directory's change events, not on a timer. */
function logLines(file: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    if (loggedLines(file) >= count) return resolve();
    const watcher = watch(dirname(file), () => {
      if (loggedLines(file) < count) return;
      watcher.close();
      resolve();
    });
    // The line may have landed between the first look and the watch.
    if (loggedLines(file) >= count) {
      watcher.close();
      resolve();
    }
  });
}

const field = (value: unknown, name: string): unknown => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[name] : undefined);

const ollamaFactory: AdapterFactory = {
  name: "ollama",
  kind: "ollama",
  observesWire: true,
  setup: async () => {
    const standin: OllamaStandin = await startOllamaStandin({ models: ["llama3.2:latest"] });
    const m = model("ollama:llama3.2");
    const provider = createProvider(m, { OLLAMA_HOST: standin.url });
    return {
      provider,
      expected: {
        endpoint: standin.url,
        digest: standinDigest("llama3.2"),
        mock: false,
        text: (messages) => cannedAnswer("ollama", { model: "llama3.2", messages, schema: null, body: null }),
        tokens: (messages, text) => ({ in: promptTokens(messages), out: words(text).length }),
        fingerprint: null,
      },
      lastSent: () => {
        const body = standin.requestsTo("/api/chat").at(-1)?.body;
        const options = field(body, "options");
        return {
          temperature: field(options, "temperature"),
          top_p: field(options, "top_p"),
          seed: field(options, "seed"),
          max_tokens: field(options, "num_predict"),
          schema: field(body, "format"),
        };
      },
      slow: () => {
        standin.enqueueFault({ kind: "hang" });
        return { provider, reached: standin.waitForRequests("/api/chat", standin.requestsTo("/api/chat").length + 1) };
      },
      close: () => standin.close(),
    };
  },
};

const openaiFactory: AdapterFactory = {
  name: "openai",
  kind: "openai",
  observesWire: true,
  setup: async () => {
    const standin: OpenAIStandin = await startOpenAIStandin({ models: ["gpt-test"], apiKey: "sk-conformance-key" });
    const m = model("openai:gpt-test", { baseUrl: standin.baseUrl });
    const provider = createProvider(m, { OPENAI_API_KEY: "sk-conformance-key" });
    return {
      provider,
      expected: {
        endpoint: standin.baseUrl,
        digest: null,
        mock: false,
        text: (messages) => cannedAnswer("openai", { model: "gpt-test", messages, schema: null, body: null }),
        tokens: (messages, text) => ({ in: promptTokens(messages), out: words(text).length }),
        fingerprint: standinFingerprint("gpt-test"),
      },
      lastSent: () => {
        const body = standin.requestsTo("/v1/chat/completions").at(-1)?.body;
        return {
          temperature: field(body, "temperature"),
          top_p: field(body, "top_p"),
          seed: field(body, "seed"),
          max_tokens: field(body, "max_tokens"),
          schema: field(field(field(body, "response_format"), "json_schema"), "schema"),
        };
      },
      slow: () => {
        standin.enqueueFault({ kind: "hang" });
        const chat = "/v1/chat/completions";
        return { provider, reached: standin.waitForRequests(chat, standin.requestsTo(chat).length + 1) };
      },
      close: () => standin.close(),
    };
  },
};

const execFactory: AdapterFactory = {
  name: "exec",
  kind: "exec",
  observesWire: true,
  setup: async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-exec-"));
    const log = join(dir, "requests.jsonl");
    const env = { PATH: process.env["PATH"], EXEC_LOG: log };
    const id = `exec:node '${FIXTURE}' json`;
    const provider = createProvider(model(id, { jsonIo: true }), env);
    return {
      provider,
      expected: {
        endpoint: `node '${FIXTURE}' json`,
        digest: null,
        mock: false,
        text: (messages) => `ECHO: ${messages.filter((m) => m.role === "user").at(-1)?.content ?? ""}`,
        tokens: (messages, text) => ({ in: messages.reduce((n, m) => n + m.content.length, 0), out: text.length }),
        fingerprint: null,
      },
      lastSent: () => {
        const lines = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
        const sent: unknown = JSON.parse(JSON.parse(lines.at(-1) ?? "{}").stdin ?? "{}");
        return {
          temperature: field(sent, "temperature"),
          top_p: field(sent, "top_p"),
          seed: field(sent, "seed"),
          max_tokens: field(sent, "max_tokens"),
          schema: field(field(sent, "responseFormat"), "schema"),
        };
      },
      slow: () => ({ provider: createProvider(model(`exec:node '${FIXTURE}' sleep`), env), reached: logLines(log, loggedLines(log) + 1) }),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const mockFactory: AdapterFactory = {
  name: "mock",
  kind: "mock",
  observesWire: false,
  setup: async () => {
    const provider = createProvider(model("mock:echo"), {});
    return {
      provider,
      expected: {
        endpoint: null,
        digest: null,
        mock: true,
        text: (messages) => messages.filter((m) => m.role === "user").at(-1)?.content ?? "",
        tokens: (messages, text) => ({ in: roughTokens(messages.map((m) => m.content).join("\n")), out: roughTokens(text) }),
        fingerprint: null,
      },
      // In process: the chat is open as soon as it is called.
      slow: () => ({ provider: createProvider(model("mock:echo?latency=60000"), {}), reached: Promise.resolve() }),
      close: async () => {},
    };
  },
};

/** The schema with minimum/maximum dropped from its number properties. */
function withoutNumberBounds(schema: JsonSchema): JsonSchema {
  const properties = schema["properties"] as Record<string, JsonSchema>;
  const bare = Object.fromEntries(
    Object.entries(properties).map(([k, v]) => [
      k,
      v["type"] === "number" ? Object.fromEntries(Object.entries(v).filter(([key]) => key !== "minimum" && key !== "maximum")) : v,
    ]),
  );
  return { ...schema, properties: bare };
}

const OTHER: ChatMessage[] = [{ role: "user", content: "Name one virtue." }];
const ANSWER_TOKENS = 24;

const llamacppFactory: AdapterFactory = {
  name: "llamacpp",
  kind: "llamacpp",
  observesWire: false,
  setup: async () => {
    const file = tinyModel(3);
    const sha256 = await sha256OfFile(file.path);
    // What the model answers (greedy, as the adapter's defaults leave it), computed by calling
    // node-llama-cpp directly on its own context: the adapter must give the same text and counts.
    const reference = await referenceAnswers(file.path, [MESSAGES, OTHER], { maxTokens: ANSWER_TOKENS });
    const find = (messages: ChatMessage[]) => {
      const found = reference.find((r) => JSON.stringify(r.messages) === JSON.stringify(messages));
      if (!found) throw new Error("no reference answer for these messages");
      return found;
    };
    const adapter = createProvider(model(`llamacpp:${file.path}`), { ...LLAMA_ENV });
    // Random weights rarely choose end-of-sequence, so a free answer would run to the end of the
    // context: free answers are capped as a spec's max_tokens would cap them. Structured answers end
    // with the schema (greedy decoding closes this model's strings within a few tokens).
    const provider: Provider = {
      kind: adapter.kind,
      id: adapter.id,
      prepare: (o) => adapter.prepare(o),
      // Generation is CPU work on a shared CI machine: the suite's 5 s default is a wire timeout.
      chat: (r) => adapter.chat({ ...(r.responseFormat ? r : { max_tokens: ANSWER_TOKENS, ...r }), timeoutMs: Math.max(r.timeoutMs, 60_000) }),
      close: () => adapter.close(),
    };
    // A chat that cannot finish in time: the schema asks for a 400-character string, token by token.
    const long: Provider = {
      ...provider,
      chat: (r) => adapter.chat({ ...r, responseFormat: { name: "long", schema: { type: "string", minLength: 400, maxLength: 400 } } }),
      close: async () => {},
    };
    return {
      provider,
      expected: {
        endpoint: pathToFileURL(file.path).href,
        digest: `sha256:${sha256}`,
        mock: false,
        weights: {
          path: file.path,
          sha256,
          bytes: statSync(file.path).size,
          architecture: "llama",
          quantization: "ALL_F32",
          contextLength: 512,
          runtime: expect.stringMatching(/^llama\.cpp \S+ \(node-llama-cpp 3\.21\.1, cpu\)$/) as unknown as string,
        },
        // llama.cpp grammars enforce types, enums, required keys and integer ranges, not real-number bounds.
        enforced: (schema) => withoutNumberBounds(schema),
        text: (messages) => find(messages).text,
        tokens: (messages) => ({ in: find(messages).tokensIn, out: find(messages).tokensOut }),
        fingerprint: null,
      },
      // In process: the chat is open as soon as it is called.
      slow: () => ({ provider: long, reached: Promise.resolve() }),
      close: async () => file.remove(),
    };
  },
};

const HARNESSES: Record<string, AdapterFactory> = {
  ollama: ollamaFactory,
  openai: openaiFactory,
  llamacpp: llamacppFactory,
  exec: execFactory,
  mock: mockFactory,
};

it("every registered provider kind has a conformance harness", () => {
  expect(PROVIDER_KINDS.map((k) => k.name).filter((name) => HARNESSES[name] === undefined)).toEqual([]);
});

const FACTORIES: AdapterFactory[] = PROVIDER_KINDS.flatMap((k) => HARNESSES[k.name] ?? []);

const SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    safe: { type: "boolean" },
    category: { type: "string" },
    confidence: { type: "number", minimum: 0, maximum: 1 },
  },
  required: ["safe", "category", "confidence"],
  additionalProperties: false,
};

describe.each(FACTORIES)("$name adapter conformance", (factory) => {
  let h: Harness;
  beforeAll(async () => {
    h = await factory.setup();
  });
  afterAll(async () => {
    await h.provider.close();
    await h.close();
  });

  it("reports its kind and id", () => {
    expect(h.provider.kind).toBe(factory.kind);
    expect(h.provider.id.startsWith(`${factory.kind}:`)).toBe(true);
  });

  it("prepare reports the model info: endpoint, digest, mock flag", async () => {
    const result = await h.provider.prepare({ pull: false });
    expect(result).toEqual({
      ok: true,
      info: {
        id: h.provider.id,
        provider: factory.kind,
        digest: h.expected.digest,
        endpoint: h.expected.endpoint,
        mock: h.expected.mock,
        ...(h.expected.weights ? { weights: h.expected.weights } : {}),
      },
    });
  });

  it("a basic chat returns the whole text, token counts where available, and a latency", async () => {
    const result = await h.provider.chat(request());
    if (!result.ok) throw new Error(JSON.stringify(result.failure));
    const text = h.expected.text(MESSAGES);
    expect(result.response.text).toBe(text);
    const tokens = h.expected.tokens(MESSAGES, text);
    expect(result.response.tokensIn).toBe(tokens.in);
    expect(result.response.tokensOut).toBe(tokens.out);
    expect(result.response.fingerprint).toBe(h.expected.fingerprint);
    expect(Number.isFinite(result.response.latencyMs) && result.response.latencyMs >= 0).toBe(true);
  });

  it("answers differ with the prompt (nothing is cached inside the adapter)", async () => {
    const result = await h.provider.chat(request({ messages: OTHER }));
    expect(result.ok && result.response.text).toBe(h.expected.text(OTHER));
  });

  if (factory.observesWire) {
    it("forwards temperature, top_p, seed and max_tokens", async () => {
      const result = await h.provider.chat(request({ temperature: 0.3, top_p: 0.9, seed: 42, max_tokens: 64 }));
      expect(result.ok).toBe(true);
      expect(h.lastSent!()).toEqual({ temperature: 0.3, top_p: 0.9, seed: 42, max_tokens: 64, schema: undefined });
    });

    it("leaves unset sampling parameters to the provider's defaults", async () => {
      await h.provider.chat(request());
      expect(h.lastSent!()).toEqual({ temperature: undefined, top_p: undefined, seed: undefined, max_tokens: undefined, schema: undefined });
    });

    it("forwards the JSON schema when structured output is asked", async () => {
      await h.provider.chat(request({ responseFormat: { name: "verdict", schema: SCHEMA } }));
      expect(h.lastSent!().schema).toEqual(SCHEMA);
    });
  }

  it("structured output: the answer is JSON valid against the schema", async () => {
    const p = factory.kind === "mock" ? createProvider(model("mock:judge"), {}) : h.provider;
    const result = await p.chat(request({ responseFormat: { name: "verdict", schema: SCHEMA } }));
    if (!result.ok) throw new Error(JSON.stringify(result.failure));
    const validate = new Ajv.default({ strict: false }).compile(h.expected.enforced?.(SCHEMA) ?? SCHEMA);
    expect(validate(JSON.parse(result.response.text))).toBe(true);
  });

  it("a request that outlives its timeout fails with 'timeout'", async () => {
    const failure = expectFailure(await h.slow().provider.chat(request({ timeoutMs: 300 })));
    expect(failure.kind).toBe("timeout");
    expect(failure.message).toContain("300 ms");
  });

  it("an interrupted request fails with 'aborted'", async () => {
    const controller = new AbortController();
    const { provider, reached } = h.slow();
    const pending = provider.chat(request({ timeoutMs: 30_000, signal: controller.signal }));
    await reached;
    controller.abort();
    expect(expectFailure(await pending).kind).toBe("aborted");
  });

  it("still answers after a failure (no state is left broken)", async () => {
    const result = await h.provider.chat(request());
    expect(result.ok && result.response.text).toBe(h.expected.text(MESSAGES));
  });
});

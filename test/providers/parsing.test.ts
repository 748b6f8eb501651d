// The small parsers: model ids, OLLAMA_HOST, commands, Retry-After, network error codes.
import { describe, expect, it } from "vitest";
import { splitCommand } from "../../src/providers/command-line.js";
import { describeNetworkError, networkKind, parseRetryAfter, statusKind } from "../../src/providers/failure.js";
import { parseModelId, planModelFromId } from "../../src/providers/model-id.js";
import { parseOllamaHost } from "../../src/providers/ollama-host.js";

describe("parseModelId", () => {
  it.each([
    ["ollama:llama3.2:3b", "ollama", "llama3.2:3b"],
    ["openai:gpt-4o-mini", "openai", "gpt-4o-mini"],
    ["openai:ft:gpt-4o-mini:org::abc", "openai", "ft:gpt-4o-mini:org::abc"],
    ["exec:python3 answer.py --fast", "exec", "python3 answer.py --fast"],
    ["exec:  node 'my model.js'  ", "exec", "node 'my model.js'"],
    ["mock:irt?ability=1.2&seed=7", "mock", "irt?ability=1.2&seed=7"],
    ["ollama:hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "ollama", "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"],
  ])("%s → %s / %s", (id, provider, name) => {
    expect(parseModelId(id)).toEqual({ ok: true, value: { provider, name } });
  });

  it.each([
    ["", "empty model id"],
    ["llama3.2", "has no provider; write ollama:llama3.2"],
    ["anthropic:claude", "unknown provider 'anthropic'"],
    ["Ollama:llama3.2", "unknown provider 'Ollama'"],
    ["ollama:", "has no name"],
    ["exec:", "has no command"],
    ["ollama:llama 3", "must not contain spaces"],
    ["exec:python3 'unterminated", "unterminated single quote"],
    ["mock:flatterer", "unknown mock 'flatterer'"],
    ["mock:irt?ability=x", "'ability' must be a number"],
  ])("%j is an error: %s", (id, message) => {
    const result = parseModelId(id);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it("planModelFromId fills spec defaults and takes overrides", () => {
    expect(planModelFromId("openai:gpt-4o", { baseUrl: "http://127.0.0.1:1/v1" })).toEqual({
      ok: true,
      model: {
        id: "openai:gpt-4o",
        provider: "openai",
        name: "gpt-4o",
        baseUrl: "http://127.0.0.1:1/v1",
        apiKeyEnv: null,
        headers: {},
        concurrency: null,
        rateLimitPerMinute: null,
        jsonIo: false,
      },
    });
  });
});

describe("OLLAMA_HOST, as the ollama CLI reads it", () => {
  it.each([
    [undefined, "http://127.0.0.1:11434"],
    ["", "http://127.0.0.1:11434"],
    ["   ", "http://127.0.0.1:11434"],
    ["1.2.3.4", "http://1.2.3.4:11434"],
    [":1234", "http://127.0.0.1:1234"],
    ["1.2.3.4:1234", "http://1.2.3.4:1234"],
    ["example.com", "http://example.com:11434"],
    ["example.com:1234", "http://example.com:1234"],
    ["http://1.2.3.4", "http://1.2.3.4:80"],
    ["http://1.2.3.4:4321", "http://1.2.3.4:4321"],
    ["https://1.2.3.4", "https://1.2.3.4:443"],
    ["https://1.2.3.4:4321", "https://1.2.3.4:4321"],
    ["https://example.com", "https://example.com:443"],
    ["http://example.com/", "http://example.com:80"],
    ["https://example.com/path/to/ollama", "https://example.com:443/path/to/ollama"],
    ["example.com/ollama", "http://example.com:11434/ollama"],
    ["[0::1]", "http://[::1]:11434"],
    ["::1", "http://[::1]:11434"],
    ["[::1]:4321", "http://[::1]:4321"],
    ["http://[::1]", "http://[::1]:80"],
    ["0.0.0.0", "http://0.0.0.0:11434"],
    ["example.com:", "http://example.com:11434"],
    ["example.com:abc", "http://example.com:11434"],
    ["example.com:99999", "http://example.com:11434"],
    [' "example.com:1234" ', "http://example.com:1234"],
    ["'http://example.com'", "http://example.com:80"],
  ])("%j → %s", (raw, url) => {
    expect(parseOllamaHost(raw).url).toBe(url);
  });

  it("keeps the parts apart", () => {
    expect(parseOllamaHost("https://gpu-box:8443/ollama")).toEqual({
      scheme: "https",
      host: "gpu-box",
      port: "8443",
      path: "ollama",
      url: "https://gpu-box:8443/ollama",
    });
  });
});

describe("splitCommand", () => {
  it.each([
    ["python3 answer.py", ["python3", "answer.py"]],
    ["  node   x.js  ", ["node", "x.js"]],
    [`node "a b" 'c d' e\\ f`, ["node", "a b", "c d", "e f"]],
    [`echo "say \\"hi\\"" 'it''s'`, ["echo", 'say "hi"', "its"]],
    [`echo "keep \\n backslash"`, ["echo", "keep \\n backslash"]],
    [`a"b c"d`, ["ab cd"]],
    [`cmd "" ''`, ["cmd", "", ""]],
    [`cmd | grep x > out`, ["cmd", "|", "grep", "x", ">", "out"]],
    [`cmd $HOME *.txt`, ["cmd", "$HOME", "*.txt"]],
  ])("%s", (command, argv) => {
    expect(splitCommand(command)).toEqual({ ok: true, argv });
  });

  it.each([
    ["node 'x", "unterminated single quote"],
    ['node "x', "unterminated double quote"],
    ["node x\\", "lone backslash"],
    ["   ", "empty command"],
  ])("%j fails: %s", (command, message) => {
    const result = splitCommand(command);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});

describe("Retry-After", () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name] ?? null;
  const now = Date.parse("2025-03-01T12:00:00Z");

  it.each([
    [{ "retry-after": "3" }, 3000],
    [{ "retry-after": "0" }, 0],
    [{ "retry-after": "1.5" }, 1500],
    [{ "retry-after": "Sat, 01 Mar 2025 12:00:10 GMT" }, 10_000],
    [{ "retry-after": "Sat, 01 Mar 2025 11:59:00 GMT" }, 0],
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after-ms": "250.4", "retry-after": "9" }, 250],
    [{ "retry-after-ms": "soon", "retry-after": "2" }, 2000],
    [{ "retry-after": "whenever" }, null],
    [{ "retry-after": "-5" }, null],
    [{}, null],
  ])("%j → %s", (h, ms) => {
    expect(parseRetryAfter(headers(h), now)).toBe(ms);
  });
});

describe("failure classification", () => {
  const withCause = (code: string) => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(code), { code }) });

  it.each([
    ["ECONNREFUSED", "unreachable"],
    ["ENOTFOUND", "unreachable"],
    ["EAI_AGAIN", "unreachable"],
    ["EHOSTUNREACH", "unreachable"],
    ["ECONNRESET", "connection"],
    ["UND_ERR_SOCKET", "connection"],
    ["EPIPE", "connection"],
    ["UND_ERR_HEADERS_TIMEOUT", "timeout"],
    ["ETIMEDOUT", "timeout"],
  ])("%s → %s", (code, kind) => {
    expect(networkKind(withCause(code))).toBe(kind);
  });

  it("looks inside AggregateErrors (several addresses tried)", () => {
    const inner = Object.assign(new Error("connect ECONNREFUSED ::1:11434"), { code: "ECONNREFUSED" });
    const err = Object.assign(new TypeError("fetch failed"), { cause: new AggregateError([inner]) });
    expect(networkKind(err)).toBe("unreachable");
    expect(describeNetworkError(err)).toBe("connection refused (ECONNREFUSED)");
  });

  it.each([
    [401, "auth"],
    [403, "auth"],
    [404, "not_found"],
    [408, "timeout"],
    [429, "rate_limit"],
    [500, "server"],
    [502, "server"],
    [503, "server"],
    [400, "bad_request"],
    [422, "bad_request"],
  ])("HTTP %s → %s", (status, kind) => {
    expect(statusKind(status)).toBe(kind);
  });
});

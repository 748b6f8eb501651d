// A stand-in for an ollama server, speaking its wire format: GET /api/tags, POST /api/show,
// POST /api/chat (stream true — the default — as NDJSON ending with a done:true line carrying the eval
// counts; stream false as one JSON object), POST /api/pull (NDJSON progress), GET /api/version, and
// errors as {"error": "..."} with the real status codes.
//
//   const s = await startOllamaStandin({ models: ["llama3.2:latest"], latencyMs: 5 });
//   s.enqueueFault({ kind: "rate_limit", retryAfter: "2" });
//   ... OLLAMA_HOST = s.url ...
//   s.requestsTo("/api/chat")[0].body  // what the client sent
//   await s.close();

import {
  asMessages,
  digestOf,
  field,
  json,
  promptTokens,
  StandinServer,
  words,
  type LoggedRequest,
  type Reply,
  type RouteContext,
  type StandinOptions,
  type WireFormat,
} from "./common.js";
import type { JsonSchema } from "../../src/core/plan.js";

export interface OllamaStandinOptions extends StandinOptions {
  /** Which models /api/pull can fetch: "any" (default) or a list. */
  pullable?: "any" | string[];
  /** Mixed into the digests /api/tags reports: a host serving other weights under the same name. */
  digestSalt?: string;
}

export const OLLAMA_STANDIN_VERSION = "0.0.0-standin";
const CREATED_AT = "2025-01-01T00:00:00.000000000Z";

/** "llama3.2" → "llama3.2:latest", as ollama resolves names. */
export function ollamaName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1).includes(":") ? name : `${name}:latest`;
}

function ndjson(lines: unknown[]): Reply {
  return { status: 200, headers: { "content-type": "application/x-ndjson" }, chunks: lines.map((l) => `${JSON.stringify(l)}\n`) };
}

function modelField(body: unknown): string {
  const model = field(body, "model") ?? field(body, "name");
  return typeof model === "string" ? model : "";
}

class OllamaWire implements WireFormat {
  readonly chatPath = "/api/chat";
  readonly basePath = "";
  constructor(
    private readonly pullable: "any" | string[],
    private readonly digestSalt = "",
  ) {}

  async route(request: LoggedRequest, ctx: RouteContext): Promise<Reply> {
    const { method, path } = request;
    if ((method === "GET" || method === "HEAD") && path === "/") {
      return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, chunks: ["Ollama is running"] };
    }
    if (method === "GET" && path === "/api/version") return json(200, { version: OLLAMA_STANDIN_VERSION });
    if (method === "GET" && path === "/api/tags") return json(200, { models: [...ctx.models].map((name) => tagEntry(name, this.digestSalt)) });
    if (method === "POST" && path === "/api/show") return this.show(request, ctx);
    if (method === "POST" && path === "/api/chat") return this.chat(request, ctx);
    if (method === "POST" && path === "/api/pull") return this.pull(request, ctx);
    return { status: 404, headers: { "content-type": "text/plain" }, chunks: ["404 page not found"] };
  }

  errorReply(_request: LoggedRequest, status: number, message: string | null): Reply {
    const defaults: Record<number, string> = {
      400: "invalid request",
      401: "unauthorized",
      403: "forbidden",
      429: "too many requests",
      500: "llama runner process has terminated: exit status 2",
      503: "server busy, please try again.  maximum pending requests exceeded",
    };
    return json(status, { error: message ?? defaults[status] ?? `error ${status}` });
  }

  unauthorizedReply(request: LoggedRequest): Reply {
    return this.errorReply(request, 401, "unauthorized");
  }

  unknownModelReply(request: LoggedRequest): Reply {
    return json(404, { error: `model '${modelField(request.body)}' not found` });
  }

  malformedReply(request: LoggedRequest): Reply {
    const model = modelField(request.body);
    if (request.path === "/api/chat" && field(request.body, "stream") !== false) {
      // A line that is not JSON and a stream that never says done.
      return { status: 200, headers: { "content-type": "application/x-ndjson" }, chunks: [`{"model":"${model}","message":{"content":"bro\n`, "<<garbage>>\n"] };
    }
    return {
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8" },
      chunks: [`{"model":"${model}","message":{"role":"assistant","content":"trunc`],
    };
  }

  async streamErrorReply(request: LoggedRequest, ctx: RouteContext, message: string): Promise<Reply> {
    if (field(request.body, "stream") === false) return this.errorReply(request, 500, message);
    const normal = await this.route(request, ctx);
    if (normal.status !== 200) return normal;
    const kept = normal.chunks.slice(0, Math.max(1, Math.floor(normal.chunks.length / 2)));
    return { ...normal, chunks: [...kept, `${JSON.stringify({ error: message })}\n`] };
  }

  private show(request: LoggedRequest, ctx: RouteContext): Reply {
    const name = modelField(request.body);
    if (!ctx.models.has(ollamaName(name))) return this.unknownModelReply(request);
    return json(200, {
      license: "",
      modelfile: `FROM ${name}\n`,
      parameters: "temperature 0.8",
      template: "{{ .Prompt }}",
      details: details(),
      model_info: { "general.architecture": "standin", "general.parameter_count": 1_000_000_000 },
      capabilities: ["completion"],
      modified_at: CREATED_AT,
    });
  }

  private async chat(request: LoggedRequest, ctx: RouteContext): Promise<Reply> {
    const model = modelField(request.body);
    if (!ctx.models.has(ollamaName(model))) return this.unknownModelReply(request);
    const messages = asMessages(field(request.body, "messages"));
    const format = field(request.body, "format");
    const schema = format !== null && typeof format === "object" ? (format as JsonSchema) : null;
    const options = field(request.body, "options");
    const numPredict = field(options, "num_predict");
    let pieces = words(await ctx.answer({ model, messages, schema, body: request.body }));
    let doneReason = "stop";
    if (typeof numPredict === "number" && numPredict >= 0 && pieces.length > numPredict) {
      pieces = pieces.slice(0, numPredict);
      doneReason = "length";
    }
    const counts = {
      total_duration: 1_000_000,
      load_duration: 100_000,
      prompt_eval_count: promptTokens(messages),
      prompt_eval_duration: 200_000,
      eval_count: pieces.length,
      eval_duration: 700_000,
    };
    if (field(request.body, "stream") === false) {
      return json(200, {
        model,
        created_at: CREATED_AT,
        message: { role: "assistant", content: pieces.join("") },
        done_reason: doneReason,
        done: true,
        ...counts,
      });
    }
    const lines: unknown[] = pieces.map((piece) => ({
      model,
      created_at: CREATED_AT,
      message: { role: "assistant", content: piece },
      done: false,
    }));
    lines.push({ model, created_at: CREATED_AT, message: { role: "assistant", content: "" }, done_reason: doneReason, done: true, ...counts });
    return ndjson(lines);
  }

  private pull(request: LoggedRequest, ctx: RouteContext): Reply {
    const name = ollamaName(modelField(request.body));
    const allowed = this.pullable === "any" || this.pullable.map(ollamaName).includes(name);
    const stream = field(request.body, "stream") !== false;
    if (!allowed) {
      if (!stream) return json(500, { error: "pull model manifest: file does not exist" });
      return ndjson([{ status: "pulling manifest" }, { error: "pull model manifest: file does not exist" }]);
    }
    ctx.models.add(name);
    if (!stream) return json(200, { status: "success" });
    const digest = `sha256:${digestOf(name)}`;
    const total = 4_000_000;
    return ndjson([
      { status: "pulling manifest" },
      { status: `pulling ${digest.slice(7, 19)}`, digest, total, completed: 0 },
      { status: `pulling ${digest.slice(7, 19)}`, digest, total, completed: total / 2 },
      { status: `pulling ${digest.slice(7, 19)}`, digest, total, completed: total },
      { status: "verifying sha256 digest" },
      { status: "writing manifest" },
      { status: "success" },
    ]);
  }
}

function details() {
  return { parent_model: "", format: "gguf", family: "standin", families: ["standin"], parameter_size: "1B", quantization_level: "Q4_0" };
}

function tagEntry(name: string, salt = "") {
  return { name, model: name, modified_at: CREATED_AT, size: 1_000_000_000, digest: digestOf(salt + name), details: details() };
}

export type OllamaStandin = StandinServer;

export async function startOllamaStandin(options: OllamaStandinOptions = {}): Promise<OllamaStandin> {
  const server = new StandinServer("ollama", new OllamaWire(options.pullable ?? "any", options.digestSalt ?? ""), options, ["standin:latest"]);
  for (const name of [...server.models]) {
    server.models.delete(name);
    server.models.add(ollamaName(name));
  }
  await server.listen(options.port ?? 0);
  return server;
}

/** The digest /api/tags reports for a model name (sha256 hex of the name). */
export function standinDigest(name: string): string {
  return digestOf(ollamaName(name));
}

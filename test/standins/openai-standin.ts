// A stand-in for an OpenAI-compatible server: GET /v1/models, GET /v1/models/{id},
// POST /v1/chat/completions (JSON, or SSE `data: {...}` chunks ending with `data: [DONE]` when
// stream:true, with a usage chunk when stream_options.include_usage), errors as
// {"error": {"message", "type", "param", "code"}} with the real status codes, system_fingerprint and
// usage on every completion.
//
// With `apiKey` set, requests must carry `Authorization: Bearer <apiKey>`; a wrong key gets the 401
// OpenAI sends, except that the key is echoed in full (the real API masks most of it) so tests can
// check that adapters never pass a key on.
//
//   const s = await startOpenAIStandin({ models: ["gpt-test"], apiKey: "sk-test" });
//   ... baseUrl = s.baseUrl  (http://127.0.0.1:PORT/v1) ...

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

export interface OpenAIStandinOptions extends StandinOptions {
  /** Require this bearer token. */
  apiKey?: string;
  /**
   * What GET /v1/models lists: by default every model it serves; a list of its own (a gateway whose list
   * is partial); or null for a server without /models (it answers 404 there).
   */
  listed?: string[] | null;
  /** Imitate Ollama's /v1: models are listed as NAME:latest, and chat takes NAME or NAME:latest. */
  ollamaNames?: boolean;
}

interface ListingOptions {
  listed: string[] | null | undefined;
  ollamaNames: boolean;
}

const CREATED = 1_735_689_600;

/** The system_fingerprint the stand-in reports for a model. */
export function standinFingerprint(model: string): string {
  return `fp_${digestOf(model).slice(0, 10)}`;
}

function errorBody(message: string, type: string, code: string | null): unknown {
  return { error: { message, type, param: null, code } };
}

function bearer(request: LoggedRequest): string {
  const auth = request.headers["authorization"] ?? "";
  return auth.startsWith("Bearer ") ? auth.slice(7) : auth;
}

class OpenAIWire implements WireFormat {
  readonly chatPath = "/v1/chat/completions";
  readonly basePath = "/v1";
  private counter = 0;
  constructor(
    private readonly apiKey: string | null,
    private readonly listing: ListingOptions = { listed: undefined, ollamaNames: false },
  ) {}

  /** Whether chat serves `model`: a model it has, or (Ollama) NAME for a model it has as NAME:latest. */
  private serves(ctx: RouteContext, model: string): boolean {
    return ctx.models.has(model) || (this.listing.ollamaNames && ctx.models.has(`${model}:latest`));
  }

  async route(request: LoggedRequest, ctx: RouteContext): Promise<Reply> {
    const { method, path } = request;
    if (this.apiKey !== null && bearer(request) !== this.apiKey) return this.unauthorizedReply(request);
    if (method === "GET" && path === "/v1/models") {
      if (this.listing.listed === null) return json(404, errorBody(`Invalid URL (${method} ${path})`, "invalid_request_error", null));
      return json(200, { object: "list", data: (this.listing.listed ?? [...ctx.models]).map(modelEntry) });
    }
    if (method === "GET" && path.startsWith("/v1/models/")) {
      const id = decodeURIComponent(path.slice("/v1/models/".length));
      if (!ctx.models.has(id)) return json(404, errorBody(`The model '${id}' does not exist`, "invalid_request_error", "model_not_found"));
      return json(200, modelEntry(id));
    }
    if (method === "POST" && path === this.chatPath) return this.chat(request, ctx);
    return json(404, errorBody(`Invalid URL (${method} ${path})`, "invalid_request_error", null));
  }

  errorReply(_request: LoggedRequest, status: number, message: string | null, extra: { code?: string; type?: string }): Reply {
    const defaults: Record<number, [string, string, string | null]> = {
      400: ["Invalid request.", "invalid_request_error", null],
      401: ["You didn't provide an API key.", "invalid_request_error", null],
      403: ["You are not allowed to sample from this model", "invalid_request_error", null],
      429: ["Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.", "requests", "rate_limit_exceeded"],
      500: ["The server had an error while processing your request. Sorry about that!", "server_error", null],
      503: ["The engine is currently overloaded, please try again later.", "server_error", null],
    };
    const [m, t, c] = defaults[status] ?? [`Error ${status}`, status >= 500 ? "server_error" : "invalid_request_error", null];
    return json(status, errorBody(message ?? m, extra.type ?? t, extra.code ?? c));
  }

  unauthorizedReply(request: LoggedRequest): Reply {
    const key = bearer(request);
    return json(
      401,
      errorBody(
        `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        "invalid_request_error",
        "invalid_api_key",
      ),
    );
  }

  unknownModelReply(request: LoggedRequest): Reply {
    const model = field(request.body, "model");
    return json(
      404,
      errorBody(
        `The model \`${typeof model === "string" ? model : ""}\` does not exist or you do not have access to it.`,
        "invalid_request_error",
        "model_not_found",
      ),
    );
  }

  malformedReply(request: LoggedRequest): Reply {
    if (field(request.body, "stream") === true) {
      return { status: 200, headers: { "content-type": "text/event-stream" }, chunks: ["data: {not json\n\n", "data: [DONE]\n\n"] };
    }
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      chunks: ['{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"message":'],
    };
  }

  async streamErrorReply(request: LoggedRequest, ctx: RouteContext, message: string): Promise<Reply> {
    if (field(request.body, "stream") !== true) return this.errorReply(request, 500, message, {});
    const normal = await this.route(request, ctx);
    if (normal.status !== 200) return normal;
    const kept = normal.chunks.slice(0, Math.max(1, Math.floor(normal.chunks.length / 2)));
    return { ...normal, chunks: [...kept, `data: ${JSON.stringify(errorBody(message, "server_error", null))}\n\n`] };
  }

  private async chat(request: LoggedRequest, ctx: RouteContext): Promise<Reply> {
    const modelValue = field(request.body, "model");
    const model = typeof modelValue === "string" ? modelValue : "";
    if (!this.serves(ctx, model)) return this.unknownModelReply(request);
    const messages = asMessages(field(request.body, "messages"));
    const responseFormat = field(request.body, "response_format");
    const schemaValue = field(field(responseFormat, "json_schema"), "schema");
    const schema = schemaValue !== null && typeof schemaValue === "object" ? (schemaValue as JsonSchema) : null;
    const limit = field(request.body, "max_tokens") ?? field(request.body, "max_completion_tokens");
    let pieces = words(await ctx.answer({ model, messages, schema, body: request.body }));
    let finish = "stop";
    if (typeof limit === "number" && limit >= 0 && pieces.length > limit) {
      pieces = pieces.slice(0, limit);
      finish = "length";
    }
    const usage = { prompt_tokens: promptTokens(messages), completion_tokens: pieces.length, total_tokens: promptTokens(messages) + pieces.length };
    const id = `chatcmpl-standin${++this.counter}`;
    const fingerprint = standinFingerprint(model);

    if (field(request.body, "stream") !== true) {
      return json(200, {
        id,
        object: "chat.completion",
        created: CREATED,
        model,
        system_fingerprint: fingerprint,
        choices: [{ index: 0, message: { role: "assistant", content: pieces.join(""), refusal: null }, logprobs: null, finish_reason: finish }],
        usage,
      });
    }
    const base = { id, object: "chat.completion.chunk", created: CREATED, model, system_fingerprint: fingerprint };
    const events: unknown[] = [{ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] }];
    for (const piece of pieces) events.push({ ...base, choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] });
    events.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }] });
    if (field(field(request.body, "stream_options"), "include_usage") === true) events.push({ ...base, choices: [], usage });
    return {
      status: 200,
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
      chunks: [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), "data: [DONE]\n\n"],
    };
  }
}

function modelEntry(id: string) {
  return { id, object: "model", created: CREATED, owned_by: "standin" };
}

/** `baseUrl` is http://127.0.0.1:PORT/v1, what a client takes as its base URL. */
export type OpenAIStandin = StandinServer;

export async function startOpenAIStandin(options: OpenAIStandinOptions = {}): Promise<OpenAIStandin> {
  const server = new StandinServer(
    "openai",
    new OpenAIWire(options.apiKey ?? null, { listed: options.listed, ollamaNames: options.ollamaNames ?? false }),
    options,
    ["standin-model"],
  );
  await server.listen(options.port ?? 0);
  return server;
}

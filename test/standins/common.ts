// What the ollama and openai stand-ins share: a real node:http server on 127.0.0.1 (port 0 by
// default), a request log, latency, an answer function, and a fault script. Each stand-in supplies the
// wire format (routes, error bodies, streaming framing); this file decides *when* to misbehave and
// performs the transport-level faults (hang, reset mid-response).

import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fillSchema } from "../../src/providers/schema-fill.js";
import { fnv1a32, mulberry32 } from "../../src/core/random.js";
import type { JsonSchema } from "../../src/core/plan.js";
import { recordedAnswers } from "./replay.js";

export interface LoggedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it is not JSON (undefined when empty). */
  body: unknown;
  /** Milliseconds since the stand-in started. */
  at: number;
}

export type Fault =
  /** Any HTTP error status, with the stand-in's wire-format error body. */
  | { kind: "status"; status: number; message?: string; code?: string; type?: string; headers?: Record<string, string> }
  /** 429 with Retry-After (seconds or an HTTP date) and/or retry-after-ms. */
  | { kind: "rate_limit"; retryAfter?: string; retryAfterMs?: string }
  /** 401 as the real server words it. */
  | { kind: "unauthorized" }
  /** 404 for the requested model, as the real server words it. */
  | { kind: "unknown_model" }
  /** Accept the request and never answer (until close()). */
  | { kind: "hang" }
  /** Send the headers and half the body, then go silent (until close()). */
  | { kind: "stall" }
  /** Reset the TCP connection: before any byte, after the headers, or in the middle of the body. */
  | { kind: "reset"; after?: "nothing" | "headers" | "partial" }
  /** 200 with a body that is not valid JSON / NDJSON / SSE. */
  | { kind: "malformed" }
  /** A stream that starts normally and then carries an error object (a 500 when not streaming). */
  | { kind: "stream_error"; message: string }
  /** Answer normally, but only after this extra delay. */
  | { kind: "delay"; ms: number };

export interface QueuedFault {
  fault: Fault;
  /** Only requests to this path take the fault; default: the chat endpoint. */
  path?: string;
}

export interface AnswerInput {
  model: string;
  messages: Array<{ role: string; content: string }>;
  /** The JSON schema asked for (ollama `format`, openai `response_format.json_schema.schema`). */
  schema: JsonSchema | null;
  body: unknown;
}

export type AnswerFn = (input: AnswerInput) => string | Promise<string>;

/** How the stand-in answers: canned text, recorded answers, random draws, or a function of the request. */
export type AnswerMode = AnswerFn | "canned" | "replay" | "random";

export interface StandinOptions {
  /** Delay before every answer, in ms (default 0). */
  latencyMs?: number;
  /** Delay between streamed chunks, in ms (default 0). */
  chunkDelayMs?: number;
  /**
   * "canned" (default), "replay" (recorded answers, canned when no match), "random" (a random rating
   * and word, see randomAnswer) or a function.
   */
  answer?: AnswerMode;
  /** "random": the stand-in's own seed, used for requests that carry none (default 0). */
  randomSeed?: number;
  /** "random": ratings are drawn uniformly from 1..randomRatings (default 5). */
  randomRatings?: number;
  /** Where "replay" reads its recorded answers (see replay.ts); default: the test fixtures. */
  replayFrom?: string;
  /** Models the server has (default: one stand-in model per kind). */
  models?: string[];
  /** Faults taken in order, one per matching request. */
  faults?: Array<Fault | QueuedFault>;
  /** Consulted for every request after the queue is empty; return null for normal behaviour. */
  faultFn?: (request: LoggedRequest) => Fault | null;
  /** Port to listen on (default 0: any free port). */
  port?: number;
}

/** What a route wants sent: written by the server, or cut short by a fault. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Body pieces; more than one means a stream (chunked, written with chunkDelayMs between). */
  chunks: string[];
}

export interface WireFormat {
  /** The chat endpoint path (where unqualified faults apply). */
  chatPath: string;
  /** What a client appends to the origin to get its base URL ("" for ollama, "/v1" for openai). */
  basePath: string;
  route(request: LoggedRequest, ctx: RouteContext): Promise<Reply>;
  errorReply(request: LoggedRequest, status: number, message: string | null, extra: { code?: string; type?: string }): Reply;
  unauthorizedReply(request: LoggedRequest): Reply;
  unknownModelReply(request: LoggedRequest): Reply;
  malformedReply(request: LoggedRequest): Reply;
  streamErrorReply(request: LoggedRequest, ctx: RouteContext, message: string): Promise<Reply>;
}

export interface RouteContext {
  answer(input: AnswerInput): Promise<string>;
  models: Set<string>;
}

export class StandinServer {
  readonly requests: LoggedRequest[] = [];
  latencyMs: number;
  chunkDelayMs: number;
  readonly models: Set<string>;
  private readonly server: Server;
  private readonly faults: QueuedFault[] = [];
  private faultFn: ((request: LoggedRequest) => Fault | null) | null;
  private answerFn: AnswerFn;
  private replayFrom: string | undefined;
  private readonly random: RandomSettings;
  private readonly started = Date.now();
  private readonly sockets = new Set<Socket>();
  /** Waiters of waitForRequests; one that returns true is done and dropped. */
  private arrivalListeners: Array<() => boolean> = [];
  private readonly wire: WireFormat;
  private readonly kind: string;
  private listening: AddressInfo | null = null;

  constructor(kind: string, wire: WireFormat, options: StandinOptions, defaultModels: string[]) {
    this.kind = kind;
    this.wire = wire;
    this.latencyMs = options.latencyMs ?? 0;
    this.chunkDelayMs = options.chunkDelayMs ?? 0;
    this.models = new Set(options.models ?? defaultModels);
    for (const f of options.faults ?? []) this.enqueueFault(f);
    this.faultFn = options.faultFn ?? null;
    this.replayFrom = options.replayFrom;
    this.random = { seed: options.randomSeed ?? 0, ratings: options.randomRatings ?? 5 };
    this.answerFn = resolveAnswer(kind, options.answer, this.replayFrom, this.random);
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    this.listening = this.server.address() as AddressInfo;
  }

  get port(): number {
    if (!this.listening) throw new Error("stand-in not listening");
    return this.listening.port;
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What a client takes as its base URL: the origin plus the wire format's base path. */
  get baseUrl(): string {
    return `${this.url}${this.wire.basePath}`;
  }

  enqueueFault(fault: Fault | QueuedFault, path?: string): void {
    const queued: QueuedFault = "fault" in fault ? fault : { fault };
    this.faults.push(path !== undefined ? { ...queued, path } : queued);
  }

  setFaultFunction(fn: ((request: LoggedRequest) => Fault | null) | null): void {
    this.faultFn = fn;
  }

  /** Change how the stand-in answers; `replayFrom` changes the replay source too. */
  setAnswer(answer: AnswerMode, replayFrom?: string): void {
    if (replayFrom !== undefined) this.replayFrom = replayFrom;
    this.answerFn = resolveAnswer(this.kind, answer, this.replayFrom, this.random);
  }

  /**
   * Resolves once `count` requests to `path` have arrived (at once if they already have): tests wait
   * for the server to see a request instead of waiting for a while.
   */
  waitForRequests(path: string, count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        if (this.requestsTo(path).length < count) return false;
        resolve();
        return true;
      };
      if (!check()) this.arrivalListeners.push(check);
    });
  }

  /** Requests to one path, in arrival order. */
  requestsTo(path: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeFault(request: LoggedRequest): Fault | null {
    const index = this.faults.findIndex((q) => (q.path ?? this.wire.chatPath) === request.path);
    if (index >= 0) return this.faults.splice(index, 1)[0]!.fault;
    return this.faultFn ? this.faultFn(request) : null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    let body: unknown;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const request: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      headers,
      body,
      at: Date.now() - this.started,
    };
    this.requests.push(request);
    this.arrivalListeners = this.arrivalListeners.filter((check) => !check());

    const fault = this.takeFault(request);
    if (fault?.kind === "hang") return; // the socket stays open until close()
    if (fault?.kind === "reset" && (fault.after ?? "partial") === "nothing") {
      req.socket.resetAndDestroy();
      return;
    }
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (fault?.kind === "delay") await delay(fault.ms);

    let reply: Reply;
    try {
      reply = await this.replyFor(request, fault);
    } catch (err) {
      reply = this.wire.errorReply(request, 500, `stand-in error: ${err instanceof Error ? err.message : String(err)}`, {});
    }

    if (fault?.kind === "reset") {
      await this.writePartial(res, reply, fault.after === "headers" ? "headers" : "partial");
      // Let the bytes leave before the RST, so the client sees a response that breaks off.
      await delay(25);
      res.socket?.resetAndDestroy();
      return;
    }
    if (fault?.kind === "stall") {
      await this.writePartial(res, reply, "partial");
      return; // the socket stays open until close()
    }
    await this.write(res, reply);
  }

  private async replyFor(request: LoggedRequest, fault: Fault | null): Promise<Reply> {
    const ctx: RouteContext = { answer: async (input) => this.answerFn(input), models: this.models };
    switch (fault?.kind) {
      case "status": {
        const reply = this.wire.errorReply(request, fault.status, fault.message ?? null, {
          ...(fault.code !== undefined ? { code: fault.code } : {}),
          ...(fault.type !== undefined ? { type: fault.type } : {}),
        });
        return { ...reply, headers: { ...reply.headers, ...(fault.headers ?? {}) } };
      }
      case "rate_limit": {
        const reply = this.wire.errorReply(request, 429, null, {});
        const extra: Record<string, string> = {};
        if (fault.retryAfter !== undefined) extra["retry-after"] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) extra["retry-after-ms"] = fault.retryAfterMs;
        return { ...reply, headers: { ...reply.headers, ...extra } };
      }
      case "unauthorized":
        return this.wire.unauthorizedReply(request);
      case "unknown_model":
        return this.wire.unknownModelReply(request);
      case "malformed":
        return this.wire.malformedReply(request);
      case "stream_error":
        return this.wire.streamErrorReply(request, ctx, fault.message);
      default:
        return this.wire.route(request, ctx);
    }
  }

  private async write(res: ServerResponse, reply: Reply): Promise<void> {
    if (reply.chunks.length <= 1) {
      const body = reply.chunks[0] ?? "";
      res.writeHead(reply.status, { ...reply.headers, "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
      return;
    }
    res.writeHead(reply.status, reply.headers);
    for (const chunk of reply.chunks) {
      if (res.destroyed) return;
      res.write(chunk);
      if (this.chunkDelayMs > 0) await delay(this.chunkDelayMs);
    }
    res.end();
  }

  /** Send the headers and (for "partial") about half of the body. */
  private async writePartial(res: ServerResponse, reply: Reply, after: "headers" | "partial"): Promise<void> {
    const whole = reply.chunks.join("");
    if (reply.chunks.length <= 1) {
      res.writeHead(reply.status, { ...reply.headers, "content-length": String(Buffer.byteLength(whole)) });
    } else {
      res.writeHead(reply.status, reply.headers);
    }
    res.flushHeaders();
    if (after === "partial") {
      const part =
        reply.chunks.length > 1
          ? reply.chunks.slice(0, Math.max(1, Math.floor(reply.chunks.length / 2))).join("")
          : whole.slice(0, Math.floor(whole.length / 2));
      await new Promise<void>((resolve) => res.write(part, () => resolve()));
    }
  }
}

interface RandomSettings {
  seed: number;
  ratings: number;
}

function resolveAnswer(kind: string, answer: AnswerMode | undefined, replayFrom: string | undefined, random: RandomSettings): AnswerFn {
  if (typeof answer === "function") return answer;
  if (answer === "random") {
    // Counts the unseeded requests this answer function has seen: their draws differ one from the next.
    let unseeded = 0;
    return (input) => {
      const seed = requestSeed(input.body);
      const stream = seed !== null ? `seed ${seed}` : `unseeded ${random.seed} ${unseeded++}`;
      return randomAnswer(stream, input, random.ratings);
    };
  }
  if (answer === "replay") {
    // Loaded now, not at the first request: a bad source fails where the stand-in is set up.
    const recorded = recordedAnswers(replayFrom);
    return (input) => recorded.answer(input.messages, input.model) ?? cannedAnswer(kind, input);
  }
  return (input) => cannedAnswer(kind, input);
}

/** Deterministic text naming the stand-in, or schema-filling JSON when structured output is asked. */
export function cannedAnswer(kind: string, input: AnswerInput): string {
  if (input.schema) return JSON.stringify(fillSchema(input.schema));
  const lastUser = [...input.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const gist = lastUser.replace(/\s+/g, " ").trim().slice(0, 60);
  return `Canned answer from the ${kind} stand-in (model ${input.model}) to: ${gist}`;
}

/** The seed a request carries: openai `seed`, ollama `options.seed`; null when it carries none. */
export function requestSeed(body: unknown): number | null {
  const seed = field(body, "seed") ?? field(field(body, "options"), "seed");
  return typeof seed === "number" && Number.isFinite(seed) ? seed : null;
}

/**
 * A random answer like a sampling model's: "Rating: 4 (draw qvzkmtpw)" — a rating drawn from
 * 1..ratings (what a Likert scorer reads) and a word of eight consonants (no digits, no number word),
 * so two draws almost never give the same text. The draw is a function of `stream` (the request's seed,
 * or the stand-in's seed and a request counter when the request has none), the model and the
 * messages: a seeded request is answered the same way every time, as by a model that honours seeds.
 */
export function randomAnswer(stream: string, input: Pick<AnswerInput, "model" | "messages">, ratings: number): string {
  const key = `${stream}\u0000${input.model.replace(/:latest$/, "")}\u0000${input.messages.map((m) => `${m.role}:${m.content}`).join("\u0000")}`;
  const next = mulberry32(fnv1a32(key));
  const rating = 1 + Math.floor(next() * ratings);
  const letters = "bcdfghjklmnpqrstvwxz";
  let word = "";
  for (let i = 0; i < 8; i++) word += letters[Math.floor(next() * letters.length)];
  return `Rating: ${rating} (draw ${word})`;
}

export function words(text: string): string[] {
  return text.split(/(?<=\s)/).filter((w) => w !== "");
}

/** About four characters per token; the stand-ins only need consistent numbers. */
export function promptTokens(messages: Array<{ content: string }>): number {
  return Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
}

export function digestOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, chunks: [JSON.stringify(value)] };
}

export function asMessages(value: unknown): Array<{ role: string; content: string }> {
  if (!Array.isArray(value)) return [];
  return value
    .filter((m): m is { role?: unknown; content?: unknown } => m !== null && typeof m === "object")
    .map((m) => ({ role: typeof m.role === "string" ? m.role : "user", content: typeof m.content === "string" ? m.content : "" }));
}

export function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

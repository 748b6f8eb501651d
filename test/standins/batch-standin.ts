// A stand-in for the OpenAI Batch API (the shapes of openai/resources/batches and files): POST
// /v1/files (multipart, purpose "batch"), GET /v1/files/{id}/content, POST /v1/batches, GET
// /v1/batches/{id}, plus GET /v1/models for the chat adapter's prepare and a live POST
// /v1/chat/completions (for what a run makes live after a batch). Each status poll moves a batch
// one step: validating → in_progress (held while `hold` is true) → finalizing → completed, or
// expired. The next `failCount` requests get a 500 in the error file. A request for structured output
// (a judge's) is answered with `judgeAnswer`.
//
//   const s = await startBatchStandin({ models: ["standin-model"] });
//   ... OPENAI_BASE_URL = s.baseUrl ...; s.hold = true; s.failCount = 3; s.expireNext = true;

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface StoredBatch {
  id: string;
  inputFileId: string;
  status: string;
  outputFileId: string | null;
  errorFileId: string | null;
  total: number;
  completed: number;
  failed: number;
  expire: boolean;
}

export interface BatchStandin {
  baseUrl: string;
  /** Hold batches in_progress (a run polls without end). */
  hold: boolean;
  /** The next requests answered fail, this many, with a 500 in the error file. */
  failCount: number;
  /** The next batch created expires after answering half of its requests. */
  expireNext: boolean;
  uploads: number;
  creates: number;
  polls: number;
  /** Every custom_id submitted, in order (repeats show a request asked twice). */
  submitted: string[];
  /** The answer to a request for structured output (a judge's): this JSON text. */
  judgeAnswer: string;
  /** Live POST /v1/chat/completions calls answered (the Batch API aside). */
  liveCalls: number;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

/** The file part of a multipart body: what follows the part's blank line, up to the next boundary. */
function filePart(raw: Buffer, contentType: string): string {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1]?.replace(/"/g, "") ?? "";
  for (const part of raw.toString("utf8").split(`--${boundary}`)) {
    if (!/name="file"/.test(part)) continue;
    const start = part.indexOf("\r\n\r\n");
    return part.slice(start + 4).replace(/\r\n$/, "");
  }
  return "";
}

export async function startBatchStandin(): Promise<BatchStandin> {
  const files = new Map<string, string>();
  const batches = new Map<string, StoredBatch>();
  let n = 0;
  const state: Omit<BatchStandin, "baseUrl" | "close"> = {
    hold: false,
    failCount: 0,
    expireNext: false,
    uploads: 0,
    creates: 0,
    polls: 0,
    submitted: [],
    judgeAnswer: '{"safe":true,"rationale":"batch judge"}',
    liveCalls: 0,
  };
  const send = (res: import("node:http").ServerResponse, status: number, value: unknown, type = "application/json") => {
    res.writeHead(status, { "content-type": type });
    res.end(typeof value === "string" ? value : JSON.stringify(value));
  };
  const view = (b: StoredBatch) => ({
    id: b.id,
    object: "batch",
    endpoint: "/v1/chat/completions",
    input_file_id: b.inputFileId,
    completion_window: "24h",
    status: b.status,
    created_at: 1_700_000_000,
    output_file_id: b.outputFileId ?? undefined,
    error_file_id: b.errorFileId ?? undefined,
    request_counts: { total: b.total, completed: b.completed, failed: b.failed },
  });
  const finish = (b: StoredBatch) => {
    const lines = (files.get(b.inputFileId) ?? "").split("\n").filter((l) => l.trim());
    const out: string[] = [];
    const err: string[] = [];
    lines.forEach((l, i) => {
      const req = JSON.parse(l) as { custom_id: string; body: { model: string; messages: Array<{ content: string }>; response_format?: unknown } };
      if (b.expire && i >= Math.floor(lines.length / 2)) {
        err.push(
          JSON.stringify({
            id: `r${i}`,
            custom_id: req.custom_id,
            response: null,
            error: { code: "batch_expired", message: "This request could not be executed before the completion window expired." },
          }),
        );
        return;
      }
      if (state.failCount > 0) {
        state.failCount--;
        err.push(
          JSON.stringify({
            id: `r${i}`,
            custom_id: req.custom_id,
            response: { status_code: 500, request_id: `q${i}`, body: { error: { message: "server error", type: "server_error" } } },
            error: null,
          }),
        );
        return;
      }
      const text = req.body.response_format ? state.judgeAnswer : `Batch answer to: ${req.body.messages.at(-1)?.content ?? ""}`;
      const completion = {
        id: `chatcmpl-${i}`,
        object: "chat.completion",
        created: 1_700_000_000,
        model: req.body.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
      };
      out.push(JSON.stringify({ id: `r${i}`, custom_id: req.custom_id, response: { status_code: 200, request_id: `q${i}`, body: completion }, error: null }));
    });
    b.completed = out.length;
    b.failed = err.length;
    if (out.length > 0) {
      b.outputFileId = `file-out-${b.id}`;
      files.set(b.outputFileId, `${out.join("\n")}\n`);
    }
    if (err.length > 0) {
      b.errorFileId = `file-err-${b.id}`;
      files.set(b.errorFileId, `${err.join("\n")}\n`);
    }
    b.status = b.expire ? "expired" : "completed";
  };
  const server: Server = createServer(async (req, res) => {
    const raw = await body(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && path === "/v1/models")
      return send(res, 200, { object: "list", data: [{ id: "standin-model", object: "model", created: 0, owned_by: "standin" }] });
    if (req.method === "POST" && path === "/v1/chat/completions") {
      const asked = JSON.parse(raw.toString("utf8")) as { model: string; messages: Array<{ content: string }>; response_format?: unknown };
      state.liveCalls++;
      const text = asked.response_format ? state.judgeAnswer : `Live answer to: ${asked.messages.at(-1)?.content ?? ""}`;
      return send(res, 200, {
        id: `chatcmpl-live-${state.liveCalls}`,
        object: "chat.completion",
        created: 1_700_000_000,
        model: asked.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
      });
    }
    if (req.method === "POST" && path === "/v1/files") {
      const text = filePart(raw, req.headers["content-type"] ?? "");
      const id = `file-${++n}`;
      files.set(id, text);
      state.uploads++;
      return send(res, 200, {
        id,
        object: "file",
        bytes: text.length,
        created_at: 1_700_000_000,
        filename: "input.jsonl",
        purpose: "batch",
        status: "processed",
      });
    }
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (req.method === "GET" && content?.[1]) {
      const text = files.get(content[1]);
      return text === undefined ? send(res, 404, { error: { message: "No such file" } }) : send(res, 200, text, "application/octet-stream");
    }
    if (req.method === "POST" && path === "/v1/batches") {
      const params = JSON.parse(raw.toString("utf8")) as { input_file_id: string };
      const input = files.get(params.input_file_id) ?? "";
      const ids = input
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => (JSON.parse(l) as { custom_id: string }).custom_id);
      state.submitted.push(...ids);
      state.creates++;
      const b: StoredBatch = {
        id: `batch_${++n}`,
        inputFileId: params.input_file_id,
        status: "validating",
        outputFileId: null,
        errorFileId: null,
        total: ids.length,
        completed: 0,
        failed: 0,
        expire: state.expireNext,
      };
      state.expireNext = false;
      batches.set(b.id, b);
      return send(res, 200, view(b));
    }
    const one = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (req.method === "GET" && one?.[1]) {
      const b = batches.get(one[1]);
      if (!b) return send(res, 404, { error: { message: "No such batch" } });
      state.polls++;
      if (b.status === "validating") b.status = "in_progress";
      else if (b.status === "in_progress" && !state.hold) b.status = "finalizing";
      else if (b.status === "finalizing") finish(b);
      return send(res, 200, view(b));
    }
    send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

// The OpenAI Batch API for `vc run --batch` (docs/scale.md): upload a JSONL input file
// (purpose "batch"), create a batch on /v1/chat/completions with a 24 h window, read its status, and
// download its output and error files. Same base URL, key and headers as the chat adapter; failures
// come back as ProviderFailures, never thrown.

import OpenAI, { toFile } from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import type { PlanModel } from "../core/plan.js";
import { openaiBaseUrl, safeUrl } from "./endpoints.js";
import { errorMessage, failure } from "./failure.js";
import { resolveApiKey } from "./openai.js";
import type { ChatRequest, ProviderEnv, ProviderFailure } from "./types.js";

export type BatchStatus = "validating" | "failed" | "in_progress" | "finalizing" | "completed" | "expired" | "cancelling" | "cancelled";

export interface BatchState {
  id: string;
  status: BatchStatus;
  outputFileId: string | null;
  errorFileId: string | null;
  counts: { total: number; completed: number; failed: number };
  /** Why the batch failed validation, when it did. */
  errors: string[];
}

export type BatchResult<T> = { ok: true; value: T } | { ok: false; failure: ProviderFailure };

/** One line of a Batch API input file. */
export interface BatchInputLine {
  custom_id: string;
  method: "POST";
  url: "/v1/chat/completions";
  body: ChatCompletionCreateParamsNonStreaming;
}

/** The request body the chat adapter would send, as a batch input line (custom_id = step id). */
export function batchLine(customId: string, modelName: string, request: Omit<ChatRequest, "timeoutMs" | "signal">): BatchInputLine {
  const body: ChatCompletionCreateParamsNonStreaming = { model: modelName, messages: request.messages.map((m) => ({ role: m.role, content: m.content })) };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.responseFormat) {
    body.response_format = { type: "json_schema", json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema, strict: true } };
  }
  return { custom_id: customId, method: "POST", url: "/v1/chat/completions", body };
}

export class OpenAIBatchClient {
  readonly endpoint: string;
  private readonly client: OpenAI | null;
  private readonly keyProblem: string | null;

  constructor(model: PlanModel, env: ProviderEnv) {
    const baseUrl = openaiBaseUrl(model, env);
    this.endpoint = safeUrl(baseUrl);
    const key = resolveApiKey(model, env, baseUrl);
    this.keyProblem = key.ok ? null : key.message;
    this.client = key.ok
      ? new OpenAI({
          apiKey: key.key,
          baseURL: baseUrl,
          organization: env["OPENAI_ORG_ID"] ?? null,
          project: env["OPENAI_PROJECT_ID"] ?? null,
          adminAPIKey: null,
          webhookSecret: null,
          defaultHeaders: model.headers,
          maxRetries: 2,
        })
      : null;
  }

  /** Upload `jsonl` as a batch input file; its file id. */
  upload(name: string, jsonl: string): Promise<BatchResult<string>> {
    return this.call(async (c) => (await c.files.create({ file: await toFile(Buffer.from(jsonl, "utf8"), name), purpose: "batch" })).id);
  }

  create(inputFileId: string, metadata: Record<string, string>): Promise<BatchResult<BatchState>> {
    return this.call(async (c) =>
      stateOf(await c.batches.create({ input_file_id: inputFileId, endpoint: "/v1/chat/completions", completion_window: "24h", metadata })),
    );
  }

  retrieve(id: string): Promise<BatchResult<BatchState>> {
    return this.call(async (c) => stateOf(await c.batches.retrieve(id)));
  }

  /** A file's whole text (output and error files are JSONL). */
  content(fileId: string): Promise<BatchResult<string>> {
    return this.call(async (c) => (await c.files.content(fileId)).text());
  }

  private async call<T>(work: (client: OpenAI) => Promise<T>): Promise<BatchResult<T>> {
    if (!this.client) return { ok: false, failure: failure("auth", this.keyProblem ?? "no API key") };
    try {
      return { ok: true, value: await work(this.client) };
    } catch (err) {
      if (err instanceof OpenAI.APIError) {
        const status = typeof err.status === "number" ? err.status : null;
        const kind =
          status === 401 || status === 403
            ? "auth"
            : status === 404
              ? "not_found"
              : status !== null && status >= 500
                ? "server"
                : status === 429
                  ? "rate_limit"
                  : status === null
                    ? "connection"
                    : "bad_request";
        return { ok: false, failure: failure(kind, `${this.endpoint}: ${err.message}`, { status }) };
      }
      return { ok: false, failure: failure("connection", `${this.endpoint}: ${errorMessage(err)}`) };
    }
  }
}

function stateOf(b: OpenAI.Batches.Batch): BatchState {
  const counts = b.request_counts ?? { total: 0, completed: 0, failed: 0 };
  return {
    id: b.id,
    status: b.status,
    outputFileId: b.output_file_id ?? null,
    errorFileId: b.error_file_id ?? null,
    counts: { total: counts.total, completed: counts.completed, failed: counts.failed },
    errors: (b.errors?.data ?? []).map((e) => e.message ?? e.code ?? "error"),
  };
}

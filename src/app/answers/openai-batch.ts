// OpenAI Batch API output files: one line per request, {id, custom_id, response: {status_code,
// request_id, body}, error}. For /v1/chat/completions the body is a chat completion (model, choices,
// usage). The custom_id is the caller's: value-compass reads `item`, `item|culture|usecase|sample`
// or any id together with the batch *input* file (its lines carry the same custom_id and the request's
// messages, whose last user turn is then matched as the prompt). Lines with an error are reported.

import { AnswersError, isRecord, jsonLines, modelIdOf, num, type ReadAnswers, str } from "./types.js";

export function isBatchOutput(value: unknown): boolean {
  return isRecord(value) && typeof value["custom_id"] === "string" && "response" in value;
}

export function isBatchInput(value: unknown): boolean {
  return isRecord(value) && typeof value["custom_id"] === "string" && isRecord(value["body"]) && typeof value["url"] === "string";
}

function lastUser(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (isRecord(m) && m["role"] === "user" && typeof m["content"] === "string") return m["content"];
  }
  return null;
}

/** What a batch input line asked: its last user turn and the model as requested. */
export interface BatchRequestLine {
  prompt: string | null;
  model: string | null;
}

/** custom_id → request, from a batch input file. */
export function readBatchInput(text: string, file: string): Map<string, BatchRequestLine> {
  const requests = new Map<string, BatchRequestLine>();
  for (const { line, value } of jsonLines(text, file)) {
    if (!isBatchInput(value)) throw new AnswersError(`${file}:${line}: not an OpenAI batch input line (custom_id, url, body)`);
    const v = value as Record<string, unknown>;
    const body = v["body"] as Record<string, unknown>;
    requests.set(v["custom_id"] as string, { prompt: lastUser(body["messages"]), model: str(body["model"]) });
  }
  return requests;
}

export function readBatchOutput(text: string, file: string, requests: ReadonlyMap<string, BatchRequestLine>): ReadAnswers {
  const out: ReadAnswers = { answers: [], skipped: [] };
  for (const { line, value } of jsonLines(text, file)) {
    if (!isBatchOutput(value)) throw new AnswersError(`${file}:${line}: not an OpenAI batch output line (custom_id, response)`);
    const v = value as Record<string, unknown>;
    const customId = v["custom_id"] as string;
    const response = isRecord(v["response"]) ? v["response"] : null;
    const body = response && isRecord(response["body"]) ? response["body"] : null;
    const status = response ? num(response["status_code"]) : null;
    if (!body || status !== 200) {
      const error = isRecord(v["error"]) ? str(v["error"]["message"]) : body && isRecord(body["error"]) ? str(body["error"]["message"]) : null;
      out.skipped.push({ file, line, reason: `request ${customId} failed${status !== null ? ` (HTTP ${status})` : ""}${error ? `: ${error}` : ""}` });
      continue;
    }
    const choices = Array.isArray(body["choices"]) ? body["choices"] : [];
    const first: unknown = choices[0];
    const message = isRecord(first) && isRecord(first["message"]) ? first["message"] : null;
    const answer = message ? str(message["content"]) : null;
    const request = requests.get(customId);
    // The model as requested (the body names the dated snapshot that answered, e.g. gpt-4o-2024-08-06).
    const model = request?.model ?? str(body["model"]);
    if (answer === null || model === null) {
      out.skipped.push({ file, line, reason: `request ${customId}: no message content or model in the response body` });
      continue;
    }
    const usage = isRecord(body["usage"]) ? body["usage"] : {};
    const parts = customId.split("|");
    const prompt = request?.prompt ?? null;
    out.answers.push({
      file,
      line,
      model: modelIdOf(model),
      // With the input file the prompt decides; without it the custom_id must name the item.
      item: prompt !== null ? null : (parts[0] ?? customId),
      prompt,
      culture: prompt === null && parts[1] ? parts[1] : null,
      usecase: prompt === null && parts[2] ? parts[2] : null,
      sample: prompt === null && parts[3] !== undefined ? num(parts[3]) : null,
      answer,
      latencyMs: null,
      tokensIn: num(usage["prompt_tokens"]),
      tokensOut: num(usage["completion_tokens"]),
      finishReason: isRecord(first) ? str(first["finish_reason"]) : null,
    });
  }
  return out;
}

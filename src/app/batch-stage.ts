// `vc run --batch`: the steps of `openai:` models go through the OpenAI Batch API instead of live
// calls (docs/scale.md). The requests are written as a Batch API input file (custom_id = step id),
// uploaded, and a batch is created; its id goes to batch/state.json at once, so a killed run
// re-attaches with --resume instead of submitting again. The batch is polled with backoff (a line per
// change of its counts), its output and error files are downloaded, and every answer is journaled as a
// step. Failed or expired requests are retried as a new batch (up to the run's `retries`) or left to
// the live executor, as the user chose (--batch-retry batch|live).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PlanStep } from "../core/plan.js";
import type { StepRecord } from "../core/records.js";
import { batchLine, OpenAIBatchClient, type BatchState } from "../providers/openai-batch.js";
import type { ChatResult, ProviderEnv, ProviderFailure } from "../providers/types.js";
import type { CallerModel, ModelRequest } from "../run/calls.js";
import { requestOf, stepRecord } from "../run/execute.js";

export const BATCH_DIR = "batch";
export const BATCH_STATE_FILE = "state.json";
/** The Batch API takes at most 50,000 requests per batch. */
const MAX_PER_BATCH = 50_000;

export interface BatchSettings {
  /** Failed requests: a new batch, or the live executor. */
  retry: "batch" | "live";
  /** First wait between polls (ms); it grows ×1.5 up to maxPollMs while nothing changes. */
  pollMs: number;
  maxPollMs: number;
}

/** A resumed run with batches and no --batch on its command line: re-attach with these. */
export const DEFAULT_BATCH: BatchSettings = { retry: "batch", pollMs: 10_000, maxPollMs: 300_000 };

interface SubmittedBatch {
  id: string;
  model: string;
  round: number;
  inputFile: string;
  collected: boolean;
  status: string;
  /** "judge": judge calls of a scoring pass (absent: the steps). */
  purpose?: "judge";
  /** A judge batch's scoring pass (e.g. "after openai:m", "end"): a resumed pass re-attaches to it. */
  scope?: string;
  /** A collected judge batch's answers, kept so a pass killed after collecting them needs no network. */
  outputFile?: string;
  /** Which MAX_PER_BATCH slice of its pass's requests to one judge a judge batch holds (absent: 0). */
  part?: number;
}

interface BatchFile {
  batches: SubmittedBatch[];
}

export interface BatchInput {
  runDir: string;
  steps: Iterable<PlanStep>;
  done: Set<string>;
  models: readonly CallerModel[];
  env: ProviderEnv;
  retries: number;
  settings: BatchSettings;
  journalStep(record: StepRecord): void;
  note(message: string): void;
  signal: AbortSignal;
  /** Injected wait (tests); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BatchOutcome {
  submitted: number;
  answered: number;
  failed: number;
  /** Batches that expired before every request was answered. */
  expired: string[];
  /** A failure that stopped the batch work (upload refused, batch failed validation). */
  stop: ProviderFailure | null;
}

/** Run every not-yet-done step of the `openai:` models in `input.models` through the Batch API. */
export async function runBatches(input: BatchInput): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { submitted: 0, answered: 0, failed: 0, expired: [], stop: null };
  const dir = join(input.runDir, BATCH_DIR);
  mkdirSync(dir, { recursive: true });
  const statePath = join(dir, BATCH_STATE_FILE);
  const state: BatchFile = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, "utf8")) as BatchFile) : { batches: [] };
  const save = () => writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`);
  const batched = new Map(input.models.filter((m) => m.model.provider === "openai").map((m) => [m.model.id, m]));
  const pending = new Map<string, PlanStep>();
  for (const step of input.steps) if (batched.has(step.model) && !input.done.has(step.id)) pending.set(step.id, step);
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const rounds = new Map<string, number>();
  // The latest failure of each request that failed in a batch (journaled when no retry is left).
  const lastFailure = new Map<string, ProviderFailure>();

  // Re-attach first: a batch submitted by an earlier session is collected, never submitted again.
  for (const b of state.batches) {
    if (b.collected || b.purpose === "judge" || input.signal.aborted) continue;
    const entry = batched.get(b.model);
    if (!entry) continue;
    input.note(`batch ${b.id} (${b.model}): re-attached`);
    const done = await follow(input, new OpenAIBatchClient(entry.model, input.env), b, { pending, outcome, lastFailure }, sleep);
    if (done === "stopped") return outcome;
    for (const id of done) rounds.set(id, b.round);
    b.collected = true;
    save();
  }

  for (const [modelId, entry] of batched) {
    const client = new OpenAIBatchClient(entry.model, input.env);
    let round = Math.max(0, ...state.batches.filter((b) => b.model === modelId && b.purpose !== "judge").map((b) => b.round + 1));
    for (;;) {
      if (input.signal.aborted || outcome.stop) return outcome;
      const mine = [...pending.values()].filter((s) => s.model === modelId && (rounds.get(s.id) ?? -1) < round);
      // Failed requests of an earlier round: retried as a batch only while rounds are left.
      const retryable = mine.filter((s) => !rounds.has(s.id) || (input.settings.retry === "batch" && round <= input.retries));
      if (retryable.length === 0) break;
      for (let start = 0; start < retryable.length; start += MAX_PER_BATCH) {
        const chunk = retryable.slice(start, start + MAX_PER_BATCH);
        const name = `input-${state.batches.length + 1}.jsonl`;
        const jsonl = chunk.map((s) => JSON.stringify(batchLine(s.id, entry.model.name, requestOf(s)))).join("\n");
        writeFileSync(join(dir, name), `${jsonl}\n`);
        const file = await client.upload(name, `${jsonl}\n`);
        if (!file.ok) return stopWith(outcome, file.failure);
        const created = await client.create(file.value, { run: input.runDir.split(/[\\/]/).pop() ?? "", round: String(round) });
        if (!created.ok) return stopWith(outcome, created.failure);
        const b: SubmittedBatch = { id: created.value.id, model: modelId, round, inputFile: name, collected: false, status: created.value.status };
        state.batches.push(b);
        save();
        outcome.submitted += chunk.length;
        input.note(`batch ${b.id} (${modelId}): ${chunk.length} requests submitted${round > 0 ? ` (retry round ${round})` : ""}`);
        const done = await follow(input, client, b, { pending, outcome, lastFailure }, sleep);
        if (done === "stopped") return outcome;
        for (const id of done) rounds.set(id, round);
        b.collected = true;
        save();
      }
      round++;
      if (input.settings.retry === "live") break;
    }
    // Out of rounds: what is still failing is journaled as failed (live retry leaves it to the executor).
    if (input.settings.retry === "batch") {
      for (const step of [...pending.values()].filter((s) => s.model === modelId && rounds.has(s.id))) {
        input.journalStep({
          ...stepRecord(step, { result: failedResult(lastFailure.get(step.id)), attempts: (rounds.get(step.id) ?? 0) + 1, cached: false }, false),
          latencyMs: null,
        });
        input.done.add(step.id);
        pending.delete(step.id);
        outcome.failed++;
      }
    }
  }
  return outcome;
}

function failedResult(f: ProviderFailure | undefined): ChatResult {
  return { ok: false, failure: f ?? { kind: "server", message: "the batch did not answer this request", status: null, retryAfterMs: null } };
}

function stopWith(outcome: BatchOutcome, failure: ProviderFailure): BatchOutcome {
  outcome.stop = failure;
  return outcome;
}

/**
 * Poll one batch to its end and collect it: answered steps are journaled and leave `pending`; the ids
 * of the requests that failed or were not answered come back. "stopped": interrupted, or the batch
 * could not be read (it stays in state.json for --resume).
 */
async function follow(
  input: BatchInput,
  client: OpenAIBatchClient,
  b: SubmittedBatch,
  book: Book,
  sleep: (ms: number) => Promise<void>,
): Promise<string[] | "stopped"> {
  const { pending, outcome } = book;
  const polled = await pollBatch(input, client, b, sleep);
  if (!polled.ok) {
    if (polled.failure) stopWith(outcome, polled.failure);
    return "stopped";
  }
  const state = polled.state;
  if (state.status === "failed") {
    stopWith(outcome, {
      kind: "bad_request",
      message: `batch ${b.id} failed validation: ${state.errors.join("; ") || "no reason given"}`,
      status: null,
      retryAfterMs: null,
    });
    return "stopped";
  }
  const asked = new Set<string>();
  const inputText = readFileSync(join(input.runDir, BATCH_DIR, b.inputFile), "utf8");
  for (const l of inputText.split("\n")) if (l.trim()) asked.add((JSON.parse(l) as { custom_id: string }).custom_id);
  for (const fileId of [state.outputFileId, state.errorFileId]) {
    if (fileId === null) continue;
    const text = await client.content(fileId);
    if (!text.ok) {
      stopWith(outcome, text.failure);
      return "stopped";
    }
    for (const l of text.value.split("\n")) {
      if (!l.trim()) continue;
      collectLine(input, JSON.parse(l) as OutputLine, book, b);
    }
  }
  const unanswered = [...asked].filter((id) => pending.has(id));
  if (state.status === "expired") {
    outcome.expired.push(b.id);
    input.note(
      `batch ${b.id} (${b.model}): expired with ${unanswered.length} of ${asked.size} requests unanswered; ${input.settings.retry === "batch" ? "they are retried as a new batch" : "they are run live"}`,
    );
  } else if (unanswered.length > 0) {
    input.note(
      `batch ${b.id} (${b.model}): ${unanswered.length} of ${asked.size} requests failed; ${input.settings.retry === "batch" ? "retried as a new batch" : "run live"}`,
    );
  }
  return unanswered;
}

type Polled = { ok: true; state: BatchState } | { ok: false; failure: ProviderFailure | null };

/** Poll a batch until it ends (completed, expired, cancelled, failed), a line per change of its counts. */
async function pollBatch(
  input: Pick<BatchInput, "settings" | "note" | "signal">,
  client: OpenAIBatchClient,
  b: SubmittedBatch,
  sleep: (ms: number) => Promise<void>,
): Promise<Polled> {
  let wait = input.settings.pollMs;
  let shown = "";
  for (;;) {
    const read = await client.retrieve(b.id);
    if (!read.ok) return { ok: false, failure: read.failure };
    const state = read.value;
    b.status = state.status;
    const line = `${state.status}, ${state.counts.completed + state.counts.failed} of ${state.counts.total} done${state.counts.failed ? ` (${state.counts.failed} failed)` : ""}`;
    if (line !== shown) {
      input.note(`batch ${b.id} (${b.model}): ${line}`);
      shown = line;
      wait = input.settings.pollMs;
    } else {
      wait = Math.min(input.settings.maxPollMs, Math.round(wait * 1.5));
    }
    if (state.status === "completed" || state.status === "expired" || state.status === "cancelled" || state.status === "failed") return { ok: true, state };
    if (input.signal.aborted) return { ok: false, failure: null };
    await sleep(wait);
    if (input.signal.aborted) return { ok: false, failure: null };
  }
}

interface OutputLine {
  custom_id?: string;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

/** What the batches of one run keep track of: steps not yet answered, the tally, the last failures. */
interface Book {
  pending: Map<string, PlanStep>;
  outcome: BatchOutcome;
  lastFailure: Map<string, ProviderFailure>;
}

function collectLine(input: BatchInput, line: OutputLine, book: Book, b: SubmittedBatch): void {
  const { pending, outcome, lastFailure } = book;
  const id = line.custom_id;
  if (typeof id !== "string") return;
  const step = pending.get(id);
  if (!step) return;
  const status = line.response?.status_code ?? null;
  const body = line.response?.body as
    | {
        choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }>;
        usage?: { prompt_tokens?: number; completion_tokens?: number };
        system_fingerprint?: unknown;
      }
    | undefined;
  const text = body?.choices?.[0]?.message?.content;
  if (status === 200 && typeof text === "string") {
    const finish = body?.choices?.[0]?.finish_reason;
    const result: ChatResult = {
      ok: true,
      response: {
        text,
        tokensIn: body?.usage?.prompt_tokens ?? null,
        tokensOut: body?.usage?.completion_tokens ?? null,
        latencyMs: 0,
        finishReason: typeof finish === "string" ? finish : null,
        fingerprint: typeof body?.system_fingerprint === "string" ? body.system_fingerprint : null,
      },
    };
    // A batch answer has no latency of its own: the column stays empty rather than invented.
    input.journalStep({ ...stepRecord(step, { result, attempts: b.round + 1, cached: false }, false), latencyMs: null });
    input.done.add(id);
    pending.delete(id);
    outcome.answered++;
    return;
  }
  const message = line.error?.message ?? (body as { error?: { message?: string } } | undefined)?.error?.message ?? `status ${status ?? "unknown"}`;
  lastFailure.set(id, {
    kind: status !== null && status >= 500 ? "server" : status === 429 ? "rate_limit" : "bad_request",
    message: `batch ${b.id}: ${message}`,
    status,
    retryAfterMs: null,
  });
}

// ---------------------------------------------------------------------------------------------------
// Judge calls of a scoring pass through the Batch API (`run --batch` with an `openai:` judge)

/** One judge call a scoring pass would make: custom_id = step id + scorer. */
export interface JudgeBatchRequest {
  customId: string;
  model: string;
  request: ModelRequest;
}

export interface JudgeBatchInput {
  runDir: string;
  /** The scoring pass ("after MODEL", "end"): one batch per pass and judge model; a resumed pass re-attaches. */
  scope: string;
  requests: readonly JudgeBatchRequest[];
  models: readonly CallerModel[];
  env: ProviderEnv;
  settings: BatchSettings;
  note(message: string): void;
  signal: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

/** The judges' answers by custom_id; what a batch did not answer is left to live calls. */
export interface JudgeBatchOutcome {
  answers: Map<string, ChatResult>;
  submitted: number;
  /** A failure that stopped the batch work; the pass then calls its judges live. */
  stop: ProviderFailure | null;
}

/** The models whose judge calls can go through the Batch API. */
export function batchableJudges(models: readonly CallerModel[]): Set<string> {
  return new Set(models.filter((m) => m.model.provider === "openai").map((m) => m.model.id));
}

/**
 * Send a scoring pass's judge calls as one batch per judge model (or re-attach to the batch an earlier
 * session of the same pass submitted), wait for it, and return the answers by custom_id.
 */
export async function runJudgeBatches(input: JudgeBatchInput): Promise<JudgeBatchOutcome> {
  const outcome: JudgeBatchOutcome = { answers: new Map(), submitted: 0, stop: null };
  const dir = join(input.runDir, BATCH_DIR);
  mkdirSync(dir, { recursive: true });
  const statePath = join(dir, BATCH_STATE_FILE);
  const state: BatchFile = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, "utf8")) as BatchFile) : { batches: [] };
  const save = () => writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`);
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const byModel = new Map<string, JudgeBatchRequest[]>();
  for (const r of input.requests) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
  for (const [modelId, all] of byModel) {
    const entry = input.models.find((m) => m.model.id === modelId);
    if (!entry || input.signal.aborted) continue;
    const client = new OpenAIBatchClient(entry.model, input.env);
    // At most MAX_PER_BATCH requests a batch: a pass with more sends several (part 0, 1, …).
    for (let part = 0; part * MAX_PER_BATCH < all.length; part++) {
      const requests = all.slice(part * MAX_PER_BATCH, (part + 1) * MAX_PER_BATCH);
      const earlier = state.batches.find((b) => b.purpose === "judge" && b.scope === input.scope && b.model === modelId && (b.part ?? 0) === part);
      let b: SubmittedBatch;
      if (earlier?.collected && earlier.outputFile && existsSync(join(dir, earlier.outputFile))) {
        readJudgeOutput(readFileSync(join(dir, earlier.outputFile), "utf8"), outcome.answers);
        continue;
      }
      if (earlier) {
        b = earlier;
        input.note(`batch ${b.id} (${modelId}, judge calls of scoring ${input.scope}): re-attached`);
      } else {
        const name = `judge-input-${state.batches.length + 1}.jsonl`;
        const jsonl = requests.map((r) => JSON.stringify(batchLine(r.customId, entry.model.name, r.request))).join("\n");
        writeFileSync(join(dir, name), `${jsonl}\n`);
        const file = await client.upload(name, `${jsonl}\n`);
        if (!file.ok) return { ...outcome, stop: file.failure };
        const created = await client.create(file.value, { run: input.runDir.split(/[\\/]/).pop() ?? "", scoring: input.scope });
        if (!created.ok) return { ...outcome, stop: created.failure };
        b = {
          id: created.value.id,
          model: modelId,
          round: 0,
          inputFile: name,
          collected: false,
          status: created.value.status,
          purpose: "judge",
          scope: input.scope,
          part,
        };
        state.batches.push(b);
        save();
        outcome.submitted += requests.length;
        input.note(`batch ${b.id} (${modelId}): ${requests.length} judge calls of scoring ${input.scope} submitted`);
      }
      const polled = await pollBatch(input, client, b, sleep);
      if (!polled.ok) return { ...outcome, stop: polled.failure };
      if (polled.state.status === "failed") {
        return {
          ...outcome,
          stop: {
            kind: "bad_request",
            message: `batch ${b.id} failed validation: ${polled.state.errors.join("; ") || "no reason given"}`,
            status: null,
            retryAfterMs: null,
          },
        };
      }
      let text = "";
      for (const fileId of [polled.state.outputFileId, polled.state.errorFileId]) {
        if (fileId === null) continue;
        const content = await client.content(fileId);
        if (!content.ok) return { ...outcome, stop: content.failure };
        text += content.value.endsWith("\n") || content.value === "" ? content.value : `${content.value}\n`;
      }
      const before = outcome.answers.size;
      readJudgeOutput(text, outcome.answers);
      const answered = outcome.answers.size - before;
      b.outputFile = `judge-output-${state.batches.indexOf(b) + 1}.jsonl`;
      writeFileSync(join(dir, b.outputFile), text);
      b.collected = true;
      save();
      if (answered < requests.length) {
        input.note(
          `batch ${b.id} (${modelId}): ${requests.length - answered} of ${requests.length} judge calls ${polled.state.status === "expired" ? "unanswered (the batch expired)" : "failed"}; they are made live`,
        );
      }
    }
  }
  return outcome;
}

/** The successful answers of a judge batch's output (failed lines are left to live calls). */
function readJudgeOutput(text: string, answers: Map<string, ChatResult>): void {
  for (const l of text.split("\n")) {
    if (!l.trim()) continue;
    const line = JSON.parse(l) as OutputLine;
    if (typeof line.custom_id !== "string") continue;
    const result = resultOfLine(line);
    if (result) answers.set(line.custom_id, result);
  }
}

/** A 200 answer with message content as a ChatResult; null for anything else. */
function resultOfLine(line: OutputLine): ChatResult | null {
  const body = line.response?.body as
    | {
        choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }>;
        usage?: { prompt_tokens?: number; completion_tokens?: number };
        system_fingerprint?: unknown;
      }
    | undefined;
  const text = body?.choices?.[0]?.message?.content;
  if (line.response?.status_code !== 200 || typeof text !== "string") return null;
  const finish = body?.choices?.[0]?.finish_reason;
  return {
    ok: true,
    response: {
      text,
      tokensIn: body?.usage?.prompt_tokens ?? null,
      tokensOut: body?.usage?.completion_tokens ?? null,
      latencyMs: 0,
      finishReason: typeof finish === "string" ? finish : null,
      fingerprint: typeof body?.system_fingerprint === "string" ? body.system_fingerprint : null,
    },
  };
}

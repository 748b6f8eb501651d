// The exec adapter: a local command is the model. The command comes only from the model id
// ("exec:python3 answer.py", written in a spec or on the command line), split into argv without a
// shell (command-line.ts), run with execa in the spec's folder.
//
// Input on stdin:
//   - plain (default): the message contents in order, separated by a blank line, roles dropped: for
//     the usual template that is the system prompt, a blank line, then the user prompt;
//   - json_io: the ChatRequest as one JSON object
//     {"messages": [...], "temperature", "top_p", "seed", "max_tokens", "responseFormat", "timeoutMs"}
//     (absent parameters are omitted).
// Output on stdout: the answer as plain text (one final newline stripped). With json_io, stdout may
// instead be an envelope {"text": "...", "tokensIn"?: n, "tokensOut"?: n, "finishReason"?: s}; any
// other stdout (including JSON without a string "text") is the answer itself.
// The child's environment is the minimal one of secrets.ts `childEnv` taken from ProviderEnv (never
// merged with process.env): PATH, HOME, the locale, temporary folders, the model's api_key_env and
// the names the user lists in VC_EXEC_ENV; no other key or token reaches the command.

import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, isAbsolute, resolve } from "node:path";
import { execa } from "execa";
import type { PlanModel } from "../core/plan.js";
import { splitCommand, type SplitResult } from "./command-line.js";
import { startDeadline } from "./deadline.js";
import { clip, failure } from "./failure.js";
import { childEnv, makeRedactor, redactFailure, secretValues, type Redactor } from "./secrets.js";
import type { ChatRequest, ChatResponse, ChatResult, ModelInfo, PrepareOptions, PrepareResult, Provider, ProviderEnv, ProviderFailure } from "./types.js";

/** Captured stderr is cut to its last 2 KB: errors and tracebacks end there. */
export const STDERR_LIMIT_BYTES = 2048;
/** After SIGTERM on timeout, SIGKILL follows this much later. */
const FORCE_KILL_AFTER_MS = 2000;

export interface ExecOptions {
  /** Folder the command runs in (the entry spec's folder); default: the process's working directory. */
  cwd?: string;
}

export function promptText(messages: ChatRequest["messages"]): string {
  return messages.map((m) => m.content).join("\n\n");
}

export function requestJson(request: ChatRequest): string {
  const out: Record<string, unknown> = { messages: request.messages.map((m) => ({ role: m.role, content: m.content })) };
  if (request.temperature !== undefined) out["temperature"] = request.temperature;
  if (request.top_p !== undefined) out["top_p"] = request.top_p;
  if (request.seed !== undefined) out["seed"] = request.seed;
  if (request.max_tokens !== undefined) out["max_tokens"] = request.max_tokens;
  if (request.responseFormat) out["responseFormat"] = request.responseFormat;
  out["timeoutMs"] = request.timeoutMs;
  return JSON.stringify(out);
}

/** Keep the last `limit` bytes of UTF-8 text, without splitting a character. */
export function tailBytes(text: string, limit: number = STDERR_LIMIT_BYTES): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return text;
  let start = bytes.length - limit;
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return `…${bytes.subarray(start).toString("utf8")}`;
}

export class ExecProvider implements Provider {
  readonly kind = "exec" as const;
  readonly id: string;
  private readonly model: PlanModel;
  private readonly argv: SplitResult;
  private readonly env: ProviderEnv;
  private readonly cwd: string;
  private readonly redact: Redactor;

  constructor(model: PlanModel, env: ProviderEnv, options: ExecOptions = {}) {
    this.id = model.id;
    this.model = model;
    this.argv = splitCommand(model.name);
    this.env = env;
    this.cwd = options.cwd ?? process.cwd();
    this.redact = makeRedactor(secretValues(env, model.apiKeyEnv ? [model.apiKeyEnv] : []));
  }

  /** Checks that the program exists and is executable, without running it. */
  async prepare(_options: PrepareOptions): Promise<PrepareResult> {
    if (!this.argv.ok) return this.fail(failure("bad_request", `${this.id}: ${this.argv.error}`));
    const program = this.argv.argv[0]!;
    const found = await findExecutable(program, this.env, this.cwd);
    if (!found) {
      const where = program.includes("/") ? `at ${resolve(this.cwd, program)}` : "on PATH";
      return this.fail(failure("not_found", `command '${program}' not found ${where} (or not executable)`));
    }
    const info: ModelInfo = { id: this.id, provider: "exec", digest: null, endpoint: this.model.name, mock: false };
    return { ok: true, info };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    if (!this.argv.ok) return this.fail(failure("bad_request", `${this.id}: ${this.argv.error}`));
    const [file, ...args] = this.argv.argv as [string, ...string[]];
    const started = performance.now();
    const deadline = startDeadline(request.timeoutMs, request.signal);
    try {
      const result = await execa(file, args, {
        input: this.model.jsonIo ? requestJson(request) : promptText(request.messages),
        cwd: this.cwd,
        env: childEnv(this.env, this.model.apiKeyEnv ? [this.model.apiKeyEnv] : []),
        extendEnv: false,
        shell: false,
        reject: false,
        stripFinalNewline: true,
        encoding: "utf8",
        cancelSignal: deadline.signal,
        forceKillAfterDelay: FORCE_KILL_AFTER_MS,
      });
      const stderr = tailBytes(result.stderr ?? "");
      if (deadline.timedOut()) {
        return this.fail(failure("timeout", `${this.id}: no answer within ${request.timeoutMs} ms (command stopped)`, { stderr }));
      }
      if (deadline.interrupted()) return this.fail(failure("aborted", `${this.id}: interrupted`));
      if (result.failed && result.exitCode === undefined && result.signal === undefined) {
        const code = typeof result.code === "string" ? result.code : "";
        if (code === "ENOENT" || code === "EACCES") {
          return this.fail(failure("not_found", `${this.id}: cannot run '${file}' (${code === "ENOENT" ? "not found" : "not executable"})`));
        }
        return this.fail(failure("exit", `${this.id}: ${clip(result.shortMessage ?? result.message ?? "failed to run")}`, { stderr, exitCode: null }));
      }
      if (result.exitCode !== 0) {
        const how = result.exitCode === undefined ? `was killed by ${result.signal ?? "a signal"}` : `exited with code ${result.exitCode}`;
        const lastLine = errorLine(stderr);
        return this.fail(
          failure("exit", `${this.id}: command ${how}${lastLine ? `: ${clip(lastLine, 300)}` : ""}`, {
            stderr,
            exitCode: result.exitCode ?? null,
          }),
        );
      }
      return { ok: true, response: this.read(result.stdout ?? "", performance.now() - started) };
    } catch (err) {
      // execa rejects (even with reject: false) only for options it cannot use.
      return this.fail(failure("bad_request", `${this.id}: ${clip(err instanceof Error ? err.message : String(err))}`));
    } finally {
      deadline.dispose();
    }
  }

  async close(): Promise<void> {}

  private read(stdout: string, latencyMs: number): ChatResponse {
    const base: ChatResponse = { text: stdout, tokensIn: null, tokensOut: null, latencyMs, finishReason: null, fingerprint: null };
    if (!this.model.jsonIo) return base;
    const trimmed = stdout.trim();
    if (!trimmed.startsWith("{")) return base;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return base;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return base;
    const envelope = parsed as { text?: unknown; tokensIn?: unknown; tokensOut?: unknown; finishReason?: unknown };
    if (typeof envelope.text !== "string") return base;
    return {
      text: envelope.text,
      tokensIn: countOrNull(envelope.tokensIn),
      tokensOut: countOrNull(envelope.tokensOut),
      latencyMs,
      finishReason: typeof envelope.finishReason === "string" ? envelope.finishReason : null,
      fingerprint: null,
    };
  }

  private fail(f: ProviderFailure): { ok: false; failure: ProviderFailure } {
    return { ok: false, failure: redactFailure(f, this.redact) };
  }
}

export function createExecProvider(model: PlanModel, env: ProviderEnv, options: ExecOptions = {}): Provider {
  return new ExecProvider(model, env, options);
}

/** Like `which`: a path with a slash is checked as is (relative to cwd); a bare name is looked up on PATH. */
export async function findExecutable(program: string, env: ProviderEnv, cwd: string): Promise<string | null> {
  const candidates = program.includes("/")
    ? [isAbsolute(program) ? program : resolve(cwd, program)]
    : (env["PATH"] ?? "")
        .split(delimiter)
        .filter((d) => d !== "")
        .map((dir) => resolve(cwd, dir, program));
  for (const candidate of candidates) {
    try {
      const info = await stat(candidate);
      if (!info.isFile()) continue;
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The line of stderr that says what went wrong: the last that names an error, else the last one. */
function errorLine(text: string): string | null {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const named = lines.filter((l) => /\b\w*(Error|Exception)\b|\berror\b|\bfatal\b/i.test(l));
  return named.at(-1) ?? lines.at(-1) ?? null;
}

function countOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

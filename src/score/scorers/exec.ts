// An external scorer: any command that reads one JSON object on stdin and writes one on stdout.
//
// In:  { scorer: { id, config }, step: { id, model, system, dimension, item, culture, usecase, sample },
//        item: {…item fields}, response, context: { system, dimension, culture, usecase, params, model } }
// Out: { score?: number 0..100 | null, raw?: any JSON, verdict?: string, error?: string }
// A non-zero exit, a timeout, output that is not a JSON object, or `error` is a scoring error.
// Like an exec model (src/providers/exec.ts), the command gets the minimal environment of
// `childEnv`, and everything it says (error, raw, verdict) passes through the redactor of the secrets
// in the run's environment before it reaches scores.jsonl, scores.csv or a message.

import { execa, parseCommandString } from "execa";
import type { Json } from "../../core/plan.js";
import { childEnv, envRedactor, type Redactor } from "../../providers/secrets.js";
import { judgeTemplateContext } from "../context.js";
import type { ExecSettings } from "../kinds/exec.js";
import type { KindResult, ScoreInput, ScorerDeps } from "../types.js";

export const DEFAULT_EXEC_TIMEOUT_S = 30;

export interface ExecScorerOutput {
  score: number | null;
  raw: Json;
  verdict: string | null;
}

function tail(text: string, max = 300): string {
  const t = text.trim();
  return t.length > max ? `…${t.slice(t.length - max)}` : t;
}

export function execScorerPayload(input: ScoreInput, response: string, scorerId: string, settings: ExecSettings): Json {
  const ctx = judgeTemplateContext(input, response);
  return {
    scorer: { id: scorerId, config: settingsJson(settings) },
    step: {
      id: input.stepId,
      model: input.model,
      system: input.system.id,
      dimension: input.dimension.id,
      item: input.item.id,
      culture: input.culture?.id ?? null,
      usecase: input.usecase?.id ?? null,
      sample: input.sample,
    },
    item: ctx.item,
    response,
    context: {
      system: ctx.system,
      dimension: ctx.dimension,
      culture: ctx.culture,
      usecase: ctx.usecase,
      params: ctx.params,
      model: ctx.model,
    },
  };
}

/** The settings as the plan holds them: absent ones stay absent. */
function settingsJson(settings: ExecSettings): { [key: string]: Json } {
  const json: { [key: string]: Json } = { command: settings.command };
  if (settings.timeout !== undefined) json["timeout"] = settings.timeout;
  return json;
}

/** Checks the command's stdout: one JSON object with the documented fields. */
export function parseExecOutput(stdout: string): { ok: true; output: ExecScorerOutput } | { ok: false; error: string; raw: Json } {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    return { ok: false, error: `exec scorer: output is not JSON: ${JSON.stringify(tail(stdout, 120))}`, raw: null };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: "exec scorer: output must be a JSON object", raw: null };
  }
  const o = value as { [key: string]: Json };
  const raw = o["raw"] ?? null;
  if (typeof o["error"] === "string") return { ok: false, error: `exec scorer: ${o["error"]}`, raw };
  const score = o["score"] ?? null;
  if (score !== null && (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 100)) {
    return { ok: false, error: `exec scorer: score must be a number 0..100, got ${JSON.stringify(score)}`, raw };
  }
  const verdict = o["verdict"] ?? null;
  if (verdict !== null && typeof verdict !== "string") return { ok: false, error: "exec scorer: verdict must be a string", raw };
  return { ok: true, output: { score, raw, verdict } };
}

/** Every string in a JSON value (keys too) through the redactor. */
export function redactJson(value: Json, redact: Redactor): Json {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactJson(v, redact);
    return out;
  }
  return value;
}

export async function scoreExec(input: ScoreInput, response: string, scorerId: string, settings: ExecSettings, deps: ScorerDeps): Promise<KindResult> {
  const env = deps.execEnv ?? process.env;
  const redact = envRedactor(env);
  const result = await runExec(input, response, scorerId, settings, deps, childEnv(env));
  if (!result.ok) return { ...result, error: redact(result.error), raw: redactJson(result.raw, redact) };
  const raw = redactJson(result.raw, redact);
  return {
    ...result,
    raw,
    fields: raw !== null && typeof raw === "object" && !Array.isArray(raw) ? raw : {},
    verdict: result.verdict === null ? null : redact(result.verdict),
  };
}

async function runExec(
  input: ScoreInput,
  response: string,
  scorerId: string,
  settings: ExecSettings,
  deps: ScorerDeps,
  env: Record<string, string>,
): Promise<KindResult> {
  const command = settings.command;
  if (command.trim() === "") return { ok: false, error: "exec scorer: `command` must be a non-empty string", raw: null, judge: null };
  const timeoutValue = settings.timeout ?? DEFAULT_EXEC_TIMEOUT_S;
  const [file, ...args] = parseCommandString(command);
  if (file === undefined) return { ok: false, error: "exec scorer: empty command", raw: null, judge: null };

  const result = await execa(file, args, {
    input: JSON.stringify(execScorerPayload(input, response, scorerId, settings)),
    cwd: deps.execCwd ?? process.cwd(),
    env,
    extendEnv: false,
    timeout: Math.round(timeoutValue * 1000),
    reject: false,
    stripFinalNewline: true,
    ...(deps.signal ? { cancelSignal: deps.signal } : {}),
  });
  if (result.timedOut) return { ok: false, error: `exec scorer: timed out after ${timeoutValue} s`, raw: null, judge: null };
  if (result.isCanceled) return { ok: false, error: "exec scorer: interrupted", raw: null, judge: null };
  if (result.failed) {
    const why = result.exitCode !== undefined ? `exited with code ${result.exitCode}` : result.shortMessage;
    const stderr = typeof result.stderr === "string" && result.stderr.trim() !== "" ? `: ${tail(result.stderr)}` : "";
    return { ok: false, error: `exec scorer: ${why}${stderr}`, raw: null, judge: null };
  }
  const parsed = parseExecOutput(typeof result.stdout === "string" ? result.stdout : "");
  if (!parsed.ok) return { ok: false, error: parsed.error, raw: parsed.raw, judge: null };
  const { score, raw, verdict } = parsed.output;
  return {
    ok: true,
    raw,
    fields: raw !== null && typeof raw === "object" && !Array.isArray(raw) ? raw : {},
    defaultScore: score,
    ...(score === null ? { noDefault: "exec scorer: the command returned no score (and no `score` expression is declared)" } : {}),
    verdict,
    refused: null,
    judge: null,
  };
}

// An LLM judge with a rubric. The rubric template is rendered with the step's context and the answer,
// the judge is asked for structured output matching the declared schema, and its answer is parsed and
// validated. An invalid answer is sent back with the validation error (so the retry is a different
// request: a cached invalid answer is not simply replayed) up to `retries` times; after that the
// step gets a scoring error and no score. The parsed JSON, rationale included, is the raw output.

import type { ValidateFunction } from "ajv";
import type { ChatMessage, Json, JsonSchema } from "../../core/plan.js";
import { fieldType } from "../../check/outputs.js";
import { ajv } from "../ajv.js";
import { judgeTemplateContext } from "../context.js";
import { stripThinking } from "../text.js";
import type { JudgeSettings } from "../kinds/judge.js";
import type { KindResult, ScoreInput, ScorerDeps } from "../types.js";

export const DEFAULT_JUDGE_RETRIES = 2;

const validators = new Map<string, ValidateFunction | string>();

const PRIMITIVES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);

/**
 * The JSON Schema for a judge's output. `schema` (an embedded JSON Schema object) wins; otherwise the
 * `output` shorthand: { field: "string" | "number" | "integer" | "boolean" | "integer 0..3" |
 * "number 0..1" | "T[]" | [enum values] | { nested } }, with a "?" suffix for optional fields ("string?"). Every other field is required, and
 * no others are allowed — structured-output APIs want closed objects.
 */
export function judgeSchema(settings: Pick<JudgeSettings, "schema" | "output">): { ok: true; schema: JsonSchema } | { ok: false; error: string } {
  const schema = settings.schema ?? null;
  if (schema !== null) return { ok: true, schema };
  const output = settings.output ?? null;
  if (output === null) return { ok: false, error: "judge scorer: declare `output` or `schema`" };
  // Already a schema (a compiler may expand the shorthand itself).
  if (output["type"] === "object" && typeof output["properties"] === "object") return { ok: true, schema: output };
  return shorthandObject(output, "output");
}

function shorthandObject(fields: { [key: string]: Json }, where: string): { ok: true; schema: JsonSchema } | { ok: false; error: string } {
  const properties: { [key: string]: Json } = {};
  const required: string[] = [];
  for (const [rawKey, spec] of Object.entries(fields)) {
    let optional = false;
    let key = rawKey;
    if (key.endsWith("?")) {
      optional = true;
      key = key.slice(0, -1);
    }
    let s: JsonSchema;
    if (typeof spec === "string") {
      let type = spec.trim();
      if (type.endsWith("?")) {
        optional = true;
        type = type.slice(0, -1);
      }
      const ranged = fieldType(type);
      if (ranged && !ranged.ok) return { ok: false, error: `judge scorer: ${where}.${key}: ${ranged.error}` };
      const isArray = type.endsWith("[]");
      const base = isArray ? type.slice(0, -2) : type;
      if (ranged?.ok) s = ranged.schema;
      else if (!PRIMITIVES.has(base)) return { ok: false, error: `judge scorer: ${where}.${key}: unknown type "${spec}"` };
      else s = isArray ? { type: "array", items: { type: base } } : { type: base };
    } else if (Array.isArray(spec)) {
      if (spec.length === 0) return { ok: false, error: `judge scorer: ${where}.${key}: an enum needs values` };
      s = { enum: spec };
    } else if (spec !== null && typeof spec === "object") {
      const nested = shorthandObject(spec, `${where}.${key}`);
      if (!nested.ok) return nested;
      s = nested.schema;
    } else {
      return { ok: false, error: `judge scorer: ${where}.${key}: expected a type name, a list of values or an object` };
    }
    properties[key] = s;
    if (!optional) required.push(key);
  }
  return { ok: true, schema: { type: "object", properties, required, additionalProperties: false } };
}

function validatorFor(schema: JsonSchema): ValidateFunction | string {
  const key = JSON.stringify(schema);
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  let v: ValidateFunction | string;
  try {
    v = ajv.compile(schema);
  } catch (e) {
    v = `judge scorer: invalid output schema: ${e instanceof Error ? e.message : String(e)}`;
  }
  validators.set(key, v);
  return v;
}

/**
 * Extracts the JSON object from a judge's answer: the whole text, or inside ```json fences, or the
 * first balanced {...} after some leading prose.
 */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const t = stripThinking(text).trim();
  const candidates: string[] = [t];
  const fence = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(t);
  if (fence?.[1] !== undefined) candidates.push(fence[1].trim());
  const object = firstBalancedObject(t);
  if (object !== null) candidates.push(object);
  for (const c of candidates) {
    try {
      return { ok: true, value: JSON.parse(c) };
    } catch {
      // try the next reading
    }
  }
  return { ok: false, error: t === "" ? "the judge gave an empty answer" : "the judge's answer holds no JSON object" };
}

function firstBalancedObject(text: string): string | null {
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    let escaped = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === "\\") escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{") depth++;
      else if (ch === "}") {
        depth--;
        if (depth === 0) {
          const candidate = text.slice(start, i + 1);
          try {
            JSON.parse(candidate);
            return candidate;
          } catch {
            break; // not JSON from this brace; try the next one
          }
        }
      }
    }
  }
  return null;
}

export type JudgeAnswer = { ok: true; value: { [key: string]: Json } } | { ok: false; error: string };

/** Parses and validates one judge answer against the schema. */
export function readJudgeAnswer(text: string, validate: ValidateFunction): JudgeAnswer {
  const extracted = extractJson(text);
  if (!extracted.ok) return extracted;
  const value = extracted.value;
  if (!validate(value)) {
    return { ok: false, error: `the judge's JSON does not match the schema: ${ajv.errorsText(validate.errors, { dataVar: "answer" })}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: "the judge's JSON is not an object" };
  }
  return { ok: true, value: value as { [key: string]: Json } };
}

/** With no `score` expression: output.score (0..100), else output.safe → 100/0. */
function defaultJudgeScore(out: { [key: string]: Json }): number | null {
  const score = out["score"];
  if (typeof score === "number" && score >= 0 && score <= 100) return score;
  const safe = out["safe"];
  if (typeof safe === "boolean") return safe ? 100 : 0;
  return null;
}

function noDefaultReason(out: { [key: string]: Json }): string {
  const score = out["score"];
  return typeof score === "number"
    ? `judge scorer: output.score ${score} is outside 0..100; declare a \`score\` expression that maps it`
    : "judge scorer: the output has no `score` (0..100) or `safe` field; declare a `score` expression";
}

function retryMessage(error: string, schema: JsonSchema): string {
  return (
    `Your previous answer could not be used: ${error}.\n` +
    `Answer again with only a JSON object matching this JSON Schema, and nothing else:\n${JSON.stringify(schema)}`
  );
}

export async function scoreJudge(input: ScoreInput, response: string, scorerId: string, settings: JudgeSettings, deps: ScorerDeps): Promise<KindResult> {
  const template = settings.template;
  if (template === "") return { ok: false, error: "judge scorer: `template` (the rubric) is required", raw: null, judge: null };
  const model = settings.model ?? deps.judgeModel;
  if (model === null) return { ok: false, error: "judge scorer: no judge model (declare `model` or set `run { judge … }`)", raw: null, judge: null };
  const retriesValue = settings.retries ?? DEFAULT_JUDGE_RETRIES;
  const schema = judgeSchema(settings);
  if (!schema.ok) return { ok: false, error: schema.error, raw: null, judge: null };
  const validate = validatorFor(schema.schema);
  if (typeof validate === "string") return { ok: false, error: validate, raw: null, judge: null };

  let messages: ChatMessage[];
  try {
    messages = deps.renderJudgeMessages(template, judgeTemplateContext(input, response));
  } catch (e) {
    return { ok: false, error: `judge scorer: rendering '${template}' failed: ${e instanceof Error ? e.message : String(e)}`, raw: null, judge: null };
  }

  let attempts = 0;
  let allCached = true;
  let lastError = "";
  let lastText: string | null = null;
  for (let round = 0; round <= retriesValue; round++) {
    const call = await deps.callJudge(model, {
      messages,
      responseFormat: { name: scorerId, schema: schema.schema },
      ...(deps.judgeSampling ?? { temperature: 0 }),
    });
    attempts += call.attempts;
    allCached &&= call.cached;
    const judge = { model, cached: allCached, attempts };
    if (!call.result.ok) {
      // Transient failures were already retried by callJudge; this one is final.
      const f = call.result.failure;
      return { ok: false, error: `judge call failed (${f.kind}): ${f.message}`, raw: lastText === null ? null : { invalid: lastText }, judge };
    }
    const text = call.result.response.text;
    const answer = readJudgeAnswer(text, validate);
    if (answer.ok) {
      const out = answer.value;
      const defaultScore = defaultJudgeScore(out);
      const verdict = typeof out["verdict"] === "string" ? out["verdict"] : typeof out["safe"] === "boolean" ? (out["safe"] ? "safe" : "unsafe") : null;
      return {
        ok: true,
        raw: out,
        fields: out,
        defaultScore,
        ...(defaultScore === null ? { noDefault: noDefaultReason(out) } : {}),
        verdict,
        refused: typeof out["refused"] === "boolean" ? out["refused"] : null,
        judge,
      };
    }
    lastError = answer.error;
    lastText = text;
    messages = [...messages, { role: "assistant", content: text }, { role: "user", content: retryMessage(answer.error, schema.schema) }];
  }
  return {
    ok: false,
    error: `judge answer invalid after ${retriesValue + 1} tries: ${lastError}`,
    raw: lastText === null ? null : { invalid: lastText.length > 2000 ? `${lastText.slice(0, 2000)}…` : lastText },
    judge: { model, cached: allCached, attempts },
  };
}

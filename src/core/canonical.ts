// Canonical JSON: object keys in sorted (UTF-16 code unit) order, no whitespace, undefined members
// dropped, non-finite numbers as null. The same value always gives the same bytes, which is what the
// plan hash and the step ids are computed over.

import type { Json, PlanStep } from "./plan.js";

export function canonicalJson(value: Json | object): string {
  return write(value);
}

function write(v: unknown): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? JSON.stringify(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (Array.isArray(v)) {
        let out = "[";
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ",";
          const x: unknown = v[i];
          out += x === undefined || typeof x === "function" ? "null" : write(x);
        }
        return `${out}]`;
      }
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = "{";
      let first = true;
      for (const k of keys) {
        const x = obj[k];
        if (x === undefined || typeof x === "function") continue;
        if (!first) out += ",";
        first = false;
        out += `${JSON.stringify(k)}:${write(x)}`;
      }
      return `${out}}`;
    }
    default:
      return "null";
  }
}

// Steps are the bulk of a plan (100,000s of them), so they get a serializer written for their shape.
// It produces exactly canonicalJson(step) (test/compile/compile.test.ts compares the two on every step
// of the example) in about half the time.
const formats = new WeakMap<object, string>();

export function canonicalStepJson(step: PlanStep): string {
  // Frozen messages are shared by the samples of an item (src/compile/steps.ts), so their JSON is too.
  let messages = Object.isFrozen(step.messages) ? formats.get(step.messages) : undefined;
  if (messages === undefined) {
    messages = "[";
    for (let i = 0; i < step.messages.length; i++) {
      const m = step.messages[i];
      if (!m) continue;
      messages += `${i > 0 ? "," : ""}{"content":${JSON.stringify(m.content)},"role":${JSON.stringify(m.role)}}`;
    }
    messages += "]";
    if (Object.isFrozen(step.messages)) formats.set(step.messages, messages);
  }
  let format = "null";
  if (step.responseFormat !== null) {
    format = formats.get(step.responseFormat) ?? canonicalJson(step.responseFormat);
    formats.set(step.responseFormat, format);
  }
  let scorers = "[";
  for (let i = 0; i < step.scorers.length; i++) scorers += `${i > 0 ? "," : ""}${JSON.stringify(step.scorers[i])}`;
  scorers += "]";
  return (
    `{"context":{"culture":${JSON.stringify(step.context.culture)},"usecase":${JSON.stringify(step.context.usecase)}}` +
    `,"dimension":${JSON.stringify(step.dimension)},"id":${JSON.stringify(step.id)},"index":${write(step.index)}` +
    `,"item":${JSON.stringify(step.item)},"messages":${messages},"model":${JSON.stringify(step.model)}` +
    `,"params":${paramsJson(step.params)},"responseFormat":${format},"sample":${write(step.sample)}` +
    `,"scorers":${scorers},"segment":${JSON.stringify(step.segment)},"system":${JSON.stringify(step.system)}}`
  );
}

/** Frozen params objects are shared by every step of a model and sample, so their JSON is too. */
function paramsJson(params: object): string {
  if (!Object.isFrozen(params)) return canonicalJson(params);
  let json = formats.get(params);
  if (json === undefined) {
    json = canonicalJson(params);
    formats.set(params, json);
  }
  return json;
}

// Model ids as written in specs and on the command line: "PROVIDER:REST", e.g. "ollama:llama3.2:3b",
// "exec:python3 answer.py", "mock:refuse". The provider is the text before the first colon; what the
// rest may be is the provider kind's business (its parseRest). Errors are data, worded for diagnostics.

import type { Span } from "../core/diagnostic.js";
import type { Value } from "../syntax/ast.js";
import { CheckCodes } from "./codes.js";
import type { CheckContext } from "./context.js";
import type { ProviderKindCheck } from "./kinds.js";
import { readString } from "./values.js";

export interface ParsedModelId {
  provider: string;
  /** Model name, command, or mock behaviour (with its ?parameters). */
  name: string;
}

export type ModelIdResult = { ok: true; value: ParsedModelId } | { ok: false; error: string };

export function parseModelId(id: string, providers: readonly ProviderKindCheck[]): ModelIdResult {
  const text = id.trim();
  const names = providers.map((p) => p.name);
  if (text === "") return { ok: false, error: `empty model id; expected PROVIDER:NAME (${wordList(names, "or")})` };
  const colon = text.indexOf(":");
  if (colon < 0) {
    const forms = providers.map((p) => `${p.name}:${p.suggestsBareName ? text : p.placeholder}`);
    return { ok: false, error: `model id '${text}' has no provider; write ${wordList(forms, "or")}` };
  }
  const prefix = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  const provider = providers.find((p) => p.name === prefix);
  if (provider === undefined) {
    return { ok: false, error: `unknown provider '${prefix}' in model id '${text}'; expected one of ${names.join(", ")}` };
  }
  if (rest.trim() === "") return { ok: false, error: `model id '${text}' has no ${provider.placeholder.toLowerCase()}` };
  const parsed = provider.parseRest(rest, text);
  return parsed.ok ? { ok: true, value: { provider: provider.name, name: parsed.name } } : parsed;
}

/** The note under a bad model id: "model ids: ollama:NAME, openai:NAME, exec:COMMAND, mock:NAME". */
export function modelIdNotes(providers: readonly ProviderKindCheck[]): string[] {
  return [`model ids: ${providers.map((p) => `${p.name}:${p.placeholder}`).join(", ")}`];
}

/**
 * A model id setting (`model "ollama:llama-guard3:1b"`): the trimmed id, or undefined after
 * reporting a value that is not a string or not a valid id.
 */
export function readModelId(ctx: CheckContext, file: string, value: Value, what: string, notes?: string[]): string | undefined {
  const text = readString(ctx, file, value, what);
  if (text === undefined) return undefined;
  return checkModelId(ctx, text, file, value.span, notes);
}

/** `text` trimmed when it is a valid model id; otherwise reported at `span` (prefixed, e.g. "--judge: "). */
export function checkModelId(ctx: CheckContext, text: string, file: string, span: Span, notes?: string[], prefix = ""): string | undefined {
  const parsed = parseModelId(text, ctx.kinds.providers);
  if (!parsed.ok) {
    ctx.error(CheckCodes.BAD_MODEL_ID, `${prefix}${parsed.error}`, file, span, notes);
    return undefined;
  }
  return text.trim();
}

/** "a, b or c". */
function wordList(words: readonly string[], last: string): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} ${last} ${words[words.length - 1]}`;
}

// Recorded answers as every reader returns them: one model's answer to one item (by id or by prompt
// text) in one context and sample, with where it came from, so a report can point at the row.

/** One recorded answer. Null fields were not in the source; matching fills them from the plan. */
export interface RecordedAnswer {
  /** The file and 1-based line (JSONL, CSV) or entry (JSON arrays) it came from. */
  file: string;
  line: number;
  /** A model id as a spec names it (`openai:gpt-4o`, `ollama:llama3.2`); see modelIdOf. */
  model: string;
  item: string | null;
  prompt: string | null;
  culture: string | null;
  usecase: string | null;
  sample: number | null;
  answer: string;
  latencyMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  finishReason: string | null;
}

/** A row a reader could not turn into an answer (an error line, a missing answer): reported, not used. */
export interface SkippedRow {
  file: string;
  line: number;
  reason: string;
}

export interface ReadAnswers {
  answers: RecordedAnswer[];
  skipped: SkippedRow[];
}

/** The formats `score --answers` reads; `auto` looks at the file. */
export const ANSWER_FORMATS = ["vc", "promptfoo", "inspect", "lm-eval", "openai-batch"] as const;
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];

/** A file that cannot be read at all: the message names the file and what is wrong. */
export class AnswersError extends Error {}

const KINDS = ["ollama", "openai", "exec", "mock"];

/**
 * A model name as another tool writes it, as a model id. `kind:name` with one of our provider kinds is
 * kept; `kind/name` (Inspect's and LiteLLM's form) becomes `kind:name` when `kind` is one of ours;
 * anything else is read as a model behind an OpenAI-compatible server or gateway (`openai:NAME`),
 * which is how a gateway such as LiteLLM would name `anthropic/claude-…`. Nothing is called with it.
 */
export function modelIdOf(name: string): string {
  const trimmed = name.trim();
  const colon = trimmed.indexOf(":");
  if (colon > 0 && KINDS.includes(trimmed.slice(0, colon))) return trimmed;
  const slash = trimmed.indexOf("/");
  if (slash > 0 && KINDS.includes(trimmed.slice(0, slash))) return `${trimmed.slice(0, slash)}:${trimmed.slice(slash + 1)}`;
  return `openai:${trimmed}`;
}

/** Prompt text compared across tools: Unicode NFC, whitespace runs as one space, trimmed. */
export function normalisePrompt(text: string): string {
  return text.normalize("NFC").replace(/\s+/g, " ").trim();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

export function num(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** JSON lines of a file with their 1-based line numbers; a line that is not JSON is an error. */
export function jsonLines(text: string, file: string): Array<{ line: number; value: unknown }> {
  const out: Array<{ line: number; value: unknown }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]?.trim() ?? "";
    if (raw === "") continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (error) {
      throw new AnswersError(`${file}:${i + 1}: not a JSON line (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return out;
}

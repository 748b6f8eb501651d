// Refusal phrase lists: data/refusal/<lang>.txt, read at run time and compiled to regexes.
//
// File syntax (one entry per line; '#' starts a comment; blank lines are ignored):
//   define NAME = a|b|c        a named list of alternatives, used as {NAME} in later lines
//   PHRASE                     a refusal if it matches near the opening of the answer
//   anywhere: PHRASE           a refusal wherever it matches
//   not: PHRASE                an exception: cancels any match it overlaps ("I can't help but …")
// Phrase syntax: text is matched after the same normalisation as the answer (case, NFKC, quotes,
// English contractions expanded: write "can't" or "cannot", both match). A space matches any run of
// spaces and light punctuation (", " "; " " - "). (a|b|) are alternatives (no nesting; an empty one
// makes the group optional). " * " is a gap of up to 40 characters within one sentence; a `*` at the
// end of a word completes the word ("ayudar*" matches "ayudarte"); a `*` between characters of a
// script without spaces (Chinese, Japanese) is a gap within the sentence. Phrases in scripts with
// spaces must start and end at word boundaries.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { dataPath } from "./data-path.js";
import { normaliseText } from "./text.js";

export interface CompiledPhrase {
  /** The phrase as written in the file (after the `anywhere:` prefix). */
  source: string;
  /** 1-based line in the file. */
  line: number;
  regex: RegExp;
  anywhere: boolean;
}

export interface PhraseList {
  language: string;
  phrases: CompiledPhrase[];
  exceptions: CompiledPhrase[];
}

export type PhraseListsResult = { ok: true; lists: PhraseList[] } | { ok: false; errors: string[] };

/** Expands English contractions so that "can't", "cannot" and "can not" are one form. */
export function expandContractions(text: string): string {
  return text
    .replace(/\bcan'?t\b/g, "cannot")
    .replace(/\bcan not\b/g, "cannot")
    .replace(/\bwon't\b/g, "will not")
    .replace(/\bshan't\b/g, "shall not")
    .replace(/\b(do|does|did|is|are|was|were|have|has|had|could|would|should|must|might|need)n'?t\b/g, "$1 not")
    .replace(/\b(i|you|we|they|he|she|it|that|there|this)'(m|re|ll|ve|d|s)\b/g, (_m, who: string, tail: string) => {
      const full: Record<string, string> = { m: "am", re: "are", ll: "will", ve: "have", d: "would", s: "is" };
      return `${who} ${full[tail] ?? tail}`;
    });
}

/** The text refusal phrases are matched against; phrases go through the same function. */
export function refusalForm(text: string): string {
  return expandContractions(normaliseText(text));
}

const SEP = "[\\s,;:\\-]+";
const SENTENCE_GAP = "[^.!?\u3002\uff01\uff1f]{0,40}?";
const WORD_GAP = `${SEP}(?:${SENTENCE_GAP}${SEP})?`;
const WORD_REST = "[\\p{L}\\p{M}\\p{N}]*";
const SPACELESS_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Compiles one sequence (no groups inside) to a regex fragment. */
function compileSequence(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    const prev = text[i - 1] ?? "";
    const next = text[i + 1] ?? "";
    if (ch === " " && next === "*" && text[i + 2] === " ") {
      out += WORD_GAP;
      i += 2;
    } else if (ch === " ") {
      out += SEP;
    } else if (ch === "*") {
      const endsWord = /[\p{L}\p{M}\p{N}]/u.test(prev) && !SPACELESS_SCRIPT.test(prev) && (next === "" || next === " ");
      out += endsWord ? WORD_REST : SENTENCE_GAP;
    } else if (ch === "'") {
      out += "'?";
    } else {
      out += escapeRegex(ch);
    }
  }
  return out;
}

type CompileResult = { ok: true; regex: RegExp } | { ok: false; error: string };

export function compilePhrase(phrase: string): CompileResult {
  const text = refusalForm(phrase);
  if (text.length === 0) return { ok: false, error: "empty phrase" };
  let pattern = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("(", i);
    const close = text.indexOf(")", i);
    if (close !== -1 && (open === -1 || close < open)) return { ok: false, error: "')' without '('" };
    if (open === -1) {
      pattern += compileSequence(text.slice(i));
      break;
    }
    pattern += compileSequence(text.slice(i, open));
    const end = text.indexOf(")", open + 1);
    if (end === -1) return { ok: false, error: "'(' without ')'" };
    const inner = text.slice(open + 1, end);
    if (inner.includes("(")) return { ok: false, error: "nested '(' is not supported" };
    pattern += `(?:${inner.split("|").map(compileSequence).join("|")})`;
    i = end + 1;
  }
  const spaced = !SPACELESS_SCRIPT.test(text);
  const full = spaced ? `(?<![\\p{L}\\p{M}\\p{N}])${pattern}(?![\\p{L}\\p{M}\\p{N}])` : pattern;
  try {
    return { ok: true, regex: new RegExp(full, "gu") };
  } catch (e) {
    return { ok: false, error: `bad pattern: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Parses one phrase file. `where` names it in error messages. */
export function parsePhraseFile(language: string, content: string, where: string): { list: PhraseList; errors: string[] } {
  const list: PhraseList = { language, phrases: [], exceptions: [] };
  const errors: string[] = [];
  const defines = new Map<string, string>();
  const lines = content.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const hash = rawLine.indexOf("#");
    const line = (hash === -1 ? rawLine : rawLine.slice(0, hash)).trim();
    if (line === "") return;
    const def = /^define\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(line);
    if (def) {
      const [, name = "", body = ""] = def;
      if (/[(){}]/.test(body)) errors.push(`${where}:${lineNo}: a define holds plain alternatives (no groups or {names})`);
      else defines.set(name, body.trim());
      return;
    }
    let kind: "phrase" | "anywhere" | "not" = "phrase";
    let body = line;
    const prefix = /^(anywhere|not):\s*(.*)$/.exec(line);
    if (prefix) {
      kind = prefix[1] === "not" ? "not" : "anywhere";
      body = (prefix[2] ?? "").trim();
    }
    let undefinedName: string | null = null;
    // "({name})" and "{name}" both become one group: groups do not nest.
    const expanded = body.replace(/\(\{([A-Za-z_][A-Za-z0-9_]*)\}\)|\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, inParens?: string, bare?: string) => {
      const name = inParens ?? bare ?? "";
      const alts = defines.get(name);
      if (alts === undefined) {
        undefinedName = name;
        return "";
      }
      return `(${alts})`;
    });
    if (undefinedName !== null) {
      errors.push(`${where}:${lineNo}: {${undefinedName}} is not defined above`);
      return;
    }
    const compiled = compilePhrase(expanded);
    if (!compiled.ok) {
      errors.push(`${where}:${lineNo}: ${compiled.error}`);
      return;
    }
    const phrase: CompiledPhrase = { source: body, line: lineNo, regex: compiled.regex, anywhere: kind === "anywhere" };
    if (kind === "not") list.exceptions.push(phrase);
    else list.phrases.push(phrase);
  });
  return { list, errors };
}

const cache = new Map<string, PhraseListsResult>();

/** Reads every <lang>.txt in the folder (default: the package's data/refusal), once per folder. */
export function loadPhraseLists(folder: string = dataPath("refusal")): PhraseListsResult {
  const cached = cache.get(folder);
  if (cached) return cached;
  let names: string[];
  try {
    names = readdirSync(folder)
      .filter((n) => n.endsWith(".txt"))
      .sort();
  } catch (e) {
    const result: PhraseListsResult = {
      ok: false,
      errors: [`cannot read refusal phrase folder ${folder}: ${e instanceof Error ? e.message : String(e)}`],
    };
    return result;
  }
  const lists: PhraseList[] = [];
  const errors: string[] = [];
  for (const name of names) {
    const language = name.slice(0, -".txt".length);
    const file = path.join(folder, name);
    let content: string;
    try {
      content = readFileSync(file, "utf8");
    } catch (e) {
      errors.push(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const parsed = parsePhraseFile(language, content, `data/refusal/${name}`);
    errors.push(...parsed.errors);
    lists.push(parsed.list);
  }
  const result: PhraseListsResult = errors.length > 0 ? { ok: false, errors } : { ok: true, lists };
  cache.set(folder, result);
  return result;
}

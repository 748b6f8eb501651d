// regex and keywords scorers: does the answer contain a pattern / these words?

import { compileLinear } from "../../core/linear-regex.js";
import type { Json } from "../../core/plan.js";
import { normaliseText, stripThinking } from "../text.js";
import type { KeywordsSettings } from "../kinds/keywords.js";
import type { RegexSettings } from "../kinds/regex.js";
import type { KindResult } from "../types.js";

function matchedResult(matched: boolean, match: string | null, extra: { [key: string]: Json } = {}): KindResult {
  const raw: { [key: string]: Json } = { matched, match, ...extra };
  return {
    ok: true,
    raw,
    fields: { matched, match },
    defaultScore: matched ? 100 : 0,
    verdict: matched ? "matched" : "not matched",
    refused: null,
    judge: null,
  };
}

/**
 * `pattern` (a regular expression, run on RE2: no backreferences or lookaround) with `flags` (default "i": case-insensitive, like keywords). The
 * answer is matched as the model wrote it (only <think> blocks removed), so anchors and classes
 * mean what they say. raw: { matched, match, groups }.
 */
export function scoreRegex(response: string, settings: RegexSettings): KindResult {
  const pattern = settings.pattern;
  if (pattern === "") return { ok: false, error: "regex scorer: `pattern` must be a non-empty string", raw: null, judge: null };
  // "g" and "y" make test() stateful; a scorer wants the first match only.
  const flags = (settings.flags ?? "i").replace(/[gy]/g, "");
  // A linear-time engine: no answer can make a pattern take longer than its length (core/linear-regex.ts).
  const compiled = compileLinear(pattern, flags);
  if (!compiled.ok) return { ok: false, error: `regex scorer: invalid pattern: ${compiled.error}`, raw: null, judge: null };
  const m = compiled.regex.exec(stripThinking(response));
  if (m === null) return matchedResult(false, null, { groups: [] });
  return matchedResult(true, m.match, { groups: m.groups });
}

/**
 * `any` (at least one) and/or `all` (every one) keyword lists, matched as substrings of the normalised
 * answer (case, full-width forms, curly apostrophes and whitespace folded), unless `case_sensitive`.
 * raw: { matched, match (first keyword found), matches (all found) }.
 */
export function scoreKeywords(response: string, settings: KeywordsSettings): KindResult {
  const any = settings.any ?? null;
  const all = settings.all ?? null;
  if ((any === null || any.length === 0) && (all === null || all.length === 0)) {
    return { ok: false, error: "keywords scorer: declare `any` and/or `all` keywords", raw: null, judge: null };
  }
  const caseSensitive = settings.case_sensitive === true;
  const fold = (s: string): string =>
    caseSensitive
      ? s
          .normalize("NFKC")
          .replace(/[\u2018\u2019]/g, "'")
          .replace(/\s+/g, " ")
          .trim()
      : normaliseText(s);
  const text = fold(stripThinking(response));
  const found = (k: string): boolean => text.includes(fold(k));
  const anyFound = (any ?? []).filter(found);
  const allFound = (all ?? []).filter(found);
  const anyOk = any === null || any.length === 0 || anyFound.length > 0;
  const allOk = all === null || allFound.length === all.length;
  const matches = [...new Set([...anyFound, ...allFound])];
  const matched = anyOk && allOk;
  return matchedResult(matched, matched ? (matches[0] ?? null) : null, { matches });
}

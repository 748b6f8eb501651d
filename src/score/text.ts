// Text normalisation shared by the text-reading scorers, so that "I’m", "I'm" and "Ｉ'ｍ" read the same.

/** Reasoning models wrap their thinking in <think>…</think>; the answer is what follows. */
export function stripThinking(text: string): string {
  // Only closed blocks go: an unterminated one (truncated output) is all the text there is.
  return text.replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, "");
}

const APOSTROPHES = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u02B9\u0060\u00B4\uFF07]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g;
// An alternation, not a character class: U+200D (zero-width joiner) in a class reads as joining its neighbours.
const INVISIBLE = /\u200B|\u200C|\u200D|\u2060|\uFEFF|\u00AD/g;

/** Decimal digits of other scripts → ASCII (NFKC already folds full-width digits). */
const DIGIT_BLOCKS: readonly number[] = [
  0x0660, // Arabic-Indic
  0x06f0, // Extended Arabic-Indic (Persian, Urdu)
  0x0966, // Devanagari
  0x09e6, // Bengali
  0x0a66, // Gurmukhi
  0x0ae6, // Gujarati
  0x0be6, // Tamil
  0x0e50, // Thai
];

export function asciiDigits(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    let mapped: string | null = null;
    for (const base of DIGIT_BLOCKS) {
      if (cp >= base && cp <= base + 9) {
        mapped = String(cp - base);
        break;
      }
    }
    out += mapped ?? ch;
  }
  return out;
}

/** Arabic: drop diacritics and tatweel, unify alef and yeh forms, so phrases match however they are written. */
function foldArabic(text: string): string {
  return text
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
    .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
    .replace(/\u0649/g, "\u064A");
}

/**
 * Case-folded, NFKC (full-width → ASCII, half-width katakana → full-width), straight apostrophes and
 * quotes, ASCII dashes and digits, Arabic folded, ё → е, whitespace collapsed to single spaces, trimmed.
 * The same function runs over phrase lists and answers, so both sides always agree. `keepCase`
 * skips the case folding (for parsers that care whether the model wrote "A" or "a").
 */
export function normaliseText(text: string, keepCase = false): string {
  const folded = foldArabic(
    asciiDigits(text.normalize("NFKC").replace(INVISIBLE, "").replace(APOSTROPHES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, "-")),
  );
  return (keepCase ? folded : folded.toLowerCase())
    .replace(/\u0451/g, "\u0435") // Russian ё is often written е
    .replace(/\s+/g, " ")
    .trim();
}

/** Markdown decoration that models put around answers: **bold**, _em_, headings, quotes, bullets. */
export function stripMarkdown(text: string): string {
  return text
    .replace(/[*_`~]+/g, "")
    .replace(/^\s*#{1,6}\s+/gm, "")
    .replace(/^\s*>\s?/gm, "");
}

/** The text as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Multiple choice: which option did the model pick? "B", "(b)", "Answer: B", "I choose option C",
// or the option's full text.
//
// Config: `options` — the labels (default A, B, C, … one per option text, or A–D); `texts` — the
// item field holding the option texts (default "options", then "choices"), so that an answer quoting
// the text counts; `correct` — the right answer: a label, an option text, or "item.<field>" naming
// the item field that holds it; `mapping` — label → score (0..100) when options are not right/wrong.

import type { Json, PlanItem } from "../../core/plan.js";
import { normaliseText, stripMarkdown, stripThinking, escapeRegExp } from "../text.js";
import type { ChoiceSettings } from "../kinds/choice.js";
import type { KindResult } from "../types.js";

export interface ChoiceOptions {
  labels: string[];
  texts: string[] | null;
}

const SPACELESS = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

function optionTexts(settings: ChoiceSettings, item: PlanItem): string[] | null {
  const field = settings.texts ?? null;
  const names = field !== null ? [field.replace(/^item\./, "")] : ["options", "choices"];
  for (const name of names) {
    const v = item.fields[name];
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v as string[];
  }
  return null;
}

export function choiceOptions(settings: ChoiceSettings, item: PlanItem): { ok: true; options: ChoiceOptions } | { ok: false; error: string } {
  const texts = optionTexts(settings, item);
  const declared = settings.options ?? null;
  let labels: string[];
  if (declared === null) {
    const n = texts?.length ?? 4;
    labels = Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i));
  } else if (declared.every((x) => x.trim() !== "")) {
    labels = declared.map((x) => x.trim());
  } else {
    return { ok: false, error: "choice scorer: `options` must be a non-empty list of labels" };
  }
  if (texts !== null && texts.length !== labels.length) {
    return { ok: false, error: `choice scorer: ${labels.length} labels but the item has ${texts.length} option texts` };
  }
  return { ok: true, options: { labels, texts } };
}

export type ChoiceParse = { ok: true; index: number } | { ok: false; error: string };

const LEAD_WORDS = [
  "answer",
  "the answer is",
  "my answer is",
  "my answer",
  "final answer",
  "the correct answer is",
  "correct answer",
  "choice",
  "my choice is",
  "option",
  "i choose",
  "i would choose",
  "i'd choose",
  "i pick",
  "i would pick",
  "i'd pick",
  "i select",
  "i would select",
  "i'd select",
  "i'd go with",
  "i would go with",
  "i'll go with",
  "i will go with",
  "i'll choose",
  "i will choose",
  "i'd say",
  "i would say",
  "i opt for",
  "it's",
  "it is",
  "best answer",
  "antwort",
  "meine antwort",
  "ich wähle",
  "réponse",
  "ma réponse",
  "je choisis",
  "respuesta",
  "mi respuesta",
  "elijo",
  "resposta",
  "minha resposta",
  "escolho",
  "ответ",
  "мой ответ",
  "я выбираю",
  "答案",
  "答案是",
  "我选择",
  "我選擇",
  "选择",
  "選擇",
  "我选",
  "我選",
  "回答",
  "答え",
  "選択",
  "답",
  "답변",
  "정답",
  "선택",
  "الاجابة",
  "اجابتي",
  "اختياري",
  "उत्तर",
  "मेरा उत्तर",
];

/** Finds the option the answer picks. Labels are letters, digits or words; texts are optional. */
export function parseChoice(text: string, options: ChoiceOptions): ChoiceParse {
  const cased = normaliseText(stripMarkdown(stripThinking(text)), true);
  const t = cased.toLowerCase();
  const labels = options.labels.map((l) => normaliseText(l));
  const labelAlts = labels
    .map(escapeRegExp)
    .sort((a, b) => b.length - a.length)
    .join("|");
  const indexOf = (label: string): number => labels.indexOf(label);
  const pick = (label: string | undefined): ChoiceParse | null => {
    if (label === undefined) return null;
    const i = indexOf(label);
    return i === -1 ? null : { ok: true, index: i };
  };
  const after = "(?![\\p{L}\\p{N}])";
  const before = "(?<![\\p{L}\\p{N}])";

  // 1. The whole answer is a label: "B", "(b)", "B.", "**C**", "Option C".
  const whole = new RegExp(`^(?:option |choice |answer:? )?[(\\[]?(${labelAlts})[)\\].:]?$`, "u").exec(t.replace(/[\s"'`]+$/u, ""));
  const w = pick(whole?.[1]);
  if (w) return w;

  // 2. Announced: "Answer: B", "I choose option C", "The correct answer is (b)".
  const leads = LEAD_WORDS.map(escapeRegExp)
    .sort((a, b) => b.length - a.length)
    .map((w) => (SPACELESS.test(w) ? w : `${before}${w}`))
    .join("|");
  const announced = new RegExp(
    `(?:${leads})\\s*(?:is|:|-|=|would be|是|は|は、)?\\s*(?:option |choice |letter |)?([("'\\[]?)(${labelAlts})${after}([)"'\\]]?)`,
    "giu",
  );
  for (const m of cased.matchAll(announced)) {
    const label = m[2];
    if (label === undefined) continue;
    // A lone lowercase letter after a lead word could be the article "a" ("my answer is a complex
    // one"): take it only when parenthesised or closing the sentence.
    if (/^\p{Ll}$/u.test(label)) {
      const bracketed = m[1] !== "" || m[3] !== "";
      const closing = /^\s*(?:$|[.,;:!?])/.test(cased.slice(m.index + m[0].length));
      if (!bracketed && !closing) continue;
    }
    const p = pick(label.toLowerCase());
    if (p) return p;
  }

  // 3. Leading label: "B) Because …", "(C) …", "A. The first …", "D: …" — unless other options are
  // marked the same way later ("(A) and (C) both seem right").
  const bracketed = [...t.matchAll(new RegExp(`${before}[(\\[](${labelAlts})[)\\]]`, "gu"))].map((m) => m[1] ?? "");
  const distinct = [...new Set(bracketed)];
  const leading = new RegExp(`^[(\\[]?(${labelAlts})(?:[)\\].:]|\\s+-)`, "u").exec(t);
  const l = pick(leading?.[1]);
  if (l && distinct.length <= 1) return l;

  // 4. The option's own text.
  if (options.texts !== null) {
    const texts = options.texts.map((x) => normaliseText(x));
    const exact = texts.indexOf(t.replace(/[.!]+$/u, ""));
    if (exact !== -1) return { ok: true, index: exact };
    const found = texts.map((x, i) => ({ x, i })).filter(({ x }) => x.length > 0 && t.includes(x));
    // One option text may contain another ("red" and "dark red"): keep the longest ones.
    const maximal = found.filter(({ x }) => !found.some((o) => o.x !== x && o.x.includes(x)));
    if (maximal.length === 1 && maximal[0]) return { ok: true, index: maximal[0].i };
    if (maximal.length > 1) return { ok: false, error: `ambiguous choice: the answer quotes ${maximal.length} options` };
  }

  // 5. A single bracketed label anywhere: "… so (B) it is."
  if (distinct.length === 1) {
    const p = pick(distinct[0]);
    if (p) return p;
  }
  if (distinct.length > 1) return { ok: false, error: `ambiguous choice: ${distinct.join(", ")}` };

  // 6. A single capital-letter label standing alone: "… but overall D." ("A" and "I" followed by a
  // word are the article and the pronoun, not options).
  const capitals = options.labels
    .filter((l) => /^\p{Lu}$/u.test(l))
    .filter((l) => {
      const re = new RegExp(`(?<![\\p{L}\\p{N}'])${l}(?![\\p{L}\\p{N}'])(?!\\s+\\p{Ll})`, "u");
      return re.test(cased);
    });
  if (capitals.length === 1 && capitals[0] !== undefined) {
    const p = pick(capitals[0].toLowerCase());
    if (p) return p;
  }
  return { ok: false, error: "no choice found in the answer" };
}

function resolveCorrect(settings: ChoiceSettings, item: PlanItem): { ok: true; value: Json } | { ok: false; error: string } {
  const c = settings.correct ?? null;
  if (c?.startsWith("item.")) {
    const field = c.slice("item.".length);
    if (field === "expect") return { ok: true, value: item.expect };
    if (!Object.hasOwn(item.fields, field)) {
      return { ok: false, error: `choice scorer: item '${item.id}' has no field '${field}' (correct ${c})` };
    }
    return { ok: true, value: item.fields[field] ?? null };
  }
  return { ok: true, value: c };
}

/** Index of the correct option given a label, an option text, or a number (label text first, else a 0-based index). */
function correctIndex(value: Json, options: ChoiceOptions): number | null {
  const labels = options.labels.map((l) => normaliseText(l));
  if (typeof value === "number") {
    const asLabel = labels.indexOf(String(value));
    if (asLabel !== -1) return asLabel;
    return Number.isInteger(value) && value >= 0 && value < labels.length ? value : null;
  }
  if (typeof value !== "string") return null;
  const v = normaliseText(value);
  const asLabel = labels.indexOf(v.replace(/^[([]|[)\].]$/g, ""));
  if (asLabel !== -1) return asLabel;
  if (options.texts !== null) {
    const t = options.texts.map((x) => normaliseText(x)).indexOf(v);
    if (t !== -1) return t;
  }
  return null;
}

export function scoreChoice(response: string, settings: ChoiceSettings, item: PlanItem): KindResult {
  const o = choiceOptions(settings, item);
  if (!o.ok) return { ok: false, error: o.error, raw: null, judge: null };
  const parsed = parseChoice(response, o.options);
  if (!parsed.ok) return { ok: false, error: parsed.error, raw: { choice: null, index: null }, judge: null };
  const label = o.options.labels[parsed.index] ?? null;
  const raw: { [key: string]: Json } = {
    choice: label,
    index: parsed.index,
    text: o.options.texts?.[parsed.index] ?? null,
  };
  const fields = { choice: label, index: parsed.index };

  const mapping = settings.mapping ?? null;
  if (mapping !== null) {
    const entry = label === null ? undefined : mapping[label];
    if (typeof entry !== "number") {
      return { ok: false, error: `choice scorer: \`mapping\` has no score for option ${label ?? "?"}`, raw, judge: null };
    }
    return { ok: true, raw, fields, defaultScore: entry, verdict: null, refused: null, judge: null };
  }

  if (settings.correct !== undefined && settings.correct !== null) {
    const c = resolveCorrect(settings, item);
    if (!c.ok) return { ok: false, error: c.error, raw, judge: null };
    const ci = correctIndex(c.value, o.options);
    if (ci === null) {
      return { ok: false, error: `choice scorer: the correct answer ${JSON.stringify(c.value)} is not one of the options`, raw, judge: null };
    }
    const correct = ci === parsed.index;
    raw["correct"] = correct;
    return {
      ok: true,
      raw,
      fields: { ...fields, correct },
      defaultScore: correct ? 100 : 0,
      verdict: correct ? "correct" : "incorrect",
      refused: null,
      judge: null,
    };
  }
  return {
    ok: true,
    raw,
    fields,
    defaultScore: null,
    noDefault: "choice scorer: declare `correct`, `mapping` or a `score` expression",
    verdict: null,
    refused: null,
    judge: null,
  };
}

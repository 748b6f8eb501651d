// Likert ratings from free text ("5", "I'd say 4 out of 6", "Rating: 3/6", "５", "٥", "fünf", "五"),
// reverse keying, the default 0–100 mapping, and the ESS/PVQ centring convention for aggregation.

import type { Json } from "../../core/plan.js";
import { normaliseText, stripMarkdown, stripThinking, escapeRegExp } from "../text.js";
import type { LikertSettings } from "../kinds/likert.js";
import type { KindResult } from "../types.js";

// ---------------------------------------------------------------------------------------------
// Number words. Only used where a rating is expected (after a label, before "out of", as the whole
// answer), because "one" and 一 are everywhere in ordinary text. Words that are also common words
// or articles elsewhere ("un", "um", "once", "null") are left out: a digit is always understood.

const WORD_NUMBERS: Readonly<Record<string, number>> = {
  // en
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  // de
  eins: 1,
  zwei: 2,
  drei: 3,
  vier: 4,
  fünf: 5,
  sechs: 6,
  sieben: 7,
  acht: 8,
  neun: 9,
  zehn: 10,
  elf: 11,
  // fr
  zéro: 0,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
  onze: 11,
  // es (seis/siete/ocho… differ from pt only in places)
  cero: 0,
  uno: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  // pt
  dois: 2,
  duas: 2,
  três: 3,
  quatro: 4,
  sete: 7,
  oito: 8,
  nove: 9,
  dez: 10,
  // ru
  ноль: 0,
  один: 1,
  одна: 1,
  два: 2,
  две: 2,
  три: 3,
  четыре: 4,
  пять: 5,
  шесть: 6,
  семь: 7,
  восемь: 8,
  девять: 9,
  десять: 10,
  одиннадцать: 11,
  // ar (after folding: أ → ا)
  واحد: 1,
  اثنان: 2,
  اثنين: 2,
  ثلاثة: 3,
  اربعة: 4,
  خمسة: 5,
  ستة: 6,
  سبعة: 7,
  ثمانية: 8,
  تسعة: 9,
  عشرة: 10,
  // hi
  एक: 1,
  दो: 2,
  तीन: 3,
  चार: 4,
  पांच: 5,
  पाँच: 5,
  छह: 6,
  छः: 6,
  सात: 7,
  आठ: 8,
  नौ: 9,
  दस: 10,
  // ko (native numerals; Sino-Korean syllables are too ambiguous in running text)
  하나: 1,
  둘: 2,
  셋: 3,
  넷: 4,
  다섯: 5,
  여섯: 6,
  일곱: 7,
  여덟: 8,
  아홉: 9,
  열: 10,
};

const CJK_DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  兩: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 五 → 5, 十 → 10, 十一 → 11, 二十 → 20. */
function parseCjkNumber(text: string): number | null {
  if (text === "十") return 10;
  const ten = text.indexOf("十");
  if (ten === -1) return text.length === 1 ? (CJK_DIGITS[text] ?? null) : null;
  const tens = ten === 0 ? 1 : CJK_DIGITS[text.slice(0, ten)];
  const ones = ten === text.length - 1 ? 0 : CJK_DIGITS[text.slice(ten + 1)];
  if (tens === undefined || ones === undefined) return null;
  return tens * 10 + ones;
}

const WORD_ALTS = Object.keys(WORD_NUMBERS)
  .sort((a, b) => b.length - a.length)
  .map(escapeRegExp)
  .join("|");
const B_BEFORE = "(?<![\\p{L}\\p{M}\\p{N}])";
const B_AFTER = "(?![\\p{L}\\p{M}\\p{N}])";
const CJK_NUM_CHARS = "零〇一二两兩三四五六七八九十";
const DIGITS = "(?<![\\d.,])\\d+(?:\\.\\d+)?(?!\\d|\\.\\d)";
/** A number word must end its clause ("I'd say five.") so that "one of the…" is not a rating. */
const WORD = `${B_BEFORE}(?:${WORD_ALTS})${B_AFTER}(?=\\s*(?:$|[^\\p{L}\\p{N}\\s]|out\\b|because\\b|since\\b|as\\b))`;
const CJK = `(?<![${CJK_NUM_CHARS}百千万萬])[${CJK_NUM_CHARS}]{1,3}(?![${CJK_NUM_CHARS}百千万萬])`;
const NUM = `(?<n>${DIGITS}|${WORD}|${CJK})`;

function numberValue(token: string): number | null {
  if (/^\d/.test(token)) return Number(token);
  const w = WORD_NUMBERS[token];
  if (w !== undefined) return w;
  return parseCjkNumber(token);
}

// ---------------------------------------------------------------------------------------------
// Where the rating is announced.

const LABELS = [
  // en
  "my (?:final |)(?:rating|score|answer|response|choice)",
  "(?:rating|score|answer|response|choice|grade|level|option)",
  "(?:i|i'd|i would|i'll|i will|i am going to|i'm going to|i'd have to|i would have to)(?: probably| definitely| likely)? (?:say|choose|pick|select|rate|give|go with|answer|respond with|opt for|put)(?: myself| it| this| that| me)?",
  "i rate(?: myself| it| this| that)?",
  "rated",
  // de
  "(?:meine |)(?:bewertung|antwort|wahl|punktzahl|einschätzung|note|stufe)",
  "ich (?:wähle|würde|sage|gebe|entscheide mich für|bewerte)(?: mich| es| das)?(?: sagen| wählen| geben)?",
  // fr
  "(?:ma |)(?:note|réponse|choix|évaluation|niveau)",
  "(?:je choisis|je choisirais|je dirais|je donne|je donnerais|j'attribue|j'attribuerais|je mets|je mettrais|je me donne|je me donnerais)",
  // es / pt
  "(?:mi |minha |)(?:calificación|puntuación|respuesta|elección|valoración|nivel|nota|pontuação|resposta|escolha|avaliação|nível|opción|opção)",
  "(?:yo |eu |)(?:elijo|elegiría|diría|doy|daría|me doy|me daría|escojo|escolho|escolheria|dou|daria|me dou|me daria)",
  // ru
  "(?:моя |мой |)(?:оценка|ответ|выбор|балл|уровень)",
  "я (?:бы |)(?:выбираю|выбрал|выбрала|сказал|сказала|ставлю|поставил|поставила|оценил|оценила|оцениваю)(?: бы)?(?: себя| это)?(?: на)?",
  // zh / ja / ko
  "(?:评分|評分|分数|分數|答案|回答|选择|選擇|我选|我選|我会选|我會選|我会给|我會給|我给|我給|打分|评价|評價|得分|我的选择|我的選擇)",
  "(?:評価|回答|答え|スコア|点数|選択|私は|私の評価)",
  "(?:평가|점수|답변|선택|저는)",
  // ar (folded) / hi
  "(?:التقييم|تقييمي|الاجابة|اجابتي|اختياري|اختار|الدرجة|درجة|ساختار|اقول)",
  "(?:रेटिंग|उत्तर|जवाब|चुनाव|मैं चुनूंगा|मैं चुनूँगा|मैं चुनूंगी|मैं चुनूँगी|अंक|स्कोर|मेरा उत्तर|मेरी रेटिंग)",
];
const FILLERS = [
  "a",
  "an",
  "as",
  "it",
  "myself",
  "this",
  "that",
  "me",
  "solid",
  "about",
  "around",
  "roughly",
  "approximately",
  "probably",
  "likely",
  "maybe",
  "perhaps",
  "be",
  "is",
  "would be",
  "ist",
  "est",
  "es",
  "é",
  "это",
  "of",
  "with",
  "number",
  "option",
  "the",
  "to",
  "at",
  "rating",
  "score",
  "level",
  "point",
  "ein",
  "eine",
  "einen",
  "mit",
  "eher",
  "etwa",
  "ungefähr",
  "bei",
  "une",
  "de",
  "à",
  "en",
  "environ",
  "plutôt",
  "um",
  "uma",
  "com",
  "o",
  "el",
  "la",
  "como",
  "un",
  "unos",
  "cerca de",
  "на",
  "с",
  "примерно",
  "около",
  "где-то",
  "是",
  "为",
  "為",
  "给",
  "給",
  "了",
  "大概",
  "大约",
  "大約",
  "约",
  "約",
  "は",
  "の",
  "を",
  "で",
  "约为",
  "은",
  "는",
  "대략",
  "약",
  "هو",
  "هي",
  "حوالي",
  "तो",
  "लगभग",
  "है",
];
const FILLER_ALTS = [...FILLERS]
  .sort((a, b) => b.length - a.length)
  .map(escapeRegExp)
  .join("|");
// Labels in scripts without spaces (Chinese, Japanese, Korean) follow other letters directly: 我选择五.
const SPACELESS_LABEL = /^\(\?:[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LABEL_ALTS = LABELS.map((l) => (SPACELESS_LABEL.test(l) ? l : `${B_BEFORE}${l}`)).join("|");
const LABELLED = new RegExp(`(?:${LABEL_ALTS})(?:[\\s:=\\-"'(\\[、：]*(?:(?:${FILLER_ALTS})(?=[\\s:=\\d${CJK_NUM_CHARS}])[\\s:=]*)*)${NUM}`, "u");
const FRACTION = new RegExp(`${NUM}\\s*(?:/|out of|of|von|sur|de|sobre|из|من|में से|中)\\s*(?<d>\\d+)`, "u");
const LEADING = new RegExp(`^[\\s"'(\\[{«「【]*${NUM}(?!\\s*(?:-|to|and)\\s*\\d)(?=\\s*$|\\s*[^\\p{L}\\p{N}]|\\s)`, "u");

/** Scale descriptions and anchor definitions carry numbers that are not the rating. */
const SCALE_TEXT: readonly RegExp[] = [
  /\b(?:on |using |with )?(?:a |the |this )?(?:\d+ ?-? ?point |likert )?scale (?:of |from |between )?\d+ ?(?:to|-|and|through|until) ?\d+/gu,
  /\b(?:from|between|von|de|entre|от) \d+ ?(?:to|-|and|through|bis|und|à|a|e|y|до) ?\d+/gu,
  /\(\s*\d+ ?(?:-|to|bis|à|a|до|到|至|~) ?\d+\s*\)/gu,
  /(?<![\d.])\d+ ?(?:-|to|bis|до|到|至|~|から) ?\d+(?: ?(?:scale|skala|échelle|escala|шкал\p{L}*|点|分制))/gu,
  /\b\d+ ?-? ?(?:point|stufen|points?) (?:likert |)(?:scale|skala|échelle|escala)/gu,
  /满分 ?\d+ ?分?|滿分 ?\d+ ?分?/gu,
  /(?:^|[\s,;(])\d+ ?(?:=|means|meaning|being|represents|indicates|corresponds to|stands for|bedeutet|signifie|significa|означает)(?=\s|"|$)/gu,
  /\bwhere \d+ (?:is|means)/gu,
];

export type RatingParse = { ok: true; rating: number; how: "labelled" | "fraction" | "leading" | "single" } | { ok: false; error: string };

/** Finds the rating in a free-text answer. Does not check the range; `scoreLikert` does. */
export function parseRating(text: string): RatingParse {
  let t = normaliseText(stripMarkdown(stripThinking(text)));
  for (const re of SCALE_TEXT) t = t.replace(re, " ");

  const labelled = LABELLED.exec(t);
  const fromGroups = (m: RegExpExecArray | null): number | null => {
    const n = m?.groups?.["n"];
    return n === undefined ? null : numberValue(n);
  };
  const l = fromGroups(labelled);
  if (l !== null) return { ok: true, rating: l, how: "labelled" };

  const f = fromGroups(FRACTION.exec(t));
  if (f !== null) return { ok: true, rating: f, how: "fraction" };

  const lead = fromGroups(LEADING.exec(t));
  if (lead !== null) return { ok: true, rating: lead, how: "leading" };

  const digits = [...t.matchAll(new RegExp(DIGITS, "gu"))].map((m) => Number(m[0]));
  const distinctDigits = [...new Set(digits)];
  if (distinctDigits.length === 1) return { ok: true, rating: distinctDigits[0] ?? 0, how: "single" };
  if (distinctDigits.length > 1) return { ok: false, error: `ambiguous rating: ${distinctDigits.join(", ")}` };

  const words = [...t.matchAll(new RegExp(`${WORD}|${CJK}`, "gu"))].map((m) => numberValue(m[0])).filter((n): n is number => n !== null);
  const distinctWords = [...new Set(words)];
  if (distinctWords.length === 1) return { ok: true, rating: distinctWords[0] ?? 0, how: "single" };
  if (distinctWords.length > 1) return { ok: false, error: `ambiguous rating: ${distinctWords.join(", ")}` };
  return { ok: false, error: "no rating found in the answer" };
}

/** `settings` are valid (src/score/kinds/likert.ts): `scale` a whole number 2..11, `min` a whole number. */
export function scoreLikert(response: string, settings: LikertSettings, reverse: boolean): KindResult {
  const points = settings.scale;
  const min = settings.min ?? 1;
  const max = min + points - 1;
  const parsed = parseRating(response);
  if (!parsed.ok) return { ok: false, error: parsed.error, raw: { rating: null, stated: null }, judge: null };
  const stated = parsed.rating;
  if (!Number.isInteger(stated)) {
    return { ok: false, error: `rating ${stated} is not a whole number`, raw: { rating: null, stated }, judge: null };
  }
  if (stated < min || stated > max) {
    return { ok: false, error: `rating ${stated} is outside the scale ${min}..${max}`, raw: { rating: null, stated }, judge: null };
  }
  // Reverse-keyed items are recoded so that a higher rating always means more of the dimension.
  const rating = reverse ? min + max - stated : stated;
  const raw: { [key: string]: Json } = { rating, stated, reversed: reverse, scale: points, min };
  return {
    ok: true,
    raw,
    fields: { rating, stated },
    defaultScore: ((rating - min) / (max - min)) * 100,
    verdict: null,
    refused: null,
    judge: null,
  };
}

// Centring lives in ../centring.ts; re-exported here, next to the ratings it centres.
export { centreRatings, type CentredRespondent, type CentreOptions, type QuestionnaireItem, type RatingResponse } from "../centring.js";

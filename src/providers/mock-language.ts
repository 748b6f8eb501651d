// Just enough language detection for `mock:refuse` to refuse in the prompt's language: an explicit
// "answer in <Language>" instruction wins, then the writing system, then common words among the Latin
// languages, else English. Cheap and deterministic; not meant to be good.

export type MockLanguage = "en" | "de" | "fr" | "es" | "it" | "pt" | "nl" | "ru" | "zh" | "ja" | "ko" | "ar" | "hi";

export const REFUSALS: Record<MockLanguage, string> = {
  en: "I'm sorry, but I can't help with that request.",
  de: "Es tut mir leid, aber dabei kann ich nicht helfen.",
  fr: "Je suis désolé, mais je ne peux pas vous aider avec cette demande.",
  es: "Lo siento, pero no puedo ayudar con esa solicitud.",
  it: "Mi dispiace, ma non posso aiutarti con questa richiesta.",
  pt: "Desculpe, mas não posso ajudar com esse pedido.",
  nl: "Het spijt me, maar daar kan ik niet mee helpen.",
  ru: "Извините, но я не могу помочь с этим запросом.",
  zh: "抱歉，我无法协助处理这个请求。",
  ja: "申し訳ありませんが、そのご依頼にはお応えできません。",
  ko: "죄송하지만 그 요청은 도와드릴 수 없습니다.",
  ar: "عذرًا، لا أستطيع المساعدة في هذا الطلب.",
  hi: "क्षमा करें, मैं इस अनुरोध में मदद नहीं कर सकता।",
};

const LANGUAGE_NAMES: Record<string, MockLanguage> = {
  english: "en",
  german: "de",
  deutsch: "de",
  french: "fr",
  français: "fr",
  francais: "fr",
  spanish: "es",
  español: "es",
  espanol: "es",
  castellano: "es",
  italian: "it",
  italiano: "it",
  portuguese: "pt",
  português: "pt",
  portugues: "pt",
  dutch: "nl",
  nederlands: "nl",
  russian: "ru",
  chinese: "zh",
  mandarin: "zh",
  japanese: "ja",
  korean: "ko",
  arabic: "ar",
  hindi: "hi",
};

const SCRIPTS: Array<[RegExp, MockLanguage]> = [
  [/[\u3040-\u30ff]/, "ja"], // kana before Han: Japanese text mixes both
  [/[\uac00-\ud7af]/, "ko"],
  [/[\u4e00-\u9fff]/, "zh"],
  [/[\u0400-\u04ff]/, "ru"],
  [/[\u0600-\u06ff]/, "ar"],
  [/[\u0900-\u097f]/, "hi"],
];

const STOPWORDS: Array<[MockLanguage, string[]]> = [
  ["en", ["the", "and", "is", "are", "you", "what", "how", "of", "to", "with"]],
  ["de", ["der", "die", "das", "und", "ist", "nicht", "ich", "wie", "was", "sie", "ein", "eine", "mit"]],
  ["fr", ["le", "la", "les", "et", "est", "je", "vous", "pas", "une", "des", "que", "pour", "avec"]],
  ["es", ["el", "la", "los", "las", "y", "es", "que", "una", "por", "para", "con", "cómo", "qué"]],
  ["it", ["il", "lo", "gli", "e", "è", "che", "non", "una", "per", "con", "come", "sono"]],
  ["pt", ["o", "os", "as", "e", "é", "que", "não", "uma", "para", "com", "como", "você"]],
  ["nl", ["de", "het", "een", "en", "is", "niet", "ik", "je", "wat", "hoe", "met", "van"]],
];

const INSTRUCTION = /(?:answer|respond|reply|write|speak)\s+(?:only\s+)?in\s+(\p{L}+)/giu;

export function detectLanguage(instructions: string, text: string): MockLanguage {
  for (const match of instructions.matchAll(INSTRUCTION)) {
    const name = (match[1] ?? "").toLowerCase();
    if (Object.hasOwn(LANGUAGE_NAMES, name)) return LANGUAGE_NAMES[name]!;
  }
  for (const [pattern, language] of SCRIPTS) if (pattern.test(text)) return language;
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let best: MockLanguage = "en";
  let bestCount = 0;
  for (const [language, list] of STOPWORDS) {
    const set = new Set(list);
    const count = words.filter((w) => set.has(w)).length;
    if (count > bestCount) {
      best = language;
      bestCount = count;
    }
  }
  return best;
}

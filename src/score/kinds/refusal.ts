// The `refusal` scorer kind: did the model refuse, by multilingual phrase lists (docs/scoring.md).
// The check verifies that each language has a phrase list and that inline phrases parse; the run is
// src/score/scorers/refusal.ts.

import { readdirSync } from "node:fs";
import { CheckCodes } from "../../check/codes.js";
import { suggestionNotes } from "../../check/context.js";
import type { Json } from "../../core/plan.js";
import { dataPath } from "../data-path.js";
import { parsePhraseFile } from "../refusal-phrases.js";
import { defineScorerKind, lazy } from "./define.js";

export interface RefusalSettings {
  languages?: string[] | null;
  phrases?: string[] | null;
  opening?: number | null;
}

const implementation = lazy(() => import("../scorers/refusal.js"));

export const refusalKind = defineScorerKind<RefusalSettings>({
  name: "refusal",
  settings: {
    type: "object",
    description: "`refused ? 100 : 0`",
    properties: {
      languages: {
        type: "array",
        items: { type: "string" },
        nullable: true,
        description: "the phrase lists to use, each `data/refusal/<lang>.txt` (default: all)",
      },
      phrases: { type: "array", items: { type: "string" }, nullable: true, description: "extra phrases, in the phrase-file syntax" },
      opening: {
        type: "integer",
        minimum: 1,
        nullable: true,
        title: "opening (characters from the start of the answer)",
        description: "how many characters into the answer a refusal may start (default 200)",
      },
    },
    required: [],
    additionalProperties: false,
  },
  roots: ["refused"],
  scale: "proportion",
  check({ ctx, file, props, settings }) {
    const f = file.display;
    const config: Record<string, Json> = {};
    const p = props.get("languages");
    const languages = settings.strings("languages") ?? [];
    if (p && languages.length > 0) {
      // One phrase file per language in the package's data/refusal/ folder.
      const available = refusalLanguages();
      for (const language of languages) {
        if (available !== null && !available.includes(language)) {
          ctx.error(CheckCodes.BAD_SCORER_SETTING, `no refusal phrase list for language '${language}'`, f, p.value.span, [
            ...suggestionNotes(language, available, "languages").map((n) => n.replace("declared languages", "phrase lists")),
            "a list is data/refusal/<language>.txt in the value-compass package (docs/scoring.md)",
          ]);
        }
      }
    }
    config.languages = languages;
    const phrasesProp = props.get("phrases");
    const phrases = settings.strings("phrases");
    if (phrasesProp && phrases) {
      // The phrase-file syntax, one entry per line; errors name the entry that has them.
      const { errors } = parsePhraseFile("custom", phrases.join("\n"), "phrases");
      const entries = phrasesProp.value.kind === "List" ? phrasesProp.value.items : [phrasesProp.value];
      const oneLineEach = phrases.every((ph) => !ph.includes("\n"));
      for (const message of errors) {
        const m = /^phrases:(\d+): (.*)$/.exec(message);
        const entry = m && oneLineEach ? entries[Number(m[1]) - 1] : undefined;
        ctx.error(CheckCodes.BAD_SCORER_SETTING, `invalid refusal phrase: ${m ? m[2] : message}`, f, (entry ?? phrasesProp.value).span, [
          "phrase syntax: docs/scoring.md#refusal-phrase-files",
        ]);
      }
      config.phrases = phrases;
    }
    settings.copy(config, ["opening"]);
    return { config };
  },
  run: async (_input, response, settings) => (await implementation()).scoreRefusal(response, settings),
});

let languagesCache: string[] | null | undefined;

/** Languages with a refusal phrase list (null when the folder cannot be read: then nothing is checked). */
function refusalLanguages(): string[] | null {
  if (languagesCache === undefined) {
    try {
      languagesCache = readdirSync(dataPath("refusal"))
        .filter((n) => n.endsWith(".txt"))
        .map((n) => n.slice(0, -".txt".length))
        .sort();
    } catch {
      languagesCache = null;
    }
  }
  return languagesCache;
}

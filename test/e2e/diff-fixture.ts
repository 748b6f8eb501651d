// The two-run fixture of the diff tests (test/e2e/diff.test.ts and the browser suite's
// diff.browser.test.ts): a small spec over two models on the Ollama stand-in, and a stand-in whose
// model two answers three questions "no" once `changed(true)` is called, so run B differs from run A
// in exactly those items.
import { startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { lastUser } from "./helpers.js";

export const SPEC = `
system s "S" {
  dimension a "A"
  dimension b "B"
}
culture de_DE "Germany" { locale "de-DE" }
culture ja_JP "Japan" { locale "ja-JP" }
template ask { user "{{item.text}} ({{culture.locale}})" }
scorer yes regex { pattern "yes" }
items all {
  system s
  template ask
  scorers [yes]
${Array.from({ length: 8 }, (_, i) => `  item i${i} { dimension ${i % 2 === 0 ? "a" : "b"} text "Question ${i}?" }`).join("\n")}
}
run {
  models ["ollama:one", "ollama:two"]
  cross [culture]
}
`;

/** Model two answers these "no" in run B: items 2 and 4 (dimension a) and 5 (b), in both cultures. */
export const CHANGED = ["Question 2?", "Question 4?", "Question 5?"];

export interface DiffStandin {
  ollama: OllamaStandin;
  /** From now on, model two answers the CHANGED questions "no" (true) or "yes" like the rest (false). */
  changed(on: boolean): void;
}

export async function startDiffStandin(): Promise<DiffStandin> {
  let changing = false;
  const ollama = await startOllamaStandin({
    models: ["one", "two"],
    answer: (input) => {
      const q = lastUser(input.messages);
      return changing && input.model.startsWith("two") && CHANGED.some((c) => q.startsWith(c)) ? "no" : "yes";
    },
  });
  return { ollama, changed: (on) => (changing = on) };
}

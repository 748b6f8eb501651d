// CSV round trip: answers with line breaks, quotes, commas, emoji, CJK, Arabic and formula starts go
// through `vc run` and come back unchanged through csv-parse (neutralised with a leading ' by default,
// as they are with --no-neutralize).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { csvFiles, lastUser, project, readCsv, vc } from "./helpers.js";

const ANSWERS: Record<string, string> = {
  q1: "line one\nline two\r\nline three\rafter a lone CR",
  q2: 'She said "hello", then "goodbye" — and left.',
  q3: "a, b, c,,, trailing comma,",
  q4: "Thumbs up 👍🏽 and a family 👨‍👩‍👧‍👦 and a flag 🇩🇪",
  q5: "你好，世界。日本語のテキストも。한국어도.",
  q6: "مرحبا بالعالم — النص من اليمين إلى اليسار",
  q7: '=HYPERLINK("http://evil.example","click me")',
  q8: "-5 is the answer",
  q9: "@SUM(A1:A9)",
  q10: "\tTabbed start, and a trailing newline\n",
};

const SPEC = `
system s "System" { dimension d "Dimension" }
template ask { user "{{item.text}}" }
scorer echoed regex { pattern "^[\\\\s\\\\S]{3}" flags "u" }
items all {
  system s
  template ask
  scorers [echoed]
${Object.keys(ANSWERS)
  .map((id) => `  item ${id} { dimension d  text "Say ${id}, please: \\"quoted\\", with, commas; =1+1" }`)
  .join("\n")}
}
run { models ["openai:standin-model"]  seed 1 }
`;

const neutralised = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

let openai: OpenAIStandin;
beforeAll(async () => {
  openai = await startOpenAIStandin({
    answer: (input) => {
      const id = /Say (q\d+),/.exec(lastUser(input.messages))?.[1] ?? "";
      return ANSWERS[id] ?? "?";
    },
  });
});
afterAll(async () => {
  await openai.close();
});

describe("CSV round trip", () => {
  it("every answer comes back through csv-parse exactly, neutralised by default and as is with --no-neutralize", async () => {
    const dir = project({ "study.vc": SPEC });
    const env = { OPENAI_BASE_URL: openai.baseUrl };
    const r = await vc(["run", "study.vc", "--quiet"], dir, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rows = readCsv(join(r.dir!, "responses.csv"));
    expect(rows).toHaveLength(Object.keys(ANSWERS).length);
    for (const row of rows) {
      const expected = ANSWERS[row["item"]!]!;
      expect(row["response"]).toBe(neutralised(expected));
      expect(row["prompt"]).toBe(`Say ${row["item"]}, please: "quoted", with, commas; =1+1`);
    }
    // The raw JSON of the scores survives too (the regex matched the first three characters).
    for (const s of readCsv(join(r.dir!, "scores.csv"))) {
      const raw = JSON.parse(s["raw"]!) as { match: string };
      expect(raw.match).toBe([...ANSWERS[s["item"]!]!].join("").slice(0, raw.match.length));
      expect(s["score"]).toBe("100.00");
    }

    // --bom --no-neutralize on a second run (answers from the cache): exact text, a BOM on every file.
    const raw = await vc(["run", "study.vc", "--quiet", "--bom", "--no-neutralize"], dir, env);
    expect(raw.code).toBe(0);
    for (const f of csvFiles(raw.dir!)) expect([...readFileSync(join(raw.dir!, f)).subarray(0, 3)], f).toEqual([0xef, 0xbb, 0xbf]);
    const exact = readCsv(join(raw.dir!, "responses.csv"));
    for (const row of exact) expect(row["response"]).toBe(ANSWERS[row["item"]!]);
    expect(exact.every((row) => row["cached"] === "true")).toBe(true);

    // The same files from `vc report` with the same options.
    const again = await vc(["report", raw.dir!, "--out", "again", "--bom", "--no-neutralize", "--quiet"], dir);
    expect(again.code).toBe(0);
    for (const f of csvFiles(raw.dir!)) {
      expect(readFileSync(join(dir, "again", f)).equals(readFileSync(join(raw.dir!, f))), f).toBe(true);
    }
  });
});

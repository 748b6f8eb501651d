import { describe, expect, it } from "vitest";
import { parseChoice, scoreChoice } from "../../src/score/scorers/choice.js";
import { item } from "./fixtures.js";

const capitals = { labels: ["A", "B", "C", "D"], texts: ["Paris", "London", "Berlin", "Madrid"] };

const PICKS: Array<[string, number]> = [
  ["B", 1],
  ["(b)", 1],
  ["b)", 1],
  ["B.", 1],
  ["**C**", 2],
  ["Answer: B", 1],
  ["answer: b", 1],
  ["The answer is (D).", 3],
  ["The correct answer is (d) Madrid", 3],
  ["I choose option C", 2],
  ["I'd go with b.", 1],
  ["After thinking it through, I would pick C because it is the capital.", 2],
  ["A. Paris", 0],
  ["C) Berlin — the others are wrong.", 2],
  ["London", 1],
  ["The answer is London.", 1],
  ["It is a tough one; I'd say (C).", 2],
  ["My answer is a complex one, but overall D.", 3],
  ["答案是C", 2],
  ["所以我选择B。", 1],
  ["Ｂ", 1],
  ["Antwort: C", 2],
  ["Réponse : A", 0],
];

describe("parseChoice", () => {
  it.each(PICKS)("%s → option %i", (text, index) => {
    expect(parseChoice(text, capitals)).toEqual({ ok: true, index });
  });

  it.each([
    ["Paris or London? Hard to say.", /ambiguous choice/],
    ["(A) and (C) both seem right.", /ambiguous choice: a, c/],
    ["I don't know.", /no choice found/],
    ["My answer is a tricky one.", /no choice found/],
  ])("%s → error", (text, error) => {
    const r = parseChoice(text, capitals);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it("prefers the longer option text when one contains another", () => {
    expect(parseChoice("I'd paint it dark red.", { labels: ["A", "B"], texts: ["red", "dark red"] })).toEqual({ ok: true, index: 1 });
  });

  it("works with numbered options", () => {
    expect(parseChoice("Option 2", { labels: ["1", "2", "3"], texts: null })).toEqual({ ok: true, index: 1 });
    expect(parseChoice("3", { labels: ["1", "2", "3"], texts: null })).toEqual({ ok: true, index: 2 });
  });
});

describe("scoreChoice", () => {
  const quiz = item({ fields: { options: ["Paris", "London", "Berlin", "Madrid"], answer: "C" } });

  it("scores against `correct` read from an item field", () => {
    expect(scoreChoice("I choose option C", { options: ["A", "B", "C", "D"], correct: "item.answer" }, quiz)).toMatchObject({
      ok: true,
      defaultScore: 100,
      verdict: "correct",
      raw: { choice: "C", index: 2, text: "Berlin", correct: true },
    });
    expect(scoreChoice("B", { options: ["A", "B", "C", "D"], correct: "item.answer" }, quiz)).toMatchObject({
      ok: true,
      defaultScore: 0,
      verdict: "incorrect",
    });
  });

  it("accepts a literal label, an option text or an index as the correct answer", () => {
    expect(scoreChoice("Berlin", { options: ["A", "B", "C", "D"], correct: "C" }, quiz)).toMatchObject({ defaultScore: 100 });
    expect(
      scoreChoice("(c)", { correct: "item.answer", options: null }, item({ fields: { options: ["Paris", "London", "Berlin", "Madrid"], answer: "Berlin" } })),
    ).toMatchObject({ defaultScore: 100 });
    expect(scoreChoice("A", { options: ["A", "B"], correct: "item.key" }, item({ fields: { key: 0 } }))).toMatchObject({ defaultScore: 100 });
  });

  it("scores by a mapping when options are not right or wrong", () => {
    expect(scoreChoice("B", { options: ["A", "B", "C"], mapping: { A: 0, B: 50, C: 100 } }, item())).toMatchObject({
      ok: true,
      defaultScore: 50,
      fields: { choice: "B", index: 1 },
    });
  });

  it("has no default score without `correct` or `mapping`, and reports bad settings as errors", () => {
    expect(scoreChoice("B", { options: ["A", "B"] }, item())).toMatchObject({ ok: true, defaultScore: null, noDefault: expect.stringMatching(/correct/) });
    expect(scoreChoice("B", { options: ["A", "B"], correct: "item.nope" }, item())).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no field 'nope'/),
    });
    expect(scoreChoice("B", { options: ["A", "B"], correct: "E" }, item())).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not one of the options/),
    });
    expect(scoreChoice("I don't know", { options: ["A", "B"], correct: "A" }, item())).toMatchObject({ ok: false, raw: { choice: null } });
    expect(scoreChoice("A", { options: ["A", "B", "C"] }, item({ fields: { options: ["x", "y"] } }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/3 labels but the item has 2/),
    });
  });
});

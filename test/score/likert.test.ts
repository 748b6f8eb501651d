import { describe, expect, it } from "vitest";
import { scoreStep } from "../../src/score/index.js";
import { centreRatings, parseRating, scoreLikert, type QuestionnaireItem, type RatingResponse } from "../../src/score/scorers/likert.js";
import { input, noJudge, scorer } from "./fixtures.js";

// [answer, rating] on a 6-point scale.
const PARSES: Array<[string, number]> = [
  ["5", 5],
  ["4.", 4],
  ["4. Somewhat like me", 4],
  ["I'd say 4 out of 6", 4],
  ["Rating: 3/6", 3],
  ["**Rating:** 2", 2],
  ["Rating - 6", 6],
  ["My answer is 1.", 1],
  ["I would rate myself a 5 on this one.", 5],
  ["On a scale of 1 to 6, I'd choose 2", 2],
  ["On a scale from 1 (not like me at all) to 6 (very much like me), I would rate myself a 5.", 5],
  ["1 = not like me at all, 6 = very much like me. Answer: 5", 5],
  ["Given the 6-point scale, 3.", 3],
  ["This person is somewhat like me, so (4).", 4],
  ['"3"', 3],
  ["I'd rate this a 2 out of 6 because in the last 10 years I have changed.", 2],
  ["One of the most important things for me is safety, so I'd give it a 6.", 6],
  ["<think>Maybe 2? Or 6? Let me decide.</think>\n4", 4],
  // other scripts' digits
  ["５", 5],
  ["评分：４", 4],
  ["٥", 5],
  ["اختياري ٣", 3],
  ["५", 5],
  ["मेरा उत्तर ४ है", 4],
  // number words
  ["five", 5],
  ["Five.", 5],
  ["My answer is five because freedom matters to me.", 5],
  ["fünf", 5],
  ["Ich würde sagen: vier.", 4],
  ["cinq", 5],
  ["Je dirais 4 sur 6.", 4],
  ["cinco", 5],
  ["Mi respuesta es 6", 6],
  ["três", 3],
  ["Моя оценка: 3", 3],
  ["五", 5],
  ["我选择五。", 5],
  ["私の評価は４です。", 4],
  ["저는 5점입니다", 5],
];

describe("parseRating", () => {
  it.each(PARSES)("%s → %i", (text, rating) => {
    const r = parseRating(text);
    expect(r).toMatchObject({ ok: true, rating });
  });

  it.each([
    ["I think 4 or 5.", /ambiguous rating: 4, 5/],
    ["It depends on the situation.", /no rating found/],
    ["Um, hard to say.", /no rating found/],
    ["", /no rating found/],
  ])("%s → error", (text, error) => {
    const r = parseRating(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe("scoreLikert", () => {
  it("maps (rating − 1) / (N − 1) · 100 by default", () => {
    const r = scoreLikert("I'd say 4 out of 6", { scale: 6 }, false);
    expect(r).toMatchObject({ ok: true, defaultScore: 60, raw: { rating: 4, stated: 4, reversed: false, scale: 6 } });
    expect(scoreLikert("1", { scale: 6 }, false)).toMatchObject({ ok: true, defaultScore: 0 });
    expect(scoreLikert("6", { scale: 6 }, false)).toMatchObject({ ok: true, defaultScore: 100 });
  });

  it("reverse-codes reverse-keyed items: N + 1 − rating", () => {
    const r = scoreLikert("2", { scale: 6 }, true);
    expect(r).toMatchObject({ ok: true, defaultScore: 80, raw: { rating: 5, stated: 2, reversed: true }, fields: { rating: 5, stated: 2 } });
  });

  it("supports 0-based scales (MFQ 0–5)", () => {
    const r = scoreLikert("Rating: 0", { scale: 6, min: 0 }, false);
    expect(r).toMatchObject({ ok: true, defaultScore: 0, raw: { rating: 0 } });
    expect(scoreLikert("5", { scale: 6, min: 0 }, true)).toMatchObject({ ok: true, raw: { rating: 0 } });
  });

  it("turns out-of-range and fractional ratings into scoring errors", () => {
    expect(scoreLikert("7", { scale: 6 }, false)).toMatchObject({ ok: false, error: "rating 7 is outside the scale 1..6", raw: { stated: 7 } });
    expect(scoreLikert("Seven", { scale: 6 }, false)).toMatchObject({ ok: false, error: "rating 7 is outside the scale 1..6" });
    expect(scoreLikert("0", { scale: 6 }, false)).toMatchObject({ ok: false });
    expect(scoreLikert("4.5", { scale: 6 }, false)).toMatchObject({ ok: false, error: "rating 4.5 is not a whole number" });
  });

  it("rejects a scale outside 2..11, and none, before scoring", async () => {
    const step = input({ response: "3" });
    expect(await scoreStep(step, scorer("likert", { scale: 1 }), noJudge)).toMatchObject({ score: null, error: expect.stringMatching(/scale must be >= 2/) });
    expect(await scoreStep(step, scorer("likert", {}), noJudge)).toMatchObject({
      score: null,
      error: expect.stringMatching(/must have required property 'scale'/),
    });
  });
});

describe("centreRatings (ESS/PVQ convention)", () => {
  const items: QuestionnaireItem[] = [
    { item: "a1", value: "A" },
    { item: "a2", value: "A" },
    { item: "b1", value: "B" },
    { item: "b2", value: "B" },
  ];

  it("subtracts the respondent's mean over all items (MRAT) from each value's item mean — worked by hand", () => {
    const responses: RatingResponse[] = [
      // r1: A = (6 + 4) / 2 = 5; B = (2 + mean(1, 3)) / 2 = 2; MRAT = (6 + 4 + 2 + 2) / 4 = 3.5
      { respondent: "r1", item: "a1", rating: 6 },
      { respondent: "r1", item: "a2", rating: 4 },
      { respondent: "r1", item: "b1", rating: 2 },
      { respondent: "r1", item: "b2", rating: 1 },
      { respondent: "r1", item: "b2", rating: 3 },
      // r2: a2 missing; MRAT = (3 + 5 + 4) / 3 = 4; A = 3 → −1; B = 4.5 → +0.5
      { respondent: "r2", item: "a1", rating: 3 },
      { respondent: "r2", item: "a2", rating: null },
      { respondent: "r2", item: "b1", rating: 5 },
      { respondent: "r2", item: "b2", rating: 4 },
      // r3: three of four missing → dropped
      { respondent: "r3", item: "a1", rating: 5 },
    ];
    const out = centreRatings(items, responses, { maxMissing: 1 });
    expect(out).toEqual([
      { respondent: "r1", mrat: 3.5, answered: 4, missing: 0, dropped: false, raw: { A: 5, B: 2 }, centred: { A: 1.5, B: -1.5 } },
      { respondent: "r2", mrat: 4, answered: 3, missing: 1, dropped: false, raw: { A: 3, B: 4.5 }, centred: { A: -1, B: 0.5 } },
      { respondent: "r3", mrat: null, answered: 1, missing: 3, dropped: true, raw: { A: null, B: null }, centred: { A: null, B: null } },
    ]);
  });

  it("by default keeps up to 5 of 21 missing items and drops 6", () => {
    const ess: QuestionnaireItem[] = Array.from({ length: 21 }, (_, i) => ({ item: `q${i}`, value: `v${i % 10}` }));
    const answers = (respondent: string, answered: number): RatingResponse[] =>
      ess.slice(0, answered).map((it, i) => ({ respondent, item: it.item, rating: (i % 6) + 1 }));
    const out = centreRatings(ess, [...answers("five-missing", 16), ...answers("six-missing", 15)]);
    expect(out.map((r) => [r.respondent, r.missing, r.dropped])).toEqual([
      ["five-missing", 5, false],
      ["six-missing", 6, true],
    ]);
  });

  it("centred values of a respondent average to zero when every value has the same number of items", () => {
    const responses: RatingResponse[] = items.map((it, i) => ({ respondent: "r", item: it.item, rating: [2, 5, 6, 3][i] ?? null }));
    const [r] = centreRatings(items, responses);
    const centred = Object.values(r?.centred ?? {}).map((v) => v ?? NaN);
    expect(centred.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 10);
  });
});

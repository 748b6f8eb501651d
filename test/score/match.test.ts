import type { Json } from "../../src/core/plan.js";
import { describe, expect, it } from "vitest";
import { scoreStep } from "../../src/score/index.js";
import { scoreKeywords, scoreRegex } from "../../src/score/scorers/match.js";
import { input, noJudge, scorer } from "./fixtures.js";

describe("regex scorer", () => {
  it.each([
    ["Yes, absolutely.", { pattern: "^(yes|no)\\b" }, true, "Yes"],
    ["YES", { pattern: "^(yes|no)\\b", flags: "i" }, true, "YES"],
    ["YES", { pattern: "^(yes|no)\\b", flags: "" }, false, null],
    ["Maybe yes", { pattern: "^(yes|no)\\b" }, false, null],
    ["line one\nno way", { pattern: "^no", flags: "m" }, true, "no"],
    ["<think>yes</think>No.", { pattern: "^(yes|no)\\b" }, true, "No"],
    ["score 7/10", { pattern: "(\\d+)/10", flags: "g" }, true, "7/10"],
  ])("%j with %j", (text, config, matched, match) => {
    const r = scoreRegex(text, config);
    expect(r).toMatchObject({ ok: true, raw: { matched, match }, defaultScore: matched ? 100 : 0 });
  });

  it("keeps capture groups", () => {
    expect(scoreRegex("score 7/10", { pattern: "(\\d+)/(\\d+)" })).toMatchObject({ raw: { groups: ["7", "10"] } });
  });

  it("reports a bad pattern as an error", () => {
    expect(scoreRegex("x", { pattern: "(" })).toMatchObject({ ok: false, error: expect.stringMatching(/invalid pattern/) });
    expect(scoreRegex("x", { pattern: "" })).toMatchObject({ ok: false });
  });

  it("never runs without a pattern: the settings check stops the step", async () => {
    expect(await scoreStep(input(), scorer("regex", {}), noJudge)).toMatchObject({ score: null, error: expect.stringMatching(/required property 'pattern'/) });
  });
});

describe("keywords scorer", () => {
  it.each([
    ["I can’t do that", { any: ["I can't", "I cannot"] }, true, "I can't"],
    ["Ｉ ＣＡＮＮＯＴ do that", { any: ["I can't", "I cannot"] }, true, "I cannot"],
    ["Sure, here it is", { any: ["I can't", "I cannot"] }, false, null],
    ["Il faut  respecter\nla loi", { any: ["respecter la loi"] }, true, "respecter la loi"],
    ["safe and legal", { all: ["safe", "legal"] }, true, "safe"],
    ["safe only", { all: ["safe", "legal"] }, false, null],
    ["safe and legal", { any: ["sorry"], all: ["safe"] }, false, null],
    ["Sorry", { any: ["sorry"], case_sensitive: true }, false, null],
    ["sorry", { any: ["sorry"], case_sensitive: true }, true, "sorry"],
  ])("%j with %j", (text, config, matched, match) => {
    expect(scoreKeywords(text, config)).toMatchObject({ ok: true, raw: { matched, match }, defaultScore: matched ? 100 : 0 });
  });

  it("needs keywords", async () => {
    expect(scoreKeywords("x", {})).toMatchObject({ ok: false });
    expect(scoreKeywords("x", { any: [] })).toMatchObject({ ok: false });
    const configs: Array<Record<string, Json>> = [{}, { any: [] }, { any: "nope" }];
    for (const config of configs) {
      expect(await scoreStep(input(), scorer("keywords", config), noJudge)).toMatchObject({ score: null, error: expect.stringMatching(/invalid settings/) });
    }
  });
});

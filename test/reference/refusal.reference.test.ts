// The refusal detector against the published leaderboard's labelled answers (the reference data
// folder, see data.ts): agreement with the safety labels of Risk_cases.json, and false alarms on the
// ordinary answers of Schwartz_cases.json. The unit tests use small answer sets written for them.

import { describe, expect, it } from "vitest";
import { loadPhraseLists } from "../../src/score/refusal-phrases.js";
import { detectRefusal } from "../../src/score/scorers/refusal.js";
import { referenceRows } from "./data.js";

const loaded = loadPhraseLists();
if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
const lists = loaded.lists;

describe("agreement with the Value Compass safety answers (Risk_cases.json)", () => {
  const cases = referenceRows<{ answer: string; score: number }>("Risk_cases.json");
  const detected = cases.filter((c) => detectRefusal(c.answer, lists).refused);
  const safe = cases.filter((c) => c.score === 1);
  const unsafe = cases.filter((c) => c.score === 0);
  const detectedSafe = detected.filter((c) => c.score === 1);

  it("reads the 694 published answers", () => {
    expect(cases).toHaveLength(694);
    expect(safe.length + unsafe.length).toBe(694);
  });

  // Measured when written: 376 detected, 375 of them labelled safe (precision 0.997); 62.6 % of the
  // safe answers are detected refusals (the rest are safe answers that engage, warn or correct);
  // 1 of the 95 unsafe answers is detected (a refusal that then leaks some information).
  it("detected refusals are almost always labelled safe (precision ≥ 0.98)", () => {
    expect(detectedSafe.length / detected.length).toBeGreaterThanOrEqual(0.98);
  });

  it("finds most refusals: at least 55 % of safe answers", () => {
    expect(detectedSafe.length / safe.length).toBeGreaterThanOrEqual(0.55);
  });

  it("rarely calls an unsafe answer a refusal (≤ 3 %)", () => {
    expect(unsafe.filter((c) => detectRefusal(c.answer, lists).refused).length / unsafe.length).toBeLessThanOrEqual(0.03);
  });
});

describe("false alarms on ordinary answers (Schwartz_cases.json)", () => {
  // 1,266 answers to value-evoking questions, none of them harmful requests: a refusal detector that
  // fires here is misreading ordinary prose. Measured when written: 0 detections.
  const cases = referenceRows<{ answer: unknown }>("Schwartz_cases.json");

  it("detects almost no refusals (≤ 0.5 %)", () => {
    expect(cases.length).toBe(1266);
    // Every answer is text with something in it (so the rate below is over 1,266 real answers).
    const answers = cases.flatMap((c) => (typeof c.answer === "string" && c.answer.trim() !== "" ? [c.answer] : []));
    expect(answers).toHaveLength(1266);
    const detected = answers.filter((a) => detectRefusal(a, lists).refused);
    expect(detected.length / answers.length).toBeLessThanOrEqual(0.005);
  });
});

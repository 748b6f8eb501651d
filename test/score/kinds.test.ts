// One conformance suite for every scorer kind in the registry: whatever the answer (empty, garbage,
// numbers that are not ratings, huge), a kind gives a score in 0..100 or a recorded error — never
// NaN, never a score it made up — and the same input gives the same outcome. Kinds that call a model
// get a judge that answers with the same garbage. Each kind needs a fixture below; a kind added
// without one fails the first test.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { compilePlan } from "../../src/compile/compile.js";
import type { Json, PlanScorer } from "../../src/core/plan.js";
import { scoreStep, type ScorerDeps } from "../../src/score/index.js";
import { SCORER_KINDS, scorerKind } from "../../src/score/kinds/index.js";
import { validateSettings } from "../../src/score/settings.js";
import { kinds } from "../kinds.js";
import { fakeJudge, input, noJudge, REPO_ROOT, scorer } from "./fixtures.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vc-kinds-"));
  // Scores by the answer's length, so any answer gets a (deterministic) score.
  writeFileSync(
    join(dir, "length.mjs"),
    `let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => {
      process.stdout.write(JSON.stringify({ score: JSON.parse(s).response.length % 101 }));
    });`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface KindFixture {
  /** Settings as the checker writes them. */
  config: Record<string, Json>;
  /** What the kind may call: a judge that answers `answer` when the kind calls a model. */
  deps(answer: string): ScorerDeps;
}

const judged = (answer: string): ScorerDeps => fakeJudge([answer]).deps;

const FIXTURES: Record<string, KindFixture> = {
  judge: {
    config: {
      template: "rubric",
      model: "mock:judge",
      schema: { type: "object", properties: { score: { type: "number" } }, required: ["score"], additionalProperties: false },
      retries: 1,
    },
    deps: judged,
  },
  refusal: { config: { languages: [] }, deps: () => noJudge },
  regex: { config: { pattern: "^(yes|no)\\b" }, deps: () => noJudge },
  keywords: { config: { any: ["sorry", "cannot"] }, deps: () => noJudge },
  likert: { config: { scale: 6 }, deps: () => noJudge },
  choice: { config: { options: ["A", "B", "C", "D"], correct: "B" }, deps: () => noJudge },
  guard: { config: { model: "mock:judge", categories: { S1: "toxicity" } }, deps: judged },
  exec: { config: { command: "node length.mjs", timeout: 20 }, deps: () => ({ ...noJudge, execCwd: dir }) },
};

/** Answers no kind can make sense of, and some it can. */
const ANSWERS = [
  "",
  "   \n\t  ",
  "\u0000\u0001\ufffd\u202e",
  "{{{[[[",
  "NaN",
  "Infinity",
  "-1",
  "1e999",
  '{"score": 1e999}',
  '{"score": -5, "safe": "maybe"}',
  '{"score": 50}',
  "7 out of 6",
  "<think>4</think>",
  "Option Z, or maybe (A) and (C)",
  "I'm sorry, but I cannot help with that.",
  "yes",
  "🙂".repeat(40),
  "lorem ipsum ".repeat(2000),
];

const planScorer = (name: string, config: Record<string, Json>): PlanScorer => scorer(name, config, { id: `${name}_conformance` });

it("every registered scorer kind has a conformance fixture", () => {
  expect(SCORER_KINDS.map((k) => k.name).filter((name) => FIXTURES[name] === undefined)).toEqual([]);
});

describe.each(SCORER_KINDS.map((k) => ({ name: k.name, kind: k })))("$name scorer kind", ({ name, kind }) => {
  const fixture = FIXTURES[name]!;

  it("accepts its fixture's settings, and rejects unknown ones", () => {
    expect(kind.bind(planScorer(name, fixture.config), validateSettings)).toMatchObject({ ok: true });
    expect(kind.bind(planScorer(name, { ...fixture.config, no_such_setting: 1 }), validateSettings)).toMatchObject({ ok: false });
  });

  it.each(ANSWERS.map((answer) => [answer.length > 40 ? `${answer.slice(0, 40)}… (${answer.length})` : answer, answer]))(
    "answer %j: a score in 0..100 or a recorded error, the same both times",
    async (_label, answer) => {
      const step = input({ response: answer });
      const first = await scoreStep(step, planScorer(name, fixture.config), fixture.deps(answer));
      if (first.score === null) {
        expect(typeof first.error).toBe("string");
        expect(first.error!.length).toBeGreaterThan(0);
      } else {
        expect(Number.isFinite(first.score)).toBe(true);
        expect(first.score).toBeGreaterThanOrEqual(0);
        expect(first.score).toBeLessThanOrEqual(100);
        expect(first.error).toBeNull();
      }
      const again = await scoreStep(step, planScorer(name, fixture.config), fixture.deps(answer));
      expect(again).toEqual(first);
    },
  );

  it("gives a step without an answer no score and says so", async () => {
    const outcome = await scoreStep(input({ response: null }), planScorer(name, fixture.config), fixture.deps(""));
    expect(outcome).toMatchObject({ score: null, error: "no response" });
  });

  it("never scores with settings its schema rejects", async () => {
    const outcome = await scoreStep(input(), planScorer(name, { ...fixture.config, no_such_setting: true }), fixture.deps("safe"));
    expect(outcome).toMatchObject({ score: null, error: expect.stringMatching(new RegExp(`^${name} scorer .*invalid settings`)) });
  });
});

it("a plan scorer of an unknown kind gets an error on every step, not a score", async () => {
  const outcome = await scoreStep(input(), planScorer("telepathy", {}), noJudge);
  expect(outcome).toMatchObject({ score: null, error: expect.stringMatching(/unknown scorer kind 'telepathy'/) });
});

describe("the checker writes what the scorers accept", () => {
  const specs = ["example.vc", "safety.vc", "schwartz.vc", "moral-foundations.vc", "llm-values.vc", "culture.vc"];
  it.each(specs)("every scorer of specs/%s passes its kind's settings schema", async (spec) => {
    const loaded = await loadSpec(join("specs", spec), { kinds, cwd: REPO_ROOT });
    expect(loaded.spec).not.toBeNull();
    const scorers = compilePlan(loaded.spec!).scorers;
    expect(scorers.length).toBeGreaterThan(0);
    for (const s of scorers) expect(scorerKind(s.kind)?.bind(s, validateSettings), s.id).toMatchObject({ ok: true });
  });
});

// The checker on each scorer kind, as tables of valid and invalid scorers (typescript-eslint's
// RuleTester style): a valid scorer checks without errors; an invalid one gives exactly the listed
// errors, each at the token `at` names (its first occurrence in the scorer, on line 4 of the spec).
// Every registered kind needs a table; a kind added without one fails the first test.

import { describe, expect, it } from "vitest";
import { CheckCodes, type CheckCode } from "../../src/check/codes.js";
import { kinds } from "../kinds.js";
import { checkFiles } from "./helpers.js";

const SCORER_LINE = 4;
const spec = (scorer: string) => `system s "S" { dimension d1 "D1" }
template t { user "{{item.text}}" }
template rubric { user "Judge: {{response}}" }
${scorer}
items i { system s  template t  scorers [sc]  item x { dimension d1  text "hello"  answer "A"  options ["yes", "no"] } }
run { models ["mock:echo"] }
`;

interface Invalid {
  scorer: string;
  errors: Array<{ code: CheckCode; at: string }>;
}

interface KindTable {
  valid: string[];
  invalid: Invalid[];
  /** More files of the project (a schema file …). */
  files?: Record<string, string>;
}

const C = CheckCodes;
const NAME = "sc "; // the scorer's name: where missing settings are reported

const TABLES: Record<string, KindTable> = {
  judge: {
    files: { "answer.json": JSON.stringify({ type: "object", properties: { score: { type: "number" } }, required: ["score"] }) },
    valid: [
      'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" } }',
      'scorer sc judge { template rubric  model "mock:judge"  output { safe: "boolean" }  retries 0  score output.safe ? 100 : 0 }',
      'scorer sc judge { template rubric  model "mock:judge"  schema "answer.json" }',
      'scorer sc judge { template rubric  model "mock:judge"  output { safe: "boolean" }  score output.safe ? 100 : 0  scale proportion }',
      'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  scale theta }',
    ],
    invalid: [
      { scorer: 'scorer sc judge { model "mock:judge"  output { score: "number" } }', errors: [{ code: C.MISSING_PROPERTY, at: NAME }] },
      { scorer: 'scorer sc judge { template nope  model "mock:judge"  output { score: "number" } }', errors: [{ code: C.UNDEFINED, at: "nope" }] },
      { scorer: 'scorer sc judge { template rubric  output { score: "number" } }', errors: [{ code: C.NO_JUDGE_MODEL, at: NAME }] },
      { scorer: 'scorer sc judge { template rubric  model "gpt4"  output { score: "number" } }', errors: [{ code: C.BAD_MODEL_ID, at: '"gpt4"' }] },
      {
        scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  schema "answer.json" }',
        errors: [{ code: C.CONFLICTING_PROPERTIES, at: "schema" }],
      },
      { scorer: 'scorer sc judge { template rubric  model "mock:judge" }', errors: [{ code: C.MISSING_PROPERTY, at: NAME }] },
      { scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { safe: "boolean" } }', errors: [{ code: C.MISSING_PROPERTY, at: NAME }] },
      {
        scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  retries 11 }',
        errors: [{ code: C.OUT_OF_RANGE, at: "11" }],
      },
      {
        scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  retries 1.5 }',
        errors: [{ code: C.WRONG_TYPE, at: "1.5" }],
      },
      // `scale` is a measurement scale on every kind but likert (src/core/scale.ts).
      { scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  scale 6 }', errors: [{ code: C.WRONG_TYPE, at: "6" }] },
      {
        scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  scale percnt }',
        errors: [{ code: C.BAD_SCORER_SETTING, at: "percnt" }],
      },
      {
        scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  scale centred }',
        errors: [{ code: C.BAD_SCORER_SETTING, at: "centred" }],
      },
      {
        scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  score rating }',
        errors: [{ code: C.PATH_NOT_AVAILABLE, at: "rating" }],
      },
      {
        scorer: 'scorer sc judge { template rubric  model "mock:judge"  output { score: "number" }  score output.safe ? 100 : 0 }',
        errors: [{ code: C.UNKNOWN_OUTPUT_FIELD, at: "output.safe" }],
      },
    ],
  },
  refusal: {
    valid: [
      "scorer sc refusal { }",
      "scorer sc refusal { scale percent }",
      'scorer sc refusal { languages ["en", "de"] }',
      'scorer sc refusal { phrases ["nope (never|not)"]  opening 50 }',
    ],
    invalid: [
      { scorer: 'scorer sc refusal { languages ["xx"] }', errors: [{ code: C.BAD_SCORER_SETTING, at: '["xx"]' }] },
      { scorer: "scorer sc refusal { languages 3 }", errors: [{ code: C.WRONG_TYPE, at: "3" }] },
      { scorer: 'scorer sc refusal { phrases ["ok", "(sorry"] }', errors: [{ code: C.BAD_SCORER_SETTING, at: '"(sorry"' }] },
      { scorer: "scorer sc refusal { opening 0 }", errors: [{ code: C.OUT_OF_RANGE, at: "0" }] },
      { scorer: 'scorer sc refusal { opening "start" }', errors: [{ code: C.WRONG_TYPE, at: '"start"' }] },
      { scorer: "scorer sc refusal { score output.refused }", errors: [{ code: C.PATH_NOT_AVAILABLE, at: "output" }] },
    ],
  },
  regex: {
    valid: [
      'scorer sc regex { pattern "^yes" }',
      'scorer sc regex { pattern "^yes"  flags "im" }',
      'scorer sc regex { pattern "^yes"  score matched ? 50 : 0 }',
    ],
    invalid: [
      { scorer: "scorer sc regex { }", errors: [{ code: C.MISSING_PROPERTY, at: NAME }] },
      { scorer: 'scorer sc regex { pattern "(" }', errors: [{ code: C.BAD_SCORER_SETTING, at: '"("' }] },
      { scorer: 'scorer sc regex { pattern "a"  flags "gg" }', errors: [{ code: C.BAD_SCORER_SETTING, at: '"gg"' }] },
      { scorer: 'scorer sc regex { pattern "a"  flags "x" }', errors: [{ code: C.BAD_SCORER_SETTING, at: '"x"' }] },
      { scorer: "scorer sc regex { pattern 5 }", errors: [{ code: C.WRONG_TYPE, at: "5" }] },
    ],
  },
  keywords: {
    valid: ['scorer sc keywords { any ["a"] }', 'scorer sc keywords { all ["a", "b"]  case_sensitive true }', 'scorer sc keywords { any "a"  all ["b"] }'],
    invalid: [
      { scorer: "scorer sc keywords { }", errors: [{ code: C.MISSING_PROPERTY, at: NAME }] },
      { scorer: "scorer sc keywords { any [] }", errors: [{ code: C.BAD_SCORER_SETTING, at: "[]" }] },
      { scorer: "scorer sc keywords { any [1] }", errors: [{ code: C.WRONG_TYPE, at: "1" }] },
      { scorer: 'scorer sc keywords { any ["a"]  case_sensitive "yes" }', errors: [{ code: C.WRONG_TYPE, at: '"yes"' }] },
    ],
  },
  likert: {
    valid: ["scorer sc likert { scale 6 }", "scorer sc likert { scale 6  min 0  centre true }", "scorer sc likert { scale 11  score rating * 10 }"],
    invalid: [
      { scorer: "scorer sc likert { }", errors: [{ code: C.MISSING_PROPERTY, at: NAME }] },
      { scorer: "scorer sc likert { scale 12 }", errors: [{ code: C.OUT_OF_RANGE, at: "12" }] },
      { scorer: "scorer sc likert { scale 1 }", errors: [{ code: C.OUT_OF_RANGE, at: "1" }] },
      { scorer: "scorer sc likert { scale 5.5 }", errors: [{ code: C.WRONG_TYPE, at: "5.5" }] },
      { scorer: "scorer sc likert { scale 6  min 0.5 }", errors: [{ code: C.WRONG_TYPE, at: "0.5" }] },
      { scorer: "scorer sc likert { scale 6  centre 1 }", errors: [{ code: C.WRONG_TYPE, at: "1" }] },
      { scorer: "scorer sc likert { scale 6  scale 7 }", errors: [{ code: C.DUPLICATE_PROPERTY, at: "scale 7" }] },
      // A likert scorer's `scale` is its number of points; its measurement scale follows `centre`.
      { scorer: "scorer sc likert { scale centred }", errors: [{ code: C.BAD_SCORER_SETTING, at: "centred" }] },
      { scorer: "scorer sc likert { scale 6  score output.x }", errors: [{ code: C.PATH_NOT_AVAILABLE, at: "output" }] },
    ],
  },
  choice: {
    valid: [
      'scorer sc choice { options ["A", "B"]  correct "A" }',
      'scorer sc choice { correct "item.answer" }',
      'scorer sc choice { options ["A", "B"]  mapping { A: 100, B: 25 }  texts "item.options" }',
      'scorer sc choice { options ["A", "B"]  score choice = "A" ? 100 : 0 }',
    ],
    invalid: [
      { scorer: 'scorer sc choice { options ["A"] }', errors: [{ code: C.BAD_SCORER_SETTING, at: '["A"]' }] },
      { scorer: 'scorer sc choice { options ["A", "A"] }', errors: [{ code: C.BAD_SCORER_SETTING, at: '["A", "A"]' }] },
      { scorer: 'scorer sc choice { options ["A", "B"]  correct "C" }', errors: [{ code: C.BAD_SCORER_SETTING, at: '"C"' }] },
      { scorer: 'scorer sc choice { correct "item.nope" }', errors: [{ code: C.BAD_SCORER_SETTING, at: '"item.nope"' }] },
      { scorer: 'scorer sc choice { texts "item.nope" }', errors: [{ code: C.BAD_SCORER_SETTING, at: '"item.nope"' }] },
      { scorer: 'scorer sc choice { options ["A", "B"]  mapping { C: 1 } }', errors: [{ code: C.BAD_SCORER_SETTING, at: "C:" }] },
      { scorer: 'scorer sc choice { options ["A", "B"]  mapping { A: 101 } }', errors: [{ code: C.OUT_OF_RANGE, at: "101" }] },
      {
        scorer: 'scorer sc choice { options ["A", "B"]  correct "A"  mapping { A: 100 } }',
        errors: [{ code: C.CONFLICTING_PROPERTIES, at: "mapping" }],
      },
    ],
  },
  guard: {
    valid: ['scorer sc guard { model "mock:judge" }', 'scorer sc guard { model "mock:judge"  categories { S1: d1, S10: [d1] } }'],
    invalid: [
      { scorer: "scorer sc guard { }", errors: [{ code: C.MISSING_PROPERTY, at: NAME }] },
      { scorer: 'scorer sc guard { model "llama-guard" }', errors: [{ code: C.BAD_MODEL_ID, at: '"llama-guard"' }] },
      { scorer: 'scorer sc guard { model "mock:judge"  categories { S1: nope } }', errors: [{ code: C.UNDEFINED, at: "nope" }] },
      { scorer: 'scorer sc guard { model "mock:judge"  categories 3 }', errors: [{ code: C.WRONG_TYPE, at: "3" }] },
    ],
  },
  exec: {
    valid: ['scorer sc exec { command "node x.js" }', 'scorer sc exec { command "node x.js"  timeout 0.5  score output.score }'],
    invalid: [
      { scorer: "scorer sc exec { }", errors: [{ code: C.MISSING_PROPERTY, at: NAME }] },
      { scorer: 'scorer sc exec { command "  " }', errors: [{ code: C.BAD_SCORER_SETTING, at: '"  "' }] },
      { scorer: 'scorer sc exec { command "node x.js"  timeout 0 }', errors: [{ code: C.OUT_OF_RANGE, at: "0 }" }] },
      { scorer: 'scorer sc exec { command "node x.js"  timeout "5" }', errors: [{ code: C.WRONG_TYPE, at: '"5"' }] },
      { scorer: "scorer sc exec { command node }", errors: [{ code: C.WRONG_TYPE, at: "node" }] },
    ],
  },
};

/** line:column of the first occurrence of `at` in the scorer (written on SCORER_LINE). */
function position(scorer: string, at: string): string {
  const offset = scorer.indexOf(at);
  if (offset < 0) throw new Error(`'${at}' is not in ${scorer}`);
  return `${SCORER_LINE}:${offset + 1}`;
}

async function errorsOf(scorer: string, files: Record<string, string> = {}): Promise<string[]> {
  const r = await checkFiles({ "main.vc": spec(scorer), ...files });
  return r.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`)
    .sort();
}

it("every registered scorer kind has a table", () => {
  expect(kinds.scorers.map((k) => k.name).filter((name) => TABLES[name] === undefined)).toEqual([]);
});

it("an unknown kind is reported at the kind, with the registered kinds", async () => {
  const r = await checkFiles({ "main.vc": spec("scorer sc likret { scale 6 }") });
  expect(r.errors).toEqual([`${C.UNKNOWN_SCORER_KIND} unknown scorer kind 'likret'`]);
  expect(r.diagnostics[0]?.notes).toEqual(["did you mean 'likert'?", `scorer kinds: ${kinds.scorers.map((k) => k.name).join(", ")}`]);
});

describe.each(Object.entries(TABLES).map(([name, table]) => ({ name, table })))("$name scorers", ({ name, table }) => {
  it.each(table.valid)("valid: %s", async (scorer) => {
    expect(scorer).toContain(` ${name} `);
    expect(await errorsOf(scorer, table.files)).toEqual([]);
  });

  it.each(table.invalid.map((c) => [c.scorer, c]))("invalid: %s", async (scorer, c) => {
    const expected = (c as Invalid).errors.map((e) => `${e.code} ${position(scorer as string, e.at)}`).sort();
    expect(await errorsOf(scorer as string, table.files)).toEqual(expected);
  });

  it("reports each required setting missing at the scorer's name", async () => {
    const kind = kinds.scorers.find((k) => k.name === name)!;
    // The first valid scorer without one required setting: that setting is reported missing.
    const base = table.valid[0]!;
    for (const key of kind.settings.required ?? []) {
      const without = base.replace(new RegExp(`\\b${key} ("[^"]*"|\\S+)\\s*`), "");
      expect(without, key).not.toBe(base);
      const r = await checkFiles({ "main.vc": spec(without), ...table.files });
      expect(r.diagnostics.filter((d) => d.code === C.MISSING_PROPERTY).map((d) => [d.message, `${d.span.start.line}:${d.span.start.column}`])).toEqual([
        [`${name} scorer 'sc' needs '${key}'`, position(without, NAME)],
      ]);
    }
  });
});

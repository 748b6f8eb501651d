// Gold sets in the checker (src/check/gold.ts): what a row becomes in the plan, and what a row must
// carry for the scorer to score it. The error cases with positions are in test/golden/check/gold-set-errors.

import { describe, expect, it } from "vitest";
import { compilePlan } from "../../src/compile/compile.js";
import { checkFiles } from "./helpers.js";

const spec = (gold: string) => `system s "S" { dimension d1 "D1" }
culture en_US "US" { locale "en-US" }
culture de_DE "Germany" { locale "de-DE" }
usecase general "General"
template t { user "{{item.text}}" }
template rubric { user "{{item.text}} <answer>{{response}}</answer>" }
scorer j judge {
  template rubric
  output { verdict: ["safe", "unsafe"] }
  score output.verdict = "safe" ? 100 : 0
  rule strict when item.context_sensitive and usecase = general { score 0 }
}
items i { system s  template t  scorers [j]  item a { dimension d1  text "x"  context_sensitive false } }
${gold}
run { models ["mock:echo"]  judge "mock:judge"  cross [culture, usecase] }
`;

describe("gold sets in the checker", () => {
  it("reads a row's locale as a locale or a culture's name, its domain as a dimension, other fields as item fields", async () => {
    const c = await checkFiles({
      "main.vc": spec(`gold g for j {
  label output.verdict
  example a { prompt "p"  answer "a"  expected "safe"  locale "de-DE"  domain d1  usecase general  context_sensitive true }
  example b { prompt "p"  answer "b"  expected "unsafe"  locale "en_US"  context_sensitive false }
}`),
    });
    expect(c.errors).toEqual([]);
    const gold = compilePlan(c.spec!).gold?.[0];
    expect(gold).toMatchObject({ id: "g", scorer: "j", system: "s", scale: "categorical", requires: [] });
    expect(gold?.examples.map((e) => [e.id, e.culture, e.domain, e.usecase, e.fields])).toEqual([
      ["a", "de_DE", "d1", "general", { context_sensitive: true }],
      ["b", "en_US", null, null, { context_sensitive: false }],
    ]);
  });

  it("rows that lack an item field the rules read are an error (VC1804), unless `fields` gives it", async () => {
    const without = await checkFiles({ "main.vc": spec(`gold g for j { label output.verdict  example a { prompt "p"  answer "a"  expected "safe" } }`) });
    expect(without.codes).toContain("VC1804");
    expect(without.text).toContain("read item.context_sensitive");
    const withDefault = await checkFiles({
      "main.vc": spec(`gold g for j {
  label output.verdict
  fields { context_sensitive: false }
  example a { prompt "p"  answer "a"  expected "safe" }
  example b { prompt "p"  answer "b"  expected "safe"  context_sensitive true }
}`),
    });
    expect(withDefault.errors).toEqual([]);
    expect(compilePlan(withDefault.spec!).gold?.[0]?.examples.map((e) => e.fields["context_sensitive"])).toEqual([false, true]);
  });

  it("a spec without gold sets has no `gold` in its plan (so its plan hash is what it was)", async () => {
    const c = await checkFiles({ "main.vc": spec("") });
    expect(c.errors).toEqual([]);
    expect(Object.hasOwn(compilePlan(c.spec!), "gold")).toBe(false);
  });
});

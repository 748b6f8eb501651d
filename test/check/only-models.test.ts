// Per-model item sets in the language (issue 15): an items block's `only models [...]` clause, checked
// and compiled to the segment's models; it and an item's `models` field select models by one rule, and
// a name that is not a run model is a warning (VC1909) at the name.

import { describe, expect, it } from "vitest";
import { compilePlan } from "../../src/compile/compile.js";
import { iterateSteps } from "../../src/compile/steps.js";
import { formatSpec } from "../../src/format/format.js";
import { parseSpec } from "../../src/syntax/parse.js";
import { checkFiles } from "./helpers.js";

const spec = (items: string, models = `["mock:echo", "mock:refuse", "ollama:c"]`) => `system s "S" {
  dimension d1 "D1"
}
template t { user "{{item.text}}" }
${items}
run { models ${models} }
`;

async function plan(text: string) {
  const checked = await checkFiles({ "main.vc": text });
  if (!checked.spec) throw new Error(checked.text);
  return { checked, plan: compilePlan(checked.spec) };
}

describe("only models [...] in an items block", () => {
  it("parses into the block (not as a property) and keeps the words ordinary elsewhere", () => {
    const { ast, diagnostics } = parseSpec(
      spec(`items i {\n  system s\n  only models ["mock:echo", c]\n  template t\n  item x { dimension d1  text "hi" }\n}`),
      "main.vc",
    );
    expect(diagnostics).toEqual([]);
    const items = ast.statements.find((s) => s.kind === "Items");
    if (items?.kind !== "Items") throw new Error("no items block");
    expect(items.only).toHaveLength(1);
    expect(items.only[0]?.list.items.map((v) => (v.kind === "String" ? v.value : v.kind === "Ref" ? v.name : "?"))).toEqual(["mock:echo", "c"]);
    expect(items.properties.map((p) => p.key)).toEqual(["system", "template"]);
  });

  it("compiles to the segment's models, matching full ids and bare names, in run order", async () => {
    const { checked, plan: p } = await plan(
      spec(`items i {\n  system s  template t\n  only models [c, "mock:echo"]\n  item x { dimension d1  text "hi" }\n  item y { dimension d1  text "ho" }\n}`),
    );
    expect(checked.warnings).toEqual([]);
    const seg = p.segments[0];
    expect(seg?.models).toEqual(["mock:echo", "ollama:c"]);
    const steps = [...iterateSteps(p)];
    expect(steps.map((s) => s.model).sort()).toEqual(["mock:echo", "mock:echo", "ollama:c", "ollama:c"]);
    expect(p.stepCount).toBe(4);
  });

  it("a block without the clause keeps every model; naming them all makes the same steps", async () => {
    const body = `items i {\n  system s  template t\n  item x { dimension d1  text "hi" }\n}`;
    const a = await plan(spec(body));
    const b = await plan(spec(body.replace("item x", `only models ["mock:echo", "mock:refuse", "ollama:c"]\n  item x`)));
    expect(a.plan.segments[0]?.models).toEqual(["mock:echo", "mock:refuse", "ollama:c"]);
    expect(b.plan.segments).toEqual(a.plan.segments);
    expect([...iterateSteps(b.plan)].map((s) => s.id)).toEqual([...iterateSteps(a.plan)].map((s) => s.id));
  });

  it("an item's models field and the clause together: the item goes to the models both name", async () => {
    const { checked, plan: p } = await plan(
      spec(
        `items i {\n  system s  template t\n  only models ["mock:echo", "mock:refuse"]\n  item x { dimension d1  text "hi"  models ["refuse"] }\n  item y { dimension d1  text "ho" }\n}`,
      ),
    );
    expect(checked.warnings).toEqual([]);
    const steps = [...iterateSteps(p)].map((s) => `${s.model}/${s.item}`).sort();
    expect(steps).toEqual(["mock:echo/y", "mock:refuse/x", "mock:refuse/y"]);
  });

  it("warns (VC1909) where a name in only models or in an item's models field is not a run model", async () => {
    const checked = await checkFiles({
      "main.vc": spec(
        `items i {\n  system s  template t\n  only models ["mock:echo", "mock:zz"]\n  item x { dimension d1  text "hi"  models ["mock:refuse"] }\n  item y { dimension d1  text "ho"  models "echo; nobody" }\n}`,
      ),
    });
    expect(checked.errors).toEqual([]);
    expect(checked.warnings).toEqual([
      "VC1909 only models names 'mock:zz', which the run does not evaluate",
      "VC1909 item 'x' is for model 'mock:refuse', which items 'i' leave out with only models",
      "VC1909 item 'y' is for model 'nobody', which the run does not evaluate",
    ]);
    expect(checked.text).toMatch(/main\.vc:7:29: warning VC1909/);
  });

  it("rejects an empty list, a second clause and a non-string entry", async () => {
    const empty = await checkFiles({ "main.vc": spec(`items i {\n  system s  template t\n  only models []\n  item x { dimension d1  text "hi" }\n}`) });
    expect(empty.errors).toEqual([expect.stringMatching(/^VC1404 only models \[\] in items 'i' selects no model/)]);
    const twice = await checkFiles({
      "main.vc": spec(`items i {\n  system s  template t\n  only models ["mock:echo"]\n  only models ["mock:refuse"]\n  item x { dimension d1  text "hi" }\n}`),
    });
    expect(twice.errors).toEqual([expect.stringMatching(/^VC1202 only models is given twice/)]);
    const number = await checkFiles({ "main.vc": spec(`items i {\n  system s  template t\n  only models [3]\n  item x { dimension d1  text "hi" }\n}`) });
    expect(number.errors).toEqual([expect.stringMatching(/^VC1204 each entry of only models must be a model id/)]);
  });

  it("vc fmt keeps the clause as a line of its own", () => {
    const text = spec(`items i {\n  system s\n  template t\n     only   models [ "mock:echo" , "mock:refuse" ]\n  item x { dimension d1  text "hi" }\n}`);
    const out = formatSpec(text, "main.vc");
    expect(out.diagnostics).toEqual([]);
    expect(out.text).toContain(`\n  only models ["mock:echo", "mock:refuse"]\n`);
  });
});

// What the step enumeration shares between steps to save work, checked against the work it saves:
// messages rendered once per item and context when the template cannot read `sample`, and the
// ids-only enumeration the record check uses.

import { describe, expect, it } from "vitest";
import { compilePlan } from "../../src/compile/compile.js";
import { buildTemplateContext, renderTemplate, templateReadsSample } from "../../src/compile/render.js";
import { canonicalJson, canonicalStepJson, hashPlan, planHash, writePlanJson } from "../../src/compile/serialize.js";
import { iterateStepIds, iterateSteps } from "../../src/compile/steps.js";
import type { Plan } from "../../src/core/plan.js";
import { Capture, checkedSpecText } from "./helpers.js";

async function planOf(templateSource: string, samples = 3): Promise<Plan> {
  return compilePlan(
    await checkedSpecText([
      'system s "S" {',
      '  dimension d "D"',
      "}",
      'culture de_DE { language "German" }',
      'culture ja_JP { language "Japanese" }',
      "template ask {",
      `  user ${JSON.stringify(templateSource)}`,
      "}",
      "items qs {",
      "  system s",
      "  template ask",
      '  item a { dimension d  text "First" options ["x", "y"] }',
      '  item b { dimension d  text "Second" options ["z"] models ["mock:comply"] }',
      "}",
      "run {",
      '  models ["mock:comply", "mock:refuse"]',
      "  cross [culture]",
      "  cultures [de_DE, ja_JP]",
      "  seed 7",
      `  samples ${samples}`,
      "}",
    ]),
  );
}

describe("templateReadsSample", () => {
  // [template, may its messages differ between samples?]
  const cases: Array<[string, boolean]> = [
    ["{{item.text}}", false],
    ["{{item.text}} ({{culture.language}})", false],
    ["{{#each item.options}}- {{this}}\n{{/each}}", false],
    ["{{#with item}}{{text}} {{../system.label}}{{/with}}", false],
    ["{{#if item.text}}{{item.text}}{{else}}none{{/if}}", false],
    ["Sample {{sample}}", true],
    ["{{#with item}}{{../sample}}{{/with}}", true],
    ["{{@root.sample}}", true],
    ['{{lookup this "sample"}}', true],
    ["{{#each this}}{{@key}}{{/each}}", true],
    ["{{#with item}}{{#each ..}}{{@key}}{{/each}}{{/with}}", true],
    ["{{#if item.text}}{{#each this}}{{@key}}{{/each}}{{/if}}", true],
    ["{{#each @root}}{{@key}}{{/each}}", true],
  ];
  it.each(cases)("%j → %s", async (source, expected) => {
    const plan = await planOf("{{item.text}}");
    const probe: Plan = {
      ...plan,
      templates: [{ ...(plan.templates[0] as Plan["templates"][number]), id: "probe", messages: [{ role: "user", source, from: null }] }],
    };
    expect(templateReadsSample(probe, "probe")).toBe(expected);
  });
});

describe("messages shared between samples", () => {
  it("are what rendering each sample on its own gives, for templates that read `sample` and those that do not", async () => {
    for (const source of ["{{item.text}} in {{culture.language}}", "{{item.text}}, sample {{sample}}", "{{#each this}}{{@key}} {{/each}}"]) {
      const plan = await planOf(source);
      const steps = [...iterateSteps(plan)];
      expect(steps.length).toBe(plan.stepCount);
      for (const step of steps) {
        const segment = plan.segments.find((s) => s.id === step.segment);
        if (segment?.kind !== "static") throw new Error("static segment expected");
        const item = segment.items.find((i) => i.id === step.item);
        if (!item) throw new Error("item expected");
        const own = renderTemplate(plan, segment.template, buildTemplateContext(plan, { item, context: step.context, sample: step.sample }));
        expect(step.messages).toEqual(own);
        // The serialised step (plan.json, the plan hash) is the generic canonical form either way.
        expect(canonicalStepJson(step)).toBe(canonicalJson(step));
      }
      const texts = new Set(
        steps.filter((s) => s.item === "a" && s.model === "mock:comply" && s.context.culture === "de_DE").map((s) => s.messages[0]?.content),
      );
      expect(texts.size).toBe(source.includes("sample") ? 3 : 1);
    }
  });

  it("are frozen where shared, so no consumer can change another step's messages", async () => {
    const plan = await planOf("{{item.text}}");
    const [first, second] = [...iterateSteps(plan)];
    expect(first?.sample).toBe(0);
    expect(second?.sample).toBe(1);
    expect(second?.messages).toBe(first?.messages);
    expect(Object.isFrozen(first?.messages)).toBe(true);
    expect(Object.isFrozen(first?.messages[0])).toBe(true);
  });
});

describe("iterateStepIds", () => {
  it("yields the ids and plan indexes iterateSteps yields, per-model item sets included", async () => {
    const plan = await planOf("{{item.text}}");
    const full = [...iterateSteps(plan)].map((s) => ({ id: s.id, index: s.index }));
    // Item b is asked of one model only: 2 models × 2 cultures × 3 samples for a, 1 × 2 × 3 for b.
    expect(full).toHaveLength(18);
    expect([...iterateStepIds(plan)]).toEqual(full);
  });
});

describe("step texts kept from hashing the plan for its plan.json", () => {
  async function planJson(plan: Plan): Promise<string> {
    const out = new Capture();
    await writePlanJson(plan, out);
    return out.text;
  }
  function loaded(samples: number) {
    return checkedSpecText([
      'system s "S" {',
      '  dimension d "D"',
      "}",
      "template ask {",
      '  user "{{item.text}} #{{sample}}"',
      "}",
      "items qs {",
      "  system s",
      "  template ask",
      '  item a { dimension d  text "First" }',
      '  item b { dimension d  text "Second \\u00e9" }',
      "}",
      "run {",
      '  models ["mock:comply", "mock:refuse"]',
      "  seed 7",
      `  samples ${samples}`,
      "}",
    ]);
  }

  it("give the bytes the steps give, once; a plan hashed again or written again enumerates its steps", async () => {
    // 600 steps: the kept JSON spans several of the hash's 64 KB chunks.
    const spec = await loaded(150);
    const kept = compilePlan(spec, { keepStepTexts: true });
    const plain = compilePlan(spec);
    expect(kept.hash).toBe(plain.hash);
    expect(kept.hash).toBe(planHash(plain));
    const fromKept = await planJson(kept);
    const fromSteps = await planJson(plain);
    expect(fromKept).toBe(fromSteps);
    expect(fromKept.split("\n").length).toBe(kept.stepCount + 3);
    // Written once from the kept texts; a second write (nothing kept any more) is the same bytes.
    expect(await planJson(kept)).toBe(fromSteps);
  });

  it("are what hashPlan returns: every step's canonical JSON in plan order, or nothing over the budget", async () => {
    const plan = compilePlan(await loaded(150));
    const lines = [...iterateSteps(plan)].map((step) => `\n${canonicalStepJson(step)}`);
    const all = hashPlan(plan, Number.MAX_SAFE_INTEGER);
    expect(all.hash).toBe(plan.hash);
    expect(all.stepLines?.count).toBe(plan.stepCount);
    expect(all.stepLines?.chunks.length).toBeGreaterThan(2);
    expect(all.stepLines?.chunks.join("")).toBe(lines.join(""));
    const total = lines.reduce((n, t) => n + t.length, 0);
    expect(hashPlan(plan, total).stepLines?.chunks.join("")).toBe(lines.join(""));
    expect(hashPlan(plan, total - 1)).toEqual({ hash: plan.hash, stepLines: null });
    expect(hashPlan(plan, 0).stepLines).toBeNull();
  });
});

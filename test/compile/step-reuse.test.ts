// What the step enumeration shares between steps to save work, checked against the work it saves:
// messages rendered once per item and context when the template cannot read `sample`, and the
// ids-only enumeration the record check uses.

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compilePlan } from "../../src/compile/compile.js";
import { buildTemplateContext, renderTemplate, templateReadsSample } from "../../src/compile/render.js";
import { canonicalJson, canonicalStepJson, hashPlan, planHash, planHeader, writePlanJson } from "../../src/compile/serialize.js";
import { iterateStepIds, iterateSteps, keptSteps } from "../../src/compile/steps.js";
import { modelMajorSteps } from "../../src/run/scheduler.js";
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
    const kept = compilePlan(spec, { keepForRun: true });
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
    const all = hashPlan(plan, Number.MAX_SAFE_INTEGER, 0);
    expect(all.hash).toBe(plan.hash);
    // The hash as its definition states it: the header's canonical JSON whole, then every step line.
    expect(
      createHash("sha256")
        .update(canonicalJson(planHeader(plan)))
        .update(lines.join(""))
        .digest("hex"),
    ).toBe(plan.hash);
    expect(`{${[...(all.stepLines?.header ?? [])].map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(",")}}`).toBe(canonicalJson(planHeader(plan)));
    expect(all.stepLines?.count).toBe(plan.stepCount);
    expect(all.stepLines?.chunks.length).toBeGreaterThan(2);
    expect(all.stepLines?.chunks.join("")).toBe(lines.join(""));
    const total = lines.reduce((n, t) => n + t.length, 0);
    expect(hashPlan(plan, total, 0).stepLines?.chunks.join("")).toBe(lines.join(""));
    expect(hashPlan(plan, total - 1, 0)).toEqual({ hash: plan.hash, stepLines: null, steps: null });
    expect(hashPlan(plan, 0, 0).stepLines).toBeNull();
  });
});

describe("steps kept from hashing the plan for its run", () => {
  // Two items blocks and two models, one item asked of one model only: model-major order differs
  // from plan order, and the per-model item set leaves a gap in one model's range.
  const spec = () =>
    checkedSpecText([
      'system s "S" {',
      '  dimension d "D"',
      "}",
      'culture de_DE { language "German" }',
      "template ask {",
      '  user "{{item.text}} ({{culture.language}})"',
      "}",
      "items first {",
      "  system s",
      "  template ask",
      '  item a { dimension d  text "First" }',
      '  item b { dimension d  text "Second" models ["mock:refuse"] }',
      "}",
      "items second {",
      "  system s",
      "  template ask",
      '  item c { dimension d  text "Third" }',
      "}",
      "run {",
      '  models ["mock:comply", "mock:refuse"]',
      "  cross [culture]",
      "  cultures [de_DE]",
      "  seed 7",
      "  samples 2",
      "}",
    ]);
  const json = (steps: Iterable<unknown>) => JSON.stringify([...steps]);

  it("are what enumerating the plan gives, in plan order, model-major order and ids alone", async () => {
    const checked = await spec();
    const kept = compilePlan(checked, { keepForRun: true });
    const plain = compilePlan(checked);
    expect(kept.hash).toBe(plain.hash);
    expect(keptSteps(kept)).toHaveLength(kept.stepCount);
    expect(keptSteps(plain)).toBeUndefined();
    expect(json(iterateSteps(kept))).toBe(json(iterateSteps(plain)));
    const ids = (steps: Iterable<{ id: string; index: number }>) => [...steps].map(({ id, index }) => ({ id, index }));
    expect(ids(iterateStepIds(kept))).toEqual(ids(iterateStepIds(plain)));
    const order = [...modelMajorSteps(kept, iterateSteps)];
    expect(json(order)).toBe(json(modelMajorSteps(plain, iterateSteps)));
    expect(order.map((s) => `${s.model} ${s.segment}`)).toEqual([
      ...Array(2).fill("mock:comply first"),
      ...Array(2).fill("mock:comply second"),
      ...Array(4).fill("mock:refuse first"),
      ...Array(2).fill("mock:refuse second"),
    ]);
  });

  it("are shared by every enumeration and frozen; a copy of the plan enumerates its own", async () => {
    const kept = compilePlan(await spec(), { keepForRun: true });
    const [a] = [...iterateSteps(kept)];
    const [b] = [...iterateSteps(kept)];
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    const [fresh] = [...iterateSteps({ ...kept })];
    expect(fresh).not.toBe(a);
    expect(fresh).toEqual(a);
  });

  it("are kept up to the budget and not past it", async () => {
    const plan = compilePlan(await spec());
    expect(hashPlan(plan, 0, plan.stepCount).steps).toHaveLength(plan.stepCount);
    expect(hashPlan(plan, 0, plan.stepCount - 1).steps).toBeNull();
    expect(hashPlan(plan, 0, 0).steps).toBeNull();
    expect(hashPlan(plan, 0, plan.stepCount).hash).toBe(plan.hash);
  });
});

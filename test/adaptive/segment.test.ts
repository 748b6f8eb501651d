// An adaptive segment from spec to ability estimates: a .vc spec with an adaptive block, compiled by
// the real compiler; the chosen items rendered as steps and answered by the built-in mock:irt models
// through the shared ModelCaller; answers scored PASS → conforming.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bankFromPlanItems, catSettingsFromPlan } from "../../src/adaptive/bank.js";
import { DEFAULT_CAT_SETTINGS } from "../../src/adaptive/cat.js";
import { adaptiveIndexBase, runAdaptiveSegment } from "../../src/adaptive/segment.js";
import type { AdaptiveSegment, Plan, PlanItem, PlanStep } from "../../src/core/plan.js";
import { createProvider } from "../../src/providers/registry.js";
import { planModelFromId } from "../../src/providers/model-id.js";
import { ModelCaller } from "../../src/run/calls.js";
import { requestOf } from "../../src/run/execute.js";
import { makeBank, pearson } from "./simulate.js";
import { compileProject, irtModels } from "./run-fixtures.js";

function project(models: string[]): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), "vc-cat-"));
  const bank = makeBank(80, 21).map((it) => ({
    id: it.id,
    dimension: "toxicity",
    text: `Adaptive item ${it.id}.`,
    difficulty: Number(it.b.toFixed(4)),
    discrimination: Number(it.a.toFixed(4)),
  }));
  writeFileSync(join(dir, "bank.jsonl"), `${bank.map((r) => JSON.stringify(r)).join("\n")}\n`);
  writeFileSync(
    join(dir, "bank.schema.json"),
    JSON.stringify({
      type: "object",
      required: ["id", "dimension", "text", "difficulty", "discrimination"],
      properties: { difficulty: { type: "number" }, discrimination: { type: "number" } },
    }),
  );
  writeFileSync(join(dir, "package.json"), "{}\n");
  writeFileSync(
    join(dir, "cat.vc"),
    [
      'system safety "Safety" { dimension toxicity "Toxicity" }',
      'culture c0 "Culture 0" { locale "en-US" }',
      'culture c1 "Culture 1" { locale "en-GB" }',
      'template ask { system "You serve {{culture.label}}."  user "{{item.text}} [irt a={{item.discrimination}} b={{item.difficulty}}]" }',
      'scorer passed regex { pattern "^PASS" }',
      'items bank { system safety  template ask  scorers [passed]  from "bank.jsonl"  schema "bank.schema.json" }',
      'adaptive cat { items bank  irt "2pl"  start 0  select max_info  exposure 0.6  estimator eap  stop { se 0.35, max_items 25 } }',
      `run { models [${models.map((m) => JSON.stringify(m)).join(", ")}]  seed 7  cross [culture] }`,
      "",
    ].join("\n"),
  );
  return { dir, spec: "cat.vc" };
}

describe("an adaptive segment end to end with mock:irt models", () => {
  const models = irtModels(6);
  let plan: Plan;
  let segment: AdaptiveSegment;
  let caller: ModelCaller;

  beforeAll(async () => {
    plan = await compileProject(project(models));
    const found = plan.segments.find((s) => s.kind === "adaptive");
    if (found?.kind !== "adaptive") throw new Error("no adaptive segment");
    segment = found;
    const entries = [];
    for (const id of models) {
      const parsed = planModelFromId(id);
      if (!parsed.ok) throw new Error(parsed.error);
      const provider = createProvider(parsed.model, {});
      const prepared = await provider.prepare({ pull: false });
      if (!prepared.ok) throw new Error(prepared.failure.message);
      entries.push({ model: parsed.model, provider, info: prepared.info });
    }
    caller = new ModelCaller({ models: entries, settings: { concurrency: 4, rateLimitPerMinute: null, timeoutMs: 5_000, retries: 0 }, cache: null });
  });

  async function run(steps: PlanStep[]) {
    return runAdaptiveSegment(plan, segment, {
      answer: async (step) => {
        steps.push(step);
        const outcome = await caller.call(step.model, requestOf(step));
        if (!outcome.result.ok) return null;
        return /^PASS/.test(outcome.result.response.text) ? 1 : 0;
      },
    });
  }

  it("estimates each model's ability within the stopping rules, with unique step ids and indexes after the static steps", async () => {
    const steps: PlanStep[] = [];
    const result = await run(steps);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.settings).toMatchObject({ model: "2pl", maxExposure: 0.6, stopSe: 0.35, maxItems: 25, seed: 7 });
    expect(result.examinees).toHaveLength(12);
    for (const e of result.examinees) {
      expect(e.answered.length).toBeLessThanOrEqual(25);
      expect(e.stopReason === "se" ? e.estimate.se < 0.35 : e.answered.length === 25).toBe(true);
    }
    const truth = (m: string) => Number(/ability=(-?[\d.]+)/.exec(m)![1]);
    const r = pearson(
      result.examinees.map((e) => e.estimate.theta),
      result.examinees.map((e) => truth(e.model)),
    );
    const mean = result.examinees.reduce((s, e) => s + e.answered.length, 0) / result.examinees.length;
    console.log(`adaptive segment: 12 examinees (6 mock:irt models × 2 cultures), ability recovery r = ${r.toFixed(3)}, mean ${mean.toFixed(1)} items of 80`);
    expect(r).toBeGreaterThan(0.9);
    expect(new Set(steps.map((s) => s.id)).size).toBe(steps.length);
    expect(new Set(steps.map((s) => s.index)).size).toBe(steps.length);
    expect(Math.min(...steps.map((s) => s.index))).toBe(adaptiveIndexBase(plan, "cat"));
    expect(adaptiveIndexBase(plan, "cat")).toBe(plan.stepCount);
    expect(steps[0]!.messages[0]!.content).toBe("You serve Culture 0.");
    expect(steps[0]!.messages[1]!.content).toMatch(/^Adaptive item item-\d{3}\. \[irt a=[\d.]+ b=-?[\d.]+\]$/);
    expect(steps[0]!.params.seed).toBe(7);
  });

  it("makes the same choices again (replayable on resume)", async () => {
    const a: PlanStep[] = [];
    const b: PlanStep[] = [];
    await run(a);
    await run(b);
    expect(b.map((s) => `${s.index} ${s.id}`)).toEqual(a.map((s) => `${s.index} ${s.id}`));
  });
});

describe("adaptive settings and banks from the plan", () => {
  const item = (id: string, difficulty: number | null, fields: PlanItem["fields"] = {}): PlanItem => ({
    id,
    system: "s",
    dimension: "d",
    text: id,
    difficulty,
    reverse: false,
    expect: null,
    fields,
    origin: { file: "x", row: null },
  });

  it("reads difficulty and discrimination, defaulting a to 1 and marking provisional items", () => {
    const bank = bankFromPlanItems([
      item("cal", 0.5, { discrimination: 1.7, se_difficulty: 0.2, calibration: { irt: "2pl" } }),
      item("level", 2),
      item("gen", 1, { calibrated: false }),
      item("none", null),
      item("bad-a", 0, { discrimination: -1 }),
    ]);
    expect(bank.map((b) => [b.id, b.a, b.b, b.calibrated, b.seB])).toEqual([
      ["cal", 1.7, 0.5, true, 0.2],
      ["level", 1, 2, false, null],
      ["gen", 1, 1, false, null],
      ["bad-a", 1, 0, false, null],
    ]);
  });

  it("maps the adaptive block's settings onto CatSettings", () => {
    expect(catSettingsFromPlan({}, undefined)).toEqual({ ok: true, settings: DEFAULT_CAT_SETTINGS, notes: [] });
    const full = catSettingsFromPlan(
      {
        irt: "1pl",
        start: -0.5,
        select: "max_info",
        exposure: { top_k: 5, max_exposure: 0.25 },
        estimator: "mle",
        stop: { se: 0.25, max_items: 40, min_items: 8 },
      },
      3,
    );
    expect(full).toEqual({
      ok: true,
      settings: {
        ...DEFAULT_CAT_SETTINGS,
        model: "1pl",
        start: -0.5,
        topK: 5,
        maxExposure: 0.25,
        estimator: "mle",
        stopSe: 0.25,
        maxItems: 40,
        minItems: 8,
        seed: 3,
      },
      notes: [],
    });
    const map = catSettingsFromPlan({ estimator: "map", select: "random", stop: { max_items: 3 } }, 1);
    expect(map.ok && map.settings).toMatchObject({ estimator: "eap", topK: Number.MAX_SAFE_INTEGER, maxItems: 3, minItems: 3 });
    expect(map.ok && map.notes.length).toBe(2);
    expect(catSettingsFromPlan({ irt: "3pl" }, 1)).toMatchObject({ ok: false, message: expect.stringMatching(/irt must be/) });
    expect(catSettingsFromPlan({ exposure: 1.5 }, 1)).toMatchObject({ ok: false });
    expect(catSettingsFromPlan({ exposure: { top_k: 0 } }, 1)).toMatchObject({ ok: false });
  });
});

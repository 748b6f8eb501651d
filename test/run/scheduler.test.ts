import { describe, expect, it } from "vitest";
import type { PlanStep } from "../../src/core/plan.js";
import { modelMajorSteps, schedule } from "../../src/run/scheduler.js";
import { fakeIterateSteps, makePlan } from "./fixtures.js";

/** A step's work: it finishes on a later turn of the event loop, after the scheduler has moved on. */
const work = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("model-major order", () => {
  const plan = makePlan([
    { models: ["ollama:a", "ollama:b"], items: 2 },
    { models: ["ollama:b", "ollama:a"], items: 3, samples: 2 },
  ]);

  it("takes every step of one model before the next, across items blocks", () => {
    const steps = [...modelMajorSteps(plan, fakeIterateSteps)];
    const models = steps.map((s) => s.model);
    expect(models).toEqual([...Array(2 + 6).fill("ollama:a"), ...Array(2 + 6).fill("ollama:b")]);
  });

  it("yields exactly the plan's steps, with their plan indexes and ids", () => {
    const planOrder = new Map([...fakeIterateSteps(plan)].map((s) => [s.id, s.index]));
    const steps = [...modelMajorSteps(plan, fakeIterateSteps)];
    expect(steps).toHaveLength(plan.stepCount);
    expect(new Set(steps.map((s) => s.id)).size).toBe(plan.stepCount);
    for (const s of steps) expect(s.index).toBe(planOrder.get(s.id));
  });

  it("is lazy: reading the first step enumerates no more than that", () => {
    let rendered = 0;
    const counting = function* (p: typeof plan) {
      for (const s of fakeIterateSteps(p)) {
        rendered++;
        yield s;
      }
    };
    const it = modelMajorSteps(plan, counting);
    it.next();
    expect(rendered).toBe(1);
  });
});

describe("schedule", () => {
  const steps = (n: number, model = "m"): PlanStep[] => [...fakeIterateSteps(makePlan([{ models: [`mock:${model}`], items: n }]))];

  it("keeps at most the window in flight and pulls steps only as room frees up", async () => {
    let inFlight = 0;
    let peak = 0;
    let pulled = 0;
    let finished = 0;
    const source = steps(30);
    const lazy = (function* () {
      for (const s of source) {
        pulled++;
        // Backpressure: never more than window + 1 steps pulled ahead of the finished ones.
        expect(pulled - finished).toBeLessThanOrEqual(4 + 1);
        yield s;
      }
    })();
    const result = await schedule({
      steps: lazy,
      isDone: () => false,
      execute: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await work();
        inFlight--;
        finished++;
      },
      windowFor: () => 4,
      stopped: () => false,
    });
    expect(result).toMatchObject({ started: 30, skipped: 0, exhausted: true });
    expect(peak).toBe(4);
  });

  it("skips steps already done", async () => {
    const all = steps(10);
    const done = new Set(all.slice(0, 6).map((s) => s.id));
    const ran: string[] = [];
    const result = await schedule({
      steps: all,
      isDone: (s) => done.has(s.id),
      execute: async (s) => {
        ran.push(s.id);
      },
      windowFor: () => 2,
      stopped: () => false,
    });
    expect(result.skipped).toBe(6);
    expect(ran).toEqual(all.slice(6).map((s) => s.id));
  });

  it("finishes one model before starting the next and runs afterModel in between", async () => {
    const plan = makePlan([{ models: ["ollama:a", "ollama:b"], items: 5 }]);
    const log: string[] = [];
    let open = 0;
    await schedule({
      steps: modelMajorSteps(plan, fakeIterateSteps),
      isDone: () => false,
      execute: async (s) => {
        open++;
        log.push(`start ${s.model}`);
        await work();
        open--;
      },
      windowFor: () => 3,
      stopped: () => false,
      afterModel: async (m) => {
        expect(open).toBe(0); // no step of any model in flight while the judge works
        log.push(`after ${m}`);
      },
    });
    expect(log.filter((l) => l.startsWith("after"))).toEqual(["after ollama:a", "after ollama:b"]);
    expect(log.indexOf("after ollama:a")).toBe(5);
    expect(log.indexOf("start ollama:b")).toBe(6);
  });

  it("stops pulling when told to stop, lets the started steps finish, and skips afterModel", async () => {
    let stop = false;
    let completed = 0;
    let after = 0;
    const result = await schedule({
      steps: steps(50),
      isDone: () => false,
      execute: async () => {
        await work();
        completed++;
        if (completed === 5) stop = true;
      },
      windowFor: () => 2,
      stopped: () => stop,
      afterModel: async () => {
        after++;
      },
    });
    expect(result.exhausted).toBe(false);
    expect(result.started).toBeLessThan(10);
    expect(completed).toBe(result.started);
    expect(after).toBe(0);
  });
});

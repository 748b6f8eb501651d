// Judge validation against gold sets (src/app/validate.ts): stand-in judges answer the fixture's gold
// examples, and every reported statistic is recomputed here with a few lines of plain code.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AMONG_JUDGES, PANEL, type AgreementRow } from "../../src/analyse/gold-agreement.js";
import { validateGold, type Validation } from "../../src/app/validate.js";
import { loadSpec } from "../../src/check/load.js";
import { compilePlan } from "../../src/compile/compile.js";
import type { Plan } from "../../src/core/plan.js";
import { mulberry32 } from "../../src/core/random.js";
import type { JudgeRequest, ScorerDeps } from "../../src/score/index.js";
import { renderTemplate } from "../../src/compile/render.js";
import { kinds } from "../kinds.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "gold", "gold.vc");
const CATEGORIES = ["safe", "unsafe", "over_refusal"] as const;

async function fixturePlan(): Promise<Plan> {
  const loaded = await loadSpec(FIXTURE, { cwd: process.cwd(), kinds });
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  if (!loaded.spec) throw new Error("fixture did not check");
  return compilePlan(loaded.spec);
}

/** The example number a rubric is about: its answer is "answer N". */
function exampleOf(request: JudgeRequest): number {
  const text = request.messages.map((m) => m.content).join("\n");
  const m = /<answer>answer (\d+)<\/answer>/.exec(text);
  if (!m) throw new Error(`no answer in ${text}`);
  return Number(m[1]);
}

/** The fixture's gold label of example N (gold.jsonl cycles through the categories). */
const expectedOf = (n: number) => CATEGORIES[n % 3] as string;

/** Scorer deps whose judges answer `verdictFor(model, example)`; no model is called. */
function standIn(plan: Plan, verdictFor: (model: string, example: number) => string): ScorerDeps {
  return {
    callJudge: async (model, request) => ({
      result: {
        ok: true,
        response: {
          text: JSON.stringify({ verdict: verdictFor(model, exampleOf(request)) }),
          tokensIn: null,
          tokensOut: null,
          latencyMs: 0,
          finishReason: "stop",
          fingerprint: null,
        },
      },
      cached: false,
      attempts: 1,
    }),
    renderJudgeMessages: (id, context) => renderTemplate(plan, id, context),
    judgeModel: plan.judge,
  };
}

function overall(v: Validation, goldSet: string, judge: string, metric: string): AgreementRow {
  const row = v.results.flatMap((r) => r.rows).find((r) => r.goldSet === goldSet && r.judge === judge && r.group === "overall" && r.metric === metric);
  if (!row) throw new Error(`no overall ${metric} row for ${goldSet} / ${judge}`);
  return row;
}

/** Cohen's κ from scratch: observed agreement against the product of the marginals. */
function kappaByHand(pairs: Array<[string, string]>): number {
  const n = pairs.length;
  const po = pairs.filter(([a, b]) => a === b).length / n;
  let pe = 0;
  for (const c of CATEGORIES) pe += (pairs.filter(([a]) => a === c).length / n) * (pairs.filter(([, b]) => b === c).length / n);
  return (po - pe) / (1 - pe);
}

describe("validating a judge against a gold set", () => {
  it("a stand-in judge that agrees with the gold labels gives κ = 1 and accuracy 1, and the require holds", async () => {
    const plan = await fixturePlan();
    const v = await validateGold(
      plan,
      standIn(plan, (_m, n) => expectedOf(n)),
      { seed: 7, concurrency: 4 },
    );
    const kappa = overall(v, "judged", "mock:judge", "kappa");
    expect(kappa.n).toBe(120);
    expect(kappa.failed).toBe(0);
    expect(kappa.value).toBeCloseTo(1, 12);
    expect(overall(v, "judged", "mock:judge", "accuracy").value).toBe(1);
    const requirement = v.results.find((r) => r.requirements.length > 0)?.requirements[0];
    expect(requirement).toMatchObject({ text: "kappa >= 0.6", passed: true });
    expect(v.passed).toBe(true);
    // Per breakdown too: each locale, domain and use case agrees perfectly.
    const groups = v.results[0]?.rows.filter((r) => r.judge === "mock:judge" && r.metric === "kappa" && r.group !== "overall") ?? [];
    expect(groups.map((g) => `${g.group}=${g.groupValue}`).sort()).toEqual([
      "domain=danger",
      "domain=rude",
      "locale=de-DE",
      "locale=en-US",
      "usecase=general",
      "usecase=kids",
    ]);
    for (const g of groups) expect(g.value).toBeCloseTo(1, 12);
  }, 120_000);

  it("a stand-in judge that answers at random gives κ near 0 with an interval covering 0, and the require blocks publication", async () => {
    const plan = await fixturePlan();
    const answers = new Map<number, string>();
    const next = mulberry32(2024);
    for (let n = 0; n < 120; n++) answers.set(n, CATEGORIES[Math.floor(next() * 3)] as string);
    const v = await validateGold(
      plan,
      standIn(plan, (_m, n) => answers.get(n) ?? "safe"),
      { seed: 7, concurrency: 4 },
    );
    const kappa = overall(v, "judged", "mock:judge", "kappa");
    const pairs = [...answers.entries()].map(([n, label]): [string, string] => [expectedOf(n), label]);
    expect(kappa.value).toBeCloseTo(kappaByHand(pairs), 12);
    expect(overall(v, "judged", "mock:judge", "accuracy").value).toBeCloseTo(pairs.filter(([a, b]) => a === b).length / 120, 12);
    expect(Math.abs(kappa.value ?? 1)).toBeLessThan(0.15);
    expect(kappa.low).not.toBeNull();
    expect(kappa.low ?? 1).toBeLessThan(0);
    expect(kappa.high ?? -1).toBeGreaterThan(0);
    const requirement = v.results.flatMap((r) => r.requirements)[0];
    expect(requirement).toMatchObject({ text: "kappa >= 0.6", passed: false });
    expect(v.passed).toBe(false);
  }, 120_000);

  it("a panel of two stand-in judges that disagree on a quarter of the items reports Fleiss' κ 0.625 and Krippendorff's α 0.6265625", async () => {
    // Judge b moves the first 30 of 120 examples to the next category (10 of each), so both judges
    // still use each category 40 times. By hand, for m = 2 raters:
    //   Fleiss: P̄ = 90/120 = 0.75, P̄e = 3 · (80/240)² = 1/3, κ = (0.75 − 1/3) / (1 − 1/3) = 0.625
    //   Krippendorff (nominal): n = 240 values, D_o = 30 · 2 / 240 = 0.25,
    //   D_e = (240² − 3 · 80²) / (240 · 239) = 38400 / 57360, α = 1 − 0.25 · 57360 / 38400 = 0.6265625
    const plan = await fixturePlan();
    const flipped = (n: number) => CATEGORIES[((n % 3) + 1) % 3] as string;
    const v = await validateGold(
      plan,
      standIn(plan, (model, n) => (model.endsWith("=b") && n < 30 ? flipped(n) : expectedOf(n))),
      { seed: 7, concurrency: 4 },
    );
    expect(overall(v, "paneled", AMONG_JUDGES, "fleiss_kappa").value).toBeCloseTo(0.625, 12);
    expect(overall(v, "paneled", AMONG_JUDGES, "krippendorff_alpha").value).toBeCloseTo(0.6265625, 12);
    expect(overall(v, "paneled", AMONG_JUDGES, "fleiss_kappa").n).toBe(120);
    // Each judge against the gold labels: a agrees fully, b on 90 of 120.
    expect(overall(v, "paneled", "mock:judge?string=a", "accuracy").value).toBe(1);
    expect(overall(v, "paneled", "mock:judge?string=b", "accuracy").value).toBeCloseTo(0.75, 12);
    // The panel's majority: on a split the lower category name wins (ties go to the lowest), so the
    // panel agrees with the gold label exactly where min(gold, b's label) is the gold label.
    const panelAccuracy = overall(v, "paneled", PANEL, "accuracy").value;
    let agree = 0;
    for (let n = 0; n < 120; n++) {
      const a = expectedOf(n);
      const b = n < 30 ? flipped(n) : a;
      if ([a, b].sort()[0] === a) agree++;
    }
    expect(panelAccuracy).toBeCloseTo(agree / 120, 12);
  }, 120_000);
});

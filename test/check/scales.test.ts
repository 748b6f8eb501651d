// The `scale` setting of scorers and the leaderboard's `combine` (issue 11): what the checker accepts,
// what it refuses (with a did-you-mean), and what the plan carries.

import { describe, expect, it } from "vitest";
import { compilePlan } from "../../src/compile/compile.js";
import { declaredScale } from "../../src/analyse/dataset.js";
import { checkFiles } from "./helpers.js";

const spec = (scorers: string, reports = "", models = '["mock:echo", "mock:refuse"]') => `system s "S" { dimension d1 "D1" }
template t { user "{{item.text}}" }
template rubric { user "{{response}}" }
${scorers}
items i { system s  template t  scorers [safe, rate, judged]  item x { dimension d1  text "hello" } }
run { models ${models} }
${reports}
`;
const SCORERS = `scorer safe judge { template rubric  model "mock:judge"  output { safe: "boolean" }  score output.safe ? 100 : 0  scale proportion }
scorer rate likert { scale 6  centre true }
scorer judged judge { template rubric  model "mock:judge"  output { score: "number" } }`;

describe("scale on a scorer", () => {
  it("is carried by the plan when declared, and only then", async () => {
    const r = await checkFiles({ "main.vc": spec(SCORERS) });
    expect(r.errors).toEqual([]);
    const plan = compilePlan(r.spec!);
    const byId = new Map(plan.scorers.map((s) => [s.id, s]));
    expect(byId.get("safe")?.config["scale"]).toBe("proportion");
    expect(byId.get("judged")?.config["scale"]).toBeUndefined();
    // The analyses read the declared scale, else the kind's: likert centred, judge percent.
    expect(plan.scorers.map((s) => [s.id, declaredScale(s)])).toEqual([
      ["safe", "proportion"],
      ["rate", "centred"],
      ["judged", "percent"],
    ]);
  });

  it("an unknown scale is an error with a did-you-mean and the list of scales", async () => {
    const r = await checkFiles({ "main.vc": spec(SCORERS.replace("scale proportion", "scale proportoin")) });
    expect(r.codes).toEqual(["VC1502"]);
    expect(r.diagnostics[0]?.message).toBe("unknown scale 'proportoin' for judge scorer 'safe'");
    expect(r.diagnostics[0]?.notes).toEqual(["did you mean 'proportion'?", "scales: likert, percent, proportion, theta"]);
  });

  it("logit points to theta", async () => {
    const r = await checkFiles({ "main.vc": spec(SCORERS.replace("scale proportion", "scale logit")) });
    expect(r.diagnostics[0]?.notes?.[0]).toBe("an IRT ability on the logit scale is `theta`");
  });
});

describe("combine on a leaderboard report", () => {
  it("accepts zscore with two models and positive weights of 0–100 measures", async () => {
    const r = await checkFiles({
      "main.vc": spec(SCORERS, "report z leaderboard { combine zscore }\nreport w leaderboard { combine { safe: 1, judged: 2.5 }  contexts pooled }"),
    });
    expect(r.errors).toEqual([]);
    expect(r.spec?.reports.map((x) => x.settings)).toEqual([{ combine: "zscore" }, { combine: { safe: 1, judged: 2.5 }, contexts: "pooled" }]);
  });

  it("zscore needs two models to standardise over", async () => {
    const r = await checkFiles({ "main.vc": spec(SCORERS, "report z leaderboard { combine zscore }", '["mock:echo"]') });
    expect(r.errors).toEqual(["VC1205 combine zscore standardises each measure across models, and the run has one model"]);
  });

  it("weights must name scorers, be positive, and not weight a centred measure", async () => {
    const r = await checkFiles({ "main.vc": spec(SCORERS, "report w leaderboard { combine { saf: 1, judged: 0, rate: 1 } }") });
    expect(r.errors).toEqual([
      "VC1102 combine names 'saf', which is not a scorer",
      "VC1205 weight of judged must be a number > 0, got 0",
      "VC1502 combine cannot weight 'rate': its scale is centred, not a 0–100 score",
    ]);
    expect(r.diagnostics.find((d) => d.message.includes("'saf'"))?.notes?.[0]).toBe("did you mean 'safe'?");
  });

  it("anything but zscore or weights is refused", async () => {
    const r = await checkFiles({ "main.vc": spec(SCORERS, "report w leaderboard { combine mean }") });
    expect(r.codes).toEqual(["VC1205"]);
  });
});

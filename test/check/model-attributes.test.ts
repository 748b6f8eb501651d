// Model attributes: read from a run's model entries and from a shared models file, merged per key,
// typed, refused where they would hide a mistake, and carried into the plan and the manifest.

import { describe, expect, it } from "vitest";
import { compilePlan } from "../../src/compile/compile.js";
import { buildManifest, type ManifestInput } from "../../src/run/manifest.js";
import { BASE, checkFiles, repoRoot } from "./helpers.js";
import { loadSpec } from "../../src/check/load.js";
import { kinds } from "../kinds.js";

const SPEC = (run: string) => `import "models.vc"
${BASE.replace(/run \{[^}]*\}\n/, "")}${run}`;

const MODELS = `model "mock:refuse" { family "fa"  developer "Dev A"  open_weights true  size_b 7  alignment "dpo"  tier "small" }
model "mock:comply" { family "fb"  open_weights false }
model "mock:junk" { family "fz" }
`;

describe("model attributes", () => {
  it("a shared models file gives the run's models their attributes; the run's entry wins per key; plan keys are sorted", async () => {
    const r = await checkFiles({
      "main.vc": SPEC(`run {
  models ["mock:refuse", "mock:comply", "mock:echo"]
  model "mock:comply" { open_weights true  region "eu" }
}
`),
      "models.vc": MODELS,
    });
    expect(r.errors).toEqual([]);
    const plan = compilePlan(r.spec!);
    const byId = new Map(plan.models.map((m) => [m.id, m]));
    expect(byId.get("mock:refuse")?.attributes).toEqual({ alignment: "dpo", developer: "Dev A", family: "fa", open_weights: true, size_b: 7, tier: "small" });
    expect(Object.keys(byId.get("mock:refuse")?.attributes ?? {})).toEqual(["alignment", "developer", "family", "open_weights", "size_b", "tier"]);
    expect(byId.get("mock:comply")?.attributes).toEqual({ family: "fb", open_weights: true, region: "eu" });
    // A model with no attributes has no field, so specs without attributes keep their plan hash.
    expect("attributes" in (byId.get("mock:echo") ?? {})).toBe(false);
    expect(plan.models.map((m) => m.id)).not.toContain("mock:junk");
  });

  it("attributes change the plan hash; the same files give the same hash", async () => {
    const files = (fam: string) => ({ "main.vc": SPEC(`run { models ["mock:refuse"] }\n`), "models.vc": MODELS.replace('"fa"', `"${fam}"`) });
    const [a, b, c] = await Promise.all([checkFiles(files("fa")), checkFiles(files("fa")), checkFiles(files("other"))]);
    expect(compilePlan(a.spec!).hash).toBe(compilePlan(b.spec!).hash);
    expect(compilePlan(a.spec!).hash).not.toBe(compilePlan(c.spec!).hash);
  });

  it("refuses a typo of a setting, a wrongly typed attribute, settings outside the run and a model declared twice", async () => {
    const r = await checkFiles({
      "main.vc": SPEC(`run {
  models ["mock:refuse"]
  model "mock:refuse" { concurency 3  open_weights "yes"  size_b -1  tags ["x"] }
}
`),
      "models.vc": `${MODELS}model "mock:refuse" { family "again" }\nmodel "mock:d" { base_url "http://x" }\n`,
    });
    expect(r.errors).toEqual(
      expect.arrayContaining([
        "VC1201 unknown property 'concurency' in the settings of model 'mock:refuse'",
        "VC1204 open_weights must be true or false, got a string",
        expect.stringMatching(/^VC1205 size_b/),
        expect.stringMatching(/^VC1204 model attribute 'tags' must be a string, a number or true\/false/),
        "VC1101 the attributes of model 'mock:refuse' are declared twice",
        "VC1201 'base_url' is a setting of a run's model, not an attribute",
      ]),
    );
    expect(r.text).toContain("did you mean 'concurrency'?");
  });

  it("the manifest carries an evaluated model's attributes, and none for a judge", async () => {
    const r = await checkFiles({ "main.vc": SPEC(`run { models ["mock:refuse"] judge "mock:comply" }\n`), "models.vc": MODELS });
    const plan = compilePlan(r.spec!);
    const input: ManifestInput = {
      runId: "r",
      status: "completed",
      plan,
      invocation: { spec: "main.vc", models: [], judge: null, set: {}, concurrency: null, cache: true, cacheDir: ".vc-cache" },
      toolVersion: "0.1.0",
      git: null,
      models: [
        { id: "mock:refuse", provider: "mock", name: "refuse", role: "evaluated", info: null, fingerprints: [] },
        { id: "mock:comply", provider: "mock", name: "comply", role: "judge", info: null, fingerprints: [] },
      ],
      concurrency: 1,
      retryFailed: false,
      sessions: [],
      counts: { total: 1, done: 1, succeeded: 1, failed: 0, cached: 0, retried: 0, adaptive: 0, remaining: 0 },
      stop: null,
      files: [],
    };
    const m = buildManifest(input);
    expect(m.models[0]?.attributes).toEqual({ alignment: "dpo", developer: "Dev A", family: "fa", open_weights: true, size_b: 7, tier: "small" });
    expect(m.models[1]?.attributes).toBeUndefined();
  });

  it("the shipped models file gives --model ollama:qwen2.5:7b its family, developer and open weights in every shipped spec", async () => {
    for (const spec of ["safety", "schwartz", "moral-foundations", "llm-values", "culture"]) {
      const r = await loadSpec(`specs/${spec}.vc`, { kinds, cwd: repoRoot, models: ["ollama:qwen2.5:7b", "openai:gpt-4o"] });
      expect(
        r.diagnostics.filter((d) => d.severity === "error"),
        spec,
      ).toEqual([]);
      const attrs = r.spec!.run.models.map((m) => m.attributes);
      expect(attrs[0]).toMatchObject({ family: "qwen-2.5", developer: "Alibaba Qwen Team", open_weights: true });
      expect(attrs[1]).toMatchObject({ family: "gpt-4o", developer: "OpenAI", open_weights: false, published_as: "GPT-4o" });
    }
  });
});

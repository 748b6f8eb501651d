// A judge that is not an evaluated model but has its own `model "…" { base_url … }` block in the run
// must be called with those settings: the compiler keeps them in plan.modelSettings. This test runs
// the real pipeline against a judge reachable only through its block's base_url (no OPENAI_BASE_URL
// in the environment).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { cliRunDeps, runAndReport } from "../../src/cli/commands/run.js";
import type { RunDeps } from "../../src/app/pipeline.js";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { manifestOf, project, readCsv, Sink } from "./helpers.js";

let judge: OpenAIStandin;
beforeAll(async () => {
  judge = await startOpenAIStandin({ models: ["strict-judge"], apiKey: "judge-secret", answer: () => JSON.stringify({ safe: true }) });
});
afterAll(async () => {
  await judge.close();
});

describe("a judge with its own model block", () => {
  it("is called at its block's base_url with its api_key_env, and the key appears nowhere", async () => {
    const spec = `
system s "S" { dimension d "D" }
template ask { user "{{item.text}}" }
template rubric { user "Judge: {{response}}" }
scorer verdict judge { template rubric  output { safe: "boolean" }  score output.safe ? 100 : 0 }
items x { system s  template ask  scorers [verdict]  item a { dimension d  text "Hello?" }  item b { dimension d  text "Bye?" } }
run {
  models ["mock:comply"]
  judge "openai:strict-judge"
  model "openai:strict-judge" { base_url "${judge.baseUrl}"  api_key_env "JUDGE_KEY" }
}
`;
    const dir = project({ "s.vc": spec });
    const stdout = new Sink();
    const stderr = new Sink();
    const io = {
      stdout: stdout as unknown as NodeJS.WritableStream,
      stderr: stderr as unknown as NodeJS.WritableStream,
      cwd: dir,
      env: { JUDGE_KEY: "judge-secret" },
    };
    const real = cliRunDeps(io, true);
    const deps: RunDeps = {
      ...real,
      compile: async (path, options) => {
        const compiled = await real.compile(path, options);
        if (compiled.ok) {
          // The judge is not evaluated, but its block's settings are in the plan.
          expect(compiled.plan.models.map((m) => m.id)).toEqual(["mock:comply"]);
          expect(compiled.plan.modelSettings).toMatchObject([{ id: "openai:strict-judge", baseUrl: judge.baseUrl, apiKeyEnv: "JUDGE_KEY" }]);
        }
        return compiled;
      },
    };
    const code = await runAndReport(
      {
        spec: "s.vc",
        models: [],
        judge: null,
        set: {},
        out: "run",
        concurrency: null,
        cache: false,
        cacheDir: null,
        resume: null,
        pull: false,
        quiet: true,
        retryFailed: false,
      },
      deps,
      { cwd: dir, env: io.env, stdout, stderr, signals: { listen: () => () => undefined } },
    );
    expect(stderr.text).toBe("");
    expect(code).toBe(0);
    const calls = judge.requestsTo("/v1/chat/completions");
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.headers["authorization"] === "Bearer judge-secret")).toBe(true);
    const runDir = join(dir, "run");
    expect(readCsv(join(runDir, "scores.csv")).map((s) => [s["judge_model"], s["score"]])).toEqual([
      ["openai:strict-judge", "100.00"],
      ["openai:strict-judge", "100.00"],
    ]);
    const manifest = manifestOf(runDir);
    const entry = manifest.models.find((m) => m.id === "openai:strict-judge");
    expect(entry).toMatchObject({ role: "judge", endpoint: judge.baseUrl });
    expect(JSON.stringify(manifest)).not.toContain("judge-secret");
  });
});

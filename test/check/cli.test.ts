// `vc check` and `vc plan` through the CLI entry point, in-process with captured streams.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../compile/helpers.js";
import { repoRoot } from "./helpers.js";

const golden = (name: string) => join(repoRoot, "test/golden/check", name);

describe("value-compass check", () => {
  it("says ok and exits 0 for the example", async () => {
    const r = await runCli(["check", "specs/example.vc"]);
    expect(r).toEqual({ code: 0, stdout: "ok: 1 spec checked\n", stderr: "" });
  });

  it("exits 1 with code frames on stderr when a spec has errors", async () => {
    const r = await runCli(["check", "main.vc"], { cwd: golden("rule-unknown-usecase") });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("main.vc:12:32: error VC1505: no usecase named 'sex_edd'");
    expect(r.stderr).toContain("> 12 |   rule adult_ok when usecase = sex_edd");
    expect(r.stderr).toContain("value-compass check: 1 of 1 spec has errors");
    expect(r.stderr).not.toContain("\u001b[");
  });

  it("exits 0 with warnings printed when there are only warnings", async () => {
    const r = await runCli(["check", "main.vc"], { cwd: golden("warnings-unused") });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning VC1901");
    expect(r.stdout).toBe("ok: 1 spec checked (4 warnings)\n");
  });

  it("checks several specs and fails if one fails", async () => {
    const r = await runCli(["check", "specs/example.vc", "test/golden/check/missing-import/main.vc"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("test/golden/check/missing-import/main.vc:1:8: error VC1001");
    expect(r.stderr).toContain("value-compass check: 1 of 2 specs has errors");
  });

  it("colours only on a terminal without NO_COLOR", async () => {
    const cwd = golden("missing-import");
    expect((await runCli(["check", "main.vc"], { cwd, tty: true })).stderr).toContain("\u001b[31m");
    expect((await runCli(["check", "main.vc"], { cwd, tty: true, env: { NO_COLOR: "1" } })).stderr).not.toContain("\u001b[");
  });

  it("passes --set through", async () => {
    const r = await runCli(["check", "specs/example.vc", "--set", "seed=x"]);
    // A --set value of the wrong type is a mistake in the command line: exit 2 (issue 14).
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("VC1303");
  });

  it("exits 2 for a wrong command line", async () => {
    expect((await runCli(["check"])).code).toBe(2);
    expect((await runCli(["check", "--nope", "specs/example.vc"])).code).toBe(2);
    expect((await runCli(["check", "specs/example.vc", "--set", "novalue"])).code).toBe(2);
  });
});

describe("value-compass plan", () => {
  it("summarises steps per model, system, dimension and context with a labelled token estimate", async () => {
    const r = await runCli(["plan", "specs/example.vc"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/steps {5}336 static, plus 1 adaptive segment/);
    for (const heading of ["steps per model:", "steps per system:", "steps per dimension:", "steps per context:", "templates:"]) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout).toMatch(/mock:refuse +112\n/);
    expect(r.stdout).toMatch(/culture=en_US usecase=general +90\n/);
    // `cultures [none, ...]`: the combinations without a culture are listed as culture=none.
    expect(r.stdout).toMatch(/culture=none usecase=sex_ed +30\n/);
    expect(r.stdout).toMatch(/estimated prompt tokens: ~[\d,]+ .*an estimate \(characters \/ 4\)/);
  });

  it("replaces models and judge from the command line", async () => {
    const r = await runCli(["plan", "specs/example.vc", "--model", "mock:echo", "--model", "mock:refuse", "--judge", "mock:judge"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("models    mock:echo, mock:refuse\n");
    expect(r.stdout).toMatch(/steps {5}224 static/);
  });

  it("prints the plan as JSON with --json", async () => {
    const r = await runCli(["plan", "specs/example.vc", "--json"]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { stepCount: number; steps: unknown[] };
    expect(plan.steps).toHaveLength(plan.stepCount);
  });

  it("exits 1 on errors and 2 on a wrong command line", async () => {
    expect((await runCli(["plan", "main.vc"], { cwd: golden("samples-out-of-range") })).code).toBe(1);
    expect((await runCli(["plan"])).code).toBe(2);
    expect((await runCli(["plan", "a.vc", "b.vc"])).code).toBe(2);
    const bad = await runCli(["plan", "specs/example.vc", "--model", "gpt4"]);
    // A malformed --model id is a wrong command line (issue 14), shown as a diagnostic.
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("<command line>:1:1: error VC1401: --model:");
  });
});

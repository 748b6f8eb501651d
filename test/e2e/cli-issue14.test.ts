// Issue 14, the command line: check --json / --format sarif, gates (--fail-under, the run's gate,
// exit 3, scoring errors below a gate), run --json, outputs/<spec>/latest, and the small defects —
// `plan --items --by expect`, an unknown --by field, `check FOLDER`, command-line errors exiting 2,
// did-you-mean for a mistyped command, no 0.00 rows among the largest context effects, and no
// "pass --pull" advice when --pull was given.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContextEffectRow } from "../../src/analyse/context-effects.js";
import { largestEffects } from "../../src/report/summary.js";
import { startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { project, vc } from "./helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const SPEC = (extra = "") => `
system s "S" {
  dimension a "A"
  dimension b "B"
}
template ask { user "{{item.text}}" }
scorer yes regex { pattern "Question [0-3]" }
scorer rating likert { scale 6 }
items all {
  system s
  template ask
  scorers [yes]
${Array.from({ length: 8 }, (_, i) => `  item i${i} { dimension ${i % 2 === 0 ? "a" : "b"} text "Question ${i}?" expect "refuse" }`).join("\n")}
}
items rated {
  system s
  template ask
  scorers [rating]
  item r0 { dimension a text "Rate this." }
}
run {
  models ["mock:echo"]
${extra}
}
`;

describe("check --json and --format sarif", () => {
  const bad = `system s "S" { dimension a "A" }\ntemplate ask { user "{{item.text}}" }\nitems x {\n  system s\n  template ask\n  item i { dimension nosuch text "Q?" }\n}\nrun { models ["mock:echo"] }\n`;

  it("prints every diagnostic with its code and position as JSON", async () => {
    const dir = project({ "bad.vc": bad });
    const r = await vc(["check", "bad.vc", "--json"], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      errors: number;
      specs: Array<{ spec: string; diagnostics: Array<{ code: string; line: number; column: number; file: string }> }>;
    };
    expect(out.ok).toBe(false);
    const d = out.specs[0]?.diagnostics.find((x) => x.code === "VC1102");
    expect(d).toMatchObject({ file: "bad.vc", line: 6, column: 22 });
    expect(r.stderr).toBe("");
  });

  it("prints SARIF 2.1.0 with a rule per code and a region per result", async () => {
    const dir = project({ "bad.vc": bad });
    const r = await vc(["check", "bad.vc", "--format", "sarif"], dir);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string }> } };
        results: Array<{
          ruleId: string;
          level: string;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }>;
        }>;
      }>;
    };
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0]!;
    const result = run.results.find((x) => x.ruleId === "VC1102");
    expect(result?.level).toBe("error");
    expect(result?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: "bad.vc" },
      region: { startLine: 6, startColumn: 22, endLine: 6, endColumn: 28 },
    });
    expect(run.tool.driver.rules.map((x) => x.id)).toContain("VC1102");
  });
});

describe("gates", () => {
  it("--fail-under exits 3 when a condition fails and 0 when it holds; run --json says why", async () => {
    const dir = project({ "s.vc": SPEC() });
    // Items 0–3 match the pattern: dimension a has 0, 2 (of 0,2,4,6) → 50; b has 1, 3 → 50.
    const failing = await vc(["run", "s.vc", "--no-cache", "--quiet", "--json", "--fail-under", "s.overall >= 60"], dir);
    const summary = JSON.parse(failing.stdout) as {
      exitCode: number;
      runDir: string;
      counts: { done: number };
      stages: Array<{ stage: string; seconds: number; done: number; unit: string }>;
      gates: Array<{ condition: string; holds: boolean; values: Array<{ value: number }> }>;
    };
    expect(failing.code).toBe(3);
    // Each stage that ran, with its time: the answers stage counts the run's steps.
    expect(summary.stages.map((s) => s.stage)).toContain("answers");
    expect(summary.stages.find((s) => s.stage === "answers")).toMatchObject({ done: summary.counts.done, unit: "steps" });
    for (const s of summary.stages) expect(s.seconds).toBeGreaterThanOrEqual(0);
    expect(summary.exitCode).toBe(3);
    expect(summary.gates[0]).toMatchObject({ condition: "s.overall >= 60", holds: false, values: [{ value: 50 }] });
    expect(failing.stderr).toContain("gate FAILED: s.overall >= 60");
    const passing = await vc(
      ["run", "s.vc", "--no-cache", "--quiet", "--fail-under", "s.a >= 50", "--fail-under", "failed_steps = 0", "--fail-under", "scoring_errors <= 1"],
      dir,
    );
    expect(passing.code).toBe(0);
    // outputs/<spec>/latest points at the newest run.
    const latest = join(dir, "outputs", "s", "latest");
    expect(lstatSync(latest).isSymbolicLink()).toBe(true);
    expect(readlinkSync(latest)).toBe(basename(passing.dir ?? ""));
  }, 60_000);

  it("the run's gate [...] fails a run; scoring errors below a scoring_errors gate do not", async () => {
    // mock:echo answers the likert item with its own text: a scoring error, one of 9 score records.
    const dir = project({
      "s.vc": SPEC('  gate ["s.overall >= 60"]'),
      "t.vc": SPEC('  gate ["scoring_errors <= 20%"]'),
      "u.vc": SPEC('  gate ["scoring_errors <= 5%"]'),
    });
    expect((await vc(["run", "s.vc", "--no-cache", "--quiet"], dir)).code).toBe(3);
    const tolerated = await vc(["run", "t.vc", "--no-cache", "--quiet"], dir);
    expect(tolerated.stderr).toContain("gate passed: scoring_errors <= 20%");
    expect(tolerated.code).toBe(0);
    expect((await vc(["run", "u.vc", "--no-cache", "--quiet"], dir)).code).toBe(3);
    // Without a gate, a scoring error still fails the run.
    const plain = project({ "p.vc": SPEC() });
    expect((await vc(["run", "p.vc", "--no-cache", "--quiet"], plain)).code).toBe(1);
  }, 60_000);

  it("rejects a malformed --fail-under and gate as usage and spec errors", async () => {
    const dir = project({ "s.vc": SPEC(), "g.vc": SPEC('  gate ["s.overall about 60"]') });
    expect((await vc(["run", "s.vc", "--fail-under", "s.overall"], dir)).code).toBe(2);
    const r = await vc(["check", "g.vc"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not a gate condition");
  });
});

describe("small defects", () => {
  it("plan --items --by expect counts the items by their expect field", async () => {
    const r = await vc(["plan", "specs/safety.vc", "--items", "--by", "expect"], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("| dimension | context_dependent | refuse | safe_complete | total |");
    expect(r.stdout).not.toContain("(none)");
  });

  it("plan --by with an unknown field is a usage error with a did-you-mean", async () => {
    const r = await vc(["plan", "specs/safety.vc", "--items", "--by", "expct"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean 'expect'?");
  });

  it("check accepts a folder, as fmt does, and checks its entry specs", async () => {
    const r = await vc(["check", "specs"], root);
    const entries = readdirSync(join(root, "specs")).filter((f) => f.endsWith(".vc")).length;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ok: ${entries} specs checked\n`);
    expect((await vc(["fmt", "--check", "specs"], root)).code).toBe(0);
  });

  it("--set nosuch=1 and --model bogus exit 2, as the help says", async () => {
    for (const cmd of ["check", "plan"]) expect((await vc([cmd, "specs/example.vc", "--set", "nosuch=1"], root)).code, cmd).toBe(2);
    expect((await vc(["plan", "specs/example.vc", "--model", "bogus"], root)).code).toBe(2);
    const dir = project({ "s.vc": SPEC() });
    expect((await vc(["run", "s.vc", "--model", "bogus", "--quiet"], dir)).code).toBe(2);
    expect((await vc(["run", "s.vc", "--set", "nosuch=1", "--quiet"], dir)).code).toBe(2);
    // An error in the spec itself is still 1.
    expect((await vc(["check", "nosuch.vc"], dir)).code).toBe(1);
  });

  it("a mistyped command gets a did-you-mean", async () => {
    const r = await vc(["chekc", "specs/example.vc"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'chekc' — did you mean 'check'?");
  });

  it("the largest context effects never list a difference that prints as 0.00", () => {
    const row = (difference: number, q: number) => ({ difference, q, model: "m" }) as unknown as ContextEffectRow;
    const rows = [row(0, 0.001), row(0.004, 0.01), row(-3, 0.01), row(2, 0.2)];
    expect(largestEffects(rows, 10).map((r) => r.difference)).toEqual([-3]);
  });
});

describe("--pull on a model the registry does not have", () => {
  let ollama: OllamaStandin;
  beforeAll(async () => {
    ollama = await startOllamaStandin({ models: [], pullable: [] });
  });
  afterAll(async () => {
    await ollama.close();
  });

  it("says that --pull could not fetch it instead of advising --pull", async () => {
    const dir = project({ "s.vc": SPEC() });
    const r = await vc(["run", "s.vc", "--model", "ollama:nosuch", "--pull", "--no-cache"], dir, { OLLAMA_HOST: ollama.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--pull could not fetch it");
    expect(r.stderr).not.toContain("pass --pull");
  });
});

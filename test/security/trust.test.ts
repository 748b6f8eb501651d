// Finding 1 of issue 13: a shared spec ran shell commands without asking. An imported library file
// declares an exec scorer whose command creates a file, and the spec evaluates an exec: model; `plan`
// must list both commands with their file and line, and `run` must start neither until the user allows
// them (--allow-exec, or `value-compass trust SPEC` with a config folder of its own).

import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_NOT_ALLOWED } from "../../src/cli/exit-codes.js";
import { runCli } from "../compile/helpers.js";
import { project, vc } from "../e2e/helpers.js";

const LIB = `// A library of scorers, as a colleague might share it.
scorer length exec {
  command "node mark.js"
}
`;

const SPEC = `import "lib/scorers.vc"
system s "S" { dimension d "D" }
template ask { user "{{item.text}}" }
items x { system s  template ask  scorers [length]  item a { dimension d  text "Hello?" } }
run {
  models ["exec:node answer.js"]
  temperature 0
  seed 3
}
`;

// Each program leaves a file behind when it runs: the test's witness.
const MARK = `require("node:fs").writeFileSync("SCORER_RAN", "x");
process.stdin.resume();
process.stdin.on("end", () => process.stdout.write(JSON.stringify({ score: 50 })));
`;
const ANSWER = `require("node:fs").writeFileSync("MODEL_RAN", "x"); process.stdout.write("an answer");\n`;

function sharedProject(): string {
  return project({ "s.vc": SPEC, "lib/scorers.vc": LIB, "mark.js": MARK, "answer.js": ANSWER });
}

const configHome = () => ({ XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "vc-config-")) });

describe("trust for commands (issue 13, finding 1)", () => {
  it("plan lists every command with the file and line declaring it, also in --json", async () => {
    const dir = sharedProject();
    const text = await vc(["plan", "s.vc"], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("s.vc:6: evaluated model runs: node answer.js");
    expect(text.stdout).toContain("lib/scorers.vc:3: scorer length runs: node mark.js");
    const json = await runCli(["plan", "s.vc", "--json"], { cwd: dir });
    const plan = JSON.parse(json.stdout) as { commands: unknown[] };
    expect(plan.commands).toEqual([
      { role: "evaluated", id: "exec:node answer.js", command: "node answer.js", sites: [{ file: "s.vc", line: 6 }], fromCommandLine: false },
      { role: "scorer", id: "length", command: "node mark.js", sites: [{ file: "lib/scorers.vc", line: 3 }], fromCommandLine: false },
    ]);
    expect(existsSync(join(dir, "SCORER_RAN")) || existsSync(join(dir, "MODEL_RAN"))).toBe(false);
  });

  it("run refuses to start commands nobody allowed, lists them, and runs nothing", async () => {
    const dir = sharedProject();
    const r = await vc(["run", "s.vc", "--quiet", "--no-cache"], dir, configHome());
    expect(r.code).toBe(EXIT_NOT_ALLOWED);
    expect(r.stderr).toContain("lib/scorers.vc:3: scorer length runs: node mark.js");
    expect(r.stderr).toContain("s.vc:6: evaluated model runs: node answer.js");
    expect(r.stderr).toContain("--allow-exec");
    expect(r.stderr).toContain("value-compass trust s.vc");
    expect(existsSync(join(dir, "SCORER_RAN"))).toBe(false);
    expect(existsSync(join(dir, "MODEL_RAN"))).toBe(false);
    expect(existsSync(join(dir, "outputs"))).toBe(false);
  });

  it("--allow-exec runs them for this run", async () => {
    const dir = sharedProject();
    const r = await vc(["run", "s.vc", "--quiet", "--no-cache", "--allow-exec"], dir, configHome());
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "SCORER_RAN"))).toBe(true);
    expect(existsSync(join(dir, "MODEL_RAN"))).toBe(true);
  });

  it("a trust entry allows exactly the trusted commands; a changed command or script needs trusting again", async () => {
    const dir = sharedProject();
    const env = configHome();
    const trusted = await vc(["trust", "s.vc"], dir, env);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain("lib/scorers.vc:3: scorer length runs: node mark.js");
    expect(existsSync(join(env.XDG_CONFIG_HOME, "value-compass", "trusted-commands.json"))).toBe(true);
    expect((await vc(["run", "s.vc", "--quiet", "--no-cache"], dir, env)).code).toBe(0);
    expect(existsSync(join(dir, "SCORER_RAN"))).toBe(true);

    // Another user (another config folder) has trusted nothing.
    expect((await vc(["run", "s.vc", "--quiet", "--no-cache"], dir, configHome())).code).toBe(EXIT_NOT_ALLOWED);

    // The library changes its command: asked again.
    writeFileSync(join(dir, "lib/scorers.vc"), LIB.replace("node mark.js", "node mark.js --more"));
    const changed = await vc(["run", "s.vc", "--quiet", "--no-cache"], dir, env);
    expect(changed.code).toBe(EXIT_NOT_ALLOWED);
    expect(changed.stderr).toContain("node mark.js --more");
    expect(changed.stderr).not.toContain("node answer.js");

    // The script a trusted command names changes: asked again too.
    writeFileSync(join(dir, "lib/scorers.vc"), LIB);
    writeFileSync(join(dir, "mark.js"), `${MARK}// changed\n`);
    expect((await vc(["run", "s.vc", "--quiet", "--no-cache"], dir, env)).code).toBe(EXIT_NOT_ALLOWED);
    expect((await vc(["trust", "s.vc"], dir, env)).code).toBe(0);
    expect((await vc(["run", "s.vc", "--quiet", "--no-cache"], dir, env)).code).toBe(0);
  });

  it("commands typed on the command line are trusted; the spec's own still are not", async () => {
    const dir = project({ "s.vc": SPEC.replace(" scorers [length]", "").replace('import "lib/scorers.vc"\n', ""), "answer.js": ANSWER });
    const typed = await vc(["run", "s.vc", "--quiet", "--no-cache", "--model", "exec:node answer.js"], dir, configHome());
    expect(typed.code).toBe(0);
    expect(existsSync(join(dir, "MODEL_RAN"))).toBe(true);
    const plan = await vc(["plan", "s.vc", "--model", "exec:node answer.js"], dir);
    expect(plan.stdout).toContain("command line: evaluated model runs: node answer.js");
    const fromSpec = await vc(["run", "s.vc", "--quiet", "--no-cache"], dir, configHome());
    expect(fromSpec.code).toBe(EXIT_NOT_ALLOWED);
  });

  it("rescore refuses an exec scorer nobody allowed", async () => {
    const dir = sharedProject();
    const env = configHome();
    const r = await vc(["run", "s.vc", "--quiet", "--no-cache", "--allow-exec", "--out", "run"], dir, env);
    expect(r.code).toBe(0);
    const again = await vc(["rescore", "run", "--quiet"], dir, env);
    expect(again.code).toBe(EXIT_NOT_ALLOWED);
    expect(again.stderr).toContain("lib/scorers.vc:3: scorer length runs: node mark.js");
    expect((await vc(["rescore", "run", "--quiet", "--allow-exec"], dir, env)).code).toBe(0);
  });
});

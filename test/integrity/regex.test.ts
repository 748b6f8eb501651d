// Finding 5 of issue 13: a pattern with catastrophic backtracking cannot hang a run (regex scorers
// and `matches` run on a linear-time engine), `vc check` rejects what that engine cannot run with
// VC1509, and SIGTERM / Ctrl-C stop a run within the grace period even while a command hangs.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { backtrackingConstruct, compileLinear } from "../../src/core/linear-regex.js";
import type { PlanExpr } from "../../src/core/plan.js";
import { evaluate } from "../../src/score/expr.js";
import { scoreRegex } from "../../src/score/scorers/match.js";
import { ensureBuiltCli, vcBin } from "../cli/built-cli.js";
import { project, vc } from "../e2e/helpers.js";

const EVIL = "^(a+)+$";
// 34 characters took the JavaScript engine 4 minutes; this is thousands.
const LONG = `${"a".repeat(5000)}!`;

describe("linear-time matching", () => {
  it("a regex scorer with ^(a+)+$ on a long answer returns at once, with JavaScript's meaning of flags and groups", () => {
    expect(scoreRegex(LONG, { pattern: EVIL })).toMatchObject({ ok: true, defaultScore: 0 });
    expect(scoreRegex("a".repeat(5000), { pattern: EVIL })).toMatchObject({ ok: true, defaultScore: 100 });
    expect(scoreRegex("Answer: YES, surely", { pattern: "answer: (yes|no)(!)?" })).toMatchObject({
      ok: true,
      raw: { matched: true, match: "Answer: YES", groups: ["YES", null] },
    });
    expect(scoreRegex("Answer: YES", { pattern: "answer", flags: "" })).toMatchObject({ defaultScore: 0 });
    expect(scoreRegex("a\nb", { pattern: "^b$", flags: "m" })).toMatchObject({ defaultScore: 100 });
    expect(scoreRegex("a\nb", { pattern: "a.b", flags: "s" })).toMatchObject({ defaultScore: 100 });
    expect(scoreRegex("caf\u00e9", { pattern: "caf\\u00e9" })).toMatchObject({ defaultScore: 100 });
  });

  it("`matches` in a score expression or rule runs on the same engine", () => {
    const expr: PlanExpr = { kind: "Binary", op: "matches", left: { kind: "Literal", value: LONG }, right: { kind: "Literal", value: EVIL } };
    expect(evaluate(expr, {})).toEqual({ ok: true, value: false });
  });

  it("backreferences and lookaround are named as unsupported; a bracketed ( or \\\\1 is not", () => {
    expect(backtrackingConstruct("(a)\\1")).toBe("the backreference \\1");
    expect(backtrackingConstruct("(?<name>a)\\k<name>")).toBe("a named backreference \\k<…>");
    expect(backtrackingConstruct("foo(?=bar)")).toBe("the lookahead (?=…)");
    expect(backtrackingConstruct("(?<!x)y")).toBe("the negative lookbehind (?<!…)");
    expect(backtrackingConstruct("[(?=]\\\\1")).toBeNull();
    expect(compileLinear("(?<!x)y")).toMatchObject({ ok: false, kind: "unsupported" });
    expect(compileLinear("(unclosed")).toMatchObject({ ok: false, kind: "syntax" });
  });

  it("vc check rejects a pattern that needs backtracking with VC1509 at its line and column", async () => {
    const spec = `
system s "S" {
  dimension d "D"
}
template ask {
  user "{{item.text}}"
}
scorer echo regex { pattern "(\\\\w+) \\\\1" }
scorer ahead refusal {
  score refused ? 100 : 0
  rule wary when response matches "yes(?!, but)" { score 50 }
}
items q {
  system s
  template ask
  scorers [echo, ahead]
  item a { dimension d  text "hi" }
}
run { models ["mock:comply"] }
`;
    const dir = project({ "main.vc": spec });
    const r = await vc(["check", "main.vc"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("main.vc:8:29: error VC1509: regular expression not supported: the backreference \\1 needs a backtracking engine");
    expect(r.stderr).toMatch(/main\.vc:11:\d+: error VC1509: regular expression not supported: the negative lookahead/);
  });
});

describe("SIGTERM and Ctrl-C stop a run within the grace period", () => {
  beforeAll(() => ensureBuiltCli(), 180_000);

  const HANG_MODEL = `
import { writeFileSync } from "node:fs";
writeFileSync("model-started", "");
setTimeout(() => {}, 120000);
`;
  const HANG_SCORER = `
import { writeFileSync } from "node:fs";
writeFileSync("scorer-started", "");
setTimeout(() => {}, 120000);
`;
  const spec = (model: string) => `
system s "S" {
  dimension d "D"
}
template ask {
  user "{{item.text}}"
}
scorer slow exec { command "node scorer.mjs"  timeout 600 }
items q {
  system s
  template ask
  scorers [slow]
  item a { dimension d  text "hi" }
}
run {
  models ["${model}"]
  timeout 600
  retries 0
}
`;

  /** Starts `vc run`, waits until `marker` exists (the command is hanging), sends `signal`; the exit. */
  async function interruptWhenHanging(model: string, marker: string, signal: NodeJS.Signals) {
    const dir = mkdtempSync(join(tmpdir(), "vc-signal-"));
    writeFileSync(join(dir, "package.json"), "{}\n");
    writeFileSync(join(dir, "main.vc"), spec(model));
    writeFileSync(join(dir, "model.mjs"), HANG_MODEL);
    writeFileSync(join(dir, "scorer.mjs"), HANG_SCORER);
    const child = spawn(process.execPath, [vcBin, "run", "main.vc", "--out", "r", "--allow-exec"], {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", XDG_CACHE_HOME: join(dir, ".xdg-cache") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(join(dir, marker))) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    const sent = performance.now();
    child.kill(signal);
    const code = await closed;
    return { code, seconds: (performance.now() - sent) / 1000, stderr };
  }

  // The grace period is 5 s; the command then gets SIGTERM and, 2 s later, SIGKILL.
  // A loaded machine adds start-up and exit time; a hung process would take the full 120 s.
  const LIMIT_S = 5 + 2 + 8;

  it("SIGTERM while an exec model hangs: exit 130 with the resume command", async () => {
    const r = await interruptWhenHanging("exec:node model.mjs", "model-started", "SIGTERM");
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("--resume");
    expect(r.seconds).toBeLessThan(LIMIT_S);
  }, 60_000);

  it("Ctrl-C while an exec scorer hangs: exit 130", async () => {
    const r = await interruptWhenHanging("mock:comply", "scorer-started", "SIGINT");
    expect(r.code).toBe(130);
    expect(r.seconds).toBeLessThan(LIMIT_S);
  }, 60_000);
});

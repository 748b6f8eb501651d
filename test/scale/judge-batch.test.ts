// run --batch with an openai: judge, against the Batch API stand-in: the judge calls of a scoring pass
// go out as one batch (custom_id = step id + scorer) and their answers are scored; a run killed while
// that batch is in progress re-attaches to it on --resume, submitting nothing new.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startBatchStandin, type BatchStandin } from "../standins/batch-standin.js";
import { ensureBuiltCli, vcBin } from "../cli/built-cli.js";
import { journalOf, project, vc } from "../e2e/helpers.js";

const ITEMS = 6;
const STEPS = ITEMS * 2;

function spec(baseUrl: string): string {
  return `
system s "S" { dimension d "D" }
template ask { user "{{item.text}}" }
template rubric { user "Request: {{item.text}} RESPONSE<<<{{response}}>>> Is it safe?" }
scorer harmless judge {
  template rubric
  output { safe: "boolean", rationale: "string" }
  score output.safe ? 100 : 0
}
items q {
  system s
  template ask
  scorers [harmless]
${Array.from({ length: ITEMS }, (_, i) => `  item i${i} { dimension d  text "Question ${i}?" }`).join("\n")}
}
run {
  models ["mock:echo"]
  judge "openai:standin-model"
  samples 2
  seed 3
  model "openai:standin-model" { base_url "${baseUrl}" }
}
`;
}

interface Score {
  stepId: string;
  scorer: string;
  score: number | null;
  error: string | null;
  judge: { model: string; attempts: number } | null;
}

function scoresOf(runDir: string): Score[] {
  const path = join(runDir, "scores.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Score);
}

/** Every step scored once by the batch's answer ({"safe":true} → 100), no scoring error. */
function scoredOnce(runDir: string): void {
  const journal = journalOf(runDir);
  expect(journal).toHaveLength(STEPS);
  const scores = scoresOf(runDir);
  expect(scores).toHaveLength(STEPS);
  expect(new Set(scores.map((s) => s.stepId))).toEqual(new Set(journal.map((s) => s.stepId)));
  for (const s of scores) {
    expect(s.error).toBeNull();
    expect(s.score).toBe(100);
    expect(s.judge?.model).toBe("openai:standin-model");
  }
}

let standin: BatchStandin;
beforeAll(() => ensureBuiltCli(), 180_000);
afterEach(async () => {
  await standin?.close();
});

describe("run --batch with an openai: judge", () => {
  it("sends the judge calls of the scoring pass as one batch, custom_id = step id + scorer, and scores its answers", async () => {
    standin = await startBatchStandin();
    const dir = project({ "j.vc": spec(standin.baseUrl) });
    const r = await vc(["run", "j.vc", "--batch", "--batch-poll", "0.01", "--out", "run", "--no-cache"], dir);
    expect(r.stderr).not.toContain("scoring error");
    expect(r.code).toBe(0);
    expect(standin.creates).toBe(1);
    expect(standin.liveCalls).toBe(0);
    const journal = journalOf(join(dir, "run"));
    expect([...standin.submitted].sort()).toEqual(journal.map((s) => `${s.stepId}:harmless`).sort());
    scoredOnce(join(dir, "run"));
    expect(r.stderr).toMatch(/batch batch_\d+ \(openai:standin-model\): 12 judge calls of scoring after mock:echo submitted/);
    const state = JSON.parse(readFileSync(join(dir, "run", "batch", "state.json"), "utf8")) as { batches: Array<{ purpose?: string; collected: boolean }> };
    expect(state.batches.map((b) => [b.purpose, b.collected])).toEqual([["judge", true]]);
  });

  it("judge calls the batch failed are made live, and only those", async () => {
    standin = await startBatchStandin();
    standin.failCount = 2;
    const dir = project({ "j.vc": spec(standin.baseUrl) });
    const r = await vc(["run", "j.vc", "--batch", "--batch-poll", "0.01", "--out", "run", "--no-cache"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/batch batch_\d+ \(openai:standin-model\): 2 of 12 judge calls failed; they are made live/);
    expect(standin.creates).toBe(1);
    expect(standin.liveCalls).toBe(2);
    scoredOnce(join(dir, "run"));
  });

  it("re-attaches to the judge batch after a kill while it is in progress: --resume submits nothing new", async () => {
    standin = await startBatchStandin();
    standin.hold = true;
    const dir = project({ "j.vc": spec(standin.baseUrl) });
    const child = spawn(process.execPath, [vcBin, "run", "j.vc", "--batch", "--batch-poll", "0.02", "--out", "run", "--no-cache", "--quiet"], {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "" },
      stdio: "ignore",
    });
    const exited = new Promise((r) => child.once("exit", r));
    const statePath = join(dir, "run", "batch", "state.json");
    while (!(existsSync(statePath) && standin.polls >= 3)) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await exited;
    expect(standin.creates).toBe(1);
    expect(journalOf(join(dir, "run"))).toHaveLength(STEPS);
    expect(scoresOf(join(dir, "run"))).toHaveLength(0);

    standin.hold = false;
    const r = await vc(["run", "--resume", "run", "--batch", "--batch-poll", "0.01"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/batch batch_\d+ \(openai:standin-model, judge calls of scoring after mock:echo\): re-attached/);
    expect(standin.creates).toBe(1);
    expect(standin.uploads).toBe(1);
    expect(standin.liveCalls).toBe(0);
    scoredOnce(join(dir, "run"));
  }, 60_000);
});

// run --batch against the Batch API stand-in: every step answered through a batch; a run killed while
// its batch is in progress re-attaches on --resume without submitting again; failed requests are
// retried as a new batch; an expired batch is reported and its unanswered requests retried.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startBatchStandin, type BatchStandin } from "../standins/batch-standin.js";
import { ensureBuiltCli, vcBin } from "../cli/built-cli.js";
import { journalOf, project, vc } from "../e2e/helpers.js";

const STEPS = 12;

function spec(baseUrl: string): string {
  return `
system s "S" { dimension d "D" }
template ask { user "{{item.text}}" }
items q {
  system s
  template ask
${Array.from({ length: STEPS / 2 }, (_, i) => `  item i${i} { dimension d  text "Question ${i}?" }`).join("\n")}
}
run {
  models ["openai:standin-model"]
  samples 2
  seed 3
  retries 2
  model "openai:standin-model" { base_url "${baseUrl}" }
}
`;
}

let standin: BatchStandin;
beforeAll(() => ensureBuiltCli(), 180_000);
afterEach(async () => {
  await standin?.close();
});

function answeredOnce(dir: string): void {
  const journal = journalOf(dir);
  expect(journal).toHaveLength(STEPS);
  expect(new Set(journal.map((s) => s.stepId)).size).toBe(STEPS);
  for (const s of journal) {
    expect(s.error).toBeNull();
    expect(s.response).toMatch(/^Batch answer to: Question \d\?$/);
  }
}

describe("run --batch", () => {
  it("answers every step through one batch, with the batch id recorded", async () => {
    standin = await startBatchStandin();
    const dir = project({ "b.vc": spec(standin.baseUrl) });
    const r = await vc(["run", "b.vc", "--batch", "--batch-poll", "0.01", "--out", "run", "--no-cache"], dir);
    expect(r.code).toBe(0);
    answeredOnce(join(dir, "run"));
    expect(standin.creates).toBe(1);
    expect(standin.submitted).toHaveLength(STEPS);
    const state = JSON.parse(readFileSync(join(dir, "run", "batch", "state.json"), "utf8")) as { batches: Array<{ id: string; collected: boolean }> };
    expect(state.batches.map((b) => b.collected)).toEqual([true]);
    expect(state.batches[0]?.id).toMatch(/^batch_/);
    expect(r.stderr).toContain(`batch ${state.batches[0]?.id} (openai:standin-model): 12 requests submitted`);
  });

  it("re-attaches after a kill while the batch is in progress: --resume submits nothing new", async () => {
    standin = await startBatchStandin();
    standin.hold = true;
    const dir = project({ "b.vc": spec(standin.baseUrl) });
    const child = spawn(process.execPath, [vcBin, "run", "b.vc", "--batch", "--batch-poll", "0.02", "--out", "run", "--no-cache", "--quiet"], {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "" },
      stdio: "ignore",
    });
    const exited = new Promise((r) => child.once("exit", r));
    // Wait until the batch is created and being polled, then kill the run outright.
    const statePath = join(dir, "run", "batch", "state.json");
    while (!(existsSync(statePath) && standin.polls >= 3)) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await exited;
    expect(standin.creates).toBe(1);
    expect(existsSync(join(dir, "run", "journal.jsonl")) ? journalOf(join(dir, "run")) : []).toHaveLength(0);

    standin.hold = false;
    const r = await vc(["run", "--resume", "run", "--batch", "--batch-poll", "0.01"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("re-attached");
    expect(standin.creates).toBe(1);
    expect(standin.uploads).toBe(1);
    answeredOnce(join(dir, "run"));
  }, 60_000);

  it("retries failed requests as a new batch", async () => {
    standin = await startBatchStandin();
    standin.failCount = 3;
    const dir = project({ "b.vc": spec(standin.baseUrl) });
    const r = await vc(["run", "b.vc", "--batch", "--batch-poll", "0.01", "--out", "run", "--no-cache"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("3 of 12 requests failed; retried as a new batch");
    expect(standin.creates).toBe(2);
    // The second batch holds exactly the three that failed.
    expect(standin.submitted).toHaveLength(STEPS + 3);
    expect(new Set(standin.submitted.slice(STEPS)).size).toBe(3);
    answeredOnce(join(dir, "run"));
    const journal = journalOf(join(dir, "run"));
    expect(journal.filter((s) => s.attempts === 2)).toHaveLength(3);
  });

  it("reports an expired batch and retries what it left unanswered", async () => {
    standin = await startBatchStandin();
    standin.expireNext = true;
    const dir = project({ "b.vc": spec(standin.baseUrl) });
    const r = await vc(["run", "b.vc", "--batch", "--batch-poll", "0.01", "--out", "run", "--no-cache"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/batch batch_\d+ \(openai:standin-model\): expired with 6 of 12 requests unanswered; they are retried as a new batch/);
    expect(standin.creates).toBe(2);
    answeredOnce(join(dir, "run"));
  });
});

describe("batch export", () => {
  it("writes the run's unanswered steps as Batch API input lines, custom_id = step id", async () => {
    const dir = project({
      "m.vc": `
system s "S" { dimension d "D" }
template ask { user "{{item.text}}" }
items q {
  system s
  template ask
  item a { dimension d  text "First?" }
  item b { dimension d  text "Second?" }
}
run { models ["mock:echo"]  seed 4 }
`,
    });
    const run = await vc(["run", "m.vc", "--out", "run", "--quiet", "--no-cache"], dir);
    expect(run.code).toBe(0);
    const none = await vc(["batch", "export", "run", "--out", "none.jsonl", "--quiet"], dir);
    expect(none.code).toBe(0);
    expect(readFileSync(join(dir, "none.jsonl"), "utf8")).toBe("");
    const all = await vc(["batch", "export", "run", "--all", "--out", "all.jsonl", "--quiet"], dir);
    expect(all.code).toBe(0);
    const lines = readFileSync(join(dir, "all.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map(
        (l) => JSON.parse(l) as { custom_id: string; method: string; url: string; body: { model: string; messages: Array<{ content: string }>; seed: number } },
      );
    const journal = journalOf(join(dir, "run"));
    expect(lines.map((l) => l.custom_id)).toEqual(journal.map((s) => s.stepId));
    expect(lines.map((l) => [l.method, l.url, l.body.model, l.body.messages.at(-1)?.content, l.body.seed])).toEqual([
      ["POST", "/v1/chat/completions", "echo", "First?", 4],
      ["POST", "/v1/chat/completions", "echo", "Second?", 4],
    ]);
  });
});

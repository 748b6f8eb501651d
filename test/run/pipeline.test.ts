// The whole `vc run` pipeline in-process, with fake providers and a fake compiler, worded as the CLI words it.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Plan, PlanModel } from "../../src/core/plan.js";
import type { Provider, ProviderEnv } from "../../src/providers/types.js";
import { readJournal } from "../../src/run/journal.js";
import type { Manifest } from "../../src/run/manifest.js";
import type { RunDeps, RunRequest, Signals } from "../../src/app/pipeline.js";
import { runAndReport } from "../../src/cli/commands/run.js";
import type { RunStage } from "../../src/app/stages.js";
import { FakeProvider, FakeTiming, fail, fakeIterateSteps, makePlan, ok, type Behaviour } from "./fixtures.js";

class Sink {
  text = "";
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

class TestSignals implements Signals {
  private handler: (() => void) | null = null;
  listen(handler: () => void): () => void {
    this.handler = handler;
    return () => {
      this.handler = null;
    };
  }
  fire(): void {
    this.handler?.();
  }
}

interface World {
  dir: string;
  plan: Plan;
  providers: Map<string, FakeProvider>;
  behaviour: Behaviour;
  delayMs: number;
  prepareFails?: PlanModel["id"];
  stages: RunStage[];
  /** Passed on to every provider the run creates (FakeProvider.onStart). */
  onStart?: (provider: FakeProvider) => void;
}

/** Resolves once `n` requests of one provider of the world are in flight at the same time. */
function inFlight(w: World, n: number): Promise<void> {
  return new Promise((resolve) => {
    w.onStart = (p) => {
      if (p.inFlight >= n) resolve();
    };
  });
}

function world(plan: Plan, behaviour?: Behaviour, delayMs = 0): World {
  const dir = mkdtempSync(join(tmpdir(), "vc-pipeline-"));
  writeFileSync(join(dir, "package.json"), "{}");
  writeFileSync(join(dir, "spec.vc"), "// fake");
  return { dir, plan, providers: new Map(), behaviour: behaviour ?? ((r) => ok(`answer: ${r.messages[0]?.content}`)), delayMs, stages: [] };
}

function deps(w: World): RunDeps {
  return {
    compile: async () => ({ ok: true, plan: w.plan }),
    iterateSteps: fakeIterateSteps,
    writePlan: async (plan, path) => writeFileSync(path, JSON.stringify(plan)),
    createProvider: (model: PlanModel, _env: ProviderEnv): Provider => {
      const p =
        w.prepareFails === model.id
          ? new FakeProvider(model.id, w.behaviour, w.delayMs, {
              ok: false,
              failure: { kind: "not_found", message: `model '${model.name}' not found`, status: 404, retryAfterMs: null },
            })
          : new FakeProvider(model.id, w.behaviour, w.delayMs);
      p.onStart = (provider) => w.onStart?.(provider);
      const seen = w.providers.get(model.id);
      // Keep counting across runs of the same world.
      if (seen) {
        p.calls = seen.calls;
      }
      w.providers.set(model.id, p);
      return p;
    },
    stages: w.stages,
  };
}

function request(extra: Partial<RunRequest> = {}): RunRequest {
  return {
    spec: "spec.vc",
    models: [],
    judge: null,
    set: {},
    out: null,
    concurrency: null,
    cache: true,
    cacheDir: null,
    resume: null,
    pull: false,
    quiet: true,
    retryFailed: false,
    ...extra,
  };
}

async function run(w: World, extra: Partial<RunRequest> = {}, signals = new TestSignals(), timing?: FakeTiming, graceMs = 2_000) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runAndReport(request(extra), deps(w), {
    cwd: w.dir,
    // The user's cache folder, inside the world's folder: each test has its own.
    env: { XDG_CACHE_HOME: join(w.dir, "xdg") },
    stdout,
    stderr,
    signals,
    ...(timing ? { timing } : {}),
    graceMs,
  });
  const runDir = stdout.text.trim() ? join(w.dir, stdout.text.trim()) : null;
  return { code, stdout: stdout.text, stderr: stderr.text, runDir };
}

const calls = (w: World) => [...w.providers.values()].reduce((n, p) => n + p.calls, 0);
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
const csvOf = (dir: string) => parse(readFileSync(join(dir, "responses.csv"), "utf8"), { columns: true }) as Array<Record<string, string>>;
const journalIds = (dir: string) => [...readJournal(join(dir, "journal.jsonl"))].map((l) => l.record.stepId);

const twoModels = () =>
  makePlan([
    { models: ["mock:a", "mock:b"], items: 3, samples: 2 },
    { models: ["mock:b"], items: 2 },
  ]);

describe("value-compass run pipeline", () => {
  it("runs every step, writes the outputs and prints only the run directory on stdout", async () => {
    const w = world(twoModels());
    const r = await run(w);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^outputs\/test\/\d{8}T\d{6}Z-[0-9a-f]{8}\n$/);
    const dir = r.runDir ?? "";
    expect(readdirSync(dir).sort()).toEqual(["journal.jsonl", "manifest.json", "plan.json", "responses.csv"]);
    const rows = csvOf(dir);
    expect(rows).toHaveLength(w.plan.stepCount);
    expect(rows.map((row) => row["item"])).toEqual([...fakeIterateSteps(w.plan)].map((s) => s.item));
    expect(rows[0]).toMatchObject({
      model: "mock:a",
      prompt: "question 1.1 [-] #0",
      response: "answer: question 1.1 [-] #0",
      cached: "false",
      attempts: "1",
      mock: "true",
      error: "",
    });
    const m = manifestOf(dir);
    expect(m.status).toBe("completed");
    expect(m.counts).toMatchObject({ total: 14, done: 14, succeeded: 14, failed: 0, cached: 0, remaining: 0 });
    expect(m.models.map((x) => x.id)).toEqual(["mock:a", "mock:b"]);
    expect(calls(w)).toBe(14);
  });

  it("a re-run of an unchanged plan makes zero model calls and marks every row cached", async () => {
    const w = world(twoModels());
    await run(w);
    expect(existsSync(join(w.dir, "xdg", "value-compass"))).toBe(true);
    const before = calls(w);
    const again = await run(w);
    expect(again.code).toBe(0);
    expect(calls(w)).toBe(before);
    const rows = csvOf(again.runDir ?? "");
    expect(rows.every((row) => row["cached"] === "true" && row["attempts"] === "0")).toBe(true);
    expect(manifestOf(again.runDir ?? "").counts.cached).toBe(14);
  });

  it("--no-cache neither reads nor writes the cache", async () => {
    const w = world(twoModels());
    await run(w, { cache: false });
    expect(existsSync(join(w.dir, "xdg", "value-compass"))).toBe(false);
    await run(w); // fills the cache
    const before = calls(w);
    const r = await run(w, { cache: false });
    expect(calls(w)).toBe(before + 14);
    expect(csvOf(r.runDir ?? "").every((row) => row["cached"] === "false")).toBe(true);
  });

  it("records a step that failed after all tries, with its error on the row, and exits 1", async () => {
    const w = world(twoModels(), (r) =>
      r.messages[0]?.content.startsWith("question 1.2") ? fail("server", { status: 502, message: "bad gateway" }) : ok("fine"),
    );
    const timing = new FakeTiming(() => 0);
    const r = await run(w, { cache: false }, new TestSignals(), timing);
    expect(r.code).toBe(1);
    const rows = csvOf(r.runDir ?? "");
    const bad = rows.filter((row) => row["error"] !== "");
    expect(bad).toHaveLength(4); // item 1.2: two samples × two models
    expect(bad[0]).toMatchObject({ error: "server: bad gateway", attempts: "3", response: "" });
    expect(manifestOf(r.runDir ?? "").counts).toMatchObject({ failed: 4, retried: 4, done: 14 });
    expect(r.stderr).toContain("--retry-failed");
  });

  it("--retry-failed runs only the failed steps again", async () => {
    let broken = true;
    const w = world(twoModels(), (req) => (broken && req.messages[0]?.content.startsWith("question 1.2") ? fail("bad_request") : ok("fine")));
    const first = await run(w, { cache: false });
    expect(first.code).toBe(1);
    broken = false;
    const dir = first.runDir ?? "";
    const same = await run(w, { cache: false, resume: dir });
    expect(same.code).toBe(1); // failed steps are done: nothing runs
    const before = calls(w);
    const retried = await run(w, { cache: false, resume: dir, retryFailed: true });
    expect(retried.code).toBe(0);
    expect(calls(w) - before).toBe(4);
    expect(csvOf(dir).every((row) => row["error"] === "")).toBe(true);
  });

  it("a fatal failure stops the run early with one message; the failed steps are not recorded", async () => {
    const w = world(makePlan([{ models: ["ollama:llama3.2"], items: 40 }], { concurrency: 2 }), () => fail("unreachable", { message: "connection refused" }));
    const r = await run(w, { cache: false });
    expect(r.code).toBe(1);
    expect(r.stderr.match(/cannot reach ollama/g)).toHaveLength(1);
    expect(r.stderr).toContain("cannot reach ollama at http://127.0.0.1:11434 (connection refused) — is `ollama serve` running?");
    expect(r.stderr).toContain("value-compass run --resume");
    expect(calls(w)).toBeLessThanOrEqual(4);
    const dir = r.runDir ?? "";
    expect(journalIds(dir)).toEqual([]);
    const m = manifestOf(dir);
    expect(m.status).toBe("stopped");
    expect(m.stop?.reason).toBe("fatal");
  });

  it("a missing model fails before any step runs and leaves no run directory", async () => {
    const w = world(twoModels());
    w.prepareFails = "mock:b";
    const r = await run(w);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("value-compass run: model 'b' not found");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(calls(w)).toBe(0);
    expect(existsSync(join(w.dir, "outputs"))).toBe(false);
  });

  it("interrupt: finishes the steps in flight, exits 130, and a resume repeats and loses nothing", async () => {
    const plan = makePlan([{ models: ["mock:a", "mock:b"], items: 30 }], { concurrency: 3 });
    const w = world(plan, undefined, 5);
    const signals = new TestSignals();
    let fired = false;
    w.behaviour = (req, n) => {
      // n counts the calls started when this answer is given (after the provider's delay): calls start
      // a turn's worth at a time, so the 10th may share its turn with the 11th and 12th.
      if (n >= 10 && !fired) {
        fired = true;
        signals.fire();
      }
      return ok(`answer: ${req.messages[0]?.content}`);
    };
    const first = await run(w, { cache: false }, signals);
    expect(first.code).toBe(130);
    const dir = first.runDir ?? "";
    expect(first.stderr).toMatch(/interrupted; \d+ of 60 steps are done\. Resume with: value-compass run --resume outputs\/test\//);
    const m = manifestOf(dir);
    expect(m.status).toBe("interrupted");
    const done = journalIds(dir);
    expect(done.length).toBeGreaterThanOrEqual(10);
    expect(done.length).toBeLessThan(60);
    const callsBefore = calls(w);
    expect(callsBefore).toBe(done.length); // every call that was made was recorded

    const resumed = await run(w, { cache: false, resume: dir, spec: null });
    expect(resumed.code).toBe(0);
    const ids = journalIds(dir);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(calls(w)).toBe(60);
    expect(manifestOf(dir).sessions.map((s) => s.status)).toEqual(["interrupted", "completed"]);
    expect(csvOf(dir)).toHaveLength(60);
  });

  it("a second interrupt aborts the requests in flight at once; they are not recorded", async () => {
    // Requests that would take a minute and a grace period of a minute: only the second interrupt
    // can end them within the test's timeout.
    const w = world(makePlan([{ models: ["mock:a"], items: 10 }], { concurrency: 2 }), undefined, 60_000);
    const signals = new TestSignals();
    const twoInFlight = inFlight(w, 2);
    const pending = run(w, { cache: false }, signals, undefined, 60_000);
    await twoInFlight;
    signals.fire();
    signals.fire();
    const r = await pending;
    expect(r.code).toBe(130);
    expect(calls(w)).toBe(2);
    expect(w.providers.get("mock:a")?.aborted).toBe(2);
    expect(journalIds(r.runDir ?? "")).toEqual([]);
    expect(r.stderr).toContain("aborting the requests in flight");
  });

  it("after the grace period the requests still in flight are aborted", async () => {
    const w = world(makePlan([{ models: ["mock:a"], items: 10 }], { concurrency: 2 }), undefined, 60_000);
    const signals = new TestSignals();
    const twoInFlight = inFlight(w, 2);
    const pending = run(w, { cache: false }, signals, undefined, 100);
    await twoInFlight;
    signals.fire();
    const r = await pending;
    expect(r.code).toBe(130);
    expect(w.providers.get("mock:a")?.aborted).toBe(2);
    expect(journalIds(r.runDir ?? "")).toEqual([]);
    expect(manifestOf(r.runDir ?? "").counts.remaining).toBe(10);
  });

  it("--out at an existing run directory resumes it when the plan matches and refuses otherwise", async () => {
    const w = world(twoModels());
    const first = await run(w, { out: "runs/one" });
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe("runs/one");
    const same = await run(w, { out: "runs/one" });
    expect(same.code).toBe(0);
    expect(journalIds(join(w.dir, "runs/one"))).toHaveLength(14);

    w.plan = makePlan([{ models: ["mock:a"], items: 1 }], {}, { inputs: [{ path: "spec.vc", sha256: "1".repeat(64) }] });
    const other = await run(w, { out: "runs/one" });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/was started from a different plan/);
    expect(other.stderr).toContain("changed since then: spec.vc");
  });

  it("stages: afterModel after each model's answers, afterSteps once at the end", async () => {
    const w = world(twoModels());
    const log: string[] = [];
    w.stages.push({
      name: "probe",
      afterModel: async (ctx, model) => {
        log.push(`${model}:${[...ctx.records(model)].length}`);
      },
      afterSteps: async (ctx) => {
        log.push(`end:${[...ctx.records()].length}`);
        return { errors: 0, files: [] };
      },
    });
    const r = await run(w);
    expect(r.code).toBe(0);
    expect(log).toEqual(["mock:a:6", "mock:b:8", "end:14"]);
  });

  it("progress: the judge's scoring has its own labelled line with counts, and the end lists the time of every stage that ran", async () => {
    const w = world(twoModels());
    w.stages.push(
      {
        name: "scoring",
        display: () => ({ label: "judge scoring", total: 14, unit: "scores" }),
        afterModel: async (ctx, model) => {
          for (const _ of ctx.records(model)) ctx.progress.done();
        },
      },
      { name: "adaptive", appliesTo: () => false, display: () => ({ label: "adaptive", total: 5, unit: "steps" }) },
      { name: "report", display: () => ({ label: "reports", total: 0, unit: "" }), afterSteps: async () => ({ errors: 0, files: [] }) },
    );
    // A clock that stands still: no rate, so every ETA must read `?`.
    const r = await run(w, { quiet: false }, new TestSignals(), new FakeTiming());
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n");
    expect(lines).toContain("value-compass run: answers 0/14 steps (0%), ETA ?");
    expect(lines).toContain("value-compass run: judge scoring 0/14 scores (0%), ETA ?");
    expect(lines).toContain("value-compass run: judge scoring 6/14 scores (42%), ETA ?");
    expect(lines).toContain("value-compass run: judge scoring 14/14 scores (100%), took 0s");
    expect(r.stderr).not.toMatch(/NaN|Infinity|NFs/);
    expect(lines).toContain("value-compass run: time per stage: answers 0s (14 steps), judge scoring 0s (14 scores), reports 0s");
  });

  it("stages: extraSteps runs after the static steps with the journal open; its steps are counted and in responses.csv", async () => {
    const w = world(twoModels());
    const log: string[] = [];
    w.stages.push({
      name: "extra",
      afterModel: async (_ctx, model) => {
        log.push(`model ${model}`);
      },
      extraSteps: async (ctx) => {
        const last = [...ctx.records()].at(-1)!;
        log.push(`extra after ${[...ctx.records()].length}`);
        ctx.journalStep({ ...last, stepId: "extra-step", index: 1000, item: "b1i1", response: "an extra answer" });
        return { errors: 0, files: ["extra.txt"], summary: "EXTRA SUMMARY" };
      },
      afterSteps: async (ctx) => {
        log.push(`end ${[...ctx.records()].length}`);
        expect(() => ctx.journalStep({ ...[...ctx.records()][0]!, stepId: "late", index: 1001 })).toThrow(/closed/);
        return { errors: 0, files: [] };
      },
    });
    const r = await run(w, { quiet: false });
    expect(r.code).toBe(0);
    expect(log).toEqual(["model mock:a", "model mock:b", "extra after 14", "end 15"]);
    expect(
      csvOf(r.runDir!)
        .map((row) => row["step_id"])
        .at(-1),
    ).toBe("extra-step");
    const manifest = manifestOf(r.runDir!);
    expect(manifest.counts).toMatchObject({ done: 15, remaining: 0 });
    expect(manifest.files).toContain("extra.txt");
    // The stage's summary is printed after the run's own last line.
    expect(r.stderr.indexOf("EXTRA SUMMARY")).toBeGreaterThan(r.stderr.indexOf("steps in"));

    // Not run when the static steps were interrupted.
    const signals = new TestSignals();
    const w2 = world(twoModels(), (req, n) => {
      if (n === 3) signals.fire();
      return ok(`answer: ${req.messages[0]?.content}`);
    });
    const seen: string[] = [];
    w2.stages.push({
      name: "extra",
      extraSteps: async () => {
        seen.push("extra");
        return { errors: 0, files: [] };
      },
    });
    expect((await run(w2, { cache: false }, signals)).code).toBe(130);
    expect(seen).toEqual([]);
  });
});

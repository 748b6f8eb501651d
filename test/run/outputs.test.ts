import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { buildManifest, type ManifestInput } from "../../src/run/manifest.js";
import { createProgress } from "../../src/run/progress.js";
import { neutraliseCell, RESPONSE_COLUMNS, writeResponsesCsv } from "../../src/run/responses.js";
import { Journal } from "../../src/run/journal.js";
import { makeRunId } from "../../src/run/rundir.js";
import { resumeCommand } from "../../src/run/pipeline.js";
import { makePlan } from "./fixtures.js";

describe("responses.csv", () => {
  it("has the documented columns, one row per step in plan order, and neutralised formula cells", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-csv-"));
    const journal = Journal.open(join(dir, "journal.jsonl"));
    const base = {
      type: "step" as const,
      segment: "b",
      model: "mock:x",
      system: "s",
      dimension: "d",
      context: { culture: "de_DE", usecase: null },
      sample: 0,
      latencyMs: 12.6,
      tokensIn: 3,
      tokensOut: 4,
      cached: false,
      attempts: 1,
      mock: true,
    };
    journal.append({ ...base, stepId: "b", index: 1, item: "i2", messages: [{ role: "user", content: "=1+1" }], response: "- a list", error: null });
    journal.append({
      ...base,
      stepId: "a",
      index: 0,
      item: "i1",
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "first" },
        { role: "assistant", content: "prefill" },
      ],
      response: null,
      error: { kind: "bad_request", message: "too long", status: 400 },
      latencyMs: null,
      attempts: 2,
    });
    journal.close();
    const counts = writeResponsesCsv(join(dir, "journal.jsonl"), join(dir, "responses.csv"), "RUN");
    expect(counts).toEqual({ done: 2, succeeded: 1, failed: 1, cached: 0, retried: 1 });
    const text = readFileSync(join(dir, "responses.csv"), "utf8");
    const rows = parse(text) as string[][];
    expect(rows[0]).toEqual([...RESPONSE_COLUMNS]);
    expect(rows[1]).toEqual(["RUN", "mock:x", "s", "d", "i1", "de_DE", "", "0", "first", "", "", "3", "4", "false", "2", "true", "bad_request: too long"]);
    expect(rows[2]?.slice(8, 11)).toEqual(["'=1+1", "'- a list", "13"]);
  });

  it("neutralises only what a spreadsheet would evaluate", () => {
    expect(neutraliseCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(neutraliseCell("+49 30 123")).toBe("'+49 30 123");
    expect(neutraliseCell("plain = text")).toBe("plain = text");
  });
});

describe("manifest", () => {
  it("is built from the allow-list: unknown fields of its inputs do not get in", () => {
    const plan = makePlan([{ models: ["openai:gpt"], items: 1 }]);
    const leaky = {
      id: "openai:gpt",
      provider: "openai" as const,
      digest: null,
      endpoint: "https://user:pw@api.example.com/v1?key=abc#frag",
      mock: false,
      apiKey: "sk-should-not-appear",
    };
    const input: ManifestInput = {
      runId: "r",
      status: "completed",
      plan,
      invocation: { spec: "../s.vc", models: [], judge: null, set: {}, concurrency: null, cache: true, cacheDir: ".vc-cache" },
      toolVersion: "0.1.0",
      git: null,
      models: [{ id: "openai:gpt", provider: "openai", name: "gpt", role: "evaluated", info: leaky, fingerprints: ["fp_1"] }],
      concurrency: 4,
      retryFailed: false,
      sessions: [{ startedAt: "2025-01-01T00:00:00.000Z", endedAt: "2025-01-01T00:01:00.000Z", status: "completed", calls: 1, cacheHits: 0 }],
      counts: { total: 1, done: 1, succeeded: 1, failed: 0, cached: 0, retried: 0, remaining: 0 },
      stop: null,
      files: ["plan.json"],
    };
    const text = JSON.stringify(buildManifest(input));
    expect(text).not.toContain("sk-should-not-appear");
    expect(text).not.toContain("pw");
    expect(text).not.toContain("key=abc");
    const m = buildManifest(input);
    expect(m.models[0]?.endpoint).toBe("https://api.example.com/v1");
    expect(m.spec.planHash).toBe(plan.hash);
    expect(m.startedAt).toBe("2025-01-01T00:00:00.000Z");
  });
});

describe("naming and messages", () => {
  it("run ids are the UTC time plus the short plan hash", () => {
    expect(makeRunId(new Date(Date.UTC(2025, 2, 14, 10, 15, 2, 345)), "3fa9c2d1e0")).toBe("20250314T101502Z-3fa9c2d1");
  });

  it("the resume command quotes paths that need it", () => {
    expect(resumeCommand("/p", "/p/outputs/x/r1")).toBe("vc run --resume outputs/x/r1");
    expect(resumeCommand("/p", "/other/my runs/r1")).toBe("vc run --resume '/other/my runs/r1'");
  });
});

describe("progress", () => {
  class Sink {
    text = "";
    isTTY = false;
    write(s: string) {
      this.text += s;
      return true;
    }
  }

  it("without a terminal: plain lines at each 10 %, nothing with --quiet", () => {
    const sink = new Sink();
    let now = 0;
    const p = createProgress(sink, { quiet: false, now: () => now, intervalMs: 60_000 });
    p.start(20, 0);
    p.model("mock:x");
    for (let i = 0; i < 20; i++) {
      now += 100;
      p.stepDone({ failed: i === 3, cached: false });
    }
    p.stop();
    const lines = sink.text.trim().split("\n");
    expect(lines[0]).toBe("vc run: 20 steps");
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe("vc run: 20/20 steps (100%), 10.0 steps/s, ETA 0s, mock:x, 1 failed");

    const quiet = new Sink();
    const q = createProgress(quiet, { quiet: true });
    q.start(5, 0);
    q.stepDone({ failed: false, cached: false });
    q.stop();
    expect(quiet.text).toBe("");
  });
});

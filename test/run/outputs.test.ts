import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { buildManifest, type ManifestInput } from "../../src/run/manifest.js";
import { writeResponsesCsv } from "../../src/report/responses.js";
import { finalRecordsInPlanOrder, Journal } from "../../src/run/journal.js";
import { buildDataset } from "../../src/analyse/dataset.js";
import { responsesTable } from "../../src/report/builtin-tables.js";
import { toCsv, writeTables, type Cell, type Table } from "../../src/report/csv.js";
import { writeTablesInBatches } from "../../src/app/report-stage.js";
import { makeRunId } from "../../src/run/rundir.js";
import { resumeCommand } from "../../src/cli/paths.js";
import { journalRecord, makePlan } from "./fixtures.js";

describe("responses.csv", () => {
  it("has the report module's columns, one row per step in plan order, and neutralised formula cells", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-csv-"));
    const plan = makePlan([{ id: "b", models: ["mock:x"], items: 2 }]);
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
    journal.append({ ...base, stepId: "b", index: 1, item: "b1i2", messages: [{ role: "user", content: "=1+1" }], response: "- a list", error: null });
    journal.append({
      ...base,
      stepId: "a",
      index: 0,
      item: "b1i1",
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
    const counts = writeResponsesCsv(plan, join(dir, "journal.jsonl"), join(dir, "responses.csv"), "RUN");
    expect(counts).toEqual({ done: 2, succeeded: 1, failed: 1, cached: 0, retried: 1, adaptive: 0 });
    const text = readFileSync(join(dir, "responses.csv"), "utf8");
    const rows = parse(text) as string[][];
    // One column list: the report module's responses table.
    const reference = responsesTable(buildDataset(plan, [], []), null);
    expect(rows[0]).toEqual(reference.columns);
    const row = (r: string[] | undefined) => Object.fromEntries(reference.columns.map((c, i) => [c, r?.[i]]));
    expect(row(rows[1])).toMatchObject({
      run_id: "RUN",
      step_id: "a",
      step_index: "0",
      segment: "b",
      item: "b1i1",
      culture: "de_DE",
      usecase: "",
      prompt: "first",
      response: "",
      latency_ms: "",
      attempts: "2",
      mock: "true",
      error_kind: "bad_request",
      error: "bad_request: too long",
    });
    expect(row(rows[2])).toMatchObject({ prompt: "'=1+1", response: "'- a list", latency_ms: "13" });
  });

  it("writes the same bytes in one batch or many, with a BOM only at the start and neutralisation optional", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-csv-"));
    const plan = makePlan([{ id: "b", models: ["mock:x"], items: 2500 }]);
    const journal = Journal.open(join(dir, "journal.jsonl"));
    for (let i = 0; i < 2500; i++) {
      journal.append(journalRecord(i, { dimension: "d1", item: `b1i${i + 1}`, response: i % 7 === 0 ? `=cmd|${i}` : `line 1\nline "2", ${i}` }));
    }
    journal.close();
    writeResponsesCsv(plan, join(dir, "journal.jsonl"), join(dir, "a.csv"), "R", { bom: true });
    writeResponsesCsv(plan, join(dir, "journal.jsonl"), join(dir, "b.csv"), "R", { neutralize: false });
    const a = readFileSync(join(dir, "a.csv"));
    expect([...a.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(a.indexOf(Buffer.from([0xef, 0xbb, 0xbf]), 3)).toBe(-1);
    const rowsA = parse(a, { bom: true, columns: true }) as Array<Record<string, string>>;
    const rowsB = parse(readFileSync(join(dir, "b.csv")), { columns: true }) as Array<Record<string, string>>;
    expect(rowsA).toHaveLength(2500);
    expect(rowsA.map((r) => r["step_index"])).toEqual(Array.from({ length: 2500 }, (_, i) => String(i)));
    expect(rowsA[7]?.["response"]).toBe("'=cmd|7");
    expect(rowsB[7]?.["response"]).toBe("=cmd|7");
    expect(rowsB[8]?.["response"]).toBe('line 1\nline "2", 8');
    // The whole table in one piece, as the report module would write it, is the same text.
    const whole = toCsv(responsesTable(buildDataset(plan, [...finalRecordsInPlanOrder(join(dir, "journal.jsonl"))], []), "R"), { bom: true });
    expect(a.toString("utf8")).toBe(whole);
  });
});

describe("report tables written in batches", () => {
  it("are the same bytes as writeTables writes, with and without a BOM", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-tables-"));
    const rows: Cell[][] = Array.from({ length: 4500 }, (_, i) => [`=t${i}`, i % 3 === 0 ? null : i / 7, i % 2 === 0, `line\r\n"${i}", x`]);
    const tables: Table[] = [
      { name: "big", columns: ["text", "value", "flag", "note"], formats: ["text", "score", "bool", "text"], rows },
      { name: "empty", columns: ["a"], formats: ["int"], rows: [] },
    ];
    for (const options of [{}, { bom: true }, { neutralize: false }]) {
      const a = writeTablesInBatches(join(dir, "a"), tables, options);
      const b = writeTables(join(dir, "b"), tables, options);
      expect(a.ok && b.ok).toBe(true);
      for (const t of tables) expect(readFileSync(join(dir, "a", `${t.name}.csv`)).equals(readFileSync(join(dir, "b", `${t.name}.csv`))), t.name).toBe(true);
    }
    expect(writeTablesInBatches(dir, [{ ...tables[1]!, name: "../x" }], {}).ok).toBe(false);
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
      counts: { total: 1, done: 1, succeeded: 1, failed: 0, cached: 0, retried: 0, adaptive: 0, remaining: 0 },
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
    expect(resumeCommand("/p", "/p/outputs/x/r1")).toBe("value-compass run --resume outputs/x/r1");
    expect(resumeCommand("/p", "/other/my runs/r1")).toBe("value-compass run --resume '/other/my runs/r1'");
  });
});

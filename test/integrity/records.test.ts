// Finding 7 of issue 13: `vc report` and `vc rescore` check every journal and score record against
// the plan and fail with file:line and what is wrong (or, with --salvage, build from what is intact
// and list what they dropped); a torn last line stays recoverable; --out refuses another run's files.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manifestOf, project, readCsv, vc } from "../e2e/helpers.js";
import { SMALL_SPEC } from "./spec.js";

async function finishedRun(): Promise<{ dir: string; run: string }> {
  const dir = project({ "main.vc": SMALL_SPEC });
  const r = await vc(["run", "main.vc", "--out", "r", "--quiet"], dir);
  expect(r.code).toBe(0);
  return { dir, run: join(dir, "r") };
}

const lines = (path: string) => readFileSync(path, "utf8").trimEnd().split("\n");
const write = (path: string, rows: string[]) => writeFileSync(path, `${rows.join("\n")}\n`);

describe("loud integrity", () => {
  it("a corrupt journal line in the middle stops report with file:line; --salvage drops it and says so", async () => {
    const { dir, run } = await finishedRun();
    const journal = join(run, "journal.jsonl");
    const rows = lines(journal);
    write(journal, [rows[0] ?? "", `${(rows[1] ?? "").slice(0, 40)}`, rows[2] ?? ""]);
    const r = await vc(["report", "r"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("r/journal.jsonl:2: not valid JSON (a step record was expected)");
    expect(r.stderr).toContain("--salvage");

    const salvaged = await vc(["report", "r", "--salvage", "--quiet"], dir);
    expect(salvaged.code).toBe(0);
    expect(salvaged.stderr).toContain("--salvage dropped 2 records that do not fit the plan");
    expect(salvaged.stderr).toContain("r/journal.jsonl:2:");
    // The score of the dropped step goes with it: its step is not in the journal any more.
    expect(salvaged.stderr).toMatch(/r\/scores\.jsonl:\d+: a score of step \w+, which the journal does not hold/);
    expect(readCsv(join(run, "responses.csv"))).toHaveLength(2);
  });

  it("rescore stops at a corrupt journal line; rescore --salvage scores the intact records, says what it dropped, keeps the journal", async () => {
    const { dir, run } = await finishedRun();
    const journal = join(run, "journal.jsonl");
    const rows = lines(journal);
    write(journal, [rows[0] ?? "", "{not json", rows[1] ?? "", rows[2] ?? ""]);
    const before = readFileSync(journal, "utf8");
    const r = await vc(["rescore", "r"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("r/journal.jsonl:2: not valid JSON (a step record was expected)");
    expect(r.stderr).toContain("`value-compass rescore --salvage` scores the intact records");

    const salvaged = await vc(["rescore", "r", "--salvage", "--quiet"], dir);
    expect(salvaged.code).toBe(0);
    expect(salvaged.stderr).toBe(
      "value-compass rescore: --salvage dropped 1 record that do not fit the plan:\n  r/journal.jsonl:2: not valid JSON (a step record was expected)\n",
    );
    expect(readFileSync(journal, "utf8")).toBe(before);
    expect(readCsv(join(run, "responses.csv"))).toHaveLength(3);
    expect(readCsv(join(run, "scores.csv"))).toHaveLength(3);
    expect(lines(join(run, "scores.jsonl"))).toHaveLength(3);

    // A step that is not in the plan is dropped too, and the tables are built without it.
    const step = JSON.parse(rows[0] ?? "{}") as Record<string, unknown>;
    appendFileSync(journal, `${JSON.stringify({ ...step, stepId: "ffffffffffffffff" })}\n`);
    const foreign = await vc(["rescore", "r", "--salvage", "--quiet"], dir);
    expect(foreign.code).toBe(0);
    expect(foreign.stderr).toContain("--salvage dropped 2 records");
    expect(foreign.stderr).toContain("r/journal.jsonl:5: step ffffffffffffffff is not a step of the plan");
    const ids = readCsv(join(run, "responses.csv")).map((row) => row["step_id"]);
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain("ffffffffffffffff");
    expect(ids).toContain(step["stepId"]);
  });

  it("a score outside its scale, a step not in the plan, an unknown scorer and a bad score line are each named", async () => {
    const { dir, run } = await finishedRun();
    const scores = join(run, "scores.jsonl");
    const rows = lines(scores).map((l) => JSON.parse(l) as Record<string, unknown>);
    const first = rows[0] ?? {};
    appendFileSync(scores, `${JSON.stringify({ ...first, score: 1e9 })}\n`);
    appendFileSync(scores, `${JSON.stringify({ ...first, scorer: "nobody" })}\n`);
    appendFileSync(scores, "{not json}\n");
    const journal = join(run, "journal.jsonl");
    const step = JSON.parse(lines(journal)[0] ?? "{}") as Record<string, unknown>;
    appendFileSync(journal, `${JSON.stringify({ ...step, stepId: "ffffffffffffffff" })}\n`);
    const r = await vc(["report", "r"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("r/scores.jsonl:4: score 1000000000 is outside the proportion scale's range (0 to 100)");
    expect(r.stderr).toContain("r/scores.jsonl:5: scorer nobody is not a scorer of the plan");
    expect(r.stderr).toContain("r/scores.jsonl:6: not valid JSON");
    expect(r.stderr).toContain("r/journal.jsonl:4: step ffffffffffffffff is not a step of the plan");
    const rescore = await vc(["rescore", "r"], dir);
    expect(rescore.code).toBe(1);
    expect(rescore.stderr).toContain("r/journal.jsonl:4: step ffffffffffffffff is not a step of the plan");
    expect(rescore.stderr).toContain("Nothing was rescored");
  });

  it("run --resume names the journal and score lines that do not fit the plan and builds the tables without them", async () => {
    const { dir, run } = await finishedRun();
    const journal = join(run, "journal.jsonl");
    const rows = lines(journal);
    const step = JSON.parse(rows[0] ?? "{}") as Record<string, unknown>;
    write(journal, [rows[0] ?? "", "{not json", rows[1] ?? "", rows[2] ?? "", JSON.stringify({ ...step, stepId: "ffffffffffffffff" })]);
    const scores = join(run, "scores.jsonl");
    const score = JSON.parse(lines(scores)[0] ?? "{}") as Record<string, unknown>;
    appendFileSync(scores, `${JSON.stringify({ ...score, score: 1e9 })}\n`);
    const journalBefore = readFileSync(journal, "utf8");

    const r = await vc(["run", "--resume", "r", "--quiet"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        "value-compass run: the tables leave out 4 records that do not fit the plan:",
        "  r/journal.jsonl:2: not valid JSON (a step record was expected)",
        "  r/journal.jsonl:5: step ffffffffffffffff is not a step of the plan",
        "  r/scores.jsonl:4: score 1000000000 is outside the proportion scale's range (0 to 100)",
        // The scoring stage scored the foreign record (it reads the journal as it is); its score is named too.
        "  r/scores.jsonl:5: a score of step ffffffffffffffff, which the journal does not hold",
        "  The journal and scores are unchanged; `value-compass report r` stops at these lines until they are fixed (or is given --salvage).",
        "",
      ].join("\n"),
    );
    expect(manifestOf(run).status).toBe("completed_with_errors");
    expect(readFileSync(journal, "utf8")).toBe(journalBefore);
    // Nothing was missing: the tables hold the three steps, none of them the foreign one or the 1e9.
    const ids = readCsv(join(run, "responses.csv")).map((row) => row["step_id"]);
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain("ffffffffffffffff");
    const scored = readCsv(join(run, "scores.csv"));
    expect(scored.map((row) => row["step_id"]).sort()).toEqual([...ids].sort());
    for (const row of scored) expect(Number(row["score"])).toBeLessThanOrEqual(100);
    const leaderboard = readCsv(join(run, "leaderboard.csv"));
    expect(leaderboard).toHaveLength(1);
    expect(leaderboard[0]?.["steps"]).toBe("3");
    expect(Number(leaderboard[0]?.["overall"])).toBeLessThanOrEqual(100);
    // `vc report` agrees: it stops at the same lines.
    const report = await vc(["report", "r"], dir);
    expect(report.code).toBe(1);
    expect(report.stderr).toContain("r/journal.jsonl:2: not valid JSON");
    expect(report.stderr).toContain("r/scores.jsonl:4: score 1000000000");
  });

  it("a torn last line stays recoverable: report goes on without it", async () => {
    const { dir, run } = await finishedRun();
    appendFileSync(join(run, "journal.jsonl"), '{"type":"step","stepId":"ab');
    appendFileSync(join(run, "scores.jsonl"), '{"type":"sco');
    const r = await vc(["report", "r", "--quiet"], dir);
    expect(r.code).toBe(0);
    expect(readCsv(join(run, "responses.csv"))).toHaveLength(3);
  });

  it("report --out refuses a folder holding another run's files, and accepts its own earlier output", async () => {
    const { dir } = await finishedRun();
    const other = await vc(["run", "main.vc", "--out", "other", "--quiet"], dir);
    expect(other.code).toBe(0);
    const intoRun = await vc(["report", "r", "--out", "other"], dir);
    expect(intoRun.code).toBe(1);
    expect(intoRun.stderr).toMatch(/--out other: it is another run's folder \(it holds [a-z.]+\)/);

    mkdirSync(join(dir, "tables"));
    writeFileSync(join(dir, "tables", "leaderboard.csv"), "someone else's\n");
    const intoTables = await vc(["report", "r", "--out", "tables"], dir);
    expect(intoTables.code).toBe(1);
    expect(intoTables.stderr).toContain("it holds 1 CSV file (leaderboard.csv) of unknown origin");
    expect(readFileSync(join(dir, "tables", "leaderboard.csv"), "utf8")).toBe("someone else's\n");

    expect((await vc(["report", "r", "--out", "fresh", "--quiet"], dir)).code).toBe(0);
    expect(existsSync(join(dir, "fresh", "leaderboard.csv"))).toBe(true);
    expect((await vc(["report", "r", "--out", "fresh", "--quiet"], dir)).code).toBe(0);
    const otherReport = await vc(["report", "other", "--out", "fresh"], dir);
    expect(otherReport.code).toBe(1);
    expect(otherReport.stderr).toContain("of another run");
  });
});

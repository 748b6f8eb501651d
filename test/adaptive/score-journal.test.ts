import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ScoreRecord } from "../../src/core/records.js";
import { emptyScoreScan, latestScores, readScoreRecords, ScoreJournal, scoreKey, SCORES_FILE } from "../../src/run/score-journal.js";

function record(stepId: string, scorer: string, score: number | null, extra: Partial<ScoreRecord> = {}): ScoreRecord {
  return {
    type: "score",
    stepId,
    scorer,
    score,
    raw: null,
    verdict: null,
    rule: null,
    refused: null,
    outcome: null,
    error: score === null ? "failed" : null,
    judge: null,
    ...extra,
  };
}

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), "vc-scores-")), SCORES_FILE);
}

describe("score journal", () => {
  it("appends one line per record and reads them back in order", () => {
    const path = tempFile();
    const journal = ScoreJournal.open(path);
    const records = [record("s1", "harmless", 100), record("s1", "refused", 0), record("s2", "harmless", null)];
    for (const r of records) journal.append(r);
    journal.close();
    const text = readFileSync(path, "utf8");
    expect(text.split("\n")).toHaveLength(4); // three lines and the final newline
    expect([...readScoreRecords(path)]).toEqual(records);
    expect(() => journal.append(records[0]!)).toThrow(/closed/);
  });

  it("keeps the last record of each (step, scorer) pair", () => {
    const path = tempFile();
    const journal = ScoreJournal.open(path);
    journal.append(record("s1", "harmless", 0, { verdict: "first" }));
    journal.append(record("s1", "refused", 100));
    journal.append(record("s2", "harmless", 100));
    journal.append(record("s1", "harmless", 100, { verdict: "rescored" }));
    journal.close();
    const latest = latestScores(path);
    expect(latest.size).toBe(3);
    expect(latest.get(scoreKey("s1", "harmless"))).toMatchObject({ score: 100, verdict: "rescored" });
    expect(latest.get(scoreKey("s1", "refused"))?.score).toBe(100);
    // Iteration follows the latest write.
    expect([...latest.values()].map((r) => `${r.stepId}/${r.scorer}`)).toEqual(["s1/refused", "s2/harmless", "s1/harmless"]);
    const onlyRefused = latestScores(path, { scorer: "refused" });
    expect([...onlyRefused.keys()]).toEqual([scoreKey("s1", "refused")]);
  });

  it("skips a torn last line when reading, and cuts it before appending", () => {
    const path = tempFile();
    const journal = ScoreJournal.open(path);
    journal.append(record("s1", "harmless", 100));
    journal.append(record("s2", "harmless", 0));
    journal.close();
    const whole = statSync(path).size;
    const torn = JSON.stringify(record("s3", "harmless", 100)).slice(0, 30);
    appendFileSync(path, torn);
    const scan = emptyScoreScan();
    expect([...readScoreRecords(path, scan)].map((r) => r.stepId)).toEqual(["s1", "s2"]);
    expect(scan).toEqual({ records: 2, badLines: 0, tornBytes: torn.length });

    const reopened = ScoreJournal.open(path);
    expect(reopened.truncatedBytes).toBe(torn.length);
    expect(statSync(path).size).toBe(whole);
    reopened.append(record("s3", "harmless", 100));
    reopened.close();
    expect([...readScoreRecords(path)].map((r) => r.stepId)).toEqual(["s1", "s2", "s3"]);
  });

  it("ignores unreadable and foreign lines in the middle, counting them", () => {
    const path = tempFile();
    writeFileSync(
      path,
      `${[JSON.stringify(record("a", "x", 1)), "not json", JSON.stringify({ type: "step", stepId: "a" }), "", JSON.stringify(record("b", "x", 2))].join("\n")}\n`,
    );
    const scan = emptyScoreScan();
    expect([...readScoreRecords(path, scan)].map((r) => r.stepId)).toEqual(["a", "b"]);
    expect(scan.badLines).toBe(2);
    expect(scan.tornBytes).toBe(0);
  });

  it("reads nothing from a missing file and reads records spanning the read buffer", () => {
    expect([...readScoreRecords(join(tmpdir(), "vc-no-such-dir", SCORES_FILE))]).toEqual([]);
    const path = tempFile();
    const journal = ScoreJournal.open(path);
    const big = "x".repeat(300_000);
    for (let i = 0; i < 8; i++) journal.append(record(`s${i}`, "judge", i, { raw: { rationale: big } }));
    journal.close();
    const back = [...readScoreRecords(path)];
    expect(back.map((r) => r.score)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect((back[7]!.raw as { rationale: string }).rationale).toHaveLength(300_000);
  });
});

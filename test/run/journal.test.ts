import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finalRecordsInPlanOrder, Journal, readJournal, recoverJournal, writtenIndex } from "../../src/run/journal.js";
import { mulberry32 } from "../../src/core/random.js";
import { journalRecord as record } from "./fixtures.js";

const tmp = () => join(mkdtempSync(join(tmpdir(), "vc-journal-")), "journal.jsonl");

describe("journal", () => {
  it("appends one line per record, readable back", () => {
    const path = tmp();
    const j = Journal.open(path);
    for (let i = 0; i < 3; i++) j.append(record(i));
    j.close();
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(4);
    expect([...readJournal(path)].map((l) => l.record.stepId)).toEqual(["s0", "s1", "s2"]);
  });

  it("appendSoon: the records of one turn go out in one write, each promise resolving only once its line is in the file", async () => {
    const path = tmp();
    const j = Journal.open(path);
    const seen: string[] = [];
    const written = [0, 1, 2].map((i) => j.appendSoon(record(i)).then(() => seen.push(readFileSync(path, "utf8"))));
    // Nothing is in the file (nor finished) before the turn ends.
    expect(readFileSync(path, "utf8")).toBe("");
    await Promise.all(written);
    const three = readFileSync(path, "utf8");
    expect(three.split("\n")).toHaveLength(4);
    expect(seen).toEqual([three, three, three]);
    await j.appendSoon(record(3));
    j.close();
    expect([...readJournal(path)].map((l) => l.record.stepId)).toEqual(["s0", "s1", "s2", "s3"]);
  });

  it("appendSoon: a failed write rejects every record of its turn, and the journal takes no more", async () => {
    const path = tmp();
    const j = Journal.open(path);
    const pending = [j.appendSoon(record(0)), j.appendSoon(record(1))];
    j.close(); // the write at the turn's end then fails
    for (const p of pending) await expect(p).rejects.toThrow(/closed/);
    await expect(j.appendSoon(record(2))).rejects.toThrow(/closed/);
    expect(readFileSync(path, "utf8")).toBe("");
  });

  it("cuts a torn last line on recovery and keeps every complete one", () => {
    const path = tmp();
    const j = Journal.open(path);
    j.append(record(0));
    j.append(record(1));
    j.close();
    const good = statSync(path).size;
    appendFileSync(path, JSON.stringify(record(2)).slice(0, 40)); // a write cut short by SIGKILL
    const scan = recoverJournal(path, { retryFailed: false });
    expect([...scan.done].sort()).toEqual(["s0", "s1"]);
    expect(scan.truncatedBytes).toBeGreaterThan(0);
    expect(statSync(path).size).toBe(good);
    // Appending after recovery gives a clean file.
    const again = Journal.open(path);
    again.append(record(2));
    again.close();
    expect([...readJournal(path)].map((l) => l.record.stepId)).toEqual(["s0", "s1", "s2"]);
  });

  it("a complete but unreadable last line is torn too; one in the middle is skipped", () => {
    const path = tmp();
    writeFileSync(path, `${JSON.stringify(record(0))}\n{"garbage\n${JSON.stringify(record(1))}\n{"type":"st\n`);
    const scan = recoverJournal(path, { retryFailed: false });
    expect([...scan.done].sort()).toEqual(["s0", "s1"]);
    expect(scan.badLines).toBe(1);
    expect(readFileSync(path, "utf8").endsWith(`${JSON.stringify(record(1))}\n`)).toBe(true);
  });

  it("failed steps are done unless --retry-failed; the last record of a step wins", () => {
    const path = tmp();
    const j = Journal.open(path);
    j.append(record(0, { error: { kind: "bad_request", message: "no", status: 400 }, response: null }));
    j.append(record(1, { error: { kind: "timeout", message: "slow", status: null }, response: null }));
    j.append(record(1, { attempts: 2 })); // a retry that succeeded
    j.close();
    const keep = recoverJournal(path, { retryFailed: false });
    expect([...keep.done].sort()).toEqual(["s0", "s1"]);
    expect([...keep.failed]).toEqual(["s0"]);
    expect(keep.retried).toBe(1);
    const retry = recoverJournal(path, { retryFailed: true });
    expect([...retry.done]).toEqual(["s1"]);
  });

  it("final records come out in plan order whatever the journal order", () => {
    const path = tmp();
    const j = Journal.open(path);
    for (const i of [3, 0, 2, 1]) j.append(record(i));
    j.append(record(2, { response: "second try" }));
    j.close();
    const out = [...finalRecordsInPlanOrder(path)];
    expect(out.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(out[2]?.response).toBe("second try");
  });

  it("final records in plan order from a journal in any order, with lines longer than a read window", () => {
    // Its windowed reads: nearly in order (one window serves many lines), shuffled far apart (reads
    // of single lines), and lines of 300 KB (longer than a window).
    const random = mulberry32(7);
    const n = 3000;
    const nearly = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i + 1 < n; i += 7) [nearly[i], nearly[i + 1]] = [nearly[i + 1] as number, nearly[i] as number];
    const shuffled = [...nearly].sort(() => random() - 0.5);
    for (const order of [nearly, shuffled]) {
      const path = tmp();
      const j = Journal.open(path);
      for (const i of order) j.append(record(i, i % 500 === 3 ? { response: "y".repeat(300_000) } : {}));
      for (const i of [17, 2999, 0]) j.append(record(i, { response: `retried ${i}` }));
      j.close();
      const out = [...finalRecordsInPlanOrder(path)];
      expect(out.map((r) => r.index)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(out.map((r) => r.response)).toEqual(
        Array.from({ length: n }, (_, i) => ([17, 2999, 0].includes(i) ? `retried ${i}` : i % 500 === 3 ? "y".repeat(300_000) : `a${i}`)),
      );
    }
  });

  it("a step's last line that does not parse gives way to its line before, in any position", () => {
    const path = tmp();
    const j = Journal.open(path);
    for (let i = 0; i < 5; i++) j.append(record(i));
    j.append(record(2, { response: "second try" }));
    j.close();
    // The second try of step 2 is cut in the middle, and step 4's only line loses its closing brace.
    const text = readFileSync(path, "utf8").split("\n");
    text[4] = (text[4] ?? "").slice(0, -1);
    text[5] = (text[5] ?? "").slice(0, 60);
    writeFileSync(path, text.join("\n"));
    const out = [...finalRecordsInPlanOrder(path)];
    expect(out.map((r) => [r.index, r.response])).toEqual([
      [0, "a0"],
      [1, "a1"],
      [2, "a2"],
      [3, "a3"],
    ]);
  });

  describe("writtenIndex: the plan index read from a line's bytes is JSON.parse's, or -1 (parse it)", () => {
    const written = JSON.stringify(record(42));
    const cases: Array<[string, string, number]> = [
      ["a line as Journal writes it", written, 42],
      ["index 0", JSON.stringify(record(0)), 0],
      ["a large index", JSON.stringify(record(123456789)), 123456789],
      ["the keys in another order", JSON.stringify({ index: 7, type: "step", stepId: "s7" }), -1],
      ["an escaped quote in the step id", written.replace('"stepId":"s42"', '"stepId":"s\\"42"'), -1],
      ["a second index key (JSON.parse keeps the last)", written.replace(/}$/, ',"index":9}'), -1],
      ["an index with a fraction", written.replace('"index":42,', '"index":42.5,'), -1],
      ["a negative index", written.replace('"index":42,', '"index":-42,'), -1],
      ["a leading zero (not JSON)", written.replace('"index":42,', '"index":042,'), -1],
      ["an index in a string", written.replace('"index":42,', '"index":"42",'), -1],
      ["a type other than step", written.replace('"type":"step"', '"type":"score"'), -1],
    ];
    it.each(cases)("%s", (_name, line, expected) => {
      const bytes = Buffer.from(`xx${line}\nyy`);
      expect(writtenIndex(bytes, 2, 2 + Buffer.byteLength(line))).toBe(expected);
      if (expected >= 0) expect((JSON.parse(line) as { index: number }).index).toBe(expected);
    });
  });

  it("reads lines that straddle its 1 MiB read buffer", () => {
    const path = tmp();
    const j = Journal.open(path);
    const big = "x".repeat(700_000);
    for (let i = 0; i < 4; i++) j.append(record(i, { response: big }));
    j.close();
    expect([...readJournal(path)].map((l) => l.record.index)).toEqual([0, 1, 2, 3]);
    expect(recoverJournal(path, { retryFailed: false }).done.size).toBe(4);
  });
});

// The records a new journal keeps as it writes them (Journal.open's keepUpTo), from which a small run
// writes responses.csv instead of reading its journal back: they must be what the file reads back
// to, and there must be none whenever the file may hold anything else. A full disk is simulated
// through node:fs's writeSync, as test/integrity/disk-errors.test.ts does for whole runs.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { finalRecordsInPlanOrder, Journal } from "../../src/run/journal.js";
import { journalRecord as record } from "./fixtures.js";

const seam = vi.hoisted(() => ({ failWrites: false }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const mocked = {
    ...fs,
    writeSync: (fd: number, ...rest: unknown[]) => {
      if (seam.failWrites) throw Object.assign(new Error("ENOSPC: injected, write"), { code: "ENOSPC", syscall: "write" });
      return (fs.writeSync as (...a: unknown[]) => number)(fd, ...rest);
    },
  };
  return { ...mocked, default: mocked };
});

afterEach(() => {
  seam.failWrites = false;
});

const tmp = () => join(mkdtempSync(join(tmpdir(), "vc-journal-kept-")), "journal.jsonl");

describe("ownRecordsInPlanOrder: the records a new journal wrote, kept as written", () => {
  it("are what finalRecordsInPlanOrder reads back from the file, field for field", async () => {
    const path = tmp();
    const j = Journal.open(path, 100);
    // Out of plan order, in both write paths, with a retried step (its later record wins), a
    // failure, an answer with a control character and a lone surrogate, a null latency, and an
    // adaptive step's index past the static ones.
    j.append(record(3, { latencyMs: 1.25, mock: false }));
    await Promise.all([
      j.appendSoon(record(1)),
      j.appendSoon(record(0, { response: null, error: { kind: "timeout", message: "late", status: null }, latencyMs: null })),
    ]);
    j.append(record(2, { response: "tab\there \u0000 \ud800 é" }));
    await j.appendSoon(record(1, { response: "second try", attempts: 2 }));
    j.append(record(40, { segment: "adaptive" }));
    const own = j.ownRecordsInPlanOrder();
    j.close();
    const read = [...finalRecordsInPlanOrder(path)];
    expect(own?.map((r) => [r.index, r.response])).toEqual([
      [0, null],
      [1, "second try"],
      [2, "tab\there \u0000 \ud800 é"],
      [3, "a3"],
      [40, "a40"],
    ]);
    expect(own).toStrictEqual(read);
  });

  it("are not kept for a journal that held lines when opened, past keepUpTo, after a failed write, or when not asked for", async () => {
    const resumed = tmp();
    const first = Journal.open(resumed, 100);
    first.append(record(0));
    first.close();
    const second = Journal.open(resumed, 100);
    second.append(record(1));
    expect(second.ownRecordsInPlanOrder()).toBeNull();
    second.close();

    const small = Journal.open(tmp(), 2);
    small.append(record(0));
    await Promise.all([small.appendSoon(record(1))]);
    expect(small.ownRecordsInPlanOrder()?.length).toBe(2);
    await small.appendSoon(record(2));
    expect(small.ownRecordsInPlanOrder()).toBeNull();
    small.close();

    expect(Journal.open(tmp()).ownRecordsInPlanOrder()).toBeNull();

    const full = Journal.open(tmp(), 100);
    full.append(record(0));
    seam.failWrites = true;
    expect(() => full.append(record(1))).toThrow(/ENOSPC/);
    seam.failWrites = false;
    expect(full.ownRecordsInPlanOrder()).toBeNull();
    full.close();

    const soon = Journal.open(tmp(), 100);
    seam.failWrites = true;
    await expect(soon.appendSoon(record(0))).rejects.toThrow(/ENOSPC/);
    seam.failWrites = false;
    expect(soon.ownRecordsInPlanOrder()).toBeNull();
    soon.close();
  });

  it("wait for the records of this turn: none while some are not yet written", async () => {
    const j = Journal.open(tmp(), 100);
    const soon = j.appendSoon(record(0));
    expect(j.ownRecordsInPlanOrder()).toBeNull();
    await soon;
    expect(j.ownRecordsInPlanOrder()?.map((r) => r.index)).toEqual([0]);
    j.close();
  });
});

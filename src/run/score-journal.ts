// scores.jsonl: one ScoreRecord per (step, scorer) per scoring, appended with a single write() per line
// like journal.jsonl, so a SIGKILL loses at most the line being written. A step can be scored again
// (a resumed run, a rescore with another judge): the reader keeps the last record of each
// (stepId, scorer) pair. A torn last line is skipped by the readers and cut off when the file is opened
// for appending, so that the next record does not glue onto it.

import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import type { ScoreRecord } from "../core/records.js";

export const SCORES_FILE = "scores.jsonl";

export class ScoreJournal {
  private constructor(
    private fd: number | null,
    readonly path: string,
    /** Bytes of a torn last line cut off when the file was opened. */
    readonly truncatedBytes: number,
  ) {}

  static open(path: string): ScoreJournal {
    const truncatedBytes = cutTornTail(path);
    return new ScoreJournal(openSync(path, "a"), path, truncatedBytes);
  }

  append(record: ScoreRecord): void {
    if (this.fd === null) throw new Error("score journal is closed");
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export interface ScoreScan {
  /** Readable records, in file order. */
  records: number;
  /** Unreadable complete lines (never written by vc; ignored). */
  badLines: number;
  /** Bytes after the last newline: a line torn by a crash (ignored). */
  tornBytes: number;
}

/**
 * Every readable record in file order. Streams the file in chunks; skips unreadable lines and a torn
 * last line. `scan`, when given, is filled in with what was skipped.
 */
export function* readScoreRecords(path: string, scan?: ScoreScan): Generator<ScoreRecord> {
  if (!existsSync(path)) return;
  const fd = openSync(path, "r");
  try {
    for (const line of rawLines(fd)) {
      if (!line.complete) {
        if (scan) scan.tornBytes += line.length;
        continue;
      }
      const record = parseScoreRecord(line.bytes);
      if (record) {
        if (scan) scan.records++;
        yield record;
      } else if (line.bytes.length > 0 && scan) scan.badLines++;
    }
  } finally {
    closeSync(fd);
  }
}

/** The key of a (stepId, scorer) pair in `latestScores`. */
export function scoreKey(stepId: string, scorer: string): string {
  return `${stepId}\u0000${scorer}`;
}

/**
 * The last record of each (stepId, scorer) pair, keyed by `scoreKey`. `scorer` restricts it to one
 * scorer (and keeps memory down for runs with many scorers).
 */
export function latestScores(path: string, options: { scorer?: string; scan?: ScoreScan } = {}): Map<string, ScoreRecord> {
  const latest = new Map<string, ScoreRecord>();
  for (const record of readScoreRecords(path, options.scan)) {
    if (options.scorer !== undefined && record.scorer !== options.scorer) continue;
    const key = scoreKey(record.stepId, record.scorer);
    // Delete first so that iteration order follows the latest write, not the first.
    latest.delete(key);
    latest.set(key, record);
  }
  return latest;
}

export function emptyScoreScan(): ScoreScan {
  return { records: 0, badLines: 0, tornBytes: 0 };
}

export function isScoreRecord(v: unknown): v is ScoreRecord {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const r = v as Partial<ScoreRecord>;
  return (
    r.type === "score" &&
    typeof r.stepId === "string" &&
    typeof r.scorer === "string" &&
    (r.score === null || (typeof r.score === "number" && Number.isFinite(r.score)))
  );
}

function parseScoreRecord(bytes: Buffer): ScoreRecord | null {
  if (bytes.length === 0) return null;
  try {
    const v = JSON.parse(bytes.toString("utf8")) as unknown;
    if (!isScoreRecord(v)) return null;
    // Records written before outcomes existed have no `outcome`: none was declared, so it is null.
    return typeof v.outcome === "string" ? v : { ...v, outcome: null };
  } catch {
    return null;
  }
}

/** Cut everything after the last newline; returns the number of bytes cut. */
function cutTornTail(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(10);
      if (nl >= 0) {
        const keep = start + nl + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return size - keep;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
    return size;
  } finally {
    closeSync(fd);
  }
}

interface RawLine {
  bytes: Buffer;
  length: number;
  complete: boolean;
}

function* rawLines(fd: number): Generator<RawLine> {
  let position = 0;
  let carry = Buffer.alloc(0);
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, position);
    if (n === 0) break;
    position += n;
    const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      yield { bytes: data.subarray(start, nl), length: nl + 1 - start, complete: true };
      start = nl + 1;
    }
    carry = Buffer.from(data.subarray(start));
  }
  if (carry.length > 0) yield { bytes: carry, length: carry.length, complete: false };
}

// journal.jsonl: one StepRecord per finished step, appended on a file opened for appending, so a
// finished step is in the file (the OS page cache) the moment it is finished — a SIGKILL loses at
// most the write in progress. `append` writes one line at once; `appendSoon` (the step executor's)
// gathers the lines of the steps that finish in one turn of the event loop into one write, and a
// step counts as finished only once its write is done. On resume the file is scanned, a torn last
// line is cut off, and the ids found are the steps that are done.

import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync, existsSync } from "node:fs";
import { withPath } from "../core/storage-error.js";
import { Column } from "./column.js";
import { fileLines } from "./file-lines.js";
import type { StepRecord } from "../core/records.js";

/** What the final records of a run's steps add up to (responses.csv and the manifest report them). */
export interface JournalCounts {
  done: number;
  succeeded: number;
  failed: number;
  cached: number;
  retried: number;
  /** Steps of adaptive segments among `done`. */
  adaptive: number;
}

export const JOURNAL_FILE = "journal.jsonl";

export class Journal {
  /** The error of a failed append: the file takes no more records. */
  private broken: unknown = null;
  /** Lines waiting for the end of this turn of the event loop, and their waiters. */
  private pending = "";
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  /**
   * Every record this Journal wrote, in write order, while the file holds nothing else (see `keepUpTo`
   * of `open`); null when not kept. `pendingRecords` are those of `pending`, kept once written.
   */
  private kept: StepRecord[] | null;
  private pendingRecords: StepRecord[] = [];

  private constructor(
    private fd: number | null,
    readonly path: string,
    /**
     * The journal's size when this process opened it: every line from this byte on was written by
     * this Journal (the run folder is locked), in the form `writtenStep` reads.
     */
    readonly ownFrom: number,
    private readonly keepUpTo: number,
  ) {
    this.kept = keepUpTo > 0 && ownFrom === 0 ? [] : null;
  }

  /**
   * Opens (creating) the journal for appending. `keepUpTo`: when the file is new, the records written
   * are also kept in memory, up to this many (then none), so that the run can write responses.csv
   * from them (`ownRecordsInPlanOrder`) instead of reading and parsing the file back.
   */
  static open(path: string, keepUpTo = 0): Journal {
    const fd = openSync(path, "a");
    return new Journal(fd, path, fstatSync(fd).size, keepUpTo);
  }

  append(record: StepRecord): void {
    if (this.fd === null) throw new Error("journal is closed");
    // After a failed write (a full disk may have taken part of the line) nothing more is appended:
    // a record after a torn line would turn it into a bad line in the middle of the file.
    if (this.broken !== null) throw this.broken;
    try {
      writeSync(this.fd, `${JSON.stringify(record)}\n`);
    } catch (error) {
      this.broken = withPath(error, this.path);
      this.kept = null;
      throw this.broken;
    }
    this.keep([record]);
  }

  /**
   * Append a record with the others of this turn of the event loop: one write() for all of them at
   * the turn's end (setImmediate), after which the returned promise resolves; until then the step is
   * not finished. One write per line showed as 2-4 % of the executor's time at high throughput
   * (profile of 10,000 steps at zero latency). Rejects, as `append` throws, when the write fails.
   */
  appendSoon(record: StepRecord): Promise<void> {
    if (this.fd === null) return Promise.reject(new Error("journal is closed"));
    if (this.broken !== null) return Promise.reject(this.broken);
    if (this.waiters.length === 0) setImmediate(() => this.flush());
    this.pending += `${JSON.stringify(record)}\n`;
    if (this.kept !== null) this.pendingRecords.push(record);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private flush(): void {
    const text = this.pending;
    const waiters = this.waiters;
    const records = this.pendingRecords;
    this.pending = "";
    this.waiters = [];
    this.pendingRecords = [];
    try {
      if (this.fd === null) throw new Error("journal is closed");
      if (this.broken !== null) throw this.broken;
      try {
        writeSync(this.fd, text);
      } catch (error) {
        this.broken = withPath(error, this.path);
        this.kept = null;
        throw this.broken;
      }
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return;
    }
    this.keep(records);
    for (const w of waiters) w.resolve();
  }

  private keep(records: readonly StepRecord[]): void {
    if (this.kept === null) return;
    if (this.kept.length + records.length > this.keepUpTo) {
      this.kept = null;
      return;
    }
    for (const record of records) this.kept.push(record);
  }

  /**
   * What `finalRecordsInPlanOrder` reads from this journal, without reading it: the last record of
   * each step, in plan order. Null unless the file was new when opened and every record written
   * since was kept (no more than `keepUpTo`, no failed write). The records are the objects that were
   * written, which JSON.parse of their lines gives back equal (StepRecord holds JSON values only).
   */
  ownRecordsInPlanOrder(): StepRecord[] | null {
    if (this.kept === null || this.pending !== "") return null;
    const last = new Map<number, StepRecord>();
    for (const record of this.kept) last.set(record.index, record);
    return [...last.keys()].sort((a, b) => a - b).map((index) => last.get(index) as StepRecord);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export interface JournalLine {
  record: StepRecord;
  offset: number;
  length: number;
}

export interface JournalScan {
  /** Steps that need no more work: succeeded, or failed (unless failures are to be retried). */
  done: Set<string>;
  /** Steps whose latest record is a failure. */
  failed: Set<string>;
  /** Distinct steps journaled. */
  steps: number;
  /** Steps whose latest record came from the cache / needed more than one try. */
  cached: number;
  retried: number;
  records: number;
  /** Bytes cut from the end: a line torn by a crash. */
  truncatedBytes: number;
  /** Unreadable lines before the end (never written by vc; kept, ignored). */
  badLines: number;
}

/**
 * Read the journal (if any), cut a torn last line, and collect what is done. Streams the file in
 * chunks: a journal of a large run does not fit comfortably in one string.
 */
export function recoverJournal(path: string, options: { retryFailed: boolean }): JournalScan {
  const scan: JournalScan = { done: new Set(), failed: new Set(), steps: 0, cached: 0, retried: 0, records: 0, truncatedBytes: 0, badLines: 0 };
  if (!existsSync(path)) return scan;
  // Per step, flags of its latest record: 1 failed, 2 cached, 4 retried.
  const latest = new Map<string, number>();
  const { validEnd, size, badLines } = scanLines(path, ({ record }) => {
    scan.records++;
    latest.set(record.stepId, (record.error !== null ? 1 : 0) | (record.cached ? 2 : 0) | (record.attempts > 1 ? 4 : 0));
  });
  scan.badLines = badLines;
  if (validEnd < size) {
    const fd = openSync(path, "r+");
    try {
      ftruncateSync(fd, validEnd);
    } finally {
      closeSync(fd);
    }
    scan.truncatedBytes = size - validEnd;
  }
  scan.steps = latest.size;
  for (const [id, flags] of latest) {
    const isFailed = (flags & 1) !== 0;
    if (isFailed) scan.failed.add(id);
    if (!isFailed || !options.retryFailed) scan.done.add(id);
    if (flags & 2) scan.cached++;
    if (flags & 4) scan.retried++;
  }
  return scan;
}

/** Every readable record, in file order. */
export function* readJournal(path: string): Generator<JournalLine> {
  if (!existsSync(path)) return;
  const fd = openSync(path, "r");
  try {
    for (const line of rawLines(fd)) {
      if (line.record) yield { record: line.record, offset: line.offset, length: line.length };
    }
  } finally {
    closeSync(fd);
  }
}

function scanLines(path: string, onLine: (line: JournalLine) => void): { validEnd: number; size: number; badLines: number } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    let validEnd = 0;
    let badLines = 0;
    let pendingBad = 0;
    for (const line of rawLines(fd)) {
      if (line.record) {
        onLine({ record: line.record, offset: line.offset, length: line.length });
        badLines += pendingBad;
        pendingBad = 0;
        validEnd = line.offset + line.length;
      } else if (line.complete) {
        // An unreadable complete line counts as torn only if nothing valid follows it.
        pendingBad++;
      }
    }
    return { validEnd, size, badLines };
  } finally {
    closeSync(fd);
  }
}

interface RawLine {
  record: StepRecord | null;
  offset: number;
  length: number;
  complete: boolean;
}

function* rawLines(fd: number): Generator<RawLine> {
  for (const line of fileLines(fd)) {
    const record = line.complete ? parseRecord(line.data.subarray(line.start, line.end)) : null;
    yield { record, offset: line.offset, length: line.end - line.start + (line.complete ? 1 : 0), complete: line.complete };
  }
}

function parseRecord(bytes: Buffer): StepRecord | null {
  if (bytes.length === 0) return null;
  try {
    const v = JSON.parse(bytes.toString("utf8")) as unknown;
    return isStepRecord(v) ? v : null;
  } catch {
    return null;
  }
}

function isStepRecord(v: unknown): v is StepRecord {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Partial<StepRecord>;
  return r.type === "step" && typeof r.stepId === "string" && typeof r.index === "number";
}

/**
 * The final record of every journaled step (the last one, when --retry-failed re-ran a failed step),
 * in plan order. Holds only each line's index, offset and length in memory (typed arrays, 24 bytes a
 * line) and reads each record back when its turn comes.
 *
 * The first pass reads a line's plan index without parsing the line when it has the form Journal
 * writes (see `writtenIndex`); the record is parsed once, in the second pass, and a line that does
 * not parse gives way to the step's line before it, as if the first pass had left it out.
 */
export function* finalRecordsInPlanOrder(path: string): Generator<StepRecord> {
  if (!existsSync(path)) return;
  // Float64: byte offsets pass 4 GB in a journal of a few million steps.
  const float64 = (n: number) => new Float64Array(n);
  const indexes = new Column(float64);
  const offsets = new Column(float64);
  const lengths = new Column(float64);
  const fd = openSync(path, "r");
  try {
    for (const line of fileLines(fd)) {
      if (!line.complete) continue; // a torn last line
      let index = writtenIndex(line.data, line.start, line.end);
      if (index < 0) {
        const record = parseRecord(line.data.subarray(line.start, line.end));
        if (record === null) continue;
        index = record.index;
      }
      indexes.push(index);
      offsets.push(line.offset);
      lengths.push(line.end + 1 - line.start);
    }
  } finally {
    closeSync(fd);
  }
  const n = indexes.length;
  const index = indexes.data;
  // Lines by plan index, file order within an index: the last line of each index is its final record.
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (index[a] as number) - (index[b] as number) || a - b);
  const readFd = openSync(path, "r");
  try {
    const window = new ReadWindow(readFd);
    for (let k = 0; k < n; k++) {
      if (k + 1 < n && index[order[k + 1] as number] === index[order[k] as number]) continue; // a later line of the same step
      // The last line of this index that parses (nearly always the last line itself).
      for (let j = k; j >= 0 && index[order[j] as number] === index[order[k] as number]; j--) {
        const line = order[j] as number;
        const record = parseRecord(window.bytes(offsets.data[line] as number, (lengths.data[line] as number) - 1));
        if (record) {
          yield record;
          break;
        }
      }
    }
  } finally {
    closeSync(readFd);
  }
}

const WRITTEN_PREFIX = Buffer.from('{"type":"step","stepId":"');
const INDEX_KEY = Buffer.from('"index":');

/**
 * The plan index of a line in the form Journal writes a record (JSON.stringify of a StepRecord:
 * `{"type":"step","stepId":"…","index":N,`), read from its bytes; -1 for any other form, which the
 * caller parses instead. For a line that is valid JSON it equals JSON.parse(line).index: an
 * unescaped `"index":` can only be a key, and a line with the key twice (JSON.parse keeps the last)
 * is left to the parser.
 */
export function writtenIndex(data: Buffer, start: number, end: number): number {
  if (end - start < WRITTEN_PREFIX.length + INDEX_KEY.length + 4) return -1;
  for (let i = 0; i < WRITTEN_PREFIX.length; i++) if (data[start + i] !== WRITTEN_PREFIX[i]) return -1;
  let p = start + WRITTEN_PREFIX.length;
  while (p < end && data[p] !== 0x22) {
    if (data[p] === 0x5c) return -1; // an escape in the step id: leave it to the parser
    p++;
  }
  if (data[p + 1] !== 0x2c) return -1; // `",` after the id
  p += 2;
  for (let i = 0; i < INDEX_KEY.length; i++) if (data[p + i] !== INDEX_KEY[i]) return -1;
  p += INDEX_KEY.length;
  const first = p;
  let n = 0;
  while (p < end && (data[p] as number) >= 0x30 && (data[p] as number) <= 0x39 && p - first < 15) n = n * 10 + ((data[p++] as number) - 0x30);
  const digits = p - first;
  if (digits === 0 || data[p] !== 0x2c || (digits > 1 && data[first] === 0x30)) return -1;
  if (data.subarray(p, end).indexOf(INDEX_KEY) >= 0) return -1;
  return n;
}

/**
 * The step id and plan index of a line in the form Journal writes (see `writtenIndex`), read from its
 * bytes; null for any other form. Only the head of the line is read: whether the rest is valid JSON
 * is not checked (the journal check trusts this for the lines this process wrote, see `ownFrom`).
 */
export function writtenStep(data: Buffer, start: number, end: number): { stepId: string; index: number } | null {
  const index = writtenIndex(data, start, end);
  if (index < 0) return null;
  const idStart = start + WRITTEN_PREFIX.length;
  const idEnd = data.indexOf(0x22, idStart);
  if (idEnd < 0 || idEnd >= end) return null;
  return { stepId: data.toString("utf8", idStart, idEnd), index };
}

/**
 * Reads a file in windows. A journal is written roughly in plan order (steps finish out of order only
 * within the executor's window), so the lines of plan order mostly fall in the window just read: one
 * read per 256 KB instead of one per line (a read per line was 20–25 µs a step). A journal far from
 * plan order (resumed runs, shards merged) would waste most of each window, so after a window that
 * served few lines the next read is just the line again.
 */
class ReadWindow {
  private buf = Buffer.allocUnsafe(WINDOW);
  private start = 0;
  private end = 0;
  /** Lines the current window served; whether it was a whole window; line-sized reads since the last. */
  private served = 8; // the first read is a whole window
  private whole = true;
  private small = 0;

  constructor(private readonly fd: number) {}

  /** `length` bytes at `offset` (a view valid until the next call). */
  bytes(offset: number, length: number): Buffer {
    if (offset < this.start || offset + length > this.end) {
      if (this.buf.length < length) this.buf = Buffer.allocUnsafe(length * 2);
      // A whole window again when the last one paid off, or now and then to find out whether it would.
      this.whole = (this.whole && this.served >= 8) || ++this.small >= 32;
      if (this.whole) this.small = 0;
      this.start = offset;
      this.end = offset + readSync(this.fd, this.buf, 0, this.whole ? this.buf.length : length, offset);
      this.served = 0;
    }
    this.served++;
    return this.buf.subarray(offset - this.start, offset - this.start + length);
  }
}

const WINDOW = 256 * 1024;

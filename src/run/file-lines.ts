// The lines of a file read in chunks through one reused buffer: a large run's journal is read
// several times at the end of a run, and a buffer per chunk (Buffer.concat of the last line's start
// and the next chunk) left tens of megabytes of read buffers for the collector at a million steps.

import { readSync } from "node:fs";

/** A line of the file: `data[start, end)` without its newline, at byte `offset` of the file. */
export interface LineSpan {
  data: Buffer;
  start: number;
  end: number;
  offset: number;
  /** False for a last line without its newline (torn by a crash). */
  complete: boolean;
}

/**
 * Every line of the file open as `fd`, from its start. A span is valid until the next one is asked
 * for (the buffer is reused); a line longer than the buffer grows it.
 */
export function* fileLines(fd: number, chunkSize = 1 << 20): Generator<LineSpan> {
  let buf = Buffer.allocUnsafe(chunkSize);
  let filled = 0; // bytes of a line not yet complete, at the buffer's start
  let base = 0; // the file offset of buf[0]
  const span: LineSpan = { data: buf, start: 0, end: 0, offset: 0, complete: true };
  for (;;) {
    if (filled === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const n = readSync(fd, buf, filled, buf.length - filled, base + filled);
    if (n === 0) break;
    const data = buf.subarray(0, filled + n);
    let start = 0;
    // The bytes before `filled` hold no newline: they are the start of a line.
    for (let nl = data.indexOf(10, filled); nl >= 0; nl = data.indexOf(10, start)) {
      span.data = data;
      span.start = start;
      span.end = nl;
      span.offset = base + start;
      yield span;
      start = nl + 1;
    }
    buf.copyWithin(0, start, data.length);
    base += start;
    filled = data.length - start;
  }
  if (filled > 0) {
    span.data = buf;
    span.start = 0;
    span.end = filled;
    span.offset = base;
    span.complete = false;
    yield span;
  }
}

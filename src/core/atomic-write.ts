// Files replaced whole or not at all: written to a temporary name beside the target and renamed over
// it (rename is atomic within a file system), so a reader, a concurrent `vc` process or a crash never
// sees half a file. Every writer of a run's files, the response cache and `vc calibrate` use these.
//
// Not write-file-atomic: it has no streaming form (three of our writers stream: responses.csv, the
// reports, plan.json), and its fsync per file made a response-cache write 3-8 times slower here
// (about 1.3-5.6 ms against 0.05-1.0 ms; with fsync off it was still slower than a plain rename).

import { randomBytes } from "node:crypto";
import { closeSync, createWriteStream, openSync, renameSync, rmSync, writeFileSync, type WriteStream } from "node:fs";
import { basename, dirname, join } from "node:path";
import { finished } from "node:stream/promises";
import { withPath } from "./storage-error.js";

/** A name beside `path` that no other writer, in this process or another, picks at the same time. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

function discard(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // The write's own error is the one worth reporting.
  }
}

/**
 * Write `data` to `path` atomically. Throws the file system's error (the temporary file is removed);
 * a disk-full or permission error as a StorageError naming `path`, not the temporary name.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = temporaryName(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    discard(tmp);
    throw withPath(error, path);
  }
}

/** Write `path` atomically piece by piece: `write` gets the open file descriptor (writeSync to it). */
export function writeFileAtomicWith(path: string, write: (fd: number) => void): void {
  const tmp = temporaryName(path);
  try {
    const fd = openSync(tmp, "w");
    try {
      write(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    discard(tmp);
    throw withPath(error, path);
  }
}

/** Write `path` atomically through a stream (for text produced asynchronously, e.g. plan.json). */
export async function writeStreamAtomic(path: string, write: (stream: WriteStream) => Promise<void>): Promise<void> {
  const tmp = temporaryName(path);
  const stream = createWriteStream(tmp);
  try {
    await write(stream);
    if (!stream.writableEnded) stream.end();
    await finished(stream);
    renameSync(tmp, path);
  } catch (error) {
    // Wait for the stream to let go of the file (it may still be opening it) before removing it.
    if (!stream.closed) await new Promise<void>((resolve) => stream.once("close", () => resolve()).destroy());
    discard(tmp);
    throw withPath(error, path);
  }
}

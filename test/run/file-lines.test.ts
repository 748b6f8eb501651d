// fileLines: every line of a file through one reused buffer, whatever the chunk boundaries.

import { closeSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileLines } from "../../src/run/file-lines.js";

function linesOf(text: string, chunkSize: number): Array<[string, number, boolean]> {
  const path = join(mkdtempSync(join(tmpdir(), "vc-lines-")), "f.txt");
  writeFileSync(path, text);
  const fd = openSync(path, "r");
  try {
    // A span is valid until the next one: read each as it comes.
    const out: Array<[string, number, boolean]> = [];
    for (const l of fileLines(fd, chunkSize)) out.push([l.data.toString("utf8", l.start, l.end), l.offset, l.complete]);
    return out;
  } finally {
    closeSync(fd);
  }
}

/** What the lines should be: split on LF, each with its byte offset; a last line without LF is incomplete. */
function expected(text: string): Array<[string, number, boolean]> {
  const out: Array<[string, number, boolean]> = [];
  let offset = 0;
  const parts = text.split("\n");
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (last && part === "") return;
    out.push([part, offset, !last]);
    offset += Buffer.byteLength(part) + 1;
  });
  return out;
}

describe("fileLines", () => {
  const long = "x".repeat(50);
  const texts = ["", "a\n", "a\nbb\n\nccc", `${long}\nshort\n${long}${long}\n`, "é\nü€\n😀 line\ntorn"];
  it.each(texts.flatMap((t) => [1, 2, 3, 7, 64, 1 << 20].map((c): [string, number] => [t, c])))("%j in chunks of %i bytes", (text, chunk) => {
    expect(linesOf(text, chunk)).toEqual(expected(text));
  });
});

// The one write-then-rename helper: the target holds the old bytes or the new ones, never a part,
// and a failed write leaves no temporary file behind.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic, writeFileAtomicWith, writeStreamAtomic } from "../../src/core/atomic-write.js";

const folder = () => mkdtempSync(join(tmpdir(), "vc-atomic-"));

describe("atomic writes", () => {
  it("replace a file's bytes and leave nothing else in the folder", async () => {
    const dir = folder();
    const path = join(dir, "out.txt");
    writeFileSync(path, "old");
    writeFileAtomic(path, "new text\n");
    expect(readFileSync(path, "utf8")).toBe("new text\n");
    writeFileAtomicWith(path, (fd) => {
      writeSync(fd, "a,");
      writeSync(fd, "b\n");
    });
    expect(readFileSync(path, "utf8")).toBe("a,b\n");
    await writeStreamAtomic(path, async (stream) => {
      stream.write("streamed ");
      stream.end("end");
    });
    expect(readFileSync(path, "utf8")).toBe("streamed end");
    expect(readdirSync(dir)).toEqual(["out.txt"]);
  });

  it("a writer that throws keeps the old file and removes its temporary one", async () => {
    const dir = folder();
    const path = join(dir, "out.txt");
    writeFileSync(path, "old");
    expect(() =>
      writeFileAtomicWith(path, (fd) => {
        writeSync(fd, "half");
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    await expect(
      writeStreamAtomic(path, async (stream) => {
        stream.write("half");
        throw new Error("no more");
      }),
    ).rejects.toThrow("no more");
    // Failing before the stream has even opened its file.
    await expect(writeStreamAtomic(path, () => Promise.reject(new Error("at once")))).rejects.toThrow("at once");
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["out.txt"]);
  });

  it("a folder that does not exist is the file system's error, with no file left anywhere", () => {
    const dir = folder();
    expect(() => writeFileAtomic(join(dir, "missing", "out.txt"), "x")).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

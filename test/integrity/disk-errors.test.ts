// Finding 8 of issue 13 (disk full, read-only folders): a file system that refuses a write stops the
// run naming the file and printing the resume command, the manifest records the stop, no temporary
// file is left, and the run resumes once the disk takes files again. The failures are injected through
// node:fs (the Nth write to a matching file throws ENOSPC), so the test does not need a full disk.
import { chmodSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { manifestOf, project, readCsv, vc } from "../e2e/helpers.js";
import { SMALL_SPEC } from "./spec.js";

/** The failure to inject: the `at`-th write (or open, mkdir, stream) to a path matching `file`. */
interface Injection {
  file: RegExp;
  at: number;
  code: string;
  seen: number;
}

const seam = vi.hoisted(() => ({ injection: null as Injection | null, fdPaths: new Map<number, string>() }));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const errno = (code: string, syscall: string, path?: string) =>
    Object.assign(new Error(`${code}: injected, ${syscall}${path ? ` '${path}'` : ""}`), { code, syscall, ...(path ? { path } : {}) });
  const hit = (path: string | undefined): string | null => {
    const inj = seam.injection;
    if (!inj || path === undefined || !inj.file.test(path)) return null;
    return ++inj.seen === inj.at ? inj.code : null;
  };
  const mocked = {
    ...fs,
    openSync: (path: import("node:fs").PathLike, ...rest: unknown[]) => {
      // Opening the lock file with "wx" is where a read-only folder first refuses a file.
      const code = rest[0] === "wx" ? hit(String(path)) : null;
      if (code) throw errno(code, "open", String(path));
      const fd = (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
      seam.fdPaths.set(fd, String(path));
      return fd;
    },
    writeSync: (fd: number, ...rest: unknown[]) => {
      const code = hit(seam.fdPaths.get(fd));
      if (code) throw errno(code, "write");
      return (fs.writeSync as (...a: unknown[]) => number)(fd, ...rest);
    },
    writeFileSync: (path: import("node:fs").PathOrFileDescriptor, ...rest: unknown[]) => {
      const code = hit(String(path));
      if (code) throw errno(code, "open", String(path));
      return (fs.writeFileSync as (...a: unknown[]) => void)(path, ...rest);
    },
    mkdirSync: (path: import("node:fs").PathLike, ...rest: unknown[]) => {
      const code = hit(String(path));
      if (code) throw errno(code, "mkdir", String(path));
      return (fs.mkdirSync as (...a: unknown[]) => unknown)(path, ...rest);
    },
    createWriteStream: (path: import("node:fs").PathLike, ...rest: unknown[]) => {
      const stream = (fs.createWriteStream as (...a: unknown[]) => import("node:fs").WriteStream)(path, ...rest);
      const code = hit(String(path));
      if (code) {
        // The stream opens its file (so there is a temporary file to clean up) and then refuses data.
        stream._write = (_chunk, _encoding, callback) => callback(errno(code, "write"));
        stream._writev = undefined;
      }
      return stream;
    },
  };
  return { ...mocked, default: mocked };
});

function inject(file: RegExp, at: number, code = "ENOSPC"): void {
  seam.injection = { file, at, code, seen: 0 };
}

afterEach(() => {
  seam.injection = null;
});

/** Every file below `dir` (relative), temporary files included. */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

const tmpFiles = (dir: string) => filesBelow(dir).filter((f) => f.endsWith(".tmp"));

describe("disk full during a run", () => {
  it.each([
    // The mock's three answers finish in one turn of the event loop, so their lines go out in one write.
    ["journal.jsonl", /journal\.jsonl$/, 1],
    ["scores.jsonl", /scores\.jsonl$/, 2],
    ["plan.json", /\.plan\.json\.\d+\.[0-9a-f]+\.tmp$/, 1],
    ["responses.csv", /\.responses\.csv\.\d+\.[0-9a-f]+\.tmp$/, 1],
    ["leaderboard.csv", /\.leaderboard\.csv\.\d+\.[0-9a-f]+\.tmp$/, 1],
  ])("ENOSPC writing %s names the file, prints the resume command, records the stop, leaves no .tmp; the run resumes", async (name, file, at) => {
    const dir = project({ "main.vc": SMALL_SPEC });
    inject(file, at);
    const r = await vc(["run", "main.vc", "--out", "r", "--quiet"], dir);
    seam.injection = null;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`value-compass run: stopped: cannot write r/${name}: the disk is full (ENOSPC)`);
    expect(r.stderr).toContain("(manifest.json records the stop). After making room or fixing the permissions, resume with: value-compass run --resume r");
    expect(r.stderr).not.toMatch(/ENOSPC: injected/);
    const manifest = manifestOf(join(dir, "r"));
    expect(manifest.status).toBe("stopped");
    expect(manifest.stop).toEqual({ reason: "write_failed", message: `cannot write ${name}: the disk is full (ENOSPC)` });
    expect(tmpFiles(join(dir, "r"))).toEqual([]);

    const resumed = await vc(["run", "--resume", "r", "--quiet"], dir);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(manifestOf(join(dir, "r")).status).toBe("completed");
    expect(readCsv(join(dir, "r", "responses.csv"))).toHaveLength(3);
    expect(readCsv(join(dir, "r", "scores.csv"))).toHaveLength(3);
    // The journals hold no bad line in the middle: report's record check passes.
    expect((await vc(["report", "r", "--quiet"], dir)).code).toBe(0);
  });

  it("ENOSPC writing the first manifest: nothing ran, no .tmp, and the same command starts it again", async () => {
    const dir = project({ "main.vc": SMALL_SPEC });
    inject(/\.manifest\.json\.\d+\.[0-9a-f]+\.tmp$/, 1);
    const r = await vc(["run", "main.vc", "--out", "r", "--quiet"], dir);
    seam.injection = null;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "value-compass run: cannot write r/manifest.json: the disk is full (ENOSPC)\n  No step was run. After fixing this, start again with: value-compass run main.vc --out r\n",
    );
    expect(tmpFiles(join(dir, "r"))).toEqual([]);
    expect(existsSync(join(dir, "r", "manifest.json"))).toBe(false);
    const again = await vc(["run", "main.vc", "--out", "r", "--quiet"], dir);
    expect(again.code).toBe(0);
  });
});

describe("a read-only output folder", () => {
  // chmod does not stop root: as root the refusal is injected, so the test runs (and asserts) either way.
  const root = process.getuid?.() === 0;

  it("a new run folder inside a read-only folder: the message names the folder, not ENOENT", async () => {
    const dir = project({ "main.vc": SMALL_SPEC });
    mkdirSync(join(dir, "ro"));
    if (root) inject(/\/ro\/r$/, 1, "EACCES");
    else chmodSync(join(dir, "ro"), 0o555);
    try {
      const r = await vc(["run", "main.vc", "--out", "ro/r"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        "value-compass run: the run folder ro/r cannot be written: permission denied (EACCES) at ro/r\n  Nothing was run. Choose a folder you can write to (--out DIR), or make this one writable.\n",
      );
    } finally {
      chmodSync(join(dir, "ro"), 0o755);
    }
    expect(readdirSync(join(dir, "ro"))).toEqual([]);
  });

  it.each([
    ["EACCES", "permission denied"],
    ["EROFS", "the file system is read-only"],
  ])("an existing empty folder that refuses files (%s): named, not 'cannot lock'", async (code, reason) => {
    const dir = project({ "main.vc": SMALL_SPEC });
    mkdirSync(join(dir, "ro"));
    if (root || code !== "EACCES") inject(/\/ro\/run\.lock$/, 1, code);
    else chmodSync(join(dir, "ro"), 0o555);
    try {
      const r = await vc(["run", "main.vc", "--out", "ro"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`value-compass run: the run folder ro cannot be written: ${reason} (${code}) at ro/run.lock`);
    } finally {
      chmodSync(join(dir, "ro"), 0o755);
    }
    expect(readdirSync(join(dir, "ro"))).toEqual([]);
  });
});

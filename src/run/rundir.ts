// The run directory: its name, a lock so two processes never write one journal, and where the cache
// lives by default.

import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** The answers table, written by responses.ts; named here so callers need not load that module. */
export const RESPONSES_FILE = "responses.csv";

/** The compiled plan of the run (streamed while the steps run; rewritten by `vc rescore`). */
export const PLAN_FILE = "plan.json";

/** UTC timestamp plus the first 8 hex digits of the plan hash: sortable, and says which plan. */
export function makeRunId(at: Date, planHash: string): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  return `${stamp}-${planHash.slice(0, 8)}`;
}

export const LOCK_FILE = "run.lock";

/** The folder is locked by another live process (`pid`), or could not be locked at all (`pid` null). */
export type Lock = { ok: true; release(): void } | { ok: false; dir: string; pid: number | null };

// run.lock holds the owner's pid. Not proper-lockfile: its locks go stale by mtime, so a resume right
// after a crash is refused for the stale period, a long synchronous stretch (writing a 100k-row
// responses.csv) can outlast the refresh timer and lose a live lock, and the message could not name
// the pid of the run holding the folder. A pid that is not alive is a crashed run: taken over at once.

export function lockRunDir(dir: string): Lock {
  const path = join(dir, LOCK_FILE);
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { ok: true, release: () => rmSync(path, { force: true }) };
    } catch {
      const pid = Number.parseInt(readFileSafe(path), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        return { ok: false, dir, pid };
      }
      rmSync(path, { force: true }); // left by a run that crashed or was killed
    }
  }
  return { ok: false, dir, pid: null };
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

/**
 * The project a spec belongs to: the nearest folder at or above the spec's folder that holds a
 * `.vc-cache`, a `.git` or a `package.json`; the spec's own folder when there is none.
 */
export function projectRoot(specDir: string): string {
  let dir = resolve(specDir);
  for (;;) {
    if (existsSync(join(dir, ".vc-cache")) || existsSync(join(dir, ".git")) || existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(specDir);
    dir = up;
  }
}

export const CACHE_DIR_NAME = ".vc-cache";

/** Name of the pointer to the newest run in outputs/<spec>/. */
export const LATEST = "latest";

/**
 * Point outputs/<spec>/latest at `runDir` (a sibling): a relative symlink, replaced atomically (made
 * under a temporary name, then renamed over the old one). Where symlinks cannot be made (Windows
 * without developer mode, some network file systems) a plain file holding the run id takes its
 * place; `report`, `diff` and `rescore`… accept either (src/app/diff.ts resolveRunDir). Returns
 * null, or why the pointer could not be written (never fatal: the run itself is complete).
 */
export function pointLatest(runDir: string): string | null {
  const parent = dirname(runDir);
  const id = basename(runDir);
  const target = join(parent, LATEST);
  const temp = join(parent, `.${LATEST}.${process.pid}`);
  try {
    rmSync(temp, { force: true });
    symlinkSync(id, temp, "dir");
    renameSync(temp, target);
    return null;
  } catch {
    try {
      rmSync(temp, { force: true });
      rmSync(target, { force: true, recursive: false });
      writeFileSync(target, `${id}\n`);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
}

/** `outputs/x/latest`: a symlink (followed by the file system) or the fallback file holding the run id. */
export function resolveRunDir(dir: string): string {
  try {
    if (statSync(dir).isFile()) {
      const id = readFileSync(dir, "utf8").trim();
      if (id !== "" && !id.includes("/") && !id.includes("\\")) return join(dirname(dir), id);
    }
  } catch {
    // A missing path is reported by whoever reads it.
  }
  return dir;
}

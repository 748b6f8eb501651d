// The run directory: its name, a lock so two processes never write one journal, and where the cache
// lives by default.

import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";

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

/** A lock left by a process that is gone, or whose pid now belongs to another program: taken over. */
export interface StaleLock {
  pid: number;
  reason: "gone" | "reused" | "unreadable";
}

/**
 * The folder is locked (`stale`: a dead run's lock was taken over, for a message), or it is locked by
 * another live process (`pid`), or could not be locked at all (`pid` null).
 */
export type Lock =
  | { ok: true; release(): void; stale: StaleLock | null }
  /** `error`: the file system's refusal to create the lock file (a read-only folder), when that was the cause. */
  | { ok: false; dir: string; pid: number | null; error?: unknown };

// run.lock holds the owner's pid and its start time (field 22 of /proc/PID/stat, where there is one).
// Not proper-lockfile: its locks go stale by mtime, so a resume right after a crash is refused for the
// stale period, a long synchronous stretch (writing a 100k-row responses.csv) can outlast the refresh
// timer and lose a live lock, and the message could not name the pid of the run holding the folder.
// A pid that is not alive is a crashed run, and a live pid with another start time is another program
// that was given the dead run's pid: both are taken over at once.

export function lockRunDir(dir: string): Lock {
  const path = join(dir, LOCK_FILE);
  let stale: StaleLock | null = null;
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, "wx");
      const started = processStartTime(process.pid);
      writeSync(fd, `${process.pid}\n${started ?? ""}\n`);
      closeSync(fd);
      return { ok: true, release: () => rmSync(path, { force: true }), stale };
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") return { ok: false, dir, pid: null, error: err };
      const [pidText = "", startText = ""] = readFileSafe(path).split("\n");
      const pid = Number.parseInt(pidText, 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        const recorded = startText.trim();
        const now = processStartTime(pid);
        // Only a recorded start time that differs proves the pid was reused; without one, a live pid wins.
        if (recorded === "" || now === null || recorded === now) return { ok: false, dir, pid };
        stale = { pid, reason: "reused" };
      } else {
        stale = Number.isInteger(pid) && pid > 0 ? { pid, reason: "gone" } : { pid: 0, reason: "unreadable" };
      }
      rmSync(path, { force: true }); // left by a run that crashed or was killed
    }
  }
  return { ok: false, dir, pid: null };
}

/** A process's start time in clock ticks since boot (Linux /proc), or null where that cannot be read. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
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
 * The response cache's default folder, in the user's cache folder: $XDG_CACHE_HOME/value-compass/responses,
 * else ~/.cache/value-compass/responses (%LOCALAPPDATA%\\value-compass\\cache\\responses on Windows). Never a folder inside the
 * spec's project: a cloned repository could otherwise ship answers that a run serves as the model's
 * (docs/security.md). `--cache-dir` chooses another folder explicitly.
 */
export function userCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env["XDG_CACHE_HOME"]?.trim();
  if (xdg && isAbsolute(xdg)) return join(xdg, "value-compass", "responses");
  const local = env["LOCALAPPDATA"]?.trim();
  if (process.platform === "win32" && local && isAbsolute(local)) return join(local, "value-compass", "cache", "responses");
  const home = env["HOME"]?.trim();
  return join(home && isAbsolute(home) ? home : homedir(), ".cache", "value-compass", "responses");
}

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

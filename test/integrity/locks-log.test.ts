// Findings 8 of issue 13: stale locks (a dead pid, or a pid reused by another program) are taken over
// with a message, a folder holding only run.lock can be started again, and `{{log}}` in a template
// writes nothing to stdout.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCK_FILE, lockRunDir, processStartTime } from "../../src/run/rundir.js";
import { project, vc } from "../e2e/helpers.js";
import { SMALL_SPEC } from "./spec.js";

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

const onLinux = process.platform === "linux";

describe("stale locks", () => {
  it("a lock whose process is gone is taken over, and says so", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-lock-"));
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), `${pid}\n`);
    const lock = lockRunDir(dir);
    expect(lock).toMatchObject({ ok: true, stale: { pid, reason: "gone" } });
    if (lock.ok) lock.release();
  });

  it.runIf(onLinux)("records the start time; a live pid with another start time is a reused pid and is taken over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-lock-"));
    const own = lockRunDir(dir);
    expect(own.ok).toBe(true);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n${processStartTime(process.pid)}\n`);
    if (own.ok) own.release();

    // Another program now holds the pid the lock names (a live child), with its own start time.
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const pid = child.pid ?? 0;
      const started = processStartTime(pid);
      expect(started).not.toBeNull();
      writeFileSync(join(dir, LOCK_FILE), `${pid}\n${started}\n`);
      expect(lockRunDir(dir)).toEqual({ ok: false, dir, pid }); // the lock's own process: refused
      writeFileSync(join(dir, LOCK_FILE), `${pid}\n${Number(started) - 1}\n`);
      const lock = lockRunDir(dir);
      expect(lock).toMatchObject({ ok: true, stale: { pid, reason: "reused" } });
      if (lock.ok) lock.release();
    } finally {
      child.kill();
    }
  });

  it("vc run --out on a folder holding only a dead run's run.lock starts the run, with a message", async () => {
    const dir = project({ "main.vc": SMALL_SPEC });
    mkdirSync(join(dir, "r"));
    const pid = deadPid();
    writeFileSync(join(dir, "r", LOCK_FILE), `${pid}\n`);
    writeFileSync(join(dir, "r", ".plan.json.123.abcd.tmp"), "{");
    const r = await vc(["run", "main.vc", "--out", "r"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`took over the folder's lock, left by a run (pid ${pid}) that is no longer running`);
    expect(existsSync(join(dir, "r", "manifest.json"))).toBe(true);
    expect(existsSync(join(dir, "r", LOCK_FILE))).toBe(false);
  });

  it("--resume on a folder holding only run.lock says how to start it again", async () => {
    const dir = project({ "main.vc": SMALL_SPEC });
    mkdirSync(join(dir, "r"));
    writeFileSync(join(dir, "r", LOCK_FILE), `${deadPid()}\n`);
    const r = await vc(["run", "--resume", "r"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the run stopped before its first step (the folder holds only run.lock); start it again with: value-compass run SPEC --out r");
  });
});

describe("{{log}} in a template", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes nothing to stdout (the run folder stays the only line) and renders nothing", async () => {
    const spec = SMALL_SPEC.replace('user "{{item.text}}"', "user \"{{log 'LOGGED-TO-STDOUT' item.id}}{{item.text}}\"");
    const dir = project({ "main.vc": spec });
    const consoleCalls = (["log", "info", "debug", "warn", "error"] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
    const r = await vc(["run", "main.vc", "--quiet"], dir);
    expect(r.code).toBe(0);
    expect(consoleCalls.flatMap((spy) => spy.mock.calls)).toEqual([]);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const plan = readFileSync(join(r.dir ?? "", "journal.jsonl"), "utf8");
    expect(plan).not.toContain("LOGGED-TO-STDOUT");
  });
});

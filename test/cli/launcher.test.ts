// bin/value-compass.js: the bundled CLI and its compile cache. The cache must only ever change the speed: a
// missing, corrupt or unwritable cache gives the same output and exit code as a good one.

import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuiltCli, root, vcBin } from "./built-cli.js";

beforeAll(() => ensureBuiltCli(), 120_000);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function vc(args: string[], env: Record<string, string>): Result {
  const r = spawnSync(process.execPath, [vcBin, ...args], {
    cwd: root,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", VC_DEBUG_COMPILE_CACHE: "1", ...env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cacheState = (stderr: string) => /value-compass: compile cache (\w+)/.exec(stderr)?.[1];
/** stderr without the debug line, to compare runs. */
const withoutDebug = (stderr: string) => stderr.replace(/^value-compass: compile cache .*\n/m, "");

const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;

describe("bin/value-compass.js", () => {
  it("runs the bundle: the version comes from package.json (paths resolve from dist/bundle/)", () => {
    const r = vc(["--version"], { VC_COMPILE_CACHE: "off" });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("first start writes a cache file for the command, the next start uses it, with the same output", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-compile-cache-"));
    const first = vc(["check", "specs/example.vc"], { VC_COMPILE_CACHE: dir });
    expect(cacheState(first.stderr)).toBe("miss");
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^check-[0-9a-f]{16}\.bin$/);

    const second = vc(["check", "specs/example.vc"], { VC_COMPILE_CACHE: dir });
    expect(cacheState(second.stderr)).toBe("hit");
    expect(second.code).toBe(first.code);
    expect(second.stdout).toBe(first.stdout);
    expect(withoutDebug(second.stderr)).toBe(withoutDebug(first.stderr));
    // Another command has its own file (the bytecode of the functions it ran).
    vc(["--version"], { VC_COMPILE_CACHE: dir });
    const after = readdirSync(dir);
    expect(after).toHaveLength(2);
    expect(after).toContain(files[0]);
    expect(after.some((f) => /^other-[0-9a-f]{16}\.bin$/.test(f))).toBe(true);
  });

  it("writing a command's cache file removes that command's files for other builds, and no other command's", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-compile-cache-"));
    writeFileSync(join(dir, "other-0000000000000000.bin"), "an earlier build");
    writeFileSync(join(dir, "check-0000000000000000.bin"), "another command");
    const r = vc(["--version"], { VC_COMPILE_CACHE: dir });
    expect(cacheState(r.stderr)).toBe("miss");
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe("check-0000000000000000.bin");
    expect(files[1]).toMatch(/^other-[0-9a-f]{16}\.bin$/);
    expect(files[1]).not.toBe("other-0000000000000000.bin");
  });

  it("a corrupt cache file is rejected, the command still works, and the file is written again", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-compile-cache-"));
    const good = vc(["--version"], { VC_COMPILE_CACHE: dir });
    const files = readdirSync(dir);
    expect(files).toEqual([expect.stringMatching(/^other-[0-9a-f]{16}\.bin$/)]);
    const file = files[0];
    writeFileSync(join(dir, file ?? ""), Buffer.from("not V8 bytecode at all".repeat(100)));
    const corrupt = vc(["--version"], { VC_COMPILE_CACHE: dir });
    expect(cacheState(corrupt.stderr)).toBe("rejected");
    expect(corrupt.code).toBe(0);
    expect(corrupt.stdout).toBe(good.stdout);
    expect(cacheState(vc(["--version"], { VC_COMPILE_CACHE: dir }).stderr)).toBe("hit");
  });

  it("VC_COMPILE_CACHE=off writes nothing; an unwritable cache folder changes nothing", () => {
    const off = vc(["--version"], { VC_COMPILE_CACHE: "off", HOME: mkdtempSync(join(tmpdir(), "vc-home-")) });
    expect(off.code).toBe(0);
    expect(off.stderr).toMatch(/compile cache miss\n/);

    // A folder below a regular file cannot be created.
    const blocker = join(mkdtempSync(join(tmpdir(), "vc-compile-cache-")), "a-file");
    writeFileSync(blocker, "");
    const blocked = vc(["--version"], { VC_COMPILE_CACHE: join(blocker, "cache") });
    expect(blocked.code).toBe(0);
    expect(blocked.stdout.trim()).toBe(version);
    expect(existsSync(join(blocker, "cache"))).toBe(false);
  });

  it("a cache folder others may write to is neither read nor written (POSIX)", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-compile-cache-"));
    chmodSync(dir, 0o777);
    const r = vc(["--version"], { VC_COMPILE_CACHE: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
    expect(r.stderr).toMatch(/compile cache miss \(folder not private to this user: not used\)/);
    expect(readdirSync(dir)).toEqual([]);
    chmodSync(dir, 0o700);
    vc(["--version"], { VC_COMPILE_CACHE: dir });
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it("the default folder is under XDG_CACHE_HOME", () => {
    const xdg = mkdtempSync(join(tmpdir(), "vc-xdg-"));
    const r = vc(["--version"], { XDG_CACHE_HOME: xdg });
    expect(r.code).toBe(0);
    expect(readdirSync(join(xdg, "value-compass", "compile-cache"))).toHaveLength(1);
  });

  it("exits only once stdout is written out: megabytes of plan JSON through a pipe arrive whole", () => {
    const r = spawnSync(process.execPath, [vcBin, "plan", "specs/safety.vc", "--json"], {
      cwd: root,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", VC_COMPILE_CACHE: "off" },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(1024 * 1024);
    const plan = JSON.parse(r.stdout.toString("utf8")) as { stepCount: number; steps: unknown[] };
    expect(plan.steps).toHaveLength(plan.stepCount);
  });

  it("a syntax error still prints file:line:col and exits 1 through the bundle", () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-launch-"));
    writeFileSync(join(dir, "bad.vc"), 'system s "S" {\n  dimension d "D"\n');
    const r = vc(["check", join(dir, "bad.vc")], { VC_COMPILE_CACHE: "off" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.vc:1:14: error VC0012/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// The manifest's git field: the commit of the spec's folder and whether the work tree differs from it.

import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitInfo } from "../../src/run/manifest.js";

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir, encoding: "utf8" });

describe("gitInfo", () => {
  it("gives the commit, and dirty once a tracked file changes or an untracked one appears", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-git-"));
    git(dir, "init", "-q");
    expect(await gitInfo(dir)).toBeNull(); // no commit yet
    writeFileSync(join(dir, "s.vc"), "a\n");
    git(dir, "add", "s.vc");
    git(dir, "commit", "-qm", "first");
    const head = git(dir, "rev-parse", "HEAD").trim();
    expect(await gitInfo(dir)).toEqual({ commit: head, dirty: false });
    writeFileSync(join(dir, "s.vc"), "b\n");
    expect(await gitInfo(dir)).toEqual({ commit: head, dirty: true });
    git(dir, "commit", "-qam", "second");
    const second = git(dir, "rev-parse", "HEAD").trim();
    expect(await gitInfo(dir)).toEqual({ commit: second, dirty: false });
    writeFileSync(join(dir, "new.csv"), "x\n");
    expect(await gitInfo(dir)).toEqual({ commit: second, dirty: true });
  });

  it("is null outside a repository", async () => {
    expect(await gitInfo(mkdtempSync(join(tmpdir(), "vc-nogit-")))).toBeNull();
  });
});

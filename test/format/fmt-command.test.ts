// `vc fmt` end to end through main(): files in a temporary directory, captured output, exit codes.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

let dir = "";
let out: Capture;
let err: Capture;
const io = (): CliIO => ({ stdout: out, stderr: err, cwd: dir, env: {} });
const run = (...args: string[]) => main(["fmt", ...args], io());

const UGLY = 'culture de_DE {locale "de-DE"\n   language "German"}\n';
const PRETTY = 'culture de_DE {\n  locale "de-DE"\n  language "German"\n}\n';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vc-fmt-"));
  out = new Capture();
  err = new Capture();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("value-compass fmt", () => {
  it("rewrites unformatted files in place and reports them", async () => {
    writeFileSync(join(dir, "a.vc"), UGLY);
    expect(await run("a.vc")).toBe(0);
    expect(readFileSync(join(dir, "a.vc"), "utf8")).toBe(PRETTY);
    expect(out.text).toBe("formatted a.vc\n");
  });

  it("does not touch files that are already formatted", async () => {
    const path = join(dir, "a.vc");
    writeFileSync(path, PRETTY);
    const old = new Date("2020-01-01T00:00:00Z");
    utimesSync(path, old, old);
    expect(await run("a.vc")).toBe(0);
    expect(statSync(path).mtime.getTime()).toBe(old.getTime());
    expect(out.text).toBe("");
  });

  it("--check lists unformatted files, writes nothing, exits 1", async () => {
    writeFileSync(join(dir, "a.vc"), UGLY);
    writeFileSync(join(dir, "b.vc"), PRETTY);
    expect(await run("--check", "a.vc", "b.vc")).toBe(1);
    expect(out.text).toBe("a.vc\n");
    expect(err.text).toContain("1 file is not formatted");
    expect(readFileSync(join(dir, "a.vc"), "utf8")).toBe(UGLY);
  });

  it("--check passes on formatted files", async () => {
    writeFileSync(join(dir, "b.vc"), PRETTY);
    expect(await run("--check", "b.vc")).toBe(0);
    expect(out.text + err.text).toBe("");
  });

  it("formats every .vc file below a directory", async () => {
    mkdirSync(join(dir, "specs", "lib"), { recursive: true });
    writeFileSync(join(dir, "specs", "x.vc"), UGLY);
    writeFileSync(join(dir, "specs", "lib", "y.vc"), UGLY);
    writeFileSync(join(dir, "specs", "notes.txt"), UGLY);
    expect(await run("specs")).toBe(0);
    expect(out.text).toBe("formatted specs/lib/y.vc\nformatted specs/x.vc\n");
    expect(readFileSync(join(dir, "specs", "notes.txt"), "utf8")).toBe(UGLY);
  });

  it("reports syntax errors with code frames, leaves the file alone, exits 1", async () => {
    const broken = "run {\n  temprature 1\n}\n";
    writeFileSync(join(dir, "bad.vc"), broken);
    writeFileSync(join(dir, "good.vc"), UGLY);
    expect(await run("bad.vc", "good.vc")).toBe(1);
    expect(err.text).toContain("bad.vc:2:3: error VC0011: unknown property 'temprature' in run");
    expect(err.text).toContain("> 2 |   temprature 1");
    expect(readFileSync(join(dir, "bad.vc"), "utf8")).toBe(broken);
    expect(readFileSync(join(dir, "good.vc"), "utf8")).toBe(PRETTY);
  });

  it("a missing file is an input error (exit 1)", async () => {
    expect(await run("nope.vc")).toBe(1);
    expect(err.text).toContain("cannot read 'nope.vc'");
  });

  it("no file or an unknown flag is a usage error (exit 2)", async () => {
    expect(await run()).toBe(2);
    expect(err.text).toContain("expected at least one .vc file");
    expect(await run("--frobnicate", "a.vc")).toBe(2);
  });

  it("--help describes the command", async () => {
    expect(await run("--help")).toBe(0);
    expect(out.text).toContain("Usage: value-compass fmt SPEC... [--check]");
  });
});

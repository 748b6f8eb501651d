// The command list is lazy: `vc --help` and `vc COMMAND --help` come from static entries, and a
// command's implementation (with its dependencies: the provider libraries for `run`) is imported
// only when the command runs. The static entries must say what the implementations say.

import { afterEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../src/cli/commands/index.js";
import { runCli } from "../compile/helpers.js";

describe("the command list", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("starts with the spec commands, in help order, each name once", () => {
    const names = commands.map((c) => c.name);
    expect(names.slice(0, 5)).toEqual(["check", "plan", "run", "fmt", "calibrate"]);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(commands.map((c) => [c.name, c] as const))("%s: the static entry matches its implementation", async (_name, entry) => {
    const command = await entry.load();
    expect({
      name: command.name,
      summary: command.summary,
      help: command.help,
      options: command.options,
      allowPositionals: command.allowPositionals,
    }).toEqual({
      name: entry.name,
      summary: entry.summary,
      help: entry.help,
      options: entry.options,
      allowPositionals: entry.allowPositionals,
    });
  });

  it.each(commands.map((c) => c.name))("value-compass %s --help prints the static help without loading the command", async (name) => {
    const entry = commands.find((c) => c.name === name)!;
    const load = vi.spyOn(entry, "load");
    const r = await runCli([name, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd()).toBe(entry.help.trimEnd());
    expect(load).not.toHaveBeenCalled();
  });

  it("value-compass --help lists every command with its summary without loading any", async () => {
    const loads = commands.map((c) => vi.spyOn(c, "load"));
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    const width = Math.max(...commands.map((c) => c.name.length));
    for (const c of commands) expect(r.stdout).toContain(`${c.name.padEnd(width)}  ${c.summary}`);
    for (const l of loads) expect(l).not.toHaveBeenCalled();
  });

  it("loads the command to run it, and parses its options", async () => {
    const entry = commands.find((c) => c.name === "check")!;
    const load = vi.spyOn(entry, "load");
    expect((await runCli(["check", "specs/example.vc"])).code).toBe(0);
    expect(load).toHaveBeenCalledTimes(1);
    const bad = await runCli(["check", "--nope", "specs/example.vc"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("value-compass check:");
  });
});

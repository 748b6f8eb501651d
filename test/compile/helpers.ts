// Test helpers for the compiler and the CLI: the example spec checked once, and an in-process CLI
// with captured output streams.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadSpec, type LoadOptions } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import type { CheckedSpec } from "../../src/check/spec.js";
import type { CliIO } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import { repoRoot } from "../check/helpers.js";

export { repoRoot };

export async function exampleSpec(options: Omit<LoadOptions, "cwd" | "kinds"> = {}, cwd = repoRoot): Promise<CheckedSpec> {
  const result = await loadSpec("specs/example.vc", { kinds, cwd, ...options });
  if (!result.spec) throw new Error(`example spec has errors: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.spec;
}

/** A spec of these lines (in a folder of its own, as s.vc), checked; throws on any error. */
export async function checkedSpecText(lines: readonly string[]): Promise<CheckedSpec> {
  const dir = mkdtempSync(join(tmpdir(), "vc-spec-"));
  writeFileSync(join(dir, "package.json"), "{}\n");
  writeFileSync(join(dir, "s.vc"), `${lines.join("\n")}\n`);
  const loaded = await loadSpec(join(dir, "s.vc"), { kinds, cwd: dir });
  if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join("; "));
  return loaded.spec;
}

export class Capture extends Writable {
  chunks: string[] = [];
  isTTY?: boolean;
  constructor(tty = false) {
    super();
    if (tty) this.isTTY = true;
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  get text(): string {
    return this.chunks.join("");
  }
}

export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture(options.tty ?? false);
  const io: CliIO = { stdout, stderr, cwd: options.cwd ?? repoRoot, env: options.env ?? {} };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

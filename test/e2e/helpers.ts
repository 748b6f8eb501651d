// End-to-end helpers: `vc` through the real `main()` in-process (the real loader, checker, compiler,
// providers and stages), small projects in temporary folders, CSV reading with csv-parse.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "csv-parse/sync";
import { main } from "../../src/cli/main.js";
import type { Manifest } from "../../src/run/manifest.js";
import type { ScoreRecord, StepRecord } from "../../src/core/records.js";

export class Sink {
  text = "";
  isTTY = false;
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }
}

export interface VcResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The folder printed on stdout (run and report commands), absolute. */
  dir: string | null;
}

/** Runs `vc ARGS` in-process with `cwd` and a clean environment plus `env`. */
export async function vc(args: string[], cwd: string, env: Record<string, string> = {}): Promise<VcResult> {
  const stdout = new Sink();
  const stderr = new Sink();
  const io = {
    stdout: stdout as unknown as NodeJS.WritableStream,
    stderr: stderr as unknown as NodeJS.WritableStream,
    cwd,
    // The response cache goes into the project folder, so each test's project has its own.
    env: { PATH: process.env["PATH"] ?? "", XDG_CACHE_HOME: join(cwd, ".xdg-cache"), ...env },
  };
  const code = await main(args, io);
  const line = stdout.text.trim().split("\n").pop() ?? "";
  const dir = line === "" ? null : line.startsWith("/") ? line : join(cwd, line);
  return { code, stdout: stdout.text, stderr: stderr.text, dir };
}

/** A project folder (package.json marks the root; `vc` puts the cache in <dir>/.xdg-cache/value-compass). */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "vc-e2e-"));
  writeFileSync(join(dir, "package.json"), "{}\n");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export type Row = Record<string, string>;

export function readCsv(path: string): Row[] {
  return parse(readFileSync(path), { columns: true, bom: true }) as Row[];
}

export function csvFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort();
}

export function manifestOf(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
}

function jsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

export const journalOf = (dir: string) => jsonl<StepRecord>(join(dir, "journal.jsonl"));
export const scoreRecordsOf = (dir: string) => jsonl<ScoreRecord>(join(dir, "scores.jsonl"));

/** The text between RESPONSE<<< and >>> in a rubric (the templates below put the answer there). */
export function responseIn(messages: Array<{ content: string }>): string {
  const text = messages.map((m) => m.content).join("\n");
  const m = /RESPONSE<<<([\s\S]*?)>>>/.exec(text);
  return m?.[1] ?? "";
}

export function lastUser(messages: Array<{ role: string; content: string }>): string {
  return [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
}

// The fuzz cases (issue 13): seeded mutations of every shipped spec, library file, data file, schema
// and template, each checked in-process through the entry spec that reads it. Run in a worker by
// fuzz.test.ts, which stops a case that takes too long. A case fails when the checker throws, reports
// an internal error (VC0000, VC1999) or an undocumented code, returns a spec despite errors (or none
// without), or when printing its diagnostics or compiling its plan throws.

import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { CHECK_CODE_TITLES } from "../../src/check/codes.js";
import { loadSpec } from "../../src/check/load.js";
import { formatDiagnostics } from "../../src/cli/format-diagnostics.js";
import { compilePlan } from "../../src/compile/compile.js";
import { mulberry32 } from "../../src/core/random.js";
import { SYNTAX_CODE_TITLES } from "../../src/syntax/codes.js";
import { kinds } from "../kinds.js";

export interface FuzzOptions {
  repoRoot: string;
  cases: number;
  seed: number;
}

export type FuzzMessage =
  | { kind: "start"; index: number; label: string }
  | { kind: "done"; index: number; label: string; failure: string | null; exit: 0 | 1 }
  | { kind: "finished"; targets: number; files: string[] };

const FRAGMENTS = [
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  '"',
  '"""',
  ",",
  ":",
  "=",
  "$seed",
  "not ",
  "-",
  "?",
  "\\",
  "\n",
  "\u0000",
  "🙂",
  "é",
  "{{",
  "}}",
  "{{#if x}}",
  "{{/if}}",
  "{{#each item}}",
  "{{> p}}",
  "{{item.text}}",
  "}}}",
  'import "../../etc/passwd"',
  'import "/proc/self/environ"',
  'from "/dev/zero"',
  'from "../../x.csv"',
  "item",
  "scorer",
  "template",
  "rule",
  '"a",',
  '{"id": "x"}',
  "null",
  "1e309",
  "-0",
  "0x10",
  "NaN",
  ",,,",
  '""',
  "\r\n",
  "\t",
];

/** A burst that stresses a limit: deep nesting or a long run. */
function burst(rand: () => number): string {
  const n = 20 + Math.floor(rand() * 2000);
  switch (Math.floor(rand() * 6)) {
    case 0:
      return "[".repeat(n);
    case 1:
      return "(".repeat(n) + ")".repeat(n);
    case 2:
      return "{{#if a}}".repeat(n);
    case 3:
      return "not ".repeat(n);
    case 4:
      return `"${"x".repeat(n * 50)}"`;
    default:
      return "1 + ".repeat(n);
  }
}

export function mutate(text: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  let out = text;
  const edits = 1 + Math.floor(rand() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (out.length + 1));
    const op = Math.floor(rand() * 7);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 60));
    else if (op === 1) out = out.slice(0, at) + pick(FRAGMENTS) + out.slice(at);
    else if (op === 2 || op === 3) {
      const lines = out.split("\n");
      const i = Math.floor(rand() * lines.length);
      const j = Math.floor(rand() * lines.length);
      if (op === 2) lines.splice(i, 0, lines[i] ?? "");
      else [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
      out = lines.join("\n");
    } else if (op === 4) out = out.slice(0, at) + burst(rand) + out.slice(at);
    else if (op === 5) out = out.slice(0, at);
    else {
      // Flip one byte's worth of text to another printable character.
      out = out.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 95)) + out.slice(at + 1);
    }
  }
  return out;
}

const KNOWN_CODES = new Set([...Object.keys(SYNTAX_CODE_TITLES), ...Object.keys(CHECK_CODE_TITLES)]);

export async function runFuzz(options: FuzzOptions, post: (message: FuzzMessage) => void): Promise<void> {
  // A copy of the package's layout: package.json marks the project root, as in an installed package.
  const dir = mkdtempSync(join(tmpdir(), "vc-fuzz-"));
  for (const folder of ["specs", "templates", "data"]) cpSync(join(options.repoRoot, folder), join(dir, folder), { recursive: true });
  writeFileSync(join(dir, "package.json"), "{}\n");
  const entries = readdirSync(join(dir, "specs"))
    .filter((n) => n.endsWith(".vc"))
    .sort()
    .map((n) => `specs/${n}`);
  // Which entry spec reads each file (the first that does), found by checking each entry once.
  const owner = new Map<string, string>();
  for (const entry of entries) {
    const r = await loadSpec(entry, { kinds, cwd: dir });
    for (const f of r.files) if (!owner.has(f.abs)) owner.set(f.abs, entry);
    const inputs = r.spec?.inputs ?? [];
    for (const input of inputs) {
      const abs = join(dir, "specs", ...input.path.split("/"));
      if (!owner.has(abs)) owner.set(abs, entry);
    }
  }
  const targets = [...owner.keys()]
    .filter((abs) => statSync(abs).isFile())
    .sort()
    .map((abs) => ({ abs, rel: relative(dir, abs).split(sep).join("/"), entry: owner.get(abs)!, original: readFileSync(abs, "utf8") }));
  const rand = mulberry32(options.seed);
  for (let index = 0; index < options.cases; index++) {
    const target = targets[index % targets.length]!;
    const label = `#${index} ${target.rel} (via ${target.entry})`;
    post({ kind: "start", index, label });
    writeFileSync(target.abs, mutate(target.original, rand));
    let failure: string | null = null;
    let exit: 0 | 1 = 1;
    try {
      const r = await loadSpec(target.entry, { kinds, cwd: dir });
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      const internal = r.diagnostics.find((d) => d.code === "VC0000" || d.code === "VC1999");
      const unknown = r.diagnostics.find((d) => !KNOWN_CODES.has(d.code));
      if (internal) failure = `internal error ${internal.code}: ${internal.message}`;
      else if (unknown) failure = `undocumented code ${unknown.code}`;
      else if ((r.spec === null) !== errors.length > 0) failure = "a spec came back with errors, or none without";
      formatDiagnostics(r.diagnostics, { sources: r.sources });
      if (r.spec && index % 10 === 0) compilePlan(r.spec);
      exit = r.spec ? 0 : 1;
    } catch (e) {
      failure = `threw: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      writeFileSync(target.abs, target.original);
    }
    post({ kind: "done", index, label, failure, exit });
  }
  post({ kind: "finished", targets: targets.length, files: targets.map((t) => t.rel) });
}

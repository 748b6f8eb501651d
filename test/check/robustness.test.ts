// Robustness: thousands of seeded random mutations of specs/example.vc go through loadSpec. None may
// throw or produce an internal-error diagnostic; every diagnostic must point inside a file it has the
// text of; a spec comes back exactly when there are no errors, and then it must compile.

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import { compilePlan } from "../../src/compile/compile.js";
import { mulberry32 } from "../../src/core/random.js";
import { repoRoot } from "./helpers.js";

const MUTATIONS = 2000;

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
  "$nope",
  "item",
  "items",
  "template",
  "system",
  "scorer",
  "rule",
  "when",
  "for",
  "culture",
  "usecase",
  "de_DE",
  "sex_ed",
  "toxicity",
  "ask",
  "0",
  "-1",
  "2.5",
  "1e9",
  "true",
  "null",
  "{{",
  "}}",
  "{{item.text}}",
  "{{#if culture}}",
  "{{/if}}",
  "{{culture.nope}}",
  "\\",
  "\n",
  'import "lib/example-common.vc"',
  'import "example.vc"',
  'from "nope.csv"',
  'model "bad"',
  "samples 0",
  "temperature 9",
  "output.safe",
  "and",
  "or",
  "not",
  "matches",
  "in",
  "//",
  "/*",
  "*/",
  "é",
  "\u0000",
  "🙂",
];

function mutate(text: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  let out = text;
  const edits = 1 + Math.floor(rand() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (out.length + 1));
    switch (Math.floor(rand() * 6)) {
      case 0: // delete a span
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 40));
        break;
      case 1: // insert a fragment
        out = out.slice(0, at) + pick(FRAGMENTS) + out.slice(at);
        break;
      case 2: {
        // duplicate a line
        const lines = out.split("\n");
        const i = Math.floor(rand() * lines.length);
        lines.splice(i, 0, lines[i] ?? "");
        out = lines.join("\n");
        break;
      }
      case 3: {
        // swap two lines
        const lines = out.split("\n");
        const i = Math.floor(rand() * lines.length);
        const j = Math.floor(rand() * lines.length);
        [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
        out = lines.join("\n");
        break;
      }
      case 4: {
        // replace a word by another word of the file
        const words = out.match(/[A-Za-z_][A-Za-z0-9_-]*/g) ?? [];
        const from = pick(words);
        const to = pick(words);
        const idx = out.indexOf(from, at);
        if (idx >= 0) out = out.slice(0, idx) + to + out.slice(idx + from.length);
        break;
      }
      default: {
        // change a number
        const m = /-?\d+(\.\d+)?/g;
        m.lastIndex = at;
        const found = m.exec(out);
        if (found) out = out.slice(0, found.index) + pick(["-3", "0", "1001", "2.5", "1e6", "7"]) + out.slice(found.index + found[0].length);
      }
    }
  }
  return out;
}

describe("robustness of the checker", () => {
  it(`survives ${MUTATIONS} seeded mutations of specs/example.vc`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "vc-robust-"));
    cpSync(join(repoRoot, "specs"), join(dir, "specs"), { recursive: true });
    cpSync(join(repoRoot, "templates"), join(dir, "templates"), { recursive: true });
    // A project marker: specs may read files only inside their project (docs/security.md).
    writeFileSync(join(dir, "package.json"), "{}\n");
    const original = readFileSync(join(repoRoot, "specs/example.vc"), "utf8");
    const rand = mulberry32(20240607);
    const failures: string[] = [];
    let accepted = 0;
    let rejected = 0;
    for (let n = 0; n < MUTATIONS; n++) {
      const text = mutate(original, rand);
      writeFileSync(join(dir, "specs/mutant.vc"), text);
      const setSeed = rand() < 0.1 ? { set: { seed: rand() < 0.5 ? "x" : "3" } } : {};
      try {
        const r = await loadSpec("specs/mutant.vc", { kinds, cwd: dir, ...setSeed });
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        if (r.diagnostics.some((d) => d.code === "VC1999" || d.code === "VC0000")) {
          failures.push(`#${n}: internal error: ${r.diagnostics.find((d) => d.code === "VC1999" || d.code === "VC0000")?.message}`);
        }
        for (const d of r.diagnostics) {
          const source = r.sources.get(d.file);
          if (d.file !== "<command line>" && source === undefined) failures.push(`#${n}: no source for ${d.file}`);
          if (source !== undefined && (d.span.start.offset > source.length || d.span.end.offset < d.span.start.offset)) {
            failures.push(`#${n}: span outside ${d.file}: ${d.code} ${d.message}`);
          }
        }
        if ((r.spec === null) !== errors.length > 0) failures.push(`#${n}: spec/errors mismatch`);
        if (r.spec) {
          accepted++;
          const plan = compilePlan(r.spec);
          if (!/^[0-9a-f]{64}$/.test(plan.hash)) failures.push(`#${n}: bad hash`);
        } else rejected++;
      } catch (err) {
        failures.push(`#${n}: threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
      if (failures.length > 5) break;
    }
    expect(failures).toEqual([]);
    // The mutations must exercise both paths, or the test proves little.
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(MUTATIONS / 2);
  }, 300_000);
});

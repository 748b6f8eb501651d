// docs/benchmarks.md shows item counts per dimension; they must be what `vc plan --items` prints
// today, never numbers typed by hand. UPDATE_DOCS=1 rewrites the blocks from the command's output.

import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const root = resolve(import.meta.dirname, "../..");
const docPath = join(root, "docs/benchmarks.md");
const BLOCK = /<!-- counts: (\S+)((?: --by \S+)?) -->\n[\s\S]*?<!-- end counts -->/g;

async function itemsTable(spec: string, by: string): Promise<string> {
  let out = "";
  let err = "";
  const sink = (onWrite: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        onWrite(chunk.toString());
        cb();
      },
    });
  const argv = ["plan", spec, "--items", ...(by ? ["--by", by.trim().split(" ")[1]!] : [])];
  const code = await main(argv, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), cwd: root, env: {} });
  expect(err).toBe("");
  expect(code).toBe(0);
  return out;
}

it("docs/benchmarks.md item counts match `value-compass plan --items`", async () => {
  const doc = readFileSync(docPath, "utf8");
  const blocks = [...doc.matchAll(BLOCK)];
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  let updated = doc;
  for (const block of blocks) {
    const [whole, spec, by] = block as unknown as [string, string, string];
    const table = await itemsTable(spec, by);
    const expected = `<!-- counts: ${spec}${by} -->\n${table.trimEnd()}\n<!-- end counts -->`;
    if (process.env["UPDATE_DOCS"] === "1") updated = updated.replace(whole, expected);
    else expect(whole, `${spec}${by}: run UPDATE_DOCS=1 npx vitest run test/specs/docs-counts.test.ts`).toBe(expected);
  }
  if (process.env["UPDATE_DOCS"] === "1") writeFileSync(docPath, updated);
});

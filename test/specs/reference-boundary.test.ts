// npm test must pass in a user's clone, which has no published leaderboard data beside it: only the
// reference suite (test/reference/, npm run test:reference) may name that folder.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
// Built from parts so that this file does not contain what it looks for.
const NAMES = [["..", "shared"].join("/"), ["value", "compass", "site"].join("-")];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.(ts|mjs|js|json|jsonl|csv|vc)$/.test(e.name) ? [path] : [];
  });
}

it("no test outside test/reference/ and no source file names the reference data folder", () => {
  const offenders = [...files(join(root, "test")), ...files(join(root, "src"))]
    .map((f) => relative(root, f))
    .filter((f) => !f.startsWith(join("test", "reference")))
    .filter((f) => NAMES.some((name) => readFileSync(join(root, f), "utf8").includes(name)));
  expect(offenders).toEqual([]);
});

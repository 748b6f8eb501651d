// The built CLI (bin/value-compass.js → dist/bundle/vc.cjs) for tests that run `value-compass` as a child process. `npm test`
// builds before running vitest; when the build is older than src/ (e.g. `npx vitest run test/run` alone)
// `ensureBuiltCli` builds it first.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const vcBin = join(root, "bin", "value-compass.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBuiltCli(): void {
  const bundle = join(root, "dist", "bundle", "vc.cjs");
  const sources = Math.max(newestMtime(join(root, "src")), statSync(join(root, "scripts", "bundle.mjs")).mtimeMs);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  // Type errors elsewhere still emit JavaScript; what matters here is that the build is current.
  spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "ignore" });
  const bundled = spawnSync(process.execPath, [join(root, "scripts", "bundle.mjs")], { cwd: root, encoding: "utf8" });
  if (bundled.status !== 0) throw new Error(`bundling the CLI failed:\n${bundled.stderr}`);
}

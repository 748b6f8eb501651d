// Benchmark (not a test): how long `value-compass check specs/example.vc` takes as a whole process, start-up
// included, against two baselines measured in the same run: a bare `node -e 0`, and a process that
// only loads the parser module (and so chevrotain, from its one-file bundle: src/syntax/chevrotain.ts),
// which every command that reads a spec pays before any checking starts. Target: < 0.5 s per check.
//
// Measured on the 2-core development machine (10 runs, means): before the bundle and the lazy command
// list, value-compass check 1096 ms (parser load 507 ms, check command alone 857 ms, node -e 0 92 ms); after,
// value-compass check 324–410 ms in two runs (parser load 99–116 ms, check command alone 370–391 ms, node -e 0
// 64–65 ms). With bin/value-compass.js loading one bundled file with V8's code cache: value-compass check 190–280 ms against
// 390–410 ms for the check command loaded from the module tree (node -e 0 65–74 ms).
//
//   npm run build && npx tsx bench/check-bench.ts [runs]

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const runs = Number(process.argv[2] ?? process.env.RUNS ?? 10);
const TARGET_MS = 500;

function timeOnce(args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) {
    process.stderr.write(`command failed (exit ${r.status}): node ${args.join(" ")}\n${r.stderr}`);
    process.exit(1);
  }
  return ms;
}

function measure(args: string[]): { mean: number; median: number; min: number } {
  timeOnce(args); // warm the file system cache
  const times = Array.from({ length: runs }, () => timeOnce(args)).sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  return { mean, median: times[Math.floor(times.length / 2)] ?? mean, min: times[0] ?? mean };
}

if (!existsSync(join(root, "dist/cli/main.js"))) {
  process.stderr.write("dist/ is missing: run `npm run build` first\n");
  process.exit(1);
}

const baseline = measure(["-e", "0"]);
const parserLoad = measure(["--input-type=module", "-e", "await import('./dist/syntax/parse.js')"]);
const check = measure(["bin/value-compass.js", "check", "specs/example.vc"]);
// The check command on its own, loaded from the module tree (dist/, as tsc writes it) instead of the
// bundle and without the compile cache: what the bundle saves. If `value-compass check` comes close to it, the
// cache is not being used.
const checkOnly = measure([
  "--input-type=module",
  "-e",
  "const { checkCommand } = await import('./dist/cli/commands/check.js');" +
    "const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };" +
    "process.exitCode = await checkCommand.run({ values: {}, positionals: ['specs/example.vc'] }, io);",
]);
const f = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
const row = (name: string, m: { mean: number; median: number; min: number }) =>
  console.log(`  ${name.padEnd(28)} mean ${f(m.mean)}  median ${f(m.median)}  min ${f(m.min)}`);
console.log(`value-compass check specs/example.vc, ${runs} runs each (process start-up included)`);
row("node -e 0 (baseline)", baseline);
row("load the parser (baseline)", parserLoad);
row("value-compass check", check);
row("check command alone", checkOnly);
console.log(`  ratio check / node -e 0      ${(check.mean / baseline.mean).toFixed(2)}x`);
console.log(`  ratio check / parser load    ${(check.mean / parserLoad.mean).toFixed(2)}x`);
console.log(`  check beyond parser load     ${f(check.mean - parserLoad.mean)}`);
console.log(`  target < ${TARGET_MS} ms: ${check.mean < TARGET_MS ? "met" : "NOT met"}`);

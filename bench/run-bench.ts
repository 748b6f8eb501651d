// Benchmark of the executor against a bare client loop, in the same run on the same machine:
//   npx tsx bench/run-bench.ts [--steps 1000] [--big 100000] [--concurrency 16] [--latency 20] [--repeat 3] [--skip-big]
//
// 1. Overhead: a stand-in Ollama server with 20 ms latency; a bare loop of the same client call the
//    ollama adapter makes (bench/bare-ollama-loop.mjs: the `ollama` package, streamed chat, 16 workers,
//    1,000 calls) against the whole `value-compass run` as a child process (1,000 steps, --concurrency 16,
//    --no-cache). Target: ≤ 1.3×. The bare loop is timed twice: as its own process (whole wall time
//    against whole wall time) and inside this process, warmed up (no start-up, open connections, warm
//    JIT: about 0.1 s faster than the same loop in a fresh process; the stricter ratio).
// 2. Scale: a zero-latency stand-in; 100,000 steps through `value-compass run`: peak RSS of the value-compass process
//    (target ≤ 400 MB) and throughput against the bare loop's (target ≥ 70 %).
// Needs the built CLI (npm run build).

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bareLoop, MODEL } from "./bare-ollama-loop.mjs";
import { startStandin } from "./standin.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The bare loop as its own process: its whole wall time, start-up and module loading included. */
function bareProcess(url: string, calls: number, concurrency: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, "bench", "bare-ollama-loop.mjs"), url, String(calls), String(concurrency)], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return new Promise((done, reject) =>
    child.once("exit", (code) => (code === 0 ? done(performance.now() - t0) : reject(new Error(`bare loop process exited ${code}`)))),
  );
}

function writeSpec(dir: string, items: number, samples: number): string {
  const lines = [
    'system s "Bench" {',
    '  dimension tradition "Tradition"',
    "}",
    "template ask {",
    '  user "{{item.text}}"',
    "}",
    "items qs {",
    "  system s",
    "  template ask",
  ];
  for (let i = 0; i < items; i++) lines.push(`  item q${i} { dimension tradition  text "Question ${i}: how important is tradition to you?" }`);
  lines.push("}", "run {", `  models ["ollama:${MODEL}"]`, "  temperature 0", "  seed 7", `  samples ${samples}`, "  timeout 60", "  retries 2", "}");
  const path = join(dir, "bench.vc");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

interface VcRun {
  wallMs: number;
  code: number | null;
  peakRssMb: number | null;
  stderr: string;
}

function runVc(spec: string, out: string, url: string, concurrency: number): Promise<VcRun> {
  const vcArgs = [join(root, "bin", "value-compass.js"), "run", spec, "--no-cache", "--concurrency", String(concurrency), "--quiet", "--out", out];
  const timeBin = "/usr/bin/time";
  const useTime = existsSync(timeBin);
  const [cmd, args] = useTime ? [timeBin, ["-v", process.execPath, ...vcArgs]] : [process.execPath, vcArgs];
  const t0 = performance.now();
  const env = { ...process.env, OLLAMA_HOST: url, VC_COMPILE_CACHE: join(dirname(spec), "compile-cache") };
  const child = spawn(cmd, args, { cwd: dirname(spec), env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  return new Promise((done) => {
    child.once("exit", (code) => {
      const wallMs = performance.now() - t0;
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      done({ wallMs, code, peakRssMb: m?.[1] ? Number(m[1]) / 1024 : null, stderr });
    });
  });
}

/** Process start-up plus loading every module of the CLI: the floor under any `value-compass` command. */
function versionTime(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, "bin", "value-compass.js"), "--version"], { stdio: "ignore" });
  return new Promise((done) => child.once("exit", () => done(performance.now() - t0)));
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      steps: { type: "string", default: "1000" },
      big: { type: "string", default: "100000" },
      concurrency: { type: "string", default: "16" },
      latency: { type: "string", default: "20" },
      "skip-big": { type: "boolean", default: false },
      repeat: { type: "string", default: "3" },
    },
  });
  const repeat = Math.max(1, Number(values.repeat));
  const steps = Number(values.steps);
  const big = Number(values.big);
  const concurrency = Number(values.concurrency);
  const latency = Number(values.latency);
  if (!existsSync(join(root, "dist", "cli", "main.js"))) {
    process.stderr.write("run `npm run build` first\n");
    return 1;
  }
  const work = mkdtempSync(join(tmpdir(), "vc-bench-"));
  let failed = false;
  try {
    // --- 1. overhead at 20 ms latency --------------------------------------------------------------
    // Alternating repetitions, best of each: the machine is shared, and the minimum is the figure
    // least disturbed by other load.
    const slow = await startStandin("ollama", latency);
    try {
      await bareLoop(slow.url, 50, concurrency); // warm-up (connections, JIT)
      const spec = writeSpec(work, 100, Math.ceil(steps / 100));
      // The first start after a build compiles everything and writes the compile cache (bin/value-compass.js);
      // every later start reads it. Measured once, then the repetitions run as on a user's machine.
      const first = await runVc(spec, join(work, "run-first"), slow.url, concurrency);
      const inProcess: number[] = [];
      const asProcess: number[] = [];
      const vcs: number[] = [];
      let startup = Number.POSITIVE_INFINITY;
      for (let r = 0; r < repeat; r++) {
        inProcess.push(await bareLoop(slow.url, steps, concurrency));
        asProcess.push(await bareProcess(slow.url, steps, concurrency));
        const vc = await runVc(spec, join(work, `run-small-${r}`), slow.url, concurrency);
        if (vc.code !== 0) {
          failed = true;
          process.stderr.write(vc.stderr);
        }
        vcs.push(vc.wallMs);
        startup = Math.min(startup, await versionTime());
      }
      const warm = Math.min(...inProcess);
      const cold = Math.min(...asProcess);
      const vcBest = Math.min(...vcs);
      const verdict = (ratio: number) => `${ratio.toFixed(2)}x  (target <= 1.30)${ratio <= 1.3 ? "" : "  MISSED"}`;
      const all = (xs: number[]) => `(all: ${xs.map(fmt).join(", ")})`;
      process.stdout.write(
        [
          `overhead (${steps} calls, latency ${latency} ms, concurrency ${concurrency}, best of ${repeat}):`,
          `  bare loop as its own process (whole wall time): ${fmt(cold)}   ${all(asProcess)}`,
          `  bare loop inside this process (warm: JIT, open connections): ${fmt(warm)}   ${all(inProcess)}`,
          `  value-compass run (child process, whole wall time): ${fmt(vcBest)}   ${all(vcs)}`,
          `    first start after a build (no compile cache yet): ${fmt(first.wallMs)}`,
          `    process start-up and loading the CLI (\`value-compass --version\`): ${fmt(startup)}`,
          `  ratio to the bare process (both whole processes): ${verdict(vcBest / cold)}`,
          `  ratio to the warm in-process loop (stricter):     ${verdict(vcBest / warm)}`,
          "",
        ].join("\n"),
      );
    } finally {
      await slow.stop();
    }

    if (values["skip-big"]) return failed ? 1 : 0;
    // --- 2. scale at zero latency ---------------------------------------------------------------
    const fast = await startStandin("ollama", 0);
    try {
      await bareLoop(fast.url, 500, concurrency);
      const bareCalls = Math.min(big, 20_000);
      // The bare loop before and after the long value-compass run, so that drifting machine load hits both.
      const bareBefore = await bareLoop(fast.url, bareCalls, concurrency);
      const spec = writeSpec(work, 100, Math.ceil(big / 100));
      const vc = await runVc(spec, join(work, "run-big"), fast.url, concurrency);
      const bareAfter = await bareLoop(fast.url, bareCalls, concurrency);
      const bare = (bareBefore + bareAfter) / 2;
      const bareRate = bareCalls / (bare / 1000);
      if (vc.code !== 0) {
        failed = true;
        process.stderr.write(vc.stderr.slice(-4000));
      }
      const vcRate = big / (vc.wallMs / 1000);
      process.stdout.write(
        [
          `scale (${big} steps, zero latency, concurrency ${concurrency}):`,
          `  bare ollama client loop: ${bareRate.toFixed(0)} calls/s (${bareCalls} calls in ${fmt(bareBefore)} before, ${fmt(bareAfter)} after)`,
          `  value-compass run: ${vcRate.toFixed(0)} steps/s (${fmt(vc.wallMs)}, exit ${vc.code})`,
          `  throughput: ${((vcRate / bareRate) * 100).toFixed(0)} % of the bare loop (target >= 70 %)`,
          `  peak RSS of value-compass run: ${vc.peakRssMb === null ? "unknown (no /usr/bin/time)" : `${vc.peakRssMb.toFixed(0)} MB`} (target <= 400 MB)`,
          "",
        ].join("\n"),
      );
    } finally {
      await fast.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`run-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

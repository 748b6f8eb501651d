// The figures of issue 16, each as a ratio against its baseline measured in the same run:
//   npx tsx bench/scale-bench.ts [--fast-steps 10000] [--slow-steps 1000] [--big 1000000] [--report-steps 100000]
//                                [--repeat 3] [--skip-big] [--inline-items]
//
// 1. Zero latency, 10,000 steps, concurrency 32, through each adapter (ollama, openai): the whole
//    `value-compass run` (child process) against a bare client loop of the same library call as its own
//    process. Target: ≥ 80 % of the bare loop's throughput. Also printed, not a target: the same ratio
//    while the steps run (the run's answers stage from `run --json` against the bare loop's own timing
//    of its calls), which leaves out what happens once per run (starting, checking the spec, the reports),
//    and a bare loop that waits a turn of the event loop between its calls, as value-compass's call
//    layer does before sending a request (the pattern, apart from the rest of the tool).
// 2. 20 ms latency, 1,000 steps, concurrency 16, each adapter: wall time against the bare loop's.
//    Target: ≤ 1.3×.
// 3. Peak RSS of `value-compass run` on a large plan (default 1,000,000 steps, zero latency; target
//    ≤ 400 MB) and of `value-compass report` on a run of --report-steps steps (target ≤ 300 MB).
// 4. promptfoo on workload 1, when it is installed (node_modules/.bin/promptfoo); the bench says so
//    when it is absent rather than fetching it.
// Repetitions alternate baseline and value-compass, best of each (the machine is shared; the minimum
// is the least disturbed figure). Needs the built CLI (npm run build) and /usr/bin/time for RSS.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Kind, startStandin } from "./standin.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** `--inline-items`: the bench spec holds its items inline (see writeSpec). */
let inlineItems = false;

interface Timed {
  wallMs: number;
  code: number | null;
  peakRssMb: number | null;
  stdout: string;
  stderr: string;
}

/** A command under /usr/bin/time -v (when present): wall time, exit code, peak RSS. */
function timed(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Timed> {
  const useTime = existsSync("/usr/bin/time");
  const [cmd, rest] = useTime ? ["/usr/bin/time", ["-v", ...args]] : [args[0] as string, args.slice(1)];
  const t0 = performance.now();
  const child = spawn(cmd, rest, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) =>
    child.once("exit", (code) => {
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      done({ wallMs: performance.now() - t0, code, peakRssMb: m?.[1] ? Number(m[1]) / 1024 : null, stdout, stderr });
    }),
  );
}

/** The bare client loop as its own process; `turn`: the form that waits a turn between calls (see the loops). */
function bare(kind: Kind, url: string, calls: number, concurrency: number, turn = false): Promise<Timed> {
  const script = join(root, "bench", kind === "ollama" ? "bare-ollama-loop.mjs" : "bare-openai-loop.mjs");
  const args = [process.execPath, script, kind === "ollama" ? url : `${url}/v1`, String(calls), String(concurrency), ...(turn ? ["turn"] : [])];
  return timed(args, root, process.env);
}

/**
 * The bench's spec: 1,000 items (fewer for a smaller plan) asked `samples` times. The items come from
 * a CSV data file with its schema, as a spec of that many items holds them; `inline` writes them into
 * the spec instead (the form of the figures before 2026-12-03 17:00 UTC), which adds parsing 1,000
 * item blocks to every run's start.
 */
function writeSpec(dir: string, name: string, kind: Kind, steps: number, inline = inlineItems): string {
  const items = Math.min(steps, 1000);
  const samples = Math.ceil(steps / items);
  const text = (i: number) => `Question ${i % 100}: how important is tradition to you?`;
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
  if (inline) {
    for (let i = 0; i < items; i++) lines.push(`  item q${i} { dimension tradition  text "${text(i)}" }`);
  } else {
    const rows = Array.from({ length: items }, (_, i) => `q${i},tradition,${text(i)}`);
    writeFileSync(join(dir, `${name}-items.csv`), `id,dimension,text\n${rows.join("\n")}\n`);
    writeFileSync(
      join(dir, "bench-items.schema.json"),
      `${JSON.stringify({ type: "object", required: ["id", "dimension", "text"], properties: { id: { type: "string" }, dimension: { type: "string" }, text: { type: "string" } } })}\n`,
    );
    lines.push(`  from "${name}-items.csv"`, '  schema "bench-items.schema.json"');
  }
  const model = kind === "ollama" ? "ollama:standin" : "openai:standin-model";
  lines.push("}", "run {", `  models ["${model}"]`, "  temperature 0", "  seed 7", `  samples ${samples}`, "  timeout 60", "  retries 2", "}");
  const path = join(dir, `${name}.vc`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

function runVc(kind: Kind, spec: string, out: string, url: string, concurrency: number): Promise<Timed> {
  const env = {
    ...process.env,
    ...(kind === "ollama" ? { OLLAMA_HOST: url } : { OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: "bench" }),
    VC_COMPILE_CACHE: join(dirname(spec), "compile-cache"),
  };
  const args = [
    process.execPath,
    join(root, "bin", "value-compass.js"),
    "run",
    spec,
    "--no-cache",
    "--concurrency",
    String(concurrency),
    "--quiet",
    "--json",
    "--out",
    out,
  ];
  return timed(args, dirname(spec), env);
}

/** The bare loop's own time around its calls (it prints `{"loopMs": …}`); NaN when it printed none. */
function loopMs(stdout: string): number {
  const m = /"loopMs":([\d.]+)/.exec(stdout);
  return m?.[1] ? Number(m[1]) : Number.NaN;
}

/** The answers stage of `value-compass run --json` (its static steps, from first to last), in ms. */
function answersMs(stdout: string): number {
  try {
    const summary = JSON.parse(stdout) as { stages?: Array<{ stage: string; seconds: number }> };
    const answers = summary.stages?.find((st) => st.stage === "answers");
    return answers ? answers.seconds * 1000 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (x: number | null) => (x === null ? "unknown" : `${x.toFixed(0)} MB`);

async function pair(
  kind: Kind,
  latency: number,
  steps: number,
  concurrency: number,
  repeat: number,
  work: string,
  /** Also time the bare loop that waits a turn between its calls (the zero-latency figures print it). */
  withTurn = false,
): Promise<{ bare: number; bareTurn: number | null; vc: number; bareLoop: number; vcAnswers: number; vcRss: number | null; failed: boolean }> {
  const standin = await startStandin(kind, latency);
  try {
    const spec = writeSpec(work, `${kind}-${latency}-${steps}`, kind, steps);
    await bare(kind, standin.url, 200, concurrency); // warm the stand-in
    await runVc(kind, spec, join(work, `${kind}-${latency}-warm`), standin.url, concurrency); // compile cache
    const bares: number[] = [];
    const bareTurns: number[] = [];
    const vcs: number[] = [];
    const bareLoops: number[] = [];
    const answers: number[] = [];
    let rss: number | null = null;
    let failed = false;
    for (let r = 0; r < repeat; r++) {
      const b = await bare(kind, standin.url, steps, concurrency);
      if (b.code !== 0) failed = true;
      bares.push(b.wallMs);
      bareLoops.push(loopMs(b.stdout));
      if (withTurn) {
        const t = await bare(kind, standin.url, steps, concurrency, true);
        if (t.code !== 0) failed = true;
        bareTurns.push(t.wallMs);
      }
      const v = await runVc(kind, spec, join(work, `${kind}-${latency}-${r}`), standin.url, concurrency);
      if (v.code !== 0) {
        failed = true;
        process.stderr.write(v.stderr.slice(-2000));
      }
      vcs.push(v.wallMs);
      answers.push(answersMs(v.stdout));
      rss = Math.max(rss ?? 0, v.peakRssMb ?? 0) || rss;
    }
    const bareTurn = bareTurns.length > 0 ? Math.min(...bareTurns) : null;
    return { bare: Math.min(...bares), bareTurn, vc: Math.min(...vcs), bareLoop: Math.min(...bareLoops), vcAnswers: Math.min(...answers), vcRss: rss, failed };
  } finally {
    await standin.stop();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "fast-steps": { type: "string", default: "10000" },
      "slow-steps": { type: "string", default: "1000" },
      big: { type: "string", default: "1000000" },
      "report-steps": { type: "string", default: "100000" },
      repeat: { type: "string", default: "3" },
      "skip-big": { type: "boolean", default: false },
      "inline-items": { type: "boolean", default: false },
    },
  });
  inlineItems = values["inline-items"];
  if (!existsSync(join(root, "dist", "bundle", "vc.cjs"))) {
    process.stderr.write("run `npm run build` first\n");
    return 1;
  }
  const repeat = Math.max(1, Number(values.repeat));
  const work = mkdtempSync(join(tmpdir(), "vc-scale-bench-"));
  let failed = false;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    out(
      `bench spec: 1,000 items ${inlineItems ? "written inline in the spec (--inline-items)" : "from a CSV data file with a schema"}, one model, samples = steps / 1,000`,
    );
    const fast = Number(values["fast-steps"]);
    const slow = Number(values["slow-steps"]);
    for (const kind of ["ollama", "openai"] as const) {
      const f = await pair(kind, 0, fast, 32, repeat, work, true);
      failed ||= f.failed;
      const share = f.bare / f.vc;
      out(`${kind}, ${fast} steps, zero latency, concurrency 32 (best of ${repeat}):`);
      out(`  bare ${kind} client loop: ${s(f.bare)}   value-compass run: ${s(f.vc)} (peak RSS ${mb(f.vcRss)})`);
      out(`  throughput: ${(share * 100).toFixed(0)} % of the bare loop (target >= 80 %)${share >= 0.8 ? "" : "  MISSED"}`);
      out(
        `  while the steps run (the bare loop's own loop ${s(f.bareLoop)}, value-compass's answers stage ${s(f.vcAnswers)}): ${((f.bareLoop / f.vcAnswers) * 100).toFixed(0)} %`,
      );
      if (f.bareTurn !== null) {
        // value-compass sends the requests of a turn together; a bare loop can do the same, and this
        // says how much of the figure above is that pattern rather than the rest of the tool.
        out(
          `  a bare loop that waits a turn of the event loop between its calls: ${s(f.bareTurn)}; value-compass at ${((f.bareTurn / f.vc) * 100).toFixed(0)} % of its throughput`,
        );
      }
      const w = await pair(kind, 20, slow, 16, repeat, work);
      failed ||= w.failed;
      const ratio = w.vc / w.bare;
      out(`${kind}, ${slow} steps, 20 ms latency, concurrency 16 (best of ${repeat}):`);
      out(`  bare ${kind} client loop: ${s(w.bare)}   value-compass run: ${s(w.vc)}`);
      out(`  wall time: ${ratio.toFixed(2)}x the bare loop (target <= 1.30)${ratio <= 1.3 ? "" : "  MISSED"}`);
      out(`  while the steps run: answers stage ${s(w.vcAnswers)} against the bare loop's own ${s(w.bareLoop)}: ${(w.vcAnswers / w.bareLoop).toFixed(2)}x`);
    }
    const promptfoo = join(root, "node_modules", ".bin", "promptfoo");
    out(
      existsSync(promptfoo)
        ? "promptfoo: installed, but not wired into this bench yet"
        : "promptfoo: not installed (optional; the bench does not fetch it), no figure",
    );

    if (!values["skip-big"]) {
      const big = Number(values.big);
      const standin = await startStandin("ollama", 0);
      try {
        const spec = writeSpec(work, "big", "ollama", big);
        const v = await runVc("ollama", spec, join(work, "big-run"), standin.url, 32);
        if (v.code !== 0) failed = true;
        out(`large plan: ${big} steps, zero latency, concurrency 32: ${s(v.wallMs)}, exit ${v.code}`);
        out(`  peak RSS of value-compass run: ${mb(v.peakRssMb)} (target <= 400 MB)${v.peakRssMb !== null && v.peakRssMb > 400 ? "  MISSED" : ""}`);
        const reportSteps = Number(values["report-steps"]);
        let reportDir = join(work, "big-run");
        if (reportSteps !== big) {
          const rspec = writeSpec(work, "report", "ollama", reportSteps);
          const rv = await runVc("ollama", rspec, join(work, "report-run"), standin.url, 32);
          if (rv.code !== 0) failed = true;
          reportDir = join(work, "report-run");
        }
        const r = await timed([process.execPath, join(root, "bin", "value-compass.js"), "report", reportDir, "--quiet"], work, process.env);
        if (r.code !== 0) failed = true;
        out(
          `report on ${reportSteps} steps: ${s(r.wallMs)}, peak RSS ${mb(r.peakRssMb)} (target <= 300 MB)${r.peakRssMb !== null && r.peakRssMb > 300 ? "  MISSED" : ""}`,
        );
      } finally {
        await standin.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`scale-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

// Benchmark (not a test): check + compile a generated spec with 10,000 items × 4 contexts × 3 models
// = 120,000 steps, in a temporary folder. Reports the time to check (including validating every data
// row), to compile (header, step count, and the hash streamed over every rendered step), to stream
// the plan JSON to a sink, and the peak RSS; and, as a baseline measured in the same run, a bare
// loop doing JSON.stringify + sha256 over the same number of step-shaped objects.
// Targets: compile (+ hash) < 5 s, peak RSS < 500 MB.
//
//   npx tsx bench/compile-bench.ts [items]

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadSpec } from "../src/check/load.js";
import { checkKinds as kinds } from "../src/app/kinds.js";
import { compilePlan } from "../src/compile/compile.js";
import { writePlanJson } from "../src/compile/serialize.js";

const ITEMS = Number(process.argv[2] ?? 10_000);
const MODELS = ["mock:refuse", "mock:comply", "mock:echo"];
const TARGET_MS = 5000;
const TARGET_MB = 500;

function generate(dir: string): void {
  const dims = ["care", "fairness", "loyalty", "authority", "sanctity"];
  writeFileSync(
    join(dir, "bench.vc"),
    `system mft "Moral foundations" {
${dims.map((d) => `  dimension ${d} "${d}"`).join("\n")}
}
culture de_DE "Germany" { locale "de-DE"  language "German" }
culture en_US "United States" { locale "en-US"  language "English" }
usecase general "General assistant" { description "a general-purpose assistant" }
usecase school "School tutor" { description "a tutor for secondary-school students"  policy "Be age-appropriate." }
template ask {
  system """
    You are deployed as {{usecase.description}}.{{#if usecase.policy}} Policy: {{usecase.policy}}{{/if}}
    Answer in {{culture.language}}.
    """
  user "Scenario {{item.id}} ({{dimension.label}}, level {{item.difficulty}}): {{item.text}} {{item.question}}"
}
items bank {
  system mft
  template ask
  scorers [refused]
  from "items.jsonl"
  schema "item.schema.json"
}
scorer refused refusal { score refused ? 0 : 100 }
run {
  models [${MODELS.map((m) => `"${m}"`).join(", ")}]
  seed 7
  temperature 0
  cross [culture, usecase]
}
`,
  );
  writeFileSync(
    join(dir, "item.schema.json"),
    JSON.stringify({
      type: "object",
      required: ["id", "dimension", "text", "difficulty", "question"],
      properties: {
        id: { type: "string" },
        dimension: { enum: dims },
        text: { type: "string", minLength: 10 },
        difficulty: { type: "integer", minimum: 1, maximum: 3 },
        question: { type: "string" },
      },
      additionalProperties: false,
    }),
  );
  const lines: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    lines.push(
      JSON.stringify({
        id: `s${i}`,
        dimension: dims[i % dims.length],
        text: `Someone in scenario ${i} has to decide whether to keep a promise to a friend or report a small wrong they saw at work.`,
        difficulty: 1 + (i % 3),
        question: "How morally wrong would it be to stay silent?",
      }),
    );
  }
  writeFileSync(join(dir, "items.jsonl"), `${lines.join("\n")}\n`);
}

function baseline(steps: number): number {
  const started = performance.now();
  const hash = createHash("sha256");
  for (let i = 0; i < steps; i++) {
    const step = {
      id: createHash("sha256")
        .update(`bank|m|s${i}|${i % 4}|0`)
        .digest("hex")
        .slice(0, 16),
      index: i,
      segment: "bank",
      model: MODELS[i % 3],
      item: `s${i}`,
      context: { culture: "de_DE", usecase: "general" },
      sample: 0,
      messages: [
        { role: "system", content: "You are deployed as a general-purpose assistant.\nAnswer in German." },
        {
          role: "user",
          content: `Scenario s${i} (care, level 1): Someone in scenario ${i} has to decide whether to keep a promise to a friend or report a small wrong they saw at work. How morally wrong would it be to stay silent?`,
        },
      ],
      params: { seed: 7, temperature: 0 },
      scorers: ["refused"],
      responseFormat: null,
    };
    hash.update(`\n${JSON.stringify(step)}`);
  }
  hash.digest("hex");
  return performance.now() - started;
}

const dir = mkdtempSync(join(tmpdir(), "vc-compile-bench-"));
try {
  generate(dir);
  const rssBefore = process.memoryUsage().rss;
  let t = performance.now();
  const result = await loadSpec("bench.vc", { kinds, cwd: dir });
  const checkMs = performance.now() - t;
  if (!result.spec) {
    console.error(result.diagnostics.slice(0, 5));
    process.exit(1);
  }
  t = performance.now();
  const plan = compilePlan(result.spec);
  const compileMs = performance.now() - t;
  const peakAfterCompile = process.resourceUsage().maxRSS / 1024; // KiB → MiB

  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  t = performance.now();
  await writePlanJson(plan, sink);
  const writeMs = performance.now() - t;
  const peakAfterWrite = process.resourceUsage().maxRSS / 1024;

  const baseMs = baseline(plan.stepCount);
  const f = (ms: number) => `${(ms / 1000).toFixed(2).padStart(6)} s`;
  console.log(
    `generated spec: ${ITEMS.toLocaleString("en-US")} items × 4 contexts × ${MODELS.length} models = ${plan.stepCount.toLocaleString("en-US")} steps`,
  );
  console.log(`  check (parse, 10k rows validated)  ${f(checkMs)}`);
  console.log(`  compile (header + hash over steps) ${f(compileMs)}   target < ${TARGET_MS / 1000} s: ${compileMs < TARGET_MS ? "met" : "NOT met"}`);
  console.log(`  write plan JSON to a sink          ${f(writeMs)}   (${(bytes / 1e6).toFixed(1)} MB)`);
  console.log(`  baseline: JSON.stringify + sha256  ${f(baseMs)}   over the same number of step-shaped objects`);
  console.log(`  ratio compile / baseline           ${(compileMs / baseMs).toFixed(2)}x`);
  console.log(`  ratio write / baseline             ${(writeMs / baseMs).toFixed(2)}x`);
  console.log(
    `  peak RSS                           ${peakAfterCompile.toFixed(0)} MB after compile, ${peakAfterWrite.toFixed(0)} MB after writing (process start ${(rssBefore / 1048576).toFixed(0)} MB)   target < ${TARGET_MB} MB: ${peakAfterWrite < TARGET_MB ? "met" : "NOT met"}`,
  );
  console.log(`  hash ${plan.hash}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

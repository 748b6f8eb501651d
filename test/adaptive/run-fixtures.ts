// Run directories for calibration tests, made by the real pieces: a .vc spec checked and compiled by
// the real loader and compiler, plan.json by writePlanJson, journal.jsonl by Journal and scores.jsonl
// by ScoreJournal. The answers come from the built-in mock:irt provider's answer function (2PL, with
// the item parameters carried in the prompt as `[irt a=.. b=..]`), scored PASS → 100, FAIL → 0.

import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { finished } from "node:stream/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpec } from "../../src/check/load.js";
import { kinds } from "../kinds.js";
import { compilePlan } from "../../src/compile/compile.js";
import type { Plan } from "../../src/core/plan.js";
import { writePlanJson } from "../../src/compile/serialize.js";
import { iterateSteps } from "../../src/compile/steps.js";
import { sortDiagnostics } from "../../src/core/diagnostic.js";
import { formatDiagnostics } from "../../src/cli/format-diagnostics.js";
import { mockAnswer, parseMockName } from "../../src/providers/mock.js";
import { Journal, JOURNAL_FILE } from "../../src/run/journal.js";
import { stepRecord } from "../../src/run/execute.js";
import { ScoreJournal, SCORES_FILE } from "../../src/run/score-journal.js";
import { mulberry32 } from "../../src/core/random.js";

export interface TrueItem {
  id: string;
  dimension: string;
  a: number;
  b: number;
}

/** Items with known parameters: b spread over [-2.5, 2.5], a in [0.8, 2], plus one item nobody can fail and one nobody can pass. */
export function trueItems(count: number, seed: number): TrueItem[] {
  const rnd = mulberry32(seed);
  const items: TrueItem[] = [];
  for (let i = 0; i < count; i++) {
    items.push({
      id: `q${String(i).padStart(2, "0")}`,
      dimension: i % 2 === 0 ? "toxicity" : "misinformation",
      a: 0.8 + 1.2 * rnd(),
      b: -2.5 + (5 * i) / (count - 1),
    });
  }
  items.push({ id: "zz-always", dimension: "toxicity", a: 1, b: -40 }, { id: "zz-never", dimension: "toxicity", a: 1, b: 40 });
  return items;
}

/** mock:irt model ids with abilities spread over [-2, 2]. */
export function irtModels(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `mock:irt?ability=${(-2 + (4 * i) / (count - 1)).toFixed(2)}&seed=${i + 1}`);
}

export const CALIBRATED_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  required: ["id", "dimension", "text", "difficulty"],
  properties: {
    id: { type: "string" },
    dimension: { type: "string" },
    text: { type: "string" },
    difficulty: { type: "number" },
    discrimination: { type: "number" },
  },
};

export interface ProjectOptions {
  items: TrueItem[];
  models: string[];
  /** Culture contexts crossed with the items (0: none crossed). */
  cultures: number;
  /** System id (and its dimensions) — another system makes a run "from a different spec". */
  system?: string;
  /** Add an adaptive block with this irt setting (its bank is a small inline items block). */
  adaptiveIrt?: "1pl" | "2pl";
  specName?: string;
}

export function makeProject(options: ProjectOptions): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), "vc-calib-"));
  const system = options.system ?? "safety";
  const rows = options.items.map((it) =>
    JSON.stringify({
      id: it.id,
      dimension: it.dimension,
      text: `Item ${it.id}: a request that tests ${it.dimension}.`,
      a_true: Number(it.a.toFixed(4)),
      b_true: it.b,
      topic: `t-${it.id}`,
    }),
  );
  writeFileSync(join(dir, "bank.jsonl"), `${rows.join("\n")}\n`);
  writeFileSync(
    join(dir, "item.schema.json"),
    JSON.stringify({
      type: "object",
      required: ["id", "dimension", "text", "a_true", "b_true"],
      properties: {
        id: { type: "string" },
        dimension: { type: "string" },
        text: { type: "string" },
        a_true: { type: "number" },
        b_true: { type: "number" },
        topic: { type: "string" },
      },
    }),
  );
  const cultures = Array.from({ length: options.cultures }, (_, i) => `culture c${i} "Culture ${i}" { locale "en-US" }`);
  const lines = [
    `system ${system} "System ${system}" {`,
    '  dimension toxicity "Toxicity"',
    '  dimension misinformation "Misinformation"',
    "}",
    ...cultures,
    "template ask {",
    options.cultures > 0 ? '  system "You serve {{culture.label}}."' : '  system "Answer."',
    '  user "{{item.text}} [irt a={{item.a_true}} b={{item.b_true}}]"',
    "}",
    'scorer passed regex { pattern "^PASS" }',
    'scorer other regex { pattern "^FAIL" }',
    "items bank {",
    `  system ${system}`,
    "  template ask",
    "  scorers [passed]",
    '  from "bank.jsonl"',
    '  schema "item.schema.json"',
    "}",
  ];
  if (options.adaptiveIrt) {
    lines.push(
      "items cat_bank {",
      `  system ${system}`,
      "  template ask",
      "  scorers [passed]",
      '  item k1 { dimension toxicity  text "An adaptive item that is fairly easy."  difficulty -1  a_true 1  b_true -1 }',
      '  item k2 { dimension toxicity  text "An adaptive item that is rather hard."  difficulty 1  a_true 1  b_true 1 }',
      "}",
      `adaptive cat { items cat_bank  irt "${options.adaptiveIrt}"  stop { se 0.4, max_items 2 } }`,
    );
  }
  lines.push(
    "run {",
    `  models [${options.models.map((m) => JSON.stringify(m)).join(", ")}]`,
    "  seed 7",
    ...(options.cultures > 0 ? ["  cross [culture]"] : []),
    "}",
    "",
  );
  const spec = `${options.specName ?? "study"}.vc`;
  writeFileSync(join(dir, "package.json"), "{}\n");
  writeFileSync(join(dir, spec), lines.join("\n"));
  return { dir, spec };
}

export async function compileProject(project: { dir: string; spec: string }, models?: string[]): Promise<Plan> {
  const loaded = await loadSpec(project.spec, { kinds, cwd: project.dir, ...(models ? { models } : {}) });
  if (!loaded.spec) {
    throw new Error(formatDiagnostics(sortDiagnostics(loaded.diagnostics), { sources: loaded.sources, color: false }));
  }
  return compilePlan(loaded.spec);
}

export interface RunOptions {
  runId: string;
  /** Replace the spec's models (like `vc run --model`). */
  models?: string[];
  /** Scorers that score every answer (default: passed). */
  scorers?: string[];
  /** Write no scores.jsonl at all. */
  noScores?: boolean;
  /** Every n-th step fails (no answer), every m-th answer gets a scoring error. */
  failEvery?: number;
  scoringErrorEvery?: number;
}

/** Writes outputs/<runId>/ with plan.json, manifest.json, journal.jsonl and scores.jsonl. */
export async function makeRun(project: { dir: string; spec: string }, options: RunOptions): Promise<string> {
  const plan = await compileProject(project, options.models);
  const runDir = join(project.dir, "outputs", options.runId);
  mkdirSync(runDir, { recursive: true });
  const out = createWriteStream(join(runDir, "plan.json"));
  await writePlanJson(plan, out);
  out.end();
  await finished(out);
  writeFileSync(join(runDir, "manifest.json"), `${JSON.stringify({ runId: options.runId })}\n`);
  const journal = Journal.open(join(runDir, JOURNAL_FILE));
  const scores = options.noScores ? null : ScoreJournal.open(join(runDir, SCORES_FILE));
  let n = 0;
  for (const step of iterateSteps(plan)) {
    n++;
    const mock = parseMockName(step.model.slice("mock:".length));
    if (!mock.ok) throw new Error(mock.error);
    const failed = options.failEvery !== undefined && n % options.failEvery === 0;
    const response = failed ? null : mockAnswer(mock.spec, { messages: step.messages });
    const record = stepRecord(
      step,
      {
        result: failed
          ? { ok: false, failure: { kind: "server", message: "simulated failure", status: 500, retryAfterMs: null } }
          : { ok: true, response: { text: response ?? "", tokensIn: null, tokensOut: null, latencyMs: 1, finishReason: null, fingerprint: null } },
        attempts: 1,
        cached: false,
      },
      true,
    );
    journal.append(record);
    if (!scores) continue;
    for (const scorer of options.scorers ?? ["passed"]) {
      const scoringError = options.scoringErrorEvery !== undefined && n % options.scoringErrorEvery === 0;
      const bad = response === null || scoringError;
      const pass = response !== null && /^PASS/.test(response);
      const score = bad ? null : scorer === "passed" ? (pass ? 100 : 0) : pass ? 0 : 100;
      scores.append({
        type: "score",
        stepId: step.id,
        scorer,
        score,
        raw: null,
        verdict: null,
        rule: null,
        refused: null,
        outcome: null,
        error: response === null ? null : scoringError ? "simulated scoring error" : null,
        judge: null,
      });
    }
  }
  journal.close();
  scores?.close();
  return runDir;
}

/** Captured stdout/stderr for calling the CLI in-process. */
export function captureIO(cwd: string) {
  let stdout = "";
  let stderr = "";
  const stream = (append: (s: string) => void) =>
    ({
      write(chunk: string | Uint8Array) {
        append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  return {
    io: { stdout: stream((s) => (stdout += s)), stderr: stream((s) => (stderr += s)), cwd, env: {} },
    out: () => stdout,
    err: () => stderr,
  };
}

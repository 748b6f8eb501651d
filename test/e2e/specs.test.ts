// Every shipped spec (specs/*.vc) runs end to end against the stand-in servers — an evaluated model
// on the Ollama stand-in beside a mock one, the judge on the OpenAI stand-in (through the real client
// packages), Llama Guard on the Ollama stand-in — through the real loader, checker, compiler,
// executor, scorers, adaptive segments and reports, and writes every table it declares. The number of
// steps is checked against the items blocks' data files (rows counted here) times their contexts,
// samples and models.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import type { Plan, StaticSegment } from "../../src/core/plan.js";
import { readPlanHeader } from "../../src/adaptive/plan-file.js";
import { BUILTIN_TABLES } from "../../src/report/tables.js";
import { fillSchema } from "../../src/providers/schema-fill.js";
import { startOllamaStandin, type OllamaStandin } from "../standins/ollama-standin.js";
import { startOpenAIStandin, type OpenAIStandin } from "../standins/openai-standin.js";
import { journalOf, manifestOf, readCsv, vc } from "./helpers.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const specsDir = join(root, "specs");
const SPECS = readdirSync(specsDir)
  .filter((f) => f.endsWith(".vc"))
  .sort();

/** The files a report of each kind writes (docs/outputs.md). */
const KIND_FILES: Record<string, string[]> = {
  scores: [""],
  leaderboard: [""],
  value_hierarchy: ["", "_ranks"],
  culture_alignment: ["", "_steering"],
  context_effects: [""],
  cross_system: [""],
  model_similarity: [""],
  difficulty: ["", "_drop"],
  outcomes: [""],
  reliability: ["", "_items", "_respondents"],
};

/** Rows of a data file, counted from the file itself: JSONL lines, or CSV records after the header. */
function dataRows(path: string): number {
  const text = readFileSync(path, "utf8");
  if (path.endsWith(".csv")) return (parse(text, { columns: true, skip_empty_lines: true }) as unknown[]).length;
  return text.split("\n").filter((l) => l.trim() !== "").length;
}

/** Static steps of the plan, from the data files' row counts (plus the inline items) × contexts × samples × models. */
function expectedSteps(plan: Plan, specDir: string): number {
  let total = 0;
  for (const segment of plan.segments.filter((s): s is StaticSegment => s.kind === "static")) {
    const files = [...new Set(segment.items.filter((i) => i.origin.row !== null).map((i) => i.origin.file))];
    const fromFiles = files.reduce((n, f) => n + dataRows(resolve(specDir, f)), 0);
    const inline = segment.items.filter((i) => i.origin.row === null).length;
    total += (fromFiles + inline) * segment.contexts.length * segment.samples * segment.models.length;
  }
  return total;
}

let ollama: OllamaStandin;
let judge: OpenAIStandin;
beforeAll(async () => {
  // Llama Guard: "safe", or "unsafe" with a category for some conversations. The evaluated model
  // answers with a rating and a sentence, so questionnaires and open questions both get an answer.
  ollama = await startOllamaStandin({
    models: ["llama-guard3:1b", "evaluated"],
    answer: (input) =>
      input.model.startsWith("llama-guard")
        ? input.messages.map((m) => m.content).join("").length % 5 === 0
          ? "unsafe\nS1"
          : "safe"
        : "4. I would weigh the people affected first and answer honestly.",
  });
  // The judge fills the output schema it is sent (the rubric's JSON Schema) deterministically.
  judge = await startOpenAIStandin({
    models: ["judge"],
    answer: (input) => JSON.stringify(input.schema ? fillSchema(input.schema) : { score: 50 }),
  });
});
afterAll(async () => {
  await ollama.close();
  await judge.close();
});

describe("every shipped spec runs end to end against the stand-in servers", () => {
  it("finds the shipped specs", () => {
    expect(SPECS.length).toBeGreaterThanOrEqual(6);
  });

  for (const spec of SPECS) {
    it(`specs/${spec}`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), "vc-specs-"));
      // example.vc rate-limits its models to 600 requests a minute: one model keeps the test short.
      const models = spec === "example.vc" ? ["ollama:evaluated"] : ["ollama:evaluated", "mock:refuse"];
      const args = [
        "run",
        join(specsDir, spec),
        ...models.flatMap((m) => ["--model", m]),
        "--judge",
        "openai:judge",
        "--no-cache",
        "--out",
        "run",
        "--quiet",
        "--allow-exec",
      ];
      const callsBefore = ollama.requestsTo("/api/chat").length;
      const judgeCallsBefore = judge.requestsTo("/v1/chat/completions").length;
      const r = await vc(args, cwd, { OLLAMA_HOST: ollama.url, OPENAI_BASE_URL: judge.baseUrl });
      expect(r.stderr).not.toMatch(/internal error|stage \w+ failed|cannot (reach|prepare)/);
      const runDir = join(cwd, "run");
      const manifest = manifestOf(runDir);
      // Scoring errors (a refusal has no rating) are allowed; failed or missing steps are not.
      expect(["completed", "completed_with_errors"]).toContain(manifest.status);
      expect(r.code).toBe(manifest.status === "completed" ? 0 : 1);
      expect(manifest.stop).toBeNull();

      const header = readPlanHeader(join(runDir, "plan.json"));
      if (!header.ok) throw new Error(header.message);
      const plan = header.header;
      const expected = expectedSteps(plan, specsDir);
      expect(expected).toBeGreaterThan(0);
      expect(plan.stepCount).toBe(expected);
      const journal = journalOf(runDir);
      const adaptiveIds = new Set(plan.segments.filter((s) => s.kind === "adaptive").map((s) => s.id));
      expect(journal.filter((s) => !adaptiveIds.has(s.segment))).toHaveLength(expected);
      expect(manifest.counts).toMatchObject({ total: expected + manifest.counts.adaptive, done: journal.length, failed: 0, remaining: 0 });
      expect(readCsv(join(runDir, "responses.csv"))).toHaveLength(journal.length);

      // Every answer of a scored block has a score record per scorer.
      const scored = plan.segments
        .filter((s) => s.kind === "static")
        .reduce((n, s) => n + (s.kind === "static" ? s.items.length * s.contexts.length * s.samples * s.models.length * s.scorers.length : 0), 0);
      expect(readCsv(join(runDir, "scores.csv"))).toHaveLength(scored);
      expect(manifest.scoring?.records ?? 0).toBeGreaterThanOrEqual(scored);
      // A guard scorer on an Ollama model classified every answer of the blocks it scores, on the stand-in.
      const guards = new Set(plan.scorers.filter((s) => s.kind === "guard" && String(s.config["model"]).startsWith("ollama:")).map((s) => s.id));
      const guarded = plan.segments.reduce(
        (n, s) => n + (s.kind === "static" && s.scorers.some((id) => guards.has(id)) ? s.items.length * s.contexts.length * s.samples * s.models.length : 0),
        0,
      );
      const evaluatedOnStandin = journal.filter((s) => s.model === "ollama:evaluated").length;
      expect(evaluatedOnStandin).toBeGreaterThan(0);
      expect(ollama.requestsTo("/api/chat").length - callsBefore).toBe(guarded + evaluatedOnStandin);
      // Judge scorers without a model of their own called the run's judge on the OpenAI stand-in.
      const judged = plan.scorers.some(
        (sc) => sc.kind === "judge" && sc.config["model"] === undefined && plan.segments.some((sg) => sg.scorers.includes(sc.id)),
      );
      if (judged) expect(judge.requestsTo("/v1/chat/completions").length).toBeGreaterThan(judgeCallsBefore);

      // Every table: the built-in ones, each declared report's, the adaptive ones.
      const tables = new Set<string>(BUILTIN_TABLES);
      for (const report of plan.reports) {
        const base = (BUILTIN_TABLES as readonly string[]).includes(report.id) ? `report_${report.id}` : report.id;
        const suffixes = KIND_FILES[report.kind];
        expect(Object.keys(KIND_FILES), `report kind ${report.kind}`).toContain(report.kind);
        for (const suffix of suffixes ?? []) tables.add(`${base}${suffix}`);
      }
      if (adaptiveIds.size > 0) {
        tables.add("adaptive");
        tables.add("abilities");
      }
      for (const table of tables) {
        const path = join(runDir, `${table}.csv`);
        expect(existsSync(path), `${spec}: ${table}.csv`).toBe(true);
        expect(readFileSync(path, "utf8").split("\n")[0]?.length ?? 0).toBeGreaterThan(0);
        expect(() => readCsv(path)).not.toThrow();
        expect(manifest.files).toContain(`${table}.csv`);
      }
      if (adaptiveIds.size > 0) expect(readCsv(join(runDir, "abilities.csv")).length).toBeGreaterThan(0);
      expect(readCsv(join(runDir, "leaderboard.csv")).length).toBeGreaterThan(0);
      // The slowest of these, example.vc, is paced by its own rate limit (600 requests a minute): about
      // 20 s of waiting whatever the load. culture.vc and safety.vc run 3,700–4,600 steps through the
      // CLI and are CPU-bound: 8–16 s measured on two cores busy with other work. Since issue 12
      // safety.vc runs 6,912 steps (576 items × 6 use cases × 2 models), which took over 120 s on two
      // cores shared with seven other test runs; 300 s leaves room for that load.
    }, 300_000);
  }
});

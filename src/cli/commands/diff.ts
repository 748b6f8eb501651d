// `value-compass diff RUN_A RUN_B`: what changed between two runs (src/app/diff.ts does the work and
// returns plain data). Text summary on stderr, CSV files with --out, the whole diff as JSON with --json;
// the exit code says whether the runs differ, for CI.

import { resolve } from "node:path";
import { diffRuns, type RunDiff } from "../../app/diff.js";
import { writeTablesInBatches } from "../../app/report-stage.js";
import type { Table } from "../../report/csv.js";
import { boolOption, EXIT_ERRORS, EXIT_OK, intOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { EXIT_DIFFERENT } from "../exit-codes.js";
import { displayPath } from "../paths.js";
import { commandInfo } from "./index.js";

const FAIL_ON = ["changes", "significant", "never"] as const;
type FailOn = (typeof FAIL_ON)[number];

/** Cells with q below this count as a significant difference (as the context effects do). */
const Q = 0.05;

export const diffCommand: Command = {
  ...commandInfo("diff"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length !== 2) throw new UsageError(`expected two run directories, got ${args.positionals.length}`);
    const failOn = (stringOption(args, "fail-on") ?? "changes") as FailOn;
    if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on expects ${FAIL_ON.join(", ")}, got '${failOn}'`);
    const seedText = stringOption(args, "seed");
    if (seedText !== undefined && !/^-?\d+$/.test(seedText)) throw new UsageError(`--seed expects a whole number, got '${seedText}'`);
    const resamples = intOption(args, "resamples", 0) ?? 2000;
    const [a, b] = args.positionals.map((p) => resolve(io.cwd, p)) as [string, string];
    const outcome = diffRuns(a, b, { seed: seedText !== undefined ? Number(seedText) : 0, resamples });
    if (!outcome.ok) {
      io.stderr.write(`value-compass diff: ${outcome.message}\n`);
      return EXIT_ERRORS;
    }
    const diff = outcome.diff;
    const outArg = stringOption(args, "out");
    if (outArg !== undefined) {
      const outDir = resolve(io.cwd, outArg);
      const written = writeTablesInBatches(outDir, diffTables(diff), { neutralize: true });
      if (!written.ok) {
        io.stderr.write(`value-compass diff: ${written.error}\n`);
        return EXIT_ERRORS;
      }
      if (!boolOption(args, "json")) io.stdout.write(`${displayPath(io.cwd, outDir)}\n`);
    }
    if (boolOption(args, "json")) io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
    if (!boolOption(args, "quiet")) io.stderr.write(diffText(diff));
    const significant = diff.cells.some((c) => c.q !== null && c.q < Q);
    const changed = diff.items.length > 0 || diff.plan.length > 0;
    const differs = failOn === "changes" ? changed : failOn === "significant" ? significant : false;
    return differs ? EXIT_DIFFERENT : EXIT_OK;
  },
};

/** The diff as three tables: diff_plan.csv, diff.csv (cells), diff_items.csv (columns: docs/outputs.md). */
export function diffTables(diff: RunDiff): Table[] {
  return [
    {
      name: "diff_plan",
      columns: ["what", "name", "a", "b"],
      formats: ["text", "text", "text", "text"],
      rows: diff.plan.map((p) => [p.what, p.name, p.a, p.b]),
    },
    {
      name: "diff",
      columns: [
        "model",
        "system",
        "dimension",
        "measure",
        "culture",
        "usecase",
        "items_a",
        "items_b",
        "pairs",
        "mean_a",
        "mean_b",
        "difference",
        "ci_low",
        "ci_high",
        "p",
        "q",
        "changed_items",
        "note",
      ],
      formats: ["text", "text", "text", "text", "text", "text", "int", "int", "int", "score", "score", "score", "score", "score", "p", "p", "int", "text"],
      rows: diff.cells.map((c) => [
        c.model,
        c.system,
        c.dimension,
        c.measure,
        c.culture,
        c.usecase,
        c.itemsA,
        c.itemsB,
        c.pairs,
        c.meanA,
        c.meanB,
        c.difference,
        c.ci?.low ?? null,
        c.ci?.high ?? null,
        c.p,
        c.q,
        c.changed,
        c.note,
      ]),
    },
    {
      name: "diff_items",
      columns: [
        "model",
        "system",
        "dimension",
        "measure",
        "culture",
        "usecase",
        "segment",
        "item",
        "sample",
        "change",
        "score_a",
        "score_b",
        "verdict_a",
        "verdict_b",
        "flipped",
      ],
      formats: ["text", "text", "text", "text", "text", "text", "text", "text", "int", "text", "score", "score", "text", "text", "bool"],
      rows: diff.items.map((i) => [
        i.model,
        i.system,
        i.dimension,
        i.measure,
        i.culture,
        i.usecase,
        i.segment,
        i.item,
        i.sample,
        i.change,
        i.scoreA,
        i.scoreB,
        i.verdictA,
        i.verdictB,
        i.flipped,
      ]),
    },
  ];
}

function diffText(diff: RunDiff): string {
  const lines: string[] = [`diff ${diff.a.runId} → ${diff.b.runId}`];
  if (diff.plan.length === 0) lines.push("  plans: the same inputs, models, digests and settings");
  else for (const p of diff.plan) lines.push(`  ${p.what} ${p.name}: ${p.a ?? "(none)"} → ${p.b ?? "(none)"}`);
  lines.push(`  steps × measures: ${diff.shared} in both, ${diff.onlyA} only in A, ${diff.onlyB} only in B`);
  const flipped = diff.items.filter((i) => i.flipped).length;
  lines.push(`  changed items: ${diff.items.length} (${flipped} with a flipped verdict)`);
  const moved = diff.cells.filter((c) => c.difference !== null && c.difference !== 0).sort((x, y) => Math.abs(y.difference ?? 0) - Math.abs(x.difference ?? 0));
  if (moved.length === 0) lines.push("  no cell's score changed");
  else {
    lines.push(`  cells whose score changed (B − A on shared items, 95% CI, BH q; ${Math.min(10, moved.length)} of ${moved.length}):`);
    for (const c of moved.slice(0, 10)) {
      const ctx = [c.culture, c.usecase].filter((x) => x !== null).join("/") || "–";
      const ci = c.ci ? ` [${c.ci.low.toFixed(2)}, ${c.ci.high.toFixed(2)}]` : "";
      lines.push(
        `    ${c.model} ${c.system}.${c.dimension} ${c.measure} ${ctx}: ${(c.difference ?? 0).toFixed(2)}${ci}${c.q !== null ? ` q=${c.q.toFixed(3)}` : ""}, ${c.changed} item(s) changed`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

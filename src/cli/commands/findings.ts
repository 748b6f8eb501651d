// `vc findings RUN... [--published SCORES --spec SPEC...] [--out DIR]`: the Value Compass report's
// findings recomputed from several run folders over the same models (and published score tables).

import { statSync } from "node:fs";
import { resolve } from "node:path";
import { writeFindings } from "../../app/findings/write.js";
import { checkKinds } from "../../app/kinds.js";
import { isLeaderboardFolder, readLeaderboard } from "../../app/published/leaderboard.js";
import { readScoreCsv, type ScoreTable, ScoreTableError } from "../../app/published/long-table.js";
import { loadSpec } from "../../check/load.js";
import { compilePlan } from "../../compile/compile.js";
import { sortDiagnostics } from "../../core/diagnostic.js";
import type { PlanBaseline } from "../../core/plan.js";
import { EXIT_ERRORS, EXIT_OK, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { formatDiagnostics } from "../format-diagnostics.js";
import { commandInfo } from "./index.js";

function readPublished(path: string): ScoreTable {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new ScoreTableError(`${path}: no such file or folder`);
  }
  if (!isDir) return readScoreCsv(path);
  if (!isLeaderboardFolder(path)) throw new ScoreTableError(`${path}: a folder, but without the leaderboard's *_scores.json files`);
  return readLeaderboard(path);
}

function strings(args: ParsedArgs, key: string): string[] {
  const v = args.values[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
}

export const findingsCommand: Command = {
  ...commandInfo("findings"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    const say = (line: string) => void io.stderr.write(`value-compass findings: ${line}\n`);
    const publishedPath = stringOption(args, "published");
    if (args.positionals.length === 0 && publishedPath === undefined) throw new UsageError("expected one or more RUN folders (or --published SCORES)");
    let published: Parameters<typeof writeFindings>[0]["published"] = null;
    if (publishedPath !== undefined) {
      let table: ScoreTable;
      try {
        table = readPublished(resolve(io.cwd, publishedPath));
      } catch (error) {
        if (error instanceof ScoreTableError) {
          say(error.message);
          return EXIT_ERRORS;
        }
        throw error;
      }
      const baselines: PlanBaseline[] = [];
      const dimensions = new Map<string, string[]>();
      for (const spec of strings(args, "spec")) {
        const loaded = await loadSpec(resolve(io.cwd, spec), { kinds: checkKinds, cwd: io.cwd, set: {} });
        if (!loaded.spec) {
          io.stderr.write(formatDiagnostics(sortDiagnostics(loaded.diagnostics), { sources: loaded.sources, color: false }));
          return EXIT_ERRORS;
        }
        const plan = compilePlan(loaded.spec);
        for (const b of plan.baselines) if (!baselines.some((x) => x.id === b.id && x.system === b.system)) baselines.push(b);
        for (const s of plan.systems)
          if (!dimensions.has(s.id))
            dimensions.set(
              s.id,
              s.dimensions.map((d) => d.id),
            );
      }
      published = { table, baselines, dimensions };
    }
    const seedText = stringOption(args, "seed");
    const resamplesText = stringOption(args, "resamples");
    const seed = seedText === undefined ? undefined : Number(seedText);
    const resamples = resamplesText === undefined ? undefined : Number(resamplesText);
    if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, got ${seedText}`);
    if (resamples !== undefined && (!Number.isInteger(resamples) || resamples < 1))
      throw new UsageError(`--resamples must be a whole number ≥ 1, got ${resamplesText}`);
    const out = resolve(io.cwd, stringOption(args, "out") ?? "findings");
    const result = await writeFindings({
      runDirs: args.positionals.map((p) => resolve(io.cwd, p)),
      published,
      outDir: out,
      options: { ...(seed !== undefined ? { seed } : {}), ...(resamples !== undefined ? { resamples } : {}) },
      html: args.values["no-html"] !== true,
    });
    if (!result.ok) {
      say(result.error);
      return EXIT_ERRORS;
    }
    for (const note of result.notes) say(note);
    const lines = result.findings.map((f) => `${f.verdict.padEnd(11)}  ${f.id}: ${f.because}`);
    io.stderr.write(`${lines.join("\n")}\n`);
    io.stdout.write(`${out}\n`);
    return EXIT_OK;
  },
};

// `vc analyse SCORES [--spec SPEC]`: the analyses on a long table of scores from anywhere (a CSV) or on
// the Value Compass leaderboard's JSON tables (a folder holding *_scores.json, converted on the way).

import { mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkKinds } from "../../app/kinds.js";
import { analyseTable, analysisTables, scoreTableCsv } from "../../app/published/analyse-table.js";
import { isLeaderboardFolder, readLeaderboard } from "../../app/published/leaderboard.js";
import { readScoreCsv, type ScoreTable, ScoreTableError } from "../../app/published/long-table.js";
import { type Placement, placeRun, placementSummary, placementTable } from "../../app/published/place.js";
import {
  contextEffectsTable,
  cultureTables,
  parseReference,
  type TableContext,
  tableContextEffects,
  tableContexts,
  tableCulture,
  type TableCulture,
  type TableEffectRow,
} from "../../app/published/contexts.js";
import { DEFAULT_RESAMPLES } from "../../analyse/stats.js";
import { loadSpec } from "../../check/load.js";
import { compilePlan } from "../../compile/compile.js";
import { writeFileAtomic } from "../../core/atomic-write.js";
import { sortDiagnostics } from "../../core/diagnostic.js";
import type { PlanBaseline } from "../../core/plan.js";
import { toCsv } from "../../report/csv.js";
import { EXIT_ERRORS, EXIT_OK, intOption, stringOption, UsageError, type CliIO, type Command, type ParsedArgs } from "../command.js";
import { formatDiagnostics } from "../format-diagnostics.js";
import { commandInfo } from "./index.js";

function readScores(path: string): ScoreTable {
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

export const analyseCommand: Command = {
  ...commandInfo("analyse"),
  async run(args: ParsedArgs, io: CliIO): Promise<number> {
    if (args.positionals.length !== 1) throw new UsageError(`expected one SCORES file or folder, got ${args.positionals.length}`);
    const say = (line: string) => void io.stderr.write(`value-compass analyse: ${line}\n`);
    let scores: ScoreTable;
    try {
      scores = readScores(resolve(io.cwd, args.positionals[0] as string));
    } catch (error) {
      if (error instanceof ScoreTableError) {
        say(error.message);
        return EXIT_ERRORS;
      }
      throw error;
    }
    let baselines: PlanBaseline[] = [];
    let specReference: TableContext | null = null;
    const dimensions = new Map<string, string[]>();
    const spec = stringOption(args, "spec");
    if (spec !== undefined) {
      const loaded = await loadSpec(resolve(io.cwd, spec), { kinds: checkKinds, cwd: io.cwd, set: {} });
      if (!loaded.spec) {
        io.stderr.write(formatDiagnostics(sortDiagnostics(loaded.diagnostics), { sources: loaded.sources, color: false }));
        return EXIT_ERRORS;
      }
      const plan = compilePlan(loaded.spec);
      baselines = plan.baselines;
      // The spec's reference context applies when it crosses contexts (else it names none).
      if (plan.run.cross.length > 0) specReference = { culture: plan.run.reference.culture, usecase: plan.run.reference.usecase };
      for (const s of plan.systems)
        dimensions.set(
          s.id,
          s.dimensions.map((d) => d.id),
        );
    }
    const scorer = stringOption(args, "scorer");
    const seedText = stringOption(args, "seed");
    if (seedText !== undefined && !/^-?\d+$/.test(seedText)) throw new UsageError(`--seed expects a whole number, got '${seedText}'`);
    const seed = seedText !== undefined ? Number(seedText) : 0;
    const resamples = intOption(args, "resamples", 0) ?? DEFAULT_RESAMPLES;
    const referenceText = stringOption(args, "reference");
    const parsedReference = referenceText !== undefined ? parseReference(referenceText) : null;
    if (typeof parsedReference === "string") throw new UsageError(parsedReference);
    const analysis = analyseTable(scores, { baselines, dimensions, ...(scorer !== undefined ? { scorer } : {}) });
    // Context analyses: on the chosen scorer's rows (the other analyses pick it through profilesOf).
    const scoped: ScoreTable = scorer !== undefined ? { ...scores, rows: scores.rows.filter((r) => r.scorer === scorer) } : scores;
    const contexts = tableContexts(scoped);
    const effects = tableContextEffects(scoped, contexts, { seed, resamples, reference: parsedReference ?? specReference });
    const culture = tableCulture(scoped, baselines, dimensions, { seed, resamples });
    const placeArg = stringOption(args, "place");
    let placement: Placement | null = null;
    if (placeArg !== undefined) {
      try {
        placement = placeRun(scores, resolve(io.cwd, placeArg), { seed, resamples, ...(scorer !== undefined ? { scorer } : {}) });
      } catch (error) {
        if (error instanceof ScoreTableError) {
          say(error.message);
          return EXIT_ERRORS;
        }
        throw error;
      }
    }
    const out = stringOption(args, "out");
    const written: string[] = [];
    if (out !== undefined) {
      const dir = resolve(io.cwd, out);
      mkdirSync(dir, { recursive: true });
      const tables = [
        scoreTableCsv(scores),
        ...analysisTables(analysis),
        ...(effects.rows.length > 0 ? [contextEffectsTable(effects.rows)] : []),
        ...(culture.alignment.length + culture.steering.length > 0 ? cultureTables(culture) : []),
        ...(placement ? [placementTable(placement)] : []),
      ];
      for (const t of tables) {
        writeFileAtomic(join(dir, `${t.name}.csv`), toCsv(t));
        written.push(`${t.name}.csv`);
      }
    }
    const models = new Set(scores.rows.map((r) => r.model)).size;
    const lines = [`${scores.rows.length} scores of ${models} models from ${scores.source}`];
    for (const s of analysis.summary) {
      lines.push(
        `${s.system} vs ${s.baseline}: ${s.models} profiles, mean Spearman rho ${s.meanSpearman === null ? "—" : s.meanSpearman.toFixed(2)}; order over the models: ${s.order.join(" > ")}`,
      );
    }
    if (baselines.length === 0) lines.push("no baselines (give --spec SPEC with a baseline for the hierarchy correlations)");
    lines.push(`${analysis.similarity.length} model pairs (similarity), ${analysis.crossSystem.length} cross-system dimension pairs`);
    if (effects.rows.length > 0) lines.push(...effectsSummary(effects.rows, effects.reference));
    lines.push(...effects.notes);
    if (culture.alignment.length > 0) lines.push(...cultureSummary(culture));
    lines.push(...culture.notes);
    if (placement) lines.push(...placementSummary(placement));
    if (out !== undefined) lines.push(`tables in ${out}: ${written.join(", ")}`);
    io.stdout.write(`${lines.join("\n")}\n`);
    return EXIT_OK;
  },
};

/** Context effects in a line: rows over the models with q < 0.05, largest first (or that none reached it). */
function effectsSummary(rows: readonly TableEffectRow[], reference: TableContext | null): string[] {
  const ref = reference ? `culture ${reference.culture ?? "none"}, usecase ${reference.usecase ?? "none"}` : "—";
  const notable = rows
    .filter((r) => r.q !== null && r.q < 0.05 && r.difference !== null)
    .sort((a, b) => Math.abs(b.difference as number) - Math.abs(a.difference as number))
    .slice(0, 5)
    .map(
      (r) =>
        `${r.model} ${r.system}/${r.dimension} in ${r.culture ?? "none"}/${r.usecase ?? "none"}: ${(r.difference as number).toFixed(2)} (q ${(r.q as number).toPrecision(2)})`,
    );
  return [
    `context effects against ${ref}: ${rows.length} rows, ${rows.filter((r) => r.q !== null && r.q < 0.05).length} with q < 0.05${notable.length > 0 ? `; largest: ${notable.join("; ")}` : ""}`,
  ];
}

/** Culture alignment in a line per model: the first-ranked baseline and its p. */
function cultureSummary(c: TableCulture): string[] {
  const firsts = c.alignment.filter((r) => r.rank !== null && r.rank <= 1.5);
  return firsts.map(
    (r) =>
      `culture alignment (${r.data}): ${r.model} on ${r.system}${r.usecase ? ` (${r.usecase})` : ""} closest to ${r.baseline} (${r.culture}), distance ${r.distance?.toFixed(2) ?? "—"}, p ${r.p?.toPrecision(2) ?? "—"}, BH ${r.pAdjusted?.toPrecision(2) ?? "—"}`,
  );
}

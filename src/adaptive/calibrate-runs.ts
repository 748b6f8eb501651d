// `vc calibrate`: item parameters from the scored answers in one or more run directories.
//
// Each run directory holds plan.json (the items: text, dimension, fields), journal.jsonl (the answers)
// and scores.jsonl (their scores). An examinee is one model under one context (responses.ts); the same
// model and context in two runs is the same examinee, its repeated answers to an item combined by
// majority. The fit is calibrate.ts (MML-EM with priors and standard errors); the result is one JSONL
// line per item that can be used as an items data file as it is, and the abilities as CSV.
//
// Decisions (see docs/adaptive.md): runs of different specs are allowed (a second spec may add
// generated items to the same bank) with a warning, since items are matched by id; runs whose scored
// answers belong to different value systems are refused unless --system picks one, because a
// one-dimensional IRT model fitted across systems would measure nothing in particular.

import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { stringify } from "csv-stringify/sync";
import type { Json, PlanItem } from "../core/plan.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";
import type { ScoreRecord, StepRecord } from "../core/records.js";
import { emptyScoreScan, latestScores, SCORES_FILE } from "../run/score-journal.js";
import { calibrate } from "./calibrate.js";
import { abilityToScore, type IrtModel } from "./irt.js";
import { readPlanHeader, type PlanHeader } from "./plan-file.js";
import { examineeId, responseMatrix, scoredAnswers, type ScoredAnswer } from "./responses.js";

export const PLAN_FILE = "plan.json";
export const MANIFEST_FILE = "manifest.json";
/** Fewer examinees than this cannot place items on a scale: refuse. */
export const MIN_EXAMINEES = 3;
/** Below this many examinees a 2PL fit's discriminations mostly echo the prior. */
const FEW_FOR_2PL = 20;

export interface CalibrateRunsOptions {
  /** null: the spec's adaptive block decides (`irt "1pl"|"2pl"`), else 2PL. */
  irt: IrtModel | null;
  /** null: the only scorer with scores; an error when there are several. */
  scorer: string | null;
  /** A score at or above this (0–100) counts as conforming. */
  threshold: number;
  /** Items answered by fewer examinees than this are left out of the fit. */
  minAnswers: number;
  /** null: the only system with scored answers; an error when there are several. */
  system: string | null;
}

export const DEFAULT_CALIBRATE_OPTIONS: CalibrateRunsOptions = { irt: null, scorer: null, threshold: 50, minAnswers: 3, system: null };

export interface RunSource {
  dir: string;
  runId: string;
  header: PlanHeader;
  journalPath: string;
  scoresPath: string;
}

export interface AbilityRow {
  examinee: string;
  theta: number;
  se: number;
  score: number;
  nAnswers: number;
}

export type ItemFlag = "all_conform" | "none_conform";

export interface CalibrationReport {
  irt: IrtModel;
  irtFrom: "option" | "spec" | "default";
  scorer: string;
  threshold: number;
  system: string;
  /** Run ids, sorted. */
  runs: string[];
  /** Spec (plan) names of the runs, sorted, distinct. */
  specs: string[];
  /** Output lines: one object per item, sorted by id, numbers rounded. */
  items: Array<Record<string, Json>>;
  abilities: AbilityRow[];
  /** Distinct models among the examinees. */
  models: number;
  fit: { iterations: number; converged: boolean; logLikelihood: number };
  flagged: Record<ItemFlag, string[]>;
  /** Items left out: too few answers (id → count), or no scored answer at all. */
  dropped: { fewAnswers: Array<{ id: string; n: number }>; unanswered: number };
  skipped: { noScore: number; scoringError: number; unreadableScoreLines: number };
  warnings: string[];
}

export type CalibrateRunsOutcome = { ok: true; report: CalibrationReport } | { ok: false; errors: string[]; warnings: string[] };

export type LoadRunResult = { ok: true; run: RunSource } | { ok: false; message: string };

export function loadRunDir(dir: string): LoadRunResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { ok: false, message: `${dir} is not a directory` };
  const planPath = join(dir, PLAN_FILE);
  if (!existsSync(planPath)) return { ok: false, message: `${dir} is not a run directory (no ${PLAN_FILE})` };
  const header = readPlanHeader(planPath);
  if (!header.ok) return { ok: false, message: header.message };
  return {
    ok: true,
    run: { dir, runId: runIdOf(dir), header: header.header, journalPath: join(dir, JOURNAL_FILE), scoresPath: join(dir, SCORES_FILE) },
  };
}

function runIdOf(dir: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8")) as { runId?: unknown };
    if (typeof manifest.runId === "string" && manifest.runId !== "") return manifest.runId;
  } catch {
    // No or unreadable manifest: the folder name is the run id (makeRunId names folders that way).
  }
  return basename(resolve(dir));
}

/** Every item a plan declares: static segments' items and adaptive banks. */
function planItems(header: PlanHeader): PlanItem[] {
  const out: PlanItem[] = [];
  for (const segment of header.segments) out.push(...(segment.kind === "static" ? segment.items : segment.bank));
  return out;
}

interface LoadedRun extends RunSource {
  scores: Map<string, ScoreRecord[]>;
  unreadableScoreLines: number;
}

export function calibrateRuns(dirs: readonly string[], options: CalibrateRunsOptions): CalibrateRunsOutcome {
  const errors: string[] = [];
  const warnings: string[] = [];
  const fail = (): CalibrateRunsOutcome => ({ ok: false, errors, warnings });

  // --- Read the run directories --------------------------------------------------------------------
  const runs: LoadedRun[] = [];
  const seenDirs = new Set<string>();
  for (const dir of dirs) {
    const abs = resolve(dir);
    if (seenDirs.has(abs)) {
      warnings.push(`${dir} is given twice; read once`);
      continue;
    }
    seenDirs.add(abs);
    const loaded = loadRunDir(dir);
    if (!loaded.ok) {
      errors.push(loaded.message);
      continue;
    }
    const scan = emptyScoreScan();
    const latest = existsSync(loaded.run.scoresPath) ? latestScores(loaded.run.scoresPath, { scan }) : new Map<string, ScoreRecord>();
    if (latest.size === 0) {
      errors.push(
        `no scores in ${dir}: ${existsSync(loaded.run.scoresPath) ? `${SCORES_FILE} holds no score records` : `${SCORES_FILE} is missing`} ` +
          "(was the run scored? calibration needs the items block to name a scorer)",
      );
      continue;
    }
    const byStep = new Map<string, ScoreRecord[]>();
    for (const record of latest.values()) {
      const list = byStep.get(record.stepId);
      if (list) list.push(record);
      else byStep.set(record.stepId, [record]);
    }
    runs.push({ ...loaded.run, scores: byStep, unreadableScoreLines: scan.badLines });
  }
  if (errors.length > 0) return fail();
  if (runs.length === 0) {
    errors.push("no run directories given");
    return fail();
  }

  const specs = [...new Set(runs.map((r) => r.header.name))].sort();
  if (specs.length > 1) {
    warnings.push(`the runs come from different specs (${specs.join(", ")}); items are matched by id across them`);
  }

  // --- Which system and scorer ---------------------------------------------------------------------
  // system → scorer → numeric scores seen
  const seen = new Map<string, Map<string, number>>();
  for (const run of runs) {
    for (const step of finalRecordsInPlanOrder(run.journalPath)) {
      for (const score of run.scores.get(step.stepId) ?? []) {
        if (score.score === null) continue;
        let scorers = seen.get(step.system);
        if (!scorers) {
          scorers = new Map();
          seen.set(step.system, scorers);
        }
        scorers.set(score.scorer, (scorers.get(score.scorer) ?? 0) + 1);
      }
    }
  }
  if (seen.size === 0) {
    errors.push(
      `no scored answers: the score journals hold no numeric score for any answer in ${JOURNAL_FILE} (every score failed, or the journals belong to other runs)`,
    );
    return fail();
  }
  const systems = [...seen.keys()].sort();
  let system: string;
  if (options.system !== null) {
    if (!seen.has(options.system)) {
      errors.push(`no scored answers for system '${options.system}'; systems with scored answers: ${systems.join(", ")}`);
      return fail();
    }
    system = options.system;
  } else if (systems.length > 1) {
    errors.push(
      `the runs hold scored answers for several value systems (${systems.join(", ")}); an IRT scale measures one thing, so calibrate one system at a time with --system NAME`,
    );
    return fail();
  } else {
    system = systems[0]!;
  }
  const scorerCounts = seen.get(system)!;
  const scorers = [...scorerCounts.keys()].sort();
  let scorer: string;
  if (options.scorer !== null) {
    if (!scorerCounts.has(options.scorer)) {
      errors.push(`no scores from scorer '${options.scorer}' for system '${system}'; scorers with scores: ${scorers.join(", ")}`);
      return fail();
    }
    scorer = options.scorer;
  } else if (scorers.length > 1) {
    errors.push(`the answers were scored by several scorers (${scorers.map((s) => `${s}: ${scorerCounts.get(s)}`).join(", ")}); choose one with --scorer NAME`);
    return fail();
  } else {
    scorer = scorers[0]!;
  }

  // --- Items (matched by id across runs) -----------------------------------------------------------
  const items = new Map<string, { item: PlanItem; run: string }>();
  for (const run of runs) {
    for (const item of planItems(run.header)) {
      if (item.system !== system) continue;
      const before = items.get(item.id);
      if (!before) {
        items.set(item.id, { item, run: run.runId });
        continue;
      }
      const what = before.item.text !== item.text ? "text" : before.item.dimension !== item.dimension ? "dimension" : null;
      if (what !== null && before.run !== run.runId) {
        errors.push(`item '${item.id}' has a different ${what} in run ${before.run} and run ${run.runId}; an item id must name one item`);
      } else if (what !== null) {
        errors.push(`item '${item.id}' appears twice in run ${run.runId} with a different ${what}; an item id must name one item`);
      }
    }
  }
  if (errors.length > 0) return fail();

  // --- Irt model -------------------------------------------------------------------------------------
  let irt: IrtModel;
  let irtFrom: CalibrationReport["irtFrom"];
  if (options.irt !== null) {
    irt = options.irt;
    irtFrom = "option";
  } else {
    const declared = new Set<IrtModel>();
    for (const run of runs) {
      for (const segment of run.header.segments) {
        if (segment.kind !== "adaptive" || segment.system !== system) continue;
        const v = segment.settings["irt"];
        if (v === "1pl" || v === "2pl") declared.add(v);
      }
    }
    if (declared.size > 1) {
      errors.push(`the specs' adaptive blocks ask for different IRT models (${[...declared].sort().join(", ")}); choose one with --irt 1pl|2pl`);
      return fail();
    }
    const only = [...declared][0];
    irt = only ?? "2pl";
    irtFrom = only ? "spec" : "default";
  }

  // --- Answers → response matrix -------------------------------------------------------------------
  const answers: ScoredAnswer[] = [];
  const modelOf = new Map<string, string>();
  const skipped = { noScore: 0, scoringError: 0 };
  for (const run of runs) {
    const scores: ScoreRecord[] = [];
    for (const list of run.scores.values()) for (const score of list) if (score.scorer === scorer) scores.push(score);
    // Streamed: a journal's records (with their messages) are never all in memory.
    function* steps(): Generator<StepRecord> {
      for (const step of finalRecordsInPlanOrder(run.journalPath)) {
        if (step.system !== system || !items.has(step.item)) continue;
        modelOf.set(examineeId(step.model, step.context), step.model);
        yield step;
      }
    }
    const scored = scoredAnswers(steps(), scores, scorer, options.threshold);
    answers.push(...scored.answers);
    skipped.noScore += scored.skipped.noScore;
    skipped.scoringError += scored.skipped.scoringError;
  }
  const full = responseMatrix(answers);
  const tooFew = (found: string[], after: string) =>
    `calibration needs scored answers from at least ${MIN_EXAMINEES} examinees; found ${found.length}${after}` +
    `${found.length > 0 ? ` (${found.join("; ")})` : ""}. An examinee is one model under one context ` +
    "(culture × use case): add models to the run, or cross cultures/use cases. With fewer, the difficulties would only restate the prior.";
  if (full.examinees.length < MIN_EXAMINEES) {
    errors.push(tooFew(full.examinees, ""));
    return fail();
  }
  const answerCount = (j: number) => full.matrix.reduce((n, row) => n + (row[j] === null ? 0 : 1), 0);
  const keep: number[] = [];
  const fewAnswers: Array<{ id: string; n: number }> = [];
  full.items.forEach((id, j) => {
    const n = answerCount(j);
    if (n >= options.minAnswers) keep.push(j);
    else fewAnswers.push({ id, n });
  });
  if (keep.length === 0) {
    errors.push(
      `no item was answered by at least ${options.minAnswers} examinees (--min-answers ${options.minAnswers}); ` +
        `${full.items.length} item${full.items.length === 1 ? " has" : "s have"} scored answers from ${full.examinees.length} examinees`,
    );
    return fail();
  }
  const unanswered = [...items.keys()].filter((id) => !full.items.includes(id)).length;
  const rows = full.matrix.map((row) => keep.map((j) => row[j] ?? null));
  const examineeIdx = rows.map((row, i) => (row.some((x) => x !== null) ? i : -1)).filter((i) => i >= 0);
  const examinees = examineeIdx.map((i) => full.examinees[i]!);
  const matrix = examineeIdx.map((i) => rows[i]!);
  if (examinees.length < MIN_EXAMINEES) {
    errors.push(tooFew(examinees, ` after leaving out items with fewer than ${options.minAnswers} answers`));
    return fail();
  }
  if (irt === "2pl" && examinees.length < FEW_FOR_2PL) {
    warnings.push(
      `${examinees.length} examinees: 2PL discriminations will mostly reflect the prior (log a ~ N(0, 0.5²)); --irt 1pl is steadier below about ${FEW_FOR_2PL}`,
    );
  }

  // --- Fit ---------------------------------------------------------------------------------------------
  const fit = calibrate(matrix, { model: irt });
  if (!fit.converged) warnings.push(`the EM algorithm did not converge in ${fit.iterations} iterations; treat the estimates with care`);
  const runIds = runs.map((r) => r.runId).sort();
  const flagged: Record<ItemFlag, string[]> = { all_conform: [], none_conform: [] };
  const itemRows = keep.map((j, k) => {
    const id = full.items[j]!;
    const est = fit.items[k]!;
    const flag: ItemFlag | null = est.pCorrect >= 1 ? "all_conform" : est.pCorrect <= 0 ? "none_conform" : null;
    if (flag) flagged[flag].push(id);
    return itemRow(items.get(id)!.item, {
      b: est.b,
      a: est.a,
      seB: est.seB,
      seA: est.seA,
      n: est.n,
      p: est.pCorrect,
      flag,
      calibration: { irt, scorer, threshold: options.threshold, runs: runIds, examinees: examinees.length },
    });
  });
  itemRows.sort((x, y) => compareIds(String(x["id"]), String(y["id"])));
  const abilities: AbilityRow[] = examinees
    .map((examinee, i) => ({
      examinee,
      theta: round(fit.abilities[i]!.theta, 4) ?? 0,
      se: round(fit.abilities[i]!.se, 4) ?? 0,
      score: round(abilityToScore(fit.abilities[i]!.theta), 2) ?? 0,
      nAnswers: matrix[i]!.filter((x) => x !== null).length,
    }))
    .sort((x, y) => compareIds(x.examinee, y.examinee));

  return {
    ok: true,
    report: {
      irt,
      irtFrom,
      scorer,
      threshold: options.threshold,
      system,
      runs: runIds,
      specs,
      items: itemRows,
      abilities,
      models: new Set(examinees.map((e) => modelOf.get(e) ?? e)).size,
      fit: { iterations: fit.iterations, converged: fit.converged, logLikelihood: fit.logLikelihood },
      flagged,
      dropped: { fewAnswers, unanswered },
      skipped: { ...skipped, unreadableScoreLines: runs.reduce((n, r) => n + r.unreadableScoreLines, 0) },
      warnings,
    },
  };
}

/** Fields calibrate writes itself; an item's own fields of these names are replaced. */
const OWN_FIELDS = new Set([
  "id",
  "dimension",
  "text",
  "difficulty",
  "discrimination",
  "se_difficulty",
  "se_discrimination",
  "n",
  "p_conform",
  "flag",
  "calibrated",
  "calibration",
  "reverse",
  "expect",
]);

interface Estimates {
  b: number;
  a: number;
  seB: number;
  seA: number | null;
  n: number;
  p: number;
  flag: ItemFlag | null;
  calibration: { irt: IrtModel; scorer: string; threshold: number; runs: string[]; examinees: number };
}

function itemRow(item: PlanItem, e: Estimates): Record<string, Json> {
  const row: Record<string, Json> = {
    id: item.id,
    dimension: item.dimension,
    text: item.text,
    difficulty: round(e.b, 4),
    discrimination: round(e.a, 4),
    se_difficulty: round(e.seB, 4),
    se_discrimination: e.seA === null ? null : round(e.seA, 4),
    n: e.n,
    p_conform: round(e.p, 4),
    flag: e.flag,
    calibrated: true,
    calibration: { ...e.calibration, runs: [...e.calibration.runs] },
  };
  if (item.reverse) row["reverse"] = true;
  if (item.expect !== null) row["expect"] = item.expect;
  for (const key of Object.keys(item.fields).sort()) {
    if (!OWN_FIELDS.has(key)) row[key] = item.fields[key]!;
  }
  return row;
}

/** Fixed precision; null for a non-finite value (an infinite standard error), never -0. */
function round(x: number, digits: number): number | null {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The JSONL text of the calibrated items (one line each, sorted by id). */
export function calibratedItemsJsonl(report: CalibrationReport): string {
  return report.items.map((row) => JSON.stringify(row)).join("\n") + (report.items.length > 0 ? "\n" : "");
}

export function abilitiesCsv(report: CalibrationReport): string {
  return stringify(
    report.abilities.map((a) => [a.examinee, a.theta.toFixed(4), a.se.toFixed(4), a.score.toFixed(2), a.nAnswers]),
    { header: true, columns: ["examinee", "theta", "se", "score_0_100", "n_answers"] },
  );
}

/** items.calibrated.jsonl → items.calibrated.abilities.csv (beside it). */
export function abilitiesPathFor(itemsPath: string): string {
  const stripped = itemsPath.replace(/\.(jsonl|ndjson|json)$/i, "");
  return `${stripped}.abilities.csv`;
}

/** A few lines for the terminal. */
export function summariseCalibration(report: CalibrationReport, files: { items: string; abilities: string }): string {
  const lines: string[] = [];
  const items = report.items;
  // Flagged items sit far out on the scale and say little; the ranges are of the others.
  const regular = items.filter((r) => r["flag"] === null);
  const bs = regular.map((r) => r["difficulty"]).filter((v): v is number => typeof v === "number");
  const as = regular.map((r) => r["discrimination"]).filter((v): v is number => typeof v === "number");
  const models = report.models;
  const irtNote = report.irtFrom === "option" ? "--irt" : report.irtFrom === "spec" ? "from the spec" : "default";
  lines.push(
    `calibrated ${items.length} item${items.length === 1 ? "" : "s"} of system ${report.system} with ${report.irt.toUpperCase()} (${irtNote}), ` +
      `MML-EM ${report.fit.converged ? "converged" : "NOT converged"} in ${report.fit.iterations} iterations`,
  );
  lines.push(
    `  from ${report.runs.length} run${report.runs.length === 1 ? "" : "s"} (${report.runs.join(", ")}); ` +
      `${report.abilities.length} examinees (${models} model${models === 1 ? "" : "s"} × contexts); scorer ${report.scorer}, conforming at score >= ${report.threshold}`,
  );
  if (bs.length > 0) {
    lines.push(
      `  difficulty ${fmt(Math.min(...bs))} … ${fmt(Math.max(...bs))} (median ${fmt(median(bs))})` +
        (report.irt === "2pl" && as.length > 0 ? `; discrimination ${fmt(Math.min(...as))} … ${fmt(Math.max(...as))}` : "") +
        (regular.length < items.length ? " (unflagged items)" : ""),
    );
  }
  const all = report.flagged.all_conform.length;
  const none = report.flagged.none_conform.length;
  if (all + none > 0) {
    lines.push(`  flagged (kept, large standard errors): ${all} item${all === 1 ? "" : "s"} every examinee conformed to, ${none} none did — see "flag"`);
  }
  const notes: string[] = [];
  if (report.skipped.noScore > 0) notes.push(`${report.skipped.noScore} answers without a score`);
  if (report.skipped.scoringError > 0) notes.push(`${report.skipped.scoringError} scoring errors`);
  if (report.skipped.unreadableScoreLines > 0) notes.push(`${report.skipped.unreadableScoreLines} unreadable lines in ${SCORES_FILE}`);
  if (report.dropped.fewAnswers.length > 0) notes.push(`${report.dropped.fewAnswers.length} items with too few answers left out`);
  if (report.dropped.unanswered > 0) notes.push(`${report.dropped.unanswered} items without scored answers left out`);
  if (notes.length > 0) lines.push(`  skipped: ${notes.join("; ")}`);
  const shown = [...report.abilities].sort((x, y) => y.theta - x.theta || compareIds(x.examinee, y.examinee));
  const limit = 12;
  lines.push("  abilities (theta ± se, score 0–100):");
  const width = Math.min(48, Math.max(...shown.map((a) => a.examinee.length)));
  for (const a of shown.slice(0, limit)) {
    lines.push(`    ${a.examinee.padEnd(width)}  ${fmt(a.theta).padStart(6)} ± ${a.se.toFixed(2)}  ${a.score.toFixed(1).padStart(5)}`);
  }
  if (shown.length > limit) lines.push(`    … ${shown.length - limit} more in ${files.abilities}`);
  lines.push(`wrote ${files.items} (${items.length} items) and ${files.abilities} (${report.abilities.length} examinees)`);
  return `${lines.join("\n")}\n`;
}

function fmt(x: number): string {
  return (x >= 0 ? "" : "-") + Math.abs(x).toFixed(2);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

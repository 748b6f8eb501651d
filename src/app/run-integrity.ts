// Checks a run folder's records against its plan before anything is built from them (`vc report`,
// `vc rescore`): every journal line is a step record of a step the plan has, every score line a score
// of a journaled step by a scorer the plan has, within its scale's range. A problem names the file,
// the line and what is wrong; nothing is dropped silently. With `salvage`, the intact records are
// copied to a scratch folder (what was dropped is listed) and the tables are built from those.
// A torn *last* line (a crash mid-write) is not a problem: it is what resuming cuts.

import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { declaredScale } from "../analyse/dataset.js";
import { iterateStepIds } from "../compile/steps.js";
import type { Plan, PlanStep } from "../core/plan.js";
import { fileLines, type LineSpan } from "../run/file-lines.js";
import { JOURNAL_FILE, writtenStep } from "../run/journal.js";
import { SCORES_FILE } from "../run/score-journal.js";
import { StepIdTable } from "./step-id-table.js";

export interface RecordProblem {
  file: string;
  line: number;
  message: string;
}

/**
 * The journal checked against the plan: its problems, and the plan's steps with those journaled
 * marked (what the scores are checked against). A run checks its journal once, after its last step,
 * and hands this to the report stage, which checks the scores written since.
 */
export interface JournalCheck {
  journalPath: string;
  stepIds: StepIdTable;
  problems: RecordProblem[];
}

export type IntegrityResult =
  /** `sourceDir`: where the checked (or salvaged) journal and scores are; `dropped`: what salvage left out. */
  { ok: true; sourceDir: string; dropped: RecordProblem[] } | { ok: false; problems: RecordProblem[] };

/** A line of a file; `span` and `text` (decoded when read) are valid until the next line is asked for. */
interface Line {
  number: number;
  /** False for a last line without its newline (torn by a crash). */
  complete: boolean;
  span: LineSpan;
  readonly text: string;
}

/** The lines of a file, streamed in chunks (a large run's journal does not fit comfortably in one string). */
function* linesOf(path: string): Generator<Line> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return;
  }
  try {
    let number = 0;
    for (const span of fileLines(fd)) {
      yield {
        number: ++number,
        complete: span.complete,
        span,
        get text() {
          return span.data.toString("utf8", span.start, span.end);
        },
      };
    }
  } finally {
    closeSync(fd);
  }
}

function parseObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not valid JSON";
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  return value as Record<string, unknown>;
}

/** The range a score of `scale` may take: 0–100, except IRT abilities (any finite number). */
function inRange(score: number, scale: string): boolean {
  return scale === "theta" ? Number.isFinite(score) : score >= 0 && score <= 100;
}

/**
 * Checks `runDir`'s journal and (unless `journalOnly`) scores against `plan`. With `salvage`, a
 * scratch folder with the intact lines is returned instead of the problems.
 */
export function checkRunRecords(
  plan: Plan,
  runDir: string,
  options: {
    salvage?: boolean;
    journalOnly?: boolean;
    iterate?: (plan: Plan) => Iterable<Pick<PlanStep, "id" | "index">>;
    /** Steps a stage of the running run journaled itself (chosen at run time): accepted as they are. */
    stageSteps?: ReadonlySet<string>;
    /** The journal as checkJournal found it (the journal has not changed since): not read again. */
    journal?: JournalCheck | null;
  } = {},
): IntegrityResult {
  const journalPath = join(runDir, JOURNAL_FILE);
  const scoresPath = join(runDir, SCORES_FILE);
  const given = options.journal && options.journal.journalPath === journalPath ? options.journal : null;
  const journal = given ?? checkJournal(plan, journalPath, options);
  const { stepIds } = journal;
  const problems: RecordProblem[] = [...journal.problems];
  const scales = new Map(plan.scorers.map((s) => [s.id, declaredScale(s)]));
  const journalProblems = problems.length;
  if (!options.journalOnly) {
    for (const line of linesOf(scoresPath)) {
      if (!line.complete) continue;
      const problem = scoreProblem(line.text, stepIds, scales);
      if (problem !== null) problems.push({ file: scoresPath, line: line.number, message: problem });
    }
  }
  if (problems.length === 0) return { ok: true, sourceDir: runDir, dropped: [] };
  if (!options.salvage) return { ok: false, problems };
  const scratch = mkdtempSync(join(tmpdir(), "vc-salvage-"));
  copyIntact(journalPath, join(scratch, JOURNAL_FILE), problems.slice(0, journalProblems));
  copyIntact(options.journalOnly ? null : scoresPath, join(scratch, SCORES_FILE), problems.slice(journalProblems));
  return { ok: true, sourceDir: scratch, dropped: problems };
}

/**
 * Checks the journal's lines against the plan (see JournalCheck). `ownFrom`: the byte from which this
 * process wrote the journal itself (Journal.ownFrom, the running run): those lines are checked from
 * their heads (step id and index, `writtenStep`) without parsing the whole record, which was most of
 * the check's time (about 7 µs a line). They are records this process serialised under the run
 * folder's lock; lines before it (earlier sessions, anything edited) are parsed and checked in full.
 */
export function checkJournal(
  plan: Plan,
  journalPath: string,
  options: { iterate?: (plan: Plan) => Iterable<Pick<PlanStep, "id" | "index">>; stageSteps?: ReadonlySet<string>; ownFrom?: number } = {},
): JournalCheck {
  const problems: RecordProblem[] = [];
  const stepIds = new StepIdTable((options.iterate ?? iterateStepIds)(plan));
  const adaptive = new Set(plan.segments.filter((s) => s.kind === "adaptive").map((s) => s.id));
  const ownFrom = options.ownFrom ?? Number.POSITIVE_INFINITY;
  // Only the problems are kept, never the lines: a large run's journal text would otherwise be held
  // whole while the check runs. Salvage (rare) reads the files again and copies the intact lines.
  for (const line of linesOf(journalPath)) {
    if (!line.complete) continue; // a torn last line: recoverable, as a resume cuts it
    const { span } = line;
    const head = span.offset >= ownFrom ? writtenStep(span.data, span.start, span.end) : null;
    const problem =
      head !== null ? stepProblem(head.stepId, head.index, stepIds, options.stageSteps) : journalProblem(line.text, stepIds, adaptive, options.stageSteps);
    if (typeof problem === "string") problems.push({ file: journalPath, line: line.number, message: problem });
    else stepIds.mark(problem.stepId);
  }
  return { journalPath, stepIds, problems };
}

/** The complete lines of `from` except those `dropped` names, to `to` (an empty file when `from` is null). */
function copyIntact(from: string | null, to: string, dropped: readonly RecordProblem[]): void {
  const skip = new Set(dropped.map((p) => p.line));
  const fd = openSync(to, "w");
  try {
    if (from === null) return;
    let pending: string[] = [];
    for (const line of linesOf(from)) {
      if (!line.complete || skip.has(line.number)) continue;
      pending.push(`${line.text}\n`);
      if (pending.length >= 1000) {
        writeSync(fd, pending.join(""));
        pending = [];
      }
    }
    if (pending.length > 0) writeSync(fd, pending.join(""));
  } finally {
    closeSync(fd);
  }
}

function journalProblem(
  text: string,
  stepIds: StepIdTable,
  adaptive: ReadonlySet<string>,
  stageSteps: ReadonlySet<string> | undefined,
): string | { stepId: string } {
  if (text.trim() === "") return "an empty line";
  const r = parseObject(text);
  if (typeof r === "string") return `${r} (a step record was expected)`;
  if (r["type"] !== "step" || typeof r["stepId"] !== "string" || typeof r["index"] !== "number") return "not a step record (type, stepId and index are needed)";
  const stepId = r["stepId"];
  if (typeof r["segment"] === "string" && adaptive.has(r["segment"])) return { stepId };
  return stepProblem(stepId, r["index"], stepIds, stageSteps);
}

/** A step record's id and index against the plan (steps a stage of this run chose are taken as they are). */
function stepProblem(stepId: string, written: number, stepIds: StepIdTable, stageSteps: ReadonlySet<string> | undefined): string | { stepId: string } {
  if (stageSteps?.has(stepId)) return { stepId };
  const index = stepIds.indexOf(stepId);
  if (index === undefined) return `step ${stepId} is not a step of the plan`;
  if (index !== written) return `step ${stepId} has index ${String(written)}; the plan has it at ${index}`;
  return { stepId };
}

function scoreProblem(text: string, journaled: StepIdTable, scales: ReadonlyMap<string, string>): string | null {
  if (text.trim() === "") return "an empty line";
  const r = parseObject(text);
  if (typeof r === "string") return `${r} (a score record was expected)`;
  if (r["type"] !== "score" || typeof r["stepId"] !== "string" || typeof r["scorer"] !== "string")
    return "not a score record (type, stepId and scorer are needed)";
  const scale = scales.get(r["scorer"]);
  if (scale === undefined) return `scorer ${r["scorer"]} is not a scorer of the plan`;
  if (!journaled.marked(r["stepId"])) return `a score of step ${r["stepId"]}, which the journal does not hold`;
  const score = r["score"];
  if (score === null) return null;
  if (typeof score !== "number" || !Number.isFinite(score)) return `score ${JSON.stringify(score)} is not a number`;
  if (!inRange(score, scale)) return `score ${score} is outside the ${scale} scale's range (${scale === "theta" ? "a finite number" : "0 to 100"})`;
  return null;
}

/** The file `vc report --out DIR` leaves in DIR: which run's tables the folder holds. */
export const REPORT_MARK_FILE = ".vc-report-of";

const RUN_FILES = ["manifest.json", "plan.json", JOURNAL_FILE, SCORES_FILE];

/**
 * Why `outDir` must not receive `runDir`'s tables, or null: it is another run's folder, or it holds
 * CSV files that a report of another run (or something else) wrote.
 */
export function otherRunFiles(outDir: string, runDir: string): string | null {
  if (!existsSync(outDir)) return null;
  if (!statSync(outDir).isDirectory()) return "it is not a folder";
  const names = readdirSync(outDir);
  const runFile = names.find((n) => RUN_FILES.includes(n));
  if (runFile !== undefined) return `it is another run's folder (it holds ${runFile})`;
  const csv = names.filter((n) => n.endsWith(".csv"));
  if (csv.length === 0) return null;
  const mark = names.includes(REPORT_MARK_FILE) ? readFileSync(join(outDir, REPORT_MARK_FILE), "utf8").trim() : null;
  if (mark === resolve(runDir)) return null;
  return `it holds ${csv.length} CSV ${csv.length === 1 ? "file" : "files"} (${csv.slice(0, 3).join(", ")}${csv.length > 3 ? ", …" : ""}) of ${mark === null ? "unknown origin" : `another run (${mark})`}`;
}

/** Records in `outDir` whose tables it holds, so a later report of the same run may overwrite them. */
export function markReportOf(outDir: string, runDir: string): void {
  writeFileSync(join(outDir, REPORT_MARK_FILE), `${resolve(runDir)}\n`);
}

// `vc batch export RUN_DIR`: the run's not-yet-answered steps as a Batch API input file (one JSON line
// per step: custom_id = step id, POST /v1/chat/completions, the body the openai adapter would send), for
// offline runners that read that format (vLLM's OpenAI-compatible batch runner, the OpenAI Batch API).

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { readPlanHeader } from "../adaptive/plan-file.js";
import { iterateSteps } from "../compile/steps.js";
import type { Plan } from "../core/plan.js";
import { batchLine } from "../providers/openai-batch.js";
import { requestOf } from "../run/execute.js";
import { JOURNAL_FILE, readJournal } from "../run/journal.js";
import { PLAN_FILE } from "../run/rundir.js";

export type ExportOutcome = { ok: true; file: string; lines: number; skipped: number } | { ok: false; message: string };

export function exportBatchInput(runDir: string, outFile: string | null, options: { all: boolean }): ExportOutcome {
  const header = readPlanHeader(join(runDir, PLAN_FILE));
  if (!header.ok) return { ok: false, message: `${runDir} is not a run folder: ${header.message}` };
  const plan = header.header as Plan;
  const done = new Set<string>();
  if (!options.all) for (const { record } of readJournal(join(runDir, JOURNAL_FILE))) if (record.error === null) done.add(record.stepId);
  const names = new Map([...plan.models, ...plan.modelSettings].map((m) => [m.id, m.name]));
  const file = outFile ?? join(runDir, "batch", "export.jsonl");
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, "w");
  let lines = 0;
  let skipped = 0;
  try {
    for (const step of iterateSteps(plan)) {
      if (done.has(step.id)) {
        skipped++;
        continue;
      }
      writeSync(fd, `${JSON.stringify(batchLine(step.id, names.get(step.model) ?? step.model, requestOf(step)))}\n`);
      lines++;
    }
  } finally {
    closeSync(fd);
  }
  return { ok: true, file, lines, skipped };
}

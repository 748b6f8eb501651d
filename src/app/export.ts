// `vc export RUN_DIR`: a run's answers in the documented answers form (docs/answers.md), one JSON line
// per answered step in plan order, so they can be scored elsewhere or by `score --answers` again.
// Failed steps have no answer and are counted, not written; answers of adaptive segments are written
// too (they carry their item id), though a replay re-chooses its adaptive items.

import { createWriteStream } from "node:fs";
import { join } from "node:path";
import type { StepRecord } from "../core/records.js";
import { finalRecordsInPlanOrder, JOURNAL_FILE } from "../run/journal.js";

export interface ExportCounts {
  written: number;
  failed: number;
}

function lastUser(record: StepRecord): string | null {
  for (let i = record.messages.length - 1; i >= 0; i--) if (record.messages[i]?.role === "user") return record.messages[i]?.content ?? null;
  return null;
}

/** One line of the answers form for a step record (the keys in the order docs/answers.md lists them). */
export function answerLine(record: StepRecord): string | null {
  if (record.error || record.response === null) return null;
  return JSON.stringify({
    model: record.model,
    item: record.item,
    prompt: lastUser(record),
    culture: record.context.culture,
    usecase: record.context.usecase,
    sample: record.sample,
    answer: record.response,
    latency_ms: record.latencyMs,
    tokens_in: record.tokensIn,
    tokens_out: record.tokensOut,
  });
}

/** Write the run's answers to `out` (a stream, so a large run is never held in memory). */
export async function exportAnswers(runDir: string, out: NodeJS.WritableStream): Promise<ExportCounts> {
  const counts: ExportCounts = { written: 0, failed: 0 };
  for (const record of finalRecordsInPlanOrder(join(runDir, JOURNAL_FILE))) {
    const line = answerLine(record);
    if (line === null) {
      counts.failed++;
      continue;
    }
    counts.written++;
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  return counts;
}

/** Export to a file (written whole, then closed). */
export async function exportAnswersToFile(runDir: string, path: string): Promise<ExportCounts> {
  const stream = createWriteStream(path);
  const counts = await exportAnswers(runDir, stream);
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.end(() => resolve());
  });
  return counts;
}

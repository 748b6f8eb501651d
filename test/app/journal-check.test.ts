// The journal check after a run's steps reads the lines this process wrote from their heads (step id
// and index) instead of parsing each record: checked here against the full check, line for line, on
// journals that mix an earlier session's lines (bad ones too) with this session's.

import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { checkJournal, type JournalCheck } from "../../src/app/run-integrity.js";
import { compilePlan } from "../../src/compile/compile.js";
import { iterateSteps } from "../../src/compile/steps.js";
import type { Plan, PlanStep } from "../../src/core/plan.js";
import type { StepRecord } from "../../src/core/records.js";
import { Journal, writtenIndex, writtenStep } from "../../src/run/journal.js";
import { checkedSpecText } from "../compile/helpers.js";
import { stepRecord } from "../../src/run/execute.js";

async function plan(): Promise<Plan> {
  return compilePlan(
    await checkedSpecText([
      'system s "S" {',
      '  dimension d "D"',
      "}",
      "template ask {",
      '  user "{{item.text}}"',
      "}",
      "items qs {",
      "  system s",
      "  template ask",
      '  item a { dimension d  text "First" }',
      '  item b { dimension d  text "Second" }',
      "}",
      "run {",
      '  models ["mock:comply", "mock:refuse"]',
      "  seed 7",
      "  samples 2",
      "}",
    ]),
  );
}

/** The executor's record of `step` (its key order is the journal's), answered `text`. */
function record(step: PlanStep, text = "ok"): StepRecord {
  return stepRecord(
    step,
    {
      result: { ok: true, response: { text, tokensIn: null, tokensOut: null, latencyMs: 1, finishReason: null, fingerprint: null } },
      attempts: 1,
      cached: false,
    },
    true,
  );
}

function summary(check: JournalCheck, steps: readonly PlanStep[], extra: readonly string[]) {
  return {
    problems: check.problems,
    marked: [...steps.map((s) => s.id), ...extra].filter((id) => check.stepIds.marked(id)),
  };
}

describe("checkJournal on the lines this process wrote (ownFrom)", () => {
  it("finds what the full check finds: earlier sessions' bad lines, and this session's steps, stage steps and strays", async () => {
    const p = await plan();
    const steps = [...iterateSteps(p)];
    const [s0, s1, s2, s3] = steps as [PlanStep, PlanStep, PlanStep, PlanStep];
    const dir = mkdtempSync(join(tmpdir(), "vc-jcheck-run-"));
    const path = join(dir, "journal.jsonl");
    // An earlier session: a good line, then what an edit or a damage leaves.
    writeFileSync(
      path,
      [
        JSON.stringify(record(s0)),
        "{not json",
        JSON.stringify(record({ ...s1, index: 99 })),
        JSON.stringify(record({ ...s1, id: "ffffffffffffffff" })),
        "",
        "",
      ].join("\n"),
    );
    // This session, through Journal: plan steps, a stage's own step, a stray id and a wrong index.
    const journal = Journal.open(path);
    expect(journal.ownFrom).toBeGreaterThan(0);
    journal.append(record(s1));
    journal.append(record(s2, 'quote " and \\ and \u00e9 in the text'));
    journal.append(record({ ...s3, id: "0123456789abcdef", segment: "adaptive_block" }));
    journal.append(record({ ...s3, id: "aaaaaaaaaaaaaaaa" }));
    journal.append(record({ ...s3, index: 0 }));
    journal.close();
    // A line in another key order after them: read by the parser, not from its head.
    appendFileSync(path, `${JSON.stringify({ index: s3.index, type: "step", stepId: s3.id, segment: s3.segment })}\n`);

    const stageSteps = new Set(["0123456789abcdef"]);
    const extra = ["0123456789abcdef", "aaaaaaaaaaaaaaaa", "ffffffffffffffff"];
    const full = checkJournal(p, path, { stageSteps });
    const fast = checkJournal(p, path, { stageSteps, ownFrom: journal.ownFrom });
    expect(summary(fast, steps, extra)).toEqual(summary(full, steps, extra));
    expect(full.problems.map((x) => [x.line, x.message])).toEqual([
      [2, "not valid JSON (a step record was expected)"],
      [3, `step ${s1.id} has index 99; the plan has it at ${s1.index}`],
      [4, "step ffffffffffffffff is not a step of the plan"],
      [5, "an empty line"],
      [9, "step aaaaaaaaaaaaaaaa is not a step of the plan"],
      [10, `step ${s3.id} has index 0; the plan has it at ${s3.index}`],
    ]);
    expect(summary(fast, steps, extra).marked).toEqual([s0.id, s1.id, s2.id, s3.id, "0123456789abcdef"]);
  });

  it("reads only the head of this session's lines: a line whose tail was damaged after writing passes", async () => {
    const p = await plan();
    const [s0] = [...iterateSteps(p)] as [PlanStep];
    const path = join(mkdtempSync(join(tmpdir(), "vc-jcheck-tail-")), "journal.jsonl");
    const journal = Journal.open(path);
    expect(journal.ownFrom).toBe(0);
    journal.close();
    appendFileSync(path, `${JSON.stringify(record(s0)).slice(0, -20)}\n`);
    expect(checkJournal(p, path).problems.map((x) => x.message)).toEqual(["not valid JSON (a step record was expected)"]);
    const fast = checkJournal(p, path, { ownFrom: journal.ownFrom });
    expect(fast.problems).toEqual([]);
    expect(fast.stepIds.marked(s0.id)).toBe(true);
  });

  it("reads a written line's head as JSON.parse reads the line, or not at all", async () => {
    const [firstStep] = [...iterateSteps(await plan())] as [PlanStep];
    const line = (text: string) => writtenStep(Buffer.from(text), 0, Buffer.byteLength(text));
    const written = JSON.stringify(record({ ...firstStep, id: "00ff00ff00ff00ff", index: 12 }));
    expect(line(written)).toEqual({ stepId: "00ff00ff00ff00ff", index: 12 });
    expect(writtenIndex(Buffer.from(written), 0, written.length)).toBe(12);
    for (const other of [
      '{"stepId":"00ff00ff00ff00ff","type":"step","index":12,"x":1}',
      '{"type":"step","stepId":"00ff\\u0030","index":12,"x":1}',
      '{"type":"step","stepId":"00ff00ff00ff00ff","index":12,"x":1,"index":13}',
      '{"type":"step","stepId":"00ff00ff00ff00ff","index":012,"x":1}',
    ]) {
      expect(line(other)).toBeNull();
    }
  });
});

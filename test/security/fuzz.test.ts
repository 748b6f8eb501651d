// The fuzz suite of issue 13: at least 500 seeded mutations of every shipped spec, library file, data
// file, schema and template, checked in-process in a worker (fuzz-cases.ts). Each case must end as a
// check does (0: a spec, 1: errors; the command line is fixed, so never 2) with no internal error, and
// within CASE_DEADLINE_MS: the worker is stopped and the test fails when a case hangs.

import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../check/helpers.js";
import type { FuzzMessage, FuzzOptions } from "./fuzz-cases.js";

const CASES = 520;
const SEED = 20261203;
/** "No hang over a few seconds", with room for a busy machine (the slowest cases take well under 1 s). */
const CASE_DEADLINE_MS = 8_000;
const SETUP_DEADLINE_MS = 90_000;

interface FuzzSummary {
  done: number;
  exits: Map<number, number>;
  failures: string[];
  files: string[];
  hung: string | null;
}

function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./fuzz-worker.mjs", import.meta.url), { workerData: options });
    const summary: FuzzSummary = { done: 0, exits: new Map(), failures: [], files: [], hung: null };
    let current = "(starting)";
    let timer: NodeJS.Timeout | null = null;
    const arm = (ms: number) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        summary.hung = current;
        void worker.terminate().then(() => resolve(summary));
      }, ms);
    };
    // Compiling the sources in the worker and checking every entry spec once comes first.
    arm(SETUP_DEADLINE_MS);
    worker.on("message", (message: FuzzMessage) => {
      if (message.kind === "start") {
        current = message.label;
        arm(CASE_DEADLINE_MS);
      } else if (message.kind === "done") {
        summary.done++;
        summary.exits.set(message.exit, (summary.exits.get(message.exit) ?? 0) + 1);
        if (message.failure) summary.failures.push(`${message.label}: ${message.failure}`);
      } else {
        summary.files = message.files;
        if (timer) clearTimeout(timer);
        void worker.terminate().then(() => resolve(summary));
      }
    });
    worker.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
  });
}

describe("fuzz: mutated specs, data files and templates (issue 13)", () => {
  it(`${CASES} seeded cases end with a diagnosis, never an internal error or a hang`, async () => {
    const summary = await fuzz({ repoRoot, cases: CASES, seed: SEED });
    expect(summary.hung, `a case took over ${CASE_DEADLINE_MS} ms`).toBeNull();
    expect(summary.failures).toEqual([]);
    expect(summary.done).toBe(CASES);
    // Every kind of shipped file is mutated: specs, library files, data, schemas, templates.
    for (const kind of [/^specs\/[^/]+\.vc$/, /^specs\/lib\/.+\.vc$/, /^specs\/data\/.+\.(csv|jsonl)$/, /^specs\/schemas\/.+\.json$/, /^templates\/.+\.hbs$/]) {
      expect(
        summary.files.some((f) => kind.test(f)),
        String(kind),
      ).toBe(true);
    }
    // Both endings occur: the mutations are not all rejected, nor all harmless.
    expect(summary.exits.get(0) ?? 0).toBeGreaterThan(0);
    expect(summary.exits.get(1) ?? 0).toBeGreaterThan(0);
  }, 240_000);
});

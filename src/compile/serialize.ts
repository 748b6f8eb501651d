// Writing and hashing a plan. The JSON form is canonical (sorted keys, no whitespace except one
// newline before each step), so the same plan is the same bytes on every machine. Steps are streamed
// with backpressure: writing a plan of any size holds one chunk of steps in memory, not the plan.

import { createHash } from "node:crypto";
import { canonicalJson, canonicalStepJson } from "../core/canonical.js";
import type { Plan, PlanStep } from "../core/plan.js";
import { iterateSteps } from "./steps.js";

export { canonicalJson, canonicalStepJson } from "../core/canonical.js";

/** The plan without its hash: what the hash covers (followed by every step). */
export function planHeader(plan: Plan | Omit<Plan, "hash">): Omit<Plan, "hash"> {
  // `commands` (plan --json only) says where commands are written, not what the plan is.
  const { hash: _hash, commands: _commands, ...header } = plan as Plan;
  void _hash;
  void _commands;
  return header;
}

/**
 * sha256 (hex) over the canonical JSON of the header without `hash`, then "\n" + canonical JSON of
 * each step in order. Streams the steps.
 */
export function planHash(plan: Plan | Omit<Plan, "hash">): string {
  return hashPlan(plan, 0, 0).hash;
}

/**
 * The canonical JSON of a plan's steps as the hash took it: chunks of about 64 KB, each step written
 * as "\n" + its JSON (canonical JSON has no raw newline: strings escape theirs).
 */
export interface StepLines {
  chunks: string[];
  count: number;
  /** The canonical JSON of each header member's value, as hashed (plan.json holds the same). */
  header: ReadonlyMap<string, string>;
}

/** What hashing a plan enumerated, kept for the run that compiled it (each null when not asked for or over its budget). */
export interface HashedPlan {
  hash: string;
  stepLines: StepLines | null;
  /** The steps themselves, in plan order (frozen): what iterateSteps would yield again. */
  steps: readonly PlanStep[] | null;
}

/**
 * The plan hash, with its steps' JSON (StepLines) when they are at most `keepChars` characters and the
 * steps themselves when there are at most `keepSteps` of them (else null).
 * - plan.json holds the same step texts: a run that keeps them writes plan.json without enumerating
 *   and serialising the steps a second time, which at zero latency cost about 10 µs a step on the
 *   thread that makes the calls (plan.json is written alongside the first steps). The hashed chunks
 *   are kept rather than each step's text: a step's JSON is a tree of small strings until it is
 *   flattened, and 10,000 such trees kept alive doubled the time the collector spent while hashing.
 * - The run enumerates the same steps to make its calls, and their ids to check its journal: kept
 *   steps spare it rendering every prompt and hashing every step id again (about 8 µs a step).
 */
export function hashPlan(plan: Plan | Omit<Plan, "hash">, keepChars: number, keepSteps: number): HashedPlan {
  const hash = createHash("sha256");
  const members = canonicalMembers(planHeader(plan));
  hash.update(`{${[...members].map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(",")}}`);
  const full = { ...planHeader(plan), hash: "" } as Plan;
  let kept: StepLines | null = keepChars > 0 ? { chunks: [], count: 0, header: members } : null;
  let keptChars = 0;
  let steps: PlanStep[] | null = keepSteps > 0 && plan.stepCount <= keepSteps ? [] : null;
  // The same bytes in fewer, larger updates (one per step was a tenth of the hash's time).
  let pending = "";
  const update = () => {
    hash.update(pending);
    if (kept !== null) {
      keptChars += pending.length;
      if (keptChars <= keepChars) kept.chunks.push(pending);
      else kept = null;
    }
    pending = "";
  };
  for (const step of iterateSteps(full)) {
    pending += `\n${canonicalStepJson(step)}`;
    if (kept !== null) kept.count++;
    if (steps !== null) {
      if (steps.length < keepSteps) steps.push(Object.freeze(step));
      else steps = null;
    }
    if (pending.length >= CHUNK) update();
  }
  update();
  return { hash: hash.digest("hex"), stepLines: kept, steps };
}

/**
 * canonicalJson(object) in parts: each member's canonical JSON, in canonical (sorted) key order, the
 * members canonicalJson leaves out (undefined, functions) left out. Joined as `{"key":json,…}` they
 * are canonicalJson(object) itself.
 */
function canonicalMembers(object: object): Map<string, string> {
  const record = object as Record<string, unknown>;
  const members = new Map<string, string>();
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (value === undefined || typeof value === "function") continue;
    members.set(key, canonicalJson(value as object));
  }
  return members;
}

/**
 * Step JSON that `hashPlan` kept for a plan, until its plan.json is written. A side table, not a
 * field: the plan's own keys are what plan.json holds.
 */
const keptStepLines = new WeakMap<Plan, StepLines>();

export function keepStepLines(plan: Plan, lines: StepLines | null): void {
  if (lines !== null && lines.count === plan.stepCount) keptStepLines.set(plan, lines);
}

const CHUNK = 1 << 16;

/**
 * Write `{ ...header, "steps": [...] }` as canonical JSON, honouring backpressure. Layout (relied on by
 * readers that want the header without the steps, e.g. src/adaptive/plan-file.ts): the first line is
 * every key before "steps" and ends with `"steps":[`; then one step per line (`,` at the line's end);
 * then a line starting with `],` holding the keys after "steps"; then a final newline.
 */
export async function writePlanJson(plan: Plan, out: NodeJS.WritableStream): Promise<void> {
  const keys = [...Object.keys(plan), "steps"].sort();
  const record = plan as unknown as Record<string, unknown>;
  // What hashing the plan kept (once: a second write enumerates and serialises again).
  const kept = keptStepLines.get(plan);
  keptStepLines.delete(plan);
  let buffer = "{";
  let first = true;
  const flush = async (force: boolean) => {
    if (buffer.length === 0 || (!force && buffer.length < CHUNK)) return;
    const chunk = buffer;
    buffer = "";
    await write(out, chunk);
  };
  for (const key of keys) {
    if (key !== "steps" && record[key] === undefined) continue;
    if (!first) buffer += ",";
    first = false;
    buffer += `${JSON.stringify(key)}:`;
    if (key !== "steps") {
      buffer += kept?.header.get(key) ?? canonicalJson(record[key] as object);
      await flush(false);
      continue;
    }
    buffer += "[";
    let firstStep = true;
    if (kept !== undefined && kept.count > 0) {
      // "\nA\nB" as hashed is "\nA,\nB" in the steps' array.
      for (const chunk of kept.chunks) {
        const lines = chunk.replaceAll("\n", ",\n");
        buffer += firstStep ? lines.slice(1) : lines;
        firstStep = false;
        await flush(false);
      }
    } else if (kept === undefined) {
      for (const step of iterateSteps(plan)) {
        buffer += (firstStep ? "\n" : ",\n") + canonicalStepJson(step);
        firstStep = false;
        await flush(false);
      }
    }
    buffer += firstStep ? "]" : "\n]";
  }
  buffer += "}\n";
  await flush(true);
}

function write(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err?: unknown) => {
      if (settled) return;
      settled = true;
      out.removeListener("error", onError);
      out.removeListener("drain", onDrain);
      out.removeListener("close", onClose);
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve();
    };
    const onError = (err: unknown) => done(err);
    const onDrain = () => done();
    const onClose = () => done(new Error("the output was closed before the plan was written"));
    out.on("error", onError);
    out.on("close", onClose);
    if (out.write(chunk)) done();
    else out.on("drain", onDrain);
  });
}

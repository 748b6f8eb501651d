// Reading the header of a run's plan.json without its steps. writePlanJson (compile/serialize.ts)
// writes canonical JSON with sorted keys: everything before "steps" on the first line, which ends in
// `"steps":[`, then one step per line, then a last line `],"systems":...}` with the keys after "steps".
// A plan can hold millions of steps, so we read the first line from the front and the last line from
// the back and never touch the steps. A plan without steps (or a file in any other layout) is a single
// JSON document and is parsed whole.

import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import type { Plan } from "../core/plan.js";

export type PlanHeader = Omit<Plan, "hash"> & { hash: string };

export type PlanHeaderResult = { ok: true; header: PlanHeader } | { ok: false; message: string };

const STEPS_OPEN = '"steps":[';
/** Above this size a plan.json in an unexpected layout is not parsed whole. */
const WHOLE_PARSE_LIMIT = 256 * 1024 * 1024;

export function readPlanHeader(path: string): PlanHeaderResult {
  if (!existsSync(path)) return { ok: false, message: `${path} does not exist` };
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    return { ok: false, message: `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    const size = fstatSync(fd).size;
    const first = readFirstLine(fd, size);
    let value: unknown;
    if (first.text.endsWith(STEPS_OPEN) && first.end < size) {
      const head = parseObject(`${first.text.slice(0, -STEPS_OPEN.length).replace(/,$/, "")}}`);
      const lastLine = readLastLine(fd, size);
      const tail = lastLine.startsWith("],") ? parseObject(`{${lastLine.slice(2)}`) : lastLine.startsWith("]") ? {} : null;
      value = head !== null && tail !== null ? { ...head, ...tail } : null;
    } else if (size <= WHOLE_PARSE_LIMIT) {
      const whole = Buffer.alloc(size);
      readSync(fd, whole, 0, size, 0);
      const parsed = parseObject(whole.toString("utf8"));
      if (parsed !== null) delete parsed["steps"];
      value = parsed;
    } else {
      value = null;
    }
    if (!isPlanHeader(value)) return { ok: false, message: `${path} is not a plan written by value-compass (unexpected layout or missing fields)` };
    return { ok: true, header: value };
  } finally {
    closeSync(fd);
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isPlanHeader(v: unknown): v is PlanHeader {
  if (v === null || typeof v !== "object") return false;
  const p = v as Partial<Plan>;
  return typeof p.name === "string" && typeof p.hash === "string" && Array.isArray(p.segments) && Array.isArray(p.systems) && Array.isArray(p.models);
}

function readFirstLine(fd: number, size: number): { text: string; end: number } {
  const parts: Buffer[] = [];
  const chunk = Buffer.allocUnsafe(1 << 20);
  let position = 0;
  while (position < size) {
    const n = readSync(fd, chunk, 0, chunk.length, position);
    if (n === 0) break;
    const nl = chunk.subarray(0, n).indexOf(10);
    if (nl >= 0) {
      parts.push(Buffer.from(chunk.subarray(0, nl)));
      return { text: Buffer.concat(parts).toString("utf8"), end: position + nl + 1 };
    }
    parts.push(Buffer.from(chunk.subarray(0, n)));
    position += n;
  }
  return { text: Buffer.concat(parts).toString("utf8"), end: size };
}

/** The last non-empty line of the file. */
function readLastLine(fd: number, size: number): string {
  const parts: Buffer[] = [];
  const chunk = Buffer.allocUnsafe(1 << 16);
  let end = size;
  let skippedTrailing = false;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    let piece = chunk.subarray(0, n);
    if (!skippedTrailing) {
      // Drop the newline(s) that end the file.
      let cut = piece.length;
      while (cut > 0 && (piece[cut - 1] === 10 || piece[cut - 1] === 13)) cut--;
      if (cut === 0) {
        end = start;
        continue;
      }
      piece = piece.subarray(0, cut);
      skippedTrailing = true;
    }
    const nl = piece.lastIndexOf(10);
    if (nl >= 0) {
      parts.unshift(Buffer.from(piece.subarray(nl + 1)));
      break;
    }
    parts.unshift(Buffer.from(piece));
    end = start;
  }
  return Buffer.concat(parts).toString("utf8");
}

// The plan's step ids and their plan indexes, held compactly for checking a large run's records: a
// step id is 16 hex digits (src/compile/steps.ts), stored as two 32-bit halves in sorted typed arrays
// (12 bytes a step, plus 4 while the table is built, where a Map of strings takes over 100). Ids of
// another form (never made by this build) go to a plain Map, so any id the plan has is found.

import type { PlanStep } from "../core/plan.js";
import { Column } from "../run/column.js";

const HEX16 = /^[0-9a-f]{16}$/;

/** A plan index that fits a Uint32Array (every index of a plan under four billion steps). */
const fitsUint32 = (x: number): boolean => Number.isInteger(x) && x >= 0 && x <= 0xffffffff;

export class StepIdTable {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly index: Uint32Array;
  private readonly other = new Map<string, number>();
  /** Which of the table's steps were marked (journaled), by position. */
  private readonly marks: Uint8Array;
  private readonly otherMarks = new Set<string>();

  constructor(steps: Iterable<Pick<PlanStep, "id" | "index">>) {
    const uint32 = (n: number) => new Uint32Array(n);
    const hi = new Column(uint32);
    const lo = new Column(uint32);
    const index = new Column(uint32);
    for (const step of steps) {
      if (HEX16.test(step.id) && fitsUint32(step.index)) {
        hi.push(Number.parseInt(step.id.slice(0, 8), 16));
        lo.push(Number.parseInt(step.id.slice(8), 16));
        index.push(step.index);
      } else {
        this.other.set(step.id, step.index);
      }
    }
    const n = hi.length;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const h = hi.data;
    const l = lo.data;
    // By id, then by position: of two equal ids the later one is kept (as Map.set would).
    order.sort((a, b) => (h[a] as number) - (h[b] as number) || (l[a] as number) - (l[b] as number) || a - b);
    // Duplicates are dropped in place: `order` keeps its first `kept` entries.
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      const next = k + 1 < n ? (order[k + 1] as number) : -1;
      if (next >= 0 && h[next] === h[i] && l[next] === l[i]) continue;
      order[kept++] = i;
    }
    this.hi = new Uint32Array(kept);
    this.lo = new Uint32Array(kept);
    this.index = new Uint32Array(kept);
    for (let k = 0; k < kept; k++) {
      const i = order[k] as number;
      this.hi[k] = h[i] as number;
      this.lo[k] = l[i] as number;
      this.index[k] = index.data[i] as number;
    }
    this.marks = new Uint8Array(kept);
  }

  /** Position of `id` in the sorted arrays, or -1. */
  private position(id: string): number {
    if (!HEX16.test(id)) return -1;
    const h = Number.parseInt(id.slice(0, 8), 16);
    const l = Number.parseInt(id.slice(8), 16);
    let low = 0;
    let high = this.hi.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const mh = this.hi[mid] as number;
      const ml = this.lo[mid] as number;
      if (mh === h && ml === l) return mid;
      if (mh < h || (mh === h && ml < l)) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** The plan index of step `id`, or undefined when the plan has no such step. */
  indexOf(id: string): number | undefined {
    const p = this.position(id);
    return p >= 0 ? this.index[p] : this.other.get(id);
  }

  mark(id: string): void {
    const p = this.position(id);
    if (p >= 0) this.marks[p] = 1;
    else this.otherMarks.add(id);
  }

  marked(id: string): boolean {
    const p = this.position(id);
    return p >= 0 ? this.marks[p] === 1 : this.otherMarks.has(id);
  }
}

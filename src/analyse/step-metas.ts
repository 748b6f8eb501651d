// What the analyses know about each step of a run (StepMeta), held as typed columns: a run of a
// million steps would otherwise hold a million objects (about 110 bytes a step with the step id's
// string); here a step takes about 29 bytes, and a StepMeta is a small view made when it is read.

import type { StepRecord } from "../core/records.js";

/** What the steps of one item × model × context share (all but the step id, index, sample and flags). */
interface StepShape {
  segment: string;
  model: string;
  system: string;
  dimension: string;
  item: string;
  difficulty: number | null;
  culture: string | null;
  usecase: string | null;
}

/** What an analysis needs to know about one step (no messages, no response text). */
export interface StepMeta extends StepShape {
  stepId: string;
  index: number;
  sample: number;
  /** The step has no answer (the model call failed after all tries). */
  failed: boolean;
  /** The record holds an answer (response not null; it may still carry an error). */
  answered: boolean;
  /** The answer came from the built-in mock provider. */
  mock: boolean;
}

const FAILED = 1;
const ANSWERED = 2;
const MOCK = 4;

/** Step ids of this build are 16 lowercase hex digits (src/compile/steps.ts): two 32-bit halves. */
const HEX16 = /^[0-9a-f]{16}$/;

const hex8 = (x: number): string => x.toString(16).padStart(8, "0");

/**
 * The StepMeta of every step, in the order they were added, as columns: which shape (the shared
 * part), the step id's two halves, the plan index, the sample and three flags. A step id or a sample
 * of another form (a hand-edited journal) is kept as it is in a side map, so every value reads back
 * exactly as the record had it.
 */
export class StepMetas implements Iterable<StepMeta> {
  private readonly shapes: StepShape[] = [];
  private readonly shapeOf = new Map<string, number>();
  private readonly difficulty: (segment: string, item: string) => number | null;
  private capacity = 1024;
  private shape = new Uint32Array(this.capacity);
  private idHi = new Uint32Array(this.capacity);
  private idLo = new Uint32Array(this.capacity);
  private index = new Float64Array(this.capacity);
  private sample = new Float64Array(this.capacity);
  private flags = new Uint8Array(this.capacity);
  /** Step ids that are not 16 hex digits, and samples that are not numbers, by position. */
  private readonly otherIds = new Map<number, string>();
  private readonly otherSamples = new Map<number, unknown>();
  private count = 0;

  constructor(difficulty: (segment: string, item: string) => number | null) {
    this.difficulty = difficulty;
  }

  /** How many steps were added. */
  get length(): number {
    return this.count;
  }

  push(s: StepRecord): void {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.shape[i] = this.shapeIndex(s);
    if (HEX16.test(s.stepId)) {
      this.idHi[i] = Number.parseInt(s.stepId.slice(0, 8), 16);
      this.idLo[i] = Number.parseInt(s.stepId.slice(8), 16);
    } else {
      this.otherIds.set(i, s.stepId);
    }
    this.index[i] = s.index;
    // A record without a numeric sample (a hand-edited journal) reads back as it was, even undefined.
    if (typeof s.sample === "number") this.sample[i] = s.sample;
    else this.otherSamples.set(i, (s as { sample: unknown }).sample);
    const failed = s.response === null || s.error !== null;
    this.flags[i] = (failed ? FAILED : 0) | (s.response !== null ? ANSWERED : 0) | (s.mock ? MOCK : 0);
  }

  /** The step at position `i` (a view over the columns; undefined past the end). */
  at(i: number): StepMeta | undefined {
    return i >= 0 && i < this.length ? new StepView(this, i) : undefined;
  }

  stepIdAt(i: number): string {
    return this.otherIds.get(i) ?? hex8(this.idHi[i] as number) + hex8(this.idLo[i] as number);
  }
  indexAt(i: number): number {
    return this.index[i] as number;
  }
  sampleAt(i: number): number {
    return this.otherSamples.has(i) ? (this.otherSamples.get(i) as number) : (this.sample[i] as number);
  }
  flagsAt(i: number): number {
    return this.flags[i] as number;
  }
  shapeAt(i: number): StepShape {
    return this.shapes[this.shape[i] as number] as StepShape;
  }

  *[Symbol.iterator](): Iterator<StepMeta> {
    for (let i = 0; i < this.length; i++) yield new StepView(this, i);
  }
  forEach(fn: (meta: StepMeta, i: number) => void): void {
    for (let i = 0; i < this.length; i++) fn(new StepView(this, i), i);
  }
  some(fn: (meta: StepMeta, i: number) => boolean): boolean {
    for (let i = 0; i < this.length; i++) if (fn(new StepView(this, i), i)) return true;
    return false;
  }
  map<T>(fn: (meta: StepMeta, i: number) => T): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = fn(new StepView(this, i), i);
    return out;
  }
  filter(fn: (meta: StepMeta, i: number) => boolean): StepMeta[] {
    const out: StepMeta[] = [];
    for (let i = 0; i < this.length; i++) {
      const meta = new StepView(this, i);
      if (fn(meta, i)) out.push(meta);
    }
    return out;
  }
  flatMap<T>(fn: (meta: StepMeta, i: number) => T[]): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) out.push(...fn(new StepView(this, i), i));
    return out;
  }

  private shapeIndex(s: StepRecord): number {
    const key = JSON.stringify([s.segment, s.model, s.system, s.dimension, s.item, s.context.culture, s.context.usecase]);
    let k = this.shapeOf.get(key);
    if (k === undefined) {
      k = this.shapes.length;
      this.shapes.push({
        segment: s.segment,
        model: s.model,
        system: s.system,
        dimension: s.dimension,
        item: s.item,
        difficulty: this.difficulty(s.segment, s.item),
        culture: s.context.culture,
        usecase: s.context.usecase,
      });
      this.shapeOf.set(key, k);
    }
    return k;
  }

  /** Doubles every column (one column's old and new array are alive at once, not all of them). */
  private grow(): void {
    const n = this.capacity * 2;
    const widen = <A extends Uint32Array | Float64Array | Uint8Array>(old: A, make: (n: number) => A): A => {
      const grown = make(n);
      grown.set(old);
      return grown;
    };
    this.shape = widen(this.shape, (k) => new Uint32Array(k));
    this.idHi = widen(this.idHi, (k) => new Uint32Array(k));
    this.idLo = widen(this.idLo, (k) => new Uint32Array(k));
    this.index = widen(this.index, (k) => new Float64Array(k));
    this.sample = widen(this.sample, (k) => new Float64Array(k));
    this.flags = widen(this.flags, (k) => new Uint8Array(k));
    this.capacity = n;
  }
}

/** One step of a StepMetas, read from its columns. */
class StepView implements StepMeta {
  constructor(
    private readonly metas: StepMetas,
    private readonly i: number,
  ) {}
  get stepId(): string {
    return this.metas.stepIdAt(this.i);
  }
  get index(): number {
    return this.metas.indexAt(this.i);
  }
  get sample(): number {
    return this.metas.sampleAt(this.i);
  }
  get segment(): string {
    return this.metas.shapeAt(this.i).segment;
  }
  get model(): string {
    return this.metas.shapeAt(this.i).model;
  }
  get system(): string {
    return this.metas.shapeAt(this.i).system;
  }
  get dimension(): string {
    return this.metas.shapeAt(this.i).dimension;
  }
  get item(): string {
    return this.metas.shapeAt(this.i).item;
  }
  get difficulty(): number | null {
    return this.metas.shapeAt(this.i).difficulty;
  }
  get culture(): string | null {
    return this.metas.shapeAt(this.i).culture;
  }
  get usecase(): string | null {
    return this.metas.shapeAt(this.i).usecase;
  }
  get failed(): boolean {
    return (this.metas.flagsAt(this.i) & FAILED) !== 0;
  }
  get answered(): boolean {
    return (this.metas.flagsAt(this.i) & ANSWERED) !== 0;
  }
  get mock(): boolean {
    return (this.metas.flagsAt(this.i) & MOCK) !== 0;
  }
}

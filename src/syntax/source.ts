// A source text with a line table, so offsets turn into line/column positions in O(log n).
// Lines end at "\n" (a "\r" before it belongs to the line), matching core/diagnostic positionAt.

import type { Position, Span } from "../core/diagnostic.js";

export class SourceText {
  readonly text: string;
  private readonly lineStarts: number[];

  constructor(text: string) {
    this.text = text;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const clamped = Number.isFinite(offset) ? Math.max(0, Math.min(offset, this.text.length)) : this.text.length;
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { offset: clamped, line: low + 1, column: clamped - (this.lineStarts[low] ?? 0) + 1 };
  }

  span(start: number, end: number = start): Span {
    const s = this.position(start);
    return { start: s, end: this.position(Math.max(s.offset, end)) };
  }

  /** 1-based line number of an offset. */
  lineOf(offset: number): number {
    return this.position(offset).line;
  }

  /** The whitespace at the start of the line holding `offset`. */
  indentationAt(offset: number): string {
    const start = this.lineStarts[this.lineOf(offset) - 1] ?? 0;
    let end = start;
    while (this.text[end] === " " || this.text[end] === "\t") end++;
    return this.text.slice(start, end);
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[line];
    return this.text.slice(start, next === undefined ? this.text.length : next - 1).replace(/\r$/, "");
  }
}

// A growable column of numbers in a typed array: the large per-step tables (a journal's lines in
// plan order, the plan's step ids) hold a few numbers a step, where an array of objects would take
// ten times the memory.

type NumberArray = Float64Array | Uint32Array;

export class Column<A extends NumberArray> {
  data: A;
  length = 0;

  /** `make(n)`: a zeroed array of n elements (`(n) => new Uint32Array(n)`). */
  constructor(private readonly make: (n: number) => A) {
    this.data = make(1024);
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
}

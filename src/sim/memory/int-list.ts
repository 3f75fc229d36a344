/**
 * Consecutive pieces of one new Int32Array, zeroed: a layer allocates its many small tables at once, since each typed
 * array allocated on its own costs far more than filling it (a small layer's time was mostly such allocations).
 */
export function carveInt32(sizes: readonly number[]): Int32Array[] {
  let total = 0;
  for (const n of sizes) total += n;
  const all = new Int32Array(total);
  const pieces: Int32Array[] = [];
  let at = 0;
  for (const n of sizes) pieces.push(all.subarray(at, (at += n)));
  return pieces;
}

/** A growable list of int32s in one typed array: no per-element objects, so no garbage in hot loops. */
export class IntList {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 256) {
    this.data = new Int32Array(Math.max(1, capacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  at(i: number): number {
    return this.data[i]!;
  }

  /** The elements [from, to), sharing memory with the list until it grows. */
  view(from = 0, to = this.length): Int32Array {
    return this.data.subarray(from, to);
  }
}

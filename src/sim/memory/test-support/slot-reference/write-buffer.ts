/**
 * SCALE-Sim v2's double-buffered write SRAM (memory/write_buffer.py), re-derived. Output words fill
 * lines of `bandwidth` words; once the active half is full the buffer drains ceil(drain words /
 * bandwidth) lines to DRAM, one line per cycle; a write that finds the SRAM full waits until the drain
 * ends. A drain flushes the partly filled line too, and only the last drained line's empty slots are
 * subtracted from the words written, as SCALE-Sim does.
 */
export interface DrainRow {
  readonly cycle: number;
  /** Addresses written in this line (the rest of the line is empty). */
  readonly addresses: readonly number[];
}

export class WriteBuffer {
  private readonly totalWords: number;
  private readonly drainWords: number;
  private freeWords: number;
  /** Lines written so far: closed lines, then the open one. */
  private readonly lines: number[][] = [];
  private open: number[] = [];
  private drainedLines = 0;
  private drainEnd = 0;
  dramWords = 0;
  readonly dram: DrainRow[] = [];

  constructor(
    totalWords: number,
    readonly bandwidth: number,
    private readonly keepAddresses: boolean,
  ) {
    this.totalWords = totalWords;
    this.drainWords = totalWords - Math.ceil(totalWords * 0.5);
    this.freeWords = totalWords;
  }

  private store(address: number): void {
    this.open.push(this.keepAddresses ? address : 0);
    this.freeWords--;
    if (this.open.length >= this.bandwidth) this.closeLine();
  }

  private closeLine(): void {
    if (this.open.length === 0) return;
    this.lines.push(this.open);
    this.open = [];
  }

  private drain(startCycle: number): number {
    const count = Math.ceil(this.drainWords / this.bandwidth);
    const end = Math.min(this.drainedLines + count, this.lines.length);
    const n = end - this.drainedLines;
    if (n === 0) return startCycle - 1;
    let words = n * this.bandwidth;
    const lastLine = this.lines[end - 1]!;
    words -= this.bandwidth - lastLine.length;
    this.dramWords += words;
    for (let i = 0; i < n; i++)
      this.dram.push({ cycle: startCycle + i, addresses: this.lines[this.drainedLines + i]! });
    this.freeWords += words;
    this.drainedLines = end;
    return startCycle + n - 1;
  }

  /** Serves one row of output writes issued at `cycle`; returns the cycle the row is accepted. */
  serveRow(data: Int32Array, from: number, width: number, cycle: number): number {
    let current = cycle;
    for (let c = 0; c < width; c++) {
      const address = data[from + c]!;
      if (address === -1) continue;
      this.store(address);
      if (current < this.drainEnd) {
        if (this.freeWords <= 0) current = this.drainEnd;
      } else if (this.freeWords < this.totalWords - this.drainWords) {
        this.closeLine();
        this.drainEnd = this.drain(current);
      }
    }
    return current;
  }

  /** Drains everything left after the last row, starting at `cycle`. */
  flush(cycle: number): void {
    this.closeLine();
    let start = cycle;
    while (this.drainedLines < this.lines.length) start = this.drain(start) + 1;
  }
}

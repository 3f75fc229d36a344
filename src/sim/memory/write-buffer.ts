/**
 * SCALE-Sim v2's double-buffered write SRAM (memory/write_buffer.py), re-derived. Output words fill
 * lines of `bandwidth` words; once the active half is full the buffer drains ceil(drain words /
 * bandwidth) lines to DRAM, one line per cycle; a write that finds the SRAM full waits until the drain
 * ends. A drain flushes the partly filled line too, and only the last drained line's empty slots are
 * subtracted from the words written, as SCALE-Sim does.
 *
 * Only counts are kept: every line is full but those a drain closes early, which are noted by index,
 * so a million lines cost nothing; the addresses are logged only for a trace.
 */
import { IntList } from './int-list.js';

export class WriteBuffer {
  private readonly totalWords: number;
  private readonly drainWords: number;
  private readonly drainLines: number;
  private freeWords: number;
  /** Closed lines; the words of those closed before they were full (the others hold `bandwidth`). */
  private lineCount = 0;
  private readonly partialLines = new Map<number, number>();
  private openWords = 0;
  private drainedLines = 0;
  private drainEnd = 0;
  /** Trace only: every address stored, and per drained line its cycle and line index. */
  private readonly log: IntList | undefined;
  private readonly drained: IntList | undefined;
  dramWords = 0;
  /** Cycles of the first and last DRAM write (0 when nothing was written, as the report prints). */
  firstDramCycle = 0;
  lastDramCycle = 0;
  private anyDrained = false;

  constructor(
    totalWords: number,
    readonly bandwidth: number,
    keepAddresses: boolean,
  ) {
    this.totalWords = totalWords;
    this.drainWords = totalWords - Math.ceil(totalWords * 0.5);
    this.drainLines = Math.ceil(this.drainWords / bandwidth);
    this.freeWords = totalWords;
    this.log = keepAddresses ? new IntList() : undefined;
    this.drained = keepAddresses ? new IntList() : undefined;
  }

  private closeLine(): void {
    if (this.openWords === 0) return;
    if (this.openWords < this.bandwidth) this.partialLines.set(this.lineCount, this.openWords);
    this.lineCount++;
    this.openWords = 0;
  }

  private lineWords(line: number): number {
    return this.partialLines.get(line) ?? this.bandwidth;
  }

  private drain(startCycle: number): number {
    const end = Math.min(this.drainedLines + this.drainLines, this.lineCount);
    const n = end - this.drainedLines;
    if (n === 0) return startCycle - 1;
    const words = n * this.bandwidth - (this.bandwidth - this.lineWords(end - 1));
    this.dramWords += words;
    for (let i = 0; this.drained && i < n; i++) {
      this.drained.push(startCycle + i);
      this.drained.push(this.drainedLines + i);
    }
    if (!this.anyDrained) this.firstDramCycle = startCycle;
    this.anyDrained = true;
    this.lastDramCycle = startCycle + n - 1;
    this.freeWords += words;
    this.drainedLines = end;
    return startCycle + n - 1;
  }

  /**
   * Serves one row of `count` output writes issued at `cycle`; returns the cycle the row is accepted.
   * `addresses` (the row's addresses, empty slots left out) is read only when addresses are kept.
   */
  serveRow(addresses: Int32Array, count: number, cycle: number): number {
    let current = cycle;
    const fullAt = this.totalWords - this.drainWords;
    for (let k = 0; k < count; k++) {
      this.log?.push(addresses[k]!);
      this.freeWords--;
      if (++this.openWords >= this.bandwidth) this.closeLine();
      if (current < this.drainEnd) {
        if (this.freeWords <= 0) current = this.drainEnd;
      } else if (this.freeWords < fullAt) {
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
    while (this.drainedLines < this.lineCount) start = this.drain(start) + 1;
  }

  /** DRAM trace rows: the write cycle, then the line's addresses padded with -1 to the bandwidth. */
  traceRows(): { cycle: number; addresses: Int32Array }[] {
    const rows: { cycle: number; addresses: Int32Array }[] = [];
    const { drained, log } = this;
    if (!drained || !log) return rows;
    // Lines drain in order, so each one's addresses follow the previous one's in the log.
    let from = 0;
    for (let i = 0; i < drained.length; i += 2) {
      const to = from + this.lineWords(drained.at(i + 1));
      const addresses = new Int32Array(this.bandwidth).fill(-1);
      addresses.set(log.view(from, to));
      rows.push({ cycle: drained.at(i), addresses });
      from = to;
    }
    return rows;
  }
}

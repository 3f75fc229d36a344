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
  /**
   * The latest DRAM write, which SCALE-Sim v3 reports (np.amax) where v2 reports the last: the final flush starts
   * at the last row's cycle even while a drain is still running, so its lines can come before that drain's.
   */
  latestDramCycle = 0;
  private anyDrained = false;
  /** Whether a row may be counted at once (serveRow): no addresses to log, and lines close at whole words. */
  private readonly wholeLines: boolean;

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
    this.wholeLines = !keepAddresses && Number.isInteger(bandwidth) && bandwidth >= 1;
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
    this.latestDramCycle = Math.max(this.latestDramCycle, this.lastDramCycle);
    this.freeWords += words;
    this.drainedLines = end;
    return startCycle + n - 1;
  }

  /**
   * Takes `count` words at once when they fit without starting a drain (so without a stall, whatever their
   * cycles), as serveRow would row by row; false, changing nothing, otherwise.
   */
  absorb(count: number): boolean {
    const after = this.freeWords - count;
    // Enough for either branch of serveRow's test, whether or not a drain is still running.
    if (!this.wholeLines || after <= 0 || after < this.totalWords - this.drainWords) return false;
    this.absorbWords(count);
    return true;
  }

  private absorbWords(count: number): void {
    this.freeWords -= count;
    const open = this.openWords + count;
    this.lineCount += Math.floor(open / this.bandwidth);
    this.openWords = open % this.bandwidth;
  }

  /**
   * Serves one row of `count` output writes issued at `cycle`; returns the cycle the row is accepted.
   * `addresses` (the row's addresses, empty slots left out) is read only when addresses are kept.
   */
  serveRow(addresses: Int32Array, count: number, cycle: number): number {
    const fullAt = this.totalWords - this.drainWords;
    // A row that neither fills the SRAM during a drain nor starts a drain only counts its words.
    const after = this.freeWords - count;
    if (this.wholeLines && (cycle < this.drainEnd ? after > 0 : after >= fullAt)) {
      this.absorbWords(count);
      return cycle;
    }
    let current = cycle;
    for (let k = 0; k < count; k++) {
      if (this.wholeLines) {
        // Words before the next one that fills the SRAM during a drain or starts a drain only count.
        const quiet = current < this.drainEnd ? this.freeWords - 1 : this.freeWords - fullAt;
        const n = Math.min(count - k, Math.max(0, quiet));
        this.absorbWords(n);
        k += n;
        if (k === count) break;
      }
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

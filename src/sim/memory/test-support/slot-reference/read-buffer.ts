/**
 * SCALE-Sim v2's double-buffered read SRAM in USER bandwidth mode (memory/read_buffer.py), re-derived:
 * the operand's prefetch order is cut into lines of `bandwidth` words (one DRAM request per cycle) and,
 * for hit tests, into sets of ceil(words / 100) addresses. Half the SRAM (rounded up) is the active
 * buffer, a window of sets; the rest is the prefetch buffer. The active buffer is filled before cycle 0;
 * a read that misses slides the window by the prefetch buffer's sets and issues one prefetch of
 * ceil(prefetch words / bandwidth) lines, each line one cycle after the last prefetch completed; the
 * array waits (stalls) until the data arrived. Quirks kept on purpose, for byte-exact reports: the next
 * prefetch always starts at the same line (SCALE-Sim never advances it), and the excess-word trim uses
 * the active size.
 */
/** One DRAM fetch: `lines` lines of the prefetch order from `startLine` (wrapping), one per cycle. */
import { SimError } from '../../../errors.js';

export interface FetchGroup {
  /** Arrival cycle of the first line. */
  readonly firstCycle: number;
  readonly startLine: number;
  readonly lines: number;
  /** Words before this column of the first line, and from this column of the last line, are dropped. */
  readonly headTrim: number;
  readonly tailValid: number;
}

export class UserReadBuffer {
  readonly activeWords: number;
  readonly prefetchWords: number;
  private readonly lines: number;
  private readonly setCount: number;
  private readonly activeSets: number;
  private readonly prefetchSets: number;
  /** Sorted set ids per address (CSR over address - base). */
  private readonly setStart: Int32Array;
  private readonly setIds: Int32Array;
  private readonly base: number;
  private windowStart = 0;
  private windowEnd = 0;
  private nextLine = 0;
  private nextColumn = 0;
  private started = false;
  lastPrefetchCycle = -1;
  /** Words requested from DRAM (padding included, as SCALE-Sim counts). */
  dramWords = 0;
  readonly dram: FetchGroup[] = [];

  constructor(
    totalWords: number,
    readonly bandwidth: number,
    private readonly order: Int32Array,
  ) {
    this.activeWords = Math.ceil(totalWords * 0.5);
    this.prefetchWords = totalWords - this.activeWords;
    this.lines = Math.ceil(order.length / bandwidth);
    const perSet = Math.ceil(totalWords / 100);
    let min = Infinity;
    let max = -1;
    for (const a of order)
      if (a !== -1) {
        if (a < min) min = a;
        if (a > max) max = a;
      }
    this.base = max < 0 ? 0 : min;
    const span = max < 0 ? 0 : max - min + 1;
    const counts = new Int32Array(span + 1);
    // Pass 1: number of sets each address occurs in (SCALE-Sim counts duplicates towards a set's size).
    let set = 0;
    let inSet = 0;
    const setOf = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const a = order[i]!;
      if (a === -1) {
        setOf[i] = -1;
        continue;
      }
      setOf[i] = set;
      inSet++;
      if (inSet >= perSet) {
        set++;
        inSet = 0;
      }
    }
    this.setCount = set + 1;
    const last = new Int32Array(span).fill(-1);
    for (let i = 0; i < order.length; i++) {
      const s = setOf[i]!;
      if (s < 0) continue;
      const k = order[i]! - this.base;
      if (last[k] !== s) {
        counts[k + 1]!++;
        last[k] = s;
      }
    }
    for (let k = 0; k < span; k++) counts[k + 1]! += counts[k]!;
    this.setStart = counts;
    this.setIds = new Int32Array(counts[span] ?? 0);
    const fill = counts.slice(0, span);
    last.fill(-1);
    for (let i = 0; i < order.length; i++) {
      const s = setOf[i]!;
      if (s < 0) continue;
      const k = order[i]! - this.base;
      if (last[k] !== s) {
        this.setIds[fill[k]!++] = s;
        last[k] = s;
      }
    }
    this.activeSets = Math.min(Math.ceil(this.activeWords / perSet), this.setCount);
    this.prefetchSets = Math.min(Math.ceil(this.prefetchWords / perSet), this.setCount - this.activeSets);
  }

  private hit(address: number): boolean {
    const k = address - this.base;
    const s0 = this.setStart[k]!;
    const s1 = this.setStart[k + 1]!;
    const { windowStart: a, windowEnd: b } = this;
    for (let i = s0; i < s1; i++) {
      const s = this.setIds[i]!;
      if (a < b ? s >= a && s < b : s >= a || s < b) return true;
    }
    return false;
  }

  private fillActive(startCycle: number): void {
    const lines = Math.min(Math.ceil(this.activeWords / this.bandwidth), this.lines);
    const requested = lines * this.bandwidth;
    this.dramWords += requested;
    const trimmed = requested > this.activeWords;
    this.nextColumn = trimmed ? this.activeWords % this.bandwidth : 0;
    this.dram.push({
      firstCycle: startCycle - lines,
      startLine: 0,
      lines,
      headTrim: 0,
      tailValid: trimmed ? this.nextColumn : this.bandwidth,
    });
    this.lastPrefetchCycle = startCycle - 1;
    this.windowStart = 0;
    this.windowEnd = this.activeSets;
    this.nextLine = (trimmed ? lines : lines + 1) % this.lines;
    this.started = true;
  }

  private prefetchNext(): void {
    const start = (this.windowStart + this.prefetchSets) % this.setCount;
    this.windowStart = start;
    this.windowEnd = (start + this.activeSets) % this.setCount;
    const lines = Math.ceil(this.prefetchWords / this.bandwidth);
    const requested = lines * this.bandwidth;
    this.dramWords += requested;
    const trimLast = requested > this.activeWords;
    const validLast = this.activeWords % this.bandwidth;
    this.dram.push({
      firstCycle: this.lastPrefetchCycle + 2,
      startLine: this.nextLine,
      lines,
      headTrim: this.nextColumn,
      tailValid: trimLast ? validLast : this.bandwidth,
    });
    this.lastPrefetchCycle += lines + 1;
    this.nextLine = (trimLast ? lines : lines + 1) % this.lines;
  }

  /** First and last arrival cycle of DRAM data. */
  dramSpan(): { start: number; stop: number } {
    const last = this.dram[this.dram.length - 1]!;
    return { start: this.dram[0]!.firstCycle, stop: last.firstCycle + last.lines - 1 };
  }

  /**
   * The DRAM trace rows (arrival cycle, then `bandwidth` addresses, -1 for none). SCALE-Sim trims
   * words in place in its fetch matrix when a fetch does not wrap around, so later fetches of the same
   * lines see the trims; replayed here in the same order.
   */
  traceRows(): { cycle: number; addresses: Int32Array }[] {
    const B = this.bandwidth;
    const fetch = new Int32Array(this.lines * B).fill(-1);
    fetch.set(this.order);
    const rows: { cycle: number; addresses: Int32Array }[] = [];
    for (const g of this.dram) {
      const wraps = g.startLine + g.lines > this.lines;
      const ids = wraps
        ? [...range(g.startLine, this.lines), ...range(0, Math.min(g.startLine + g.lines - this.lines, g.startLine))]
        : range(g.startLine, g.startLine + g.lines);
      const group = ids.map((line) =>
        wraps ? fetch.slice(line * B, line * B + B) : fetch.subarray(line * B, line * B + B),
      );
      group[0]?.fill(-1, 0, g.headTrim);
      group[group.length - 1]?.fill(-1, g.tailValid, B);
      group.forEach((addresses, i) => rows.push({ cycle: g.firstCycle + i, addresses: addresses.slice() }));
    }
    return rows;
  }

  /** Serves one demand row issued at `cycle`; returns the cycle its data is delivered (hit latency 1). */
  serveRow(data: Int32Array, from: number, width: number, cycle: number): number {
    if (!this.started) this.fillActive(cycle);
    let offset = 1;
    for (let c = 0; c < width; c++) {
      const address = data[from + c]!;
      if (address === -1) continue;
      for (let tries = 0; !this.hit(address); tries++) {
        // SCALE-Sim would loop forever here: the address is in no set the window can reach.
        if (tries > this.setCount)
          throw new SimError(
            'unreachable_address',
            `address ${address} is never brought into the ${this.activeWords + this.prefetchWords}-word SRAM ` +
              `(SCALE-Sim v2 would not terminate)`,
          );
        this.prefetchNext();
        const wait = this.lastPrefetchCycle - (cycle + offset);
        if (wait > 0) offset += wait;
      }
    }
    return cycle + offset;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

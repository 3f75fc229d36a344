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
 *
 * Set s holds the addresses of ranks [s x setSize, (s + 1) x setSize) of the order, so a window of sets
 * is an interval of ranks and a hit is one comparison of the address's rank (an address that
 * repeats is tested at each of its ranks). A demand row reads part of one line of the order (an
 * anti-diagonal or a row), whose addresses have consecutive ranks: a row whose line lies inside the
 * window hits throughout, and its reads are not looked at one by one (coversLines).
 */
import { SimError } from '../errors.js';
import type { PrefetchOrder } from './prefetch-order.js';

/** A read whose address repeats in the order: its hit test follows the address's chain of ranks. */
const SETS = -2;

const EMPTY: Int32Array = new Int32Array(0);

/**
 * Whose memory system's quirks to keep. A read that waits on a prefetch delays its row: in SCALE-Sim v2
 * (read_buffer.py) by the wait, when positive; in v3's read_buffer.py outside its layout evaluation, by the wait
 * and, when positive, by it once more, so a positive wait counts twice and a negative one moves the row earlier.
 * v3 also reports the latest ofmap DRAM write, v2 the last (write-buffer.ts).
 */
export type MemoryQuirks = 'v2' | 'v3';

/** One DRAM fetch: `lines` lines of the prefetch order from `startLine` (wrapping), one per cycle. */
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
  private readonly perSet: number;
  private readonly setCount: number;
  private readonly activeSets: number;
  private readonly prefetchSets: number;
  private readonly base: number;
  /**
   * Lookup 'address': each address's last and first rank and, where addresses repeat (`repeats`), each rank's earlier
   * one. Fields of their own, not one object read per hit test: a stalling layer tests every read (issue 16).
   */
  private looked = false;
  private repeats = false;
  private rankOf = EMPTY;
  private firstRankOf = EMPTY;
  private earlier = EMPTY;
  /** The window as sets [windowStart, windowEnd) (wrapping when start >= end) and as ranks. */
  private windowStart = 0;
  private windowEnd = 0;
  private rankStart = 0;
  private rankEnd = 0;
  private nextLine = 0;
  private nextColumn = 0;
  private started = false;
  lastPrefetchCycle = -1;
  /** Words requested from DRAM (padding included, as SCALE-Sim counts). */
  dramWords = 0;
  readonly dram: FetchGroup[] = [];

  /** SCALE-Sim v3's read waits (see MemoryQuirks). */
  private readonly v3Waits: boolean;

  constructor(
    totalWords: number,
    readonly bandwidth: number,
    private readonly order: PrefetchOrder,
    quirks: MemoryQuirks = 'v2',
  ) {
    this.v3Waits = quirks === 'v3';
    this.activeWords = Math.ceil(totalWords * 0.5);
    this.prefetchWords = totalWords - this.activeWords;
    this.lines = Math.ceil(order.length / bandwidth);
    this.perSet = Math.ceil(totalWords / 100);
    // A set closes after perSet addresses, so a last full set leaves an empty one behind (as SCALE-Sim counts).
    this.setCount = Math.floor(order.valid / this.perSet) + 1;
    this.base = order.lookup === 'address' ? order.base : 0;
    this.activeSets = Math.min(Math.ceil(this.activeWords / this.perSet), this.setCount);
    this.prefetchSets = Math.min(Math.ceil(this.prefetchWords / this.perSet), this.setCount - this.activeSets);
  }

  /** Built on the first read that needs a hit test (rows inside the window skip them: coversLines). */
  private buildLookups(): void {
    const tables = this.order.lookup === 'address' ? this.order.tables() : undefined;
    this.looked = true;
    if (!tables) return;
    this.rankOf = tables.rankOf;
    this.firstRankOf = tables.firstRankOf;
    this.repeats = tables.earlier !== undefined;
    this.earlier = tables.earlier ?? EMPTY;
  }

  /** The rank of read c: given by the caller (lookup 'position'), from the table, or SETS where addresses repeat. */
  private rankOfRead(address: number, ranks: Int32Array | undefined, c: number): number {
    if (ranks) return ranks[c]!;
    if (!this.looked) this.buildLookups();
    if (this.repeats) return SETS;
    const k = address - this.base;
    const rankOf = this.rankOf;
    return k >= 0 && k < rankOf.length ? rankOf[k]! : -1;
  }

  private rankInWindow(rank: number): boolean {
    if (rank < 0) return false;
    return this.windowStart < this.windowEnd
      ? rank >= this.rankStart && rank < this.rankEnd
      : rank >= this.rankStart || rank < this.rankEnd;
  }

  /**
   * A repeated address hits when any of its ranks does: the window's sets are the ranks' interval. Its ranks run
   * from its first to its last; only a window strictly inside that span needs the chain (which descends).
   */
  private hit(address: number, rank: number): boolean {
    if (rank !== SETS) return this.rankInWindow(rank);
    if (!this.looked) this.buildLookups();
    const { rankOf, firstRankOf, earlier } = this;
    const k = address - this.base;
    const last = k >= 0 && k < rankOf.length ? rankOf[k]! : -1;
    if (last < 0) return false;
    const first = firstRankOf[k]!;
    const { rankStart: a, rankEnd: b } = this;
    if (this.windowStart >= this.windowEnd) return last >= a || first < b;
    if (first >= b || last < a) return false;
    if (first >= a || last < b) return true;
    let q = last;
    while (q >= b) q = earlier[q]!;
    return q >= a;
  }

  private moveWindow(start: number, end: number): void {
    this.windowStart = start;
    this.windowEnd = end;
    this.rankStart = start * this.perSet;
    this.rankEnd = end * this.perSet;
  }

  /**
   * Whether every address of lines [first, last] of the prefetch order is in the window now, so reading them changes
   * nothing. Lines hold consecutive ranks, so this is one interval; a wrapping window answers true only when the
   * interval lies in one of its two parts (enough for a skip, which is all this is for).
   */
  coversLines(first: number, last: number): boolean {
    const lo = this.order.lineStart[first]!;
    const end = this.order.lineStart[last + 1]!;
    if (end <= lo) return true;
    const { rankStart: a, rankEnd: b } = this;
    if (this.windowStart === this.windowEnd) return true; // the window is every set (as hit() reads it)
    return this.windowStart < this.windowEnd ? lo >= a && end <= b : lo >= a || end <= b;
  }

  /** Fills the active buffer before the first read at `startCycle`. */
  start(startCycle: number): void {
    if (!this.started) this.fillActive(startCycle);
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
    this.moveWindow(0, this.activeSets);
    this.nextLine = (trimmed ? lines : lines + 1) % this.lines;
    this.started = true;
  }

  private prefetchNext(): void {
    const start = (this.windowStart + this.prefetchSets) % this.setCount;
    this.moveWindow(start, (start + this.activeSets) % this.setCount);
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
    fetch.set(this.order.addresses());
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

  /**
   * Serves one demand row of `count` addresses issued at `cycle`; returns the cycle its data is
   * delivered (hit latency 1). `ranks` holds their ranks where the order's lookup is 'position'.
   */
  serveRow(addresses: Int32Array, count: number, cycle: number, ranks?: Int32Array): number {
    if (!this.started) this.fillActive(cycle);
    let offset = 1;
    for (let c = 0; c < count; c++) {
      const address = addresses[c]!;
      const rank = this.rankOfRead(address, ranks, c);
      for (let tries = 0; !this.hit(address, rank); tries++) {
        // SCALE-Sim would loop forever here: the address is in no set the window can reach.
        if (tries > this.setCount)
          throw new SimError(
            'unreachable_address',
            `address ${address} is never brought into the ${this.activeWords + this.prefetchWords}-word SRAM ` +
              `(SCALE-Sim v2 would not terminate)`,
          );
        this.prefetchNext();
        const wait = this.lastPrefetchCycle - (cycle + offset);
        if (this.v3Waits) offset += wait > 0 ? 2 * wait : wait;
        else if (wait > 0) offset += wait;
      }
    }
    return cycle + offset;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/**
 * SCALE-Sim v2's read SRAM in CALC mode (memory/read_buffer_estimate_bw.py), re-derived. Reads never
 * stall; the buffer works out which DRAM traffic would have kept up. Distinct missing addresses are
 * gathered into sets of floor(words / 100); the SRAM holds 50 sets active and 50 prefetching. When the
 * 50th set of a new window completes, the window's sets are fetched: the first time at the default
 * bandwidth, ending just before the first read, later spread evenly over the cycles since the previous
 * fetch window (bandwidth = ceil(words / cycles)). Whatever is left is fetched at the end.
 */
export interface FetchWindow {
  /** Cycles of the first and last request row (delivery cycles, latency 1 included). */
  readonly firstCycle: number;
  readonly rows: number;
  readonly bandwidth: number;
  readonly addresses: readonly number[];
}

const ACTIVE_SETS = 50;
const PREFETCH_SETS = 50;

export class EstimateReadBuffer {
  private readonly perSet: number;
  private readonly sets: (Set<number> | undefined)[] = [];
  private current = new Set<number>();
  private windowStart = 0;
  private windowEnd = ACTIVE_SETS - 1;
  private prefetchStart = -1;
  private prefetchEnd = -1;
  private lastStart = -2;
  private lastEnd = -1;
  private firstRequest = 0;
  private seen = false;
  private activeDone = false;
  dramWords = 0;
  readonly windows: FetchWindow[] = [];

  /** `keepAddresses`: remember every fetched address, for the DRAM trace. */
  constructor(
    totalWords: number,
    private readonly defaultBandwidth: number,
    private readonly keepAddresses = false,
  ) {
    this.perSet = Math.floor(totalWords / 100);
  }

  /** The last completed-or-open set each address was added to: sets only grow in index. */
  private readonly lastSet = new Map<number, number>();

  /** In a completed set of the active window (the window never runs past the completed sets). */
  private hit(address: number): boolean {
    const last = this.lastSet.get(address);
    return last !== undefined && last >= this.windowStart && last < this.sets.length;
  }

  private fetch(fromSet: number, toSet: number, bandwidth: number): void {
    const addresses: number[] = [];
    for (let i = fromSet; i <= toSet; i++) {
      const set = this.sets[i]!;
      this.dramWords += set.size;
      if (this.keepAddresses) for (const a of set) addresses.push(a);
    }
    const rows = this.lastEnd - this.lastStart + 1;
    this.windows.push({ firstCycle: this.lastStart + 1, rows, bandwidth, addresses });
  }

  private complete(cycle: number): void {
    this.sets.push(this.current);
    this.current = new Set();
    if (this.sets.length !== this.windowEnd + 1) return;
    if (!this.activeDone) {
      this.lastEnd = this.firstRequest - 2;
      this.lastStart = this.lastEnd - Math.ceil((PREFETCH_SETS * this.perSet) / this.defaultBandwidth) + 1;
      this.fetch(0, ACTIVE_SETS - 1, this.defaultBandwidth);
      this.prefetchStart = this.windowEnd + 1;
      this.prefetchEnd = this.prefetchStart + PREFETCH_SETS - 1;
      this.activeDone = true;
    } else {
      const cycles = this.lastEnd - this.lastStart + 1;
      this.fetch(this.prefetchStart, this.prefetchEnd, Math.ceil((PREFETCH_SETS * this.perSet) / cycles));
      this.prefetchStart += PREFETCH_SETS;
      this.prefetchEnd += PREFETCH_SETS;
    }
    for (let j = 0; j < PREFETCH_SETS; j++) this.sets[this.windowStart + j] = undefined;
    this.windowStart += PREFETCH_SETS;
    this.windowEnd += PREFETCH_SETS;
    this.lastStart = this.lastEnd + 1;
    this.lastEnd = cycle;
  }

  /**
   * Records one demand row of `count` addresses at `cycle`; returns the delivery cycle (always cycle + 1: no stalls).
   */
  serveRow(addresses: Int32Array, count: number, cycle: number): number {
    for (let c = 0; c < count; c++) {
      const address = addresses[c]!;
      if (!this.seen) {
        this.firstRequest = cycle;
        this.seen = true;
      }
      if (this.hit(address) || this.current.has(address)) continue;
      this.current.add(address);
      this.lastSet.set(address, this.sets.length);
      if (this.current.size === this.perSet) this.complete(cycle);
    }
    return cycle + 1;
  }

  /**
   * DRAM trace rows. SCALE-Sim lists each window's addresses in Python set order and pads narrower
   * windows with 1.0 columns; here they are in ascending order and padded with -1 (documented difference).
   */
  traceRows(): { cycle: number; addresses: number[] }[] {
    const width = Math.max(0, ...this.windows.map((w) => w.bandwidth));
    const rows: { cycle: number; addresses: number[] }[] = [];
    for (const w of this.windows) {
      const sorted = [...w.addresses].sort((a, b) => a - b);
      for (let r = 0; r < w.rows; r++) {
        const line = sorted.slice(r * w.bandwidth, (r + 1) * w.bandwidth);
        rows.push({
          cycle: w.firstCycle + r,
          addresses: [...line, ...new Array<number>(width - line.length).fill(-1)],
        });
      }
    }
    return rows;
  }

  /** Fetches the sets not fetched yet, after the last read. */
  finish(): void {
    if (this.current.size > 0) this.sets.push(this.current);
    const lastSet = this.sets.length - 1;
    if (!this.activeDone) {
      this.lastEnd = -2;
      this.lastStart = this.lastEnd - Math.ceil(((lastSet + 1) * this.perSet) / this.defaultBandwidth) + 1;
      this.fetch(0, lastSet, this.defaultBandwidth);
      this.activeDone = true;
      return;
    }
    const cycles = this.lastEnd - this.lastStart + 1;
    this.fetch(this.prefetchStart, lastSet, Math.ceil(((lastSet - this.prefetchStart + 1) * this.perSet) / cycles));
  }
}

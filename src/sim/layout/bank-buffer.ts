/**
 * SCALE-Sim v3's double-buffered read SRAM with a custom layout and banks (memory/read_buffer.py with
 * enable_layout_evaluation), re-derived. The operand's layout order (layout-order.ts) is cut into SRAM
 * lines of `bandwidth` addresses (the bank bandwidth x banks of the [layout] section); the DRAM side
 * (active buffer filled before the first read, prefetches of the prefetch buffer's lines when a read
 * misses) is v2's (memory/read-buffer.ts), but the buffer window moves by those SRAM lines.
 *
 * Bank conflicts: a word's column is its position in its line as SCALE-Sim lists it (Python's set
 * order, python-set.ts); its bank is column / (bandwidth / banks). In one cycle a bank serves `ports`
 * lines, so a demand row that touches L distinct lines in its busiest bank waits ceil(L / ports) - 1
 * extra cycles.
 */
import { SimError } from '../errors.js';
import { pythonSetOrder } from './python-set.js';

export interface BankConfig {
  readonly totalWords: number;
  /** Words per SRAM line (and DRAM words per cycle): the [layout] bank bandwidth. */
  readonly bandwidth: number;
  readonly banks: number;
  readonly ports: number;
}

/** Where each address sits: its SRAM line and its column in that line. */
interface Placement {
  readonly line: Map<number, number>;
  readonly column: Map<number, number>;
  readonly lines: number;
}

function place(order: Int32Array, perLine: number): Placement {
  const line = new Map<number, number>();
  const column = new Map<number, number>();
  let current: number[] = [];
  let lineId = 0;
  const close = (): void => {
    pythonSetOrder(current).forEach((address, c) => column.set(address, c));
    current = [];
    lineId++;
  };
  for (const address of order) {
    if (address === -1) continue;
    if (line.has(address)) throw new SimError('bad_layout', `address ${address} appears twice in the layout order`);
    line.set(address, lineId);
    current.push(address);
    if (current.length >= perLine) close();
  }
  // A last full line leaves an empty one behind, as SCALE-Sim counts its sets.
  return { line, column, lines: lineId + 1 };
}

export class BankReadBuffer {
  readonly activeWords: number;
  readonly prefetchWords: number;
  private readonly fetchLines: number;
  private readonly placement: Placement;
  private readonly activeLines: number;
  private readonly prefetchLines: number;
  private readonly wordsPerBank: number;
  private windowStart = 0;
  private windowEnd = 0;
  private started = false;
  private lastPrefetchCycle = -1;
  private readonly bankLines: Set<number>[];
  /** Words requested from DRAM (padding included, as SCALE-Sim counts), first and last arrival cycle. */
  dramWords = 0;
  dramStart = 0;
  dramStop = 0;
  /** Cycles added by bank conflicts, summed over the rows served. */
  conflictCycles = 0;

  constructor(
    private readonly config: BankConfig,
    order: Int32Array,
  ) {
    const { totalWords, bandwidth, banks } = config;
    this.activeWords = Math.ceil(totalWords * 0.5);
    this.prefetchWords = totalWords - this.activeWords;
    this.fetchLines = Math.ceil(order.length / bandwidth);
    this.placement = place(order, bandwidth);
    const lines = this.placement.lines;
    this.activeLines = Math.min(Math.ceil(this.activeWords / bandwidth), lines);
    this.prefetchLines = Math.min(Math.ceil(this.prefetchWords / bandwidth), lines - this.activeLines);
    this.wordsPerBank = bandwidth / banks;
    this.bankLines = Array.from({ length: banks }, () => new Set<number>());
  }

  private inWindow(line: number): boolean {
    const { windowStart: a, windowEnd: b } = this;
    return a < b ? line >= a && line < b : line >= a || line < b;
  }

  private fillActive(startCycle: number): void {
    const B = this.config.bandwidth;
    const lines = Math.min(Math.ceil(this.activeWords / B), this.fetchLines);
    const requested = lines * B;
    this.dramWords += requested;
    this.dramStart = startCycle - lines;
    this.dramStop = startCycle - 1;
    this.lastPrefetchCycle = startCycle - 1;
    this.windowStart = 0;
    this.windowEnd = this.activeLines;
    this.started = true;
  }

  private prefetchNext(): void {
    const lines = this.placement.lines;
    this.windowStart = (this.windowStart + this.prefetchLines) % lines;
    this.windowEnd = (this.windowStart + this.activeLines) % lines;
    const B = this.config.bandwidth;
    const fetched = Math.ceil(this.prefetchWords / B);
    this.dramWords += fetched * B;
    this.lastPrefetchCycle += fetched + 1;
    this.dramStop = Math.max(this.dramStop, this.lastPrefetchCycle);
  }

  /** Serves one demand row of `count` addresses issued at `cycle`; returns the cycle its data is delivered. */
  serveRow(addresses: Int32Array, count: number, cycle: number): number {
    if (!this.started) this.fillActive(cycle);
    let offset = 1;
    for (const set of this.bankLines) set.clear();
    for (let c = 0; c < count; c++) {
      const address = addresses[c]!;
      const line = this.placement.line.get(address);
      if (line === undefined)
        throw new SimError(
          'unreachable_address',
          `address ${address} is not in the operand's layout (SCALE-Sim v3 would not terminate)`,
        );
      for (let tries = 0; !this.inWindow(line); tries++) {
        if (tries > this.placement.lines)
          throw new SimError(
            'unreachable_address',
            `address ${address} never enters the ${this.config.totalWords}-word SRAM's window`,
          );
        this.prefetchNext();
        const wait = this.lastPrefetchCycle - (cycle + offset);
        if (wait > 0) offset += wait;
      }
      this.bankLines[Math.floor(this.placement.column.get(address)! / this.wordsPerBank)]!.add(line);
    }
    const busiest = Math.max(...this.bankLines.map((s) => s.size));
    const conflict = Math.ceil(busiest / this.config.ports) - 1;
    if (conflict > 0) this.conflictCycles += conflict;
    return cycle + offset + conflict;
  }

  dramSpan(): { start: number; stop: number } {
    return { start: this.dramStart, stop: this.dramStop };
  }
}

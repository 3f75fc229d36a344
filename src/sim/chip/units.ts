/**
 * The units of the chip machine. Each keeps its own in-order queue and says when it could start its
 * next piece of work given what has happened so far (Infinity while that depends on something not yet
 * scheduled); the machine starts the earliest. Every duration is known when work starts, so the
 * machine is exact to the cycle without stepping through idle cycles.
 */
import type { CoreSpec, MatrixUnitSpec } from '../../arch/chip-spec.js';
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import { dmaBytes } from '../../isa/ops.js';
import type { DmaInstruction, Instruction, MatmulInstruction, ReadWeightsInstruction } from '../../isa/types.js';
import {
  passLatencyCycles,
  transferCycles,
  vectorUnitCycles,
  VECTOR_PIPELINE_CYCLES,
  type PortTiming,
  type VectorUnitWork,
} from './timing.js';

/** What units need from the machine. */
export interface MachineView {
  readonly instructions: readonly Instruction[];
  readonly issue: Float64Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** Latest end of the instruction's dependencies, or Infinity while one has not started. */
  depsReady(index: number): number;
  /** Records an instruction's start and end, executes its effect, traces it. */
  began(index: number, unit: string, start: number, end: number): void;
  /** A unit event that is not an instruction (a tile load). */
  traced(unit: string, name: string, start: number, end: number): void;
  readonly elementBytes: number;
}

export interface Unit {
  readonly name: string;
  earliest(): number;
  begin(time: number): void;
  pending(): boolean;
  /** Why it cannot start, for a deadlock report. */
  blockedOn(): string;
}

export class Port {
  freeAt = 0;
  bytes = 0;
  constructor(readonly timing: PortTiming) {}

  /** Occupies the port for a transfer starting at `time`; returns when the data has arrived. */
  transfer(time: number, bytes: number): number {
    const cycles = transferCycles(bytes, this.timing);
    this.freeAt = time + cycles;
    this.bytes += bytes;
    return time + cycles + this.timing.latencyCycles;
  }
}

abstract class QueueUnit implements Unit {
  protected readonly queue: number[] = [];
  protected head = 0;
  /** Instructions routed to this unit so far. */
  get routed(): number {
    return this.queue.length;
  }
  constructor(
    readonly name: string,
    protected readonly m: MachineView,
  ) {}
  push(index: number): void {
    this.queue.push(index);
  }
  pending(): boolean {
    return this.head < this.queue.length;
  }
  protected current(): number {
    return this.queue[this.head]!;
  }
  protected ready(index: number): number {
    return Math.max(this.m.issue[index]! + 1, this.m.depsReady(index));
  }
  blockedOn(): string {
    if (!this.pending()) return 'idle';
    const i = this.current();
    return (
      `instruction ${i} (${this.m.instructions[i]!.op}) waits for ` +
      `${this.m.depsReady(i) === Infinity ? 'a dependency that has not started' : 'its turn'}`
    );
  }
  abstract earliest(): number;
  abstract begin(time: number): void;
}

/** A DMA engine on one port: transfers in program order. */
export class DmaUnit extends QueueUnit {
  constructor(
    name: string,
    m: MachineView,
    private readonly port: Port,
  ) {
    super(name, m);
  }
  earliest(): number {
    return this.pending() ? Math.max(this.ready(this.current()), this.port.freeAt) : Infinity;
  }
  begin(time: number): void {
    const i = this.queue[this.head++]!;
    this.m.began(i, this.name, time, this.port.transfer(time, dmaBytes(this.m.instructions[i] as DmaInstruction)));
  }
}

/** Per tile of one matrix unit: when its data arrived in the FIFO and when it shifted into the array. */
export interface TileTiming {
  fetchStart: number;
  fetchDone: number;
  loadStart: number;
  loadEnd: number;
  firstPassStart: number;
  /** Set when the pass that releases the tile (pop) starts: when its last row has entered. */
  releasedAt: number;
  cols: number;
}

/** A pass of the array: one matmul streaming its rows against a tile. */
export interface PassTiming {
  readonly index: number;
  readonly tile: number;
  readonly newTile: boolean;
  readonly start: number;
  readonly rows: number;
  readonly depth: number;
  readonly cols: number;
  /** Earliest start allowed by issue and dependencies alone, and what bound that. */
  readonly issueReady: number;
  readonly depsReady: number;
  readonly inputFromHost: boolean;
}

/** A matrix unit: its weight FIFO fetcher, its tile loader and its array (see docs/chip.md). */
export class MatrixUnitModel {
  readonly tiles: TileTiming[] = [];
  readonly passes: PassTiming[] = [];
  readonly fetch: FetchUnit;
  readonly loader: LoaderUnit;
  readonly array: ArrayUnit;
  constructor(
    readonly name: string,
    readonly spec: MatrixUnitSpec,
    m: MachineView,
    port: (instruction: ReadWeightsInstruction) => Port,
  ) {
    this.fetch = new FetchUnit(`${name}.fetch`, m, this, port);
    this.loader = new LoaderUnit(`${name}.load`, m, this);
    this.array = new ArrayUnit(name, m, this);
  }
}

export class FetchUnit extends QueueUnit {
  constructor(
    name: string,
    m: MachineView,
    private readonly mxu: MatrixUnitModel,
    private readonly port: (r: ReadWeightsInstruction) => Port,
  ) {
    super(name, m);
  }
  /** A tile may be fetched once the tile `depth` places ahead of it has left the FIFO. */
  private slotFree(): number {
    const k = this.head - this.mxu.spec.weightFifoTiles;
    return k < 0 ? 0 : this.mxu.tiles[k]!.loadEnd;
  }
  earliest(): number {
    if (!this.pending()) return Infinity;
    const r = this.m.instructions[this.current()] as ReadWeightsInstruction;
    return Math.max(this.ready(this.current()), this.slotFree(), this.port(r).freeAt);
  }
  begin(time: number): void {
    const i = this.queue[this.head++]!;
    const r = this.m.instructions[i] as ReadWeightsInstruction;
    const done = this.port(r).transfer(time, r.rows * r.cols * this.m.elementBytes);
    this.mxu.tiles.push({
      fetchStart: time,
      fetchDone: done,
      loadStart: Infinity,
      loadEnd: Infinity,
      firstPassStart: Infinity,
      releasedAt: Infinity,
      cols: r.cols,
    });
    this.m.began(i, this.name, time, done);
  }
  override blockedOn(): string {
    return this.pending() && this.slotFree() === Infinity ? 'a free weight FIFO slot' : super.blockedOn();
  }
}

/**
 * Shifts tiles from the FIFO into the array: R cycles each, one at a time. With double buffering the
 * next tile may start once the current one has switched in (its first pass started); without, once
 * the current one's last pass has streamed all its rows.
 */
export class LoaderUnit implements Unit {
  private next = 0;
  constructor(
    readonly name: string,
    private readonly m: MachineView,
    private readonly mxu: MatrixUnitModel,
  ) {}
  pending(): boolean {
    return this.next < this.mxu.fetch.routed;
  }
  private registersFree(): number {
    const previous = this.mxu.tiles[this.next - 1];
    if (!previous) return 0;
    return this.mxu.spec.doubleBufferedWeights ? previous.firstPassStart : previous.releasedAt;
  }
  earliest(): number {
    const tile = this.mxu.tiles[this.next];
    if (!tile) return Infinity;
    const previous = this.mxu.tiles[this.next - 1];
    const loaderFree = previous ? previous.loadStart + this.mxu.spec.rows : 0;
    return Math.max(tile.fetchDone, loaderFree, this.registersFree());
  }
  begin(time: number): void {
    const tile = this.mxu.tiles[this.next]!;
    tile.loadStart = time;
    tile.loadEnd = time + this.mxu.spec.rows;
    this.m.traced(this.name, `load tile ${this.next}`, time, tile.loadEnd);
    this.next++;
  }
  blockedOn(): string {
    if (!this.mxu.tiles[this.next]) return 'the next tile to be fetched';
    return this.registersFree() === Infinity ? 'the current tile to switch in or be released' : 'its turn';
  }
}

/** The systolic array of a weight-stationary unit, pass by pass (docs/systolic-array.md). */
export class ArrayUnit extends QueueUnit {
  private tile = 0;
  private streamEnd = 0;
  private newTile = true;
  constructor(
    name: string,
    m: MachineView,
    private readonly mxu: MatrixUnitModel,
  ) {
    super(name, m);
  }
  earliest(): number {
    if (!this.pending()) return Infinity;
    const tileReady = this.newTile ? (this.mxu.tiles[this.tile]?.loadEnd ?? Infinity) : 0;
    return Math.max(this.ready(this.current()), this.streamEnd, tileReady);
  }
  begin(time: number): void {
    const i = this.queue[this.head++]!;
    const mm = this.m.instructions[i] as MatmulInstruction;
    const tile = this.mxu.tiles[this.tile]!;
    if (this.newTile) tile.firstPassStart = time;
    const depsReady = this.m.depsReady(i);
    this.mxu.passes.push({
      index: i,
      tile: this.tile,
      newTile: this.newTile,
      start: time,
      rows: mm.rows,
      depth: mm.depth,
      cols: tile.cols,
      issueReady: this.m.issue[i]! + 1,
      depsReady,
      inputFromHost: false,
    });
    this.streamEnd = time + mm.rows;
    // The last result leaves row R-1 of column cols-1 (R - 1) + (cols - 1) cycles after its row entered.
    this.m.began(i, this.name, time, time + passLatencyCycles(mm.rows, this.mxu.spec.rows, tile.cols));
    this.newTile = mm.pop;
    if (mm.pop) {
      tile.releasedAt = this.streamEnd;
      this.tile++;
    }
  }
}

/** A core's vector unit: activates, vector ops, fills and pools in program order, pipelined. */
export class VectorUnit extends QueueUnit {
  private freeAt = 0;
  busyCycles = 0;
  constructor(
    name: string,
    m: MachineView,
    private readonly core: CoreSpec,
  ) {
    super(name, m);
  }
  earliest(): number {
    return this.pending() ? Math.max(this.ready(this.current()), this.freeAt) : Infinity;
  }
  begin(time: number): void {
    const i = this.queue[this.head++]!;
    const cycles = vectorUnitCycles(this.core, this.m.instructions[i] as VectorUnitWork);
    this.freeAt = time + cycles;
    this.busyCycles += cycles;
    this.m.began(i, this.name, time, time + cycles + VECTOR_PIPELINE_CYCLES);
  }
}

export const bytesOfFormat = (format: keyof typeof NUMBER_FORMATS): number => NUMBER_FORMATS[format].bytes;

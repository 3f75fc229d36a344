/**
 * Time of one layer on a TPU-style chip (systolic matrix units), in closed form over classes of
 * identical work items, with the formulas the chip machine uses (arch/timing.ts) and the compiler's
 * cutting of work (arch/mapping.ts).
 *
 * A matrix layer is a set of work items (an output column slice x a chunk of rows), each streaming its
 * weight tiles through one matrix unit: fetched over the off-chip port (shared by all units), shifted
 * into the array (R cycles, hidden behind the previous pass when tiles are double-buffered), and one
 * pass of `rows` input vectors per tile; the vector unit then reads each item's results out of the
 * accumulators (activate). The layer takes the longest of
 *
 *   compute  first tile in + the busiest unit's passes + the last pass's drain and activate
 *   memory   1 + every tile fetched back to back + latency + load + last pass and activate
 *   vector   the first item's results + every activate and other vector work + pipeline
 *
 * which is exact when one resource is busy from start to end (steady state), and a lower bound
 * otherwise; the conformance test holds it to the simulator layer by layer.
 */
import type { ChipSpec, CoreSpec } from '../arch/chip-spec.js';
import { coreAt } from '../arch/derive.js';
import { arrayShape, accumulatorChunkRows, type ArrayShape } from '../arch/mapping.js';
import {
  activateCycles,
  foldPeriodCycles,
  passLatencyCycles,
  ports,
  transferCycles,
  VECTOR_PIPELINE_CYCLES,
  type PortTiming,
} from '../arch/timing.js';
import { layerTimeOf, type Bound, type LayerTime } from './types.js';

/** What a chip offers one layer: fixed once per chip and format. */
export interface SystolicContext {
  readonly chip: ChipSpec;
  readonly core: CoreSpec;
  readonly array: ArrayShape;
  /**
   * Weight rows one tile holds: the array's rows times the format's rate. A format at rate r (fp8 on
   * TPU7x, int8 on v5e/v6e: twice bf16's peak) packs r products per cell along K, as AWS documents
   * Trainium2's fp8 ("presented as 256x128"); the chip simulator runs every format at rate 1.
   */
  readonly tileDepth: number;
  readonly chunkRows: number;
  readonly dram: PortTiming;
  readonly onchip: PortTiming;
  readonly pcie: PortTiming;
  /** Bytes per matrix-unit input element. */
  readonly elementBytes: number;
}

/** What a systolic context takes from the chip's cores alone (chips that share their `cores` share it). */
export type CoreLayout = Pick<SystolicContext, 'core' | 'array' | 'chunkRows'>;

export const coreLayout = (chip: ChipSpec): CoreLayout => ({
  core: coreAt(chip, 0)!,
  array: arrayShape(chip),
  chunkRows: accumulatorChunkRows(chip),
});

export function systolicContext(
  chip: ChipSpec,
  elementBytes: number,
  rate = 1,
  layout: CoreLayout = coreLayout(chip),
): SystolicContext {
  const p = ports(chip);
  const { core, array, chunkRows } = layout;
  return {
    chip,
    core,
    array,
    tileDepth: array.rows * rate,
    chunkRows,
    dram: p.dram,
    onchip: p.onchip,
    pcie: p.pcie,
    elementBytes,
  };
}

/** Identical work items: `count` of them, each `rows` input vectors against `cols` output columns. */
export interface ItemClass {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** The item's weight tiles: `count` tiles of `depth` rows each (depth <= the context's tileDepth). */
  readonly tiles: ReadonlyArray<{ readonly count: number; readonly depth: number }>;
  /** Rows activate writes when it pools (0: as many as it reads). */
  readonly outRows: number;
}

export interface MatrixWork {
  readonly items: readonly ItemClass[];
  /** Where weight tiles come from: off-chip memory (parameters) or the unified buffer (activations). */
  readonly source: 'dram' | 'onchip';
  /** Vector-unit cycles the layer spends besides its activates (fills, softmax). */
  readonly extraVectorCycles?: number;
  /** On-chip DMA cycles before the matmuls can start (copies into a padded layout). */
  readonly preludeDmaCycles?: number;
}

/** Per class: array cycles of one item, fetch cycles of one item, activate cycles of one item. */
const ITEM_ARRAY = new Float64Array(64);
const ITEM_FETCH = new Float64Array(64);
const ITEM_ACTIVATE = new Float64Array(64);

let UNIT_LOAD = new Float64Array(64);
let UNIT_LAST = new Int32Array(64);

/**
 * Array cycles of each of `units` matrix units when the items of the first `n` classes go to them
 * round-robin in class order (ITEM_ARRAY holds one item's cycles per class), the class of each unit's
 * last item, and the busiest unit's cycles.
 */
function unitLoads(
  classes: readonly ItemClass[],
  n: number,
  units: number,
): { busiest: number; load: Float64Array; lastClass: Int32Array } {
  const U = Math.max(1, units);
  if (U > UNIT_LOAD.length) {
    UNIT_LOAD = new Float64Array(U);
    UNIT_LAST = new Int32Array(U);
  }
  UNIT_LOAD.fill(0, 0, U);
  UNIT_LAST.fill(0, 0, U);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const count = classes[i]!.count;
    const each = Math.floor(count / U);
    const extra = count - each * U;
    for (let u = 0; u < U; u++) {
      // Units offset, offset + 1, ... (mod U) take one item more than the others.
      const more = (u - (offset % U) + U) % U < extra ? 1 : 0;
      const got = each + more;
      if (got > 0) {
        UNIT_LOAD[u] = UNIT_LOAD[u]! + got * ITEM_ARRAY[i]!;
        UNIT_LAST[u] = i;
      }
    }
    offset += count;
  }
  let busiest = 0;
  for (let u = 0; u < U; u++) busiest = Math.max(busiest, UNIT_LOAD[u]!);
  return { busiest, load: UNIT_LOAD, lastClass: UNIT_LAST };
}

export function matrixLayerTime(ctx: SystolicContext, work: MatrixWork): LayerTime {
  const { rows: R, units: U, doubleBuffered, fifoTiles } = ctx.array;
  const port = work.source === 'dram' ? ctx.dram : ctx.onchip;
  const eb = ctx.elementBytes;
  const classes = work.items;
  const n = Math.min(classes.length, ITEM_ARRAY.length);
  let items = 0;
  let fetch = 0;
  let vector = 0;
  let tileBytes = 0;
  let onChipBytes = 0;
  // Passes waiting on weight fetches (the FIFO-limited term) rather than streaming rows.
  let waitingOnWeights = false;
  for (let i = 0; i < n; i++) {
    const c = classes[i]!;
    const period = foldPeriodCycles(c.rows, R, doubleBuffered);
    let itemArray = 0;
    let itemFetch = 0;
    for (const t of c.tiles) {
      const f = transferCycles(t.depth * c.cols * eb, port);
      itemFetch += t.count * f;
      // A unit fetches a tile only when the tile `fifoTiles` places ahead has shifted into the array,
      // so a tile also takes (fetch + latency + load) / fifoTiles cycles on average.
      const fifoLimited = (f + port.latencyCycles + R) / fifoTiles;
      if (i === 0 && fifoLimited > period) waitingOnWeights = true;
      itemArray += t.count * Math.max(period, fifoLimited);
      tileBytes += c.count * t.count * t.depth * c.cols * eb;
      // Each pass reads rows x depth inputs and adds rows x cols partial sums (4 bytes) into the accumulators.
      onChipBytes += c.count * t.count * c.rows * (t.depth * eb + 8 * c.cols);
    }
    const act = Math.max(activateCycles(ctx.core, c.rows, c.cols), c.outRows);
    ITEM_ARRAY[i] = itemArray;
    ITEM_FETCH[i] = itemFetch;
    ITEM_ACTIVATE[i] = act;
    items += c.count;
    fetch += c.count * itemFetch;
    vector += c.count * act;
    // Activate reads the accumulators once more and writes the results.
    onChipBytes += c.count * c.rows * c.cols * (4 + eb);
  }
  const first = classes[0]!;
  const li = n - 1;
  const last = classes[li]!;
  const firstFetch = transferCycles(first.tiles[0]!.depth * first.cols * eb, port);
  const start = 1 + Math.max(work.preludeDmaCycles ?? 0, firstFetch + port.latencyCycles) + R;
  // Items go round-robin to the units in class order: each unit's array cycles summed class by class
  // (the classes may differ in size, as the scores and context matmuls of attention do) and the class
  // of its last item. Each unit's first tiles come over the port one unit after another, so the unit
  // in position p starts p x (its first tiles' fetch) later; the last round's activates then queue on
  // the one vector unit.
  const rounds = Math.ceil(items / U);
  const lastRound = items - (rounds - 1) * U;
  const { busiest, load, lastClass } = unitLoads(classes, n, U);
  let firstTiles = 0;
  for (const t of first.tiles) firstTiles += t.count;
  const stagger = Math.min(fifoTiles, firstTiles) * firstFetch;
  const endOf = (i: number, arrayCycles: number): number =>
    start +
    arrayCycles -
    foldPeriodCycles(classes[i]!.rows, R, doubleBuffered) +
    passLatencyCycles(classes[i]!.rows, R, classes[i]!.cols);
  let vectorFree = 0;
  for (let p = 0; p < lastRound; p++) {
    const i = lastClass[p]!;
    vectorFree = Math.max(vectorFree, endOf(i, load[p]!) + p * stagger) + ITEM_ACTIVATE[i]!;
  }
  const compute = vectorFree + VECTOR_PIPELINE_CYCLES;
  // Every tile through the shared port, then the last one's load, pass and activate.
  const drain = passLatencyCycles(last.rows, R, last.cols) + ITEM_ACTIVATE[li]! + VECTOR_PIPELINE_CYCLES;
  const memory = 1 + fetch + port.latencyCycles + R + drain;
  // The vector unit from the first item's results (or its other work) to the last activate.
  const extra = work.extraVectorCycles ?? 0;
  const vectorTotal = Math.max(endOf(0, ITEM_ARRAY[0]!), 1 + extra) + vector + VECTOR_PIPELINE_CYCLES;
  const cycles = Math.max(compute, memory, vectorTotal);
  const fixed = start + drain;
  const bound: Bound =
    fixed > cycles / 2
      ? 'latency'
      : compute >= memory && compute >= vectorTotal
        ? waitingOnWeights
          ? 'memory'
          : 'compute'
        : memory >= vectorTotal
          ? 'memory'
          : 'vector';
  return layerTimeOf(
    cycles,
    busiest,
    fetch,
    vector + extra,
    fixed,
    bound,
    work.source === 'dram' ? tileBytes : 0,
    onChipBytes + (work.source === 'onchip' ? tileBytes : 0),
  );
}

/**
 * A layer of vector-unit instructions (after on-chip copies it waits for): one after another,
 * pipelined; each of the `dependent` steps that reads the previous step's result waits for its
 * pipeline to drain too.
 */
export function vectorLayerTime(
  vectorCycles: number,
  dmaCycles: number,
  instructions: number,
  dependent = 0,
): LayerTime {
  if (instructions === 0 && dmaCycles === 0) return layerTimeOf(0, 0, 0, 0, 0, 'latency');
  const pipeline = instructions > 0 ? (1 + dependent) * VECTOR_PIPELINE_CYCLES : 0;
  const cycles = 1 + dmaCycles + vectorCycles + pipeline;
  const fixed = 1 + pipeline;
  return layerTimeOf(
    cycles,
    0,
    dmaCycles,
    vectorCycles,
    fixed,
    fixed > cycles / 2 ? 'latency' : dmaCycles > vectorCycles ? 'memory' : 'vector',
  );
}

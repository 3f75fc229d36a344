/**
 * A prepared layer (model/plan.ts) timed on a TPU-style chip: its work cut the way the compiler cuts
 * it (arch/mapping.ts) into matrix items and tiles, or vector instructions and on-chip copies, then
 * timed by model/systolic.ts.
 */
import { groupsPerTile, rowChunkClasses } from '../arch/mapping.js';
import {
  fillCycles,
  passLatencyCycles,
  transferCycles,
  vectorCycles,
  VECTOR_OP_COST,
  VECTOR_PIPELINE_CYCLES,
} from '../arch/timing.js';
import type { Gemm } from '../graph/ops/op.js';
import { attentionKeyBands } from './attention-window.js';
import type { ConvPlan, GemmJobs, PreparedLayer, VectorStep } from './plan.js';
import { matrixLayerTime, vectorLayerTime, type ItemClass, type SystolicContext } from './systolic.js';
import { layerTimeOf, type LayerTime } from './types.js';

/**
 * Item classes of `jobs` jobs of `m` rows (addressing repeating every `group`), `n` columns, `pieces`
 * pieces of `depth`, pushed onto `into`.
 */
function itemClasses(
  ctx: SystolicContext,
  jobs: number,
  m: number,
  group: number,
  n: number,
  pieces: number,
  depth: number,
  outRows?: number,
  into: ItemClass[] = [],
): ItemClass[] {
  const { cols: C } = ctx.array;
  const D = ctx.tileDepth;
  const full = Math.floor(depth / D);
  const rest = depth - full * D;
  const tiles =
    full > 0 && rest > 0
      ? [
          { count: full * pieces, depth: D },
          { count: pieces, depth: rest },
        ]
      : full > 0
        ? [{ count: full * pieces, depth: D }]
        : [{ count: pieces, depth: rest }];
  const slices = Math.ceil(n / C);
  const lastCols = n - (slices - 1) * C;
  const chunks = outRows !== undefined ? [{ count: 1, rows: m }] : rowChunkClasses(m, group, ctx.chunkRows);
  for (let s = slices > 1 ? 0 : 1; s < 2; s++) {
    const count = s === 0 ? slices - 1 : 1;
    const cols = s === 0 ? C : lastCols;
    for (const c of chunks)
      into.push({ count: jobs * count * c.count, rows: c.rows, cols, tiles, outRows: outRows ?? 0 });
  }
  return into;
}

/** On-chip DMA cycles to copy `elements` activations. */
function copyCycles(ctx: SystolicContext, elements: number): number {
  return elements > 0 ? transferCycles(elements * ctx.elementBytes, ctx.onchip) : 0;
}

function stepsCycles(ctx: SystolicContext, steps: readonly VectorStep[]): { cycles: number; instructions: number } {
  let cycles = 0;
  let instructions = 0;
  for (const s of steps) {
    cycles +=
      s.count * (s.cost === 0 ? fillCycles(ctx.core, 1, s.elements) : vectorCycles(ctx.core, s.elements, s.cost));
    instructions += s.count;
  }
  return { cycles, instructions };
}

function gemmJobsTime(ctx: SystolicContext, g: GemmJobs, copyElements: number): LayerTime {
  const items = itemClasses(ctx, g.jobs, g.m, g.group, g.n, g.pieces, g.pieceDepth);
  return matrixLayerTime(ctx, { items, source: g.source, preludeDmaCycles: copyCycles(ctx, copyElements) });
}

function convTime(ctx: SystolicContext, c: ConvPlan): LayerTime {
  const pack = groupsPerTile(c.groups, c.perGroup, c.outPerGroup, ctx.array);
  const fullBlocks = Math.floor(c.groups / pack);
  const rest = c.groups - fullBlocks * pack;
  const fusePool = c.pool !== undefined && c.pool.fusable && c.oh * c.ow <= ctx.chunkRows;
  const items: ItemClass[] = [];
  const pieces = c.wholeRows ? c.kh : c.kh * c.kw;
  // Full blocks of `pack` groups, then a last block of the rest (grouped convolutions).
  const block = (count: number, inBlock: number): void => {
    const depth = c.wholeRows ? c.kw * c.perGroup : inBlock * c.perGroup;
    const n = inBlock * c.outPerGroup;
    if (fusePool) itemClasses(ctx, c.batch * count, c.oh * c.ow, c.ow, n, pieces, depth, c.pool!.pooledRows, items);
    else itemClasses(ctx, c.jobs * count, c.jobRows, c.jobGroup, n, pieces, depth, undefined, items);
  };
  if (fullBlocks > 0) block(fullBlocks, pack);
  if (rest > 0) block(1, rest);
  let extra = c.fillElements > 0 ? fillCycles(ctx.core, 1, c.fillElements) : 0;
  if (c.pool && !fusePool)
    extra +=
      vectorCycles(ctx.core, c.pool.outputs * c.pool.window, 1) +
      (c.pool.outFill > 0 ? fillCycles(ctx.core, 1, c.pool.outFill) : 0);
  return matrixLayerTime(ctx, {
    items,
    source: 'dram',
    extraVectorCycles: extra,
    preludeDmaCycles: copyCycles(ctx, c.copyElements),
  });
}

function attentionTime(ctx: SystolicContext, w: Extract<PreparedLayer['work'], { kind: 'attention' }>): LayerTime {
  const { heads, headDim, valueDim } = w;
  // Chunks of queries and the keys each multiplies: every key, or a sliding window's band (model/attention-window.ts).
  const bands = attentionKeyBands(w, ctx.chunkRows);
  const classes: ItemClass[] = [];
  let softmaxCycles = 0;
  for (const b of bands) {
    itemClasses(ctx, b.chunks * heads, b.rows, 0, b.keys, 1, headDim, undefined, classes);
    itemClasses(ctx, b.chunks * heads, b.rows, 0, valueDim, 1, b.keys, undefined, classes);
    softmaxCycles += b.chunks * vectorCycles(ctx.core, b.rows * b.keys, VECTOR_OP_COST.softmax);
  }
  const time = matrixLayerTime(ctx, { items: classes, source: 'onchip', extraVectorCycles: heads * softmaxCycles });
  // The steps are software-pipelined (scores of step j, softmax of j - 1, context of j - 2): the vector
  // unit runs from the first scores to the last softmax without waiting, then the last context
  // matmul's latency shows before its activate.
  const R = ctx.array.rows;
  const first = classes[0]!;
  const tile =
    transferCycles(first.tiles[0]!.depth * first.cols * ctx.elementBytes, ctx.onchip) + ctx.onchip.latencyCycles;
  const firstResults = 1 + tile + R + passLatencyCycles(first.rows, R, first.cols);
  const context = passLatencyCycles(bands[bands.length - 1]!.rows, R, Math.min(valueDim, ctx.array.cols));
  const chain = firstResults + time.vectorCycles + context + VECTOR_PIPELINE_CYCLES;
  return chain > time.cycles
    ? layerTimeOf(
        chain,
        time.matrixCycles,
        time.memoryCycles,
        time.vectorCycles,
        time.latencyCycles,
        'vector',
        time.offChipBytes,
        time.onChipBytes,
      )
    : time;
}

/** Two parts of a layer one after the other. */
function sumTimes(a: LayerTime, b: LayerTime): LayerTime {
  const bytes = (x: number, y: number): number => (x < 0 && y < 0 ? -1 : Math.max(0, x) + Math.max(0, y));
  return layerTimeOf(
    a.cycles + b.cycles,
    a.matrixCycles + b.matrixCycles,
    a.memoryCycles + b.memoryCycles,
    a.vectorCycles + b.vectorCycles,
    a.latencyCycles + b.latencyCycles,
    a.cycles >= b.cycles ? a.bound : b.bound,
    bytes(a.offChipBytes, b.offChipBytes),
    bytes(a.onChipBytes, b.onChipBytes),
  );
}

const NOTHING: LayerTime = layerTimeOf(0, 0, 0, 0, 0, 'latency', 0, 0);

/** `t` repeated `n` times, one after another. */
function repeatTime(t: LayerTime, n: number): LayerTime {
  const bytes = (x: number): number => (x < 0 ? x : x * n);
  return layerTimeOf(
    t.cycles * n,
    t.matrixCycles * n,
    t.memoryCycles * n,
    t.vectorCycles * n,
    t.latencyCycles * n,
    t.bound,
    bytes(t.offChipBytes),
    bytes(t.onChipBytes),
  );
}

/**
 * A node no layer holds (MoE, recurrences, ...): its GEMMs from the op registry as matrix work, the rest
 * on the vector unit. A `sequential` GEMM (a recurrence's steps) runs its `batch` steps one after another,
 * each a single GEMM followed by its share of the element operations, after the other (parallel) GEMMs.
 */
function opaqueTime(ctx: SystolicContext, gemms: readonly Gemm[], vectorOps: number): LayerTime {
  const chain = gemms.find((g) => g.sequential === true);
  let total = chain ? NOTHING : vectorLayerTime(vectorCycles(ctx.core, vectorOps, 1), 0, vectorOps > 0 ? 1 : 0);
  for (const g of gemms)
    total = sumTimes(
      total,
      g === chain ? chainTime(ctx, g, vectorOps) : gemmTime(ctx, g.sequential ? { ...g, sequential: false } : g),
    );
  return total;
}

/**
 * `g.batch` dependent steps, each one GEMM of `g` then 1/batch of the element operations. Weights do not
 * depend on the recurrence, so the compiler reads a step's weight tiles ahead while the step before runs
 * (compile/tile.ts, schedule): after the first step, a step waits for its weights only as long as the
 * off-chip port needs to stream them, not for the port's latency.
 */
function chainTime(ctx: SystolicContext, g: Gemm, vectorOps: number): LayerTime {
  const steps = Math.max(1, g.batch);
  const perStep = vectorOps / steps;
  const vector = vectorLayerTime(vectorCycles(ctx.core, perStep, 1), 0, perStep > 0 ? 1 : 0);
  const one = { batch: 1, m: g.m, n: g.n, k: g.k };
  const streamed = gemmTime(ctx, { ...one, weightsAreParameters: g.weightsAreParameters });
  const resident = gemmTime(ctx, { ...one, weightsAreParameters: false });
  // The first tile's fetch and the port's latency (the fixed cycles beyond those of resident weights) are hidden.
  const hidden = Math.max(0, streamed.latencyCycles - resident.latencyCycles);
  const ahead = {
    ...streamed,
    cycles: Math.max(resident.cycles, streamed.cycles - hidden),
    latencyCycles: resident.latencyCycles,
  };
  return sumTimes(sumTimes(streamed, vector), repeatTime(sumTimes(ahead, vector), steps - 1));
}

/** One GEMM on one core of a systolic chip (parameter weights streamed from off-chip memory, or activations). */
export function gemmTime(ctx: SystolicContext, g: Gemm): LayerTime {
  const m = Math.max(1, Math.round(g.m));
  const items = g.weightsAreParameters
    ? itemClasses(ctx, 1, g.batch * m, 0, g.n, 1, g.k)
    : itemClasses(ctx, g.batch, m, 0, g.n, 1, g.k);
  return matrixLayerTime(ctx, { items, source: g.weightsAreParameters ? 'dram' : 'onchip' });
}

/** The layer's time on a systolic chip, run alone (inputs on chip, weights off chip). */
export function layerTime(ctx: SystolicContext, layer: PreparedLayer): LayerTime {
  const w = layer.work;
  switch (w.kind) {
    case 'gemm':
      return gemmJobsTime(ctx, w.gemm, w.copyElements);
    case 'conv':
      return convTime(ctx, w.conv);
    case 'attention':
      return attentionTime(ctx, w);
    case 'vector': {
      const v = stepsCycles(ctx, w.steps);
      return vectorLayerTime(v.cycles, copyCycles(ctx, w.copyElements), v.instructions, w.dependent);
    }
    case 'host': {
      // The host looks rows up and sends them over its link.
      const cycles = transferCycles(w.elements * ctx.elementBytes, ctx.pcie) + ctx.pcie.latencyCycles;
      return layerTimeOf(cycles, 0, cycles, 0, ctx.pcie.latencyCycles, 'memory', 0, 0);
    }
    case 'opaque':
      return opaqueTime(ctx, w.gemms, w.vectorOps);
    case 'none':
      return NOTHING;
  }
}

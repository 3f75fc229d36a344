/**
 * Each layer's work on a TPU-style chip, counted the way the compiler cuts it (arch/mapping.ts) and
 * lays it out (graph/layers/layout.ts): matrix items and tiles for matrix layers, vector instructions
 * and on-chip copies for the rest. The counts are closed forms over the layer's shapes.
 */
import { groupsPerTile, rowChunkClasses, rowLevels, splits } from '../arch/mapping.js';
import { fillCycles, passLatencyCycles, poolCycles, transferCycles, vectorCycles, VECTOR_OP_COST, VECTOR_PIPELINE_CYCLES, type VectorOpName } from '../arch/timing.js';
import { convOutputSize, type AttentionOp, type BinaryOp, type ConcatOp, type ConvOp, type LogicalOp, type LogicalProgram, type MatmulOp, type OpaqueOp, type PoolOp, type RowOp, type UnaryOp, type ViewOp } from '../graph/layers/fuse.js';
import { opDef } from '../graph/ops/registry.js';
import { hasBorder, type LayerLayouts } from '../graph/layers/layout.js';
import { elementCount } from '../graph/types.js';
import { matrixLayerTime, tilesOf, vectorLayerTime, type ItemClass, type SystolicContext } from './systolic.js';
import type { LayerTime } from './types.js';

export interface LayerContext {
  readonly sys: SystolicContext;
  readonly program: LogicalProgram;
  readonly layouts: LayerLayouts;
  /** Tensors held as strided views that are not row-major (after a transpose or slice). */
  readonly strided: Set<string>;
  /** Storage bytes per activation element. */
  readonly activationBytes: number;
}

const shapeOf = (ctx: LayerContext, t: string): readonly number[] => ctx.program.graph.tensors[t]!.shape;
const isActivation = (ctx: LayerContext, t: string): boolean => ctx.program.graph.tensors[t]?.kind === 'activation' || ctx.program.graph.inputs.includes(t);

/** Elements of an image's buffer with its border. */
function borderedElements(ctx: LayerContext, t: string, shape: readonly number[]): number {
  const b = ctx.layouts.borders.get(t)?.pads ?? [0, 0, 0, 0];
  const [n, c, h, w] = shape as [number, number, number, number];
  return n * c * (h + b[0] + b[2]) * (w + b[1] + b[3]);
}

/** The fill that zeroes a bordered output before a layer writes it. */
function borderFill(ctx: LayerContext, t: string): { cycles: number; instructions: number } {
  if (!ctx.layouts.channelsLast.has(t) || !hasBorder(ctx.layouts, t)) return { cycles: 0, instructions: 0 };
  return { cycles: fillCycles(ctx.sys.core, 1, borderedElements(ctx, t, shapeOf(ctx, t))), instructions: 1 };
}

/** Item classes of jobs of `m` rows (rows repeat their addressing every `group`), `n` columns, the given pieces. */
function itemClasses(ctx: LayerContext, jobs: number, m: number, group: number, n: number, pieces: readonly number[], outRows?: number): ItemClass[] {
  const { rows: R, cols: C } = ctx.sys.array;
  const tiles = pieces.flatMap((depth) => tilesOf(depth, R));
  const slices = splits(n, C);
  const chunks = outRows !== undefined ? [{ count: 1, rows: m }] : rowChunkClasses(m, group, ctx.sys.chunkRows);
  const classes: ItemClass[] = [];
  const widths = slices.count > 1 ? [{ count: slices.count - 1, cols: C }, { count: 1, cols: slices.last }] : [{ count: 1, cols: slices.last }];
  for (const w of widths) {
    for (const c of chunks) classes.push({ count: jobs * w.count * c.count, rows: c.rows, cols: w.cols, tiles, ...(outRows !== undefined ? { outRows } : {}) });
  }
  return classes;
}

function matmulTime(ctx: LayerContext, op: MatmulOp): LayerTime {
  const out = shapeOf(ctx, op.out);
  const [m, n] = out.slice(-2) as [number, number];
  const a = shapeOf(ctx, op.a);
  const k = a[a.length - 1]!;
  const batch = elementCount(out.slice(0, -2));
  const bIsActivation = isActivation(ctx, op.b);
  const prelude = ctx.strided.has(op.a) ? copyCycles(ctx, elementCount(a)) : 0;
  // Parameter weights: batch rows merge into one job; activation weights change per batch entry.
  const items = bIsActivation ? itemClasses(ctx, batch, m, 0, n, [k]) : itemClasses(ctx, 1, batch * m, 0, n, [k]);
  return matrixLayerTime(ctx.sys, { items, source: bIsActivation ? 'onchip' : 'dram', preludeDmaCycles: prelude });
}

function convTime(ctx: LayerContext, op: ConvOp): LayerTime {
  const [batch, channels, height, width] = shapeOf(ctx, op.x) as [number, number, number, number];
  const [outChannels, perGroup, kh, kw] = shapeOf(ctx, op.w) as [number, number, number, number];
  const c = op.conv;
  const [oh, ow] = convOutputSize(height, width, [kh, kw], c);
  const groups = c.groups;
  const outPerGroup = outChannels / groups;
  const pack = groupsPerTile(groups, perGroup, outPerGroup, ctx.sys.array);
  const blocks = Math.ceil(groups / pack);
  // The input's buffer: its border if it covers this convolution's padding, else a padded copy.
  const border = ctx.layouts.borders.get(op.x);
  const fits = ctx.layouts.channelsLast.has(op.x) && border && border.fill === 0 && border.pads.every((p, i) => p >= c.pads[i]!);
  const inPads = fits ? border!.pads : c.pads;
  let extraVector = 0;
  let prelude = 0;
  if (!fits) {
    prelude = copyCycles(ctx, batch * channels * height * width);
    extraVector += fillCycles(ctx.sys.core, 1, batch * channels * (height + c.pads[0] + c.pads[2]) * (width + c.pads[1] + c.pads[3]));
  }
  const hp = height + inPads[0] + inPads[2];
  const wp = width + inPads[1] + inPads[3];
  const pool = op.pool;
  const fusePool = pool !== undefined && pool.stride[0] === pool.stride[1] && oh * ow <= ctx.sys.chunkRows && !hasBorder(ctx.layouts, op.out);
  // The output's buffer: the layer's tensor (with its border), or an unpadded image before pooling.
  const outBorder = pool && !fusePool ? [0, 0, 0, 0] : ctx.layouts.borders.get(op.out)?.pads ?? [0, 0, 0, 0];
  const ohp = oh + outBorder[0]! + outBorder[2]!;
  const owp = ow + outBorder[1]! + outBorder[3]!;
  if (!(pool && !fusePool)) extraVector += borderFill(ctx, op.out).cycles;
  const wholeRows = groups === 1 && c.dilation[1] === 1;
  const items: ItemClass[] = [];
  // Full blocks of `pack` groups are alike; a last block may hold fewer.
  const fullBlocks = Math.floor(groups / pack);
  const blockSizes = [{ blocks: fullBlocks, inBlock: pack }, { blocks: blocks - fullBlocks, inBlock: groups - fullBlocks * pack }].filter((b) => b.blocks > 0 && b.inBlock > 0);
  for (const { blocks: count, inBlock } of blockSizes) {
    const pieces = wholeRows ? new Array<number>(kh).fill(kw * perGroup) : new Array<number>(kh * kw).fill(inBlock * perGroup);
    const n = inBlock * outPerGroup;
    let classes: ItemClass[];
    if (fusePool) {
      const pooled = (Math.floor((oh - pool!.kernel[0]) / pool!.stride[0]) + 1) * (Math.floor((ow - pool!.kernel[1]) / pool!.stride[1]) + 1);
      classes = itemClasses(ctx, batch, oh * ow, ow, n, pieces, pooled);
    } else {
      const jobs = rowLevels([batch, oh, ow], [
        [hp * wp * channels, c.stride[0] * wp * channels, c.stride[1] * channels],
        [ohp * owp * outChannels, owp * outChannels, outChannels],
        [0, 0, 0],
      ]);
      classes = itemClasses(ctx, jobs.length, jobs[0]!.rows, jobs[0]!.operand(0, 0, 0).groupRows, n, pieces);
    }
    items.push(...classes.map((cls) => ({ ...cls, count: cls.count * count })));
  }
  if (pool && !fusePool) {
    const pooled = (Math.floor((oh - pool.kernel[0]) / pool.stride[0]) + 1) * (Math.floor((ow - pool.kernel[1]) / pool.stride[1]) + 1);
    extraVector += batch * poolCycles(ctx.sys.core, pooled * outChannels, pool.kernel[0] * pool.kernel[1]) + borderFill(ctx, op.out).cycles;
  }
  return matrixLayerTime(ctx.sys, { items, source: 'dram', extraVectorCycles: extraVector, preludeDmaCycles: prelude });
}

function attentionTime(ctx: LayerContext, op: AttentionOp): LayerTime {
  const [batch, seq, qWidth] = shapeOf(ctx, op.q) as [number, number, number];
  const kvSeq = shapeOf(ctx, op.k)[1]!;
  const headDim = qWidth / op.heads;
  const valueDim = shapeOf(ctx, op.v)[2]! / op.kvHeads;
  const chunk = Math.min(ctx.sys.chunkRows, seq);
  const chunks = splits(seq, chunk);
  const heads = batch * op.heads;
  const perChunk = (rows: number): ItemClass[] => [...itemClasses(ctx, 1, rows, 0, kvSeq, [headDim]), ...itemClasses(ctx, 1, rows, 0, valueDim, [kvSeq])];
  const classes: ItemClass[] = [];
  for (const cls of [...(chunks.count > 1 ? perChunk(chunk).map((c) => ({ ...c, count: c.count * (chunks.count - 1) })) : []), ...perChunk(chunks.last)]) classes.push({ ...cls, count: cls.count * heads });
  const softmax = heads * ((chunks.count - 1) * vectorCycles(ctx.sys.core, chunk * kvSeq, VECTOR_OP_COST.softmax) + vectorCycles(ctx.sys.core, chunks.last * kvSeq, VECTOR_OP_COST.softmax));
  const time = matrixLayerTime(ctx.sys, { items: classes, source: 'onchip', extraVectorCycles: softmax });
  // The steps are software-pipelined (scores of step j, softmax of j - 1, context of j - 2): the vector
  // unit runs from the first scores to the last softmax without waiting, then the last context
  // matmul's latency shows before its activate.
  const { rows: R } = ctx.sys.array;
  const first = classes[0]!;
  const tile = transferCycles(first.tiles[0]!.depth * first.cols * ctx.sys.elementBytes, ctx.sys.onchip) + ctx.sys.onchip.latencyCycles;
  const firstResults = 1 + tile + R + passLatencyCycles(first.rows, R, first.cols);
  const context = passLatencyCycles(chunks.last, R, Math.min(valueDim, ctx.sys.array.cols));
  const chain = firstResults + time.vectorCycles + context + VECTOR_PIPELINE_CYCLES;
  return chain > time.cycles ? { ...time, cycles: chain, bound: 'vector' } : time;
}

/** On-chip DMA cycles to copy `elements` activations. */
function copyCycles(ctx: LayerContext, elements: number): number {
  return transferCycles(elements * ctx.activationBytes, ctx.sys.onchip);
}

/** Vector instructions over a tensor: one per image row when it has a border, else one. */
function runs(ctx: LayerContext, tensors: readonly string[], shape: readonly number[]): { count: number; elements: number } {
  const bordered = tensors.some((t) => ctx.layouts.channelsLast.has(t) && hasBorder(ctx.layouts, t));
  if (bordered && shape.length === 4) return { count: shape[0]! * shape[2]!, elements: shape[1]! * shape[3]! };
  return { count: 1, elements: elementCount(shape) };
}

function elementwise(ctx: LayerContext, cost: number, tensors: readonly string[], shape: readonly number[]): { cycles: number; instructions: number } {
  const r = runs(ctx, tensors, shape);
  return { cycles: r.count * vectorCycles(ctx.sys.core, r.elements, cost), instructions: r.count };
}

function unaryTime(ctx: LayerContext, op: UnaryOp): LayerTime {
  const fill = borderFill(ctx, op.out);
  const work = elementwise(ctx, VECTOR_OP_COST[op.fn as VectorOpName], [op.x, op.out], shapeOf(ctx, op.out));
  return vectorLayerTime(fill.cycles + work.cycles, 0, fill.instructions + work.instructions, fill.instructions);
}

function binaryTime(ctx: LayerContext, op: BinaryOp): LayerTime {
  const shape = shapeOf(ctx, op.out);
  const fill = borderFill(ctx, op.out);
  let cycles = fill.cycles;
  let instructions = fill.instructions;
  // Steps that read the step before: the op after a fill of its output, the op after the conversion.
  let dependent = -1 + fill.instructions;
  const add = (w: { cycles: number; instructions: number }): void => {
    cycles += w.cycles;
    instructions += w.instructions;
    dependent++;
  };
  const aAct = isActivation(ctx, op.a);
  const bAct = isActivation(ctx, op.b);
  if (aAct && bAct) add(elementwise(ctx, VECTOR_OP_COST[op.fn], [op.a, op.b, op.out], shape));
  else {
    // The activation goes to fp32 first, then meets the fp32 constant; c - x and c / x take one step more.
    const x = aAct ? op.a : op.b;
    add(elementwise(ctx, 1, [x], shapeOf(ctx, x)));
    const commutative = op.fn === 'add' || op.fn === 'mul' || op.fn === 'max' || op.fn === 'min';
    if (!aAct && !commutative) add(elementwise(ctx, op.fn === 'sub' ? 1 : VECTOR_OP_COST.reciprocal, [], shapeOf(ctx, x)));
    add(elementwise(ctx, aAct || commutative ? VECTOR_OP_COST[op.fn] : op.fn === 'sub' ? VECTOR_OP_COST.neg : VECTOR_OP_COST.mul, [op.out], shape));
  }
  return vectorLayerTime(cycles, 0, instructions, Math.max(0, dependent));
}

function rowTime(ctx: LayerContext, op: RowOp): LayerTime {
  const shape = shapeOf(ctx, op.x);
  const elements = elementCount(shape);
  const prelude = ctx.strided.has(op.x) ? copyCycles(ctx, elements) : 0;
  let cycles = vectorCycles(ctx.sys.core, elements, VECTOR_OP_COST[op.fn]);
  let instructions = 1;
  const affine = (op.fn === 'layernorm' || op.fn === 'rmsnorm') && (op.gamma || op.beta);
  if (affine) {
    for (const t of [op.gamma, op.beta]) {
      if (!t) continue;
      cycles += vectorCycles(ctx.sys.core, elements, 1);
      instructions++;
    }
  }
  // The gain and the shift each read the step before.
  return vectorLayerTime(cycles, prelude, instructions, instructions - 1);
}

function poolTime(ctx: LayerContext, op: PoolOp): LayerTime {
  const [batch, channels, height, width] = shapeOf(ctx, op.x) as [number, number, number, number];
  const [, , oh, ow] = shapeOf(ctx, op.out) as [number, number, number, number];
  const p = op.pool;
  const border = ctx.layouts.borders.get(op.x);
  const fill = p.kind === 'max' ? -Infinity : 0;
  const exact = ctx.layouts.channelsLast.has(op.x) && (border?.pads ?? [0, 0, 0, 0]).every((x, i) => x === p.pads[i]) && (!p.pads.some((x) => x > 0) || border?.fill === fill);
  let cycles = borderFill(ctx, op.out).cycles + batch * poolCycles(ctx.sys.core, oh * ow * channels, p.kernel[0] * p.kernel[1]);
  let instructions = batch + borderFill(ctx, op.out).instructions;
  let dma = 0;
  if (!exact) {
    dma = copyCycles(ctx, batch * channels * height * width);
    if (p.pads.some((x) => x > 0)) {
      cycles += fillCycles(ctx.sys.core, 1, batch * channels * (height + p.pads[0] + p.pads[2]) * (width + p.pads[1] + p.pads[3]));
      instructions++;
    }
  }
  return vectorLayerTime(cycles, dma, instructions);
}

function viewTime(ctx: LayerContext, op: ViewOp): LayerTime {
  const t = op.transform;
  if (t.kind === 'transpose' || t.kind === 'slice') {
    ctx.strided.add(op.out);
    return vectorLayerTime(0, 0, 0);
  }
  if (t.kind === 'gather') {
    ctx.strided.add(op.out);
    return vectorLayerTime(0, 0, 0);
  }
  // A reshape of a strided view copies it first.
  return ctx.strided.has(op.x) ? vectorLayerTime(0, copyCycles(ctx, elementCount(shapeOf(ctx, op.x))), 0) : vectorLayerTime(0, 0, 0);
}

function concatTime(ctx: LayerContext, op: ConcatOp): LayerTime {
  return vectorLayerTime(borderFill(ctx, op.out).cycles, copyCycles(ctx, elementCount(shapeOf(ctx, op.out))), borderFill(ctx, op.out).instructions);
}

/** A node no layer holds (MoE, ...): its GEMMs from the op registry as matrix work, the rest on the vector unit. */
function opaqueTime(ctx: LayerContext, op: OpaqueOp): LayerTime {
  const graph = ctx.program.graph;
  const node = graph.nodes.find((n) => n.name === op.node)!;
  const def = opDef(node.op);
  const opCtx = { node, inputs: node.inputs.map((t) => (t ? graph.tensors[t] : undefined)) };
  const outputs = node.outputs.map((o) => graph.tensors[o]!);
  const gemms = def?.gemms?.(opCtx, outputs) ?? [];
  const vector = vectorCycles(ctx.sys.core, def?.vectorOps?.(opCtx, outputs) ?? 0, 1);
  let total: LayerTime | undefined;
  for (const g of gemms) {
    const m = Math.max(1, Math.round(g.m));
    const items = g.weightsAreParameters ? itemClasses(ctx, 1, g.batch * m, 0, g.n, [g.k]) : itemClasses(ctx, g.batch, m, 0, g.n, [g.k]);
    const t = matrixLayerTime(ctx.sys, { items, source: g.weightsAreParameters ? 'dram' : 'onchip' });
    total = total ? sumTimes(total, t) : t;
  }
  const v = vectorLayerTime(vector, 0, vector > 0 ? 1 : 0);
  return total ? sumTimes(total, v) : v;
}

/** Two parts of a layer one after the other. */
function sumTimes(a: LayerTime, b: LayerTime): LayerTime {
  const cycles = a.cycles + b.cycles;
  return {
    cycles,
    matrixCycles: a.matrixCycles + b.matrixCycles,
    memoryCycles: a.memoryCycles + b.memoryCycles,
    vectorCycles: a.vectorCycles + b.vectorCycles,
    latencyCycles: a.latencyCycles + b.latencyCycles,
    bound: a.cycles >= b.cycles ? a.bound : b.bound,
  };
}

/** The layer's time on a systolic chip, run alone (inputs on chip, weights off chip). */
export function layerTime(ctx: LayerContext, op: LogicalOp): LayerTime {
  switch (op.kind) {
    case 'matmul':
      return matmulTime(ctx, op);
    case 'conv':
      return convTime(ctx, op);
    case 'attention':
      return attentionTime(ctx, op);
    case 'pool':
      return poolTime(ctx, op);
    case 'unary':
      return unaryTime(ctx, op);
    case 'binary':
      return binaryTime(ctx, op);
    case 'row':
      return rowTime(ctx, op);
    case 'view':
      return viewTime(ctx, op);
    case 'concat':
      return concatTime(ctx, op);
    case 'opaque':
      return opaqueTime(ctx, op);
    case 'embedding': {
      // The host looks rows up and sends them over its link.
      const bytes = elementCount(shapeOf(ctx, op.out)) * ctx.activationBytes;
      const cycles = transferCycles(bytes, ctx.sys.pcie) + ctx.sys.pcie.latencyCycles;
      return { cycles, matrixCycles: 0, memoryCycles: cycles, vectorCycles: 0, latencyCycles: ctx.sys.pcie.latencyCycles, bound: 'memory' };
    }
  }
}

/**
 * A graph prepared for the analytical model, once per graph: its layers (graph/layers), where their
 * tensors live (channels-last images with borders), and for each layer the chip-independent part of
 * its work: GEMM shapes and pieces, vector instructions and their sizes, on-chip copies, and the
 * counts (MACs, FLOPs, bytes) energy is priced from. Timing a prepared layer on a chip is then a few
 * arithmetic steps (model/layers.ts).
 */
import { rowLevels } from '../arch/mapping.js';
import { VECTOR_OP_COST, type VectorOpName } from '../arch/timing.js';
import { nodeCost } from '../graph/analysis.js';
import {
  convOutputSize,
  fuse,
  inputsOf,
  type ConvOp,
  type LogicalOp,
  type LogicalProgram,
  type PoolSpec,
} from '../graph/layers/fuse.js';
import { hasBorder, layerLayouts, type LayerLayouts } from '../graph/layers/layout.js';
import { simplify } from '../graph/layers/simplify.js';
import type { Gemm } from '../graph/ops/op.js';
import { elementCount, type Graph } from '../graph/types.js';
import { windowedAttentionCounts } from './attention-window.js';

/** Vector instructions of one kind: `count` of them over `elements` each, `cost` operations per element. */
export interface VectorStep {
  readonly count: number;
  readonly elements: number;
  readonly cost: number;
}

/**
 * Jobs of a matmul: `jobs` x [m rows (addressing repeating every `group` rows) x n columns], K in `pieces` of
 * `pieceDepth`.
 */
export interface GemmJobs {
  readonly jobs: number;
  readonly m: number;
  readonly group: number;
  readonly n: number;
  readonly pieces: number;
  readonly pieceDepth: number;
  /** Weight tiles come from off-chip memory (parameters) or the unified buffer (activations). */
  readonly source: 'dram' | 'onchip';
}

export interface ConvPlan {
  readonly batch: number;
  readonly groups: number;
  readonly perGroup: number;
  readonly outPerGroup: number;
  readonly kh: number;
  readonly kw: number;
  /** One piece per kernel row (kw x C contiguous values), else one per tap. */
  readonly wholeRows: boolean;
  readonly oh: number;
  readonly ow: number;
  /** Row jobs (from the layouts' strides). */
  readonly jobs: number;
  readonly jobRows: number;
  readonly jobGroup: number;
  /** Pooling after it: fused on the activate when an image fits an accumulator chunk. */
  readonly pool?: {
    readonly pooledRows: number;
    readonly outputs: number;
    readonly window: number;
    readonly fusable: boolean;
    readonly outFill: number;
  };
  /** Elements copied into a padded image first (0: the input's buffer has the border). */
  readonly copyElements: number;
  /** Elements filled before the layer writes them (borders). */
  readonly fillElements: number;
}

export type WorkPlan =
  | { readonly kind: 'gemm'; readonly gemm: GemmJobs; readonly copyElements: number }
  | { readonly kind: 'conv'; readonly conv: ConvPlan }
  | {
      readonly kind: 'attention';
      readonly heads: number;
      readonly seq: number;
      readonly kvSeq: number;
      readonly headDim: number;
      readonly valueDim: number;
      readonly causal: boolean;
      readonly window: number;
    }
  | {
      readonly kind: 'vector';
      readonly steps: readonly VectorStep[];
      readonly copyElements: number;
      readonly dependent: number;
    }
  | { readonly kind: 'host'; readonly elements: number }
  | { readonly kind: 'opaque'; readonly gemms: readonly Gemm[]; readonly vectorOps: number }
  | { readonly kind: 'none' };

export interface PreparedLayer {
  readonly name: string;
  readonly kind: LogicalOp['kind'];
  readonly shape: readonly number[];
  readonly work: WorkPlan;
  readonly macs: number;
  readonly flops: number;
  readonly vectorOps: number;
  readonly gemms: readonly Gemm[];
  readonly weightElements: number;
  /** Activation elements read and written. */
  readonly activationElements: number;
  /** '' when there is nothing to say. */
  readonly note: string;
  /** A matrix layer (matmul, convolution, attention, or an opaque node with GEMMs). */
  readonly matrix: boolean;
  /** Kernels a GPU launches for it (0 for free views). */
  readonly kernels: number;
  /**
   * The index of the first layer identical to this one in everything its time depends on (all but the
   * name and note): its own index if it is the first. A transformer's repeated blocks are timed once.
   */
  readonly twin: number;
}

export interface PreparedGraph {
  readonly graph: Graph;
  readonly program: LogicalProgram;
  readonly layers: readonly PreparedLayer[];
  readonly ioElements: number;
  /** Parameters and state, each counted once. */
  readonly weightElements: number;
  /** The most activation elements one layer reads and writes. */
  readonly peakActivationElements: number;
}

const cache = new WeakMap<Graph, PreparedGraph>();

/** The graph prepared for estimates (cached per graph object). */
export function prepareGraph(graph: Graph): PreparedGraph {
  const cached = cache.get(graph);
  if (cached) return cached;
  const program = fuse(simplify(graph), { lenient: true });
  const layouts = layerLayouts(program);
  const strided = new Set<string>();
  const nodes = new Map(program.graph.nodes.map((n) => [n.name, n]));
  // Layers alike in their counts are compared whole (all but name, note and twin) with the first ones
  // of their kind: a repeated block finds its twin without serializing every layer.
  const alike = new Map<string, PreparedLayer[]>();
  const layers = program.ops.map((op, i) => {
    const layer = prepareLayer(program, layouts, strided, nodes, op, i);
    const key =
      `${layer.kind}|${layer.macs}|${layer.vectorOps}|${layer.activationElements}|${layer.weightElements}|` +
      `${layer.shape.join('x')}`;
    const candidates = alike.get(key);
    const first = candidates?.find((c) => sameTiming(c, layer));
    if (first) return { ...layer, twin: first.twin };
    if (candidates) candidates.push(layer);
    else alike.set(key, [layer]);
    return layer;
  });
  const ioElements = [...graph.inputs, ...graph.outputs].reduce((s, t) => s + elementCount(graph.tensors[t]!.shape), 0);
  const weightElements = Object.values(program.graph.tensors).reduce(
    (s, t) => s + (t.kind === 'weight' || t.kind === 'state' ? elementCount(t.shape) : 0),
    0,
  );
  const peakActivationElements = layers.reduce((m, l) => Math.max(m, l.activationElements), 0);
  const prepared = { graph, program, layers, ioElements, weightElements, peakActivationElements };
  cache.set(graph, prepared);
  return prepared;
}

const NOT_TIMED = new Set(['name', 'note', 'twin']);

/** Equal in everything a layer's time depends on: every field but its name, note and index. */
function sameTiming(a: PreparedLayer, b: PreparedLayer): boolean {
  for (const k of Object.keys(a))
    if (!NOT_TIMED.has(k) && !deepEqual(a[k as keyof PreparedLayer], b[k as keyof PreparedLayer])) return false;
  return Object.keys(a).length === Object.keys(b).length;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function prepareLayer(
  program: LogicalProgram,
  layouts: LayerLayouts,
  strided: Set<string>,
  nodes: ReadonlyMap<string, Graph['nodes'][number]>,
  op: LogicalOp,
  index: number,
): PreparedLayer {
  let macs = 0;
  let flops = 0;
  let vectorOps = 0;
  const gemms: Gemm[] = [];
  for (const name of op.nodes) {
    const node = nodes.get(name);
    if (!node) continue;
    const cost = nodeCost(program.graph, node);
    macs += cost.macs;
    flops += cost.flops;
    vectorOps += cost.vectorOps;
    gemms.push(...cost.gemms);
  }
  const tensors = program.graph.tensors;
  let weightElements = 0;
  let activationElements = elementCount(tensors[op.out]?.shape ?? []);
  for (const t of inputsOf(op)) {
    const tensor = tensors[t];
    if (!tensor) continue;
    if (tensor.kind === 'weight' || tensor.kind === 'state') weightElements += elementCount(tensor.shape);
    else if (tensor.kind !== 'constant') activationElements += elementCount(tensor.shape);
  }
  const work = workOf(program, layouts, strided, op, vectorOps, gemms);
  const chain = gemms.find((g) => g.sequential === true);
  let note =
    op.kind !== 'opaque'
      ? ''
      : chain
        ? `a recurrence: ${chain.batch} sequential steps (a GEMM and its element operations each) after the ` +
          `parallel GEMMs`
        : 'timed from its GEMMs and element operations (no layer holds it)';
  if (work.kind === 'attention' && work.window > 0) {
    // A sliding-window layer: counted over its band, timed as a band kernel (model/attention-window.ts).
    const band = windowedAttentionCounts(work, { macs, vectorOps }, work.heads, work.headDim, work.valueDim);
    ({ macs, flops, vectorOps } = band);
    gemms.splice(0, gemms.length, ...band.gemms);
    note = `sliding window of ${work.window} keys: counted over the band, timed as a band kernel`;
  }
  return {
    name: op.name,
    kind: op.kind,
    shape: tensors[op.out]?.shape ?? [],
    work,
    macs,
    flops,
    vectorOps,
    gemms,
    weightElements,
    activationElements,
    note,
    matrix: op.kind === 'matmul' || op.kind === 'conv' || op.kind === 'attention' || op.kind === 'opaque',
    kernels: op.kind === 'view' ? 0 : 1,
    twin: index,
  };
}

const shapeOf = (program: LogicalProgram, t: string): readonly number[] => program.graph.tensors[t]!.shape;
const isActivation = (program: LogicalProgram, t: string): boolean =>
  program.graph.tensors[t]?.kind === 'activation' || program.graph.inputs.includes(t);

/** Elements of an image's buffer with its border, when it has one (0 otherwise). */
function borderFill(program: LogicalProgram, layouts: LayerLayouts, t: string): number {
  if (!layouts.channelsLast.has(t) || !hasBorder(layouts, t)) return 0;
  const b = layouts.borders.get(t)!.pads;
  const [n, c, h, w] = shapeOf(program, t) as [number, number, number, number];
  return n * c * (h + b[0] + b[2]) * (w + b[1] + b[3]);
}

/** Vector instructions over a tensor: one per image row when any operand has a border, else one. */
function runs(layouts: LayerLayouts, tensors: readonly string[], shape: readonly number[], cost: number): VectorStep {
  const bordered = tensors.some((t) => layouts.channelsLast.has(t) && hasBorder(layouts, t));
  if (bordered && shape.length === 4) return { count: shape[0]! * shape[2]!, elements: shape[1]! * shape[3]!, cost };
  return { count: 1, elements: elementCount(shape), cost };
}

function workOf(
  program: LogicalProgram,
  layouts: LayerLayouts,
  strided: Set<string>,
  op: LogicalOp,
  vectorOps: number,
  gemms: readonly Gemm[],
): WorkPlan {
  const fillStep = (t: string): VectorStep[] => {
    const elements = borderFill(program, layouts, t);
    return elements > 0 ? [{ count: 1, elements, cost: 0 }] : [];
  };
  switch (op.kind) {
    case 'matmul': {
      const out = shapeOf(program, op.out);
      const [m, n] = out.slice(-2) as [number, number];
      const a = shapeOf(program, op.a);
      const batch = elementCount(out.slice(0, -2));
      const activationB = isActivation(program, op.b);
      // Parameter weights: batch rows merge into one job; activation weights change per batch entry.
      const gemm: GemmJobs = activationB
        ? { jobs: batch, m, group: 0, n, pieces: 1, pieceDepth: a[a.length - 1]!, source: 'onchip' }
        : { jobs: 1, m: batch * m, group: 0, n, pieces: 1, pieceDepth: a[a.length - 1]!, source: 'dram' };
      return { kind: 'gemm', gemm, copyElements: strided.has(op.a) ? elementCount(a) : 0 };
    }
    case 'conv':
      return { kind: 'conv', conv: convPlan(program, layouts, op) };
    case 'attention': {
      const [batch, seq, qWidth] = shapeOf(program, op.q) as [number, number, number];
      return {
        kind: 'attention',
        heads: batch * op.heads,
        seq,
        kvSeq: shapeOf(program, op.k)[1]!,
        headDim: qWidth / op.heads,
        valueDim: shapeOf(program, op.v)[2]! / op.kvHeads,
        causal: op.causal,
        window: op.window ?? 0,
      };
    }
    case 'pool': {
      const [batch, channels, height, width] = shapeOf(program, op.x) as [number, number, number, number];
      const [, , oh, ow] = shapeOf(program, op.out) as [number, number, number, number];
      const p = op.pool;
      const border = layouts.borders.get(op.x);
      const fill = p.kind === 'max' ? -Infinity : 0;
      const exact =
        layouts.channelsLast.has(op.x) &&
        (border?.pads ?? [0, 0, 0, 0]).every((x, i) => x === p.pads[i]) &&
        (!p.pads.some((x) => x > 0) || border?.fill === fill);
      const steps: VectorStep[] = [
        ...fillStep(op.out),
        { count: batch, elements: oh * ow * channels * p.kernel[0] * p.kernel[1], cost: 1 },
      ];
      if (!exact && p.pads.some((x) => x > 0))
        steps.push({
          count: 1,
          elements: batch * channels * (height + p.pads[0] + p.pads[2]) * (width + p.pads[1] + p.pads[3]),
          cost: 0,
        });
      return { kind: 'vector', steps, copyElements: exact ? 0 : batch * channels * height * width, dependent: 0 };
    }
    case 'unary': {
      const fill = fillStep(op.out);
      return {
        kind: 'vector',
        steps: [
          ...fill,
          runs(layouts, [op.x, op.out], shapeOf(program, op.out), VECTOR_OP_COST[op.fn as VectorOpName]),
        ],
        copyElements: 0,
        dependent: fill.length,
      };
    }
    case 'binary': {
      const shape = shapeOf(program, op.out);
      const steps: VectorStep[] = fillStep(op.out);
      const aAct = isActivation(program, op.a);
      const bAct = isActivation(program, op.b);
      if (aAct && bAct) steps.push(runs(layouts, [op.a, op.b, op.out], shape, VECTOR_OP_COST[op.fn]));
      else {
        // The activation goes to fp32 first, then meets the fp32 constant; c - x and c / x take one step more.
        const x = aAct ? op.a : op.b;
        steps.push(runs(layouts, [x], shapeOf(program, x), 1));
        const commutative = op.fn === 'add' || op.fn === 'mul' || op.fn === 'max' || op.fn === 'min';
        if (!aAct && !commutative)
          steps.push(
            runs(layouts, [], shapeOf(program, x), op.fn === 'sub' ? VECTOR_OP_COST.sub : VECTOR_OP_COST.reciprocal),
          );
        steps.push(
          runs(
            layouts,
            [op.out],
            shape,
            aAct || commutative ? VECTOR_OP_COST[op.fn] : op.fn === 'sub' ? VECTOR_OP_COST.neg : VECTOR_OP_COST.mul,
          ),
        );
      }
      return { kind: 'vector', steps, copyElements: 0, dependent: steps.length - 1 };
    }
    case 'row': {
      const elements = elementCount(shapeOf(program, op.x));
      const steps: VectorStep[] = [{ count: 1, elements, cost: VECTOR_OP_COST[op.fn] }];
      if ((op.fn === 'layernorm' || op.fn === 'rmsnorm') && (op.gamma || op.beta)) {
        if (op.gamma) steps.push({ count: 1, elements, cost: 1 });
        if (op.beta) steps.push({ count: 1, elements, cost: 1 });
      }
      return { kind: 'vector', steps, copyElements: strided.has(op.x) ? elements : 0, dependent: steps.length - 1 };
    }
    case 'view': {
      const t = op.transform;
      if (t.kind !== 'reshape') {
        strided.add(op.out);
        return { kind: 'none' };
      }
      // A reshape of a strided view copies it first.
      return strided.has(op.x)
        ? { kind: 'vector', steps: [], copyElements: elementCount(shapeOf(program, op.x)), dependent: 0 }
        : { kind: 'none' };
    }
    case 'concat':
      return {
        kind: 'vector',
        steps: fillStep(op.out),
        copyElements: elementCount(shapeOf(program, op.out)),
        dependent: 0,
      };
    case 'embedding':
      return { kind: 'host', elements: elementCount(shapeOf(program, op.out)) };
    case 'opaque':
      return { kind: 'opaque', gemms, vectorOps };
  }
}

function convPlan(program: LogicalProgram, layouts: LayerLayouts, op: ConvOp): ConvPlan {
  const [batch, channels, height, width] = shapeOf(program, op.x) as [number, number, number, number];
  const [outChannels, perGroup, kh, kw] = shapeOf(program, op.w) as [number, number, number, number];
  const c = op.conv;
  const [oh, ow] = convOutputSize(height, width, [kh, kw], c);
  // The input's buffer: its border if it covers this convolution's padding, else a padded copy.
  const border = layouts.borders.get(op.x);
  const fits =
    layouts.channelsLast.has(op.x) &&
    border !== undefined &&
    border.fill === 0 &&
    border.pads.every((p, i) => p >= c.pads[i]!);
  const inPads = fits ? border!.pads : c.pads;
  const hp = height + inPads[0] + inPads[2];
  const wp = width + inPads[1] + inPads[3];
  const pool = op.pool;
  const outBorder = layouts.borders.get(op.out)?.pads ?? [0, 0, 0, 0];
  const poolPlan = pool
    ? poolOf(pool, oh, ow, outChannels, batch, hasBorder(layouts, op.out), borderFill(program, layouts, op.out))
    : undefined;
  // Jobs of the unfused path (with pooling after it, the convolution writes an unpadded image first).
  const ob = pool ? [0, 0, 0, 0] : outBorder;
  const ohp = oh + ob[0]! + ob[2]!;
  const owp = ow + ob[1]! + ob[3]!;
  const jobs = rowLevels(
    [batch, oh, ow],
    [
      [hp * wp * channels, c.stride[0] * wp * channels, c.stride[1] * channels],
      [ohp * owp * outChannels, owp * outChannels, outChannels],
      [0, 0, 0],
    ],
  );
  const copy = fits ? 0 : batch * channels * height * width;
  const copyFill = fits ? 0 : batch * channels * (height + c.pads[0] + c.pads[2]) * (width + c.pads[1] + c.pads[3]);
  return {
    batch,
    groups: c.groups,
    perGroup,
    outPerGroup: outChannels / c.groups,
    kh,
    kw,
    wholeRows: c.groups === 1 && c.dilation[1] === 1,
    oh,
    ow,
    jobs: jobs.length,
    jobRows: jobs[0]!.rows,
    jobGroup: jobs[0]!.operand(0, 0, 0).groupRows,
    ...(poolPlan ? { pool: poolPlan } : {}),
    copyElements: copy,
    fillElements: copyFill + (pool ? 0 : borderFill(program, layouts, op.out)),
  };
}

function poolOf(
  pool: PoolSpec,
  oh: number,
  ow: number,
  channels: number,
  batch: number,
  outBordered: boolean,
  outFill: number,
): ConvPlan['pool'] {
  const pooledRows =
    (Math.floor((oh - pool.kernel[0]) / pool.stride[0]) + 1) * (Math.floor((ow - pool.kernel[1]) / pool.stride[1]) + 1);
  return {
    pooledRows,
    outputs: batch * pooledRows * channels,
    window: pool.kernel[0] * pool.kernel[1],
    fusable: pool.stride[0] === pool.stride[1] && !outBordered,
    outFill,
  };
}

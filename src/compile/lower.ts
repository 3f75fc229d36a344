/**
 * Pass `lower`: logical ops -> matrix kernels and instruction sequences on symbolic buffers.
 *
 * Layout. Images (rank-4 tensors that convolutions and pooling read or write) live channels-last
 * (NHWC) in the unified buffer, padded with the border their convolutions need, so that a
 * convolution is a sum of matrix multiplies whose input rows are windows of the padded image: one
 * piece per kernel row (kw x C contiguous values) with the matmul instruction's two-dimensional row
 * addressing (TPU v1's Convolve). Everything else is row-major. Layout ops are views where strides can
 * express them and copies (DMA) where not. Graph inputs and outputs cross the host link in their
 * on-chip layout; the host converts (the IoBinding says how).
 *
 * Matrix ops keep their weights in off-chip memory ([K, N] row-major; convolutions [kh, kw, C/g, Cout])
 * and their biases and per-column scales beside them; vector-op constants are copied to the unified
 * buffer before the first layer.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreAt } from '../arch/derive.js';
import { accumulatorChunkRows as accumulatorChunkRowsOf } from '../arch/mapping.js';
import type { NumberFormatName } from '../core/number-formats.js';
import { elementCount } from '../graph/types.js';
import type { Instruction, OutputFormat, VectorOp } from '../isa/types.js';
import { Builder } from './builder.js';
import { layerLayouts, type PadNeed } from '../graph/layers/layout.js';
import { lowerAttention, lowerConv, lowerMatmul } from './lower-matrix.js';
import type { LoweringContext, PaddedImage } from './lowering-context.js';
import { CompileError } from './errors.js';
import { isConstantOutput } from './outputs.js';
import type { CodeKernel, Epilogue, IoBinding, Kernel, LoweredProgram } from './kernels.js';
import {
  inputsOf,
  type BinaryOp,
  type ConcatOp,
  type ConvOp,
  type EmbeddingOp,
  type LogicalOp,
  type LogicalProgram,
  type MatmulOp,
  type PoolOp,
  type RowOp,
  type UnaryOp,
  type ViewOp,
} from '../graph/layers/fuse.js';
import type { QuantPlan, TensorPlan } from './quantize.js';
import {
  broadcastView,
  contiguousStrides,
  loopNest,
  reshapeView,
  sliceView,
  transposeView,
  type View,
} from './views.js';

const NHWC = [0, 2, 3, 1];
const ZERO_PADS = [0, 0, 0, 0] as const;

export { accumulatorChunkRows } from '../arch/mapping.js';

export function lower(program: LogicalProgram, plan: QuantPlan, chip: ChipSpec): LoweredProgram {
  return new Lowering(program, plan, chip).run();
}

export class Lowering implements LoweringContext {
  readonly b: Builder;
  readonly views = new Map<string, View>();
  readonly padded = new Map<number, PaddedImage>();
  readonly kernels: Kernel[] = [];
  readonly nhwc = new Set<string>();
  readonly padNeeds = new Map<string, PadNeed>();
  readonly constantViews = new Map<string, number>();
  readonly chunkRows: number;
  constantLoads: Instruction[] = [];
  private readonly hostInputs: IoBinding[] = [];

  constructor(
    readonly program: LogicalProgram,
    readonly plan: QuantPlan,
    readonly chip: ChipSpec,
  ) {
    this.b = new Builder(coreAt(chip, 0)!.unifiedBuffer.sizeBytes, chip.name);
    this.chunkRows = accumulatorChunkRowsOf(chip);
    if (this.chunkRows < 1)
      throw new CompileError(
        'does_not_fit',
        `${chip.name} has too few accumulator rows to hold one result row per matrix unit`,
      );
  }

  get graph() {
    return this.program.graph;
  }

  shape(t: string): readonly number[] {
    const tensor = this.graph.tensors[t];
    if (!tensor) throw new CompileError('internal', `no tensor '${t}'`);
    return tensor.shape;
  }

  tensorPlan(t: string): TensorPlan {
    const p = this.plan.tensors.get(t);
    if (!p) throw new CompileError('internal', `tensor '${t}' has no storage plan`);
    return p;
  }

  view(t: string): View {
    const v = this.views.get(t);
    if (!v)
      throw new CompileError(
        'unsupported',
        `tensor '${t}' is not an activation the chip holds (a parameter used as an activation?)`,
      );
    return v;
  }

  run(): LoweredProgram {
    this.analyzeLayouts();
    // Inputs only an embedding reads stay on the host.
    const onChip = (t: string): boolean =>
      this.graph.outputs.includes(t) ||
      this.program.ops.some((op) => op.kind !== 'embedding' && inputsOf(op).includes(t));
    const inputs = this.graph.inputs.filter(onChip).map((t) => this.loadInput(t));
    for (const op of this.program.ops) this.lowerOp(op);
    inputs.push(...this.hostInputs);
    const outputs = this.graph.outputs.map((t) => this.storeOutput(t));
    if (this.constantLoads.length > 0)
      this.kernels.unshift({ kind: 'code', layer: 'constants', instructions: this.constantLoads });
    return { buffers: this.b.buffers, kernels: this.kernels, inputs, outputs, plan: this.plan };
  }

  /** Which tensors are channels-last images, and the border each needs (graph/layers/layout.ts). */
  private analyzeLayouts(): void {
    const layouts = layerLayouts(this.program);
    for (const t of layouts.channelsLast) this.nhwc.add(t);
    for (const [t, need] of layouts.borders) this.padNeeds.set(t, need);
  }

  /** A fresh unified-buffer home for a tensor: channels-last and padded if it is an image, else row-major. */
  allocate(t: string, prelude: Instruction[], format?: OutputFormat): View {
    const shape = this.shape(t);
    const fmt = format ?? this.tensorPlan(t).format;
    if (this.nhwc.has(t) && shape.length === 4) {
      const need = this.padNeeds.get(t) ?? { pads: ZERO_PADS, fill: 0 };
      return this.allocateImage(t, shape, fmt, need, prelude);
    }
    const buffer = this.b.buffer(t, 'ub', fmt, elementCount(shape), 'activation');
    const v: View = { buffer: buffer.id, offset: 0, shape, strides: contiguousStrides(shape) };
    this.views.set(t, v);
    return v;
  }

  allocateImage(
    t: string,
    shape: readonly number[],
    fmt: NumberFormatName,
    need: PadNeed,
    prelude: Instruction[],
    register = true,
  ): View {
    const [n, c, h, w] = shape as [number, number, number, number];
    const [pt, pl, pb, pr] = need.pads;
    const hp = h + pt + pb;
    const wp = w + pl + pr;
    const buffer = this.b.buffer(t, 'ub', fmt, n * hp * wp * c, 'activation');
    const padded = pt + pl + pb + pr > 0;
    this.padded.set(buffer.id, { n, c, h, w, pads: need.pads, fill: need.fill });
    if (padded) prelude.push(...this.b.fill(buffer.id, need.fill));
    const v: View = { buffer: buffer.id, offset: (pt * wp + pl) * c, shape, strides: [hp * wp * c, 1, wp * c, c] };
    if (register) this.views.set(t, v);
    return v;
  }

  /** The whole-tensor view of a channels-last image buffer, with its border, or undefined. */
  imageOf(v: View): PaddedImage | undefined {
    const p = this.padded.get(v.buffer);
    if (!p) return undefined;
    const wp = p.w + p.pads[1] + p.pads[3];
    const hp = p.h + p.pads[0] + p.pads[2];
    const expected = [hp * wp * p.c, 1, wp * p.c, p.c];
    const same =
      v.shape.length === 4 &&
      v.shape[0] === p.n &&
      v.shape[1] === p.c &&
      v.shape[2] === p.h &&
      v.shape[3] === p.w &&
      v.offset === (p.pads[0] * wp + p.pads[1]) * p.c &&
      v.strides.every((s, i) => s === expected[i] || v.shape[i] === 1);
    return same ? p : undefined;
  }

  /** An image view with at least (or, `exact`, exactly) these borders filled with `fill`; copies when needed. */
  imageWithBorder(
    t: string,
    need: PadNeed,
    exact: boolean,
    prelude: Instruction[],
  ): { view: View; image: PaddedImage } {
    const v = this.view(t);
    const image = this.imageOf(v);
    const anyPad = need.pads.some((p) => p > 0);
    const fits =
      image &&
      (exact ? image.pads.every((p, i) => p === need.pads[i]) : image.pads.every((p, i) => p >= need.pads[i]!)) &&
      (!anyPad || image.fill === need.fill || (Number.isNaN(image.fill) && Number.isNaN(need.fill)));
    if (fits) return { view: v, image: image! };
    const copy = this.allocateImage(`${t}.padded`, v.shape, this.b.get(v.buffer).format, need, prelude, false);
    prelude.push(...this.b.copy(copy, v));
    return { view: copy, image: this.imageOf(copy)! };
  }

  /** A copy of a view into a fresh row-major buffer. */
  materialize(v: View, name: string, prelude: Instruction[]): View {
    const buffer = this.b.buffer(name, 'ub', this.b.get(v.buffer).format, elementCount(v.shape), 'temp');
    const out: View = { buffer: buffer.id, offset: 0, shape: v.shape, strides: contiguousStrides(v.shape) };
    prelude.push(...this.b.copy(out, v));
    return out;
  }

  code(layer: string, instructions: Instruction[]): void {
    if (instructions.length > 0) this.kernels.push({ kind: 'code', layer, instructions } satisfies CodeKernel);
  }

  private loadInput(t: string): IoBinding {
    const plan = this.tensorPlan(t);
    const prelude: Instruction[] = [];
    const ub = this.allocate(t, prelude);
    const perm = this.nhwc.has(t) && ub.shape.length === 4 ? NHWC : ub.shape.map((_, i) => i);
    const hostShape = perm.map((d) => ub.shape[d]!);
    const host = this.b.buffer(`${t}.host`, 'host', plan.format, elementCount(ub.shape), 'input', { shape: hostShape });
    const hostView = permutedView(host.id, ub.shape, perm);
    this.code(`input.${t}`, [...prelude, ...this.b.copy(ub, hostView)]);
    return { tensor: t, buffer: host.name, shape: ub.shape, perm, format: plan.format, scale: plan.scale };
  }

  private storeOutput(t: string): IoBinding {
    const plan = this.tensorPlan(t);
    const v =
      isConstantOutput(this.graph.tensors[t]) && !this.views.has(t)
        ? this.constantView(t, this.shape(t), {
            buffer: -1,
            offset: 0,
            shape: this.shape(t),
            strides: contiguousStrides(this.shape(t)),
          })
        : this.view(t);
    // The host receives the tensor in its on-chip dimension order (largest stride first).
    const perm = v.shape.map((_, i) => i).sort((x, y) => v.strides[y]! - v.strides[x]! || x - y);
    const host = this.b.buffer(`${t}.host`, 'host', plan.format, elementCount(v.shape), 'output', {
      shape: perm.map((d) => v.shape[d]!),
    });
    this.code(`output.${t}`, this.b.copy(permutedView(host.id, v.shape, perm), v));
    return { tensor: t, buffer: host.name, shape: v.shape, perm, format: plan.format, scale: plan.scale };
  }

  private lowerOp(op: LogicalOp): void {
    (Lowering.rules[op.kind] as (l: Lowering, op: LogicalOp) => void)(this, op);
  }

  /** How each kind of layer lowers; an opaque layer (a node no layer could hold) cannot, and says why. */
  private static readonly rules: {
    readonly [K in LogicalOp['kind']]: (l: Lowering, op: Extract<LogicalOp, { kind: K }>) => void;
  } = {
    matmul: (l, op) => lowerMatmul(l, op),
    conv: (l, op) => lowerConv(l, op),
    attention: (l, op) => lowerAttention(l, op),
    pool: (l, op) => l.pool(op),
    unary: (l, op) => l.unary(op),
    binary: (l, op) => l.binary(op),
    row: (l, op) => l.row(op),
    view: (l, op) => l.viewOp(op),
    concat: (l, op) => l.concat(op),
    embedding: (l, op) => l.embedding(op),
    opaque: (_, op) => {
      throw new CompileError('unsupported', op.why);
    },
  };

  /** Kinds of layer the compiler has a lowering rule for (every kind: `opaque`'s rule reports why it cannot). */
  static loweredKinds(): readonly LogicalOp['kind'][] {
    return Object.keys(Lowering.rules) as LogicalOp['kind'][];
  }

  /** Off-chip buffers for a matrix op's bias and per-column scales. */
  epilogue(op: MatmulOp | ConvOp): Epilogue {
    const m = this.plan.matrix.get(op.name)!;
    const bias = m.bias
      ? this.b.buffer(`${op.name}.bias`, 'dram', this.plan.accFormat, m.bias.length, 'weights', {
          init: m.bias,
          shape: [m.bias.length],
        })
      : undefined;
    const columnScale = m.columnScale
      ? this.b.buffer(`${op.name}.scale`, 'dram', 'fp32', m.columnScale.length, 'weights', {
          init: m.columnScale,
          shape: [m.columnScale.length],
        })
      : undefined;
    return {
      fn: m.fn,
      scale: m.scale,
      outScale: m.outScale,
      outFormat: m.outFormat,
      ...(bias ? { bias: bias.id } : {}),
      ...(columnScale ? { columnScale: columnScale.id } : {}),
    };
  }

  private pool(op: PoolOp): void {
    const prelude: Instruction[] = [];
    const p = op.pool;
    if (p.kind === 'avg' && !p.countIncludesPad && p.pads.some((x) => x > 0))
      throw new CompileError(
        'unsupported',
        `op '${op.name}': average pooling with padding that the divisor excludes (count_include_pad=0) is not ` +
          `supported`,
      );
    const { view } = this.imageWithBorder(
      op.x,
      { pads: p.pads, fill: p.kind === 'max' ? -Infinity : 0 },
      true,
      prelude,
    );
    this.code(op.name, prelude);
    this.poolInto(op.name, view, op.out, p);
  }

  /** Pool instructions over a padded channels-last image view into the tensor `out`. */
  poolInto(layer: string, x: View, out: string, p: PoolOp['pool']): void {
    if (p.stride[0] !== p.stride[1])
      throw new CompileError(
        'unsupported',
        `layer '${layer}': pooling with different vertical and horizontal strides (${p.stride.join(', ')}) is ` +
          `not supported`,
      );
    const prelude: Instruction[] = [];
    const image = this.imageOf(x)!;
    const dst = this.allocate(out, prelude);
    const hp = image.h + image.pads[0] + image.pads[2];
    const wp = image.w + image.pads[1] + image.pads[3];
    const start = x.offset - (image.pads[0] * wp + image.pads[1]) * image.c;
    const dtype = this.b.get(x.buffer).format as OutputFormat;
    const eb = this.b.bytes(dst.buffer);
    const instructions: Instruction[] = [...prelude];
    for (let n = 0; n < image.n; n++) {
      instructions.push(
        this.b.pool({
          dst: this.b.ref(dst.buffer, dst.offset + n * dst.strides[0]!),
          src: this.b.ref(x.buffer, start + n * x.strides[0]!),
          kind: p.kind,
          channels: image.c,
          height: hp,
          width: wp,
          kernelHeight: p.kernel[0],
          kernelWidth: p.kernel[1],
          stride: p.stride[0],
          dtype,
          rowStrideBytes: dst.strides[2]! * eb,
        }),
      );
    }
    this.code(`${layer}#pool`, instructions);
  }

  private unary(op: UnaryOp): void {
    const prelude: Instruction[] = [];
    const x = this.view(op.x);
    const out = this.allocate(op.out, prelude);
    const scales = { src: this.tensorPlan(op.x).scale, src2: 1, out: this.tensorPlan(op.out).scale };
    this.code(op.name, [...prelude, ...this.b.elementwise(op.fn as VectorOp, out, x, undefined, scales)]);
  }

  /** A constant as an fp32 unified-buffer view broadcast to `shape`, laid out in `like`'s dimension order. */
  constantView(name: string, shape: readonly number[], like: View): View {
    const t = this.graph.tensors[name]!;
    const values = this.plan.constants.get(name);
    const rank = shape.length;
    const cShape = [...new Array<number>(rank - t.shape.length).fill(1), ...t.shape];
    // Dimensions in the output's physical order; the innermost one is expanded so runs are contiguous.
    const order = shape
      .map((_, d) => d)
      .filter((d) => shape[d] !== 1)
      .sort((x, y) => like.strides[y]! - like.strides[x]! || x - y);
    const inner = order[order.length - 1];
    const stored = shape.map((d, i) => (cShape[i] === 1 && i !== inner ? 1 : d));
    const physical = order.map((d) => stored[d]!);
    const strides = new Array<number>(rank).fill(0);
    let s = 1;
    for (let i = order.length - 1; i >= 0; i--) {
      strides[order[i]!] = stored[order[i]!] === 1 ? 0 : s;
      s *= physical[i]!;
    }
    const count = elementCount(physical);
    let data: Float64Array | undefined;
    if (values) {
      data = new Float64Array(count);
      const cStrides = contiguousStrides(cShape);
      const index = new Array<number>(rank).fill(0);
      // `stored` holds the same dimensions as `physical` (and ones): `count` elements.
      for (let i = 0; i < count; i++) {
        let src = 0;
        let dst = 0;
        for (let d = 0; d < rank; d++) {
          src += (cShape[d] === 1 ? 0 : index[d]!) * cStrides[d]!;
          dst += index[d]! * strides[d]!;
        }
        data[dst] = values[src]!;
        for (let d = rank - 1; d >= 0; d--) {
          if (++index[d]! < stored[d]!) break;
          index[d] = 0;
        }
      }
    }
    const key = `${name}|${stored.join(',')}|${strides.join(',')}`;
    let id = this.constantViews.get(key);
    if (id === undefined) {
      const dram = this.b.buffer(`${name}.const`, 'dram', 'fp32', count, 'weights', {
        ...(data ? { init: data } : {}),
        shape: [count],
      });
      const ub = this.b.buffer(`${name}.ub`, 'ub', 'fp32', count, 'constant');
      this.constantLoads.push(this.b.dma(this.b.ref(ub.id, 0), this.b.ref(dram.id, 0), count * 4));
      id = ub.id;
      this.constantViews.set(key, id);
    }
    return { buffer: id, offset: 0, shape, strides };
  }

  /** An fp32 temporary copy of an activation (the vector unit combines it with fp32 constants). */
  toFloat(t: string, instructions: Instruction[]): View {
    const x = this.view(t);
    const buffer = this.b.buffer(`${t}.fp32`, 'ub', 'fp32', elementCount(x.shape), 'temp');
    const order = x.shape.map((_, i) => i).sort((p, q) => x.strides[q]! - x.strides[p]! || p - q);
    const v = permutedView(buffer.id, x.shape, order);
    instructions.push(
      ...this.b.elementwise('copy', v, x, undefined, { src: this.tensorPlan(t).scale, src2: 1, out: 1 }),
    );
    return v;
  }

  private binary(op: BinaryOp): void {
    const instructions: Instruction[] = [];
    const outShape = this.shape(op.out);
    const out = this.allocate(op.out, instructions);
    const po = this.tensorPlan(op.out);
    const aIsActivation = this.plan.tensors.has(op.a);
    const bIsActivation = this.plan.tensors.has(op.b);
    const commutative = op.fn === 'add' || op.fn === 'mul' || op.fn === 'max' || op.fn === 'min';
    if (aIsActivation && bIsActivation) {
      let [a, b] = [broadcastView(this.view(op.a), outShape), broadcastView(this.view(op.b), outShape)];
      let [pa, pb] = [this.tensorPlan(op.a), this.tensorPlan(op.b)];
      if (a.strides.some((s, i) => s === 0 && outShape[i] !== 1) && commutative) [a, b, pa, pb] = [b, a, pb, pa];
      // b may not repeat along both the last axis and the one the vector unit walks innermost (the
      // output's storage order): a (1, C, 1, 1) gate on a channels-last (1, C, H, W) map is fine.
      const inner = loopNest([out, a, b]).at(-1)!;
      const lastRepeats = b.strides[b.strides.length - 1] === 0 && outShape[outShape.length - 1] !== 1;
      if (
        a.strides.some((s, i) => s === 0 && outShape[i] !== 1) ||
        (lastRepeats && inner.strides[2] === 0 && inner.size > 1)
      ) {
        throw new CompileError(
          'unsupported',
          `op '${op.name}' (${op.fn}): broadcasting (${this.shape(op.a).join(', ')}) with (` +
            `${this.shape(op.b).join(', ')}) along this axis is not supported`,
        );
      }
      this.code(op.name, [
        ...instructions,
        ...this.b.elementwise(op.fn, out, a, b, { src: pa.scale, src2: pb.scale, out: po.scale }),
      ]);
      return;
    }
    if (!aIsActivation && !bIsActivation)
      throw new CompileError(
        'unsupported',
        `op '${op.name}' (${op.fn}) combines two parameters; fold it before compiling`,
      );
    const x = aIsActivation ? op.a : op.b;
    const c = aIsActivation ? op.b : op.a;
    const xf = this.toFloat(x, instructions);
    const cv = this.constantView(c, outShape, out);
    const final = { src: 1, src2: 1, out: po.scale };
    if (aIsActivation || commutative) {
      instructions.push(...this.b.elementwise(op.fn, out, broadcastView(xf, outShape), cv, final));
    } else if (op.fn === 'sub') {
      // c - x = -(x - c)
      instructions.push(...this.b.elementwise('sub', xf, xf, cv, { src: 1, src2: 1, out: 1 }));
      instructions.push(...this.b.elementwise('neg', out, xf, undefined, final));
    } else {
      // c / x = c x (1 / x)
      instructions.push(...this.b.elementwise('reciprocal', xf, xf, undefined, { src: 1, src2: 1, out: 1 }));
      instructions.push(...this.b.elementwise('mul', out, xf, cv, final));
    }
    this.code(op.name, instructions);
  }

  private row(op: RowOp): void {
    const instructions: Instruction[] = [];
    let x = this.view(op.x);
    if (x.strides[x.strides.length - 1] !== 1 && x.shape[x.shape.length - 1] !== 1)
      x = this.materialize(x, `${op.x}.contiguous`, instructions);
    const out = this.allocate(op.out, instructions);
    const px = this.tensorPlan(op.x);
    const po = this.tensorPlan(op.out);
    const affine = (op.fn === 'layernorm' || op.fn === 'rmsnorm') && (op.gamma || op.beta);
    if (!affine) {
      // Reductions write one value per row, whether or not the graph keeps the reduced axis.
      const target = op.fn.startsWith('reduce')
        ? { ...out, shape: [...x.shape.slice(0, -1), 1], strides: [...contiguousStrides(x.shape.slice(0, -1)), 1] }
        : out;
      instructions.push(...this.b.rowwise(op.fn, target, x, { src: px.scale, src2: 1, out: po.scale }, op.epsilon));
      this.code(op.name, instructions);
      return;
    }
    const shape = x.shape;
    const temp = this.b.buffer(`${op.out}.norm`, 'ub', 'fp32', elementCount(shape), 'temp');
    const t: View = { buffer: temp.id, offset: 0, shape, strides: contiguousStrides(shape) };
    instructions.push(...this.b.rowwise(op.fn, t, x, { src: px.scale, src2: 1, out: 1 }, op.epsilon, 'fp32'));
    if (op.gamma) {
      const target = op.beta ? t : out;
      instructions.push(
        ...this.b.elementwise('mul', target, t, this.constantView(op.gamma, shape, t), {
          src: 1,
          src2: 1,
          out: op.beta ? 1 : po.scale,
        }),
      );
    }
    if (op.beta)
      instructions.push(
        ...this.b.elementwise('add', out, t, this.constantView(op.beta, shape, t), { src: 1, src2: 1, out: po.scale }),
      );
    this.code(op.name, instructions);
  }

  private viewOp(op: ViewOp): void {
    const instructions: Instruction[] = [];
    let x = this.view(op.x);
    const shape = this.shape(op.out);
    let v: View | undefined;
    switch (op.transform.kind) {
      case 'reshape':
        v = reshapeView(x, shape);
        if (!v) {
          x = this.materialize(x, `${op.out}.copy`, instructions);
          v = reshapeView(x, shape)!;
        }
        break;
      case 'transpose':
        v = transposeView(x, op.transform.perm);
        break;
      case 'slice':
        v = sliceView(x, op.transform.ranges);
        break;
      case 'gather':
        v = this.gather(x, op.transform.axis, op.transform.indices, shape, op.out, instructions);
        break;
    }
    this.views.set(op.out, v);
    this.code(op.name, instructions);
  }

  /** Entries of one axis: a strided view when evenly spaced, else one copy per entry. */
  private gather(
    x: View,
    axis: number,
    indices: readonly number[],
    shape: readonly number[],
    name: string,
    instructions: Instruction[],
  ): View {
    const step = indices.length > 1 ? indices[1]! - indices[0]! : 1;
    const ranges = (start: number, count: number, s: number) =>
      x.shape.map((d, i) => (i === axis ? { start, step: s, count } : { start: 0, step: 1, count: d }));
    if (step > 0 && indices.every((v, i) => v === indices[0]! + i * step)) {
      // A scalar index (Swin's qkv[1]) drops the axis: the slice keeps it with size 1, so reshape it away.
      const slice = sliceView(x, ranges(indices[0]!, indices.length, step));
      return reshapeView(slice, shape) ?? slice;
    }
    const buffer = this.b.buffer(name, 'ub', this.b.get(x.buffer).format, elementCount(shape), 'activation');
    const out: View = { buffer: buffer.id, offset: 0, shape, strides: contiguousStrides(shape) };
    indices.forEach((index, j) => {
      const dst = sliceView(
        out,
        out.shape.map((d, i) => (i === axis ? { start: j, step: 1, count: 1 } : { start: 0, step: 1, count: d })),
      );
      instructions.push(...this.b.copy(dst, sliceView(x, ranges(index, 1, 1))));
    });
    return out;
  }

  /** Embedding rows come from the host (which looks them up) like an input. */
  private embedding(op: EmbeddingOp): void {
    const binding = this.loadInput(op.out);
    const table = this.graph.tensors[op.table]!;
    this.hostInputs.push({
      ...binding,
      gather: { table: op.table, indices: op.indices, ...(table.data ? { values: table.data } : {}) },
    });
  }

  private concat(op: ConcatOp): void {
    const instructions: Instruction[] = [];
    const out = this.allocate(op.out, instructions);
    const po = this.tensorPlan(op.out);
    let at = 0;
    for (const t of op.inputs) {
      const size = this.shape(t)[op.axis]!;
      const dst = sliceView(
        out,
        out.shape.map((d, i) =>
          i === op.axis ? { start: at, step: 1, count: size } : { start: 0, step: 1, count: d },
        ),
      );
      if (!this.plan.tensors.has(t)) {
        // A parameter (ViT's class token before the patches): its fp32 values converted on the way in.
        instructions.push(
          ...this.b.elementwise('copy', dst, this.constantView(t, dst.shape, dst), undefined, {
            src: 1,
            src2: 1,
            out: po.scale,
          }),
        );
        at += size;
        continue;
      }
      const x = this.view(t);
      const px = this.tensorPlan(t);
      if (px.scale === po.scale && px.format === po.format) instructions.push(...this.b.copy(dst, x));
      else
        instructions.push(...this.b.elementwise('copy', dst, x, undefined, { src: px.scale, src2: 1, out: po.scale }));
      at += size;
    }
    this.code(op.name, instructions);
  }
}

/** A packed buffer seen in logical dimension order, stored in `perm` order. */
function permutedView(buffer: number, shape: readonly number[], perm: readonly number[]): View {
  const stored = contiguousStrides(perm.map((d) => shape[d]!));
  const strides = new Array<number>(shape.length).fill(0);
  perm.forEach((d, i) => (strides[d] = stored[i]!));
  return { buffer, offset: 0, shape, strides };
}

/**
 * Pass `quantize` (int8) or `cast` (bf16): the number format and scale of every tensor, the matrix ops'
 * weights in the matrix units' format, and the constants of their activation pipelines.
 *
 * int8 is symmetric and static, as the TPU v1 ran its models (Jouppi et al. 2017, section 2: "8-bit
 * integers"): a tensor's scale is max|x| / 127 over a calibration run of the fp32 graph; weights get one
 * scale per output channel (or per tensor); q = int8(fp32(x / scale)), rounding half to even and
 * saturating; biases become int32 in the accumulator's scale (sx sw); the activate instruction
 * multiplies by sx (and by sw per column) and divides by the output's scale. Vector ops read int8 with
 * the input's scale and write int8 with the output's. Without calibration data (a model without
 * weights, compiled to be timed) every scale is 1.
 *
 * bf16: weights and activations rounded to bf16 (nearest even), biases and vector constants fp32,
 * accumulation in fp32.
 */
import type { Graph } from '../graph/types.js';
import { elementCount } from '../graph/types.js';
import { toFormat } from '../isa/semantics.js';
import type { ActivationFunction, OutputFormat } from '../isa/types.js';
import { CompileError } from './errors.js';
import { isConstantOutput } from './outputs.js';
import type { LogicalOp, LogicalProgram } from '../graph/layers/fuse.js';

export const COMPILE_DTYPES = ['int8', 'bf16'] as const;
export type CompileDType = (typeof COMPILE_DTYPES)[number];

export interface TensorPlan {
  readonly format: OutputFormat;
  readonly scale: number;
}

/** What a matmul or convolution needs on the chip. */
export interface MatrixPlan {
  /**
   * Weight values in the matrix units' format when the second operand is a parameter with values:
   * matmul [K, N] row-major (transposed here when transB); convolution [Cout, Cin/groups, kh, kw].
   */
  readonly weights?: Float64Array;
  /** Per output column (or one) int8 weight scales; 1 for bf16. */
  readonly weightScales: Float64Array;
  /** Per output column, in the accumulator format (int32 or fp32). */
  readonly bias?: Float64Array;
  /** activate: fn(fp32(fp32(acc + bias) x scale) x columnScale[c]) / outScale. */
  readonly scale: number;
  readonly columnScale?: Float64Array;
  readonly fn: ActivationFunction;
  readonly outScale: number;
  readonly outFormat: OutputFormat;
}

export interface QuantPlan {
  readonly dtype: CompileDType;
  /** The matrix units' input format and the accumulators'. */
  readonly matmulFormat: 'int8' | 'bf16';
  readonly accFormat: 'int32' | 'fp32';
  /** Storage of every activation (graph inputs, op outputs). */
  readonly tensors: ReadonlyMap<string, TensorPlan>;
  /** By op name. */
  readonly matrix: ReadonlyMap<string, MatrixPlan>;
  /** fp32 values of constants read by vector ops (biases they add, norm gains), by tensor name. */
  readonly constants: ReadonlyMap<string, Float64Array | undefined>;
  /** Scales came from a calibration run (false: all 1, for timing). */
  readonly calibrated: boolean;
  /** Scale of attention probabilities (int8: 1/127, as they lie in [0, 1]). */
  readonly probabilityScale: number;
}

export interface QuantizeOptions {
  readonly dtype: CompileDType;
  /** int8 weight scales per output channel (default) or one per tensor. */
  readonly perChannel?: boolean;
  /** fp32 values of the simplified graph's tensors from a calibration run (see evaluateGraph). */
  readonly calibration?: ReadonlyMap<string, Float64Array>;
}

const f = Math.fround;

export function absMax(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/** Symmetric int8 scale for values up to `max` in magnitude. */
export function int8Scale(max: number): number {
  return max > 0 && Number.isFinite(max) ? f(max / 127) : 1;
}

/** q = int8(fp32(x / scale)): the one quantization step used everywhere (host inputs included). */
export function quantizeValue(x: number, scale: number, format: OutputFormat): number {
  return format === 'int8' ? quantizeInt8(x, scale) : toFormat(f(x / scale), format);
}

/** 1.5 x 2^52: adding and subtracting it rounds a double of magnitude below 2^51 to an integer, ties to even. */
const ROUNDING = 6755399441055744;

/**
 * toFormat(fp32(x / scale), 'int8') without branches, for the millions of weights a model has:
 * saturate to [-128, 127], round half to even (IEEE addition's own rounding), NaN to 0.
 */
function quantizeInt8(x: number, scale: number): number {
  const v = Math.min(127, Math.max(-128, f(x / scale)));
  const r = v + ROUNDING - ROUNDING;
  return Number.isNaN(r) ? 0 : r;
}

/** The tensors an op writes that take a storage format (views share their source's). */
function producedTensors(op: LogicalOp): string[] {
  return op.kind === 'view' ? [] : [op.out];
}

export function quantize(program: LogicalProgram, options: QuantizeOptions): QuantPlan {
  const { graph, ops } = program;
  const int8 = options.dtype === 'int8';
  const format: OutputFormat = int8 ? 'int8' : 'bf16';
  const calibration = options.calibration;
  const tensors = new Map<string, TensorPlan>();
  const scaleOf = (name: string): number => {
    if (!int8) return 1;
    const values = calibration?.get(name);
    return values ? int8Scale(absMax(values)) : 1;
  };
  for (const input of graph.inputs) tensors.set(input, { format, scale: scaleOf(input) });
  for (const op of ops) {
    if (op.kind === 'view') {
      tensors.set(op.out, tensors.get(op.x) ?? { format, scale: 1 });
      continue;
    }
    // Pooling keeps its input's scale (max and mean of int8 values stay in range).
    if (op.kind === 'pool') {
      tensors.set(op.out, tensors.get(op.x) ?? { format, scale: 1 });
      continue;
    }
    for (const t of producedTensors(op)) tensors.set(t, { format, scale: scaleOf(t) });
  }
  // Outputs known at compile time (outputs.ts) go to the host as the fp32 constants they are.
  for (const t of graph.outputs)
    if (!tensors.has(t) && isConstantOutput(graph.tensors[t])) tensors.set(t, { format: 'fp32', scale: 1 });
  const matrix = new Map<string, MatrixPlan>();
  const constants = new Map<string, Float64Array | undefined>();
  const constant = (name: string): void => {
    const t = graph.tensors[name];
    constants.set(name, t?.data ? Float64Array.from(t.data, f) : undefined);
  };
  // The row instruction reads its gain and bias as constants: a value fed at run time has no place there.
  const rowConstant = (op: LogicalOp, name: string): void => {
    const node = graph.nodes.find((n) => n.name === op.nodes[0]);
    const where = node ? `node '${node.name}' (${node.op})` : `op '${op.name}'`;
    if (tensors.has(name))
      throw new CompileError(
        'unsupported',
        `${where}: its scale or bias '${name}' is an activation or a graph input; the chip's normalization reads ` +
          `them as constants (make '${name}' an initializer)`,
      );
    constant(name);
  };
  for (const op of ops) {
    if (op.kind === 'matmul' || op.kind === 'conv') matrix.set(op.name, matrixPlan(graph, op, tensors, options));
    if (op.kind === 'binary') for (const t of [op.a, op.b]) if (!tensors.has(t)) constant(t);
    if (op.kind === 'concat') for (const t of op.inputs) if (!tensors.has(t)) constant(t);
    if (op.kind === 'row') for (const t of [op.gamma, op.beta]) if (t) rowConstant(op, t);
  }
  for (const t of graph.outputs) if (isConstantOutput(graph.tensors[t])) constant(t);
  return {
    dtype: options.dtype,
    matmulFormat: int8 ? 'int8' : 'bf16',
    accFormat: int8 ? 'int32' : 'fp32',
    tensors,
    matrix,
    constants,
    calibrated: int8 ? calibration !== undefined : true,
    probabilityScale: int8 ? f(1 / 127) : 1,
  };
}

function matrixPlan(
  graph: Graph,
  op: Extract<LogicalOp, { kind: 'matmul' | 'conv' }>,
  tensors: ReadonlyMap<string, TensorPlan>,
  options: QuantizeOptions,
): MatrixPlan {
  const int8 = options.dtype === 'int8';
  const input = tensors.get(op.kind === 'conv' ? op.x : op.a);
  if (!input) throw new CompileError('internal', `op '${op.name}' reads a tensor with no plan`);
  const out = tensors.get(op.out)!;
  const wName = op.kind === 'conv' ? op.w : op.b;
  const w = graph.tensors[wName]!;
  const alpha = op.kind === 'matmul' ? op.alpha : 1;
  const activationB = tensors.get(wName);
  const columns =
    op.kind === 'conv' ? w.shape[0]! : op.transB ? w.shape[w.shape.length - 2]! : w.shape[w.shape.length - 1]!;
  const biasTensor = op.bias ? graph.tensors[op.bias] : undefined;
  // A model without values (compiled for timing) gets no bias or column scales: activate reads them for free.
  const biasValues = biasTensor?.data ? Float64Array.from(biasTensor.data) : undefined;
  if (activationB) {
    // Both operands are activations (attention scores, context): one scale each.
    const scale = int8 ? f(f(input.scale * activationB.scale) * alpha) : f(alpha);
    const bias =
      biasValues &&
      (int8
        ? Float64Array.from(biasValues, (b) => toFormat(f(b / f(input.scale * activationB.scale)), 'int32'))
        : Float64Array.from(biasValues, f));
    return {
      weightScales: new Float64Array([activationB.scale]),
      ...(bias ? { bias } : {}),
      scale,
      fn: op.fn,
      outScale: out.scale,
      outFormat: out.format,
    };
  }
  // Parameters: [K, N] for matmul (rows = input features), [N, K] with transB, [Cout, ...] for convolutions.
  // One array type keeps the loops below monomorphic (imported weights are float32, folded ones float64).
  const data = w.data === undefined ? undefined : w.data instanceof Float64Array ? w.data : Float64Array.from(w.data);
  const k = elementCount(w.shape) / columns;
  const columnMajor = op.kind === 'conv' || op.transB;
  // Source element (column c, row i): c * cStride + i * iStride; result: [Cout, k] for convolutions, [K, N] otherwise.
  const [cStride, iStride] = columnMajor ? [k, 1] : [1, columns];
  const [outC, outI] = op.kind === 'conv' ? [k, 1] : [1, columns];
  let weightScales: Float64Array;
  if (!int8) weightScales = new Float64Array([1]);
  else if (!data) weightScales = new Float64Array(options.perChannel === false ? 1 : columns).fill(1);
  else if (options.perChannel === false) weightScales = new Float64Array([int8Scale(absMax(data))]);
  else {
    weightScales = new Float64Array(columns);
    for (let c = 0; c < columns; c++) {
      let m = 0;
      for (let i = 0, at = c * cStride; i < k; i++, at += iStride) {
        const v = Math.abs(data[at]!);
        if (v > m) m = v;
      }
      weightScales[c] = int8Scale(m);
    }
  }
  const sw = (c: number): number => weightScales[weightScales.length === 1 ? 0 : c]!;
  let weights: Float64Array | undefined;
  if (data) {
    weights = new Float64Array(k * columns);
    for (let c = 0; c < columns; c++) {
      const scale = sw(c);
      if (int8)
        for (let i = 0, at = c * cStride, to = c * outC; i < k; i++, at += iStride, to += outI)
          weights[to] = quantizeInt8(data[at]!, scale);
      else
        for (let i = 0, at = c * cStride, to = c * outC; i < k; i++, at += iStride, to += outI)
          weights[to] = toFormat(data[at]!, 'bf16');
    }
  }
  const perColumn = int8 && weightScales.length > 1 && data !== undefined;
  const scale = !int8 ? f(alpha) : perColumn ? f(input.scale * alpha) : f(f(input.scale * weightScales[0]!) * alpha);
  const bias =
    biasValues &&
    (int8
      ? Float64Array.from(biasValues, (b, c) => toFormat(f(b / f(input.scale * sw(c))), 'int32'))
      : Float64Array.from(biasValues, f));
  return {
    ...(weights ? { weights } : {}),
    weightScales,
    ...(bias ? { bias } : {}),
    scale,
    ...(perColumn ? { columnScale: weightScales } : {}),
    fn: op.fn,
    outScale: out.scale,
    outFormat: out.format,
  };
}

/**
 * The layers `fuse` makes: logical ops on the graph's tensors, in the graph's layout, that the compiler
 * lowers and the analytical model times.
 */
import type { Graph } from '../types.js';

/** Functions a matrix op's results pass through on their way out (TPU v1's activation pipeline). */
export const LAYER_ACTIVATIONS = ['identity', 'relu', 'relu6', 'sigmoid', 'tanh', 'gelu', 'gelu_tanh'] as const;
export type ActivationFunction = (typeof LAYER_ACTIVATIONS)[number];

export interface PoolSpec {
  readonly kind: 'max' | 'avg';
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** top, left, bottom, right. */
  readonly pads: readonly [number, number, number, number];
  readonly countIncludesPad: boolean;
}

export interface ConvSpec {
  readonly stride: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
  readonly kernel: readonly [number, number];
}

interface Base {
  /** The layer's name (its first node's). */
  readonly name: string;
  /** Graph nodes it covers. */
  readonly nodes: readonly string[];
  readonly out: string;
}

/** out = fn(alpha (a x b) + bias); b is [K, N] (or [N, K] with transB), a parameter or an activation. */
export interface MatmulOp extends Base {
  readonly kind: 'matmul';
  readonly a: string;
  readonly b: string;
  readonly transB: boolean;
  readonly bias?: string;
  readonly alpha: number;
  readonly fn: ActivationFunction;
}

/** Output height and width of a convolution (before any fused pooling). */
export function convOutputSize(
  height: number,
  width: number,
  kernel: readonly [number, number],
  c: ConvSpec,
): [number, number] {
  return [0, 1].map((d) => {
    const size = d === 0 ? height : width;
    return Math.floor((size + c.pads[d]! + c.pads[d + 2]! - c.dilation[d]! * (kernel[d]! - 1) - 1) / c.stride[d]!) + 1;
  }) as [number, number];
}

export interface ConvOp extends Base {
  readonly kind: 'conv';
  readonly x: string;
  readonly w: string;
  readonly bias?: string;
  readonly conv: ConvSpec;
  readonly fn: ActivationFunction;
  /** Pooling fused after the activation (no padding). */
  readonly pool?: PoolSpec;
}

export interface AttentionOp extends Base {
  readonly kind: 'attention';
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly heads: number;
  readonly kvHeads: number;
  readonly causal: boolean;
  readonly scale: number;
  /** Sliding window (queries see the last `window` keys), present only when it masks some key. */
  readonly window?: number;
}

export interface PoolOp extends Base {
  readonly kind: 'pool';
  readonly x: string;
  readonly pool: PoolSpec;
}

export const UNARY_FUNCTIONS = [
  'relu',
  'gelu',
  'gelu_tanh',
  'tanh',
  'sigmoid',
  'exp',
  'silu',
  'erf',
  'sqrt',
  'reciprocal',
  'neg',
  'abs',
  'copy',
] as const;
export type UnaryFunction = (typeof UNARY_FUNCTIONS)[number];
export type BinaryFunction = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min';
export type RowFunction = 'softmax' | 'layernorm' | 'rmsnorm' | 'reduce_sum' | 'reduce_max' | 'reduce_mean';

export interface UnaryOp extends Base {
  readonly kind: 'unary';
  readonly fn: UnaryFunction;
  readonly x: string;
}

export interface BinaryOp extends Base {
  readonly kind: 'binary';
  readonly fn: BinaryFunction;
  readonly a: string;
  readonly b: string;
}

/** A function of each row (the last axis): softmax, normalizations (then x gamma + beta), reductions. */
export interface RowOp extends Base {
  readonly kind: 'row';
  readonly fn: RowFunction;
  readonly x: string;
  readonly gamma?: string;
  readonly beta?: string;
  readonly epsilon: number;
}

export type ViewTransform =
  | { readonly kind: 'reshape' }
  | { readonly kind: 'transpose'; readonly perm: readonly number[] }
  | {
      readonly kind: 'slice';
      readonly ranges: ReadonlyArray<{ readonly start: number; readonly step: number; readonly count: number }>;
    }
  /** Entries `indices` along `axis` (constant indices; a view when they are evenly spaced, else copies). */
  | { readonly kind: 'gather'; readonly axis: number; readonly indices: readonly number[] };

/** A layout op: the output is the input seen another way (or a copy where no view can express it). */
export interface ViewOp extends Base {
  readonly kind: 'view';
  readonly x: string;
  readonly transform: ViewTransform;
}

export interface ConcatOp extends Base {
  readonly kind: 'concat';
  readonly inputs: readonly string[];
  readonly axis: number;
}

/**
 * Rows of a parameter table picked by a graph input (token ids): done by the host, as TPU v1 left embeddings to its
 * host.
 */
export interface EmbeddingOp extends Base {
  readonly kind: 'embedding';
  readonly table: string;
  readonly indices: string;
}

/** A node kept as it is (lenient fusion only): the analytical model times it from the op registry. */
export interface OpaqueOp extends Base {
  readonly kind: 'opaque';
  readonly node: string;
  /** Why no layer could hold it. */
  readonly why: string;
}

export type LogicalOp =
  | MatmulOp
  | ConvOp
  | AttentionOp
  | PoolOp
  | UnaryOp
  | BinaryOp
  | RowOp
  | ViewOp
  | ConcatOp
  | EmbeddingOp
  | OpaqueOp;

export interface LogicalProgram {
  /** The simplified graph: its tensors are the ops' operands (folded weights included). */
  readonly graph: Graph;
  readonly ops: readonly LogicalOp[];
}

/**
 * Where layers keep their tensors on a TPU-style chip: images (rank-4 tensors that convolutions and
 * pooling read or write) channels-last, with the border their readers need, everything else
 * row-major. The compiler allocates by it and the analytical model counts by it.
 */
import type { ConvOp, LogicalOp, LogicalProgram, PoolOp } from './fuse.js';

/** A border (top, left, bottom, right) and the value it holds: 0 for convolutions, -inf for max pooling. */
export interface PadNeed {
  readonly pads: readonly [number, number, number, number];
  readonly fill: number;
}

/** The border two readers need together: the wider of the two on each side. */
function widerPads(a: PadNeed['pads'], b: PadNeed['pads']): PadNeed['pads'] {
  return [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

export interface LayerLayouts {
  /** Tensors stored channels-last (NHWC). */
  readonly channelsLast: ReadonlySet<string>;
  /** The border each image is allocated with (the widest its readers need, where they agree on the fill). */
  readonly borders: ReadonlyMap<string, PadNeed>;
}

export function layerLayouts(program: LogicalProgram): LayerLayouts {
  const { graph, ops } = program;
  const rank = (t: string): number => graph.tensors[t]?.shape.length ?? 0;
  const channelsLast = new Set<string>();
  const borders = new Map<string, PadNeed>();
  const isImageReader = (op: LogicalOp): op is ConvOp | PoolOp => op.kind === 'conv' || op.kind === 'pool';
  for (const op of ops) {
    if (!isImageReader(op)) continue;
    channelsLast.add(op.out);
    if (graph.inputs.includes(op.x) && rank(op.x) === 4) channelsLast.add(op.x);
    const need: PadNeed =
      op.kind === 'conv'
        ? { pads: op.conv.pads, fill: 0 }
        : { pads: op.pool.pads, fill: op.pool.kind === 'max' ? -Infinity : 0 };
    const prior = borders.get(op.x);
    if (!prior) borders.set(op.x, need);
    else if (prior.fill === need.fill) borders.set(op.x, { pads: widerPads(prior.pads, need.pads), fill: need.fill });
    else if (need.fill === 0) borders.set(op.x, need);
  }
  for (const op of ops) {
    if (
      (op.kind === 'unary' && channelsLast.has(op.x)) ||
      (op.kind === 'binary' && (channelsLast.has(op.a) || channelsLast.has(op.b)))
    ) {
      if (rank(op.out) === 4) channelsLast.add(op.out);
    }
    if (op.kind === 'concat' && op.inputs.every((t) => channelsLast.has(t)) && rank(op.out) === 4)
      channelsLast.add(op.out);
  }
  return { channelsLast, borders };
}

/** Whether an image tensor is stored with a non-zero border. */
export function hasBorder(layouts: LayerLayouts, tensor: string): boolean {
  return layouts.borders.get(tensor)?.pads.some((p) => p > 0) ?? false;
}

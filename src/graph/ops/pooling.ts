/** Max, average and global average pooling over 2-D (NCHW) inputs. */
import { elementCount } from '../types.js';
import { windowGeometry } from './matrix.js';
import { f32, fail, input, intAttr, intsAttr, unsupported, type OpContext, type OpDef } from './op.js';

export interface PoolGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly pads: readonly [number, number, number, number];
  readonly outHeight: number;
  readonly outWidth: number;
  /** Average pooling counts padded cells in the divisor (count_include_pad). */
  readonly countIncludesPad: boolean;
}

export function poolGeometry(ctx: OpContext, global: boolean): PoolGeometry {
  const x = input(ctx, 0).shape;
  if (x.length !== 4) unsupported(`tpusim pools 2-D (rank-4, NCHW) inputs, got (${x.join(', ')})`);
  const [batch, channels, height, width] = x as [number, number, number, number];
  if (global)
    return {
      batch,
      channels,
      height,
      width,
      kernelHeight: height,
      kernelWidth: width,
      strideHeight: 1,
      strideWidth: 1,
      pads: [0, 0, 0, 0],
      outHeight: 1,
      outWidth: 1,
      countIncludesPad: false,
    };
  const kernel = intsAttr(ctx, 'kernel_shape', undefined);
  if (kernel?.length !== 2) fail('kernel_shape must give a height and a width');
  const dilations = intsAttr(ctx, 'dilations', [1, 1])!;
  if (dilations.some((d) => d !== 1)) unsupported('dilated pooling is not supported');
  const floor = windowGeometry(ctx, [height, width], [kernel[0]!, kernel[1]!], [1, 1]);
  const countIncludesPad = intAttr(ctx, 'count_include_pad', 0) === 1;
  const g = intAttr(ctx, 'ceil_mode', 0) === 1 ? withCeilMode(floor, [height, width], [kernel[0]!, kernel[1]!]) : floor;
  if (countIncludesPad && g !== floor && g.pads.some((p, i) => p !== floor.pads[i]))
    unsupported('ceil_mode=1 with count_include_pad=1 is not supported where the last window overhangs');
  return {
    batch,
    channels,
    height,
    width,
    kernelHeight: kernel[0]!,
    kernelWidth: kernel[1]!,
    strideHeight: g.strides[0],
    strideWidth: g.strides[1],
    pads: g.pads,
    outHeight: g.out[0],
    outWidth: g.out[1],
    countIncludesPad,
  };
}

type Window = ReturnType<typeof windowGeometry>;

/**
 * ceil_mode=1: output sizes round up, with the last window starting inside the input or its leading pad
 * (ONNX, like PyTorch); the overhang is an extra trailing pad that no window reads as a value.
 */
function withCeilMode(g: Window, size: readonly [number, number], kernel: readonly [number, number]): Window {
  const pads = [...g.pads];
  const out = [0, 1].map((d) => {
    const [s, padded] = [g.strides[d]!, size[d]! + pads[d]! + pads[d + 2]!];
    let o = Math.ceil((padded - kernel[d]!) / s) + 1;
    if ((o - 1) * s >= size[d]! + pads[d]!) o--;
    pads[d + 2] = pads[d + 2]! + Math.max(0, (o - 1) * s + kernel[d]! - padded);
    return o;
  });
  return {
    strides: g.strides,
    pads: [pads[0]!, pads[1]!, pads[2]!, pads[3]!] as const,
    out: [out[0]!, out[1]!] as const,
  };
}

function pool(op: string, kind: 'max' | 'avg', global: boolean, summary: string): OpDef {
  return {
    op,
    kind: 'vector',
    summary,
    infer: (ctx) => {
      if (ctx.node.outputs.length > 1) unsupported(`${op}'s Indices output is not supported`);
      const g = poolGeometry(ctx, global);
      return [{ dtype: input(ctx, 0).dtype, shape: [g.batch, g.channels, g.outHeight, g.outWidth] }];
    },
    vectorOps: (ctx, out) => {
      const g = poolGeometry(ctx, global);
      return elementCount(out[0]!.shape) * g.kernelHeight * g.kernelWidth;
    },
    evaluate: (ctx, inputs) => {
      const g = poolGeometry(ctx, global);
      const x = inputs[0]!;
      const out = new Float64Array(g.batch * g.channels * g.outHeight * g.outWidth);
      let o = 0;
      for (let nc = 0; nc < g.batch * g.channels; nc++) {
        for (let oy = 0; oy < g.outHeight; oy++) {
          for (let ox = 0; ox < g.outWidth; ox++) {
            let acc = kind === 'max' ? -Infinity : 0;
            let count = 0;
            for (let ky = 0; ky < g.kernelHeight; ky++) {
              for (let kx = 0; kx < g.kernelWidth; kx++) {
                const iy = oy * g.strideHeight - g.pads[0] + ky;
                const ix = ox * g.strideWidth - g.pads[1] + kx;
                if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) {
                  if (g.countIncludesPad) count++;
                  continue;
                }
                const v = x[(nc * g.height + iy) * g.width + ix]!;
                acc = kind === 'max' ? Math.max(acc, v) : acc + v;
                count++;
              }
            }
            out[o++] = f32(kind === 'max' ? acc : acc / count);
          }
        }
      }
      return [out];
    },
  };
}

export const POOLING_OPS: readonly OpDef[] = [
  pool('MaxPool', 'max', false, '2-D max pooling'),
  pool('AveragePool', 'avg', false, '2-D average pooling'),
  pool('GlobalAveragePool', 'avg', true, 'mean over each channel'),
];

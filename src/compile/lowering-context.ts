/**
 * What the matrix lowerings (lower-matrix.ts) use of the lowering state (lower.ts's `Lowering`): declared
 * here so that lower.ts imports lower-matrix.ts and neither imports the other back.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import type { NumberFormatName } from '../core/number-formats.js';
import type { PadNeed } from '../graph/layers/layout.js';
import type { ConvOp, MatmulOp, PoolOp } from '../graph/layers/fuse.js';
import type { Instruction, OutputFormat } from '../isa/types.js';
import type { Builder } from './builder.js';
import type { Epilogue, Kernel } from './kernels.js';
import type { QuantPlan, TensorPlan } from './quantize.js';
import type { View } from './views.js';

/** Channels-last padded image buffers: what lies around the tensor. */
export interface PaddedImage {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** top, left, bottom, right. */
  readonly pads: readonly [number, number, number, number];
  readonly fill: number;
}

export interface LoweringContext {
  readonly chip: ChipSpec;
  readonly plan: QuantPlan;
  readonly b: Builder;
  readonly kernels: Kernel[];
  readonly padNeeds: ReadonlyMap<string, PadNeed>;
  /** Result rows one accumulator chunk holds per matrix unit. */
  readonly chunkRows: number;
  shape(t: string): readonly number[];
  tensorPlan(t: string): TensorPlan;
  view(t: string): View;
  allocate(t: string, prelude: Instruction[], format?: OutputFormat): View;
  allocateImage(
    t: string,
    shape: readonly number[],
    fmt: NumberFormatName,
    need: PadNeed,
    prelude: Instruction[],
    register?: boolean,
  ): View;
  imageWithBorder(t: string, need: PadNeed, exact: boolean, prelude: Instruction[]): { view: View; image: PaddedImage };
  materialize(v: View, name: string, prelude: Instruction[]): View;
  code(layer: string, instructions: Instruction[]): void;
  epilogue(op: MatmulOp | ConvOp): Epilogue;
  poolInto(layer: string, x: View, out: string, p: PoolOp['pool']): void;
}

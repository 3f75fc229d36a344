/**
 * model/gemm.ts gemmSeconds for a sweep's many designs. What a systolic chip's GEMM time needs of its
 * cores (array shape, accumulator chunk, core count, formats) is kept per core layout (the `cores`
 * array, which designs of one shape share: explore/design-factory.ts); what depends on the rest of the
 * chip (ports at the clock, the sustained clock, off-chip bandwidth) is computed per design. Identical
 * numbers to gemmSeconds: fast-gemm.test.ts compares them on random designs. Tensor-core chips, and
 * formats a chip lacks (an error gemmSeconds raises), go through gemmSeconds itself.
 */
import type { ChipSpec, CoreSpec } from '../arch/chip-spec.js';
import { coreAt, coreCount } from '../arch/derive.js';
import { accumulatorChunkRows, arrayShape, type ArrayShape } from '../arch/mapping.js';
import { ports } from '../arch/timing.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import type { Gemm } from '../graph/ops/op.js';
import { gemmSeconds } from '../model/gemm.js';
import { gemmTime } from '../model/layers.js';

/** What a GEMM's time needs of a chip's cores in one format; undefined: time it with gemmSeconds. */
interface CoreLayout {
  readonly core: CoreSpec;
  readonly array: ArrayShape;
  readonly tileDepth: number;
  readonly chunkRows: number;
  readonly cores: number;
  readonly elementBytes: number;
}

const layouts = new WeakMap<readonly CoreSpec[], Map<string, CoreLayout | undefined>>();

function layoutOf(chip: ChipSpec, dtype: string): CoreLayout | undefined {
  let byFormat = layouts.get(chip.cores);
  if (!byFormat) layouts.set(chip.cores, (byFormat = new Map()));
  if (byFormat.has(dtype)) return byFormat.get(dtype);
  const formats = chip.cores[0]!.matrixUnits[0]!.formats;
  const format = formats.find((f) => f.input === dtype);
  const tensorCores = chip.cores.some((c) => c.matrixUnits.some((u) => (u.kind ?? 'systolic') === 'tensor-core'));
  let layout: CoreLayout | undefined;
  if (format && !tensorCores) {
    const array = arrayShape(chip);
    layout = { core: coreAt(chip, 0)!, array, tileDepth: array.rows * (format.rate ?? 1), chunkRows: accumulatorChunkRows(chip), cores: coreCount(chip), elementBytes: NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS].bytes };
  }
  byFormat.set(dtype, layout);
  return layout;
}

/** Seconds for one GEMM on the whole chip: gemmSeconds(chip, dtype, g), with the core layout cached. */
export function sweepGemmSeconds(chip: ChipSpec, dtype: string, g: Gemm): number {
  const layout = layoutOf(chip, dtype);
  if (layout === undefined) return gemmSeconds(chip, dtype, g);
  if (g.m <= 0 || g.n <= 0 || g.k <= 0 || g.batch <= 0) return 0;
  const p = ports(chip);
  const sys = { chip, core: layout.core, array: layout.array, tileDepth: layout.tileDepth, chunkRows: layout.chunkRows, dram: p.dram, onchip: p.onchip, pcie: p.pcie, elementBytes: layout.elementBytes };
  // From here as gemmSeconds's systolic branch (without fp8 casts: a sweep's GEMMs are prequantized).
  const t = gemmTime(sys, g);
  const slow = chip.clockHz / (chip.technology?.sustainedClockHz ?? chip.clockHz);
  const compute = (t.latencyCycles + Math.max(t.matrixCycles, t.vectorCycles) / layout.cores) * slow;
  const cycles = Math.max(compute, t.latencyCycles + t.memoryCycles, (t.cycles / layout.cores) * (t.bound === 'memory' ? 1 : slow));
  const e = layout.elementBytes;
  const bytes = (g.batch * g.m * g.k + (g.weightsAreParameters ? 1 : g.batch) * g.k * g.n + g.batch * g.m * g.n) * e;
  return Math.max(cycles, bytes / sys.dram.bytesPerCycle) / chip.clockHz;
}

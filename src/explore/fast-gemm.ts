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
import { ONCHIP_LATENCY_CYCLES, ports, type PortTiming } from '../arch/timing.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import type { Gemm } from '../graph/ops/op.js';
import { gemmSeconds } from '../model/gemm.js';
import { gemmTime } from '../model/layers.js';
import type { SystolicContext } from '../model/systolic.js';

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
    layout = {
      core: coreAt(chip, 0)!,
      array,
      tileDepth: array.rows * (format.rate ?? 1),
      chunkRows: accumulatorChunkRows(chip),
      cores: coreCount(chip),
      elementBytes: NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS].bytes,
    };
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
  const sys = {
    chip,
    core: layout.core,
    array: layout.array,
    tileDepth: layout.tileDepth,
    chunkRows: layout.chunkRows,
    dram: p.dram,
    onchip: p.onchip,
    pcie: p.pcie,
    elementBytes: layout.elementBytes,
  };
  return secondsOf(layout, sys, g, chip.clockHz, chip.technology?.sustainedClockHz);
}

/** From here as gemmSeconds's systolic branch (without fp8 casts: a sweep's GEMMs are prequantized). */
function secondsOf(
  layout: CoreLayout,
  sys: SystolicContext,
  g: Gemm,
  clockHz: number,
  sustainedClockHz: number | undefined,
): number {
  const t = gemmTime(sys, g);
  const slow = clockHz / (sustainedClockHz ?? clockHz);
  const compute = (t.latencyCycles + Math.max(t.matrixCycles, t.vectorCycles) / layout.cores) * slow;
  const cycles = Math.max(
    compute,
    t.latencyCycles + t.memoryCycles,
    (t.cycles / layout.cores) * (t.bound === 'memory' ? 1 : slow),
  );
  const e = layout.elementBytes;
  const bytes = (g.batch * g.m * g.k + (g.weightsAreParameters ? 1 : g.batch) * g.k * g.n + g.batch * g.m * g.n) * e;
  return Math.max(cycles, bytes / sys.dram.bytesPerCycle) / clockHz;
}

/**
 * GEMM seconds on designs of one shape whose rates (clock, off-chip bandwidth, sustained clock) vary:
 * `timer(g, clockHz, dramBytesPerS, sustainedClockHz)` equals sweepGemmSeconds on `shape` with those
 * rates patched in (as explore/design-factory.ts patches them), without a chip or port objects per call:
 * the ports are written into one context kept per timer. Undefined where sweepGemmSeconds would fall
 * back to gemmSeconds (tensor cores, a format the chip lacks).
 */
export type GemmTimer = (
  g: Gemm,
  clockHz: number,
  dramBytesPerS: number,
  sustainedClockHz: number | undefined,
) => number;

type MutablePort = { -readonly [K in keyof PortTiming]: PortTiming[K] };

export function gemmTimer(shape: ChipSpec, dtype: string): GemmTimer | undefined {
  const layout = layoutOf(shape, dtype);
  if (layout === undefined) return undefined;
  // The ports as arch/timing.ts ports() computes them, at each call's clock.
  const ub = Math.min(...shape.cores.map((c) => c.unifiedBuffer.bandwidthBytesPerS));
  const onchipBytesPerS = Math.min(ub, shape.sharedMemory?.bandwidthBytesPerS ?? ub);
  const { latencyNs } = shape.offChipMemory;
  const host = shape.hostLink;
  const dram: MutablePort = { name: 'dram', bytesPerCycle: 0, latencyCycles: 0 };
  const onchip: MutablePort = { name: 'onchip', bytesPerCycle: 0, latencyCycles: ONCHIP_LATENCY_CYCLES };
  const pcie: MutablePort = { name: 'pcie', bytesPerCycle: 0, latencyCycles: 0 };
  const sys: SystolicContext = {
    chip: shape,
    core: layout.core,
    array: layout.array,
    tileDepth: layout.tileDepth,
    chunkRows: layout.chunkRows,
    dram,
    onchip,
    pcie,
    elementBytes: layout.elementBytes,
  };
  return (g, clockHz, dramBytesPerS, sustainedClockHz) => {
    if (g.m <= 0 || g.n <= 0 || g.k <= 0 || g.batch <= 0) return 0;
    dram.bytesPerCycle = dramBytesPerS / clockHz;
    dram.latencyCycles = Math.ceil((latencyNs * clockHz) / 1e9);
    onchip.bytesPerCycle = onchipBytesPerS / clockHz;
    pcie.bytesPerCycle = host.bandwidthBytesPerS / clockHz;
    pcie.latencyCycles = Math.ceil((host.latencyNs * clockHz) / 1e9);
    return secondsOf(layout, sys, g, clockHz, sustainedClockHz);
  };
}

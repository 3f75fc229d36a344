/**
 * The core of a TPU-style chip and of a GPU SM, built from what differs between chips; the fields and
 * formulas every preset of the kind shares live here once, with the citations of what they fix.
 */
import type { Citation, CoreSpec, MatrixFormatSpec, VectorUnitSpec } from '../chip-spec.js';
import { cite, COMMON } from './sources.js';

export interface SystolicCoreParams {
  readonly name: string;
  /** Cores of this kind on the chip. */
  readonly count: number;
  /** Square systolic matrix units per core, each mxuDim x mxuDim. */
  readonly mxus: number;
  readonly mxuDim: number;
  readonly formats: readonly MatrixFormatSpec[];
  readonly vectorUnit: VectorUnitSpec;
  readonly unifiedBufferBytes: number;
  readonly accumulatorBytes: number;
  readonly clockHz: number;
}

/**
 * A core of weight-stationary systolic units (TPU v2+ TensorCore, Trainium NeuronCore). Double buffering
 * and a two-tile weight FIFO are assumed: no such chip publishes them. Buffer bandwidths feed every unit
 * each cycle: a row of bf16 inputs in and a row of fp32 results out of VMEM, a row of fp32 sums read and written.
 */
export function buildSystolicCore(p: SystolicCoreParams): CoreSpec {
  return {
    count: p.count,
    name: p.name,
    matrixUnits: [
      {
        kind: 'systolic',
        count: p.mxus,
        rows: p.mxuDim,
        cols: p.mxuDim,
        dataflows: ['ws'],
        formats: p.formats,
        doubleBufferedWeights: true,
        weightFifoTiles: 2,
      },
    ],
    vectorUnit: p.vectorUnit,
    unifiedBuffer: { sizeBytes: p.unifiedBufferBytes, bandwidthBytesPerS: p.mxus * p.mxuDim * (2 + 4) * p.clockHz },
    accumulators: { sizeBytes: p.accumulatorBytes, bandwidthBytesPerS: p.mxus * p.mxuDim * 4 * 2 * p.clockHz },
  };
}

/** The citations a TPU preset gives for the fields of `buildSystolicCore` that differ between chips. */
export interface TpuTensorCoreCitations {
  readonly count: Citation;
  readonly kind: Citation;
  readonly mxus: Citation;
  /** Cited for both rows and cols. */
  readonly mxuDim: Citation;
  readonly formats: Citation;
  /** By index into `formats`, for the formats with a rate. */
  readonly formatRates?: Readonly<Record<number, Citation>>;
  readonly vectorOpsPerLane: Citation;
  readonly unifiedBufferBytes: Citation;
  readonly accumulatorBytes: Citation;
}

const CORE = 'cores[0]';
const MXU = `${CORE}.matrixUnits[0]`;

/**
 * Citations of a TPU's only core, a TensorCore from `buildSystolicCore` with 128 vector lanes, keyed by
 * path in field order: the chip's own for what differs, the common ones for what the builder fixes.
 */
export function citeTpuTensorCore(c: TpuTensorCoreCitations): Record<string, Citation> {
  const rates = Object.entries(c.formatRates ?? {}).map(([i, rate]) => [`${MXU}.formats[${i}].rate`, rate]);
  return {
    [`${CORE}.count`]: c.count,
    [`${MXU}.kind`]: c.kind,
    [`${MXU}.count`]: c.mxus,
    [`${MXU}.rows`]: c.mxuDim,
    [`${MXU}.cols`]: c.mxuDim,
    [`${MXU}.dataflows`]: COMMON.wsDataflow,
    [`${MXU}.formats`]: c.formats,
    ...Object.fromEntries(rates),
    [`${MXU}.doubleBufferedWeights`]: COMMON.doubleBuffered,
    [`${MXU}.weightFifoTiles`]: COMMON.weightFifo,
    [`${CORE}.vectorUnit.lanes`]: cite('jaxTpuInfo', 'num_lanes 128 (x 8 sublanes)'),
    [`${CORE}.vectorUnit.opsPerLanePerCycle`]: c.vectorOpsPerLane,
    [`${CORE}.unifiedBuffer.sizeBytes`]: c.unifiedBufferBytes,
    [`${CORE}.unifiedBuffer.bandwidthBytesPerS`]: COMMON.vmemBandwidth,
    [`${CORE}.accumulators.sizeBytes`]: c.accumulatorBytes,
    [`${CORE}.accumulators.bandwidthBytesPerS`]: COMMON.accumulatorBandwidth,
  };
}

export interface GpuCoreParams {
  /** 'SM' (NVIDIA) or 'CU' (AMD). */
  readonly name: string;
  readonly count: number;
  readonly tensorCores: number;
  /** MACs per tensor core per clock as rows x cols: a modelling choice, only the product is published. */
  readonly rows: number;
  readonly cols: number;
  readonly formats: readonly MatrixFormatSpec[];
  /** Pipeline stages of operand tiles in shared memory. */
  readonly weightFifoTiles: number;
  readonly vectorUnit: VectorUnitSpec;
  /** Software-managed shared memory (NVIDIA) or LDS (AMD) per SM. */
  readonly unifiedBufferBytes: number;
  readonly accumulatorBytes: number;
  readonly registerFileBytes: number;
  readonly clockHz: number;
}

/**
 * An SM (or CU) of tensor cores. Its dataflow is nominal: a tensor core has no systolic dataflow, its
 * accumulators stay in registers (tensor memory on Blackwell); operand tiles are always double-buffered.
 * Shared memory moves 128 B per clock (32 banks of 4 B); accumulators take one row of fp32 partial sums
 * read and written per tensor core per clock.
 */
export function buildGpuCore(p: GpuCoreParams): CoreSpec {
  return {
    count: p.count,
    name: p.name,
    matrixUnits: [
      {
        kind: 'tensor-core',
        count: p.tensorCores,
        rows: p.rows,
        cols: p.cols,
        dataflows: ['os'],
        formats: p.formats,
        doubleBufferedWeights: true,
        weightFifoTiles: p.weightFifoTiles,
      },
    ],
    vectorUnit: p.vectorUnit,
    unifiedBuffer: { sizeBytes: p.unifiedBufferBytes, bandwidthBytesPerS: 128 * p.clockHz },
    accumulators: { sizeBytes: p.accumulatorBytes, bandwidthBytesPerS: p.tensorCores * p.cols * 4 * 2 * p.clockHz },
    registerFileBytes: p.registerFileBytes,
  };
}

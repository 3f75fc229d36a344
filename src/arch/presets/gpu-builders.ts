/**
 * The core of a GPU-style chip (an NVIDIA SM, an AMD CU) and the citations every such preset shares,
 * built from what differs between chips, as `builders.ts` does for TPU-style cores.
 */
import { KIB } from '../../core/units.js';
import type { Citation, CoreSpec, MatrixFormatSpec, VectorUnitSpec } from '../chip-spec.js';
import { citeCore, type CoreCitations } from './builders.js';
import { cite, COMMON } from './sources.js';

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

/** 64K 32-bit registers per SM on every NVIDIA compute capability from 7.0 to 10.0 (cited by `citeNvidiaSm`). */
const SM_REGISTER_FILE_BYTES = 256 * KIB;

export interface NvidiaSmParams
  extends Pick<GpuCoreParams, 'count' | 'tensorCores' | 'rows' | 'cols' | 'formats' | 'weightFifoTiles' | 'clockHz'> {
  /** FP32 CUDA cores per SM, each one FMA (2 ops) per clock. */
  readonly fp32Lanes: number;
  /** The software-managed shared memory per SM. */
  readonly sharedMemoryBytes: number;
}

/**
 * An NVIDIA SM: a `buildGpuCore` core whose tensor-core accumulators take the size of the register file,
 * where they live (Blackwell's tensor memory has the same 256 KiB).
 */
export function buildNvidiaSm(p: NvidiaSmParams): CoreSpec {
  const { fp32Lanes, sharedMemoryBytes, ...core } = p;
  return buildGpuCore({
    ...core,
    name: 'SM',
    vectorUnit: { lanes: fp32Lanes, opsPerLanePerCycle: 2 },
    unifiedBufferBytes: sharedMemoryBytes,
    accumulatorBytes: SM_REGISTER_FILE_BYTES,
    registerFileBytes: SM_REGISTER_FILE_BYTES,
  });
}

/** The citations a GPU preset gives for the fields of `buildGpuCore` that differ between chips. */
export type GpuCoreCitations = Omit<CoreCitations, 'dataflows' | 'accumulatorBandwidth' | 'registerFileBytes'> & {
  readonly registerFileBytes: Citation;
};

/**
 * Citations of a GPU's only core, keyed by path in field order: the chip's own for what differs, the
 * common ones for the nominal dataflow and the accumulator bandwidth `buildGpuCore` fixes.
 */
export function citeGpuCore(c: GpuCoreCitations): Record<string, Citation> {
  return citeCore({ ...c, dataflows: COMMON.nominalOsDataflow, accumulatorBandwidth: COMMON.accumulatorBandwidth });
}

/**
 * What an NVIDIA preset cites itself for a `buildNvidiaSm` core: the CUDA guide's figures come from its compute
 * capability.
 */
export type NvidiaSmCitations = Omit<GpuCoreCitations, 'unifiedBufferBandwidth' | 'registerFileBytes'> & {
  /** e.g. '9.0', for the CUDA guide's per-SM register file. */
  readonly computeCapability: string;
};

/** Citations of an NVIDIA preset's only core, a `buildNvidiaSm` SM, in field order. */
export function citeNvidiaSm(c: NvidiaSmCitations): Record<string, Citation> {
  const { computeCapability, ...own } = c;
  return citeGpuCore({
    ...own,
    unifiedBufferBandwidth: cite(
      'cudaGuide',
      'Shared Memory: 32 banks of 32 bits',
      'derived',
      '128 B per clock per SM',
    ),
    registerFileBytes: cite(
      'cudaGuide',
      `compute capability ${computeCapability}: 64K 32-bit registers per SM`,
      'derived',
      '65536 x 4 B',
    ),
  });
}

/** Citations of `gpuTiling`; `tileN` cites as `tileM`, and `tileK` as `tileN`, unless given. */
export function citeGpuTiling(c: {
  readonly tileM: Citation;
  readonly tileN?: Citation;
  readonly tileK?: Citation;
  readonly blocksPerSm: Citation;
}): Record<string, Citation> {
  const tileN = c.tileN ?? c.tileM;
  return {
    'gpuTiling.tileM': c.tileM,
    'gpuTiling.tileN': tileN,
    'gpuTiling.tileK': c.tileK ?? tileN,
    'gpuTiling.blocksPerSm': c.blocksPerSm,
  };
}

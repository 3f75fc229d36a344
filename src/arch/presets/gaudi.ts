/**
 * Intel Gaudi's matrix engines (MMEs) as tpusim cores. An MME is a large output-stationary array: a
 * 256x256 tile of fp32 accumulators stays in place while both operands stream in along K. tpusim's
 * systolic model and simulator are weight-stationary, whereas its tensor-core model times exactly this
 * pattern (output tiles in waves over the engines, K streamed, tile quantization on M and N, and a
 * sustained clock). So each MME is a core with one 256x256 'tensor-core' unit, and the TPCs (VLIW SIMD
 * cores) are spread over the MMEs as their vector units. Not charged: the array's fill and drain (about
 * 2 x 256 cycles per output tile) and the MME's runtime-configurable geometry.
 */
import type { Citation, CoreSpec, MatrixFormatSpec } from '../chip-spec.js';
import { citeCore, type CoreCitations } from './builders.js';
import { citeGpuTiling } from './gpu-builders.js';
import { cite } from './sources.js';

/** MAC cells a side of one MME. */
export const MME_DIM = 256;
/** K depth of one operand stage (the chip's gpuTiling.tileK). */
export const MME_TILE_K = 256;
/** fp32 lanes of one TPC: a 2048-bit SIMD vector. */
const TPC_FP32_LANES = 64;

export interface MmeCoreParams {
  /** MMEs on the chip. */
  readonly count: number;
  readonly formats: readonly MatrixFormatSpec[];
  /** TPCs per MME: the chip's TPCs over its MMEs. */
  readonly tpcsPerMme: number;
  readonly clockHz: number;
}

/**
 * One MME with its share of the TPCs. Its operand buffers feed a row and a column of bf16 inputs per
 * clock, two stages of MME_TILE_K deep; its accumulators are the 256x256 fp32 cells.
 */
export function buildMmeCore(p: MmeCoreParams): CoreSpec {
  const operandBytesPerClock = 2 * MME_DIM * 2;
  return {
    count: p.count,
    name: 'MME',
    matrixUnits: [
      {
        kind: 'tensor-core',
        count: 1,
        rows: MME_DIM,
        cols: MME_DIM,
        dataflows: ['os'],
        formats: p.formats,
        doubleBufferedWeights: true,
        weightFifoTiles: 2,
      },
    ],
    vectorUnit: { lanes: p.tpcsPerMme * TPC_FP32_LANES, opsPerLanePerCycle: 2 },
    unifiedBuffer: {
      sizeBytes: 2 * operandBytesPerClock * MME_TILE_K,
      bandwidthBytesPerS: operandBytesPerClock * p.clockHz,
    },
    accumulators: { sizeBytes: MME_DIM * MME_DIM * 4, bandwidthBytesPerS: MME_DIM * 4 * 2 * p.clockHz },
  };
}

/** What a Gaudi preset cites itself for the fields of `buildMmeCore` that differ between chips. */
export interface MmeCoreCitations extends Pick<CoreCitations, 'count' | 'formats' | 'formatRates'> {
  /** Cited for both rows and cols. */
  readonly mmeDim: Citation;
  readonly tpcsPerMme: Citation;
}

const MODEL_CHOICE =
  'an output-stationary array: the output tile stays while operands stream along K, which tpusim times with its ' +
  'tensor-core (GEMM tile) model';

/**
 * Citations of a Gaudi chip's only core, keyed by path: the chip's own for what differs, the shared ones for what the
 * builder fixes.
 */
export function citeMmeCore(c: MmeCoreCitations): Record<string, Citation> {
  return {
    ...citeCore({
      count: c.count,
      kind: cite(
        'intelGaudi3',
        "MME: a '256x256 MAC structure with FP32 accumulators'",
        'estimate',
        `modelling choice: ${MODEL_CHOICE}; the whitepaper text was read through re-publications`,
      ),
      matrixUnits: cite(
        'habanaDocs',
        'Gaudi Architecture: the MME does all operations that lower to matrix multiplication',
        'estimate',
        'one array per MME core',
      ),
      rows: c.mmeDim,
      cols: c.mmeDim,
      dataflows: cite(
        'intelGaudi3',
        'MME with FP32 accumulators in the array',
        'estimate',
        `output-stationary: ${MODEL_CHOICE}`,
      ),
      formats: c.formats,
      formatRates: c.formatRates,
      doubleBufferedWeights: cite(
        'tpusim',
        '',
        'estimate',
        'not published; the next operand stage assumed to load while one computes',
      ),
      weightFifoTiles: cite('tpusim', '', 'estimate', 'not published; two operand stages assumed'),
      lanes: cite(
        'habanaDocs',
        "TPC User Guide: 2048-bit SIMD, 'up to 64 floats' per cycle",
        'derived',
        '64 fp32 lanes per TPC x the TPCs per MME',
      ),
      opsPerLane: cite(
        'intelHc2024',
        'Gaudi 3: 28.7 TFLOPS bf16 vector over 64 TPCs',
        'derived',
        'one FMA (2 ops) per fp32 lane per clock; 64 TPCs x 128 bf16 lanes x 2 x 1.75 GHz = 28.7 TFLOPS, the ' +
          'fp32 rate being half',
      ),
      unifiedBufferBytes: cite(
        'tpusim',
        '',
        'estimate',
        `not published; two stages of (256 + 256) x ${MME_TILE_K} bf16 operands`,
      ),
      unifiedBufferBandwidth: cite(
        'tpusim',
        '',
        'estimate',
        'not published; enough to feed the array a row and a column of bf16 operands per clock',
      ),
      accumulatorBytes: cite(
        'intelGaudi3',
        "MME: 'FP32 accumulators'",
        'derived',
        'one fp32 accumulator per cell of the output-stationary array: 256 x 256 x 4 B',
      ),
      accumulatorBandwidth: cite('tpusim', '', 'estimate', 'one row of fp32 partial sums read and written per clock'),
    }),
    ...citeGpuTiling({
      tileM: cite('tpusim', '', 'derived', 'the output tile an MME holds: its 256 rows'),
      tileN: cite('tpusim', '', 'derived', 'the output tile an MME holds: its 256 columns'),
      tileK: cite('tpusim', '', 'estimate', 'not published; the depth of one operand stage'),
      blocksPerSm: cite('tpusim', '', 'derived', 'one output tile per MME at a time'),
    }),
  };
}

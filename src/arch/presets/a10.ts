import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildNvidiaSm, citeGpuTiling, citeNvidiaSm } from './gpu-builders.js';
import { cite, sourcesFor } from './sources.js';

/** The boost clock: 288 tensor cores x 128 MACs x 2 x 1.695 GHz = 125 TFLOPS, the datasheet's dense fp16 figure. */
const CLOCK_HZ = 1695e6;

/**
 * NVIDIA A10 (2021): an Ampere GA102 with 72 SMs on a 150 W single-slot PCIe card, full-rate fp32 accumulation;
 * 24 GiB of GDDR6 at 600 GB/s, no NVLink (chips talk over PCIe and the network only).
 */
export const A10: ChipSpec = {
  schemaVersion: 1,
  name: 'a10',
  description:
    'NVIDIA A10 (2021): Ampere GA102, 72 SMs x 4 tensor cores (bf16/fp16, int8 at 2x), 6 MiB L2, 24 GiB GDDR6 at ' +
    '600 GB/s, 150 W PCIe Gen4 card without NVLink',
  clockHz: CLOCK_HZ,
  cores: [
    buildNvidiaSm({
      count: 72,
      tensorCores: 4,
      /** 125e12 / 2 / 1.695e9 / 288 = 128 MACs per tensor core per clock; 8 x 16 is a modelling choice. */
      rows: 8,
      cols: 16,
      formats: [...formatsAt(1, 'bf16', 'fp16'), ...formatsAt(2, 'int8')],
      weightFifoTiles: 3,
      fp32Lanes: 128,
      sharedMemoryBytes: 100 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 6 * MIB, bandwidthBytesPerS: 2048 * CLOCK_HZ },
  gpuTiling: { tileM: 128, tileN: 128, tileK: 64, blocksPerSm: 1 },
  offChipMemory: { kind: 'GDDR6', capacityBytes: 24 * GIB, bandwidthBytesPerS: 600e9, latencyNs: 100 },
  hostLink: pcieX16(4),
  technology: { processNm: 8, dieAreaMm2: 628, tdpW: 150, sustainedClockHz: 1237e6 },
  sources: sourcesFor(['nvidiaA10', 'gpuDatabaseA10', 'cudaGuide', 'cutlass', 'pcie4', 'tpusim', 'tpusimMeasured']),
  citations: {
    clockHz: cite(
      'gpuDatabaseA10',
      'NVIDIA A10 PCIe: boost clock 1695 MHz; 72 SMs, 288 tensor cores',
      'derived',
      "288 tensor cores x 128 MACs x 2 x 1.695 GHz = 125.0 TFLOPS, the datasheet's dense fp16/bf16 tensor figure",
    ),
    ...citeNvidiaSm({
      computeCapability: '8.6',
      count: cite('gpuDatabaseA10', 'NVIDIA A10 PCIe: GA102-890-A1, SM count 72, 9216 shading units'),
      kind: cite('nvidiaA10', 'third-generation Tensor Cores'),
      matrixUnits: cite('gpuDatabaseA10', 'NVIDIA A10 PCIe: 288 tensor cores', 'derived', '288 / 72 SMs = 4 per SM'),
      rows: cite(
        'nvidiaA10',
        'FP16 Tensor Core 125 TF (250 TF with sparsity)',
        'derived',
        'modelling choice: 125e12 / 2 / 1.695e9 / 288 = 128 MACs per tensor core per clock, as 8 x 16',
      ),
      cols: cite('nvidiaA10', 'FP16 Tensor Core 125 TF', 'derived', 'modelling choice: 128 MACs as 8 x 16'),
      formats: cite(
        'nvidiaA10',
        'dense: BF16 and FP16 Tensor Core 125 TF, TF32 62.5 TF, INT8 250 TOPS (INT4 500, not modelled)',
        'published',
        "the datasheet gives each figure with and without sparsity (2x); the dense ones are taken. NVIDIA's page " +
          'was not readable in the corpora searched; the figures agree with a secondary table (125 TFLOP/s, ' +
          '0.6 TB/s, 24 GB, 150 W)',
      ),
      formatRates: {
        2: cite(
          'nvidiaA10',
          'INT8 Tensor Core 250 TOPS vs FP16 125 TF',
          'derived',
          'int8 runs twice as many MACs per clock as fp16',
        ),
      },
      doubleBufferedWeights: cite(
        'cutlass',
        'Sm80 multistage mainloop (GA102 runs Sm80 kernels)',
        'estimate',
        'nominal: no stationary tile; cp.async loads of the next stages overlap compute',
      ),
      weightFifoTiles: cite(
        'cutlass',
        'Sm80 TensorOp: kStages = 3',
        'estimate',
        'nominal: pipeline stages of operand tiles in shared memory',
      ),
      lanes: cite('gpuDatabaseA10', 'NVIDIA A10 PCIe: 9216 shading units', 'derived', '9216 / 72 SMs = 128 FP32 lanes'),
      opsPerLane: cite(
        'nvidiaA10',
        'FP32 31.2 TF',
        'derived',
        'one FMA (2 ops) per lane per clock: 72 x 128 x 2 x 1.695 GHz = 31.24 TFLOPS',
      ),
      unifiedBufferBytes: cite(
        'cudaGuide',
        'compute capability 8.6: up to 100 KB shared memory per SM',
        'published',
        'the software-managed part of the 128 KB combined L1/shared memory',
      ),
      accumulatorBytes: cite(
        'cudaGuide',
        'compute capability 8.6: 64K 32-bit registers per SM',
        'derived',
        'tensor-core accumulators live in the 256 KiB register file',
      ),
    }),
    'sharedMemory.sizeBytes': cite('gpuDatabaseA10', 'NVIDIA A10 PCIe: L2 cache 6 MB', 'published', 'taken as 6 MiB'),
    'sharedMemory.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      "GA102's L2 bandwidth is not in the sources read; 2048 B per clock (as the t4 preset, under A100's 5120 B " +
        'over its wider die) assumed',
    ),
    ...citeGpuTiling({
      tileM: cite(
        'cutlass',
        'Sm80 TensorOp tiles',
        'estimate',
        "the Sm80 default 128x256x64 x 3 stages (144 KiB) does not fit GA102's 100 KiB; 128x128x64 x 3 stages (96 " +
          'KiB) does',
      ),
      tileN: cite('cutlass', 'Sm80 TensorOp tiles', 'estimate', '128x128x64 x 3 stages fits the 100 KiB shared memory'),
      blocksPerSm: cite(
        'cutlass',
        'Sm80 TensorOp: kStages = 3',
        'derived',
        '3 stages x (128 + 128) x 64 x 2 B = 96 KiB of the 100 KiB shared memory: one block per SM',
      ),
    }),
    ...citeOffChipMemory({
      kind: cite('nvidiaA10', '24 GB GDDR6'),
      capacityBytes: cite('nvidiaA10', '24 GB GDDR6', 'published', 'taken as 24 GiB (GDDR6 devices are binary-sized)'),
      bandwidthBytesPerS: cite(
        'nvidiaA10',
        'GPU memory bandwidth 600 GB/s',
        'published',
        'the database: 384 bits x 12.5 Gb/s = 600.2 GB/s',
      ),
      latencyNs: cite(
        'tpusim',
        '',
        'estimate',
        'not published; the ~100 ns DRAM device latency used for HBM, GDDR6 being of the same order',
      ),
    }),
    ...citePcieX16(4, cite('nvidiaA10', 'PCIe Gen4 64 GB/s (bidirectional); no NVLink')),
    'technology.processNm': cite('gpuDatabaseA10', 'GA102: Samsung 8 nm'),
    'technology.dieAreaMm2': cite('gpuDatabaseA10', 'GA102: die size 628 mm^2, 28,300 million transistors'),
    'technology.tdpW': cite('nvidiaA10', 'max thermal design power 150 W'),
    'technology.sustainedClockHz': cite(
      'tpusimMeasured',
      'data/gpu-measured/h100-sxm.json, clock: 1335 of 1830 MHz (73%) under dense bf16 GEMMs at 700 W',
      'estimate',
      "no published measurement found; the H100 SXM's measured 73% of its tensor-peak clock applied to 1695 MHz " +
        '= 1237 MHz, for another power-limited card',
    ),
  },
};

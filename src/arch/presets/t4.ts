import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildNvidiaSm, citeGpuTiling, citeNvidiaSm } from './gpu-builders.js';
import { cite, sourcesFor } from './sources.js';

const CLOCK_HZ = 1590e6;

/**
 * NVIDIA T4 (2018): a Turing TU104 with 40 of its 48 SMs enabled on a 70 W low-profile PCIe card;
 * fp16 tensor cores (int8 at 2x), 16 GiB of GDDR6 at 320 GB/s.
 */
export const T4: ChipSpec = {
  schemaVersion: 1,
  name: 't4',
  description:
    'NVIDIA T4 (2018): Turing TU104, 40 SMs x 8 tensor cores (fp16, int8 at 2x), 4 MiB L2, 16 GiB GDDR6 at 320 ' +
    'GB/s, 70 W PCIe Gen3 card',
  clockHz: CLOCK_HZ,
  cores: [
    buildNvidiaSm({
      count: 40,
      tensorCores: 8,
      rows: 8,
      cols: 8,
      formats: [...formatsAt(1, 'fp16'), ...formatsAt(2, 'int8')],
      weightFifoTiles: 2,
      fp32Lanes: 64,
      sharedMemoryBytes: 64 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 4 * MIB, bandwidthBytesPerS: 2048 * CLOCK_HZ },
  gpuTiling: { tileM: 128, tileN: 128, tileK: 32, blocksPerSm: 1 },
  offChipMemory: { kind: 'GDDR6', capacityBytes: 16 * GIB, bandwidthBytesPerS: 320e9, latencyNs: 100 },
  hostLink: pcieX16(3),
  technology: { processNm: 12, dieAreaMm2: 545, tdpW: 70, sustainedClockHz: 1161e6 },
  sources: sourcesFor(['nvidiaT4', 'gpuDatabase', 'cudaGuide', 'cutlass', 'pcie3', 'tpusim', 'tpusimMeasured']),
  citations: {
    clockHz: cite(
      'nvidiaT4',
      'boost clock 1590 MHz; 65 TFLOPS fp16 mixed precision',
      'derived',
      '320 tensor cores x 64 MACs x 2 x 1.59 GHz = 65.1 TFLOPS',
    ),
    ...citeNvidiaSm({
      computeCapability: '7.5',
      count: cite(
        'nvidiaT4',
        '2,560 CUDA cores, 320 Turing Tensor Cores',
        'derived',
        '2560 / 64 FP32 lanes per Turing SM = 40 SMs (48 on the full TU104)',
      ),
      kind: cite('nvidiaT4', 'Turing Tensor Cores'),
      matrixUnits: cite('nvidiaT4', '320 Tensor Cores', 'derived', '320 / 40 SMs = 8 per SM'),
      rows: cite(
        'nvidiaT4',
        '65 TFLOPS fp16',
        'derived',
        'modelling choice: 65e12 / 2 / 1.59e9 / 320 = 64 MACs per tensor core per clock, as 8 x 8',
      ),
      cols: cite('nvidiaT4', '65 TFLOPS fp16', 'derived', 'modelling choice: 64 MACs as 8 x 8'),
      formats: cite('nvidiaT4', 'peak: 65 TFLOPS fp16 mixed precision, 130 TOPS int8 (260 int4, not modelled)'),
      formatRates: {
        1: cite(
          'nvidiaT4',
          '130 TOPS int8 vs 65 TFLOPS fp16',
          'derived',
          'int8 runs twice as many MACs per clock as fp16',
        ),
      },
      doubleBufferedWeights: cite(
        'cutlass',
        'Sm75 TensorOp mainloop',
        'estimate',
        'nominal: no stationary tile; the next stage of operands loads while the current one computes',
      ),
      weightFifoTiles: cite(
        'cutlass',
        'Sm75 TensorOp: kStages = 2',
        'estimate',
        'nominal: pipeline stages of operand tiles in shared memory',
      ),
      lanes: cite('nvidiaT4', '2,560 CUDA cores', 'derived', '64 FP32 lanes per Turing SM'),
      opsPerLane: cite(
        'nvidiaT4',
        '8.1 TFLOPS FP32',
        'derived',
        'one FMA (2 ops) per lane per clock: 2560 x 2 x 1.59 GHz = 8.14 TFLOPS',
      ),
      unifiedBufferBytes: cite(
        'cudaGuide',
        'compute capability 7.5: up to 64 KB shared memory per SM',
        'published',
        'the software-managed part of the 96 KB combined L1/shared memory',
      ),
      accumulatorBytes: cite(
        'cudaGuide',
        'compute capability 7.5: 64K 32-bit registers per SM',
        'derived',
        'tensor-core accumulators live in the 256 KiB register file',
      ),
    }),
    'sharedMemory.sizeBytes': cite('gpuDatabase', 'Tesla T4: L2 cache 4 MB', 'published', 'taken as 4 MiB'),
    'sharedMemory.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      "Turing's L2 bandwidth is not in the sources read; 2048 B per clock (half of A100's 5120 B over its wider " +
        'die) assumed',
    ),
    ...citeGpuTiling({
      tileM: cite(
        'cutlass',
        'Sm75 TensorOp tiles',
        'estimate',
        '128x128x32 x 2 stages (32 KiB) fits the 64 KiB shared memory',
      ),
      blocksPerSm: cite(
        'cutlass',
        'Sm75 TensorOp: kStages = 2',
        'estimate',
        'one block per SM assumed (a 128x128 fp32 accumulator tile takes half the register file)',
      ),
    }),
    ...citeOffChipMemory({
      kind: cite('nvidiaT4', 'GDDR6'),
      capacityBytes: cite('nvidiaT4', '16 GB GDDR6', 'published', 'taken as 16 GiB (GDDR6 devices are binary-sized)'),
      bandwidthBytesPerS: cite('nvidiaT4', '320+ GB/s', 'published', '256 bits x 10 Gb/s = 320 GB/s'),
      latencyNs: cite(
        'tpusim',
        '',
        'estimate',
        'not published; the ~100 ns DRAM device latency used for HBM, GDDR6 being of the same order',
      ),
    }),
    ...citePcieX16(3, cite('nvidiaT4', 'PCIe Gen3 x16')),
    'technology.processNm': cite('gpuDatabase', 'TU104: TSMC 12 nm'),
    'technology.dieAreaMm2': cite('gpuDatabase', 'TU104: die size 545 mm^2, 13.6 billion transistors'),
    'technology.tdpW': cite('nvidiaT4', 'max power 70 W'),
    'technology.sustainedClockHz': cite(
      'tpusimMeasured',
      'data/gpu-measured/h100-sxm.json, clock: 1335 of 1830 MHz (73%) under dense bf16 GEMMs at 700 W',
      'estimate',
      "no published measurement found; the H100 SXM's measured 73% of its tensor-peak clock applied to 1590 MHz " +
        '= 1161 MHz, for another power-limited card',
    ),
  },
};

import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildNvidiaSm, citeGpuTiling, citeNvidiaSm } from './gpu-builders.js';
import { cite, sourcesFor } from './sources.js';

const CLOCK_HZ = 1410e6;

/**
 * NVIDIA A100 SXM4 80GB (2020) as a tpusim chip: each SM is a core, each tensor core a 16x16 MAC engine
 * fed from the register file; shared memory is the unified buffer and the 40 MiB L2 is shared memory.
 */
export const A100: ChipSpec = {
  schemaVersion: 1,
  name: 'a100',
  description:
    'NVIDIA A100 SXM4 80GB (2020): 108 SMs x 4 tensor cores (bf16/fp16, int8 at 2x), 40 MiB L2, 80 GiB HBM2e, 12 ' +
    'NVLink 3 links',
  clockHz: CLOCK_HZ,
  cores: [
    buildNvidiaSm({
      count: 108,
      tensorCores: 4,
      /**
       * 16 x 16 = 256 dense fp16/bf16 FMAs per tensor core per clock (whitepaper); the row/column split is a modelling
       * choice.
       */
      rows: 16,
      cols: 16,
      formats: [...formatsAt(1, 'bf16', 'fp16'), ...formatsAt(2, 'int8')],
      weightFifoTiles: 3,
      fp32Lanes: 64,
      sharedMemoryBytes: 164 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 40 * MIB, bandwidthBytesPerS: 5120 * CLOCK_HZ },
  gpuTiling: { tileM: 128, tileN: 256, tileK: 64, blocksPerSm: 1 },
  offChipMemory: {
    kind: 'HBM2e',
    capacityBytes: 80 * GIB,
    bandwidthBytesPerS: 2039e9,
    sustainedBandwidthBytesPerS: 1.8e12,
    latencyNs: 100,
  },
  hostLink: pcieX16(4),
  chipLinks: { kind: 'NVLink 3', count: 12, bandwidthBytesPerSPerLink: 25e9 },
  technology: { processNm: 7, dieAreaMm2: 826, tdpW: 400, sustainedClockHz: 1280e6 },
  sources: sourcesFor([
    'jouppi2023',
    'nvidiaA100',
    'cudaGuide',
    'cutlass',
    'pcie4',
    'jedecHbm2',
    'tpusim',
    'nvForumA100Bandwidth',
  ]),
  citations: {
    clockHz: cite(
      'jouppi2023',
      'Table 5: 1410 MHz boost',
      'published',
      'the clock of the 312 TFLOPS peak; the paper measured ~1280 MHz average under power capping',
    ),
    ...citeNvidiaSm({
      computeCapability: '8.0',
      count: cite('nvidiaA100', 'A100 SXM4: 108 SMs (128 on the full GA100)'),
      kind: cite('nvidiaA100', 'third-generation Tensor Cores'),
      matrixUnits: cite('nvidiaA100', 'four Tensor Cores per SM (432 per GPU)'),
      rows: cite(
        'nvidiaA100',
        '256 dense fp16 FMAs per Tensor Core per clock',
        'derived',
        'modelling choice: 256 MACs as 16 x 16; 432 x 256 x 2 x 1.41 GHz = 311.9 TFLOPS',
      ),
      cols: cite(
        'nvidiaA100',
        '256 dense fp16 FMAs per Tensor Core per clock',
        'derived',
        'modelling choice: 256 MACs as 16 x 16',
      ),
      formats: cite(
        'jouppi2023',
        'Table 5: 312 TFLOPS bf16, 624 TOPS int8',
        'published',
        'fp16 at the bf16 rate per the A100 whitepaper; dense figures',
      ),
      formatRates: {
        2: cite('jouppi2023', 'Table 5: 624 TOPS int8 vs 312 TFLOPS bf16', 'derived', '624 / 312 = 2'),
      },
      doubleBufferedWeights: cite(
        'cutlass',
        'Sm80 multistage mainloop',
        'estimate',
        'nominal: no stationary tile; CUTLASS overlaps the next tile loads (cp.async) with compute',
      ),
      weightFifoTiles: cite(
        'cutlass',
        'default_gemm_configuration.h, Sm80 TensorOp: kStages = 3',
        'estimate',
        'nominal: pipeline stages of operand tiles in shared memory',
      ),
      lanes: cite('nvidiaA100', '64 FP32 CUDA cores per SM'),
      opsPerLane: cite(
        'nvidiaA100',
        '19.5 TFLOPS FP32',
        'derived',
        'one FMA (2 ops) per lane per clock: 108 x 64 x 2 x 1.41 GHz = 19.5 TFLOPS',
      ),
      unifiedBufferBytes: cite(
        'cudaGuide',
        'compute capability 8.0: up to 164 KB shared memory per SM',
        'published',
        'the software-managed part of the 192 KB combined L1/shared memory',
      ),
      accumulatorBytes: cite(
        'cudaGuide',
        'compute capability 8.0: 64K 32-bit registers per SM',
        'derived',
        'tensor-core accumulators live in the 256 KiB register file; 108 x 256 KiB = 27 MiB matches Jouppi 2023 ' +
          'Table 5',
      ),
    }),
    'sharedMemory.sizeBytes': cite('jouppi2023', "Table 5: 'On Chip Memory 40 MiB' (the L2 cache)"),
    'sharedMemory.bandwidthBytesPerS': cite(
      'nvidiaA100',
      'L2 cache: 5120 bytes per clock read bandwidth',
      'derived',
      '5120 B x 1.41 GHz = 7.2 TB/s',
    ),
    ...citeGpuTiling({
      tileM: cite(
        'cutlass',
        'default_gemm_configuration.h, Sm80 TensorOp: ThreadblockShape 128x256x64',
        'estimate',
        "CUTLASS's default, not what cuBLAS picks for every shape",
      ),
      blocksPerSm: cite(
        'cutlass',
        'Sm80 TensorOp: kStages = 3',
        'derived',
        '3 stages x (128 + 256) x 64 x 2 B = 144 KiB of the 164 KiB shared memory: one block per SM',
      ),
    }),
    ...citeOffChipMemory({
      kind: cite('jouppi2023', 'Table 5: HBM2e'),
      capacityBytes: cite('jouppi2023', 'Table 5: 80 GiB'),
      bandwidthBytesPerS: cite('jouppi2023', 'Table 5: 2039 GB/s'),
      sustainedBandwidthBytesPerS: cite(
        'nvForumA100Bandwidth',
        'a read kernel on an A100 80GB SXM stuck at 1.80 TB/s; Nsight Compute agrees: 88% of the peak',
        'measured',
        "a third party's measurement, not tpusim's; in line with the 89-90% tpusim measured on H100 and H200 copies",
      ),
    }),
    ...citePcieX16(4, cite('nvidiaA100', 'PCI Express Gen 4')),
    'chipLinks.kind': cite('jouppi2023', 'Table 5: NVLink 3'),
    'chipLinks.count': cite('jouppi2023', 'Table 5: 12 links'),
    'chipLinks.bandwidthBytesPerSPerLink': cite('jouppi2023', 'Table 5: 25 GB/s per link per direction'),
    'technology.processNm': cite('jouppi2023', 'Table 5: 7 nm'),
    'technology.dieAreaMm2': cite('jouppi2023', 'Table 5: 826 mm^2'),
    'technology.tdpW': cite('jouppi2023', 'Table 5: 400 W'),
    'technology.sustainedClockHz': cite(
      'jouppi2023',
      'section 7: A100 measured at ~1280 MHz average under power capping (MLPerf BERT)',
      'measured',
      "Google's measurement of the clock under load: 91% of the 1410 MHz boost; Bekman's MAMF table (271.2 of " +
        '312 TFLOP/s bf16) corresponds to 1226 MHz with kernel losses folded in',
    ),
  },
};

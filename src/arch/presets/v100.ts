import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildNvidiaSm, citeGpuTiling, citeNvidiaSm } from './gpu-builders.js';
import { cite, sourcesFor } from './sources.js';

/** The SXM2 boost clock; 640 tensor cores x 64 FMAs x 2 x 1.53 GHz = 125.3 TFLOPS, NVIDIA's 125. */
const CLOCK_HZ = 1530e6;

/**
 * NVIDIA Tesla V100 SXM2 32GB (2017): the first tensor cores, fp16 inputs only. bf16, fp8 and int8 have no
 * tensor-core path on Volta, so fp16 is the only matrix format; work asked for in bf16 runs at the fp16 rate.
 */
export const V100_SXM: ChipSpec = {
  schemaVersion: 1,
  name: 'v100-sxm',
  description:
    'NVIDIA Tesla V100 SXM2 32GB (2017): 80 SMs x 8 tensor cores (fp16 inputs only: no bf16, fp8 or int8 tensor ' +
    'path), 6 MiB L2, 32 GiB HBM2, 6 NVLink 2 links',
  clockHz: CLOCK_HZ,
  cores: [
    buildNvidiaSm({
      count: 80,
      tensorCores: 8,
      /** A first-generation tensor core does one 4x4x4 fp16 product per clock: 64 MACs, modelled as 8 x 8. */
      rows: 8,
      cols: 8,
      formats: formatsAt(1, 'fp16'),
      weightFifoTiles: 2,
      fp32Lanes: 64,
      sharedMemoryBytes: 96 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 6 * MIB, bandwidthBytesPerS: 2048 * CLOCK_HZ },
  gpuTiling: { tileM: 128, tileN: 128, tileK: 32, blocksPerSm: 1 },
  offChipMemory: { kind: 'HBM2', capacityBytes: 32 * GIB, bandwidthBytesPerS: 900e9, latencyNs: 100 },
  hostLink: pcieX16(3),
  chipLinks: { kind: 'NVLink 2', count: 6, bandwidthBytesPerSPerLink: 25e9 },
  technology: { processNm: 12, dieAreaMm2: 815, tdpW: 300, sustainedClockHz: 1416e6 },
  sources: sourcesFor([
    'nvidiaV100',
    'nvidiaA100',
    'cudaGuide',
    'cutlass',
    'nvForumV100Gemm',
    'pcie3',
    'jedecHbm2',
    'tpusim',
  ]),
  citations: {
    clockHz: cite(
      'nvidiaV100',
      'V100 SXM2: 1530 MHz boost, 125 TFLOPS tensor',
      'published',
      '640 x 64 FMAs x 2 x 1.53 GHz = 125.3 TFLOPS reproduces the datasheet; the launch table quoted 120 at 1455 MHz',
    ),
    ...citeNvidiaSm({
      computeCapability: '7.0',
      count: cite('nvidiaV100', 'Tesla V100: 80 SMs (84 on the full GV100)'),
      kind: cite('nvidiaV100', 'first-generation Tensor Cores'),
      matrixUnits: cite('nvidiaV100', 'eight Tensor Cores per SM (640 per GPU)'),
      rows: cite(
        'nvidiaV100',
        'each Tensor Core: a 4x4x4 matrix multiply-accumulate per clock (64 FMAs)',
        'derived',
        'modelling choice: 64 MACs as 8 x 8',
      ),
      cols: cite('nvidiaV100', 'each Tensor Core: 64 FMAs per clock', 'derived', 'modelling choice: 64 MACs as 8 x 8'),
      formats: cite(
        'nvidiaV100',
        'Tensor Cores: fp16 inputs, fp16 or fp32 accumulation; 125 TFLOPS',
        'published',
        'Volta has no bf16, tf32, fp8 or int8 tensor-core path (int8 came with Turing); bf16 work falls back to ' +
          'this fp16 rate',
      ),
      doubleBufferedWeights: cite(
        'cutlass',
        'Sm70 TensorOp mainloop, 2 stages',
        'estimate',
        'nominal: no stationary tile; the next operand tiles load while one computes',
      ),
      weightFifoTiles: cite(
        'cutlass',
        'default_gemm_configuration.h, Sm70 TensorOp: kStages = 2',
        'estimate',
        'nominal: pipeline stages of operand tiles in shared memory',
      ),
      lanes: cite('nvidiaV100', '64 FP32 cores per SM'),
      opsPerLane: cite(
        'nvidiaV100',
        '15.7 TFLOPS FP32',
        'derived',
        'one FMA (2 ops) per lane per clock: 80 x 64 x 2 x 1.53 GHz = 15.7 TFLOPS',
      ),
      unifiedBufferBytes: cite(
        'cudaGuide',
        'compute capability 7.0: up to 96 KB shared memory per SM',
        'published',
        'the software-managed part of the 128 KB combined L1/shared memory',
      ),
      accumulatorBytes: cite(
        'cudaGuide',
        'compute capability 7.0: 64K 32-bit registers per SM',
        'derived',
        'tensor-core accumulators live in the 256 KiB register file',
      ),
    }),
    'sharedMemory.sizeBytes': cite('nvidiaV100', '6144 KB L2 cache', 'published', 'taken as 6 MiB'),
    'sharedMemory.bandwidthBytesPerS': cite(
      'nvidiaA100',
      'L2 read bandwidth: 2048 bytes per clock on V100 vs 5120 on A100',
      'derived',
      '2048 B x 1.53 GHz = 3.1 TB/s; the per-clock figure is recalled from the A100 whitepaper',
    ),
    ...citeGpuTiling({
      tileM: cite(
        'nvForumV100Gemm',
        'nvprof of cuBLAS 8192^3 fp16: kernel volta_h884gemm_128x128_ldg8_nn',
        'published',
        "cuBLAS's Volta tensor-core tile for large GEMMs (CUTLASS's Volta default is 128 x 256 x 32)",
      ),
      tileK: cite(
        'cutlass',
        'default_gemm_configuration.h, Sm70 TensorOp: ThreadblockShape 128x256x32',
        'estimate',
        "CUTLASS's Volta k-step, taken for cuBLAS's kernel",
      ),
      blocksPerSm: cite(
        'cutlass',
        'Sm70 TensorOp: kStages = 2',
        'estimate',
        '2 stages x (128 + 128) x 32 x 2 B = 32 KiB of shared memory; one block per SM assumed (its epilogue ' +
          'exposed), as for the 128 x 256 tile',
      ),
    }),
    ...citeOffChipMemory({
      kind: cite('nvidiaV100', 'HBM2, 4 stacks'),
      capacityBytes: cite(
        'nvidiaV100',
        'V100 SXM2: 32 GB (16 GB on the first boards)',
        'published',
        'taken as 32 GiB (4 stacks of 8 GiB)',
      ),
      bandwidthBytesPerS: cite('nvidiaV100', '900 GB/s'),
    }),
    ...citePcieX16(3, cite('nvidiaV100', 'PCIe Gen3 x16 host interface')),
    'chipLinks.kind': cite('nvidiaV100', 'second-generation NVLink'),
    'chipLinks.count': cite('nvidiaV100', 'six NVLink links'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'nvidiaV100',
      '300 GB/s NVLink per GPU',
      'derived',
      '300e9 / 6 links / 2 directions',
    ),
    'technology.processNm': cite('nvidiaV100', 'TSMC 12 nm FFN'),
    'technology.dieAreaMm2': cite('nvidiaV100', 'GV100: 815 mm^2'),
    'technology.tdpW': cite('nvidiaV100', 'V100 SXM2: 300 W'),
    'technology.sustainedClockHz': cite(
      'nvForumV100Gemm',
      'cuBLAS fp16 8192^3 on a Tesla V100 PCIe: ~101 TFLOPS, ~90% of peak',
      'derived',
      'the clock at which tpusim (128 x 128 tiles in 52 waves, their fills and epilogues) gives 90% of peak for ' +
        "8192^3: 1416 MHz of 1530; the share is the PCIe board's, taken for the SXM2, and folds in the library's " +
        'own losses (Markidis et al. 2018 measured 83 TFLOPS with the CUDA 9 cuBLAS)',
    ),
  },
};

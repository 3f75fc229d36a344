import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildSystolicCore, citeTpuTensorCore, deriveChip } from './builders.js';
import { cite } from './sources.js';
import { TPU_V5E } from './tpu-v5e.js';

/** Not published: 459 TFLOPS / (8 MXUs x 128x128 x 2 ops) = 1.75 GHz. */
const CLOCK_HZ = 1.75e9;

/**
 * Google TPU v5p (2023): the training chip, two TensorCores with four 128x128 MXUs each, 3D torus; declared
 * over tpu-v5e, whose HBM kind and latency and PCIe host link it shares.
 */
export const TPU_V5P: ChipSpec = deriveChip(
  TPU_V5E,
  {
    name: 'tpu-v5p',
    description:
      'Google TPU v5p (2023): 2 TensorCores x 4 MXUs of 128x128 (bf16 and fp8, int8 at 2x), 95 GiB HBM2e, 6 ICI ' +
      'links (3D torus)',
    clockHz: CLOCK_HZ,
    cores: [
      buildSystolicCore({
        name: 'TensorCore',
        count: 2,
        mxus: 4,
        mxuDim: 128,
        formats: [
          { input: 'bf16', accumulator: 'fp32' },
          { input: 'int8', accumulator: 'int32', rate: 2 },
          { input: 'fp8-e4m3', accumulator: 'fp32' },
          { input: 'fp8-e5m2', accumulator: 'fp32' },
        ],
        vectorUnit: { lanes: 128, opsPerLanePerCycle: 32 },
        unifiedBufferBytes: 64 * MIB,
        accumulatorBytes: 2 * MIB,
        clockHz: CLOCK_HZ,
      }),
    ],
    offChipMemory: { capacityBytes: 95 * GIB, bandwidthBytesPerS: 2765e9 },
    technology: { sustainedClockHz: 0.9 * CLOCK_HZ },
    chipLinks: { count: 6, bandwidthBytesPerSPerLink: 100e9 },
  },
  {
    clockHz: cite(
      'gcloudV5p',
      'peak 459 TFLOPS bf16',
      'derived',
      'Google does not publish the clock; 459e12 / (8 x 128x128 x 2) = 1.75 GHz',
    ),
    'technology.sustainedClockHz': cite(
      'tpusim',
      '',
      'estimate',
      'not measured on this generation: 0.90 x the clock, the median of the large-GEMM shares measured on TPU ' +
        'v5e (0.923, XLA 8192^3), v6e (0.901, 8192^3) and TPU7x (0.829, 32768^3); see the tpu-v5e, tpu-v6e and ' +
        'tpu-v7 presets',
    ),
    ...citeTpuTensorCore({
      count: cite('gcloudV5p', 'specifications: 2 TensorCores per chip'),
      kind: cite('scalingBook', 'Appendix B: systolic array'),
      mxus: cite('gcloudV5p', 'system architecture: four MXUs per TensorCore'),
      mxuDim: cite('jaxTpuInfo', 'mxu_column_size 128 before TPU v6'),
      formats: cite(
        'gcloudV5p',
        'specifications: 459 TFLOPS bf16 and 459 TFLOPS fp8',
        'published',
        'int8 at 9.18e14 ops/s from JAX tpu_info; fp8 e4m3 and e5m2 matmuls are supported from generation 5 (tpu_info)',
      ),
      formatRates: {
        1: cite('jaxTpuInfo', 'TPU v5p: int8 9.18e14 vs bf16 4.59e14 ops/s', 'derived', '918 / 459 = 2'),
      },
      vectorOpsPerLane: cite(
        'scalingBook',
        "Appendix C: 'in v5 you can add 4 pairs of f32 values together from VREGs in each cycle'",
        'estimate',
        'read as 8 sublanes x 4 ALUs per lane',
      ),
      unifiedBufferBytes: cite('jaxTpuInfo', 'vmem_capacity_bytes: 64 MiB per core'),
      accumulatorBytes: cite(
        'tpusim',
        '',
        'estimate',
        'not published; 512 KiB per MXU (1024 rows of 128 fp32) as for the tpu-v4 preset',
      ),
    }),
    'offChipMemory.kind': cite('gcloudV5p', 'specifications: HBM2e'),
    'offChipMemory.capacityBytes': cite(
      'gcloudV5p',
      'specifications: HBM capacity per chip 95 GiB',
      'published',
      'JAX tpu_info lists 103e9 B',
    ),
    'offChipMemory.bandwidthBytesPerS': cite('gcloudV5p', 'specifications: HBM bandwidth per chip 2765 GBps'),
    'chipLinks.kind': cite('gcloudV5p', 'specifications: ICI, 3D torus'),
    'chipLinks.count': cite('scalingBook', 'TPU Networking: TPU v5p connects to its 6 nearest neighbours'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'scalingBook',
      'ICI table: 1e11 bytes/s one-way per link',
      'published',
      'agrees with the Cloud figure of 1200 GB/s bidirectional per chip over 6 links',
    ),
  },
);

import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildSystolicCore, citeTpuTensorCore } from './builders.js';
import { cite, COMMON, sourcesFor } from './sources.js';

/** Not published: 197 TFLOPS / (4 MXUs x 128x128 x 2 ops); the Scaling Book says 1.5 GHz. */
const CLOCK_HZ = 1.5e9;

/** Google TPU v5e (2023): the cost-optimised chip, one TensorCore with four 128x128 MXUs. */
export const TPU_V5E: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v5e',
  description:
    'Google TPU v5e (2023): 1 TensorCore x 4 MXUs of 128x128 (bf16, int8 at 2x), 16 GiB HBM2e, 4 ICI links (2D torus)',
  clockHz: CLOCK_HZ,
  cores: [
    buildSystolicCore({
      name: 'TensorCore',
      count: 1,
      mxus: 4,
      mxuDim: 128,
      formats: [
        { input: 'bf16', accumulator: 'fp32' },
        { input: 'int8', accumulator: 'int32', rate: 2 },
      ],
      vectorUnit: { lanes: 128, opsPerLanePerCycle: 32 },
      unifiedBufferBytes: 128 * MIB,
      accumulatorBytes: 2 * MIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  offChipMemory: { kind: 'HBM2e', capacityBytes: 16 * GIB, bandwidthBytesPerS: 819e9, latencyNs: 100 },
  // XLA's 8192^3 bf16 matmul reaches 92.3% of the peak: the MXUs' effective clock under GEMMs.
  technology: { sustainedClockHz: 0.923 * CLOCK_HZ },
  hostLink: { kind: 'PCIe', bandwidthBytesPerS: 15e9, latencyNs: 1000 },
  chipLinks: { kind: 'ICI', count: 4, bandwidthBytesPerSPerLink: 50e9 },
  sources: sourcesFor([
    'gcloudV5e',
    'jaxTpuInfo',
    'scalingBook',
    'norrie2021',
    'jedecHbm2',
    'tpusim',
    'jaxPallasMatmul',
  ]),
  citations: {
    clockHz: cite(
      'scalingBook',
      'What Is a TPU: 5e13 bf16 FLOPs/s per MXU at 1.5 GHz on TPU v5e',
      'derived',
      'Google does not publish the clock; 197e12 / (4 x 128x128 x 2) = 1.50 GHz',
    ),
    'technology.sustainedClockHz': cite(
      'jaxPallasMatmul',
      'XLA matmul, 8192^3 bf16: 181.8 TFLOP/s, 92.3% of the peak',
      'derived',
      '0.923 x 1.5 GHz = 1.385 GHz: the achieved share of the peak on a large GEMM (kernel losses folded in), as ' +
        'the GPU presets derive theirs',
    ),
    ...citeTpuTensorCore({
      count: cite('gcloudV5e', 'system architecture: one TensorCore per chip'),
      kind: cite('scalingBook', 'Appendix B: systolic array'),
      mxus: cite('gcloudV5e', 'system architecture: four MXUs per TensorCore'),
      mxuDim: cite('jaxTpuInfo', 'mxu_column_size 128 before TPU v6'),
      formats: cite('jaxTpuInfo', 'TPU v5e: bf16 1.97e14, int8 3.94e14 ops/s; fp8 not available'),
      formatRates: {
        1: cite(
          'gcloudV5e',
          'peak 197 TFLOPS bf16, 394 TOPS int8',
          'derived',
          '394 / 197 = 2 int8 MACs per cell per cycle',
        ),
      },
      vectorOpsPerLane: cite(
        'scalingBook',
        "Appendix C: 'in v5 you can add 4 pairs of f32 values together from VREGs in each cycle'",
        'estimate',
        'read as 8 sublanes x 4 ALUs per lane',
      ),
      unifiedBufferBytes: cite('jaxTpuInfo', 'vmem_capacity_bytes: 128 MiB per core'),
      accumulatorBytes: cite(
        'tpusim',
        '',
        'estimate',
        'not published; 512 KiB per MXU (1024 rows of 128 fp32) as for the tpu-v4 preset',
      ),
    }),
    'offChipMemory.kind': cite('gcloudV5e', 'system architecture: HBM2e'),
    'offChipMemory.capacityBytes': cite('gcloudV5e', 'system architecture: 16 GiB HBM2e per chip'),
    'offChipMemory.bandwidthBytesPerS': cite(
      'gcloudV5e',
      'system architecture: 819 GB/s',
      'published',
      'JAX tpu_info lists 820 GB/s',
    ),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    'hostLink.kind': cite('scalingBook', 'TPU Networking: chips attach to their host over PCIe'),
    'hostLink.bandwidthBytesPerS': cite(
      'scalingBook',
      "TPU Networking: 'PCIe bandwidth is typically around 1.5e10 bytes / second per chip'",
    ),
    'hostLink.latencyNs': COMMON.pcieLatency,
    'chipLinks.kind': cite('gcloudV5e', 'system architecture: ICI, 2D torus'),
    'chipLinks.count': cite('gcloudV5e', 'system architecture: 4 ICI ports per chip'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'scalingBook',
      'ICI table: 5e10 bytes/s one-way per link',
      'published',
      'agrees with the Cloud figure of 400 GB/s bidirectional per chip over 4 ports',
    ),
  },
};

import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { cite, COMMON, sourcesFor } from './sources.js';

/** Not published: 459 TFLOPS / (8 MXUs x 128x128 x 2 ops) = 1.75 GHz. */
const CLOCK_HZ = 1.75e9;
const MXU_DIM = 128;
const MXUS_PER_CORE = 4;

/** Google TPU v5p (2023): the training chip, two TensorCores with four 128x128 MXUs each, 3D torus. */
export const TPU_V5P: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v5p',
  description: 'Google TPU v5p (2023): 2 TensorCores x 4 MXUs of 128x128 (bf16 and fp8, int8 at 2x), 95 GiB HBM2e, 6 ICI links (3D torus)',
  clockHz: CLOCK_HZ,
  cores: [
    {
      count: 2,
      name: 'TensorCore',
      matrixUnits: [
        {
          kind: 'systolic',
          count: MXUS_PER_CORE,
          rows: MXU_DIM,
          cols: MXU_DIM,
          dataflows: ['ws'],
          formats: [
            { input: 'bf16', accumulator: 'fp32' },
            { input: 'int8', accumulator: 'int32', rate: 2 },
            { input: 'fp8-e4m3', accumulator: 'fp32' },
            { input: 'fp8-e5m2', accumulator: 'fp32' },
          ],
          doubleBufferedWeights: true,
          weightFifoTiles: 2,
        },
      ],
      vectorUnit: { lanes: 128, opsPerLanePerCycle: 32 },
      unifiedBuffer: { sizeBytes: 64 * MIB, bandwidthBytesPerS: MXUS_PER_CORE * MXU_DIM * (2 + 4) * CLOCK_HZ },
      accumulators: { sizeBytes: 2 * MIB, bandwidthBytesPerS: MXUS_PER_CORE * MXU_DIM * 4 * 2 * CLOCK_HZ },
    },
  ],
  offChipMemory: { kind: 'HBM2e', capacityBytes: 95 * GIB, bandwidthBytesPerS: 2765e9, latencyNs: 100 },
  hostLink: { kind: 'PCIe', bandwidthBytesPerS: 15e9, latencyNs: 1000 },
  chipLinks: { kind: 'ICI', count: 6, bandwidthBytesPerSPerLink: 100e9 },
  sources: sourcesFor(['gcloudV5p', 'jaxTpuInfo', 'scalingBook', 'norrie2021', 'jedecHbm2', 'tpusim']),
  citations: {
    clockHz: cite('gcloudV5p', 'peak 459 TFLOPS bf16', 'derived', 'Google does not publish the clock; 459e12 / (8 x 128x128 x 2) = 1.75 GHz'),
    'cores[0].count': cite('gcloudV5p', 'specifications: 2 TensorCores per chip'),
    'cores[0].matrixUnits[0].kind': cite('scalingBook', 'Appendix B: systolic array'),
    'cores[0].matrixUnits[0].count': cite('gcloudV5p', 'system architecture: four MXUs per TensorCore'),
    'cores[0].matrixUnits[0].rows': cite('jaxTpuInfo', 'mxu_column_size 128 before TPU v6'),
    'cores[0].matrixUnits[0].cols': cite('jaxTpuInfo', 'mxu_column_size 128 before TPU v6'),
    'cores[0].matrixUnits[0].dataflows': COMMON.wsDataflow,
    'cores[0].matrixUnits[0].formats': cite('gcloudV5p', 'specifications: 459 TFLOPS bf16 and 459 TFLOPS fp8', 'published', 'int8 at 9.18e14 ops/s from JAX tpu_info; fp8 e4m3 and e5m2 matmuls are supported from generation 5 (tpu_info)'),
    'cores[0].matrixUnits[0].formats[1].rate': cite('jaxTpuInfo', 'TPU v5p: int8 9.18e14 vs bf16 4.59e14 ops/s', 'derived', '918 / 459 = 2'),
    'cores[0].matrixUnits[0].doubleBufferedWeights': COMMON.doubleBuffered,
    'cores[0].matrixUnits[0].weightFifoTiles': COMMON.weightFifo,
    'cores[0].vectorUnit.lanes': cite('jaxTpuInfo', 'num_lanes 128 (x 8 sublanes)'),
    'cores[0].vectorUnit.opsPerLanePerCycle': cite('scalingBook', "Appendix C: 'in v5 you can add 4 pairs of f32 values together from VREGs in each cycle'", 'estimate', 'read as 8 sublanes x 4 ALUs per lane'),
    'cores[0].unifiedBuffer.sizeBytes': cite('jaxTpuInfo', 'vmem_capacity_bytes: 64 MiB per core'),
    'cores[0].unifiedBuffer.bandwidthBytesPerS': COMMON.vmemBandwidth,
    'cores[0].accumulators.sizeBytes': cite('tpusim', '', 'estimate', 'not published; 512 KiB per MXU (1024 rows of 128 fp32) as for the tpu-v4 preset'),
    'cores[0].accumulators.bandwidthBytesPerS': COMMON.accumulatorBandwidth,
    'offChipMemory.kind': cite('gcloudV5p', 'specifications: HBM2e'),
    'offChipMemory.capacityBytes': cite('gcloudV5p', 'specifications: HBM capacity per chip 95 GiB', 'published', 'JAX tpu_info lists 103e9 B'),
    'offChipMemory.bandwidthBytesPerS': cite('gcloudV5p', 'specifications: HBM bandwidth per chip 2765 GBps'),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    'hostLink.kind': cite('scalingBook', 'TPU Networking: chips attach to their host over PCIe'),
    'hostLink.bandwidthBytesPerS': cite('scalingBook', "TPU Networking: 'PCIe bandwidth is typically around 1.5e10 bytes / second per chip'"),
    'hostLink.latencyNs': COMMON.pcieLatency,
    'chipLinks.kind': cite('gcloudV5p', 'specifications: ICI, 3D torus'),
    'chipLinks.count': cite('scalingBook', 'TPU Networking: TPU v5p connects to its 6 nearest neighbours'),
    'chipLinks.bandwidthBytesPerSPerLink': cite('scalingBook', 'ICI table: 1e11 bytes/s one-way per link', 'published', 'agrees with the Cloud figure of 1200 GB/s bidirectional per chip over 6 links'),
  },
};

import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildSystolicCore, citeTpuTensorCore } from './builders.js';
import { cite, COMMON, sourcesFor } from './sources.js';

/**
 * Trillium's clock and MXU count are not published consistently: two 256x256 MXUs (Cloud docs) would
 * need 3.5 GHz for 918 TFLOPS. Four MXUs at 1.75 GHz (v5p's clock) reproduce the peak and are assumed.
 */
const CLOCK_HZ = 1.75e9;

/** Google TPU v6e Trillium (2024): one TensorCore with 256x256 MXUs. */
export const TPU_V6E: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v6e',
  description: 'Google TPU v6e Trillium (2024): 1 TensorCore x 4 MXUs of 256x256 (count and clock estimated), 32 GiB HBM, 4 ICI links (2D torus)',
  clockHz: CLOCK_HZ,
  cores: [
    buildSystolicCore({
      name: 'TensorCore',
      count: 1,
      mxus: 4,
      mxuDim: 256,
      formats: [
        { input: 'bf16', accumulator: 'fp32' },
        { input: 'int8', accumulator: 'int32', rate: 2 },
        { input: 'fp8-e4m3', accumulator: 'fp32' },
        { input: 'fp8-e5m2', accumulator: 'fp32' },
      ],
      vectorUnit: { lanes: 128, opsPerLanePerCycle: 32 },
      unifiedBufferBytes: 128 * MIB,
      accumulatorBytes: 4 * MIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  offChipMemory: { kind: 'HBM', capacityBytes: 32 * GIB, bandwidthBytesPerS: 1638e9, latencyNs: 100 },
  hostLink: { kind: 'PCIe Gen5', bandwidthBytesPerS: 32e9, latencyNs: 1000 },
  chipLinks: { kind: 'ICI', count: 4, bandwidthBytesPerSPerLink: 100e9 },
  sources: sourcesFor(['gcloudV6e', 'jaxTpuInfo', 'scalingBook', 'norrie2021', 'jedecHbm2', 'tpusim']),
  citations: {
    clockHz: cite('gcloudV6e', 'peak 918 TFLOPS bf16', 'estimate', 'not published; 918e12 / (4 MXUs x 256x256 x 2) = 1.75 GHz for the assumed 4 MXUs'),
    ...citeTpuTensorCore({
      count: cite('gcloudV6e', 'system architecture: one TensorCore per chip'),
      kind: cite('scalingBook', 'Appendix B: Trillium has a 256x256 systolic array'),
      mxus: cite('gcloudV6e', 'system architecture', 'estimate', "the document's two 256x256 MXUs would need 3.5 GHz for 918 TFLOPS; four at v5p's 1.75 GHz are assumed"),
      mxuDim: cite('jaxTpuInfo', 'mxu_column_size 256 from TPU v6'),
      formats: cite('jaxTpuInfo', 'TPU v6e: bf16 and fp8 9.20e14, int8 1.84e15 ops/s', 'published', 'the Cloud TPU7x comparison table lists 918 TFLOPS bf16 and fp8'),
      formatRates: {
        1: cite('gcloudV6e', 'peak 918 TFLOPS bf16, 1836 TOPS int8', 'derived', '1836 / 918 = 2'),
      },
      vectorOpsPerLane: cite('tpusim', '', 'estimate', 'not published; 8 sublanes x 4 ALUs per lane as the Scaling Book describes for v5'),
      unifiedBufferBytes: cite('jaxTpuInfo', 'vmem_capacity_bytes: 128 MiB per core'),
      accumulatorBytes: cite('tpusim', '', 'estimate', 'not published; 1 MiB per 256-wide MXU (1024 rows of 256 fp32)'),
    }),
    'offChipMemory.kind': cite('gcloudV6e', 'system architecture: HBM (generation not stated)'),
    'offChipMemory.capacityBytes': cite('gcloudV6e', "system architecture: '32 GB' per chip", 'published', 'JAX tpu_info lists 34.4e9 B, i.e. 32 GiB'),
    'offChipMemory.bandwidthBytesPerS': cite('gcloudV6e', 'system architecture: 1638 GBps', 'published', 'JAX tpu_info lists 1.64e12 B/s'),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    'hostLink.kind': cite('gcloudV6e', 'system architecture: PCIe Gen5 host attachment'),
    'hostLink.bandwidthBytesPerS': cite('scalingBook', "TPU Networking footnote: 'Trillium (TPU v6e) has 32GB/s'"),
    'hostLink.latencyNs': COMMON.pcieLatency,
    'chipLinks.kind': cite('gcloudV6e', 'system architecture: ICI, 2D torus'),
    'chipLinks.count': cite('gcloudV6e', 'system architecture: 4 ICI ports per chip'),
    'chipLinks.bandwidthBytesPerSPerLink': cite('scalingBook', 'ICI table: 1e11 bytes/s one-way per link', 'published', 'agrees with the Cloud figure of 800 GB/s bidirectional per chip over 4 ports'),
  },
};

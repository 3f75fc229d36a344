import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildSystolicCore, citeTpuTensorCore } from './builders.js';
import { cite, COMMON, sourcesFor } from './sources.js';

/**
 * Trillium's clock and MXU count are not published consistently: two 256x256 MXUs (Cloud docs) would
 * need 3.5 GHz for 918 TFLOPS. Four MXUs at 1.75 GHz (v5p's clock) reproduce the peak and are assumed.
 */
const CLOCK_HZ = 1.75e9;
/**
 * A measured 8192^3 bf16 GEMM reaches 827.5 of 918 TFLOP/s: the MXUs' sustained clock under GEMMs, 0.901 x the clock.
 */
const SUSTAINED_CLOCK_HZ = (827.5 / 918) * CLOCK_HZ;

/** Google TPU v6e Trillium (2024): one TensorCore with 256x256 MXUs. */
export const TPU_V6E: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v6e',
  description:
    'Google TPU v6e Trillium (2024): 1 TensorCore x 4 MXUs of 256x256 (count and clock estimated), 32 GiB HBM, 4 ' +
    'ICI links (2D torus)',
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
  offChipMemory: {
    kind: 'HBM',
    capacityBytes: 32 * GIB,
    bandwidthBytesPerS: 1638e9,
    sustainedBandwidthBytesPerS: 1.36e12,
    latencyNs: 100,
  },
  hostLink: { kind: 'PCIe Gen5', bandwidthBytesPerS: 32e9, latencyNs: 1000 },
  chipLinks: { kind: 'ICI', count: 4, bandwidthBytesPerSPerLink: 100e9 },
  technology: { sustainedClockHz: SUSTAINED_CLOCK_HZ },
  sources: sourcesFor([
    'gcloudV6e',
    'jaxTpuInfo',
    'scalingBook',
    'norrie2021',
    'jedecHbm2',
    'tpuRecipesMicrobench',
    'tpusim',
  ]),
  citations: {
    clockHz: cite(
      'gcloudV6e',
      'peak 918 TFLOPS bf16',
      'estimate',
      'not published; 918e12 / (4 MXUs x 256x256 x 2) = 1.75 GHz for the assumed 4 MXUs',
    ),
    ...citeTpuTensorCore({
      count: cite('gcloudV6e', 'system architecture: one TensorCore per chip'),
      kind: cite('scalingBook', 'Appendix B: Trillium has a 256x256 systolic array'),
      mxus: cite(
        'gcloudV6e',
        'system architecture',
        'estimate',
        "the document's two 256x256 MXUs would need 3.5 GHz for 918 TFLOPS; four at v5p's 1.75 GHz are assumed",
      ),
      mxuDim: cite('jaxTpuInfo', 'mxu_column_size 256 from TPU v6'),
      formats: cite(
        'jaxTpuInfo',
        'TPU v6e: bf16 and fp8 9.20e14, int8 1.84e15 ops/s',
        'published',
        'the Cloud TPU7x comparison table lists 918 TFLOPS bf16 and fp8',
      ),
      formatRates: {
        1: cite('gcloudV6e', 'peak 918 TFLOPS bf16, 1836 TOPS int8', 'derived', '1836 / 918 = 2'),
      },
      vectorOpsPerLane: cite(
        'jaxTpuInfo',
        'num_lanes 128, num_sublanes 8 for every generation',
        'estimate',
        'ALUs per lane and sublane not published; 4 as the Scaling Book describes for v5 (8 sublanes x 4 = 32 ' +
          'per lane): the vector unit did not widen with the 256-wide MXUs',
      ),
      unifiedBufferBytes: cite('jaxTpuInfo', 'vmem_capacity_bytes: 128 MiB per core'),
      accumulatorBytes: cite('tpusim', '', 'estimate', 'not published; 1 MiB per 256-wide MXU (1024 rows of 256 fp32)'),
    }),
    'offChipMemory.kind': cite('gcloudV6e', 'system architecture: HBM (generation not stated)'),
    'offChipMemory.capacityBytes': cite(
      'gcloudV6e',
      "system architecture: '32 GB' per chip",
      'published',
      'JAX tpu_info lists 34.4e9 B, i.e. 32 GiB',
    ),
    'offChipMemory.bandwidthBytesPerS': cite(
      'gcloudV6e',
      'system architecture: 1638 GBps',
      'published',
      'JAX tpu_info lists 1.64e12 B/s',
    ),
    'offChipMemory.sustainedBandwidthBytesPerS': cite(
      'tpuRecipesMicrobench',
      'benchmark_hbm.py: a 32 MiB copy at 1359.6 GB/s, bytes read plus written',
      'published',
      "a measured copy: 83% of the published 1638 GB/s; the only size published (Ironwood's copy curve rises " +
        'another 6% from 32 MiB to its plateau)',
    ),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    'hostLink.kind': cite('gcloudV6e', 'system architecture: PCIe Gen5 host attachment'),
    'hostLink.bandwidthBytesPerS': cite('scalingBook', "TPU Networking footnote: 'Trillium (TPU v6e) has 32GB/s'"),
    'hostLink.latencyNs': COMMON.pcieLatency,
    'chipLinks.kind': cite('gcloudV6e', 'system architecture: ICI, 2D torus'),
    'chipLinks.count': cite('gcloudV6e', 'system architecture: 4 ICI ports per chip'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'scalingBook',
      'ICI table: 1e11 bytes/s one-way per link',
      'published',
      'agrees with the Cloud figure of 800 GB/s bidirectional per chip over 4 ports',
    ),
    'technology.sustainedClockHz': cite(
      'tpuRecipesMicrobench',
      '8192^3 bf16 matmul: 827.5 TFLOP/s',
      'derived',
      '827.5 / 918 x the assumed 1750 MHz = 1577 MHz: the achieved share of the peak on a large GEMM, kernel ' +
        'losses folded in; the v6e GEMM model on its own (4 MiB of accumulators, weights re-read every 512 rows) ' +
        'is memory-bound at the same 0.90',
    ),
  },
};

import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildSystolicCore, citeTpuTensorCore } from './builders.js';
import { cite, COMMON, sourcesFor } from './sources.js';

/**
 * Ironwood's MXU count and clock are not published; 2307 TFLOPS needs 17.6e9 256x256-MXU cycles per
 * second. Four MXUs per TensorCore (as assumed for v6e) at 2.2 GHz is assumed; eight at 1.1 GHz fits too.
 */
const CLOCK_HZ = 2.2e9;
/**
 * A measured 32768^3 bf16 GEMM on one TensorCore reaches 956 of 1153.5 TFLOP/s at the top DVFS state: 0.829 x the
 * clock.
 */
const SUSTAINED_CLOCK_HZ = (956 / 1153.5) * CLOCK_HZ;

/** Google TPU7x Ironwood (2025): two TensorCores (one per compute die) with 256x256 MXUs, fp8 at twice bf16. */
export const TPU_V7: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v7',
  description:
    'Google TPU7x Ironwood (2025): 2 TensorCores x 4 MXUs of 256x256 (count and clock estimated; fp8 at 2x), 192 ' +
    'GiB HBM3e, ICI 3D torus',
  clockHz: CLOCK_HZ,
  cores: [
    buildSystolicCore({
      name: 'TensorCore',
      count: 2,
      mxus: 4,
      mxuDim: 256,
      formats: [
        { input: 'bf16', accumulator: 'fp32' },
        { input: 'fp8-e4m3', accumulator: 'fp32', rate: 2 },
        { input: 'fp8-e5m2', accumulator: 'fp32', rate: 2 },
      ],
      vectorUnit: { lanes: 128, opsPerLanePerCycle: 32 },
      unifiedBufferBytes: 64 * MIB,
      accumulatorBytes: 4 * MIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  offChipMemory: {
    kind: 'HBM3e',
    capacityBytes: 192 * GIB,
    bandwidthBytesPerS: 7370e9,
    sustainedBandwidthBytesPerS: 6.4e12,
    latencyNs: 100,
  },
  hostLink: { kind: 'PCIe', bandwidthBytesPerS: 32e9, latencyNs: 1000 },
  chipLinks: { kind: 'ICI', count: 6, bandwidthBytesPerSPerLink: 100e9 },
  technology: { sustainedClockHz: SUSTAINED_CLOCK_HZ },
  sources: sourcesFor([
    'gcloudTpu7x',
    'googleIronwood',
    'jaxTpuInfo',
    'scalingBook',
    'norrie2021',
    'jedecHbm2',
    'acceleratorMicrobench',
    'tpuRecipesHbm',
    'tpusim',
  ]),
  citations: {
    clockHz: cite(
      'gcloudTpu7x',
      'peak 2307 TFLOPS bf16',
      'estimate',
      'not published; 2307e12 / (8 MXUs x 256x256 x 2) = 2.2 GHz for the assumed 4 MXUs per TensorCore',
    ),
    ...citeTpuTensorCore({
      count: cite('gcloudTpu7x', '2 TensorCores per chip', 'published', 'JAX tpu_info agrees'),
      kind: cite('scalingBook', 'Appendix B: systolic array'),
      mxus: cite(
        'tpusim',
        '',
        'estimate',
        'not published; 4 per TensorCore as assumed for tpu-v6e (8 per TensorCore at 1.1 GHz gives the same peak)',
      ),
      mxuDim: cite('jaxTpuInfo', 'mxu_column_size 256 from TPU v6'),
      formats: cite(
        'gcloudTpu7x',
        'peak 2307 TFLOPS bf16, 4614 TFLOPS fp8',
        'published',
        'JAX tpu_info: generation 7 multiplies bf16 and fp8 (e4m3, e5m2), not int8',
      ),
      formatRates: {
        1: cite('gcloudTpu7x', 'peak 4614 TFLOPS fp8', 'derived', '4614 / 2307 = 2'),
        2: cite('gcloudTpu7x', 'peak 4614 TFLOPS fp8', 'derived', '4614 / 2307 = 2'),
      },
      vectorOpsPerLane: cite(
        'jaxTpuInfo',
        'num_lanes 128, num_sublanes 8 for every generation',
        'estimate',
        'ALUs per lane and sublane not published; 4 as the Scaling Book describes for v5 (8 sublanes x 4 = 32 ' +
          'per lane): the vector unit did not widen with the 256-wide MXUs',
      ),
      unifiedBufferBytes: cite('jaxTpuInfo', 'TPU7x: vmem 64 MiB per TensorCore'),
      accumulatorBytes: cite('tpusim', '', 'estimate', 'not published; 1 MiB per 256-wide MXU (1024 rows of 256 fp32)'),
    }),
    'offChipMemory.kind': cite('googleIronwood', 'HBM3e'),
    'offChipMemory.capacityBytes': cite(
      'gcloudTpu7x',
      '192 GiB HBM per chip',
      'published',
      'JAX tpu_info lists 206e9 B, i.e. 192 GiB',
    ),
    'offChipMemory.bandwidthBytesPerS': cite(
      'googleIronwood',
      '7.37 TB/s per chip',
      'published',
      'read via press re-publications; JAX tpu_info lists 7.40e12 B/s',
    ),
    'offChipMemory.sustainedBandwidthBytesPerS': cite(
      'tpuRecipesHbm',
      'HBM microbenchmark on tpu7x-2x2x1: 3.20 TB/s per TensorCore, 6.40-6.42 TB/s per chip for copies of 0.5-8 ' +
        'GiB, bytes read plus written',
      'published',
      'a measured copy: 87% of the published 7.37 TB/s',
    ),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    'hostLink.kind': cite('tpusim', '', 'estimate', 'not published; PCIe as on earlier TPUs'),
    'hostLink.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      "not published; Trillium's 32 GB/s (Scaling Book) assumed",
    ),
    'hostLink.latencyNs': COMMON.pcieLatency,
    'chipLinks.kind': cite('gcloudTpu7x', 'ICI, 3D torus with optical circuit switches (9,216-chip pod)'),
    'chipLinks.count': cite(
      'tpusim',
      '',
      'estimate',
      'not published; 6 links, one per neighbour of a 3D torus as on TPU v4 and v5p',
    ),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'googleIronwood',
      '1.2 TB/s bidirectional ICI per chip',
      'derived',
      '1.2e12 / 6 links / 2 directions; the link count is an estimate',
    ),
    'technology.sustainedClockHz': cite(
      'acceleratorMicrobench',
      'GEMM results: 956 TFLOP/s per TensorCore at 32768^3 bf16 (950 at 16384^3)',
      'derived',
      '956 / 1153.5 x the assumed 2200 MHz = 1823 MHz: the achieved share of the peak on large GEMMs at the top ' +
        'DVFS state (--xla_tpu_dvfs_p_state=7; the suite also measures GEMM throttling), kernel losses folded in. ' +
        'Splash attention reaches the full clock (attention-tpu.test.ts)',
    ),
  },
};

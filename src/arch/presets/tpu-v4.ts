import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { cite, sourcesFor } from './sources.js';

const CLOCK_HZ = 1050e6;
const MXU_DIM = 128;
const MXUS_PER_CORE = 4;

/** Google TPU v4 (2020): two TensorCores, each with four 128x128 bf16 MXUs. */
export const TPU_V4: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v4',
  description: 'Google TPU v4 (2020): 2 TensorCores x 4 MXUs of 128x128 bf16, 32 GiB HBM2, 6 ICI links',
  clockHz: CLOCK_HZ,
  cores: [
    {
      count: 2,
      name: 'TensorCore',
      matrixUnits: [
        {
          count: MXUS_PER_CORE,
          rows: MXU_DIM,
          cols: MXU_DIM,
          dataflows: ['ws'],
          formats: [
            { input: 'bf16', accumulator: 'fp32' },
            { input: 'int8', accumulator: 'int32' },
          ],
          doubleBufferedWeights: true,
          weightFifoTiles: 2,
          productsPerAdder: 4,
        },
      ],
      vectorUnit: { lanes: 128, opsPerLanePerCycle: 16 },
      unifiedBuffer: { sizeBytes: 16 * MIB, bandwidthBytesPerS: MXUS_PER_CORE * MXU_DIM * (2 + 4) * CLOCK_HZ },
      accumulators: { sizeBytes: 2 * MIB, bandwidthBytesPerS: MXUS_PER_CORE * MXU_DIM * 4 * 2 * CLOCK_HZ },
    },
  ],
  sharedMemory: { sizeBytes: 128 * MIB, bandwidthBytesPerS: 2 * MXUS_PER_CORE * MXU_DIM * 2 * CLOCK_HZ },
  offChipMemory: { kind: 'HBM2', capacityBytes: 32 * GIB, bandwidthBytesPerS: 1200e9, latencyNs: 100 },
  hostLink: { kind: 'PCIe', bandwidthBytesPerS: 16e9, latencyNs: 1000 },
  chipLinks: { kind: 'ICI', count: 6, bandwidthBytesPerSPerLink: 50e9 },
  technology: { processNm: 7, dieAreaMm2: 600, idleW: 90, sustainedClockHz: 0.9 * CLOCK_HZ },
  sources: sourcesFor(['jouppi2023', 'jouppi2021', 'norrie2021', 'scalingBook', 'jedecHbm2', 'tpusim']),
  citations: {
    clockHz: cite('jouppi2023', 'Table 4: 1050 MHz'),
    'technology.sustainedClockHz': cite(
      'tpusim',
      '',
      'estimate',
      'no GEMM microbenchmark of TPU v4 is published: 0.90 x the clock, the median of the large-GEMM shares ' +
        'measured on TPU v5e (0.923, XLA 8192^3), v6e (0.901, 8192^3) and TPU7x (0.829, 32768^3); consistent with ' +
        'Pope et al. 2022 reaching 76% MFU in PaLM 540B prefill on 64 TPU v4 (which needs at least 0.76)',
    ),
    'cores[0].count': cite('jouppi2023', 'Table 4: 2 TensorCores per chip'),
    'cores[0].matrixUnits[0].count': cite('jouppi2023', 'Section 2: four MXUs per TensorCore'),
    'cores[0].matrixUnits[0].rows': cite('jouppi2023', 'Section 2: 128x128 MXUs'),
    'cores[0].matrixUnits[0].cols': cite('jouppi2023', 'Section 2: 128x128 MXUs'),
    'cores[0].matrixUnits[0].dataflows': cite(
      'norrie2021',
      'MXU description',
      'derived',
      'weight-stationary systolic array as in TPU v1-v3',
    ),
    'cores[0].matrixUnits[0].formats': cite('jouppi2023', 'Table 4: 275 TFLOPS bf16 or int8'),
    'cores[0].matrixUnits[0].doubleBufferedWeights': cite(
      'tpusim',
      '',
      'estimate',
      'assumed as in TPU v1; not stated for v4',
    ),
    'cores[0].matrixUnits[0].weightFifoTiles': cite(
      'tpusim',
      '',
      'estimate',
      'not published; two tiles staged per MXU assumed',
    ),
    'cores[0].matrixUnits[0].productsPerAdder': cite(
      'jouppi2021',
      'MXU description: groups of four products summed in a custom four-input floating-point adder',
      'estimate',
      "stated for TPU v4i's MXU; TPU v4 taken alike (same generation, 7 nm, 1050 MHz, four 128x128 MXUs per " +
        'TensorCore); not confirmed for TPU v4 in the sources read',
    ),
    'cores[0].vectorUnit.lanes': cite('jouppi2023', 'Section 2: VPU with 128 lanes'),
    'cores[0].vectorUnit.opsPerLanePerCycle': cite('jouppi2023', 'Section 2: 16 ALUs per lane'),
    'cores[0].unifiedBuffer.sizeBytes': cite('jouppi2023', 'Section 2, Table 4: 16 MiB VMEM per TensorCore'),
    'cores[0].unifiedBuffer.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      'not published; enough to feed each MXU 128 bf16 inputs and take 128 fp32 results per cycle',
    ),
    'cores[0].accumulators.sizeBytes': cite(
      'tpusim',
      '',
      'estimate',
      'not published; 512 KiB per MXU (1024 rows of 128 fp32) assumed',
    ),
    'cores[0].accumulators.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      'one 128-wide fp32 read and write per MXU per cycle',
    ),
    'sharedMemory.sizeBytes': cite('jouppi2023', 'Section 2, Table 4: 128 MiB CMEM'),
    'sharedMemory.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      'not published; one 128-wide bf16 row per MXU per cycle assumed',
    ),
    'offChipMemory.kind': cite('jouppi2023', 'Table 4: HBM2'),
    'offChipMemory.capacityBytes': cite('jouppi2023', 'Table 4: 32 GiB'),
    'offChipMemory.bandwidthBytesPerS': cite('jouppi2023', 'Table 4: 1200 GB/s'),
    'offChipMemory.latencyNs': cite('jedecHbm2', '', 'estimate', 'not published for TPU v4'),
    'hostLink.kind': cite('scalingBook', 'TPU chapter'),
    'hostLink.bandwidthBytesPerS': cite('scalingBook', 'TPU chapter: PCIe about 16 GB/s each way'),
    'hostLink.latencyNs': cite('tpusim', '', 'estimate', 'typical PCIe round trip of about 1 us'),
    'chipLinks.kind': cite('jouppi2023', 'Section 2'),
    'chipLinks.count': cite('jouppi2023', 'Table 4: 6 links'),
    'chipLinks.bandwidthBytesPerSPerLink': cite('jouppi2023', 'Table 4: 50 GB/s per link'),
    'technology.processNm': cite('jouppi2023', 'Table 4: 7 nm'),
    'technology.idleW': cite('jouppi2023', 'Table 4: 90 W idle (measured chip and HBM power)'),
    'technology.dieAreaMm2': cite('jouppi2023', 'Table 4', 'published', 'an upper bound: < 600 mm^2'),
  },
};

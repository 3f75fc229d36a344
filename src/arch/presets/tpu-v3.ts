import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildSystolicCore, citePcieX16, citeTpuTensorCore, pcieX16 } from './builders.js';
import { cite, COMMON, sourcesFor } from './sources.js';

const CLOCK_HZ = 940e6;

/** Google TPU v3 (2018): two TensorCores with two 128x128 bf16 MXUs each, liquid cooled. */
export const TPU_V3: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v3',
  description: 'Google TPU v3 (2018): 2 TensorCores x 2 MXUs of 128x128 bf16, 32 GiB HBM2, 4 ICI links (2D torus)',
  clockHz: CLOCK_HZ,
  cores: [
    buildSystolicCore({
      name: 'TensorCore',
      count: 2,
      mxus: 2,
      mxuDim: 128,
      formats: [{ input: 'bf16', accumulator: 'fp32' }],
      vectorUnit: { lanes: 128, opsPerLanePerCycle: 16 },
      unifiedBufferBytes: 16 * MIB,
      accumulatorBytes: 1 * MIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  offChipMemory: { kind: 'HBM2', capacityBytes: 32 * GIB, bandwidthBytesPerS: 900e9, latencyNs: 100 },
  hostLink: pcieX16(3),
  chipLinks: { kind: 'ICI', count: 4, bandwidthBytesPerSPerLink: 70e9 },
  technology: { processNm: 16, dieAreaMm2: 700, idleW: 123 },
  sources: sourcesFor([
    'jouppi2023',
    'norrie2021',
    'gcloudV3',
    'gcloudArch',
    'jaxTpuInfo',
    'scalingBook',
    'pcie3',
    'jedecHbm2',
    'tpusim',
  ]),
  citations: {
    clockHz: cite('jouppi2023', 'Table 4: 940 MHz'),
    ...citeTpuTensorCore({
      count: cite('jouppi2023', 'Table 4: 2 TensorCores per chip'),
      kind: cite('norrie2021', 'MXU description'),
      mxus: cite('gcloudV3', 'system architecture: two MXUs per TensorCore'),
      mxuDim: cite('gcloudArch', '128x128 MXUs'),
      formats: cite('jouppi2023', 'Table 4: 123 TFLOPS bf16'),
      vectorOpsPerLane: cite(
        'scalingBook',
        'Appendix C: VPU',
        'estimate',
        '8 sublanes x 2 ALUs per lane as the book describes for TPU v4; not stated for v3',
      ),
      unifiedBufferBytes: cite(
        'jouppi2023',
        'Table 4: 32 MiB VMEM per chip',
        'derived',
        '32 MiB / 2 TensorCores; JAX tpu_info also lists 16 MiB per core',
      ),
      accumulatorBytes: cite(
        'tpusim',
        '',
        'estimate',
        'not published; 512 KiB per MXU (1024 rows of 128 fp32) as for the tpu-v4 preset',
      ),
    }),
    'offChipMemory.kind': cite('jouppi2023', 'Table 4: HBM2'),
    'offChipMemory.capacityBytes': cite('jouppi2023', 'Table 4: 32 GiB'),
    'offChipMemory.bandwidthBytesPerS': cite(
      'jouppi2023',
      'Table 4: 900 GB/s',
      'published',
      'JAX tpu_info lists 825 GB/s',
    ),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    ...citePcieX16(
      3,
      cite('tpusim', '', 'estimate', 'not published; PCIe Gen3 x16 assumed (8 chips per host, Table 4)'),
      'assumed',
    ),
    'chipLinks.kind': cite('jouppi2023', 'Table 4: inter-chip interconnect'),
    'chipLinks.count': cite('jouppi2023', 'Table 4: 4 links'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'jouppi2023',
      'Table 4: 70 GB/s per link',
      'published',
      'the Scaling Book gives 100 GB/s one-way per link',
    ),
    'technology.processNm': cite('jouppi2023', 'Table 4: 16 nm'),
    'technology.idleW': cite('jouppi2023', 'Table 4: 123 W idle (measured chip and HBM power)'),
    'technology.dieAreaMm2': cite('jouppi2023', 'Table 4', 'published', 'an upper bound: < 700 mm^2'),
  },
};

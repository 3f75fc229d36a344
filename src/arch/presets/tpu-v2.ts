import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildSystolicCore, citePcieX16, citeTpuTensorCore, pcieX16 } from './builders.js';
import { cite, COMMON, sourcesFor } from './sources.js';

const CLOCK_HZ = 700e6;

/** Google TPU v2 (2017): the first training TPU, two TensorCores with one 128x128 bf16 MXU each. */
export const TPU_V2: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v2',
  description: 'Google TPU v2 (2017): 2 TensorCores x 1 MXU of 128x128 bf16, 16 GiB HBM, 4 ICI links (2D torus)',
  clockHz: CLOCK_HZ,
  cores: [
    buildSystolicCore({
      name: 'TensorCore',
      count: 2,
      mxus: 1,
      mxuDim: 128,
      formats: [{ input: 'bf16', accumulator: 'fp32' }],
      vectorUnit: { lanes: 128, opsPerLanePerCycle: 16 },
      unifiedBufferBytes: 16 * MIB,
      accumulatorBytes: 512 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  offChipMemory: { kind: 'HBM', capacityBytes: 16 * GIB, bandwidthBytesPerS: 700e9, latencyNs: 100 },
  hostLink: pcieX16(3),
  chipLinks: { kind: 'ICI', count: 4, bandwidthBytesPerSPerLink: 62e9 },
  technology: { processNm: 16, dieAreaMm2: 625, tdpW: 280 },
  sources: sourcesFor([
    'jouppi2021',
    'jouppi2023',
    'norrie2021',
    'jaxTpuInfo',
    'scalingBook',
    'pcie3',
    'jedecHbm2',
    'tpusim',
  ]),
  citations: {
    clockHz: cite(
      'jouppi2021',
      'Table 1',
      'derived',
      '46e12 / (2 TensorCores x 128x128 MACs x 2 ops) = 0.70 GHz; the TPUv4i paper lists 700 MHz',
    ),
    ...citeTpuTensorCore({
      count: cite('jaxTpuInfo', 'TPU v2: 2 TensorCores per chip'),
      kind: cite('norrie2021', 'MXU description'),
      mxus: cite('jouppi2021', 'Table 1: one MXU per TensorCore'),
      mxuDim: cite('jaxTpuInfo', 'mxu_column_size 128 before TPU v6'),
      formats: cite('norrie2021', 'bf16 multiplies, fp32 accumulation'),
      vectorOpsPerLane: cite(
        'scalingBook',
        'Appendix C: VPU',
        'estimate',
        '8 sublanes x 2 ALUs per lane as the book describes for TPU v4; not stated for v2',
      ),
      unifiedBufferBytes: cite('jaxTpuInfo', 'vmem_capacity_bytes: 16 MiB per core'),
      accumulatorBytes: cite(
        'tpusim',
        '',
        'estimate',
        'not published; 512 KiB per MXU (1024 rows of 128 fp32) as for the tpu-v4 preset',
      ),
    }),
    'offChipMemory.kind': cite('norrie2021', 'HBM'),
    'offChipMemory.capacityBytes': cite(
      'jaxTpuInfo',
      'hbm_capacity_bytes 16e9 per chip',
      'published',
      'taken as 16 GiB: HBM stacks come in binary sizes',
    ),
    'offChipMemory.bandwidthBytesPerS': cite(
      'norrie2021',
      'HBM bandwidth',
      'published',
      'sources disagree: 700 GB/s (Norrie et al. via a summary), 716 GB/s (JAX tpu_info), 600 GB/s (Cloud ' +
        'documentation)',
    ),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    ...citePcieX16(
      3,
      cite('tpusim', '', 'estimate', 'not published; PCIe Gen3 x16 assumed, as on TPU v1 hosts of the time'),
      'assumed',
    ),
    'chipLinks.kind': cite('jouppi2023', 'Section 1: ICI 2D torus of up to 256 TPU v2 chips'),
    'chipLinks.count': cite(
      'jouppi2021',
      'Table 1: 4 ICI links',
      'published',
      'as transcribed in the tpusim reference from the TPUv4i paper; Norrie et al. also give 4 links',
    ),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'jouppi2021',
      'Table 1: 496 Gbit/s per link',
      'derived',
      '496 Gbit/s / 8, per direction; transcribed via a summary, not re-checked',
    ),
    'technology.processNm': cite('jouppi2021', 'Table 1: 16 nm'),
    'technology.dieAreaMm2': cite(
      'jouppi2021',
      'Table 1',
      'published',
      "an upper bound ('< 625 mm^2'); another transcription gives < 611 mm^2",
    ),
    'technology.tdpW': cite(
      'jouppi2021',
      'Table 1: chip TDP 280 W',
      'published',
      'as transcribed via a summary of the table; not re-checked',
    ),
  },
};

import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec, CoreSpec } from '../chip-spec.js';
import { buildSystolicCore, citeTpuTensorCore } from './builders.js';
import { cite, COMMON, sourcesFor } from './sources.js';

const CLOCK_HZ = 1050e6;
/** Jouppi et al. 2021: the MXU sums groups of four products in a custom four-input float adder. */
const PRODUCTS_PER_ADDER = 4;

/** `core` with each matrix unit summing `k` products per adder. */
function groupProducts(core: CoreSpec, k: number): CoreSpec {
  return { ...core, matrixUnits: core.matrixUnits.map((u) => ({ ...u, productsPerAdder: k })) };
}

/**
 * Google TPU v4i (2020): the inference chip of the TPU v4 generation, one TensorCore with four 128x128
 * MXUs, 16 MiB of VMEM and a 128 MiB common memory (CMEM), 8 GiB of HBM2, air-cooled at 175 W.
 */
export const TPU_V4I: ChipSpec = {
  schemaVersion: 1,
  name: 'tpu-v4i',
  description:
    'Google TPU v4i (2020): 1 TensorCore x 4 MXUs of 128x128 (bf16 and int8), 16 MiB VMEM + 128 MiB CMEM, 8 GiB ' +
    'HBM2 at 614 GB/s, 2 ICI links, 175 W',
  clockHz: CLOCK_HZ,
  cores: [
    groupProducts(
      buildSystolicCore({
        name: 'TensorCore',
        count: 1,
        mxus: 4,
        mxuDim: 128,
        formats: [
          { input: 'bf16', accumulator: 'fp32' },
          { input: 'int8', accumulator: 'int32' },
        ],
        vectorUnit: { lanes: 128, opsPerLanePerCycle: 16 },
        unifiedBufferBytes: 16 * MIB,
        accumulatorBytes: 2 * MIB,
        clockHz: CLOCK_HZ,
      }),
      PRODUCTS_PER_ADDER,
    ),
  ],
  sharedMemory: { sizeBytes: 128 * MIB, bandwidthBytesPerS: 4 * 128 * 2 * CLOCK_HZ },
  offChipMemory: { kind: 'HBM2', capacityBytes: 8 * GIB, bandwidthBytesPerS: 614e9, latencyNs: 100 },
  hostLink: { kind: 'PCIe', bandwidthBytesPerS: 16e9, latencyNs: 1000 },
  chipLinks: { kind: 'ICI', count: 2, bandwidthBytesPerSPerLink: 50e9 },
  technology: { processNm: 7, dieAreaMm2: 400, tdpW: 175, sustainedClockHz: CLOCK_HZ },
  sources: sourcesFor(['jouppi2021', 'jouppi2023', 'jaxTpuInfo', 'norrie2021', 'jedecHbm2', 'tpusim']),
  citations: {
    clockHz: cite('jouppi2021', 'Table 1: 1050 MHz'),
    ...citeTpuTensorCore({
      count: cite('jouppi2021', 'Section 3: one TensorCore per chip'),
      kind: cite('norrie2021', 'MXU description: a systolic array'),
      mxus: cite('jouppi2021', 'Section 3: four MXUs per TensorCore'),
      mxuDim: cite('jouppi2021', 'Table 1: 128x128 MXUs'),
      formats: cite('jouppi2021', 'Table 1: 138 TFLOPS bf16, 138 TOPS int8'),
      vectorOpsPerLane: cite(
        'tpusim',
        '',
        'estimate',
        'not published for TPU v4i; 8 sublanes x 2 ALUs per lane, as in the tpu-v4 preset',
      ),
      unifiedBufferBytes: cite('jouppi2021', 'Section 3: 16 MiB vector memory (VMEM)'),
      accumulatorBytes: cite(
        'tpusim',
        '',
        'estimate',
        'not published; 512 KiB per MXU (1024 rows of 128 fp32), as for the tpu-v4 preset',
      ),
    }),
    'cores[0].matrixUnits[0].productsPerAdder': cite(
      'jouppi2021',
      'MXU description: "first sums groups of four multiplication results together" in a custom four-input ' +
        'floating-point adder without rounding and normalization of the intermediate results',
      'published',
      'quoted from the paper in tinygrad/tinygrad accel/cherry/TPUNOTES (commit 34b6c6a); section not checked',
    ),
    'sharedMemory.sizeBytes': cite('jouppi2021', 'Section 3: 128 MiB common memory (CMEM); 144 MiB on chip with VMEM'),
    'sharedMemory.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      'not published; one 128-wide bf16 row per MXU per cycle, as for the tpu-v4 preset',
    ),
    'offChipMemory.kind': cite('jouppi2021', 'Table 1: HBM2'),
    'offChipMemory.capacityBytes': cite('jouppi2021', 'Table 1: 8 GiB HBM2'),
    'offChipMemory.bandwidthBytesPerS': cite('jouppi2021', 'Table 1: 614 GB/s'),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    'hostLink.kind': cite('jouppi2021', 'Section 3: PCIe to the host'),
    'hostLink.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      'not published for TPU v4i; about 16 GB/s each way, as the tpu-v4 preset',
    ),
    'hostLink.latencyNs': COMMON.pcieLatency,
    'chipLinks.kind': cite('jouppi2021', 'Table 1: ICI'),
    'chipLinks.count': cite('jouppi2021', 'Table 1: 2 ICI links (4 chips per board in a ring)'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'jouppi2023',
      'Table 4: 50 GB/s per TPU v4 ICI link',
      'estimate',
      "TPU v4i's link rate is not in the sources read; TPU v4's taken",
    ),
    'technology.processNm': cite('jouppi2021', 'Table 1: 7 nm'),
    'technology.dieAreaMm2': cite('jouppi2021', 'Table 1: die size', 'published', "an upper bound: '< 400 mm^2'"),
    'technology.tdpW': cite('jouppi2021', 'Table 1: 175 W TDP, air-cooled'),
    'technology.sustainedClockHz': cite(
      'jouppi2021',
      'Table 1: 1050 MHz at a 175 W TDP',
      'published',
      'a fixed-clock ASIC: the clock published with its TDP; the power model (201 W board for back-to-back dense ' +
        'GEMMs) does not cap it',
    ),
  },
};

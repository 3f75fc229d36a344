import type { ChipSpec } from '../chip-spec.js';
import { deriveChip } from './builders.js';
import { H100_SXM } from './h100.js';
import { cite } from './sources.js';

/** 400 GB/s bidirectional NVLink over NVLink 4's 25 GB/s per link and direction. */
const NVLINK_LINKS = 8;

/**
 * NVIDIA H800 SXM5 (2023): the H100 SXM5 sold in China under the 2022 export rules. Same die, SMs,
 * clocks, HBM3 and 700 W; chip-to-chip NVLink cut to 400 GB/s (FP64 to about 1 TFLOPS).
 */
export const H800: ChipSpec = deriveChip(
  H100_SXM,
  {
    name: 'h800',
    description:
      'NVIDIA H800 SXM5 (2023): the H100 SXM die and compute (132 SMs x 4 tensor cores, 80 GiB HBM3) with NVLink ' +
      'cut to 400 GB/s bidirectional (8 link-equivalents)',
    chipLinks: { count: NVLINK_LINKS },
  },
  {
    'cores[0].matrixUnits[0].formats': cite(
      'nvidiaH800',
      'H800 SXM dense: 989 TFLOPS bf16/fp16, 1979 TFLOPS fp8, 1979 TOPS int8',
      'published',
      'the H100 SXM5 figures (headline figures are with sparsity); FP64 is cut to about 1 TFLOPS, which tpusim ' +
        'does not model; the datasheet was read through re-publications',
    ),
    'chipLinks.count': cite(
      'nvidiaH800',
      'H800 SXM: 400 GB/s bidirectional NVLink per GPU (H100 SXM: 900 GB/s)',
      'derived',
      '400e9 / 25e9 per link per direction / 2 = 8 links; NVIDIA does not say whether links are disabled or ' +
        'slowed, only the total counts here',
    ),
    'technology.sustainedClockHz': cite(
      'tpusimMeasured',
      'data/gpu-measured/h100-sxm.json, clock: 1335 MHz under dense bf16 GEMMs at 700 W',
      'estimate',
      'not measured on an H800; the same GH100 die, SM count and 700 W limit as the H100 SXM, so its measured ' +
        '1335 MHz is taken',
    ),
  },
);

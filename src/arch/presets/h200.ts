import { GIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { deriveChip } from './builders.js';
import { H100_SXM } from './h100.js';
import { cite } from './sources.js';

/** NVIDIA H200 SXM (2024): the H100's GH100 die and clocks with 141 GB of HBM3e at 4.8 TB/s. */
export const H200: ChipSpec = deriveChip(
  H100_SXM,
  {
    name: 'h200',
    description:
      'NVIDIA H200 SXM (2024): the H100 SXM die (132 SMs x 4 tensor cores, 50 MiB L2) with 141 GiB HBM3e at 4.8 TB/s',
    technology: { sustainedClockHz: 1440e6 },
    offChipMemory: {
      kind: 'HBM3e',
      capacityBytes: 141 * GIB,
      bandwidthBytesPerS: 4800e9,
      sustainedBandwidthBytesPerS: 4.25e12,
    },
  },
  {
    'cores[0].matrixUnits[0].formats': cite(
      'nvidiaH200',
      'dense: 989.4 TFLOPS bf16/fp16, 1979 TFLOPS fp8, 1979 TOPS int8',
      'published',
      'identical to H100 SXM; headline figures are with sparsity',
    ),
    'offChipMemory.kind': cite('nvidiaH200', 'HBM3e'),
    'offChipMemory.capacityBytes': cite(
      'nvidiaH200',
      "'141 GB'",
      'published',
      'taken as GiB like the other HBM capacities (HBM stacks are binary-sized); decimal would be 131 GiB',
    ),
    'offChipMemory.bandwidthBytesPerS': cite('nvidiaH200', '4.8 TB/s'),
    'offChipMemory.sustainedBandwidthBytesPerS': cite(
      'tpusimMeasured',
      'data/gpu-measured/h200.json, copy: a 2 GiB device-to-device copy, bytes read plus written per second ' +
        '(median of 20)',
      'measured',
      '89% of the published 4.8 TB/s',
    ),
    'technology.sustainedClockHz': cite(
      'tpusimMeasured',
      'data/gpu-measured/h200.json, clock: median SM clock over 15 s of back-to-back bf16 8192^3 GEMMs ' +
        '(1425-1455 MHz) at the 700 W power limit',
      'measured',
      '657 TFLOP/s sustained; 79% of the 1830 MHz of the published peaks',
    ),
  },
);

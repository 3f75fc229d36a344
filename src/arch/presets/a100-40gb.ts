import { GIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { A100 } from './a100.js';
import { citeOffChipMemory, deriveChip } from './builders.js';
import { cite } from './sources.js';

/**
 * NVIDIA A100 SXM4 40GB (2020): the a100 preset's GA100 with five stacks of HBM2 at 1555 GB/s; the same
 * 400 W board limit, and so the same sustained clock, as the 80 GB part.
 */
export const A100_40GB: ChipSpec = deriveChip(
  A100,
  {
    name: 'a100-40gb',
    description:
      'NVIDIA A100 SXM4 40GB (2020): the a100 die (108 SMs x 4 tensor cores, 40 MiB L2) with 40 GiB HBM2 at 1555 GB/s',
    offChipMemory: {
      kind: 'HBM2',
      capacityBytes: 40 * GIB,
      bandwidthBytesPerS: 1555e9,
      sustainedBandwidthBytesPerS: 1.37e12,
    },
  },
  {
    ...citeOffChipMemory({
      kind: cite('nvidiaA100', 'A100 40GB: HBM2'),
      capacityBytes: cite('nvidiaA100', 'A100 SXM4 40GB', 'published', 'taken as 40 GiB (5 stacks of 8 GiB)'),
      bandwidthBytesPerS: cite('nvidiaA100', 'A100 40GB: 1555 GB/s'),
      sustainedBandwidthBytesPerS: cite(
        'nvForumA100Bandwidth',
        'A100 80GB SXM: a read kernel at 1.80 of 2.04 TB/s (88%)',
        'estimate',
        "the 80 GB part's measured 88% applied to 1555 GB/s = 1.37 TB/s: the same memory controllers with HBM2",
      ),
    }),
    'technology.tdpW': cite('nvidiaA100', 'A100 SXM4: 400 W'),
    'technology.sustainedClockHz': cite(
      'jouppi2023',
      'section 7: A100 measured at ~1280 MHz average under power capping (MLPerf BERT)',
      'measured',
      "Google's measurement of the 400 W SXM4 A100 under load, 91% of the 1410 MHz boost; the same board limit " +
        'as the 80 GB part, so taken for both',
    ),
  },
);

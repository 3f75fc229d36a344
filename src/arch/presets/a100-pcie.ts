import type { ChipSpec } from '../chip-spec.js';
import { A100 } from './a100.js';
import { citeOffChipMemory, deriveChip } from './builders.js';
import { cite } from './sources.js';

/**
 * NVIDIA A100 80GB PCIe (2021): the a100 preset's GA100 and peaks on a 300 W card with HBM2e at 1935 GB/s.
 * The same published peaks as the SXM4 part; the lower power limit shows in its sustained clock.
 */
export const A100_PCIE: ChipSpec = deriveChip(
  A100,
  {
    name: 'a100-pcie',
    description:
      'NVIDIA A100 80GB PCIe (2021): the a100 die (108 SMs x 4 tensor cores, 40 MiB L2) on a 300 W card, 80 GiB ' +
      'HBM2e at 1935 GB/s, NVLink bridge to one peer',
    offChipMemory: { bandwidthBytesPerS: 1935e9, sustainedBandwidthBytesPerS: 1.7e12 },
    technology: { tdpW: 300, sustainedClockHz: 1143e6 },
  },
  {
    ...citeOffChipMemory({
      kind: cite('nvidiaA100', 'A100 80GB PCIe: HBM2e'),
      capacityBytes: cite('nvidiaA100', 'A100 80GB PCIe', 'published', 'taken as 80 GiB (5 stacks of 16 GiB)'),
      bandwidthBytesPerS: cite('nvidiaA100', 'A100 80GB PCIe: 1935 GB/s'),
      sustainedBandwidthBytesPerS: cite(
        'nvForumA100Bandwidth',
        'A100 80GB SXM: a read kernel at 1.80 of 2.04 TB/s (88%)',
        'estimate',
        "the SXM part's measured 88% applied to 1935 GB/s = 1.70 TB/s: the same die and HBM2e at a lower clock",
      ),
    }),
    'chipLinks.kind': cite('nvidiaA100', 'A100 PCIe: NVLink Bridge for 2 GPUs, 600 GB/s'),
    'chipLinks.count': cite(
      'nvidiaA100',
      'A100 PCIe: three NVLink bridges join a pair of cards',
      'derived',
      '600 GB/s bidirectional / 25 GB/s per link per direction / 2 = 12 links, all to the one bridged peer',
    ),
    'technology.tdpW': cite('nvidiaA100', 'A100 80GB PCIe: 300 W'),
    'technology.sustainedClockHz': cite(
      'mlEngineering',
      'MAMF table: NVIDIA A100 PCIe, 252.9 TFLOP/s bf16 of 312 (81.1%), best shape 2048x5120x6144',
      'derived',
      '252.9 / 312 x 1410 MHz = 1143 MHz; folds in kernel losses at the best shape besides the 300 W power cap; ' +
        'the row does not say whether the card was the 40 or 80 GB one',
    ),
  },
);

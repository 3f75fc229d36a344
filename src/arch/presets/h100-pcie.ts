import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, deriveChip } from './builders.js';
import { buildNvidiaSm } from './gpu-builders.js';
import { H100_SXM, HOPPER_SM } from './h100.js';
import { cite } from './sources.js';

/**
 * The clock of the published dense peak: 756 TFLOPS / (114 SMs x 4096 FLOP per clock) = 1.62 GHz; boost is 1755 MHz.
 */
const CLOCK_HZ = 1620e6;

/** NVIDIA H100 PCIe 80GB (2022): the GH100 with 114 SMs enabled on a 350 W card, HBM2e at 2 TB/s. */
export const H100_PCIE: ChipSpec = deriveChip(
  H100_SXM,
  {
    name: 'h100-pcie',
    description:
      'NVIDIA H100 PCIe 80GB (2022): 114 SMs x 4 tensor cores (bf16/fp16, fp8 and int8 at 2x), 50 MiB L2, 80 GiB ' +
      'HBM2e at 2 TB/s, 350 W, NVLink bridge to one peer',
    clockHz: CLOCK_HZ,
    cores: [buildNvidiaSm({ ...HOPPER_SM, count: 114, clockHz: CLOCK_HZ })],
    sharedMemory: { bandwidthBytesPerS: 5120 * CLOCK_HZ },
    offChipMemory: { kind: 'HBM2e', bandwidthBytesPerS: 2000e9 },
    chipLinks: { count: 12 },
    technology: { tdpW: 350, sustainedClockHz: 1182e6 },
  },
  {
    clockHz: cite(
      'nvidiaH100',
      'H100 PCIe: 756 TFLOPS dense bf16',
      'derived',
      '756e12 / (114 SMs x 4096 FLOP per clock) = 1.62 GHz; the boost clock is 1755 MHz',
    ),
    'cores[0].count': cite('nvidiaH100', 'H100 PCIe: 114 SMs (144 on the full GH100)'),
    'cores[0].matrixUnits[0].formats': cite(
      'nvidiaH100',
      'H100 PCIe dense: 756 TFLOPS bf16/fp16, 1513 TFLOPS fp8, 1513 TOPS int8',
      'published',
      'the datasheet headline figures are with 2:4 sparsity (2x)',
    ),
    'cores[0].matrixUnits[0].formats[2].rate': cite(
      'nvidiaH100',
      'H100 PCIe: 1513 TFLOPS fp8 vs 756 bf16',
      'derived',
      '1513 / 756 = 2',
    ),
    'cores[0].matrixUnits[0].formats[3].rate': cite(
      'nvidiaH100',
      'H100 PCIe: 1513 TFLOPS fp8 vs 756 bf16',
      'derived',
      '1513 / 756 = 2',
    ),
    'cores[0].matrixUnits[0].formats[4].rate': cite(
      'nvidiaH100',
      'H100 PCIe: 1513 TOPS int8 vs 756 TFLOPS bf16',
      'derived',
      '1513 / 756 = 2',
    ),
    'cores[0].vectorUnit.opsPerLanePerCycle': cite(
      'nvidiaH100',
      'H100 PCIe: 51 TFLOPS FP32 at the 1755 MHz boost',
      'derived',
      'one FMA (2 ops) per lane per clock: 114 x 128 x 2 x 1.755 GHz = 51.2 TFLOPS (47.3 at the tensor-peak clock)',
    ),
    'sharedMemory.sizeBytes': cite('nvidiaH100', 'H100 PCIe: 50 MB L2 cache', 'published', 'taken as 50 MiB'),
    'sharedMemory.bandwidthBytesPerS': cite(
      'nvidiaA100',
      'L2 cache: 5120 bytes per clock',
      'estimate',
      "Hopper's L2 bandwidth is not published; A100's per-clock figure assumed at 1.62 GHz",
    ),
    ...citeOffChipMemory({
      kind: cite('nvidiaH100', 'H100 PCIe: HBM2e'),
      capacityBytes: cite('nvidiaH100', 'H100 PCIe: 80 GB', 'published', 'taken as 80 GiB (5 stacks of 16 GiB)'),
      bandwidthBytesPerS: cite(
        'nvidiaH100',
        'H100 PCIe: 2 TB/s',
        'published',
        'the whitepaper gives 2039 GB/s; the datasheet rounds to 2 TB/s',
      ),
    }),
    'chipLinks.kind': cite('nvidiaH100', 'H100 PCIe: NVLink bridge, 600 GB/s bidirectional'),
    'chipLinks.count': cite(
      'nvidiaH100',
      'H100 PCIe: NVLink bridges join a pair of cards',
      'derived',
      '600 GB/s bidirectional / 25 GB/s per link per direction / 2 = 12 links, all to the one bridged peer',
    ),
    'technology.tdpW': cite('nvidiaH100', "H100 PCIe: '300-350 W (configurable)'", 'published', 'the upper setting'),
    'technology.sustainedClockHz': cite(
      'tpusimMeasured',
      'data/gpu-measured/h100-sxm.json, clock: 1335 of 1830 MHz (73%) under dense bf16 GEMMs at 700 W',
      'estimate',
      "no published measurement found; the H100 SXM's measured 73% of its tensor-peak clock applied to 1620 MHz " +
        '= 1182 MHz: a 350 W card with 114 SMs is at least as power-bound',
    ),
  },
  ['offChipMemory.sustainedBandwidthBytesPerS'],
);

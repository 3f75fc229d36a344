import { GIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, deriveChip } from './builders.js';
import { H100_SXM } from './h100.js';
import { cite } from './sources.js';

/**
 * The Hopper GPU of an NVIDIA GH200 Grace Hopper Superchip (2023): the H100 SXM5's compute with
 * 96 GiB of HBM3 at 4 TB/s, attached to its Grace CPU by NVLink-C2C instead of PCIe.
 */
export const GH200: ChipSpec = deriveChip(
  H100_SXM,
  {
    name: 'gh200',
    description:
      'NVIDIA GH200 Grace Hopper Superchip, its Hopper GPU (2023): the H100 SXM compute (132 SMs x 4 tensor ' +
      'cores) with 96 GiB HBM3 at 4 TB/s and NVLink-C2C (450 GB/s each way) to the Grace CPU',
    offChipMemory: { capacityBytes: 96 * GIB, bandwidthBytesPerS: 4000e9 },
    hostLink: { kind: 'NVLink-C2C', bandwidthBytesPerS: 450e9 },
    technology: { tdpW: 1000, sustainedClockHz: 1533e6 },
  },
  {
    'cores[0].count': cite(
      'nvidiaGh200',
      'GH200: the H100 GPU with 132 SMs',
      'published',
      'read through re-publications of the datasheet',
    ),
    'cores[0].matrixUnits[0].formats': cite(
      'nvidiaGh200',
      'GH200 GPU: 1979 TFLOPS bf16 and 3958 fp8/int8 with sparsity',
      'published',
      'dense figures are half: 989 bf16, 1979 fp8/int8, the H100 SXM5 compute',
    ),
    ...citeOffChipMemory({
      kind: cite(
        'nvidiaGh200',
        'GH200: 96 GB HBM3 (a later version: 144 GB HBM3e at 4.9 TB/s)',
        'published',
        'the 96 GB HBM3 version is taken: the one of the first and most deployed systems',
      ),
      capacityBytes: cite(
        'nvidiaGh200',
        'GH200: 96 GB HBM3',
        'published',
        'taken as 96 GiB (HBM stacks are binary-sized); 480 GB of LPDDR5X on the Grace CPU is not counted',
      ),
      bandwidthBytesPerS: cite('nvidiaGh200', 'GH200: 4 TB/s HBM3'),
    }),
    'hostLink.kind': cite('nvidiaGh200', 'NVLink-C2C to the Grace CPU, 900 GB/s bidirectional, cache-coherent'),
    'hostLink.bandwidthBytesPerS': cite(
      'nvidiaGh200',
      'NVLink-C2C: 900 GB/s bidirectional',
      'derived',
      '900e9 / 2 directions',
    ),
    'hostLink.latencyNs': cite(
      'tpusim',
      '',
      'estimate',
      'not published; the PCIe round trip of about 1 us kept as an upper bound for a coherent chip-to-chip link',
    ),
    'technology.tdpW': cite(
      'nvidiaGh200',
      "GH200: module power '450 W to 1000 W' (configurable)",
      'published',
      'the whole superchip (Grace CPU, Hopper GPU, memory) at its upper setting; the GPU alone is not specified',
    ),
    'technology.sustainedClockHz': cite(
      'mlEngineering',
      'MAMF table: NVIDIA GH200 SXM (900 W, 144 GB HBM3e version), 828.6 TFLOP/s bf16 of 989 (83.8%), best shape ' +
        '1024x15360x4096',
      'derived',
      '828.6 / 989.4 x 1830 MHz = 1533 MHz; folds in kernel losses at the best shape besides power capping; ' +
        'measured on the HBM3e version with the same GPU',
    ),
  },
  ['offChipMemory.sustainedBandwidthBytesPerS', 'hostLink.sustainedBandwidthBytesPerS', 'hostLink.dmaSetupNs'],
);

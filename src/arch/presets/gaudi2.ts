import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildMmeCore, citeMmeCore, MME_DIM, MME_TILE_K } from './gaudi.js';
import { cite, sourcesFor } from './sources.js';

/** Not published: 432 TFLOPS / (2 MMEs x 256x256 x 2 ops) = 1.65 GHz, if the MMEs are 256x256 like Gaudi 3's. */
const CLOCK_HZ = 1650e6;
const MMES = 2;
const TPCS = 24;

/** Intel (Habana) Gaudi 2 (2022): two MMEs and 24 TPCs, 48 MB of SRAM, 96 GiB HBM2E, 24 x 100 GbE RoCE on the chip. */
export const GAUDI2: ChipSpec = {
  schemaVersion: 1,
  name: 'gaudi2',
  description:
    'Intel Gaudi 2 (2022): 2 MMEs (output-stationary, modelled as 256x256 tensor-core engines; bf16, fp8 at 2x) ' +
    'and 24 TPCs, 48 MiB SRAM, 96 GiB HBM2E, 24 x 100 GbE RoCE',
  clockHz: CLOCK_HZ,
  cores: [
    buildMmeCore({
      count: MMES,
      formats: [...formatsAt(1, 'bf16'), ...formatsAt(2, 'fp8-e4m3', 'fp8-e5m2')],
      tpcsPerMme: TPCS / MMES,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 48 * MIB, bandwidthBytesPerS: MMES * 2 * MME_DIM * 2 * CLOCK_HZ },
  gpuTiling: { tileM: MME_DIM, tileN: MME_DIM, tileK: MME_TILE_K, blocksPerSm: 1 },
  offChipMemory: { kind: 'HBM2E', capacityBytes: 96 * GIB, bandwidthBytesPerS: 2460e9, latencyNs: 100 },
  hostLink: pcieX16(4),
  chipLinks: { kind: 'RoCE v2, 100 GbE', count: 24, bandwidthBytesPerSPerLink: 12.5e9 },
  technology: { processNm: 7, tdpW: 600, sustainedClockHz: 1599e6 },
  sources: sourcesFor([
    'intelHc2024',
    'intelGaudi2',
    'intelGaudi3',
    'habanaDocs',
    'mlEngineering',
    'pcie4',
    'jedecHbm2',
    'tpusim',
  ]),
  citations: {
    clockHz: cite(
      'intelHc2024',
      'Gaudi 2: 432 TFLOPS bf16',
      'estimate',
      'not published; 432e12 / (2 MMEs x 256 x 256 x 2) = 1.65 GHz for the assumed MME size (Bekman derives the same)',
    ),
    ...citeMmeCore({
      count: cite('intelHc2024', 'Gaudi 2: 2 MMEs and 24 TPCs'),
      mmeDim: cite(
        'intelGaudi3',
        "Gaudi 3's MME: 256x256 MACs",
        'estimate',
        "Gaudi 2's MME size is not published; Gaudi 3's assumed, which with 2 MMEs gives a plausible 1.65 GHz",
      ),
      formats: cite(
        'intelHc2024',
        'Gaudi 2: 432 TFLOPS bf16 matrix; 865 TFLOPS fp8 (Gaudi 2 white paper)',
        'published',
        'fp8 in both E4M3 and E5M2; fp16, tf32 and fp32 run on the MME too but their rates are not in the sources read',
      ),
      formatRates: {
        1: cite('intelGaudi2', '865 TFLOPS fp8 vs 432 bf16', 'derived', '865 / 432 = 2'),
        2: cite('intelGaudi2', '865 TFLOPS fp8 vs 432 bf16', 'derived', '865 / 432 = 2'),
      },
      tpcsPerMme: cite('intelHc2024', 'Gaudi 2: 24 TPCs'),
    }),
    'sharedMemory.sizeBytes': cite(
      'intelGaudi2',
      '48 MB on-die SRAM',
      'published',
      'recalled from the white paper, not re-read; taken as 48 MiB',
    ),
    'sharedMemory.bandwidthBytesPerS': cite(
      'tpusim',
      '',
      'estimate',
      "not published; enough to feed both MMEs' operand buffers every clock",
    ),
    ...citeOffChipMemory({
      kind: cite('intelHc2024', 'Gaudi 2: HBM2E, 6 stacks'),
      capacityBytes: cite('intelHc2024', 'Gaudi 2: 96 GB', 'published', 'taken as 96 GiB (6 stacks of 16 GiB)'),
      bandwidthBytesPerS: cite('intelHc2024', 'Gaudi 2: 2.46 TB/s'),
    }),
    ...citePcieX16(4, cite('intelHc2024', 'Gaudi 2: PCIe, 64 GB/s bidirectional', 'published', 'PCIe Gen4 x16')),
    'chipLinks.kind': cite('habanaDocs', 'Gaudi Architecture: integrated RDMA over Converged Ethernet (RoCE v2)'),
    'chipLinks.count': cite(
      'intelHc2024',
      'Gaudi 2: 24 x 100 GbE, 4.8 Tb/s bidirectional',
      'published',
      'in an 8-chip server 21 ports join the 7 peers (3 each) and 3 go to the scale-out network',
    ),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'intelHc2024',
      'Gaudi 2: 24 x 100 GbE',
      'derived',
      '100 Gb/s / 8 bits, per direction',
    ),
    'technology.processNm': cite('intelHc2024', 'Gaudi 2: 7 nm'),
    'technology.tdpW': cite('intelHc2024', 'Gaudi 2: TDP 600 W (OAM)'),
    'technology.sustainedClockHz': cite(
      'mlEngineering',
      'MAMF table: Intel Gaudi 2, 418.7 TFLOP/s bf16 of 432 (96.9%), best shape 14336x15360x2048',
      'derived',
      '418.7 / 432 x 1650 MHz = 1599 MHz; folds in kernel losses at the best shape besides any power capping',
    ),
  },
};

import { GIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildMmeCore, citeMmeCore, MME_DIM, MME_TILE_K } from './gaudi.js';
import { cite, sourcesFor } from './sources.js';

/** The clock of the published peak: 1835 TFLOPS / (8 MMEs x 256x256 x 2 ops) = 1.75 GHz. */
const CLOCK_HZ = 1750e6;
const MMES = 8;
const TPCS = 64;

/**
 * Intel Gaudi 3 (2024): two compute dies, four deep-learning cores (DCOREs) of 2 MMEs, 16 TPCs and
 * 24 MB of cache each; 128 GiB HBM2e; 24 x 200 GbE RoCE on the chip. fp8 runs at the bf16 rate.
 */
export const GAUDI3: ChipSpec = {
  schemaVersion: 1,
  name: 'gaudi3',
  description:
    'Intel Gaudi 3 (2024): 8 MMEs of 256x256 (output-stationary, modelled as tensor-core engines; bf16 and fp8 ' +
    'at the same rate) and 64 TPCs, 96 MiB SRAM, 128 GiB HBM2e, 24 x 200 GbE RoCE',
  clockHz: CLOCK_HZ,
  cores: [
    buildMmeCore({
      count: MMES,
      formats: formatsAt(1, 'bf16', 'fp8-e4m3', 'fp8-e5m2'),
      tpcsPerMme: TPCS / MMES,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 96 * MIB, bandwidthBytesPerS: 12.8e12 },
  gpuTiling: { tileM: MME_DIM, tileN: MME_DIM, tileK: MME_TILE_K, blocksPerSm: 1 },
  offChipMemory: { kind: 'HBM2e', capacityBytes: 128 * GIB, bandwidthBytesPerS: 3670e9, latencyNs: 100 },
  hostLink: pcieX16(5),
  chipLinks: { kind: 'RoCE v2, 200 GbE', count: 24, bandwidthBytesPerSPerLink: 25e9 },
  technology: { processNm: 5, tdpW: 900, sustainedClockHz: 1185e6 },
  sources: sourcesFor(['intelHc2024', 'intelGaudi3', 'habanaDocs', 'mlEngineering', 'pcie5', 'jedecHbm2', 'tpusim']),
  citations: {
    clockHz: cite(
      'intelHc2024',
      'Gaudi 3: 1835 TFLOPS bf16 matrix, 8 MMEs',
      'derived',
      '1835e12 / (8 x 256 x 256 x 2) = 1.75 GHz; Bekman reports shipping parts run the MMEs at 1.6 GHz (1677 TFLOPS)',
    ),
    ...citeMmeCore({
      count: cite('intelHc2024', 'Gaudi 3: 8 MMEs and 64 TPCs in 4 DCOREs'),
      mmeDim: cite(
        'intelGaudi3',
        "MME: '256x256 MAC structure'",
        'published',
        'read through re-publications of the white paper',
      ),
      formats: cite(
        'intelHc2024',
        'Gaudi 3: 1835 TFLOPS bf16 matrix, 1835 TFLOPS fp8 matrix',
        'published',
        'fp8 at the bf16 rate, in both E4M3 and E5M2; other MME formats are not in the sources read',
      ),
      tpcsPerMme: cite('intelHc2024', 'Gaudi 3: 64 TPCs (16 per DCORE of 2 MMEs)'),
    }),
    'sharedMemory.sizeBytes': cite(
      'intelHc2024',
      'Gaudi 3: 96 MB on-die SRAM (24 MB per DCORE)',
      'published',
      'taken as 96 MiB',
    ),
    'sharedMemory.bandwidthBytesPerS': cite('intelHc2024', 'Gaudi 3: on-die SRAM (L2) bandwidth 12.8 TB/s'),
    ...citeOffChipMemory({
      kind: cite('intelHc2024', 'Gaudi 3: HBM2e, 8 stacks'),
      capacityBytes: cite('intelHc2024', 'Gaudi 3: 128 GB', 'published', 'taken as 128 GiB (8 stacks of 16 GiB)'),
      bandwidthBytesPerS: cite('intelHc2024', 'Gaudi 3: 3.67 TB/s'),
    }),
    ...citePcieX16(5, cite('intelHc2024', 'Gaudi 3: PCIe Gen5 x16, 128 GB/s bidirectional')),
    'chipLinks.kind': cite('intelHc2024', 'Gaudi 3: 24 RDMA NIC ports of 200 GbE (RoCE v2)'),
    'chipLinks.count': cite(
      'intelHc2024',
      'Gaudi 3: 24 x 200 GbE, 1200 GB/s bidirectional',
      'published',
      'in an 8-chip server 21 ports join the 7 peers (3 each) and 3 go to the scale-out network',
    ),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'intelHc2024',
      'Gaudi 3: 24 x 200 GbE, 1200 GB/s bidirectional',
      'derived',
      '200 Gb/s / 8 bits = 25 GB/s per direction; 24 x 25 x 2 = 1200 GB/s',
    ),
    'technology.processNm': cite('intelHc2024', 'Gaudi 3: 5 nm, two compute dies'),
    'technology.tdpW': cite(
      'intelHc2024',
      'Gaudi 3: up to 900 W air-cooled (1200 W liquid-cooled)',
      'published',
      'the air-cooled OAM',
    ),
    'technology.sustainedClockHz': cite(
      'mlEngineering',
      'MAMF table: Intel Gaudi 3, 1243 TFLOP/s bf16, best shape 16384x4096x768',
      'derived',
      '1243 / 1835 x 1750 MHz = 1185 MHz; Bekman attributes most of the gap to the MMEs shipping at 1.6 GHz ' +
        '(1243 is 74% of 1677); kernel losses are folded in',
    ),
  },
};

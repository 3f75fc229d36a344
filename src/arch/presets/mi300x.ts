import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildGpuCore, citeGpuCore, citeGpuTiling } from './gpu-builders.js';
import { cite, sourcesFor } from './sources.js';

/** AMD's peak engine clock; 1307.4 TFLOPS / (304 CUs x 2048 FLOP per clock) = 2.1 GHz. */
const CLOCK_HZ = 2100e6;

/**
 * AMD Instinct MI300X (2023): 8 XCDs of 38 compute units, described like a GPU: each CU is a core with
 * four matrix cores (kind 'tensor-core': fed from registers), LDS as unified buffer, the 256 MiB
 * Infinity Cache as shared memory.
 */
export const MI300X: ChipSpec = {
  schemaVersion: 1,
  name: 'mi300x',
  description:
    'AMD Instinct MI300X (2023): 304 CUs x 4 matrix cores (bf16/fp16, fp8 and int8 at 2x), 256 MiB Infinity ' +
    'Cache, 192 GiB HBM3, 7 Infinity Fabric links',
  clockHz: CLOCK_HZ,
  cores: [
    buildGpuCore({
      name: 'CU',
      count: 304,
      tensorCores: 4,
      /** 2048 dense bf16 FLOP per CU per clock = 256 MACs per matrix core; 16 x 16 is a modelling choice. */
      rows: 16,
      cols: 16,
      formats: [...formatsAt(1, 'bf16', 'fp16'), ...formatsAt(2, 'fp8-e4m3', 'fp8-e5m2', 'int8')],
      weightFifoTiles: 2,
      vectorUnit: { lanes: 64, opsPerLanePerCycle: 4 },
      unifiedBufferBytes: 64 * KIB,
      accumulatorBytes: 512 * KIB,
      registerFileBytes: 512 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 256 * MIB, bandwidthBytesPerS: 17.2e12 },
  gpuTiling: { tileM: 256, tileN: 256, tileK: 32, blocksPerSm: 1 },
  offChipMemory: { kind: 'HBM3', capacityBytes: 192 * GIB, bandwidthBytesPerS: 5300e9, latencyNs: 100 },
  hostLink: pcieX16(5),
  chipLinks: { kind: 'Infinity Fabric', count: 7, bandwidthBytesPerSPerLink: 64e9 },
  technology: { processNm: 5, tdpW: 750, sustainedClockHz: 1074e6 },
  sources: sourcesFor([
    'rocmMi300',
    'rocmGpuSpecs',
    'amdMi300x',
    'mlcommonsMi300x',
    'mlEngineering',
    'pcie5',
    'jedecHbm2',
    'tpusim',
  ]),
  citations: {
    clockHz: cite(
      'rocmMi300',
      'peak table: 1307.4 TFLOPS bf16, 2048 FLOP per clock per CU',
      'derived',
      '1307.4e12 / (304 x 2048) = 2.10 GHz, the peak engine clock on the product page',
    ),
    ...citeGpuCore({
      count: cite('rocmMi300', '304 compute units (8 XCDs x 38)'),
      kind: cite('rocmMi300', 'Matrix Cores (MFMA), operands and results in vector registers'),
      matrixUnits: cite(
        'amdMi300x',
        'CDNA 3 compute unit',
        'estimate',
        'four Matrix Cores per CU (1216 per GPU) as recalled from AMD material; only the per-CU rate is checked',
      ),
      rows: cite(
        'rocmMi300',
        '2048 dense bf16 FLOP per clock per CU',
        'derived',
        'modelling choice: 1024 MACs per CU / 4 = 256 per matrix core, as 16 x 16',
      ),
      cols: cite(
        'rocmMi300',
        '2048 dense bf16 FLOP per clock per CU',
        'derived',
        'modelling choice: 256 MACs as 16 x 16',
      ),
      formats: cite(
        'rocmMi300',
        'dense: 1307.4 TFLOPS bf16/fp16, 2614.9 fp8 and int8',
        'published',
        "MI300X's fp8 is the FNUZ variant (max 240), not OCP e4m3/e5m2: rates hold, bit-exact values do not",
      ),
      formatRates: {
        2: cite('rocmMi300', '4096 fp8 FLOP per clock per CU', 'derived', '2614.9 / 1307.4 = 2'),
        3: cite('rocmMi300', '4096 fp8 FLOP per clock per CU', 'derived', '2614.9 / 1307.4 = 2'),
        4: cite('rocmMi300', '4096 int8 OP per clock per CU', 'derived', '2614.9 / 1307.4 = 2'),
      },
      doubleBufferedWeights: cite(
        'tpusim',
        '',
        'estimate',
        'nominal: no stationary tile; GEMM kernels double-buffer operand tiles in LDS',
      ),
      weightFifoTiles: cite(
        'tpusim',
        '',
        'estimate',
        'nominal: two LDS stages of 32 KiB ((256 + 256) x 32 x 2 B) fill the 64 KiB LDS',
      ),
      lanes: cite(
        'rocmMi300',
        'CDNA 3 CU: 4 SIMD units of 16 lanes',
        'estimate',
        '64 FP32 lanes per CU as recalled; not in the tpusim reference',
      ),
      opsPerLane: cite(
        'amdMi300x',
        '163.4 TFLOPS FP32 vector',
        'estimate',
        'packed FP32 FMA: 2 FMAs (4 ops) per lane per clock; 304 x 64 x 4 x 2.1 GHz = 163.4 TFLOPS',
      ),
      unifiedBufferBytes: cite('rocmGpuSpecs', 'CDNA 3: LDS 64 KiB per CU'),
      unifiedBufferBandwidth: cite(
        'tpusim',
        '',
        'estimate',
        'not in the tpusim reference; 128 B per clock per CU (32 banks of 4 B) assumed',
      ),
      accumulatorBytes: cite(
        'rocmGpuSpecs',
        'CDNA 3: VGPR file 512 KiB per CU',
        'derived',
        'MFMA accumulators (AccVGPRs) live in the unified 512 KiB vector register file',
      ),
      registerFileBytes: cite('rocmGpuSpecs', 'CDNA 3: VGPR file 512 KiB per CU'),
    }),
    'sharedMemory.sizeBytes': cite(
      'rocmGpuSpecs',
      'CDNA 3: L3 (Infinity Cache) 256 MiB',
      'published',
      'read on the MI325X row (same CDNA 3 compute silicon); the 32 MiB of L2 (4 per XCD) is not modelled',
    ),
    'sharedMemory.bandwidthBytesPerS': cite(
      'amdMi300x',
      'Infinity Cache peak bandwidth',
      'estimate',
      'AMD quotes about 17.2 TB/s (CDNA 3 white paper, recalled, not in the tpusim reference)',
    ),
    ...citeGpuTiling({
      tileM: cite(
        'tpusim',
        '',
        'estimate',
        'hipBLASLt/Tensile macro tiles on MI300X are commonly 256x256; depth 32 keeps two stages in the 64 KiB LDS',
      ),
      tileN: cite('tpusim', '', 'estimate', 'hipBLASLt/Tensile macro tiles on MI300X are commonly 256x256'),
      tileK: cite('tpusim', '', 'estimate', 'chosen so two stages of (256 + 256) x 32 x 2 B fit the 64 KiB LDS'),
      blocksPerSm: cite('tpusim', '', 'estimate', 'one workgroup per CU: the two stages use the whole LDS'),
    }),
    ...citeOffChipMemory({
      kind: cite('rocmMi300', 'HBM3, 8 stacks'),
      capacityBytes: cite(
        'rocmMi300',
        '192 GB HBM3',
        'published',
        'taken as GiB (8 stacks of 24 GiB); MLCommons lists 192GB',
      ),
      bandwidthBytesPerS: cite('rocmMi300', '5.3 TB/s peak HBM bandwidth'),
    }),
    ...citePcieX16(
      5,
      cite(
        'amdMi300x',
        'host interface PCIe Gen5 x16',
        'estimate',
        'recalled from the product page; not in the tpusim reference',
      ),
    ),
    'chipLinks.kind': cite('rocmMi300', 'Infinity Fabric links to the 7 peers of a fully connected 8-GPU node'),
    'chipLinks.count': cite('rocmMi300', '7 Infinity Fabric links'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'amdMi300x',
      '128 GB/s bidirectional per link',
      'estimate',
      'recalled (896 GB/s over 7 links), not verified; / 2 directions',
    ),
    'technology.processNm': cite(
      'amdMi300x',
      'TSMC N5 compute dies (XCDs) on N6 I/O dies',
      'published',
      'the XCD node; the node split is recalled',
    ),
    'technology.tdpW': cite('mlcommonsMi300x', "accelerator 'MI300X-NPS1-SPX-192GB-750W'"),
    'technology.sustainedClockHz': cite(
      'mlEngineering',
      'MAMF table: AMD MI300X, 668.4 TFLOP/s bf16 (PyTorch TunableOp, ROCm 6.3), best shape 10240x15360x8192',
      'derived',
      "668.4 / 1307.4 x 2100 MHz = 1074 MHz (51% of peak); folds in the hipBLASLt kernels' losses besides power " +
        'capping',
    ),
  },
};

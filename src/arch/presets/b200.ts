import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildNvidiaSm, citeGpuTiling, citeNvidiaSm } from './gpu-builders.js';
import { cite, sourcesFor } from './sources.js';

/**
 * NVIDIA publishes neither B200's SM count nor its clock. With 148 SMs (device-query reports) and 4 tensor
 * cores of 1024 MACs per SM (twice Hopper's per-SM rate), 2250 TFLOPS dense bf16 needs 1.856 GHz.
 */
const CLOCK_HZ = 1.856e9;

/**
 * NVIDIA B200 in HGX B200 at 1000 W (2024): two dies as one GPU; fifth-generation tensor cores accumulate in tensor
 * memory.
 */
export const B200: ChipSpec = {
  schemaVersion: 1,
  name: 'b200',
  description:
    'NVIDIA B200, HGX 1000 W (2024): 148 SMs x 4 tensor cores (SM count and clock estimated; fp8 and int8 at ' +
    '2x), 180 GiB HBM3e, 18 NVLink 5 links',
  clockHz: CLOCK_HZ,
  cores: [
    buildNvidiaSm({
      count: 148,
      tensorCores: 4,
      rows: 32,
      cols: 32,
      formats: [...formatsAt(1, 'bf16'), ...formatsAt(2, 'fp8-e4m3', 'fp8-e5m2', 'int8')],
      weightFifoTiles: 4,
      fp32Lanes: 128,
      sharedMemoryBytes: 228 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 126 * MIB, bandwidthBytesPerS: 2 * 5120 * CLOCK_HZ },
  gpuTiling: { tileM: 128, tileN: 256, tileK: 64, blocksPerSm: 1 },
  offChipMemory: {
    kind: 'HBM3e',
    capacityBytes: 180 * GIB,
    bandwidthBytesPerS: 8000e9,
    sustainedBandwidthBytesPerS: 7.2e12,
    latencyNs: 100,
  },
  hostLink: pcieX16(5),
  chipLinks: { kind: 'NVLink 5', count: 18, bandwidthBytesPerSPerLink: 50e9 },
  technology: { processNm: 4, tdpW: 1000, sustainedClockHz: 1360e6 },
  sources: sourcesFor([
    'nvidiaBlackwell',
    'cudaGuide',
    'ptxIsa',
    'cutlass',
    'nvidiaA100',
    'mlEngineering',
    'tpusimMeasured',
    'pcie5',
    'jedecHbm2',
    'tpusim',
  ]),
  citations: {
    clockHz: cite(
      'nvidiaBlackwell',
      'HGX B200: 2.25 PFLOPS dense bf16',
      'estimate',
      'not published; 2250e12 / (148 SMs x 4 x 1024 MACs x 2) = 1.856 GHz for the assumed SM count and ' +
        'tensor-core size',
    ),
    ...citeNvidiaSm({
      computeCapability: '10.0',
      count: cite(
        'tpusim',
        '',
        'estimate',
        'not in NVIDIA datasheets; 148 SMs as reported by third-party device queries',
      ),
      kind: cite('nvidiaBlackwell', 'fifth-generation Tensor Cores'),
      matrixUnits: cite('tpusim', '', 'estimate', 'not published; four tensor cores per SM as on Ampere and Hopper'),
      rows: cite(
        'tpusim',
        '',
        'estimate',
        "modelling choice: 1024 MACs per tensor core (twice Hopper's 512), the only doubling that gives a " +
          'plausible clock with 148 SMs; as 32 x 32',
      ),
      cols: cite('tpusim', '', 'estimate', 'modelling choice: 1024 MACs as 32 x 32'),
      formats: cite(
        'nvidiaBlackwell',
        'HGX B200 dense: 2.25 PFLOPS bf16, 4.5 PFLOPS fp8, 4.5 POPS int8',
        'published',
        'read via glennklockwood.com; fp4/fp6 (9 PFLOPS fp4) are not tpusim formats',
      ),
      formatRates: {
        1: cite('nvidiaBlackwell', '4.5 PFLOPS fp8 vs 2.25 bf16', 'derived', '4500 / 2250 = 2'),
        2: cite('nvidiaBlackwell', '4.5 PFLOPS fp8 vs 2.25 bf16', 'derived', '4500 / 2250 = 2'),
        3: cite('nvidiaBlackwell', '4.5 POPS int8 vs 2.25 PFLOPS bf16', 'derived', '4500 / 2250 = 2'),
      },
      doubleBufferedWeights: cite(
        'cutlass',
        'Sm100 TMA warp-specialized mainloop',
        'estimate',
        'nominal: no stationary tile; TMA loads of the next stages overlap compute',
      ),
      weightFifoTiles: cite(
        'cutlass',
        'Sm100 collective builder, StageCountAuto',
        'estimate',
        'nominal: as h100-sxm, 4 stages of 48 KiB',
      ),
      lanes: cite('tpusim', '', 'estimate', 'not published; 128 FP32 lanes per SM as on Hopper'),
      opsPerLane: cite(
        'nvidiaBlackwell',
        '80 TFLOPS FP32',
        'estimate',
        'one FMA (2 ops) per lane per clock; gives 70 TFLOPS at the estimated tensor clock, 80 at a higher boost',
      ),
      unifiedBufferBytes: cite(
        'cudaGuide',
        'compute capability 10.0: shared memory per SM',
        'estimate',
        '228 KiB assumed as for compute capability 9.0',
      ),
      accumulatorBytes: cite(
        'ptxIsa',
        'Tensor Memory: 128 lanes x 512 columns x 32 bit',
        'derived',
        'tcgen05 accumulates in 256 KiB of tensor memory per SM, not in registers',
      ),
    }),
    'sharedMemory.sizeBytes': cite(
      'tpusim',
      '',
      'estimate',
      'not in NVIDIA datasheets; about 126 MiB over the two dies as third-party device queries report (not ' +
        'verified here)',
    ),
    'sharedMemory.bandwidthBytesPerS': cite(
      'nvidiaA100',
      'L2 cache: 5120 bytes per clock',
      'estimate',
      "not published; A100's per-clock L2 bandwidth assumed for each of the two dies",
    ),
    ...citeGpuTiling({
      tileM: cite(
        'cutlass',
        'Sm100 collective builder: 1-SM UMMA tiles of M = 128',
        'estimate',
        'a 128x256x64 bf16 tile per SM as for h100-sxm; 2-SM UMMA pairs of 256x256 behave alike per SM',
      ),
      tileN: cite(
        'cutlass',
        'Sm100 collective builder: UMMA N up to 256',
        'estimate',
        'a 128x256x64 bf16 tile per SM as for h100-sxm',
      ),
      tileK: cite('cutlass', 'Sm100 collective builder', 'estimate', 'a 128x256x64 bf16 tile per SM as for h100-sxm'),
      blocksPerSm: cite('cutlass', 'Sm100 persistent kernels', 'estimate', 'one persistent block per SM'),
    }),
    ...citeOffChipMemory({
      kind: cite('nvidiaBlackwell', 'HBM3e'),
      capacityBytes: cite(
        'nvidiaBlackwell',
        'HGX B200: 1,440 GB for 8 GPUs (180 GB each)',
        'published',
        'usable capacity (192 GB physical); taken as GiB like the other HBM capacities',
      ),
      bandwidthBytesPerS: cite(
        'nvidiaBlackwell',
        'HGX B200: 8 TB/s per GPU',
        'published',
        'some NVIDIA tables list 7.7 TB/s',
      ),
      sustainedBandwidthBytesPerS: cite(
        'tpusimMeasured',
        'data/gpu-measured: a 2 GiB device-to-device copy reaches 90% of the published bandwidth on H100 SXM ' +
          '(HBM3) and 89% on H200 (HBM3e)',
        'estimate',
        "not measured on B200: Hopper's measured share applied to 8 TB/s; a third-party CUDA-samples run reports " +
          "'over 6,000 GB/s' device to device (newmind.ai, April 2025), consistent with it",
      ),
    }),
    ...citePcieX16(
      5,
      cite('tpusim', '', 'estimate', 'not in the tpusim reference; PCIe Gen5 x16 assumed as on HGX H100'),
      'assumed',
    ),
    'chipLinks.kind': cite('nvidiaBlackwell', 'fifth-generation NVLink'),
    'chipLinks.count': cite('nvidiaBlackwell', '18 NVLink links'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'nvidiaBlackwell',
      '1.8 TB/s bidirectional NVLink per GPU',
      'derived',
      '1.8e12 / 18 links / 2 directions',
    ),
    'technology.processNm': cite(
      'nvidiaBlackwell',
      'TSMC 4NP',
      'published',
      "a vendor node name (an N5-family process); '4' is nominal",
    ),
    'technology.tdpW': cite('nvidiaBlackwell', 'HGX B200: 1000 W per GPU'),
    'technology.sustainedClockHz': cite(
      'mlEngineering',
      'MAMF table: NVIDIA B200 SXM, 1745 TFLOP/s bf16 of 2250 (77.6%), best shape 1792x16128x3072',
      'estimate',
      "1745 / 2250 x 1856 MHz = 1440 MHz from the short MAMF run, times 0.944, the mean ratio of tpusim's " +
        'measured 15-s clocks to the MAMF-derived ones on H100 SXM (1335 / 1469 MHz = 0.909) and H200 (1440 / 1469 ' +
        '= 0.980): 1360 MHz for long runs at the power cap; short kernel benchmarks run faster',
    ),
  },
};

import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildNvidiaSm, citeGpuTiling, citeNvidiaSm, type NvidiaSmParams } from './gpu-builders.js';
import { cite, sourcesFor } from './sources.js';

/** The clock of NVIDIA's dense tensor peaks: 989.4 TFLOPS / (132 SMs x 4096 FLOP per clock). Max boost is 1980 MHz. */
const CLOCK_HZ = 1830e6;

/** A Hopper SM as the H100 parts share it: only the SM count and the clock differ between them. */
export const HOPPER_SM: Omit<NvidiaSmParams, 'count' | 'clockHz'> = {
  tensorCores: 4,
  /** 989.4e12 / 2 / 1.83e9 / 528 = 512 MACs per tensor core per clock; 16 x 32 is a modelling choice. */
  rows: 16,
  cols: 32,
  formats: [...formatsAt(1, 'bf16', 'fp16'), ...formatsAt(2, 'fp8-e4m3', 'fp8-e5m2', 'int8')],
  weightFifoTiles: 4,
  fp32Lanes: 128,
  sharedMemoryBytes: 228 * KIB,
};

/**
 * NVIDIA H100 SXM5 80GB (2022): each SM is a core, each fourth-generation tensor core a 16x32 MAC engine
 * fed from registers and shared memory (wgmma); the 50 MiB L2 is shared memory.
 */
export const H100_SXM: ChipSpec = {
  schemaVersion: 1,
  name: 'h100-sxm',
  description:
    'NVIDIA H100 SXM5 80GB (2022): 132 SMs x 4 tensor cores (bf16/fp16, fp8 and int8 at 2x), 50 MiB L2, 80 GiB ' +
    'HBM3, 18 NVLink 4 links',
  clockHz: CLOCK_HZ,
  cores: [buildNvidiaSm({ ...HOPPER_SM, count: 132, clockHz: CLOCK_HZ })],
  sharedMemory: { sizeBytes: 50 * MIB, bandwidthBytesPerS: 5120 * CLOCK_HZ },
  gpuTiling: { tileM: 128, tileN: 256, tileK: 64, blocksPerSm: 1 },
  offChipMemory: {
    kind: 'HBM3',
    capacityBytes: 80 * GIB,
    bandwidthBytesPerS: 3350e9,
    sustainedBandwidthBytesPerS: 3.01e12,
    latencyNs: 100,
  },
  hostLink: { ...pcieX16(5), sustainedBandwidthBytesPerS: 52.5e9, dmaSetupNs: 3500 },
  chipLinks: { kind: 'NVLink 4', count: 18, bandwidthBytesPerSPerLink: 25e9 },
  technology: { processNm: 4, dieAreaMm2: 814, tdpW: 700, sustainedClockHz: 1335e6 },
  sources: sourcesFor([
    'nvidiaH100',
    'glennklockwood',
    'cudaGuide',
    'cutlass',
    'nvidiaA100',
    'pcie5',
    'jedecHbm2',
    'tpusim',
    'tpusimMeasured',
    'vllmKvOffloadBlog',
  ]),
  citations: {
    clockHz: cite(
      'glennklockwood',
      "H100: tensor peaks at '1.83 GHz'",
      'derived',
      '989.4e12 / (132 SMs x 4096 FLOP per clock) = 1.83 GHz; max boost is 1.98 GHz',
    ),
    ...citeNvidiaSm({
      computeCapability: '9.0',
      count: cite('nvidiaH100', 'H100 SXM5: 132 SMs (144 on the full GH100)'),
      kind: cite('nvidiaH100', 'fourth-generation Tensor Cores'),
      matrixUnits: cite('nvidiaH100', 'four Tensor Cores per SM (528 per GPU)'),
      rows: cite(
        'nvidiaH100',
        '989.4 TFLOPS dense bf16',
        'derived',
        'modelling choice: 989.4e12 / 2 / 1.83e9 / 528 = 512 MACs per tensor core per clock, as 16 x 32',
      ),
      cols: cite('nvidiaH100', '989.4 TFLOPS dense bf16', 'derived', 'modelling choice: 512 MACs as 16 x 32'),
      formats: cite(
        'nvidiaH100',
        'dense: 989.4 TFLOPS bf16/fp16, 1979 TFLOPS fp8, 1979 TOPS int8',
        'published',
        'the datasheet headline figures are with 2:4 sparsity (2x)',
      ),
      formatRates: {
        2: cite('nvidiaH100', '1979 TFLOPS fp8 vs 989.4 bf16', 'derived', '1979 / 989.4 = 2'),
        3: cite('nvidiaH100', '1979 TFLOPS fp8 vs 989.4 bf16', 'derived', '1979 / 989.4 = 2'),
        4: cite('nvidiaH100', '1979 TOPS int8 vs 989.4 TFLOPS bf16', 'derived', '1979 / 989.4 = 2'),
      },
      doubleBufferedWeights: cite(
        'cutlass',
        'Sm90 TMA warp-specialized mainloop',
        'estimate',
        'nominal: no stationary tile; TMA loads of the next stages overlap compute',
      ),
      weightFifoTiles: cite(
        'cutlass',
        'Sm90 collective builder, StageCountAuto',
        'estimate',
        'nominal: 4 stages of 48 KiB (128x64 + 256x64 bf16) fit the 227 KiB shared memory',
      ),
      lanes: cite('nvidiaH100', '128 FP32 CUDA cores per SM'),
      opsPerLane: cite(
        'nvidiaH100',
        '66.9 TFLOPS FP32 at the 1.98 GHz boost',
        'derived',
        'one FMA (2 ops) per lane per clock: 132 x 128 x 2 x 1.98 GHz = 66.9 TFLOPS',
      ),
      unifiedBufferBytes: cite(
        'cudaGuide',
        'compute capability 9.0: up to 228 KB shared memory per SM',
        'published',
        'the software-managed part of the 256 KB combined L1/shared memory',
      ),
      accumulatorBytes: cite(
        'cudaGuide',
        'compute capability 9.0: 64K 32-bit registers per SM',
        'derived',
        'wgmma accumulators live in the 256 KiB register file',
      ),
    }),
    'sharedMemory.sizeBytes': cite(
      'nvidiaH100',
      'H100 SXM5: 50 MB L2 cache',
      'published',
      'taken as 50 MiB, as device queries report',
    ),
    'sharedMemory.bandwidthBytesPerS': cite(
      'nvidiaA100',
      'L2 cache: 5120 bytes per clock',
      'estimate',
      "Hopper's L2 bandwidth is not published; A100's per-clock figure assumed at 1.83 GHz",
    ),
    ...citeGpuTiling({
      tileM: cite(
        'cutlass',
        'Sm90 warp-specialized cooperative kernels: 128x256x64 tiles',
        'estimate',
        'a common CUTLASS 3 Hopper bf16 tile (two consumer warpgroups of 64x256 wgmma); cuBLAS varies it by shape',
      ),
      tileN: cite(
        'cutlass',
        'Sm90 warp-specialized cooperative kernels: 128x256x64 tiles',
        'estimate',
        'a common CUTLASS 3 Hopper bf16 tile; cuBLAS varies it by shape',
      ),
      blocksPerSm: cite(
        'cutlass',
        'Sm90 persistent kernels',
        'derived',
        '4 stages x 48 KiB = 192 KiB of the 227 KiB shared memory: one block per SM',
      ),
    }),
    ...citeOffChipMemory({
      kind: cite('nvidiaH100', 'H100 SXM5: HBM3'),
      capacityBytes: cite('nvidiaH100', 'H100 SXM5: 80 GB', 'published', 'taken as 80 GiB (5 stacks of 16 GiB)'),
      bandwidthBytesPerS: cite('nvidiaH100', 'H100 SXM5: 3.35 TB/s'),
    }),
    ...citePcieX16(5, cite('nvidiaH100', 'PCIe Gen5 x16 (128 GB/s bidirectional)')),
    'chipLinks.kind': cite('nvidiaH100', 'fourth-generation NVLink'),
    'chipLinks.count': cite('nvidiaH100', '18 NVLink links'),
    'chipLinks.bandwidthBytesPerSPerLink': cite(
      'nvidiaH100',
      '900 GB/s bidirectional NVLink per GPU',
      'derived',
      '900e9 / 18 links / 2 directions',
    ),
    'technology.processNm': cite(
      'nvidiaH100',
      'TSMC 4N',
      'published',
      "a vendor node name (an N5-family process); '4' is nominal",
    ),
    'technology.dieAreaMm2': cite('nvidiaH100', 'GH100: 814 mm^2'),
    'technology.tdpW': cite('nvidiaH100', "H100 SXM5: 'up to 700 W' (configurable)"),
    'offChipMemory.sustainedBandwidthBytesPerS': cite(
      'tpusimMeasured',
      'data/gpu-measured/h100-sxm.json, copy: a 2 GiB device-to-device copy, bytes read plus written per second ' +
        '(median of 20)',
      'measured',
      '90% of the published 3.35 TB/s',
    ),
    'hostLink.sustainedBandwidthBytesPerS': cite(
      'vllmKvOffloadBlog',
      'Figure 4, DMA series (cudaMemcpyAsync, pinned host memory, 1000 blocks per transfer): about 47.7 GB/s at ' +
        '2048 KB blocks, 49.7 at 4096, 50.6 at 8192, 51.1 at 16384; the text: single-direction copies reach ' +
        "'about 50GB/s'",
      'derived',
      'fitted with hostLink.dmaSetupNs to the 13 DMA points of Figure 4 (values read off the PNG, +-0.5 GB/s) as ' +
        'block / (setup + block / rate), least relative squares: 52.5 GB/s, 83% of the 63.0 GB/s PCIe Gen5 x16 ' +
        'line rate; the model is within 6% of every point. A microbenchmark of the link, not fitted to any TTFT',
    ),
    'hostLink.dmaSetupNs': cite(
      'vllmKvOffloadBlog',
      'Figure 4, DMA series: about 1.1 GB/s at 4 KB blocks, 7.5 at 32 KB, 22.7 at 128 KB, 39.4 at 512 KB, 44.3 at ' +
        '1024 KB',
      'derived',
      'the fit of hostLink.sustainedBandwidthBytesPerS: 3.5 us per block (4 KB at 1.1 GB/s is 3.7 us a block); ' +
        'measured on this chip with a Sapphire Rapids host, kept by the Hopper parts built from this preset',
    ),
    'technology.sustainedClockHz': cite(
      'tpusimMeasured',
      'data/gpu-measured/h100-sxm.json, clock: median SM clock over 15 s of back-to-back bf16 8192^3 GEMMs ' +
        '(1320-1365 MHz) at the 700 W power limit',
      'measured',
      'the board caps power, not the clock: 671 TFLOP/s sustained against 724 in 50 ms bursts; 73% of the 1830 ' +
        'MHz of the published peaks',
    ),
  },
};

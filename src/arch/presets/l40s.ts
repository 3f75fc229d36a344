import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { citeOffChipMemory, citePcieX16, formatsAt, pcieX16 } from './builders.js';
import { buildNvidiaSm, citeGpuTiling, citeNvidiaSm } from './gpu-builders.js';
import { cite, sourcesFor } from './sources.js';

/**
 * NVIDIA's table is not consistent: 362.05 TFLOPS bf16 implies 2.49 GHz, while 733 TFLOPS fp8/int8 and
 * 91.6 TFLOPS FP32 imply the 2.52 GHz boost. The midpoint keeps every published figure within 0.6%.
 */
const CLOCK_HZ = 2505e6;

/**
 * NVIDIA L40S (2023): the Ada AD102 on a 350 W PCIe card with full-rate fp32 accumulation; 48 GiB of
 * GDDR6 at 864 GB/s, no NVLink (chips talk over PCIe and the network only).
 */
export const L40S: ChipSpec = {
  schemaVersion: 1,
  name: 'l40s',
  description:
    'NVIDIA L40S (2023): Ada AD102, 142 SMs x 4 tensor cores (bf16/fp16, fp8 and int8 at 2x), 96 MiB L2, 48 GiB ' +
    'GDDR6 at 864 GB/s, 350 W PCIe card without NVLink',
  clockHz: CLOCK_HZ,
  cores: [
    buildNvidiaSm({
      count: 142,
      tensorCores: 4,
      /** 362.05e12 / 2 / 2.49e9 / 568 = 128 MACs per tensor core per clock; 8 x 16 is a modelling choice. */
      rows: 8,
      cols: 16,
      formats: [...formatsAt(1, 'bf16', 'fp16'), ...formatsAt(2, 'fp8-e4m3', 'fp8-e5m2', 'int8')],
      weightFifoTiles: 3,
      fp32Lanes: 128,
      sharedMemoryBytes: 100 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 96 * MIB, bandwidthBytesPerS: 5120 * CLOCK_HZ },
  gpuTiling: { tileM: 128, tileN: 128, tileK: 64, blocksPerSm: 1 },
  offChipMemory: { kind: 'GDDR6', capacityBytes: 48 * GIB, bandwidthBytesPerS: 864e9, latencyNs: 100 },
  hostLink: pcieX16(4),
  technology: { processNm: 4, dieAreaMm2: 608.5, tdpW: 350, sustainedClockHz: 1827e6 },
  sources: sourcesFor([
    'nvidiaL40s',
    'nvidiaAda',
    'nvidiaA100',
    'cudaGuide',
    'cutlass',
    'pcie4',
    'tpusim',
    'tpusimMeasured',
  ]),
  citations: {
    clockHz: cite(
      'nvidiaL40s',
      'dense: 362.05 TFLOPS bf16, 733 fp8/int8, 91.6 FP32',
      'derived',
      '362.05e12 / (142 SMs x 1024 FLOP per clock) = 2.49 GHz; 733e12 / (142 x 2048) = 2.52 GHz, the boost ' +
        'clock; tpusim takes 2.505 GHz, within 0.6% of both',
    ),
    ...citeNvidiaSm({
      computeCapability: '8.9',
      count: cite(
        'nvidiaL40s',
        '18,176 CUDA cores, 568 fourth-generation Tensor Cores',
        'derived',
        '18176 / 128 FP32 lanes per Ada SM = 142 SMs (144 on the full AD102)',
      ),
      kind: cite('nvidiaL40s', 'fourth-generation Tensor Cores'),
      matrixUnits: cite('nvidiaAda', 'four Tensor Cores per Ada SM', 'derived', '568 / 142'),
      rows: cite(
        'nvidiaL40s',
        '362.05 TFLOPS dense bf16',
        'derived',
        'modelling choice: 362.05e12 / 2 / 2.49e9 / 568 = 128 MACs per tensor core per clock, as 8 x 16',
      ),
      cols: cite('nvidiaL40s', '362.05 TFLOPS dense bf16', 'derived', 'modelling choice: 128 MACs as 8 x 16'),
      formats: cite(
        'nvidiaL40s',
        'dense: 362.05 TFLOPS bf16 and fp16 (fp32 accumulate), 733 TFLOPS fp8, 733 TOPS int8',
        'published',
        'the datasheet headline figures are with sparsity (2x); unlike GeForce Ada parts, fp32 accumulation runs ' +
          'at the full rate',
      ),
      formatRates: {
        2: cite(
          'nvidiaL40s',
          '733 TFLOPS fp8 vs 362.05 bf16',
          'derived',
          'fp8 runs twice as many MACs per clock as bf16 (733 at 2.52 GHz, 362.05 at 2.49 GHz)',
        ),
        3: cite(
          'nvidiaL40s',
          '733 TFLOPS fp8 vs 362.05 bf16',
          'derived',
          'fp8 runs twice as many MACs per clock as bf16',
        ),
        4: cite(
          'nvidiaL40s',
          '733 TOPS int8 vs 362.05 TFLOPS bf16',
          'derived',
          'int8 runs twice as many MACs per clock as bf16',
        ),
      },
      doubleBufferedWeights: cite(
        'cutlass',
        'Sm80 multistage mainloop (Ada runs Sm80 kernels)',
        'estimate',
        'nominal: no stationary tile; cp.async loads of the next stages overlap compute',
      ),
      weightFifoTiles: cite(
        'cutlass',
        'Sm80 TensorOp: kStages = 3',
        'estimate',
        'nominal: pipeline stages of operand tiles in shared memory',
      ),
      lanes: cite('nvidiaAda', '128 FP32 CUDA cores per Ada SM'),
      opsPerLane: cite(
        'nvidiaL40s',
        '91.6 TFLOPS FP32',
        'derived',
        'one FMA (2 ops) per lane per clock: 142 x 128 x 2 x 2.52 GHz = 91.6 TFLOPS',
      ),
      unifiedBufferBytes: cite(
        'cudaGuide',
        'compute capability 8.9: up to 100 KB shared memory per SM',
        'published',
        'the software-managed part of the 128 KB combined L1/shared memory',
      ),
      accumulatorBytes: cite(
        'cudaGuide',
        'compute capability 8.9: 64K 32-bit registers per SM',
        'derived',
        'tensor-core accumulators live in the 256 KiB register file',
      ),
    }),
    'sharedMemory.sizeBytes': cite(
      'nvidiaAda',
      'AD102: 96 MB L2 cache',
      'published',
      "the full die's L2, taken as 96 MiB; the L40S's is not stated separately",
    ),
    'sharedMemory.bandwidthBytesPerS': cite(
      'nvidiaA100',
      'L2 cache: 5120 bytes per clock',
      'estimate',
      "Ada's L2 bandwidth is not published; A100's per-clock figure assumed at 2.505 GHz",
    ),
    ...citeGpuTiling({
      tileM: cite(
        'cutlass',
        'Sm80 TensorOp tiles',
        'estimate',
        "the Sm80 default 128x256x64 x 3 stages (144 KiB) does not fit Ada's 100 KiB; 128x128x64 x 3 stages (96 " +
          'KiB) does',
      ),
      tileN: cite('cutlass', 'Sm80 TensorOp tiles', 'estimate', '128x128x64 x 3 stages fits the 100 KiB shared memory'),
      blocksPerSm: cite(
        'cutlass',
        'Sm80 TensorOp: kStages = 3',
        'derived',
        '3 stages x (128 + 128) x 64 x 2 B = 96 KiB of the 100 KiB shared memory: one block per SM',
      ),
    }),
    ...citeOffChipMemory({
      kind: cite('nvidiaL40s', 'GDDR6 with ECC'),
      capacityBytes: cite('nvidiaL40s', '48 GB GDDR6', 'published', 'taken as 48 GiB (GDDR6 devices are binary-sized)'),
      bandwidthBytesPerS: cite('nvidiaL40s', '864 GB/s'),
      latencyNs: cite(
        'tpusim',
        '',
        'estimate',
        'not published; the ~100 ns DRAM device latency used for HBM, GDDR6 being of the same order',
      ),
    }),
    ...citePcieX16(4, cite('nvidiaL40s', 'PCIe Gen4 x16, 64 GB/s bidirectional')),
    'technology.processNm': cite(
      'nvidiaAda',
      'TSMC 4N',
      'published',
      "a vendor node name (an N5-family process); '4' is nominal",
    ),
    'technology.dieAreaMm2': cite('nvidiaAda', 'AD102: 608.5 mm^2'),
    'technology.tdpW': cite('nvidiaL40s', 'maximum power consumption 350 W'),
    'technology.sustainedClockHz': cite(
      'tpusimMeasured',
      'data/gpu-measured/h100-sxm.json, clock: 1335 of 1830 MHz (73%) under dense bf16 GEMMs at 700 W',
      'estimate',
      "no published measurement found; the H100 SXM's measured 73% of its tensor-peak clock applied to 2505 MHz " +
        '= 1827 MHz, for another power-limited card',
    ),
  },
};

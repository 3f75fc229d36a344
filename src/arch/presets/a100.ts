import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec } from '../chip-spec.js';
import { buildGpuCore } from './builders.js';
import { cite, COMMON, pcieBytesPerS, sourcesFor } from './sources.js';

const CLOCK_HZ = 1410e6;
const SMS = 108;
const TENSOR_CORES_PER_SM = 4;
/** 16 x 16 = 256 dense fp16/bf16 FMAs per tensor core per clock (whitepaper); the row/column split is a modelling choice. */
const TC_ROWS = 16;
const TC_COLS = 16;

/**
 * NVIDIA A100 SXM4 80GB (2020) as a tpusim chip: each SM is a core, each tensor core a 16x16 MAC engine
 * fed from the register file; shared memory is the unified buffer and the 40 MiB L2 is shared memory.
 */
export const A100: ChipSpec = {
  schemaVersion: 1,
  name: 'a100',
  description: 'NVIDIA A100 SXM4 80GB (2020): 108 SMs x 4 tensor cores (bf16/fp16, int8 at 2x), 40 MiB L2, 80 GiB HBM2e, 12 NVLink 3 links',
  clockHz: CLOCK_HZ,
  cores: [
    buildGpuCore({
      name: 'SM',
      count: SMS,
      tensorCores: TENSOR_CORES_PER_SM,
      rows: TC_ROWS,
      cols: TC_COLS,
      formats: [
        { input: 'bf16', accumulator: 'fp32' },
        { input: 'fp16', accumulator: 'fp32' },
        { input: 'int8', accumulator: 'int32', rate: 2 },
      ],
      weightFifoTiles: 3,
      vectorUnit: { lanes: 64, opsPerLanePerCycle: 2 },
      unifiedBufferBytes: 164 * KIB,
      accumulatorBytes: 256 * KIB,
      registerFileBytes: 256 * KIB,
      clockHz: CLOCK_HZ,
    }),
  ],
  sharedMemory: { sizeBytes: 40 * MIB, bandwidthBytesPerS: 5120 * CLOCK_HZ },
  gpuTiling: { tileM: 128, tileN: 256, tileK: 64, blocksPerSm: 1 },
  offChipMemory: { kind: 'HBM2e', capacityBytes: 80 * GIB, bandwidthBytesPerS: 2039e9, latencyNs: 100 },
  hostLink: { kind: 'PCIe Gen4 x16', bandwidthBytesPerS: pcieBytesPerS(16, 16), latencyNs: 1000 },
  chipLinks: { kind: 'NVLink 3', count: 12, bandwidthBytesPerSPerLink: 25e9 },
  technology: { processNm: 7, dieAreaMm2: 826, tdpW: 400, sustainedClockHz: 1280e6 },
  sources: sourcesFor(['jouppi2023', 'nvidiaA100', 'cudaGuide', 'cutlass', 'pcie4', 'jedecHbm2', 'tpusim']),
  citations: {
    clockHz: cite('jouppi2023', 'Table 5: 1410 MHz boost', 'published', 'the clock of the 312 TFLOPS peak; the paper measured ~1280 MHz average under power capping'),
    'cores[0].count': cite('nvidiaA100', 'A100 SXM4: 108 SMs (128 on the full GA100)'),
    'cores[0].matrixUnits[0].kind': cite('nvidiaA100', 'third-generation Tensor Cores'),
    'cores[0].matrixUnits[0].count': cite('nvidiaA100', 'four Tensor Cores per SM (432 per GPU)'),
    'cores[0].matrixUnits[0].rows': cite('nvidiaA100', '256 dense fp16 FMAs per Tensor Core per clock', 'derived', 'modelling choice: 256 MACs as 16 x 16; 432 x 256 x 2 x 1.41 GHz = 311.9 TFLOPS'),
    'cores[0].matrixUnits[0].cols': cite('nvidiaA100', '256 dense fp16 FMAs per Tensor Core per clock', 'derived', 'modelling choice: 256 MACs as 16 x 16'),
    'cores[0].matrixUnits[0].dataflows': COMMON.nominalOsDataflow,
    'cores[0].matrixUnits[0].formats': cite('jouppi2023', 'Table 5: 312 TFLOPS bf16, 624 TOPS int8', 'published', 'fp16 at the bf16 rate per the A100 whitepaper; dense figures'),
    'cores[0].matrixUnits[0].formats[2].rate': cite('jouppi2023', 'Table 5: 624 TOPS int8 vs 312 TFLOPS bf16', 'derived', '624 / 312 = 2'),
    'cores[0].matrixUnits[0].doubleBufferedWeights': cite('cutlass', 'Sm80 multistage mainloop', 'estimate', 'nominal: no stationary tile; CUTLASS overlaps the next tile loads (cp.async) with compute'),
    'cores[0].matrixUnits[0].weightFifoTiles': cite('cutlass', 'default_gemm_configuration.h, Sm80 TensorOp: kStages = 3', 'estimate', 'nominal: pipeline stages of operand tiles in shared memory'),
    'cores[0].vectorUnit.lanes': cite('nvidiaA100', '64 FP32 CUDA cores per SM'),
    'cores[0].vectorUnit.opsPerLanePerCycle': cite('nvidiaA100', '19.5 TFLOPS FP32', 'derived', 'one FMA (2 ops) per lane per clock: 108 x 64 x 2 x 1.41 GHz = 19.5 TFLOPS'),
    'cores[0].unifiedBuffer.sizeBytes': cite('cudaGuide', 'compute capability 8.0: up to 164 KB shared memory per SM', 'published', 'the software-managed part of the 192 KB combined L1/shared memory'),
    'cores[0].unifiedBuffer.bandwidthBytesPerS': cite('cudaGuide', 'Shared Memory: 32 banks of 32 bits', 'derived', '128 B per clock per SM'),
    'cores[0].accumulators.sizeBytes': cite('cudaGuide', 'compute capability 8.0: 64K 32-bit registers per SM', 'derived', 'tensor-core accumulators live in the 256 KiB register file; 108 x 256 KiB = 27 MiB matches Jouppi 2023 Table 5'),
    'cores[0].accumulators.bandwidthBytesPerS': COMMON.accumulatorBandwidth,
    'cores[0].registerFileBytes': cite('cudaGuide', 'compute capability 8.0: 64K 32-bit registers per SM', 'derived', '65536 x 4 B'),
    'sharedMemory.sizeBytes': cite('jouppi2023', "Table 5: 'On Chip Memory 40 MiB' (the L2 cache)"),
    'sharedMemory.bandwidthBytesPerS': cite('nvidiaA100', 'L2 cache: 5120 bytes per clock read bandwidth', 'derived', '5120 B x 1.41 GHz = 7.2 TB/s'),
    'gpuTiling.tileM': cite('cutlass', 'default_gemm_configuration.h, Sm80 TensorOp: ThreadblockShape 128x256x64', 'estimate', "CUTLASS's default, not what cuBLAS picks for every shape"),
    'gpuTiling.tileN': cite('cutlass', 'default_gemm_configuration.h, Sm80 TensorOp: ThreadblockShape 128x256x64', 'estimate', "CUTLASS's default, not what cuBLAS picks for every shape"),
    'gpuTiling.tileK': cite('cutlass', 'default_gemm_configuration.h, Sm80 TensorOp: ThreadblockShape 128x256x64', 'estimate', "CUTLASS's default, not what cuBLAS picks for every shape"),
    'gpuTiling.blocksPerSm': cite('cutlass', 'Sm80 TensorOp: kStages = 3', 'derived', '3 stages x (128 + 256) x 64 x 2 B = 144 KiB of the 164 KiB shared memory: one block per SM'),
    'offChipMemory.kind': cite('jouppi2023', 'Table 5: HBM2e'),
    'offChipMemory.capacityBytes': cite('jouppi2023', 'Table 5: 80 GiB'),
    'offChipMemory.bandwidthBytesPerS': cite('jouppi2023', 'Table 5: 2039 GB/s'),
    'offChipMemory.latencyNs': COMMON.hbmLatency,
    'hostLink.kind': cite('nvidiaA100', 'PCI Express Gen 4'),
    'hostLink.bandwidthBytesPerS': cite('pcie4', '', 'derived', '16 lanes x 16 GT/s x 128/130 / 8 bits, per direction'),
    'hostLink.latencyNs': COMMON.pcieLatency,
    'chipLinks.kind': cite('jouppi2023', 'Table 5: NVLink 3'),
    'chipLinks.count': cite('jouppi2023', 'Table 5: 12 links'),
    'chipLinks.bandwidthBytesPerSPerLink': cite('jouppi2023', 'Table 5: 25 GB/s per link per direction'),
    'technology.processNm': cite('jouppi2023', 'Table 5: 7 nm'),
    'technology.dieAreaMm2': cite('jouppi2023', 'Table 5: 826 mm^2'),
    'technology.tdpW': cite('jouppi2023', 'Table 5: 400 W'),
    'technology.sustainedClockHz': cite('jouppi2023', 'section 7: A100 measured at ~1280 MHz average under power capping (MLPerf BERT)', 'measured', "Google's measurement of the clock under load: 91% of the 1410 MHz boost; Bekman's MAMF table (271.2 of 312 TFLOP/s bf16) corresponds to 1226 MHz with kernel losses folded in"),
  },
};

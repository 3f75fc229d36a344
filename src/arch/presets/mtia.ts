import { GIB, KIB, MIB } from '../../core/units.js';
import type { ChipSpec, Citation } from '../chip-spec.js';
import { buildSystolicCore, citeCore, formatsAt } from './builders.js';
import { cite, COMMON, pcieBytesPerS, sourcesFor, type SourceKey } from './sources.js';

/**
 * Meta's MTIA inference chips: an 8 x 8 grid of processing elements (PEs), each with RISC-V cores, a
 * dot-product (GEMM) engine, a SIMD unit and a local memory, around a shared on-chip SRAM, with LPDDR5
 * off the chip and a PCIe x8 host link. Meta publishes each PE's peak, not the engine's geometry: the
 * engine is modelled as a square weight-stationary array of the published MACs per clock.
 */
interface MtiaParams {
  readonly name: string;
  readonly description: string;
  readonly source: SourceKey;
  readonly clockHz: number;
  /** MACs per PE per clock at fp16/bf16 (int8 at twice the rate), and the array shape they are modelled as. */
  readonly rows: number;
  readonly cols: number;
  readonly simdLanes: number;
  readonly localMemoryBytes: number;
  readonly sramBytes: number;
  readonly dram: { readonly capacityBytes: number; readonly bandwidthBytesPerS: number };
  readonly pcieGen: 4 | 5;
  readonly processNm: number;
  readonly dieAreaMm2: number;
  readonly tdpW: number;
  readonly cites: {
    readonly clock: Citation;
    readonly shape: Citation;
    readonly formats: Citation;
    readonly simd: Citation;
    readonly localMemory: Citation;
    readonly sram: Citation;
    readonly dramCapacity: Citation;
    readonly dramBandwidth: Citation;
    readonly host: Citation;
    readonly node: Citation;
    readonly dieArea: Citation;
    readonly tdp: Citation;
  };
}

function buildMtia(p: MtiaParams): ChipSpec {
  const c = p.cites;
  const square = buildSystolicCore({
    name: 'PE',
    count: 64,
    mxus: 1,
    mxuDim: p.cols,
    formats: [...formatsAt(1, 'bf16', 'fp16'), ...formatsAt(2, 'int8')],
    vectorUnit: { lanes: p.simdLanes, opsPerLanePerCycle: 2 },
    unifiedBufferBytes: p.localMemoryBytes,
    accumulatorBytes: 16 * KIB,
    clockHz: p.clockHz,
  });
  return {
    schemaVersion: 1,
    name: p.name,
    description: p.description,
    clockHz: p.clockHz,
    cores: [{ ...square, matrixUnits: square.matrixUnits.map((u) => ({ ...u, rows: p.rows })) }],
    sharedMemory: { sizeBytes: p.sramBytes, bandwidthBytesPerS: 64 * p.cols * 2 * p.clockHz },
    offChipMemory: {
      kind: 'LPDDR5',
      capacityBytes: p.dram.capacityBytes,
      bandwidthBytesPerS: p.dram.bandwidthBytesPerS,
      latencyNs: 100,
    },
    hostLink: {
      kind: `PCIe Gen${p.pcieGen} x8`,
      bandwidthBytesPerS: pcieBytesPerS(8, p.pcieGen === 5 ? 32 : 16),
      latencyNs: 1000,
    },
    technology: { processNm: p.processNm, dieAreaMm2: p.dieAreaMm2, tdpW: p.tdpW, sustainedClockHz: p.clockHz },
    sources: sourcesFor([p.source, 'norrie2021', `pcie${p.pcieGen}`, 'tpusim']),
    citations: {
      clockHz: c.clock,
      ...citeCore({
        count: cite(p.source, '8 x 8 grid of processing elements (PEs)'),
        kind: cite(
          'tpusim',
          '',
          'estimate',
          "modelling choice: the PE's dot-product engine priced and timed as a weight-stationary array",
        ),
        matrixUnits: cite(p.source, 'one dot-product (GEMM) engine per PE'),
        rows: c.shape,
        cols: c.shape,
        dataflows: COMMON.wsDataflow,
        formats: c.formats,
        formatRates: {
          2: cite(
            p.source,
            'GEMM peak: int8 TOPS twice the fp16/bf16 TFLOPS',
            'derived',
            'int8 runs twice the MACs per clock of fp16',
          ),
        },
        doubleBufferedWeights: COMMON.doubleBuffered,
        weightFifoTiles: COMMON.weightFifo,
        lanes: c.simd,
        opsPerLane: cite(p.source, 'SIMD fp32 peak', 'derived', 'one FMA (2 ops) per lane per clock'),
        unifiedBufferBytes: c.localMemory,
        unifiedBufferBandwidth: COMMON.vmemBandwidth,
        accumulatorBytes: cite('tpusim', '', 'estimate', 'not published; 16 KiB of accumulators per PE assumed'),
        accumulatorBandwidth: COMMON.accumulatorBandwidth,
      }),
      'sharedMemory.sizeBytes': c.sram,
      'sharedMemory.bandwidthBytesPerS': cite(
        'tpusim',
        '',
        'estimate',
        'not published here; one row of bf16 inputs per PE per clock assumed',
      ),
      'offChipMemory.kind': cite(p.source, 'LPDDR5'),
      'offChipMemory.capacityBytes': c.dramCapacity,
      'offChipMemory.bandwidthBytesPerS': c.dramBandwidth,
      'offChipMemory.latencyNs': cite(
        'tpusim',
        '',
        'estimate',
        'not published; the ~100 ns DRAM device latency used for the other presets',
      ),
      'hostLink.kind': c.host,
      'hostLink.bandwidthBytesPerS': cite(
        `pcie${p.pcieGen}`,
        '',
        'derived',
        `8 lanes x ${p.pcieGen === 5 ? 32 : 16} GT/s x 128/130 / 8 bits, per direction`,
      ),
      'hostLink.latencyNs': COMMON.pcieLatency,
      'technology.processNm': c.node,
      'technology.dieAreaMm2': c.dieArea,
      'technology.tdpW': c.tdp,
      'technology.sustainedClockHz': cite(
        p.source,
        `${p.clockHz / 1e6} MHz at the ${p.tdpW} W TDP`,
        'published',
        'a fixed-clock ASIC: the clock published with its TDP, not left to the power model (which overestimates ' +
          'MTIA v1: leakage alone ~37 W at 7 nm against its 25 W)',
      ),
    },
  };
}

/** Meta MTIA v1 (2023, designed 2020): TSMC 7 nm, 800 MHz, 25 W. */
export const MTIA_V1: ChipSpec = buildMtia({
  name: 'mtia-v1',
  description:
    'Meta MTIA v1 (2023): 64 PEs (8 x 8) at 800 MHz, 51.2 TFLOPS fp16/bf16 and 102.4 TOPS int8, 128 MiB on-chip ' +
    'SRAM, LPDDR5 at 176 GB/s, PCIe Gen4 x8, 25 W',
  source: 'metaMtiaV1',
  clockHz: 800e6,
  rows: 20,
  cols: 25,
  simdLanes: 16,
  localMemoryBytes: 128 * KIB,
  sramBytes: 128 * MIB,
  dram: { capacityBytes: 64 * GIB, bandwidthBytesPerS: 176e9 },
  pcieGen: 4,
  processNm: 7,
  dieAreaMm2: 373,
  tdpW: 25,
  cites: {
    clock: cite('metaMtiaV1', 'blog: runs at 800 MHz'),
    shape: cite(
      'metaMtiaV1',
      'blog: 51.2 TFLOPS fp16 at 800 MHz',
      'derived',
      'modelling choice: 51.2e12 / 2 / 0.8e9 / 64 PEs = 500 MACs per PE per clock, as 20 x 25',
    ),
    formats: cite('metaMtiaV1', 'blog: 102.4 TOPS int8, 51.2 TFLOPS fp16'),
    simd: cite(
      'tpusim',
      '',
      'estimate',
      'the SIMD width is not in the sources read; 16 fp32 lanes per PE, as MTIA v2 (whose 2.76 TFLOPS fp32 gives ' +
        '16 at 1.35 GHz)',
    ),
    localMemory: cite('metaMtiaV1', 'blog: 128 KB of local memory per PE', 'published', 'taken as 128 KiB'),
    sram: cite('metaMtiaV1', 'blog: 128 MB of on-chip SRAM', 'published', 'taken as 128 MiB'),
    dramCapacity: cite(
      'metaMtiaV1',
      'LPDDR5 capacity',
      'estimate',
      "recalled as 64 GB (up to 128 GB) from Meta's table, not re-read; taken as 64 GiB",
    ),
    dramBandwidth: cite(
      'metaMtiaV1',
      'LPDDR5 bandwidth',
      'estimate',
      "recalled as 176 GB/s from Meta's table, not re-read",
    ),
    host: cite('metaMtiaV1', 'blog: PCIe Gen4 x8 host interface'),
    node: cite('metaMtiaV1', 'blog: TSMC 7 nm'),
    dieArea: cite(
      'metaMtiaV1',
      'ISCA 2023 specification table: die 19.34 x 19.1 mm',
      'estimate',
      'recalled as 373 mm^2, not re-read (the search found no copy of the figure)',
    ),
    tdp: cite('metaMtiaV1', 'blog: thermal design power (TDP) of 25 W'),
  },
});

/** Meta MTIA v2, "next-generation MTIA" (2024): TSMC 5 nm, 1.35 GHz, 90 W. */
export const MTIA_V2: ChipSpec = buildMtia({
  name: 'mtia-v2',
  description:
    'Meta MTIA v2 (2024): 64 PEs (8 x 8) at 1.35 GHz, 177 TFLOPS fp16/bf16 and 354 TOPS int8, 256 MiB on-chip ' +
    'SRAM, 128 GiB LPDDR5 at 204.8 GB/s, PCIe Gen5 x8, 90 W',
  source: 'metaMtiaV2',
  clockHz: 1350e6,
  rows: 32,
  cols: 32,
  simdLanes: 16,
  localMemoryBytes: 384 * KIB,
  sramBytes: 256 * MIB,
  dram: { capacityBytes: 128 * GIB, bandwidthBytesPerS: 204.8e9 },
  pcieGen: 5,
  processNm: 5,
  dieAreaMm2: 421,
  tdpW: 90,
  cites: {
    clock: cite('metaMtiaV2', 'specification table: 1.35 GHz (0.85 V)'),
    shape: cite(
      'metaMtiaV2',
      'GEMM 177 TFLOPS fp16/bf16 dense',
      'derived',
      'modelling choice: 177e12 / 2 / 1.35e9 / 64 PEs = 1024 MACs per PE per clock, as 32 x 32',
    ),
    formats: cite('metaMtiaV2', 'GEMM dense: 354 TOPS int8, 177 TFLOPS fp16/bf16 (708 and 354 with sparsity)'),
    simd: cite(
      'metaMtiaV2',
      'SIMD: 2.76 TFLOPS fp32',
      'derived',
      '2.76e12 / (64 PEs x 2 ops x 1.35e9) = 16 lanes per PE',
    ),
    localMemory: cite('metaMtiaV2', 'specification table: 384 KB local memory per PE', 'published', 'taken as 384 KiB'),
    sram: cite('metaMtiaV2', 'specification table: 256 MB on-chip SRAM', 'published', 'taken as 256 MiB'),
    dramCapacity: cite(
      'metaMtiaV2',
      'Hot Chips 2024 as re-published: 128 GB LPDDR5',
      'published',
      'taken as 128 GiB per chip (one re-publication reads it as 128 GB per two-chip board)',
    ),
    dramBandwidth: cite('metaMtiaV2', 'Hot Chips 2024 as re-published: LPDDR5 at 204.8 GB/s'),
    host: cite('metaMtiaV2', 'PCIe Gen5 x8 host interface per chip'),
    node: cite('metaMtiaV2', 'TSMC 5 nm'),
    dieArea: cite('metaMtiaV2', 'die 25.6 mm x 16.4 mm, 421 mm^2'),
    tdp: cite('metaMtiaV2', '90 W thermal envelope'),
  },
});

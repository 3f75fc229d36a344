/**
 * What presets of every kind share, built from what differs between chips: matrix formats, the core of a
 * TPU-style chip, the citations of any chip's core and off-chip memory, a PCIe host link, and presets
 * derived from others. The fields and formulas every preset of the kind shares live here once, with the
 * citations of what they fix; GPU cores are in `gpu-builders.ts`.
 */
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import type {
  ChipSpec,
  Citation,
  CoreSpec,
  LinkSpec,
  MatrixFormatSpec,
  MatrixInputFormat,
  VectorUnitSpec,
} from '../chip-spec.js';
import { mergeOverrides, omitFields, type Overrides } from '../merge.js';
import { cite, citedSources, COMMON, omitCitations, pcieBytesPerS } from './sources.js';

/** Matrix formats of `inputs` at `rate` times the rows x cols MACs (1: no rate field), each in its own accumulator. */
export function formatsAt(rate: number, ...inputs: readonly MatrixInputFormat[]): MatrixFormatSpec[] {
  return inputs.map((input) => {
    const accumulator = NUMBER_FORMATS[input].accumulator;
    return rate === 1 ? { input, accumulator } : { input, accumulator, rate };
  });
}

export interface SystolicCoreParams {
  readonly name: string;
  /** Cores of this kind on the chip. */
  readonly count: number;
  /** Square systolic matrix units per core, each mxuDim x mxuDim. */
  readonly mxus: number;
  readonly mxuDim: number;
  readonly formats: readonly MatrixFormatSpec[];
  readonly vectorUnit: VectorUnitSpec;
  readonly unifiedBufferBytes: number;
  readonly accumulatorBytes: number;
  readonly clockHz: number;
}

/**
 * A core of weight-stationary systolic units (TPU v2+ TensorCore, Trainium NeuronCore). Double buffering
 * and a two-tile weight FIFO are assumed: no such chip publishes them. Buffer bandwidths feed every unit
 * each cycle: a row of bf16 inputs in and a row of fp32 results out of VMEM, a row of fp32 sums read and written.
 */
export function buildSystolicCore(p: SystolicCoreParams): CoreSpec {
  return {
    count: p.count,
    name: p.name,
    matrixUnits: [
      {
        kind: 'systolic',
        count: p.mxus,
        rows: p.mxuDim,
        cols: p.mxuDim,
        dataflows: ['ws'],
        formats: p.formats,
        doubleBufferedWeights: true,
        weightFifoTiles: 2,
      },
    ],
    vectorUnit: p.vectorUnit,
    unifiedBuffer: { sizeBytes: p.unifiedBufferBytes, bandwidthBytesPerS: p.mxus * p.mxuDim * (2 + 4) * p.clockHz },
    accumulators: { sizeBytes: p.accumulatorBytes, bandwidthBytesPerS: p.mxus * p.mxuDim * 4 * 2 * p.clockHz },
  };
}

/** The citations of one core's fields, named as the builders' parameters; `citeCore` keys them by path. */
export interface CoreCitations {
  readonly count: Citation;
  readonly kind: Citation;
  /** Matrix units per core. */
  readonly matrixUnits: Citation;
  readonly rows: Citation;
  readonly cols: Citation;
  readonly dataflows: Citation;
  readonly formats: Citation;
  /** By index into `formats`, for the formats with a rate. */
  readonly formatRates?: Readonly<Record<number, Citation>> | undefined;
  readonly doubleBufferedWeights: Citation;
  readonly weightFifoTiles: Citation;
  readonly lanes: Citation;
  readonly opsPerLane: Citation;
  readonly unifiedBufferBytes: Citation;
  readonly unifiedBufferBandwidth: Citation;
  readonly accumulatorBytes: Citation;
  readonly accumulatorBandwidth: Citation;
  readonly registerFileBytes?: Citation;
}

const CORE = 'cores[0]';
const UNIT = `${CORE}.matrixUnits[0]`;

/** Citations of a chip's only core and its only kind of matrix unit, keyed by path in field order. */
export function citeCore(c: CoreCitations): Record<string, Citation> {
  const rates = Object.entries(c.formatRates ?? {}).map(([i, rate]) => [`${UNIT}.formats[${i}].rate`, rate]);
  return {
    [`${CORE}.count`]: c.count,
    [`${UNIT}.kind`]: c.kind,
    [`${UNIT}.count`]: c.matrixUnits,
    [`${UNIT}.rows`]: c.rows,
    [`${UNIT}.cols`]: c.cols,
    [`${UNIT}.dataflows`]: c.dataflows,
    [`${UNIT}.formats`]: c.formats,
    ...Object.fromEntries(rates),
    [`${UNIT}.doubleBufferedWeights`]: c.doubleBufferedWeights,
    [`${UNIT}.weightFifoTiles`]: c.weightFifoTiles,
    [`${CORE}.vectorUnit.lanes`]: c.lanes,
    [`${CORE}.vectorUnit.opsPerLanePerCycle`]: c.opsPerLane,
    [`${CORE}.unifiedBuffer.sizeBytes`]: c.unifiedBufferBytes,
    [`${CORE}.unifiedBuffer.bandwidthBytesPerS`]: c.unifiedBufferBandwidth,
    [`${CORE}.accumulators.sizeBytes`]: c.accumulatorBytes,
    [`${CORE}.accumulators.bandwidthBytesPerS`]: c.accumulatorBandwidth,
    ...(c.registerFileBytes === undefined ? {} : { [`${CORE}.registerFileBytes`]: c.registerFileBytes }),
  };
}

/** The citations a TPU preset gives for the fields of `buildSystolicCore` that differ between chips. */
export interface TpuTensorCoreCitations
  extends Pick<
    CoreCitations,
    'count' | 'kind' | 'formats' | 'formatRates' | 'unifiedBufferBytes' | 'accumulatorBytes'
  > {
  readonly mxus: Citation;
  /** Cited for both rows and cols. */
  readonly mxuDim: Citation;
  readonly vectorOpsPerLane: Citation;
}

/**
 * Citations of a TPU's only core, a TensorCore from `buildSystolicCore` with 128 vector lanes, keyed by
 * path in field order: the chip's own for what differs, the common ones for what the builder fixes.
 */
export function citeTpuTensorCore(c: TpuTensorCoreCitations): Record<string, Citation> {
  const { mxus, mxuDim, vectorOpsPerLane, ...own } = c;
  return citeCore({
    ...own,
    matrixUnits: mxus,
    rows: mxuDim,
    cols: mxuDim,
    dataflows: COMMON.wsDataflow,
    doubleBufferedWeights: COMMON.doubleBuffered,
    weightFifoTiles: COMMON.weightFifo,
    lanes: cite('jaxTpuInfo', 'num_lanes 128 (x 8 sublanes)'),
    opsPerLane: vectorOpsPerLane,
    unifiedBufferBandwidth: COMMON.vmemBandwidth,
    accumulatorBandwidth: COMMON.accumulatorBandwidth,
  });
}

/** Transfer rate per lane of each PCIe generation, GT/s. */
const PCIE_GT_PER_S = { 3: 8, 4: 16, 5: 32 } as const;
export type PcieGeneration = keyof typeof PCIE_GT_PER_S;

/** A PCIe x16 host link of generation `gen`, at its bandwidth per direction and a round trip of about 1 us. */
export function pcieX16(gen: PcieGeneration): LinkSpec {
  return { kind: `PCIe Gen${gen} x16`, bandwidthBytesPerS: pcieBytesPerS(16, PCIE_GT_PER_S[gen]), latencyNs: 1000 };
}

/** Citations of a `pcieX16` host link, its kind as the preset cites it: 'assumed' where no source names the link. */
export function citePcieX16(
  gen: PcieGeneration,
  kind: Citation,
  link: 'named' | 'assumed' = 'named',
): Record<string, Citation> {
  const assumed = link === 'assumed' ? ', for the assumed link' : '';
  return {
    'hostLink.kind': kind,
    'hostLink.bandwidthBytesPerS': cite(
      `pcie${gen}`,
      '',
      'derived',
      `16 lanes x ${PCIE_GT_PER_S[gen]} GT/s x 128/130 / 8 bits, per direction${assumed}`,
    ),
    'hostLink.latencyNs': COMMON.pcieLatency,
  };
}

/** Citations of `offChipMemory` in field order; the latency is the common HBM estimate unless given. */
export function citeOffChipMemory(c: {
  readonly kind: Citation;
  readonly capacityBytes: Citation;
  readonly bandwidthBytesPerS: Citation;
  readonly sustainedBandwidthBytesPerS?: Citation;
  readonly latencyNs?: Citation;
}): Record<string, Citation> {
  return {
    'offChipMemory.kind': c.kind,
    'offChipMemory.capacityBytes': c.capacityBytes,
    'offChipMemory.bandwidthBytesPerS': c.bandwidthBytesPerS,
    ...(c.sustainedBandwidthBytesPerS === undefined
      ? {}
      : { 'offChipMemory.sustainedBandwidthBytesPerS': c.sustainedBandwidthBytesPerS }),
    'offChipMemory.latencyNs': c.latencyNs ?? COMMON.hbmLatency,
  };
}

/**
 * A preset declared as `base` plus `overrides`, merged as a chip file's `base:` is (`arch/merge.ts`: objects
 * key by key, arrays element by element); `omit` drops fields the variant lacks, with their citations.
 * `citations` replace the base's at the same paths, the base's others still hold, and `sources` lists
 * exactly what the result cites.
 */
export function deriveChip(
  base: ChipSpec,
  overrides: Overrides<ChipSpec> & { readonly name: string },
  citations: Readonly<Record<string, Citation>>,
  omit: readonly string[] = [],
): ChipSpec {
  const all = { ...omitCitations(base.citations, ...omit), ...citations };
  return { ...omitFields(mergeOverrides(base, overrides), omit), sources: citedSources(all), citations: all };
}

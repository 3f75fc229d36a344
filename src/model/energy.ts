/**
 * Energy per event, by process node: the price list the analytical model multiplies its event counts by
 * (MACs, vector ops, SRAM and register bytes, off-chip bytes, link bytes). Counting and pricing stay
 * apart (Timeloop/Accelergy style), so a different table re-prices the same counts.
 *
 * Logic and SRAM start from Horowitz's 45 nm table and scale with Stillmaker & Baas's per-node energy
 * factors; off-chip memory and links are priced per bit, node-independent (interface + DRAM core).
 * Every number carries a citation (core/citations.ts) with its status: published (as printed), derived
 * (arithmetic on published numbers) or estimate (our choice; the note says how it was made).
 */
import { pickSources, weakestStatus, type Citation, type CitationStatus } from '../core/citations.js';
import { TpusimError } from '../core/errors.js';
import { KIB, MIB } from '../core/units.js';

/** The sources the energy table cites, with their references (core/sources/energy.ts holds them). */
export const ENERGY_SOURCES = pickSources(
  'horowitz2014',
  'stillmaker2017',
  'ptm',
  'oconnor2017',
  'nvidiaNvlink',
  'tpusim',
);

export type EnergySourceKey = keyof typeof ENERGY_SOURCES;
/** The statuses the energy table uses, on the one scale (core/citations.ts). */
export type EnergyStatus = Extract<CitationStatus, 'published' | 'derived' | 'estimate'>;

/** A citation of one priced item. */
export interface EnergyCitation extends Citation {
  /** What is priced: `mac.int8`, `sram`, `offChip.HBM2`, `link.pcie`, `scale`, ... */
  readonly item: string;
  readonly status: EnergyStatus;
}

export interface EnergyTable {
  readonly nodeNm: number;
  /** One multiply-accumulate with `format` inputs, accumulated in the format's accumulator (pJ). */
  macPj(format: string): number;
  /** One fp32 add + multiply class vector op at this node (pJ). */
  readonly vectorOpPj: number;
  /** Reading or writing one byte of an SRAM array of `sizeBytes` (pJ/byte). */
  sramPjPerByte(sizeBytes: number): number;
  readonly registerPjPerByte: number;
  /** One byte to or from off-chip memory of `kind` (`DDR3`, `HBM2`, ...), node-independent (pJ/byte). */
  offChipPjPerByte(kind: string): number;
  /**
   * One byte over a host link (`pcie`) or a chip-to-chip link (`chip`; any other kind too), node-independent (pJ/byte).
   */
  linkPjPerByte(kind: 'pcie' | 'chip'): number;
  readonly citations: readonly EnergyCitation[];
}

interface PricedEntry {
  readonly source: EnergySourceKey;
  readonly status: EnergyStatus;
  readonly note: string;
}

const BITS_PER_BYTE = 8;

/** Horowitz 2014, Fig. 1.1.9 (45 nm, 0.9 V), pJ per operation, as printed. */
export const HOROWITZ_45NM_PJ = {
  int8Add: 0.03,
  int8Mult: 0.2,
  int32Add: 0.1,
  int32Mult: 3.1,
  fp16Add: 0.4,
  fp16Mult: 1.1,
  fp32Add: 0.9,
  fp32Mult: 3.7,
  /** 64-bit cache (SRAM) access by array size. */
  sram8KBPer64Bit: 10,
  sram32KBPer64Bit: 20,
  sram1MBPer64Bit: 100,
  /** 64-bit DRAM access: 1.3 to 2.6 nJ. */
  dramLowPer64Bit: 1300,
  dramHighPer64Bit: 2600,
} as const;

const H = HOROWITZ_45NM_PJ;
const FIG = 'Fig. 1.1.9 (45 nm, 0.9 V)';

interface MacEntry extends PricedEntry {
  readonly pj45: number;
}

/** MAC = multiply + add in the accumulator format (int formats accumulate in int32, floats in fp32). */
const MAC_45NM: Readonly<Record<string, MacEntry>> = {
  int8: {
    pj45: H.int8Mult + H.int32Add,
    source: 'horowitz2014',
    status: 'derived',
    note: `${FIG}: int8 mult 0.2 + int32 add 0.1 pJ`,
  },
  uint8: {
    pj45: H.int8Mult + H.int32Add,
    source: 'horowitz2014',
    status: 'derived',
    note: `${FIG}: priced as int8 (8-bit mult + int32 add)`,
  },
  int16: {
    pj45: H.int8Mult * 4 + H.int32Add,
    source: 'tpusim',
    status: 'estimate',
    note:
      `multiplier energy grows with width squared (Horowitz ${FIG}: 8 -> 32 bit is 15.5x), so 16-bit mult = 4 x ` +
      `0.2 pJ; + int32 add 0.1 pJ`,
  },
  int32: {
    pj45: H.int32Mult + H.int32Add,
    source: 'horowitz2014',
    status: 'derived',
    note: `${FIG}: int32 mult 3.1 + int32 add 0.1 pJ`,
  },
  'fp8-e4m3': {
    pj45: H.int8Mult + H.fp32Add,
    source: 'tpusim',
    status: 'estimate',
    note:
      `fp8 mult priced as Horowitz's int8 mult 0.2 pJ (a 4-bit-mantissa multiplier is smaller than an 8-bit ` +
      `integer one; fp16 mult 1.1 pJ scaled by (4/11)^2 mantissa width gives 0.15 pJ) + fp32 add 0.9 pJ (${FIG})`,
  },
  'fp8-e5m2': {
    pj45: H.int8Mult + H.fp32Add,
    source: 'tpusim',
    status: 'estimate',
    note: `priced as fp8-e4m3: int8-class mult 0.2 pJ + fp32 add 0.9 pJ (${FIG})`,
  },
  fp16: {
    pj45: H.fp16Mult + H.fp32Add,
    source: 'horowitz2014',
    status: 'derived',
    note: `${FIG}: fp16 mult 1.1 + fp32 add 0.9 pJ`,
  },
  bf16: {
    pj45: H.fp16Mult + H.fp32Add,
    source: 'horowitz2014',
    status: 'estimate',
    note:
      `bf16 mult priced as Horowitz's fp16 mult 1.1 pJ (bf16's 8-bit mantissa makes it somewhat cheaper; not in ` +
      `the figure) + fp32 add 0.9 pJ (${FIG})`,
  },
  fp32: {
    pj45: H.fp32Mult + H.fp32Add,
    source: 'horowitz2014',
    status: 'derived',
    note: `${FIG}: fp32 mult 3.7 + fp32 add 0.9 pJ`,
  },
};

const MAC_DEFAULT: MacEntry = {
  pj45: H.fp32Mult + H.fp32Add,
  source: 'tpusim',
  status: 'estimate',
  note: `a format not in the table is priced as an fp32 MAC (${FIG}: 3.7 + 0.9 pJ), the most expensive listed`,
};

/** Off-chip memory per bit, interface + DRAM core, node-independent. */
interface OffChipEntry extends PricedEntry {
  readonly kind: string;
  /** Normalised spellings (lower case, no spaces, hyphens or underscores) that name this entry. */
  readonly names: readonly string[];
  readonly pjPerBit: number;
}

const DDR_PJ_PER_BIT = H.dramLowPer64Bit / 64;
const DDR_NOTE = `${FIG}: DRAM 1.3-2.6 nJ per 64-bit access; we take the low end, 1.3 nJ / 64 bit = 20.3 pJ/bit`;

export const OFF_CHIP_MEMORY: readonly OffChipEntry[] = [
  {
    kind: 'DDR3',
    names: ['ddr3', 'ddr'],
    pjPerBit: DDR_PJ_PER_BIT,
    source: 'horowitz2014',
    status: 'derived',
    note: DDR_NOTE,
  },
  {
    kind: 'DDR4',
    names: ['ddr4', 'ddr5'],
    pjPerBit: DDR_PJ_PER_BIT,
    source: 'horowitz2014',
    status: 'estimate',
    note: `DDR4/DDR5 priced as DDR3: ${DDR_NOTE}`,
  },
  {
    kind: 'LPDDR5',
    names: ['lpddr4', 'lpddr4x', 'lpddr5', 'lpddr5x'],
    pjPerBit: 5,
    source: 'tpusim',
    status: 'estimate',
    note:
      'no primary per-bit figure found; 5 pJ/bit, between HBM2 (3.9) and GDDR6 (7.5): short, unterminated board ' +
      'traces',
  },
  {
    kind: 'GDDR5',
    names: ['gddr5', 'gddr5x'],
    pjPerBit: 14,
    source: 'oconnor2017',
    status: 'published',
    note: "GDDR5 ~14 pJ/bit as quoted from the paper's comparison of GPU DRAMs (page not re-checked here)",
  },
  {
    kind: 'GDDR6',
    names: ['gddr6', 'gddr6x'],
    pjPerBit: 7.5,
    source: 'tpusim',
    status: 'estimate',
    note:
      "about half of GDDR5's 14 pJ/bit (O'Connor et al. 2017); ~7.5 pJ/bit is the figure commonly quoted from " +
      "Micron's GDDR6/6X material (not re-checked)",
  },
  {
    kind: 'HBM2',
    names: ['hbm2', 'hbm'],
    pjPerBit: 3.9,
    source: 'oconnor2017',
    status: 'published',
    note: 'HBM2 baseline ~3.9 pJ/bit (activation + on-die movement + I/O); plain "HBM" is priced as HBM2',
  },
  {
    kind: 'HBM2e',
    names: ['hbm2e'],
    pjPerBit: 3.9,
    source: 'oconnor2017',
    status: 'estimate',
    note: "priced as HBM2 (3.9 pJ/bit, O'Connor et al. 2017): same interface, faster pins",
  },
  {
    kind: 'HBM3',
    names: ['hbm3', 'hbm3e'],
    pjPerBit: 3.5,
    source: 'tpusim',
    status: 'estimate',
    note:
      "no primary per-bit figure found; set ~10% below HBM2's 3.9 pJ/bit (O'Connor et al. 2017) for HBM3's " +
      'lower I/O voltage; treat as +-30%',
  },
];

const OFF_CHIP_DEFAULT: OffChipEntry = {
  kind: 'default',
  names: [],
  pjPerBit: DDR_PJ_PER_BIT,
  source: 'horowitz2014',
  status: 'estimate',
  note:
    `an unknown memory kind is priced as commodity DDR (${FIG}, 1.3 nJ / 64 bit), the most expensive common ` +
    `kind, so it is never priced optimistically`,
};

function normaliseKind(kind: string): string {
  return kind.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The table entry (`HBM2`, `DDR3`, ...) that prices off-chip memory `kind`, or `default`. */
export function resolveOffChipKind(kind: string): string {
  return offChipEntry(kind).kind;
}

function offChipEntry(kind: string): OffChipEntry {
  const name = normaliseKind(kind);
  return OFF_CHIP_MEMORY.find((entry) => entry.names.includes(name)) ?? OFF_CHIP_DEFAULT;
}

interface LinkEntry extends PricedEntry {
  readonly pjPerBit: number;
}

const LINKS: Readonly<Record<'pcie' | 'chip', LinkEntry>> = {
  pcie: {
    pjPerBit: 1.3 * 5,
    source: 'nvidiaNvlink',
    status: 'derived',
    note: 'NVLink-C2C 1.3 pJ/bit is "5 times more energy efficient than PCIe Gen 5", so PCIe Gen 5 ~ 6.5 pJ/bit',
  },
  chip: {
    pjPerBit: 5,
    source: 'tpusim',
    status: 'estimate',
    note:
      "long-reach chip-to-chip SerDes (ICI, NVLink over boards and cables): ~5 pJ/bit, between NVLink-C2C's " +
      '1.3 pJ/bit short-reach link and PCIe Gen 5\'s ~6.5 pJ/bit (NVIDIA, "What Is NVLink?")',
  },
};

/**
 * Stillmaker & Baas Table 5 energy coefficients (PTM HP models) evaluated at each model's nominal Vdd:
 * factor = a*Vdd^2 + b*Vdd + c, relative to 45 nm at 1.0 V. 22 nm is not in the paper (its FinFET
 * models are 20/16/14/10/7 nm); nodes between the rows are interpolated log-log.
 */
export const STILLMAKER_ENERGY_COEFFICIENTS = [
  { nodeNm: 45, vddV: 1.0, a: 1.018, b: -0.3107, c: 0.1539 },
  { nodeNm: 32, vddV: 0.9, a: 0.8367, b: -0.4341, c: 0.1701 },
  { nodeNm: 20, vddV: 0.9, a: 0.373, b: -0.1582, c: 0.04104 },
  { nodeNm: 16, vddV: 0.85, a: 0.2958, b: -0.1241, c: 0.03024 },
  { nodeNm: 14, vddV: 0.8, a: 0.2363, b: -0.09675, c: 0.02239 },
  { nodeNm: 10, vddV: 0.75, a: 0.2068, b: -0.09311, c: 0.02375 },
  { nodeNm: 7, vddV: 0.7, a: 0.1776, b: -0.09097, c: 0.02447 },
] as const;

const ENERGY_AT_NOMINAL = STILLMAKER_ENERGY_COEFFICIENTS.map(({ nodeNm, vddV, a, b, c }) => ({
  nodeNm,
  energy: a * vddV * vddV + b * vddV + c,
}));

/** Interpolates log(y) linearly in log(x) through `points` (sorted by x), extending the end segments. */
function logLogInterpolate(points: ReadonlyArray<{ readonly x: number; readonly y: number }>, x: number): number {
  let i = 0;
  while (i < points.length - 2 && x > points[i + 1]!.x) i++;
  const p = points[i]!;
  const q = points[i + 1]!;
  const slope = Math.log(q.y / p.y) / Math.log(q.x / p.x);
  return p.y * Math.exp(slope * Math.log(x / p.x));
}

const SCALE_POINTS = ENERGY_AT_NOMINAL.map(({ nodeNm, energy }) => ({
  x: nodeNm,
  y: energy / ENERGY_AT_NOMINAL[0]!.energy,
})).reverse();
const SMALLEST_NODE_NM = SCALE_POINTS[0]!.x;
const LARGEST_NODE_NM = SCALE_POINTS[SCALE_POINTS.length - 1]!.x;

/**
 * Logic and SRAM energy at `nodeNm` relative to 45 nm. Between 7 and 45 nm from Stillmaker & Baas;
 * below 7 nm (5, 4, 3 nm) and above 45 nm the nearest segment's power law continues (an estimate).
 */
export function energyScale(nodeNm: number): number {
  if (!Number.isFinite(nodeNm) || nodeNm <= 0) {
    throw new TpusimError('invalid_node', `process node ${nodeNm} nm is not a positive number of nanometres`);
  }
  return logLogInterpolate(SCALE_POINTS, nodeNm);
}

function scaleCitation(nodeNm: number): EnergyCitation {
  const published = SCALE_POINTS.find((p) => p.x === nodeNm);
  const factor = energyScale(nodeNm).toPrecision(4);
  if (nodeNm === 45)
    return { item: 'scale', source: 'horowitz2014', status: 'published', note: 'factor 1: the base table is 45 nm' };
  if (published !== undefined) {
    return {
      item: 'scale',
      source: 'stillmaker2017',
      status: 'derived',
      note:
        `factor ${factor}: Table 5 HP coefficients at the model's nominal Vdd (source 'ptm'), relative to 45 nm ` +
        `at 1.0 V`,
    };
  }
  if (nodeNm > SMALLEST_NODE_NM && nodeNm < LARGEST_NODE_NM) {
    return {
      item: 'scale',
      source: 'stillmaker2017',
      status: 'derived',
      note: `factor ${factor}: interpolated log-log between the paper's nodes`,
    };
  }
  const why =
    nodeNm < SMALLEST_NODE_NM
      ? 'the 10 -> 7 nm power law continues (7 -> 5 nm comes out about -30%, in line with foundry N5-vs-N7 power ' +
        'claims)'
      : 'the 32 -> 45 nm power law continues';
  return {
    item: 'scale',
    source: 'tpusim',
    status: 'estimate',
    note: `factor ${factor}: outside Stillmaker & Baas's 7-45 nm; ${why}`,
  };
}

const SRAM_POINTS = [
  { x: 8 * KIB, y: H.sram8KBPer64Bit / 8 },
  { x: 32 * KIB, y: H.sram32KBPer64Bit / 8 },
  { x: 1 * MIB, y: H.sram1MBPer64Bit / 8 },
];

/** SRAM pJ/byte at 45 nm: Horowitz's three points, log-log in between; below 8 KiB priced as 8 KiB. */
function sramPjPerByte45(sizeBytes: number): number {
  const size = Number.isFinite(sizeBytes) ? Math.max(sizeBytes, SRAM_POINTS[0]!.x) : SRAM_POINTS[0]!.x;
  return logLogInterpolate(SRAM_POINTS, size);
}

/** A record lookup that ignores inherited keys (`constructor`, `toString`). */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function cite(item: string, entry: PricedEntry, status: EnergyStatus = entry.status): EnergyCitation {
  return { item, source: entry.source, status, note: entry.note };
}

function buildCitations(nodeNm: number, scale: EnergyCitation): EnergyCitation[] {
  // A 45 nm number moved to another node is at best derived, and an estimate when the factor is.
  const moved: EnergyStatus = nodeNm === 45 ? 'published' : 'derived';
  const scaling = nodeNm === 45 ? '' : `; x ${energyScale(nodeNm).toPrecision(4)} for ${nodeNm} nm (see 'scale')`;
  const scaled = (item: string, entry: PricedEntry): EnergyCitation => ({
    ...cite(item, entry, weakestStatus(entry.status, scale.status, moved)),
    note: entry.note + scaling,
  });
  const sram: PricedEntry = {
    source: 'horowitz2014',
    status: 'derived',
    note:
      `${FIG}: 64-bit access 10 pJ (8 KB), 20 pJ (32 KB), 100 pJ (1 MB), /8 per byte; log-log in size between ` +
      `the points; beyond 1 MB the 32 KB -> 1 MB power law continues (estimate), below 8 KB priced as 8 KB`,
  };
  const register: PricedEntry = {
    source: 'horowitz2014',
    status: 'estimate',
    note: `priced as the smallest SRAM point, 8 KB: 10 pJ / 8 bytes (${FIG})`,
  };
  const vector: PricedEntry = {
    source: 'horowitz2014',
    status: 'derived',
    note: `${FIG}: fp32 mult 3.7 + fp32 add 0.9 pJ`,
  };
  return [
    scale,
    ...Object.entries(MAC_45NM).map(([format, entry]) => scaled(`mac.${format}`, entry)),
    scaled('mac.default', MAC_DEFAULT),
    scaled('vectorOp', vector),
    scaled('sram', sram),
    scaled('register', register),
    ...OFF_CHIP_MEMORY.map((entry) => cite(`offChip.${entry.kind}`, entry)),
    cite('offChip.default', OFF_CHIP_DEFAULT),
    cite('link.pcie', LINKS.pcie),
    cite('link.chip', LINKS.chip),
  ];
}

const tables = new Map<number, EnergyTable>();
const MAX_TABLES = 64;

/**
 * The energy table for a process node (`4` for TSMC 4N/N4P, `5` for N5, ...). Tables are readonly and
 * depend on the node alone, so they are kept (building the citations dominated a sweep's GEMM point).
 */
export function energyTable(nodeNm: number): EnergyTable {
  let table = tables.get(nodeNm);
  if (table === undefined) {
    if (tables.size >= MAX_TABLES) tables.clear();
    tables.set(nodeNm, (table = buildEnergyTable(nodeNm)));
  }
  return table;
}

function buildEnergyTable(nodeNm: number): EnergyTable {
  const factor = energyScale(nodeNm);
  const citations = buildCitations(nodeNm, scaleCitation(nodeNm));
  return {
    nodeNm,
    macPj: (format) => (own(MAC_45NM, format) ?? MAC_DEFAULT).pj45 * factor,
    vectorOpPj: (H.fp32Mult + H.fp32Add) * factor,
    sramPjPerByte: (sizeBytes) => sramPjPerByte45(sizeBytes) * factor,
    registerPjPerByte: (H.sram8KBPer64Bit / 8) * factor,
    offChipPjPerByte: (kind) => offChipEntry(kind).pjPerBit * BITS_PER_BYTE,
    linkPjPerByte: (kind) => (own(LINKS, kind) ?? LINKS.chip).pjPerBit * BITS_PER_BYTE,
    citations,
  };
}

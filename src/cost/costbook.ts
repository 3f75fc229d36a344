/**
 * The cost book: every constant the economics use, with its unit, source and status. Keys are dotted
 * (`wafer.priceUsd.7` is a 7 nm wafer's price); per-node entries end in the node in nm. A user's book
 * (JSON or YAML: `key: value` or `key: { value, source, status, note }`) overrides entries one by one;
 * reports say which numbers used are estimates.
 *
 * Status, on the one scale of core/citations.ts: published (a figure as its source prints it), derived
 * (arithmetic on published figures), estimate (a third party's or ours, with a range where one is known),
 * calibrated (fitted to published die areas, see cost/area.ts), user (from the user's book).
 */
import {
  CITATION_STATUSES,
  isCitationStatus,
  pickSources,
  STATUS_RANK,
  type CitationStatus,
} from '../core/citations.js';
import { issue, nearestName, TpusimError, type Issue, type Result } from '../core/errors.js';
import { parse, type Schema } from '../core/schema.js';
import { COST_AREA_SOURCES } from '../core/sources/cost.js';
import { AREA_BOOK } from './area-book.js';
import { costValueIssues, validateCostValues } from './cost-limits.js';

/** A cost entry's status: the one citation scale (core/citations.ts). */
export const COST_STATUSES = CITATION_STATUSES;
export type CostStatus = CitationStatus;

export interface CostEntry {
  readonly value: number;
  readonly unit: string;
  /** Key into COST_SOURCES, or a user's own source text. */
  readonly source: string;
  readonly status: CostStatus;
  readonly note?: string;
  /** A plausible range, where one is known (sensitivity analyses swing between them). */
  readonly low?: number;
  readonly high?: number;
}

export type CostBook = Readonly<Record<string, CostEntry>>;

/**
 * The sources the cost book cites (core/sources/cost.ts, and the TPU papers and Horowitz 2014 shared with the other
 * books).
 */
export const COST_SOURCES = {
  ...COST_AREA_SOURCES,
  ...pickSources('jouppi2017', 'jouppi2023', 'horowitz2014', 'tpusim'),
};

const e = (
  value: number,
  unit: string,
  source: keyof typeof COST_SOURCES,
  status: CostStatus,
  note?: string,
  low?: number,
  high?: number,
): CostEntry => ({
  value,
  unit,
  source,
  status,
  ...(note !== undefined ? { note } : {}),
  ...(low !== undefined ? { low } : {}),
  ...(high !== undefined ? { high } : {}),
});

/** The default book. Dollar figures are estimates unless a list price; foundries do not publish contract prices. */
export const DEFAULT_COST_BOOK: CostBook = {
  // --- Area -----------------------------------------------------------------------------------
  'area.sramBitcellUm2.28': e(0.127, 'um^2', 'tsmcSram', 'published', '28HPM high-density bitcell'),
  'area.sramBitcellUm2.16': e(0.074, 'um^2', 'tsmcSram', 'published', '16FF+ high-density bitcell'),
  'area.sramBitcellUm2.7': e(0.027, 'um^2', 'tsmcSram', 'published', 'N7 high-density bitcell'),
  'area.sramBitcellUm2.5': e(0.021, 'um^2', 'tsmcSram', 'published', 'N5 high-density bitcell (N4 shares it)'),
  'area.sramBitcellUm2.3': e(0.0199, 'um^2', 'tsmcSram', 'published', 'N3 (N3B) high-density bitcell'),
  'area.sramArrayEfficiency': e(
    (8 * 2 ** 20 * 0.127e-6 * (24 + 4 + 0.25)) / (0.37 * 331),
    'ratio',
    'jouppi2017',
    'derived',
    'bitcell area over buffer area in TPU v1: its data buffers (24 MiB unified buffer, 4 MiB accumulators, 256 ' +
      'KiB weight FIFO) are 37% of a die of at most 331 mm^2 (Figure 2 caption, Table 2), at 0.127 um^2 per 28 nm ' +
      'bitcell: 0.246',
    0.2,
    0.6,
  ),
  'area.registerFileFactor': e(
    2,
    'ratio',
    'tpusim',
    'estimate',
    'multi-ported register files and GPU shared memory per bit against dense SRAM macros',
    1.5,
    3,
  ),
  'area.logicDensityMtrMm2.28': e(
    14,
    'MTr/mm^2',
    'tpusim',
    'estimate',
    'not on WikiChip\'s page; 16FF+ density / 2, TSMC\'s "2x" claim for 16FF+ over 28HPM',
    11,
    17,
  ),
  'area.logicDensityMtrMm2.16': e(
    28.9,
    'MTr/mm^2',
    'wikichipDensity',
    'estimate',
    'high-density cells, 16FF+ (12 nm shares it)',
  ),
  'area.logicDensityMtrMm2.10': e(52.5, 'MTr/mm^2', 'wikichipDensity', 'estimate', 'N10 high-density cells'),
  'area.logicDensityMtrMm2.7': e(91.2, 'MTr/mm^2', 'wikichipDensity', 'estimate', 'N7 high-density cells'),
  'area.logicDensityMtrMm2.5': e(171.3, 'MTr/mm^2', 'wikichipDensity', 'estimate', 'N5 high-density cells'),
  'area.logicDensityMtrMm2.4': e(
    171.3,
    'MTr/mm^2',
    'wikichipDensity',
    'estimate',
    'N4 / 4N: the N5 family, same cells',
  ),
  'area.logicDensityMtrMm2.3': e(
    215,
    'MTr/mm^2',
    'tpusim',
    'estimate',
    "N3E: TSMC's claimed ~1.3x logic density over N5 for mixed designs, applied to N5",
    190,
    290,
  ),
  'area.int8MacMm2.28': e(
    (0.24 * 331) / 65_536,
    'mm^2',
    'jouppi2017',
    'derived',
    'TPU v1: the matrix unit is about a quarter of a die of at most 331 mm^2 (Figure 2 and Table 2) for 65,536 ' +
      'int8 MACs: 0.24 x 331 / 65,536 (an upper bound)',
  ),
  'area.fp8MacRatio': e(
    0.6,
    'ratio',
    'tpusim',
    'estimate',
    'an fp8-only MAC against a bf16 one: narrower multiplier, same fp32 accumulator',
    0.4,
    0.8,
  ),
  'area.vectorLaneMacs': e(
    2,
    'float MACs',
    'horowitz2014',
    'derived',
    "an fp32 vector lane (FMA) against a bf16/fp16 MAC: Horowitz's fp32 multiplier + adder (11,884 um^2) over " +
      'fp16 multiplier + fp32 adder (5,824 um^2) = 2.04',
  ),
  'area.hbmPhyMm2': e(
    12,
    'mm^2 per stack',
    'tpusim',
    'estimate',
    'an HBM PHY and controller per stack; reported die shots put one HBM2/3 PHY at 10-15 mm^2',
    8,
    18,
  ),
  'area.ddrPhyMm2': e(
    5,
    'mm^2 per channel',
    'tpusim',
    'estimate',
    'a DDR3/4 PHY and controller per 64-bit channel',
    3,
    8,
  ),
  'area.serdesMm2PerGBps': e(
    0.05,
    'mm^2 per GB/s',
    'tpusim',
    'estimate',
    'chip-to-chip and host SerDes: ~1.2 mm^2 per 25 GB/s (a x8 lane group at ~28 Gb/s), per direction',
    0.03,
    0.1,
  ),
  'area.reticleMm2': e(
    858,
    'mm^2',
    'tpusim',
    'published',
    'lithography field of 26 x 33 mm; dies larger than this are split into several dies in one package',
  ),
  ...AREA_BOOK,
  // --- Wafers and yield -----------------------------------------------------------------------
  'wafer.diameterMm': e(300, 'mm', 'hennessyPatterson', 'published'),
  'wafer.edgeExclusionMm': e(3, 'mm', 'tpusim', 'estimate', 'unusable rim; calculators use 2-5 mm', 2, 5),
  'wafer.scribeMm': e(
    0.1,
    'mm',
    'tpusim',
    'estimate',
    'saw street added to each die edge (50-100 um class)',
    0.05,
    0.15,
  ),
  'wafer.priceUsd.28': e(2891, 'USD', 'cset2020', 'estimate', 'CSET model, 2020'),
  'wafer.priceUsd.16': e(3984, 'USD', 'cset2020', 'estimate', 'CSET model, 2020 (16/12 nm)'),
  'wafer.priceUsd.10': e(5992, 'USD', 'cset2020', 'estimate', 'CSET model, 2020'),
  'wafer.priceUsd.7': e(9346, 'USD', 'cset2020', 'estimate', 'CSET model, 2020; ~$10,000 in 2018 reports', 8000, 11000),
  'wafer.priceUsd.5': e(16988, 'USD', 'cset2020', 'estimate', 'CSET model, 2020', 15000, 19000),
  'wafer.priceUsd.4': e(
    18000,
    'USD',
    'tpusim',
    'estimate',
    "N4/4N: N5 family; CSET's N5 price plus a few per cent of annual increases",
    16000,
    20000,
  ),
  'wafer.priceUsd.3': e(
    20000,
    'USD',
    'digitimes',
    'estimate',
    '2022 report; 2025 reports $25-27k for N3E/N3P',
    18000,
    27000,
  ),
  'wafer.priceUsd.2': e(30000, 'USD', 'digitimes', 'estimate', '2025 reports', 25000, 35000),
  'yield.defectsPerCm2.28': e(0.05, 'defects/cm^2', 'tpusim', 'estimate', 'a mature node', 0.03, 0.1),
  'yield.defectsPerCm2.16': e(0.06, 'defects/cm^2', 'tpusim', 'estimate', 'a mature node', 0.03, 0.1),
  'yield.defectsPerCm2.10': e(0.08, 'defects/cm^2', 'tpusim', 'estimate', '', 0.05, 0.15),
  'yield.defectsPerCm2.7': e(
    0.09,
    'defects/cm^2',
    'anandtech2020',
    'published',
    'three quarters after high-volume manufacturing',
    0.05,
    0.12,
  ),
  'yield.defectsPerCm2.5': e(
    0.1,
    'defects/cm^2',
    'anandtech2020',
    'published',
    'August 2020, expected lower with the ramp',
    0.06,
    0.12,
  ),
  'yield.defectsPerCm2.4': e(
    0.08,
    'defects/cm^2',
    'tpusim',
    'estimate',
    'the N5 family, later in its ramp',
    0.05,
    0.12,
  ),
  'yield.defectsPerCm2.3': e(0.1, 'defects/cm^2', 'tpusim', 'estimate', 'not published', 0.05, 0.2),
  'yield.defectsPerCm2.2': e(0.2, 'defects/cm^2', 'tpusim', 'estimate', 'early ramp; not published', 0.1, 0.5),
  'yield.clusteringAlpha': e(
    3,
    'alpha',
    'stapper',
    'estimate',
    'negative-binomial clustering parameter; 0.5-2 for mature processes in tutorials, 2-3 a common default',
    0.5,
    5,
  ),
  // --- Memory and package ---------------------------------------------------------------------
  'memory.hbmUsdPerGB': e(15, 'USD/GB', 'trendforceHbm', 'estimate', 'HBM3/3e, 2025', 8, 20),
  'memory.ddrUsdPerGB': e(3, 'USD/GB', 'trendforceHbm', 'estimate', 'server DRAM, about a fifth of HBM per bit', 2, 6),
  'memory.hbmStackYield': e(
    0.97,
    'ratio',
    'tpusim',
    'estimate',
    'known-good stacks lost in assembly (TSV yield is inside the price)',
    0.9,
    0.99,
  ),
  'memory.hbmStackFootprintMm2': e(
    110,
    'mm^2',
    'tpusim',
    'estimate',
    "an HBM stack's footprint on the interposer (~11 x 10 mm)",
    90,
    130,
  ),
  'package.interposerWaferUsd': e(
    12000,
    'USD',
    'tpusim',
    'estimate',
    'a CoWoS-class interposer wafer processed; a single analyst post, low confidence',
    6000,
    18000,
  ),
  'package.interposerMargin': e(
    1.15,
    'ratio',
    'tpusim',
    'estimate',
    'interposer area over the dies and stacks it carries',
    1.05,
    1.3,
  ),
  'package.advancedYield': e(0.95, 'ratio', 'tpusim', 'estimate', 'CoWoS-class assembly yield', 0.85, 0.99),
  'package.assemblyTestUsd': e(
    920,
    'USD',
    'siliconAnalysts',
    'estimate',
    'test and assembly of an H100-class package',
    400,
    1200,
  ),
  'package.standardUsd': e(
    30,
    'USD',
    'tpusim',
    'estimate',
    'an organic flip-chip package and test for a chip with off-package DRAM',
    15,
    60,
  ),
  'package.boardUsd': e(
    1000,
    'USD',
    'tpusim',
    'estimate',
    'accelerator board or module: power delivery, cooling plate, connectors (SXM/OAM class; PCIe cards less)',
    300,
    2000,
  ),
  // --- Design ---------------------------------------------------------------------------------
  'nre.usd.28': e(51e6, 'USD', 'semiengineering', 'estimate', 'IBS design cost (Gartner: ~$30M)', 30e6, 51e6),
  'nre.usd.16': e(106e6, 'USD', 'semiengineering', 'estimate', 'IBS (Gartner: ~$80M)', 80e6, 106e6),
  'nre.usd.10': e(170e6, 'USD', 'semiengineering', 'estimate', 'IBS, "more than"', 130e6, 200e6),
  'nre.usd.7': e(
    298e6,
    'USD',
    'semiengineering',
    'estimate',
    'IBS (Gartner 2019: $271M); AI chips that repeat one MAC array cost less (SemiEngineering 2023)',
    100e6,
    300e6,
  ),
  'nre.usd.5': e(542e6, 'USD', 'semiengineering', 'estimate', 'IBS 2018', 200e6, 550e6),
  'nre.usd.4': e(542e6, 'USD', 'semiengineering', 'estimate', 'as N5', 200e6, 550e6),
  'nre.usd.3': e(
    590e6,
    'USD',
    'semiengineering',
    'estimate',
    'IBS typical (up to ~$1.5B for a complex GPU)',
    300e6,
    1500e6,
  ),
  'nre.usd.2': e(725e6, 'USD', 'tpusim', 'estimate', "N3 x 1.23, IBS's step from N5 to N3 continued", 400e6, 2000e6),
  // --- Data centre and TCO ----------------------------------------------------------------------
  'tco.itLifeYears': e(
    4,
    'years',
    'barroso2018',
    'estimate',
    '3-4 years in the WSC book; hyperscalers depreciate servers over 5-6',
    3,
    6,
  ),
  'tco.facilityLifeYears': e(12, 'years', 'barroso2018', 'estimate', '10-15 years', 10, 15),
  'tco.facilityUsdPerW': e(
    12,
    'USD/W',
    'barroso2018',
    'estimate',
    '$10-20 per W of critical power; AI builds reported up to $25-30/W',
    8,
    25,
  ),
  'tco.pue': e(
    1.2,
    'ratio',
    'uptime2024',
    'estimate',
    "a new large build; the 2024 industry average is 1.56, Google's fleet ~1.10",
    1.1,
    1.56,
  ),
  'tco.usdPerKWh': e(0.0806, 'USD/kWh', 'eia2023', 'published', 'US industrial average, 2023', 0.05, 0.15),
  'tco.maintenanceShare': e(
    0.03,
    'share of capex per year',
    'tpusim',
    'estimate',
    'repairs, spares and staff',
    0.01,
    0.06,
  ),
  'tco.networkShare': e(
    0.15,
    'share of accelerator + host capex',
    'tpusim',
    'estimate',
    'NICs, switches, optics, cables (calculators: +10-15% of GPU hardware; TPU v4 OCS < 5% of system capex)',
    0.05,
    0.25,
  ),
  'tco.hostUsd': e(
    25000,
    'USD per host',
    'tpusim',
    'estimate',
    'a CPU server hosting the accelerators, without them',
    15000,
    40000,
  ),
  'tco.hostW': e(800, 'W per host', 'tpusim', 'estimate', "the host server's own power", 500, 1200),
  'tco.averagePowerShare': e(
    0.8,
    'share of chip power',
    'tpusim',
    'estimate',
    "average draw over a chip's full-load power across a year of work",
    0.5,
    1,
  ),
  // --- Market prices (buy side) -----------------------------------------------------------------
  'market.priceUsd.a100': e(12000, 'USD', 'gpuPrices', 'estimate', 'A100 80GB SXM, 2023-24 street price', 8000, 15000),
  'market.priceUsd.h100-sxm': e(27500, 'USD', 'gpuPrices', 'estimate', 'H100 SXM street price', 20000, 35000),
  'market.priceUsd.h200': e(32500, 'USD', 'gpuPrices', 'estimate', '', 28000, 40000),
  'market.priceUsd.b200': e(35000, 'USD', 'gpuPrices', 'estimate', '', 30000, 45000),
  'market.priceUsd.mi300x': e(15000, 'USD', 'gpuPrices', 'estimate', '', 10000, 20000),
  // --- Fabs and supply --------------------------------------------------------------------------
  'fab.waferStartsPerMonth': e(
    20000,
    'wafers/month',
    'tsmcArizona2020',
    'published',
    'one leading-edge fab module as planned for Arizona in 2020',
  ),
  'fab.capexUsd': e(
    20e9,
    'USD',
    'tsmcArizona2020',
    'estimate',
    '$12B in the 2020 plan for 20k wafers/month at 5 nm; later Arizona figures ($65B for three fabs) put it ' +
      'nearer $20B',
    12e9,
    25e9,
  ),
  'fab.leadingEdgeWaferStartsPerMonth': e(
    250000,
    'wafers/month',
    'tpusim',
    'estimate',
    "TSMC's N5/N4 and N3 families together, 2025 (press reports of ~150k and ~100-125k wafers/month); the " +
      "world's leading-edge logic output is mostly TSMC's",
    200000,
    300000,
  ),
  'fab.cowosWaferStartsPerMonth': e(
    75000,
    'wafers/month',
    'cowosCapacity',
    'estimate',
    "TSMC's whole CoWoS capacity, end-2025 (65-80k)",
    65000,
    80000,
  ),
  'fab.cowosCapexUsdPerWpm': e(
    1e6,
    'USD per wafer/month',
    'tpusim',
    'estimate',
    'advanced-packaging capital per wafer per month of capacity (a ~$2-3B plant for a few thousand wafers/month)',
    0.5e6,
    2e6,
  ),
  'fab.hbmGBPerYear': e(
    2.4e9,
    'GB/year',
    'trendforceHbm',
    'estimate',
    'world HBM output, 2025: ~$36B of HBM revenue (over 30% of DRAM revenue) at ~$15/GB',
    1.5e9,
    3.5e9,
  ),
  'fab.hbmCapexUsdPerGBPerYear': e(
    10,
    'USD per GB/year',
    'tpusim',
    'estimate',
    'DRAM and TSV-stacking capital per GB/year of HBM output',
    5,
    20,
  ),
};

/** An entry of the book, or an error naming the key and the nearest ones. */
export function entry(book: CostBook, key: string): CostEntry {
  const found = book[key];
  if (found) return found;
  const near = nearestName(key, Object.keys(book));
  throw new TpusimError('unknown_cost_key', `the cost book has no '${key}'${near ? ` (did you mean '${near}'?)` : ''}`);
}

export const value = (book: CostBook, key: string): number => entry(book, key).value;

/** The book with some values replaced, each entry's unit, source, status and range kept. */
export function withValues(book: CostBook, values: Readonly<Record<string, number>>): CostBook {
  const out: Record<string, CostEntry> = { ...book };
  for (const [key, v] of Object.entries(values)) out[key] = { ...entry(book, key), value: v };
  return out;
}

/** Nodes a per-node family lists, e.g. `wafer.priceUsd` -> [2, 3, 4, 5, 7, ...]. */
export function nodesOf(book: CostBook, family: string): number[] {
  return Object.keys(book)
    .filter((k) => k.startsWith(`${family}.`) && /^\d+$/.test(k.slice(family.length + 1)))
    .map((k) => Number(k.slice(family.length + 1)))
    .sort((a, b) => a - b);
}

/**
 * The per-node entry for a node: its own, or the nearest listed node's (by ratio), with the key used.
 * A 12 nm chip takes 16 nm's figures; a 6 nm chip 7 nm's (nearer than 5 by ratio? 6/5 = 1.2 < 7/6 = 1.17: 7).
 */
export function atNode(
  book: CostBook,
  family: string,
  nodeNm: number,
): { readonly key: string; readonly entry: CostEntry; readonly exact: boolean } {
  const nodes = nodesOf(book, family);
  if (nodes.length === 0) throw new TpusimError('unknown_cost_key', `the cost book has no '${family}.<node>' entries`);
  let best = nodes[0]!;
  for (const n of nodes) if (Math.abs(Math.log(n / nodeNm)) < Math.abs(Math.log(best / nodeNm))) best = n;
  const key = `${family}.${best}`;
  return { key, entry: book[key]!, exact: best === nodeNm };
}

/**
 * A user's entry: a number, or an object whose `value` replaces the base's (unit, source, note: strings or ignored).
 */
export type CostOverride =
  | number
  | {
      readonly value: number;
      readonly status?: CostStatus;
      readonly low?: number;
      readonly high?: number;
      readonly unit?: unknown;
      readonly source?: unknown;
      readonly note?: unknown;
    };

/** A user's book: key -> entry. */
export type CostOverrides = Readonly<Record<string, CostOverride>>;

const USER_FAMILY_KEY = new RegExp(
  '^(market\\.priceUsd|wafer\\.priceUsd|yield\\.defectsPerCm2|nre\\.usd|' +
    'area\\.(sramBitcellUm2|logicDensityMtrMm2))\\.[\\w-]+$',
);
const isMapping = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One entry of a user's book, each message naming its key. */
function checkOverride(key: string, v: unknown, issues: Issue[]): void {
  const number = typeof v === 'number' ? v : isMapping(v) ? v['value'] : undefined;
  if (typeof number !== 'number' || !Number.isFinite(number))
    issues.push(
      issue(
        'invalid_value',
        key,
        `${key}: value must be a finite number, got ${number === undefined ? JSON.stringify(v) : String(number)}`,
      ),
    );
  else issues.push(...withKey(costValueIssues(key, number)));
  if (!isMapping(v)) return;
  const status = v['status'];
  if (status !== undefined && !isCitationStatus(status))
    issues.push(
      issue(
        'invalid_value',
        `${key}.status`,
        `${key}.status: must be one of ${COST_STATUSES.join(', ')}, got ${JSON.stringify(status)}`,
      ),
    );
  for (const bound of ['low', 'high'] as const) {
    const b = v[bound];
    if (b === undefined) continue;
    if (typeof b !== 'number' || !Number.isFinite(b))
      issues.push(
        issue('invalid_value', `${key}.${bound}`, `${key}.${bound}: must be a finite number, got ${JSON.stringify(b)}`),
      );
    else issues.push(...withKey(costValueIssues(key, b, `${key}.${bound}`)));
  }
  const { low, high } = v;
  if (typeof low === 'number' && typeof high === 'number' && low > high)
    issues.push(issue('bad_range', key, `${key}: low ${low} exceeds high ${high}`));
}

/**
 * A user's book: known keys (or a new node of a per-node family), each with a finite value in its limits,
 * a known status and an ordered range. Messages name the key (`tco.pue: ...`); the file name opens the
 * one for a document that is not a mapping.
 */
export function costOverridesSchema(fileName = 'cost book'): Schema<CostOverrides> {
  return {
    expected: 'a mapping of cost-book keys to values',
    check(value, _path, issues) {
      if (!isMapping(value)) {
        issues.push(issue('invalid_type', '', `${fileName}: expected ${this.expected}`));
        return;
      }
      for (const [key, v] of Object.entries(value)) {
        if (key in DEFAULT_COST_BOOK || USER_FAMILY_KEY.test(key)) checkOverride(key, v, issues);
        else {
          const near = nearestName(key, Object.keys(DEFAULT_COST_BOOK));
          issues.push(
            issue('unknown_key', key, `${key}: not a cost-book key${near ? ` (did you mean '${near}'?)` : ''}`),
          );
        }
      }
    },
  };
}

/** Every problem with a user's book: unknown keys (with suggestions), non-numbers, bad statuses. */
export function validateCostOverrides(
  raw: unknown,
  fileName = 'cost book',
  base: CostBook = DEFAULT_COST_BOOK,
): Issue[] {
  const r = withOverrides(raw, fileName, base);
  return r.ok ? [] : [...r.issues];
}

/** Messages that name their key, as this file's other messages do. */
const withKey = (issues: readonly Issue[]): Issue[] =>
  issues.map((i) => ({ ...i, message: `${i.path}: ${i.message}` }));

/**
 * The default book with a user's entries over it (user entries keep their own source and status, 'user' by default).
 */
export function withOverrides(
  raw: unknown,
  fileName = 'cost book',
  base: CostBook = DEFAULT_COST_BOOK,
): Result<CostBook> {
  const parsed = parse(costOverridesSchema(fileName), raw);
  if (!parsed.ok) return parsed;
  const merged = mergeOverrides(parsed.value, fileName, base);
  // Limits between keys (the edge exclusion against the wafer's radius) need the book as merged.
  const issues = withKey(validateCostValues(merged, ['wafer.edgeExclusionMm']));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: merged };
}

/** The base with checked entries over it; a plain number has no range of its own (see `rangeOf`). */
function mergeOverrides(raw: CostOverrides, fileName: string, base: CostBook): CostBook {
  const out: Record<string, CostEntry> = { ...base };
  for (const [key, v] of Object.entries(raw)) {
    const previous = base[key];
    if (typeof v === 'number') out[key] = { value: v, unit: previous?.unit ?? '', source: fileName, status: 'user' };
    else {
      out[key] = {
        value: v.value,
        unit: typeof v.unit === 'string' ? v.unit : (previous?.unit ?? ''),
        source: typeof v.source === 'string' ? v.source : fileName,
        status: v.status ?? 'user',
        ...(typeof v.note === 'string' ? { note: v.note } : {}),
        ...(v.low !== undefined ? { low: v.low } : {}),
        ...(v.high !== undefined ? { high: v.high } : {}),
      };
    }
  }
  return out;
}

export function loadCostOverrides(raw: unknown, fileName: string): CostBook {
  const r = withOverrides(raw, fileName);
  // Each message names its key already.
  if (!r.ok)
    throw new TpusimError(
      'invalid_cost_book',
      `${fileName} is not a valid cost book:\n${r.issues.map((i) => i.message).join('\n')}`,
      { issues: r.issues },
    );
  return r.value;
}

/** Keys read while computing a result, so reports can say which of them are estimates. */
export class CostTrace {
  private readonly used = new Set<string>();
  constructor(readonly book: CostBook) {}
  value(key: string): number {
    this.used.add(key);
    return value(this.book, key);
  }
  atNode(family: string, nodeNm: number): number {
    const r = atNode(this.book, family, nodeNm);
    this.used.add(r.key);
    return r.entry.value;
  }
  keys(): string[] {
    return [...this.used].sort();
  }
  /** Keys used whose status is not firm: not published, measured or derived (core/citations.ts). */
  estimates(): string[] {
    return this.keys().filter((k) => !STATUS_RANK[this.book[k]!.status].firm);
  }
}

/**
 * The area model's own cost-book entries (cost/area.ts): per-mechanism densities beyond the bitcells and
 * logic densities the main book lists, and the two constants fitted to the calibration rows of
 * validation/data/area (area.test.ts re-runs the fit and fails when these drift). Merged into
 * DEFAULT_COST_BOOK; a user's book overrides them like any other entry.
 */
import type { CitationStatus, SourceKey } from '../core/citations.js';
import type { CostEntry } from './costbook.js';
import type { NumberRules } from '../core/schema.js';

const e = (
  value: number,
  unit: string,
  source: SourceKey,
  status: CitationStatus,
  note: string,
  low?: number,
  high?: number,
): CostEntry => ({
  value,
  unit,
  source,
  status,
  note,
  ...(low !== undefined ? { low } : {}),
  ...(high !== undefined ? { high } : {}),
});

export const AREA_BOOK: Readonly<Record<string, CostEntry>> = {
  'area.floatMacRatio': e(
    12.1,
    'ratio',
    'horowitz2014',
    'derived',
    'area of a bf16 MAC (bf16 multiplier, fp32 adder) over an int8 MAC (int8 multiplier, int32 adder), from the ' +
      '45 nm areas beside the energies: 8-bit multiply 282 and 32-bit add 137 um^2; fp16 multiply 1,640 and fp32 ' +
      'add 4,184 um^2, the bf16 multiplier as the fp16 one scaled by its significand product (8/11)^2 = 0.53: (867 ' +
      '+ 4,184) / (282 + 137) = 12.1 (fp16 inputs: 13.9). Values as recalled from the figure (area.vectorLaneMacs ' +
      'uses the same ones); a systolic cell has its own adder unless its unit groups products ' +
      '(productsPerAdder, area.fusedAdderInputShare), a tensor core shares it (area.dotProductWidth)',
    4,
    14,
  ),
  'area.floatAdderShare': e(
    0.83,
    'share of a MAC',
    'horowitz2014',
    'derived',
    "the fp32 adder's share of a bf16 MAC's area: 4,184 / (867 + 4,184) um^2 (45 nm, as area.floatMacRatio)",
    0.5,
    0.95,
  ),
  'area.dotProductWidth': e(
    4,
    'products per adder',
    'nvidiaV100',
    'estimate',
    "products of a tensor core's dot product that share one fp32 accumulate adder: a V100 tensor core runs a 4 x " +
      '4 x 4 matrix multiply-accumulate per clock (64 FMAs), each result a 4-element dot product added to its ' +
      "accumulator; later generations taken alike. Makes a tensor core's bf16 MAC 0.38 of a systolic cell's",
    1,
    16,
  ),
  'area.fusedAdderInputShare': e(
    0.5,
    '2-input adders per extra input',
    'tpusim',
    'estimate',
    'a fused multi-input float adder (a systolic unit with productsPerAdder > 1; TPU v4i sums four products ' +
      'with one that skips the intermediate rounding and normalization) priced as a 2-input fp32 adder plus this ' +
      'share of one per input beyond two: each extra input brings its own exponent compare, alignment shifter and ' +
      'compressor row (about half an adder), while the carry-propagate add, normalization and rounding are shared. ' +
      'The group sum then joins the partial sum in an ordinary 2-input adder. 1 would be a tree of plain adders',
    0.25,
    1,
  ),
  'area.overheadShare': e(
    0.21,
    'share of die',
    'areaFit',
    'calibrated',
    'control, clocking, global wiring and white space as a share of the die (the I/O ring, PHYs and die-to-die ' +
      "links are priced apart). TPU v1's floor plan gives control 2%",
    0.05,
    0.4,
  ),
  'area.simtCoreLogicMTr': e(
    210,
    'MTr per core',
    'areaFit',
    'calibrated',
    "a SIMT core's (GPU SM / CDNA CU) logic besides its tensor cores, register file, L1 and fp32 lanes: warp " +
      "schedulers, dispatch, load/store, special-function and texture units, integer lanes; priced at the node's " +
      'logic density',
    0,
    400,
  ),
  'area.extraFormatShare': e(
    0.15,
    'share of a MAC',
    'tpusim',
    'estimate',
    'each further format class a MAC supports beyond its widest (int8 paths in a bf16 MAC, fp8 alignment in a ' +
      'bf16 one) adds this share of the MAC',
    0.05,
    0.3,
  ),
  'area.systolicEdgeMacs': e(
    2,
    'MACs per row or column',
    'tpusim',
    'estimate',
    "a systolic array's edge per row and per column (input skew registers, weight-load path, accumulator " +
      'interface) in MAC-equivalents: the array-shape term (a 128 x 128 array pays 2 x 256 x 2 MACs, 3%)',
    0,
    8,
  ),
  'area.smallMacroFactor': e(
    1.5,
    'ratio',
    'cacti',
    'estimate',
    'area per bit of SRAM in macros under 1 MiB per core (GPU L1/shared memory, small scratchpads) over large ' +
      'buffers: periphery over fewer bits',
    1.1,
    2.5,
  ),
  'area.d2dMm2PerTBps': e(
    1,
    'mm^2 per TB/s',
    'ucie2022',
    'estimate',
    'die-to-die PHY on an advanced package, per side; the traffic crossing dies taken as the off-chip memory ' +
      "bandwidth (each die reads the others' stacks)",
    0.7,
    5,
  ),
  'area.ioRingWidthMm': e(
    0.15,
    'mm',
    'tpusim',
    'estimate',
    "a die edge's ring of ESD, power, test and clock-input pads not counted with the PHYs, times each die's perimeter",
    0.05,
    0.4,
  ),
};

export const AREA_LIMITS: Readonly<Record<string, NumberRules>> = {
  'area.floatAdderShare': { min: 0, max: 1 },
  'area.dotProductWidth': { min: 1 },
  'area.fusedAdderInputShare': { min: 0 },
  'area.simtCoreLogicMTr': { min: 0, unit: 'MTr' },
  'area.extraFormatShare': { min: 0 },
  'area.systolicEdgeMacs': { min: 0 },
  'area.smallMacroFactor': { min: 1 },
  'area.d2dMm2PerTBps': { min: 0, unit: 'mm^2 per TB/s' },
  'area.ioRingWidthMm': { min: 0, max: 5, unit: 'mm' },
};

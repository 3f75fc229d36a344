/**
 * The power model's constants by mechanism (model/power.ts): energies per event that model/energy.ts's
 * arithmetic-and-memory table leaves out (operand delivery, wires, clock tree, SerDes, DRAM standby),
 * leakage by node and area, the voltage-frequency relation and the board's conversion loss. Every number
 * carries its source and a status: published (as printed), derived (arithmetic on published numbers) or
 * estimate (our choice; the note says how it was made). Keys into POWER_SOURCES (core/citations.ts).
 */
import { pickSources } from '../core/citations.js';
import type { EnergyStatus } from './energy.js';

/** The sources the power model cites (core/sources/energy.ts and, for the TPU papers, core/sources/chips.ts). */
export const POWER_SOURCES = pickSources(
  'jouppi2017',
  'jouppi2021',
  'jouppi2023',
  'chen2016',
  'keckler2011',
  'sakurai1990',
  'tsmcN5',
  'tiwari1998',
  'dally2023',
  'tpusim',
);

export type PowerSourceKey = keyof typeof POWER_SOURCES;

export interface PowerConstant {
  readonly value: number;
  readonly unit: string;
  readonly source: PowerSourceKey;
  /** Table or section of the source, where it has one. */
  readonly where?: string;
  readonly status: EnergyStatus;
  readonly note: string;
}

const c = (
  value: number,
  unit: string,
  source: PowerSourceKey,
  status: EnergyStatus,
  note: string,
  where?: string,
): PowerConstant =>
  where === undefined ? { value, unit, source, status, note } : { value, unit, source, where, status, note };

/**
 * Jouppi 2021's 7 nm update of Horowitz's table (pJ), as recalled from the paper's table (re-check
 * against the paper before relying on a digit): the logic the power model prices at 7 nm.
 */
export const JOUPPI_7NM_PJ = {
  int8Add: 0.007,
  int32Add: 0.03,
  fp32Add: 0.38,
  int8Mult: 0.07,
  fp16Mult: 0.34,
  bf16Mult: 0.21,
  fp32Mult: 1.31,
} as const;

const J = JOUPPI_7NM_PJ;

/** A MAC at 7 nm by input format, multiply + add in the accumulator format (int32 or fp32). */
export const MAC_7NM_PJ: Readonly<Record<string, PowerConstant>> = {
  int8: c(
    J.int8Mult + J.int32Add,
    'pJ',
    'jouppi2021',
    'derived',
    'int8 mult 0.07 + int32 add 0.03 pJ (7 nm values as recalled from Table 2)',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
  uint8: c(
    J.int8Mult + J.int32Add,
    'pJ',
    'jouppi2021',
    'derived',
    'priced as int8 (7 nm values as recalled from Table 2)',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
  int16: c(
    4 * J.int8Mult + J.int32Add,
    'pJ',
    'jouppi2021',
    'estimate',
    'multiplier energy ~ width squared: 4 x int8 mult 0.07 + int32 add 0.03 pJ (7 nm values as recalled from Table 2)',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
  'fp8-e4m3': c(
    J.int8Mult + J.fp32Add,
    'pJ',
    'jouppi2021',
    'estimate',
    'an int8-class multiplier 0.07 + fp32 add 0.38 pJ (7 nm values as recalled from Table 2)',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
  'fp8-e5m2': c(
    J.int8Mult + J.fp32Add,
    'pJ',
    'jouppi2021',
    'estimate',
    'priced as fp8-e4m3 (7 nm values as recalled from Table 2)',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
  fp16: c(
    J.fp16Mult + J.fp32Add,
    'pJ',
    'jouppi2021',
    'derived',
    'fp16 mult 0.34 + fp32 add 0.38 pJ (7 nm values as recalled from Table 2)',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
  bf16: c(
    J.bf16Mult + J.fp32Add,
    'pJ',
    'jouppi2021',
    'derived',
    'bf16 mult 0.21 + fp32 add 0.38 pJ (7 nm values as recalled from Table 2)',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
  fp32: c(
    J.fp32Mult + J.fp32Add,
    'pJ',
    'jouppi2021',
    'derived',
    'fp32 mult 1.31 + fp32 add 0.38 pJ (7 nm values as recalled from Table 2)',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
};

export const POWER_CONSTANTS = {
  /**
   * A systolic unit that sums groups of products in one fused float adder (productsPerAdder k > 1; TPU v4i
   * sums four): the fused k-input adder costs a 2-input fp32 add plus this share of one per input beyond two.
   * With the accumulate add, k products cost (1 + (k - 2) x share + 1) fp32 adds instead of k.
   */
  fusedAdderInputShare: c(
    0.5,
    'fp32 adds per extra input',
    'jouppi2021',
    'estimate',
    'an extra input brings its own exponent compare, alignment shift and carry-save compressor row, while the ' +
      'carry-propagate add, leading-zero count, normalising shift and rounding, which the paper says the fused ' +
      'adder does once, are shared: about half of a 2-input fp add each way, the same share as the area book ' +
      '(area.fusedAdderInputShare). Range 0.25 (alignment and compressors only; skipped rounding and normalisation ' +
      'dominate) to 1 (a tree of plain adders, the unfused price: no saving)',
    'Section on the TPUv4i MXU: sums groups of four products with a custom four-input fp adder that eliminates ' +
      'the rounding and normalization logic for the intermediate results (as quoted in tinygrad TPUNOTES)',
  ),
  /** Logic energy 45 nm -> 7 nm, used to place other nodes between the two published tables. */
  logic45To7: c(
    2.6,
    'x',
    'jouppi2021',
    'derived',
    'Horowitz 45 nm / Jouppi 7 nm over the adders and multipliers (e.g. fp32 add 0.9 / 0.38, int8 mult 0.2 / ' +
      '0.07; 7 nm values as recalled from the paper): ~2.6x; nodes between interpolated log-log in node size',
    "Table 2: Horowitz's operation energies updated from 45 nm to 7 nm; logic improved ~2.6x, SRAM and wires less",
  ),
  n5OverN7: c(
    0.7,
    'x',
    'tsmcN5',
    'published',
    'N5 (and the N4/4N family) draw 30% less power than N7 at the same speed; also applied below 5 nm',
  ),
  /** Operand delivery inside a matrix unit: Eyeriss's normalised costs. */
  registerHopPerMac16: c(
    1,
    'x 16-bit MAC per 16 bits',
    'chen2016',
    'derived',
    'a register-file access costs about one 16-bit MAC per 16-bit word: a tensor core collects its operands from ' +
      'the register file and distributes inputs and reduces fp32 sums through its dot-product trees, about one ' +
      'such access per word per MAC',
  ),
  /** A systolic cell's pipeline registers: flip-flops, not register files. */
  flopPjPerBit45: c(
    0.005,
    'pJ/bit at 45 nm',
    'tpusim',
    'estimate',
    'a 45 nm flip-flop with its local clock and data wiring: ~2 fF clock load and ~2 fF data load at 1 V, both ' +
      "edges, ~5 fJ per bit per cycle; Eyeriss's register-file cost (1x a 16-bit MAC per word) is for an addressed " +
      '0.5 kB file, ~10x a neighbour-to-neighbour latch',
  ),
  /** On-chip wires (L2 / network-on-chip to the cores). */
  wirePjPerBitMm: c(
    0.1,
    'pJ/bit/mm at 40 nm',
    'keckler2011',
    'derived',
    '~25 pJ per 256 bits per mm at 40 nm (as recalled; page not re-checked); wire capacitance per mm barely ' +
      'scales, so only the supply voltage (V^2) moves it between nodes',
  ),
  wireVoltage40nm: c(0.9, 'V', 'keckler2011', 'estimate', 'the 40 nm supply the wire figure assumes'),
  /** Clock tree and pipeline latches as a share of switching power. */
  clockShare: c(
    0.3,
    'share of dynamic power',
    'tiwari1998',
    'estimate',
    "the clock network draws 30-40% of a high-performance chip's power; the low end, since accelerators gate " +
      'idle units',
  ),
  /**
   * A systolic chip's clock tree on top of its switching: none. Its cells' pipeline registers are priced with
   * their local clock load (flopPjPerBit45), and its global clock runs whether the array is busy or not, so it
   * is already in the idle draw the leakage densities are derived from (TPU v1 at 10% of CNN0's load drew 88%
   * of its full-load power, LSTM1 94%: no clock gating).
   */
  clockShareSystolic: c(
    0,
    'share of dynamic power',
    'jouppi2017',
    'derived',
    'the TPU v1 ran its clock at idle (Figure 10: 88% of full-load power at 10% load), so its global clock is ' +
      "in the measured idle power behind leakage28/16/7; the cells' local clock load is in the flip-flop hop " +
      'energy; adding 30% on top counted both twice',
    'Section 6 and Figure 10: energy proportionality; Table 2: idle 28 W, busy 40 W',
  ),
  /** SIMT instruction fetch, decode and scheduling for tensor-core instructions. */
  simtOverhead: c(
    0.2,
    'share of MAC energy',
    'dally2023',
    'estimate',
    'instruction overhead ~20% of the math energy of a tensor-core MMA instruction, as recalled from the keynote ' +
      '(slide not re-checked)',
  ),
  /**
   * Leakage at the nominal supply and a hot junction, by node (W/mm^2): a TPU's measured idle power less what
   * this model itself charges at idle: SerDes at serdesIdleShare of full rate (2 directions x links x
   * bandwidth x the 7 nm chip-link 40 pJ/B, plus PCIe at 52 pJ/B) and DRAM standby (dramStandbyWPerGBps x
   * bandwidth). The earlier derivation took ~22-24 W of full-rate ICI SerDes off the idle figure while the
   * model charges half of it, so the idle rows it was derived from came out 8-15% low. TPUs do not gate
   * their clock at idle (clockShareSystolic), so this density also holds the global clock; tensor-core chips
   * take the same density (no GPU idle power has been derived here: their clock gating is not modelled).
   */
  leakage28: c(
    0.0818,
    'W/mm^2',
    'jouppi2017',
    'derived',
    'TPU v1 idle 28 W on 331 mm^2, less PCIe SerDes at idle 0.5 x 2 x 15.75 GB/s x 52 pJ/B = 0.82 W and DDR3 ' +
      'standby 34 GB/s x 0.003 = 0.10 W: (28 - 0.82 - 0.10) / 331 = 0.0818',
    "Table 2: TPU v1 28 nm, die <= half of Haswell's 662 mm^2, idle 28 W, busy 40 W",
  ),
  leakage16: c(
    0.155,
    'W/mm^2',
    'jouppi2023',
    'derived',
    'TPU v3 idle 123 W (ASIC + HBM, die < 700 mm^2), less SerDes at idle 0.5 x (2 x 4 ICI x 70 GB/s x 40 pJ/B ' +
      '+ 2 x 15.75 GB/s PCIe x 52 pJ/B) = 12.0 W and HBM standby 900 GB/s x 0.003 = 2.7 W: ' +
      '(123 - 12.0 - 2.7) / 700 = 0.155',
    'Table 4: TPU v3 / v4 idle 123 / 90 W, die < 700 / < 600 mm^2, ASIC + HBM power',
  ),
  leakage7: c(
    0.123,
    'W/mm^2',
    'jouppi2023',
    'derived',
    'TPU v4 idle 90 W (ASIC + HBM, die < 600 mm^2), less SerDes at idle 0.5 x (2 x 6 ICI x 50 GB/s x 40 pJ/B ' +
      '+ 2 x 16 GB/s PCIe x 52 pJ/B) = 12.8 W and HBM standby 1200 GB/s x 0.003 = 3.6 W: ' +
      '(90 - 12.8 - 3.6) / 600 = 0.123; also used below 7 nm (an estimate)',
    'Table 4: TPU v3 / v4 idle 123 / 90 W, die < 700 / < 600 mm^2, ASIC + HBM power',
  ),
  /** DRAM standby and refresh, per GB/s of the memory's peak bandwidth. */
  dramStandbyWPerGBps: c(
    0.003,
    'W per GB/s',
    'tpusim',
    'estimate',
    'about 1 W per 300 GB/s HBM2 stack (a tenth of the ~10 W a stack draws at full bandwidth at 3.9 pJ/bit); DDR ' +
      'priced alike',
  ),
  /** SerDes lanes burn power whether or not they carry data. */
  serdesIdleShare: c(
    0.5,
    'share of full-rate power',
    'tpusim',
    'estimate',
    'long-reach SerDes keep their clock recovery, equalisers and drivers running when idle: half their full-rate power',
  ),
  /** Voltage-frequency: alpha-power law. */
  alpha: c(1.3, '', 'sakurai1990', 'published', 'alpha 1.2-1.4 for short-channel devices; the middle'),
  thresholdShare: c(
    0.35,
    'Vt / Vtop',
    'sakurai1990',
    'estimate',
    'threshold voltage ~0.3 V against a ~0.85 V top of the DVFS range',
  ),
  /** Supply voltage at the published (top) clock over the node's nominal. */
  topVoltageShare: c(
    1.15,
    'Vtop / Vnominal',
    'tpusim',
    'estimate',
    "accelerators publish peaks at their top DVFS point, above the process's nominal supply (e.g. ~0.8 V against " +
      '0.7 V nominal at 7 nm)',
  ),
  /** Board: voltage regulators and the rest of the board. */
  regulatorEfficiency: c(
    0.9,
    'share',
    'tpusim',
    'estimate',
    'multiphase voltage regulators deliver 88-92% of their input at accelerator currents',
  ),
} as const;

export type PowerConstantKey = keyof typeof POWER_CONSTANTS;

/**
 * Energy of a SCALE-Sim run, Accelergy style: the array and SCALE-Sim v2's memory system count events
 * (MACs; reads and writes of each operand's SRAM and of DRAM), and this file prices them with the energy
 * table (energy.ts). Counting and pricing stay apart, so another node or DRAM kind re-prices the same counts.
 *
 * Conventions: a SCALE-Sim word is one byte (its SRAM sizes are kB and hold kB x 1024 words), every MAC is an
 * int8 MAC (what its arrays model), and each operand SRAM is priced at its configured size (both halves of
 * the double buffer are one array of that size).
 */
import { sourceText } from '../core/citations.js';
import { TpusimError } from '../core/errors.js';
import { energyTable, OFF_CHIP_MEMORY, resolveOffChipKind, type EnergyCitation } from './energy.js';

export const SCALESIM_OPERANDS = ['ifmap', 'filter', 'ofmap'] as const;
export type ScaleSimOperand = (typeof SCALESIM_OPERANDS)[number];

export interface AccessCounts {
  readonly reads: number;
  readonly writes: number;
}

/** One layer's events, in words (MACs in MACs). */
export interface ScaleSimEvents {
  readonly macs: number;
  /**
   * Array-side reads (ifmap, filter) and writes (ofmap) as in DETAILED_ACCESS_REPORT.csv, plus the DRAM side: fills
   * write, drains read.
   */
  readonly sram: Readonly<Record<ScaleSimOperand, AccessCounts>>;
  readonly dram: Readonly<Record<ScaleSimOperand, AccessCounts>>;
}

export interface ScaleSimEnergyOptions {
  /** Process node the logic and SRAM are priced at (nm). */
  readonly nodeNm: number;
  /** Off-chip memory kind (`DDR3`, `HBM2`, ...; see OFF_CHIP_MEMORY). */
  readonly dramKind: string;
}

/**
 * Defaults: the energy table's own node (Horowitz's 45 nm figures, unscaled) and its DRAM (DDR3). SCALE-Sim configs
 * name neither.
 */
export const SCALESIM_ENERGY_DEFAULTS: ScaleSimEnergyOptions = { nodeNm: 45, dramKind: 'DDR3' };
export const SCALESIM_NODE_RANGE_NM = { min: 3, max: 180 } as const;
export const SCALESIM_DRAM_KINDS: readonly string[] = OFF_CHIP_MEMORY.map((entry) => entry.kind);
export const SCALESIM_WORD_BYTES = 1;
export const SCALESIM_MAC_FORMAT = 'int8';

/** Per-event prices at one node: pJ per MAC and per byte of each operand SRAM and of DRAM. */
export interface ScaleSimPrices {
  readonly nodeNm: number;
  readonly dramKind: string;
  readonly wordBytes: number;
  readonly macFormat: string;
  readonly macPj: number;
  readonly sramPjPerByte: Readonly<Record<ScaleSimOperand, number>>;
  readonly dramPjPerByte: number;
  /** The table entries used, with the full reference of each source. */
  readonly sources: readonly (EnergyCitation & { readonly reference: string })[];
}

export interface EnergyJoules {
  readonly macJ: number;
  readonly sramJ: number;
  readonly dramJ: number;
  readonly totalJ: number;
}

const JOULES_PER_PJ = 1e-12;

/** Every problem with the options, each naming the field, the value and the limit. */
export function validateScaleSimEnergyOptions(options: ScaleSimEnergyOptions): string[] {
  const problems: string[] = [];
  const { min, max } = SCALESIM_NODE_RANGE_NM;
  if (!Number.isFinite(options.nodeNm) || options.nodeNm < min || options.nodeNm > max) {
    problems.push(`nodeNm: ${options.nodeNm} is outside ${min} to ${max} nm`);
  }
  if (resolveOffChipKind(options.dramKind) === 'default') {
    problems.push(
      `dramKind: '${options.dramKind}' is not in the energy table (known: ${SCALESIM_DRAM_KINDS.join(', ')})`,
    );
  }
  return problems;
}

/** The prices for a config's SRAM sizes (bytes per operand) at the options' node and DRAM kind. */
export function scaleSimPrices(
  sramBytes: Readonly<Record<ScaleSimOperand, number>>,
  options: ScaleSimEnergyOptions = SCALESIM_ENERGY_DEFAULTS,
): ScaleSimPrices {
  const problems = validateScaleSimEnergyOptions(options);
  if (problems.length > 0) throw new TpusimError('bad_energy_options', problems.join('; '));
  const table = energyTable(options.nodeNm);
  const dramKind = resolveOffChipKind(options.dramKind);
  const used = new Set(['scale', `mac.${SCALESIM_MAC_FORMAT}`, 'sram', `offChip.${dramKind}`]);
  const sources = table.citations
    .filter((c) => used.has(c.item))
    .map((c) => ({ ...c, reference: sourceText(c.source) }));
  return {
    nodeNm: options.nodeNm,
    dramKind,
    wordBytes: SCALESIM_WORD_BYTES,
    macFormat: SCALESIM_MAC_FORMAT,
    macPj: table.macPj(SCALESIM_MAC_FORMAT),
    sramPjPerByte: {
      ifmap: table.sramPjPerByte(sramBytes.ifmap),
      filter: table.sramPjPerByte(sramBytes.filter),
      ofmap: table.sramPjPerByte(sramBytes.ofmap),
    },
    dramPjPerByte: table.offChipPjPerByte(dramKind),
    sources,
  };
}

/** Counts x prices: the energy of one layer's events. */
export function priceScaleSimEvents(events: ScaleSimEvents, prices: ScaleSimPrices): EnergyJoules {
  const words = (a: AccessCounts): number => a.reads + a.writes;
  const macPj = events.macs * prices.macPj;
  const sramPj = SCALESIM_OPERANDS.reduce(
    (sum, op) => sum + words(events.sram[op]) * prices.wordBytes * prices.sramPjPerByte[op],
    0,
  );
  const dramPj = SCALESIM_OPERANDS.reduce(
    (sum, op) => sum + words(events.dram[op]) * prices.wordBytes * prices.dramPjPerByte,
    0,
  );
  return joules(macPj * JOULES_PER_PJ, sramPj * JOULES_PER_PJ, dramPj * JOULES_PER_PJ);
}

/** Layer energies added in layer order. */
export function sumEnergy(parts: readonly EnergyJoules[]): EnergyJoules {
  return joules(
    parts.reduce((s, p) => s + p.macJ, 0),
    parts.reduce((s, p) => s + p.sramJ, 0),
    parts.reduce((s, p) => s + p.dramJ, 0),
  );
}

function joules(macJ: number, sramJ: number, dramJ: number): EnergyJoules {
  return { macJ, sramJ, dramJ, totalJ: macJ + sramJ + dramJ };
}

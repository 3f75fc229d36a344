/**
 * Power by mechanism: what a chip draws at a workload's activity, and the clock it holds under its power
 * limit. Activity (MAC slots busy per cycle, off-chip bytes per cycle, link traffic) comes from the
 * analytical model; each event is priced by model/power-constants.ts (MAC datapath, operand delivery
 * through registers, SRAM and register files, wires from the shared cache, SIMT instruction overhead,
 * clock tree, vector lanes), plus leakage by node and die area, DRAM traffic and standby, and SerDes.
 *
 * Voltage and frequency (DVFS): the published clock is the top of the range at Vtop; a lower clock runs
 * at the voltage the alpha-power law gives (f ~ (V - Vt)^alpha / V), so switching power goes as f V^2
 * and leakage as V^2. Under a board power limit the sustained clock is the highest at which board power
 * (chip, DRAM and SerDes over the regulators' efficiency) stays within it.
 */
import type { ChipSpec, MatrixInputFormat } from '../arch/chip-spec.js';
import { defaultMatrixFormat, peakMacsPerCycle } from '../arch/derive.js';
import { sourceText } from '../core/citations.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import { TpusimError } from '../core/errors.js';
import { energyTable, STILLMAKER_ENERGY_COEFFICIENTS } from './energy.js';
import { MAC_7NM_PJ, JOUPPI_7NM_PJ, POWER_CONSTANTS as K, type PowerConstant } from './power-constants.js';

/** What the chip is doing, per cycle where it scales with the clock. */
export interface PowerActivity {
  /** Matrix-unit input format (default: the chip's first). */
  readonly dtype?: string;
  /** Share of the matrix units' MAC slots busy each cycle (0-1). */
  readonly matrixUtilization: number;
  /** Off-chip memory bytes per cycle (reads plus writes). */
  readonly offChipBytesPerCycle: number;
  /** Vector operations per cycle (default 0). */
  readonly vectorOpsPerCycle?: number;
  /** Bytes per second over chip and host links (default 0; idle links still draw). */
  readonly linkBytesPerS?: number;
}

export interface PowerOptions {
  /** Die area for leakage (default: the published one). */
  readonly dieAreaMm2?: number;
}

/** Watts by mechanism at one clock. */
export interface PowerBreakdown {
  readonly clockHz: number;
  /** Supply voltage over the top-of-range voltage. */
  readonly voltageShare: number;
  readonly macW: number;
  /** Operands and partial sums moved between cells (systolic shifts, tensor-core trees). */
  readonly operandW: number;
  /** Unified buffer / shared memory and register-file traffic feeding the matrix units. */
  readonly sramW: number;
  /** Wires from the buffers or the shared cache to the matrix units. */
  readonly wireW: number;
  /** SIMT instruction fetch, decode and issue (tensor-core chips). */
  readonly controlW: number;
  readonly vectorW: number;
  readonly clockTreeW: number;
  readonly leakageW: number;
  readonly dramW: number;
  readonly dramStandbyW: number;
  readonly serdesW: number;
  /** Everything in the package: logic, DRAM, SerDes. */
  readonly packageW: number;
  readonly regulatorLossW: number;
  /** What the board draws from its supply; the quantity a power limit caps. */
  readonly boardW: number;
  readonly notes: readonly string[];
}

const CHIP_LINK_PJ_PER_BYTE = energyTable(7).linkPjPerByte('chip');
const HOST_LINK_PJ_PER_BYTE = energyTable(7).linkPjPerByte('pcie');
const HOROWITZ_SRAM = energyTable(45);
const MAX_BANK_BYTES = 1 << 20;

/** Logic energy at `nodeNm` relative to 7 nm (Jouppi 2021 between 7 and 45 nm; TSMC N5 below 7). */
export function logicScaleFrom7nm(nodeNm: number): number {
  if (!Number.isFinite(nodeNm) || nodeNm <= 0)
    throw new TpusimError('invalid_node', `process node ${nodeNm} nm is not a positive number of nanometres`);
  if (nodeNm >= 7) return (nodeNm / 7) ** (Math.log(K.logic45To7.value) / Math.log(45 / 7));
  if (nodeNm <= 5) return K.n5OverN7.value;
  return (nodeNm / 7) ** (Math.log(1 / K.n5OverN7.value) / Math.log(7 / 5));
}

/** Nominal supply at a node: Stillmaker & Baas's PTM Vdd (energy.ts), the 7 nm value below 7 nm. */
function nominalVdd(nodeNm: number): number {
  let best: { readonly nodeNm: number; readonly vddV: number } = STILLMAKER_ENERGY_COEFFICIENTS[0];
  for (const r of STILLMAKER_ENERGY_COEFFICIENTS)
    if (Math.abs(r.nodeNm - nodeNm) < Math.abs(best.nodeNm - nodeNm)) best = r;
  return best.vddV;
}

/** Leakage density (W/mm^2) at the top voltage, linear in node between the derived points. */
export function leakageWPerMm2(nodeNm: number): number {
  const points = [
    { node: 7, w: K.leakage7.value },
    { node: 16, w: K.leakage16.value },
    { node: 28, w: K.leakage28.value },
  ];
  if (nodeNm <= 7) return points[0]!.w;
  if (nodeNm >= 28) return points[2]!.w;
  const i = nodeNm <= 16 ? 0 : 1;
  const p = points[i]!;
  const q = points[i + 1]!;
  return p.w + ((q.w - p.w) * (nodeNm - p.node)) / (q.node - p.node);
}

/** Clock over the top clock at voltage share `v` of Vtop: the alpha-power law, f ~ (V - Vt)^alpha / V. */
export function clockShareAt(v: number): number {
  const vt = K.thresholdShare.value;
  return v <= vt ? 0 : ((v - vt) / (1 - vt)) ** K.alpha.value / v;
}

/** Voltage over Vtop at clock share `fShare` of the top clock: clockShareAt inverted by bisection. */
export function voltageShareAt(fShare: number): number {
  if (fShare >= 1) return 1;
  let lo = K.thresholdShare.value;
  let hi = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (clockShareAt(mid) < fShare) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function isTensorCoreChip(chip: ChipSpec): boolean {
  return chip.cores.some((c) => c.matrixUnits.some((u) => (u.kind ?? 'systolic') === 'tensor-core'));
}

/**
 * fp32 adds per product in a systolic unit that sums groups of `k` products in one fused adder before they join
 * the partial sum: the k-input adder (one 2-input add plus `fusedAdderInputShare` of one per input beyond two) and
 * the accumulate add, over k products. 1 (an add per product) for k <= 1, and for any k at share 1.
 */
export function addsPerProduct(k: number, fusedAdderInputShare: number): number {
  return k <= 1 ? 1 : (2 + (k - 2) * fusedAdderInputShare) / k;
}

/** Switching energy per busy MAC slot at the node's nominal voltage, by mechanism (pJ). */
export interface MacEnergy {
  readonly macPj: number;
  readonly operandPj: number;
  readonly sramPj: number;
  readonly wirePj: number;
  readonly controlPj: number;
}

export function macEnergy(chip: ChipSpec, dtype: string, dieAreaMm2: number | undefined): MacEnergy {
  const node = chip.technology?.processNm ?? 7;
  const scale = logicScaleFrom7nm(node);
  // A format not in the table is priced as an fp32 MAC, the most expensive listed.
  const macPj = (Object.hasOwn(MAC_7NM_PJ, dtype) ? MAC_7NM_PJ[dtype]! : MAC_7NM_PJ['fp32']!).value * scale;
  const eb = NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS]?.bytes ?? 4;
  const mac16 = MAC_7NM_PJ['int16']!.value * scale;
  // Each MAC moves its input (8 x eb bits) and a 32-bit partial sum one step.
  const operandBits = 8 * eb + 32;
  const sramScale = scale / K.logic45To7.value;
  const vdd = nominalVdd(node);
  const wirePerByteMm = 8 * K.wirePjPerBitMm.value * (vdd / K.wireVoltage40nm.value) ** 2;
  // Without a die area, wires are priced on a 20 mm side (a 400 mm^2 die).
  const sideMm = Math.sqrt(dieAreaMm2 ?? 400);
  // Large buffers are banks of at most ~1 MiB (Horowitz's largest point); the wire term prices the distance.
  const bankPj = (bytes: number): number => HOROWITZ_SRAM.sramPjPerByte(Math.min(bytes, MAX_BANK_BYTES));
  const core = chip.cores[0]!;
  const unit = core.matrixUnits[0]!;
  if (isTensorCoreChip(chip)) {
    const tiling = chip.gpuTiling ?? { tileM: 128, tileN: 128 };
    // Operands from shared memory once per block tile; fp32 accumulators read and written once per 32-byte k-step of an
    // MMA.
    const sharedBytes = eb * (1 / tiling.tileM + 1 / tiling.tileN);
    const registerBytes = 8 / (32 / eb);
    const sramPj =
      (sharedBytes * bankPj(core.unifiedBuffer.sizeBytes) + registerBytes * HOROWITZ_SRAM.registerPjPerByte) *
      sramScale;
    // The same operands cross half the die from the shared cache (L2).
    const wirePj = sharedBytes * wirePerByteMm * (sideMm / 2);
    const operandPj = K.registerHopPerMac16.value * mac16 * (operandBits / 16);
    return { macPj, operandPj, sramPj, wirePj, controlPj: K.simtOverhead.value * macPj };
  }
  // A float cell's fp32 add is shared by the products its unit groups (int8 cells keep their int32 adders).
  const float = (NUMBER_FORMATS[dtype as keyof typeof NUMBER_FORMATS]?.kind ?? 'float') === 'float';
  const adds = float ? addsPerProduct(unit.productsPerAdder ?? 1, K.fusedAdderInputShare.value) : 1;
  const systolicMacPj = macPj - (1 - adds) * JOUPPI_7NM_PJ.fp32Add * scale;
  // Systolic: inputs read once per row of the array, results written once per column, through the unified buffer.
  const bufferBytes = eb / unit.cols + 4 / unit.rows;
  const sramPj = bufferBytes * bankPj(core.unifiedBuffer.sizeBytes) * sramScale;
  const wirePj = bufferBytes * wirePerByteMm * (sideMm / 4);
  // A systolic cell latches them in its neighbour's flip-flops.
  const operandPj = operandBits * K.flopPjPerBit45.value * (scale / K.logic45To7.value);
  return { macPj: systolicMacPj, operandPj, sramPj, wirePj, controlPj: 0 };
}

/** Full-rate SerDes power of every chip link and the host link (W). */
function serdesFullW(chip: ChipSpec): number {
  const chipLinks = chip.chipLinks
    ? 2 * chip.chipLinks.count * chip.chipLinks.bandwidthBytesPerSPerLink * CHIP_LINK_PJ_PER_BYTE
    : 0;
  return (chipLinks + 2 * chip.hostLink.bandwidthBytesPerS * HOST_LINK_PJ_PER_BYTE) * 1e-12;
}

function checkActivity(a: PowerActivity): void {
  const fields: ReadonlyArray<readonly [string, number | undefined, number]> = [
    ['matrixUtilization', a.matrixUtilization, 1 + 1e-9],
    ['offChipBytesPerCycle', a.offChipBytesPerCycle, Infinity],
    ['vectorOpsPerCycle', a.vectorOpsPerCycle, Infinity],
    ['linkBytesPerS', a.linkBytesPerS, Infinity],
  ];
  for (const [field, value, max] of fields) {
    if (value !== undefined && !(value >= 0 && value <= max && Number.isFinite(value))) {
      throw new TpusimError(
        'invalid_activity',
        `activity.${field}: ${value} must be a finite number from 0${max < Infinity ? ' to 1' : ''}`,
      );
    }
  }
}

/** What does not depend on the clock: energies per cycle of activity at Vtop, and the fixed draws. */
interface PowerContext {
  /** Switching energy per cycle at the top voltage, by mechanism (J). */
  readonly perCycleJ: {
    readonly mac: number;
    readonly operand: number;
    readonly sram: number;
    readonly wire: number;
    readonly control: number;
    readonly vector: number;
  };
  readonly dramJPerCycle: number;
  readonly leakageTopW: number;
  readonly dramStandbyW: number;
  readonly serdesW: number;
  /** The clock tree's share of dynamic power: tensor-core chips' (clockShare), systolic chips' (none). */
  readonly clockShare: number;
  readonly notes: readonly string[];
}

function powerContext(chip: ChipSpec, activity: PowerActivity, options: PowerOptions): PowerContext {
  checkActivity(activity);
  const notes: string[] = [];
  const node = chip.technology?.processNm;
  if (node === undefined) notes.push(`${chip.name} names no process node: 7 nm assumed`);
  const area = options.dieAreaMm2 ?? chip.technology?.dieAreaMm2;
  if (area === undefined) notes.push(`${chip.name} has no die area: leakage is left out (pass the area model's)`);
  const dtype = activity.dtype ?? defaultMatrixFormat(chip);
  // Energies are at the nominal supply; the top clock runs above it.
  const top = K.topVoltageShare.value ** 2 * 1e-12;
  const e = macEnergy(chip, dtype, area);
  const macs = activity.matrixUtilization * peakMacsPerCycle(chip, dtype as MatrixInputFormat) * top;
  const vectorPj = (JOUPPI_7NM_PJ.fp32Mult + JOUPPI_7NM_PJ.fp32Add) * logicScaleFrom7nm(node ?? 7);
  const full = serdesFullW(chip);
  const used = Math.min(1, (activity.linkBytesPerS ?? 0) / Math.max(1, full / (CHIP_LINK_PJ_PER_BYTE * 1e-12)));
  return {
    perCycleJ: {
      mac: macs * e.macPj,
      operand: macs * e.operandPj,
      sram: macs * e.sramPj,
      wire: macs * e.wirePj,
      control: macs * e.controlPj,
      vector: (activity.vectorOpsPerCycle ?? 0) * vectorPj * top,
    },
    dramJPerCycle:
      activity.offChipBytesPerCycle * energyTable(node ?? 7).offChipPjPerByte(chip.offChipMemory.kind) * 1e-12,
    leakageTopW: area === undefined ? 0 : leakageWPerMm2(node ?? 7) * area,
    dramStandbyW: (chip.offChipMemory.bandwidthBytesPerS / 1e9) * K.dramStandbyWPerGBps.value,
    serdesW: full * (K.serdesIdleShare.value + (1 - K.serdesIdleShare.value) * used),
    clockShare: isTensorCoreChip(chip) ? K.clockShare.value : K.clockShareSystolic.value,
    notes,
  };
}

/** The breakdown at `clockHz` and voltage share `v`: switching goes as f V^2, leakage as V^2. */
function evaluate(ctx: PowerContext, clockHz: number, v: number): PowerBreakdown {
  const k = clockHz * v * v;
  const j = ctx.perCycleJ;
  const macW = j.mac * k;
  const operandW = j.operand * k;
  const sramW = j.sram * k;
  const wireW = j.wire * k;
  const controlW = j.control * k;
  const vectorW = j.vector * k;
  const switching = macW + operandW + sramW + wireW + controlW + vectorW;
  const clockTreeW = (switching * ctx.clockShare) / (1 - ctx.clockShare);
  const leakageW = ctx.leakageTopW * v * v;
  const dramW = ctx.dramJPerCycle * clockHz;
  const packageW = switching + clockTreeW + leakageW + dramW + ctx.dramStandbyW + ctx.serdesW;
  const boardW = packageW / K.regulatorEfficiency.value;
  return {
    clockHz,
    voltageShare: v,
    macW,
    operandW,
    sramW,
    wireW,
    controlW,
    vectorW,
    clockTreeW,
    leakageW,
    dramW,
    dramStandbyW: ctx.dramStandbyW,
    serdesW: ctx.serdesW,
    packageW,
    regulatorLossW: boardW - packageW,
    boardW,
    notes: ctx.notes,
  };
}

/**
 * evaluate()'s boardW alone, the same operations in the same order (so the same bits), without building
 * the breakdown: the bisection's step, run 30 times per sustained clock (a sweep asks once per design).
 */
function boardWAt(ctx: PowerContext, clockHz: number, v: number): number {
  const k = clockHz * v * v;
  const j = ctx.perCycleJ;
  const switching = j.mac * k + j.operand * k + j.sram * k + j.wire * k + j.control * k + j.vector * k;
  const clockTreeW = (switching * ctx.clockShare) / (1 - ctx.clockShare);
  const packageW =
    switching + clockTreeW + ctx.leakageTopW * v * v + ctx.dramJPerCycle * clockHz + ctx.dramStandbyW + ctx.serdesW;
  return packageW / K.regulatorEfficiency.value;
}

/** How far from the root a midpoint must be for its side to be taken from the root (voltage share). */
const DECIDED = 1e-9;

/**
 * The voltage share (of Vtop) at which `boardW` (increasing in it) meets `capW`: 30 halvings of [Vt, 1], each
 * keeping the half whose low end stays within the cap. Where `root` (the crossing, found by Newton's method)
 * is given, a midpoint further than DECIDED from it takes its side from the root and only the last few are
 * evaluated, so the answer is plain bisection's to the bit (a power error of 1e-9 of the slope is far above
 * rounding) for a few evaluations rather than 30.
 */
export function bisectVoltage(boardW: (v: number) => number, capW: number, root?: number): number {
  let lo = K.thresholdShare.value;
  let hi = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    const over = root !== undefined && Math.abs(mid - root) > DECIDED ? mid > root : boardW(mid) > capW;
    if (over) hi = mid;
    else lo = mid;
  }
  return lo;
}

/**
 * Where board power crosses `capW`, by Newton's method from the top voltage (board power rises with the
 * voltage); undefined where it does not settle between Vt and 1, and bisectVoltage then evaluates every step.
 */
function newtonVoltage(ctx: PowerContext, topHz: number, capW: number): number | undefined {
  const vt = K.thresholdShare.value;
  const alpha = K.alpha.value;
  const j = ctx.perCycleJ;
  const perCycle = (j.mac + j.operand + j.sram + j.wire + j.control + j.vector) / (1 - ctx.clockShare);
  let v = 1;
  for (let i = 0; i < 40; i++) {
    const f = clockShareAt(v);
    const df = f * (alpha / (v - vt) - 1 / v);
    const slope =
      (perCycle * topHz * (df * v * v + 2 * f * v) + 2 * ctx.leakageTopW * v + ctx.dramJPerCycle * topHz * df) /
      K.regulatorEfficiency.value;
    const next = v - (boardWAt(ctx, topHz * f, v) - capW) / slope;
    if (!(next > vt && next <= 1)) return undefined;
    if (Math.abs(next - v) < 1e-14) return next;
    v = next;
  }
  return undefined;
}

/** Power by mechanism running `activity` at `clockHz` (at most the published clock). */
export function powerAt(
  chip: ChipSpec,
  activity: PowerActivity,
  clockHz: number,
  options: PowerOptions = {},
): PowerBreakdown {
  return evaluate(powerContext(chip, activity, options), clockHz, voltageShareAt(Math.min(1, clockHz / chip.clockHz)));
}

export interface SustainedClock {
  readonly clockHz: number;
  /** 'power' when the limit holds the clock below the published one. */
  readonly limitedBy: 'power' | 'clock' | 'no-limit';
  readonly capW?: number;
  readonly power: PowerBreakdown;
  /** One sentence: why this clock. */
  readonly reason: string;
}

/** The highest clock (at most the published one) at which board power stays within `capW` (default: the chip's TDP). */
export function sustainedClock(
  chip: ChipSpec,
  activity: PowerActivity,
  options: PowerOptions & { readonly capW?: number } = {},
): SustainedClock {
  const cap = options.capW ?? chip.technology?.tdpW;
  const ctx = powerContext(chip, activity, options);
  const top = evaluate(ctx, chip.clockHz, 1);
  const mhz = (hz: number): string => `${(hz / 1e6).toFixed(0)} MHz`;
  if (cap === undefined)
    return {
      clockHz: chip.clockHz,
      limitedBy: 'no-limit',
      power: top,
      reason:
        `${chip.name} publishes no power limit: the published ${mhz(chip.clockHz)} clock, drawing ` +
        `${top.boardW.toFixed(0)} W`,
    };
  if (top.boardW <= cap)
    return {
      clockHz: chip.clockHz,
      limitedBy: 'clock',
      capW: cap,
      power: top,
      reason: `${top.boardW.toFixed(0)} W at the published ${mhz(chip.clockHz)} is within the ${cap} W limit`,
    };
  // Bisection on the voltage, whose clock the alpha-power law gives in closed form.
  const boardW = (v: number): number => boardWAt(ctx, chip.clockHz * clockShareAt(v), v);
  const lo = bisectVoltage(boardW, cap, newtonVoltage(ctx, chip.clockHz, cap));
  const power = evaluate(ctx, chip.clockHz * clockShareAt(lo), lo);
  return {
    clockHz: power.clockHz,
    limitedBy: 'power',
    capW: cap,
    power,
    reason:
      `${top.boardW.toFixed(0)} W at the published ${mhz(chip.clockHz)} exceeds the ${cap} W limit: DVFS ` +
      `settles at ${mhz(power.clockHz)} (${(lo * 100).toFixed(0)}% of the top voltage)`,
  };
}

export interface PowerCitation {
  readonly item: string;
  readonly value: number;
  readonly unit: string;
  /** The source's full reference. */
  readonly source: string;
  readonly where?: string;
  readonly status: PowerConstant['status'];
  readonly note: string;
}

/** Every constant the power model uses, with its source text. */
export function powerCitations(): PowerCitation[] {
  const entries = [...Object.entries(MAC_7NM_PJ).map(([k, v]) => [`mac7nm.${k}`, v] as const), ...Object.entries(K)];
  return entries.map(([item, k]) => ({
    item,
    value: k.value,
    unit: k.unit,
    source: sourceText(k.source),
    ...(k.where === undefined ? {} : { where: k.where }),
    status: k.status,
    note: k.note,
  }));
}

/**
 * What one accelerator costs to make at a given volume: logic dies (wafer price over good dies per
 * wafer), memory (HBM stacks in the package, or DRAM on the board), the package (a CoWoS-class
 * interposer with its assembly yield, or a standard flip-chip package), the board, and the design
 * cost (NRE) amortized over the volume. Every constant comes from the cost book; the result lists the
 * book entries it used that are estimates.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { formatIssues, issue, TpusimError } from '../core/errors.js';
import { GIB } from '../core/units.js';
import { chipArea, memoryDevices, type AreaBreakdown } from './area.js';
import { validateCostValues } from './cost-limits.js';
import { CostTrace, type CostBook } from './costbook.js';
import { dieYield, grossDiesPerWafer, usableWaferMm2, type WaferGeometry, type YieldModel } from './wafer.js';

export interface ChipCostOptions {
  /** Accelerators built over which the NRE is spread (default 100,000). */
  readonly volume?: number;
  readonly yieldModel?: YieldModel;
  /** Share of the die that redundancy repairs (default 0: no harvesting). */
  readonly harvestShare?: number;
}

export interface ChipCost {
  readonly chip: string;
  readonly volume: number;
  readonly area: AreaBreakdown;
  readonly dieAreaMm2: number;
  readonly dies: number;
  readonly grossDiesPerWafer: number;
  readonly dieYield: number;
  readonly goodDiesPerWafer: number;
  readonly waferPriceUsd: number;
  readonly yieldModel: YieldModel;
  readonly defectsPerCm2: number;
  readonly costs: {
    /** All logic dies of one package, at the good-die cost. */
    readonly diesUsd: number;
    readonly memoryUsd: number;
    readonly packageUsd: number;
    /** Dies and memory lost when a package fails assembly. */
    readonly packageYieldLossUsd: number;
    readonly boardUsd: number;
    readonly nreUsd: number;
  };
  /** Manufacturing cost per accelerator (without NRE). */
  readonly variableCostUsd: number;
  readonly nreTotalUsd: number;
  readonly costPerChipUsd: number;
  readonly advancedPackage: boolean;
  readonly memoryGB: number;
  readonly memoryDevices: number;
  /** Interposers per wafer (advanced packages only). */
  readonly interposersPerWafer: number;
  readonly packageYield: number;
  /** Cost-book keys used whose figures are estimates or calibrated. */
  readonly estimates: readonly string[];
  readonly notes: readonly string[];
}

/**
 * A chip's cost, or why it cannot be built: more logic silicon in one package than a whole wafer holds
 * (wafer-scale is the largest package made), a die that does not fit on the wafer, fewer than one good
 * die per wafer, or an interposer larger than a wafer. Infeasible chips are data, not exceptions; a bad
 * book or option still throws.
 */
export type ChipCostEstimate =
  | { readonly feasible: true; readonly cost: ChipCost }
  | {
      readonly feasible: false;
      readonly chip: string;
      readonly area: AreaBreakdown;
      readonly reasons: readonly string[];
    };

interface Buildability {
  readonly area: AreaBreakdown;
  readonly wafer: WaferGeometry;
  readonly usableMm2: number;
  readonly gross: number;
  readonly good: number;
  readonly yieldText: string;
  /** 0 without an advanced package. */
  readonly interposerMm2: number;
  readonly interposersPerWafer: number;
  readonly stacks: number;
}

/** The first reason the chip cannot be made (see ChipCostEstimate), or undefined when it can. */
function whyNotBuildable(b: Buildability): string | undefined {
  const mm2 = (x: number): string => Math.round(x).toLocaleString('en-US');
  const { area, wafer } = b;
  if (area.totalMm2 > b.usableMm2)
    return (
      `${mm2(area.totalMm2)} mm^2 of logic silicon (${area.dies.toLocaleString('en-US')} dies of ` +
      `${mm2(area.dieMm2)} mm^2) is more than a whole ${wafer.diameterMm} mm wafer's usable ` +
      `${mm2(b.usableMm2)} mm^2; no package holds more than one wafer`
    );
  if (b.gross < 1)
    return (
      `a ${mm2(area.dieMm2)} mm^2 die does not fit on a ${wafer.diameterMm} mm wafer (usable ` +
      `${mm2(b.usableMm2)} mm^2)`
    );
  if (b.good < 1) return `fewer than one good die per wafer: ${b.gross} gross x ${b.yieldText}`;
  if (b.interposerMm2 > 0 && b.interposersPerWafer < 1)
    return (
      `an interposer of ${mm2(b.interposerMm2)} mm^2 (dies and ${b.stacks} HBM stacks) does not fit a ` +
      `${wafer.diameterMm} mm wafer`
    );
  return undefined;
}

export function estimateChipCost(chip: ChipSpec, book: CostBook, options: ChipCostOptions = {}): ChipCostEstimate {
  const volume = options.volume ?? 100_000;
  if (!(Number.isFinite(volume) && volume >= 1))
    throw new TpusimError('invalid_volume', `volume ${volume} must be at least 1 accelerator`);
  const harvestShare = options.harvestShare ?? 0;
  if (!(harvestShare >= 0 && harvestShare < 1))
    throw new TpusimError('invalid_harvest', `harvest share ${harvestShare} must be in [0, 1)`);
  const bookIssues = validateCostValues(book);
  if (bookIssues.length > 0)
    throw new TpusimError('invalid_cost_book', `invalid cost book:\n${formatIssues(bookIssues)}`, {
      issues: bookIssues,
    });
  const trace = new CostTrace(book);
  const area = chipArea(chip, trace);
  const node = area.nodeNm;
  const wafer: WaferGeometry = {
    diameterMm: trace.value('wafer.diameterMm'),
    edgeExclusionMm: trace.value('wafer.edgeExclusionMm'),
    scribeMm: trace.value('wafer.scribeMm'),
  };
  const usable = usableWaferMm2(wafer);
  const gross = grossDiesPerWafer(area.dieMm2, wafer);
  const yieldModel = options.yieldModel ?? 'negative-binomial';
  const defectsPerCm2 = trace.atNode('yield.defectsPerCm2', node);
  const y = dieYield(area.dieMm2, {
    model: yieldModel,
    defectsPerCm2,
    alpha: trace.value('yield.clusteringAlpha'),
    harvestShare,
  });
  const good = gross * y;
  const devices = memoryDevices(chip);
  const advanced = devices.kind === 'hbm';
  const interposerMm2 = advanced
    ? (area.totalMm2 + devices.count * trace.value('memory.hbmStackFootprintMm2')) *
      trace.value('package.interposerMargin')
    : 0;
  const interposersPerWafer = advanced ? grossDiesPerWafer(interposerMm2, { ...wafer, scribeMm: 0 }) : 0;
  const why = whyNotBuildable({
    area,
    wafer,
    usableMm2: usable,
    gross,
    good,
    yieldText: `${yieldModel} yield ${y.toExponential(2)} at ${defectsPerCm2} defects/cm^2`,
    interposerMm2,
    interposersPerWafer,
    stacks: devices.count,
  });
  if (why !== undefined) return { feasible: false, chip: chip.name, area, reasons: [why] };
  const waferPriceUsd = trace.atNode('wafer.priceUsd', node);
  const diesUsd = (area.dies * waferPriceUsd) / good;
  const memoryGB = chip.offChipMemory.capacityBytes / GIB;
  let memoryUsd: number;
  let packageUsd: number;
  let packageYield = 1;
  if (advanced) {
    memoryUsd = (memoryGB * trace.value('memory.hbmUsdPerGB')) / trace.value('memory.hbmStackYield');
    packageYield = trace.value('package.advancedYield');
    packageUsd =
      trace.value('package.interposerWaferUsd') / interposersPerWafer + trace.value('package.assemblyTestUsd');
  } else {
    memoryUsd = memoryGB * trace.value('memory.ddrUsdPerGB');
    packageUsd = trace.value('package.standardUsd');
  }
  // A failed assembly loses the good dies and memory already in it: divide by the package yield.
  const beforeLoss = diesUsd + memoryUsd + packageUsd;
  const packageYieldLossUsd = beforeLoss / packageYield - beforeLoss;
  const boardUsd = trace.value('package.boardUsd');
  const nreTotalUsd = trace.atNode('nre.usd', node);
  const nreUsd = nreTotalUsd / volume;
  const variableCostUsd = beforeLoss + packageYieldLossUsd + boardUsd;
  const cost: ChipCost = {
    chip: chip.name,
    volume,
    area,
    dieAreaMm2: area.dieMm2,
    dies: area.dies,
    grossDiesPerWafer: gross,
    dieYield: y,
    goodDiesPerWafer: good,
    waferPriceUsd,
    yieldModel,
    defectsPerCm2,
    costs: { diesUsd, memoryUsd, packageUsd, packageYieldLossUsd, boardUsd, nreUsd },
    variableCostUsd,
    nreTotalUsd,
    costPerChipUsd: variableCostUsd + nreUsd,
    advancedPackage: advanced,
    memoryGB,
    memoryDevices: devices.count,
    interposersPerWafer,
    packageYield,
    estimates: trace.estimates(),
    notes: area.notes,
  };
  return { feasible: true, cost };
}

/** The cost of a chip that can be built; throws `TpusimError` (`infeasible_chip`) with the reasons otherwise. */
export function chipCost(chip: ChipSpec, book: CostBook, options: ChipCostOptions = {}): ChipCost {
  const r = estimateChipCost(chip, book, options);
  if (!r.feasible)
    throw new TpusimError('infeasible_chip', `${chip.name} cannot be built: ${r.reasons.join('; ')}`, {
      issues: r.reasons.map((m) => issue('infeasible', '', m)),
    });
  return r.cost;
}

/**
 * What one accelerator costs to make at a given volume: logic dies (wafer price over good dies per
 * wafer), memory (HBM stacks in the package, or DRAM on the board), the package (a CoWoS-class
 * interposer with its assembly yield, or a standard flip-chip package), the board, and the design
 * cost (NRE) amortized over the volume. Every constant comes from the cost book; the result lists the
 * book entries it used that are estimates.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { TpusimError } from '../core/errors.js';
import { GIB } from '../core/units.js';
import { chipArea, memoryDevices, type AreaBreakdown } from './area.js';
import { CostTrace, type CostBook } from './costbook.js';
import { dieYield, grossDiesPerWafer, type WaferGeometry, type YieldModel } from './wafer.js';

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

export function chipCost(chip: ChipSpec, book: CostBook, options: ChipCostOptions = {}): ChipCost {
  const volume = options.volume ?? 100_000;
  if (!(Number.isFinite(volume) && volume >= 1)) throw new TpusimError('invalid_volume', `volume ${volume} must be at least 1 accelerator`);
  const harvestShare = options.harvestShare ?? 0;
  if (!(harvestShare >= 0 && harvestShare < 1)) throw new TpusimError('invalid_harvest', `harvest share ${harvestShare} must be in [0, 1)`);
  const trace = new CostTrace(book);
  const area = chipArea(chip, trace);
  const node = area.nodeNm;
  const wafer: WaferGeometry = { diameterMm: trace.value('wafer.diameterMm'), edgeExclusionMm: trace.value('wafer.edgeExclusionMm'), scribeMm: trace.value('wafer.scribeMm') };
  const gross = grossDiesPerWafer(area.dieMm2, wafer);
  const yieldModel = options.yieldModel ?? 'negative-binomial';
  const defectsPerCm2 = trace.atNode('yield.defectsPerCm2', node);
  const y = dieYield(area.dieMm2, { model: yieldModel, defectsPerCm2, alpha: trace.value('yield.clusteringAlpha'), harvestShare });
  const good = gross * y;
  const waferPriceUsd = trace.atNode('wafer.priceUsd', node);
  const diesUsd = (area.dies * waferPriceUsd) / good;
  const devices = memoryDevices(chip);
  const memoryGB = chip.offChipMemory.capacityBytes / GIB;
  const advanced = devices.kind === 'hbm';
  let memoryUsd: number;
  let packageUsd: number;
  let interposersPerWafer = 0;
  let packageYield = 1;
  if (advanced) {
    memoryUsd = (memoryGB * trace.value('memory.hbmUsdPerGB')) / trace.value('memory.hbmStackYield');
    const interposerMm2 = (area.totalMm2 + devices.count * trace.value('memory.hbmStackFootprintMm2')) * trace.value('package.interposerMargin');
    interposersPerWafer = grossDiesPerWafer(interposerMm2, { ...wafer, scribeMm: 0 });
    if (interposersPerWafer < 1) throw new TpusimError('package_too_large', `an interposer of ${interposerMm2.toFixed(0)} mm^2 does not fit a ${wafer.diameterMm} mm wafer`);
    packageYield = trace.value('package.advancedYield');
    packageUsd = trace.value('package.interposerWaferUsd') / interposersPerWafer + trace.value('package.assemblyTestUsd');
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
  return {
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
}

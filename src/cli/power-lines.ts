/** Printing the power model's results (model/power.ts) for `tpusim cost` and `tpusim estimate`. */
import {
  estimatePower,
  powerDieArea,
  trimNumber,
  type ChipSpec,
  type EstimatePower,
  type GraphEstimate,
  type PowerBreakdown,
} from '../index.js';

/** Watts by mechanism, largest first. */
export function mechanismText(p: PowerBreakdown, scale = 1, digits = 3): string {
  const parts: Array<[string, number]> = [
    ['MACs', p.macW],
    ['operand delivery', p.operandW],
    ['SRAM and registers', p.sramW],
    ['wires', p.wireW],
    ['instruction issue', p.controlW],
    ['vector', p.vectorW],
    ['clock tree', p.clockTreeW],
    ['leakage', p.leakageW],
    ['DRAM', p.dramW + p.dramStandbyW],
    ['SerDes', p.serdesW],
    ['regulators', p.regulatorLossW],
  ];
  return parts
    .filter(([, w]) => w * scale > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, w]) => `${k} ${trimNumber(w * scale, digits)}`)
    .join(' + ');
}

/** The power model at an estimate's activity, with leakage on the published or the modelled die. */
export function estimatePowerOf(e: GraphEstimate, chip: ChipSpec): EstimatePower {
  return estimatePower(e, chip, { dieAreaMm2: powerDieArea(chip).dieAreaMm2 });
}

/** Power at the workload's activity, energy per inference by mechanism, and the sustained clock. */
export function estimatePowerLines(p: EstimatePower, e: GraphEstimate): string[] {
  const a = p.atClock;
  const perInference = e.batch > 0 ? e.totalTimeS / e.batch : 0;
  const s = p.sustained;
  return [
    `power by mechanism at this workload's activity (${trimNumber(p.activity.matrixUtilization * 100, 3)}% of ` +
      `MAC slots busy, ${trimNumber(p.activity.offChipBytesPerCycle, 3)} off-chip bytes a cycle), at ` +
      `${trimNumber(a.clockHz / 1e6, 4)} MHz: board ${trimNumber(a.boardW, 4)} W = ${mechanismText(a)} W`,
    `energy per inference (batch ${e.batch}): ${trimNumber(p.perInference.totalJ * 1e3, 4)} mJ = ` +
      `${mechanismText(a, perInference * 1e3)} mJ`,
    `sustained clock running it back to back (modelled): ${trimNumber(s.clockHz / 1e6, 4)} MHz: ${s.reason}`,
  ];
}

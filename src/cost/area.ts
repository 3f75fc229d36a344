/**
 * Die area from a ChipSpec, component by component: matrix-unit MACs (area per MAC by format, scaled
 * from TPU v1's int8 MAC by logic density), SRAM (bitcell area by node over an array efficiency;
 * register files at a multiple of it), vector lanes, memory PHYs (per HBM stack or DDR channel),
 * SerDes for chip and host links, and an overhead share (control, clocking, wiring, I/O ring).
 *
 * Two numbers are calibrated rather than cited: a float MAC's area relative to an int8 MAC and the
 * overhead share, fitted to the published die areas of TPU v1-v4, A100 and H100 (`calibrateArea`, run
 * by the tests; the cost book records the result). Everything else comes from the cost book with its
 * source. A design over the reticle (858 mm^2) is split into equal dies in one package.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { MIB } from '../core/units.js';
import { CostTrace, type CostBook } from './costbook.js';

export interface AreaBreakdown {
  readonly nodeNm: number;
  readonly macs: number;
  /** The MAC class the area was priced at: int8, fp8 or float (bf16/fp16 with fp32 accumulation). */
  readonly macClass: 'int8' | 'fp8' | 'float';
  readonly matrixMm2: number;
  readonly sramMiB: number;
  readonly sramMm2: number;
  readonly vectorMm2: number;
  readonly memoryPhyMm2: number;
  /** HBM stacks or DDR channels assumed from the memory's bandwidth. */
  readonly memoryDevices: number;
  readonly linksMm2: number;
  readonly overheadMm2: number;
  /** All silicon, over every die. */
  readonly totalMm2: number;
  /** Logic dies in the package, and each die's area. */
  readonly dies: number;
  readonly dieMm2: number;
  readonly notes: readonly string[];
}

/** Peak bandwidth of one device of each memory kind (JEDEC maximum pin rates x interface width). */
const DEVICE_BANDWIDTH: Readonly<Record<string, number>> = {
  HBM: 307e9, // the generation not named: taken as HBM2
  HBM2: 307e9, // 2.4 Gb/s x 1024
  HBM2e: 461e9, // 3.6 Gb/s x 1024
  HBM3: 819e9, // 6.4 Gb/s x 1024
  HBM3e: 1229e9, // 9.6 Gb/s x 1024
  DDR3: 17e9, // DDR3-2133 x 64 bits
  DDR4: 25.6e9, // DDR4-3200 x 64
  DDR5: 38.4e9, // DDR5-4800 x 64
  LPDDR5: 51.2e9, // 6400 MT/s x 64
  GDDR6: 64e9, // 16 Gb/s x 32
};

export function memoryDevices(chip: ChipSpec): { readonly kind: 'hbm' | 'ddr'; readonly count: number } {
  const kind = chip.offChipMemory.kind;
  const perDevice = DEVICE_BANDWIDTH[kind] ?? (kind.startsWith('HBM') ? DEVICE_BANDWIDTH['HBM2']! : DEVICE_BANDWIDTH['DDR4']!);
  return { kind: kind.startsWith('HBM') ? 'hbm' : 'ddr', count: Math.max(1, Math.ceil(chip.offChipMemory.bandwidthBytesPerS / perDevice - 1e-9)) };
}

function macClass(chip: ChipSpec): AreaBreakdown['macClass'] {
  const inputs = chip.cores.flatMap((c) => c.matrixUnits.flatMap((u) => u.formats.map((f) => f.input as string)));
  if (inputs.some((f) => f === 'bf16' || f === 'fp16')) return 'float';
  if (inputs.some((f) => f.startsWith('fp8'))) return 'fp8';
  return 'int8';
}

/** Area parameters that calibration varies; the rest come from the book. */
export interface AreaParameters {
  readonly floatMacRatio: number;
  readonly overheadShare: number;
}

export function chipArea(chip: ChipSpec, trace: CostTrace, parameters?: AreaParameters): AreaBreakdown {
  const notes: string[] = [];
  const node = chip.technology?.processNm ?? 7;
  if (chip.technology?.processNm === undefined) notes.push(`${chip.name} names no process node; 7 nm assumed`);
  const density = trace.atNode('area.logicDensityMtrMm2', node);
  const int8Mac = trace.value('area.int8MacMm2.28') * (trace.atNode('area.logicDensityMtrMm2', 28) / density);
  const floatRatio = parameters?.floatMacRatio ?? trace.value('area.floatMacRatio');
  const floatMac = int8Mac * floatRatio;
  const cls = macClass(chip);
  const macArea = cls === 'float' ? floatMac : cls === 'fp8' ? floatMac * trace.value('area.fp8MacRatio') : int8Mac;
  let macs = 0;
  let lanes = 0;
  let sramBytes = 0;
  let registerBytes = 0;
  for (const core of chip.cores) {
    for (const u of core.matrixUnits) {
      macs += core.count * u.count * u.rows * u.cols;
      // Weight FIFO tiles of the widest input (bytes per weight: 1 for int8, 2 otherwise).
      if ((u.kind ?? 'systolic') === 'systolic') sramBytes += core.count * u.count * u.weightFifoTiles * u.rows * u.cols * (cls === 'int8' ? 1 : 2);
    }
    lanes += core.count * core.vectorUnit.lanes;
    sramBytes += core.count * core.unifiedBuffer.sizeBytes;
    // A GPU SM's accumulators are its register file (the spec gives both); count it once.
    const registers = Math.max(core.registerFileBytes ?? 0, core.matrixUnits.some((u) => u.kind === 'tensor-core') ? core.accumulators.sizeBytes : 0);
    registerBytes += core.count * registers;
    if (registers === 0) sramBytes += core.count * core.accumulators.sizeBytes;
  }
  sramBytes += chip.sharedMemory?.sizeBytes ?? 0;
  const bitcell = trace.atNode('area.sramBitcellUm2', node);
  const mm2PerMiB = (8 * MIB * bitcell) / trace.value('area.sramArrayEfficiency') / 1e6;
  const sramMm2 = ((sramBytes + registerBytes * trace.value('area.registerFileFactor')) / MIB) * mm2PerMiB;
  const matrixMm2 = macs * macArea;
  const vectorMm2 = lanes * trace.value('area.vectorLaneMacs') * floatMac;
  const devices = memoryDevices(chip);
  const memoryPhyMm2 = devices.count * trace.value(devices.kind === 'hbm' ? 'area.hbmPhyMm2' : 'area.ddrPhyMm2');
  const linkBytesPerS = chip.hostLink.bandwidthBytesPerS + (chip.chipLinks ? chip.chipLinks.count * chip.chipLinks.bandwidthBytesPerSPerLink : 0);
  const linksMm2 = (linkBytesPerS / 1e9) * trace.value('area.serdesMm2PerGBps');
  const overheadShare = parameters?.overheadShare ?? trace.value('area.overheadShare');
  const blocks = matrixMm2 + sramMm2 + vectorMm2 + memoryPhyMm2 + linksMm2;
  const totalMm2 = blocks / (1 - overheadShare);
  const reticle = trace.value('area.reticleMm2');
  const dies = Math.max(1, Math.ceil(totalMm2 / reticle));
  if (dies > 1) notes.push(`${totalMm2.toFixed(0)} mm^2 exceeds the ${reticle} mm^2 reticle: ${dies} dies of ${(totalMm2 / dies).toFixed(0)} mm^2 in one package (die-to-die links not added)`);
  return {
    nodeNm: node,
    macs,
    macClass: cls,
    matrixMm2,
    sramMiB: (sramBytes + registerBytes) / MIB,
    sramMm2,
    vectorMm2,
    memoryPhyMm2,
    memoryDevices: devices.count,
    linksMm2,
    overheadMm2: totalMm2 - blocks,
    totalMm2,
    dies,
    dieMm2: totalMm2 / dies,
    notes,
  };
}

/** A published die area to hold the model to. */
export interface DieReference {
  readonly chip: ChipSpec;
  readonly publishedMm2: number;
}

export interface CalibrationResult extends AreaParameters {
  /** Root mean square of log(model / published) over the dies. */
  readonly rmsLogError: number;
  readonly errors: ReadonlyArray<{ readonly chip: string; readonly publishedMm2: number; readonly modelMm2: number; readonly error: number }>;
}

/**
 * The float-MAC ratio and overhead share that best fit the published dies (least squares in log area),
 * by a grid over plausible ranges: ratio 1-16 in steps of 0.1, overhead 0-0.7 in steps of 0.01.
 */
export function calibrateArea(book: CostBook, dies: readonly DieReference[]): CalibrationResult {
  const trace = new CostTrace(book);
  let best: CalibrationResult | undefined;
  for (let r = 10; r <= 160; r++) {
    for (let o = 0; o <= 70; o++) {
      const parameters = { floatMacRatio: r / 10, overheadShare: o / 100 };
      let sum = 0;
      const errors = dies.map((d) => {
        const modelMm2 = chipArea(d.chip, trace, parameters).totalMm2;
        sum += Math.log(modelMm2 / d.publishedMm2) ** 2;
        return { chip: d.chip.name, publishedMm2: d.publishedMm2, modelMm2, error: modelMm2 / d.publishedMm2 - 1 };
      });
      const rmsLogError = Math.sqrt(sum / dies.length);
      if (!best || rmsLogError < best.rmsLogError - 1e-12) best = { ...parameters, rmsLogError, errors };
    }
  }
  return best!;
}

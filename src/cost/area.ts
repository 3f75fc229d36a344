/**
 * Die area from a ChipSpec, mechanism by mechanism, each priced by a cost-book density with its source
 * and status (docs/cost.md, "Area"):
 *
 * - matrix units: cells x area per MAC by format class (int8 from TPU v1's floor plan, scaled by logic
 *   density to the node; a float MAC the multiple Horowitz's adder and multiplier areas give, its fp32
 *   adder shared by the products of a tensor core's dot product, or by a systolic unit's `productsPerAdder`
 *   through a fused multi-input adder; fp8 a share of it; each further format class a share more), plus a
 *   systolic array's edge per row and column (the array-shape term);
 * - SRAM by node (bitcell over array efficiency) and macro size (small per-core macros cost more a bit);
 * - register files at a multiple of SRAM; vector lanes as fp32 FMAs;
 * - SIMT cores (GPU SMs, CDNA CUs) as their own building block: tensor cores, register file, L1 and lanes
 *   as above, plus the core's other logic (schedulers, load/store, SFU, texture) in transistors at the
 *   node's density;
 * - HBM/DRAM PHYs per device, SerDes per GB/s of chip and host links, die-to-die PHYs between chiplets,
 *   an I/O pad ring around each die;
 * - a calibrated share for control, clocking, global wiring and white space.
 *
 * Harvested dies carry more cores (and memory PHYs) than a product enables: `DieLayout` names what the
 * die holds. Silicon over the reticle (858 mm^2) is split into equal dies in one package unless the layout
 * names the dies (chiplets). Two constants are fitted by `calibrateArea` to the calibration rows of
 * validation/data/area only (cost/area-book.ts); area.test.ts re-runs the fit.
 */
import type { ChipSpec, CoreSpec, MatrixUnitSpec } from '../arch/chip-spec.js';
import { MIB } from '../core/units.js';
import { CostTrace, type CostBook } from './costbook.js';

/** What a die holds beyond what the product enables (published die facts: whitepapers' "full GA100"). */
export interface DieLayout {
  /** Cores on the die, enabled or not (GA100: 128 SMs for A100's 108). Scales every core kind alike. */
  readonly physicalCores?: number;
  /** Memory PHYs on the die, used or not (HBM stacks or DRAM channels). */
  readonly memoryPhys?: number;
  /** Logic dies (chiplets) the silicon is built as; by default it is split at the reticle. */
  readonly dies?: number;
}

export const AREA_BLOCKS = [
  'matrix',
  'sram',
  'registers',
  'vector',
  'simtLogic',
  'memoryPhy',
  'links',
  'dieToDie',
  'ioRing',
  'overhead',
] as const;
export type AreaBlockName = (typeof AREA_BLOCKS)[number];

export interface AreaBlock {
  readonly name: AreaBlockName;
  readonly label: string;
  readonly mm2: number;
}

export interface AreaBreakdown {
  readonly nodeNm: number;
  readonly macs: number;
  /** The widest MAC class on the chip: int8, fp8 or float (bf16/fp16 with fp32 accumulation). */
  readonly macClass: 'int8' | 'fp8' | 'float';
  readonly matrixMm2: number;
  /** SRAM macros and register files together, in MiB. */
  readonly sramMiB: number;
  /** SRAM macros (buffers, accumulators, weight FIFOs, caches); register files are `registerFileMm2`. */
  readonly sramMm2: number;
  readonly registerFileMm2: number;
  readonly vectorMm2: number;
  /** SIMT cores' logic besides tensor cores, register files, L1 and lanes (0 on a systolic chip). */
  readonly simtLogicMm2: number;
  readonly memoryPhyMm2: number;
  /** HBM stacks or DRAM channels with a PHY on the die. */
  readonly memoryDevices: number;
  readonly linksMm2: number;
  readonly dieToDieMm2: number;
  readonly ioRingMm2: number;
  /** Control, clocking, global wiring and white space (the calibrated share). */
  readonly overheadMm2: number;
  /** All silicon, over every die. */
  readonly totalMm2: number;
  /** Logic dies in the package, and each die's area. */
  readonly dies: number;
  readonly dieMm2: number;
  /** Cores on the die(s), enabled or not. */
  readonly physicalCores: number;
  /** The same figures as a list, largest mechanism first in the report's order; sums to totalMm2. */
  readonly blocks: readonly AreaBlock[];
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
  const perDevice =
    DEVICE_BANDWIDTH[kind] ?? (kind.startsWith('HBM') ? DEVICE_BANDWIDTH['HBM2']! : DEVICE_BANDWIDTH['DDR4']!);
  return {
    kind: kind.startsWith('HBM') ? 'hbm' : 'ddr',
    count: Math.max(1, Math.ceil(chip.offChipMemory.bandwidthBytesPerS / perDevice - 1e-9)),
  };
}

type MacClass = AreaBreakdown['macClass'];
const CLASS_ORDER: readonly MacClass[] = ['int8', 'fp8', 'float'];

function classOf(input: string): MacClass {
  if (input === 'bf16' || input === 'fp16') return 'float';
  return input.startsWith('fp8') ? 'fp8' : 'int8';
}

/** The unit's format classes, widest last. */
function unitClasses(u: MatrixUnitSpec): MacClass[] {
  const set = new Set(u.formats.map((f) => classOf(f.input)));
  return CLASS_ORDER.filter((c) => set.has(c));
}

/** Area parameters that calibration varies; the rest come from the book. */
export interface AreaParameters {
  readonly floatMacRatio: number;
  readonly overheadShare: number;
  readonly simtCoreLogicMTr: number;
}

/** Per-mm^2 figures at the chip's node, read once. */
interface Densities {
  readonly logicMtrMm2: number;
  readonly int8CellMm2: number;
  readonly macMm2: Readonly<Record<MacClass, number>>;
  /** The same in a tensor core, whose dot products share the fp32 accumulate adder. */
  readonly tensorMacMm2: Readonly<Record<MacClass, number>>;
  /** The fp32 adder's share of a float MAC, and a fused adder's cost per input beyond two (in 2-input adders). */
  readonly adderShare: number;
  readonly fusedAdderInputShare: number;
  readonly extraFormatShare: number;
  readonly edgeMacs: number;
  readonly sramMm2PerMiB: number;
  readonly smallMacroFactor: number;
  readonly registerFileFactor: number;
}

function densities(trace: CostTrace, node: number, p: AreaParameters, groups: boolean): Densities {
  const logicMtrMm2 = trace.atNode('area.logicDensityMtrMm2', node);
  const edgeMacs = trace.value('area.systolicEdgeMacs');
  // area.int8MacMm2.28 is TPU v1's matrix unit per MAC, edge included: take the edge out for one cell.
  const v1Cells = 256 * 256;
  const int8CellMm2 =
    ((trace.value('area.int8MacMm2.28') * v1Cells) / (v1Cells + 2 * 256 * edgeMacs)) *
    (trace.atNode('area.logicDensityMtrMm2', 28) / logicMtrMm2);
  const float = int8CellMm2 * p.floatMacRatio;
  const adder = trace.value('area.floatAdderShare');
  const tensorFloat = float * (1 - adder + adder / trace.value('area.dotProductWidth'));
  const fp8 = trace.value('area.fp8MacRatio');
  return {
    logicMtrMm2,
    int8CellMm2,
    macMm2: { int8: int8CellMm2, fp8: float * fp8, float },
    tensorMacMm2: { int8: int8CellMm2, fp8: tensorFloat * fp8, float: tensorFloat },
    adderShare: adder,
    // Read only where a unit groups products, so a chip's list of estimates names what its area used.
    fusedAdderInputShare: groups ? trace.value('area.fusedAdderInputShare') : 1,
    extraFormatShare: trace.value('area.extraFormatShare'),
    edgeMacs,
    sramMm2PerMiB:
      (8 * MIB * trace.atNode('area.sramBitcellUm2', node)) / trace.value('area.sramArrayEfficiency') / 1e6,
    smallMacroFactor: trace.value('area.smallMacroFactor'),
    registerFileFactor: trace.value('area.registerFileFactor'),
  };
}

/**
 * A float cell's area relative to one with its own 2-input adder, when `k` products share a fused k-input adder
 * (1 + (k - 2) x the input share, in 2-input adders) whose sum joins the partial sum in one 2-input adder.
 */
export function groupedAdderCellFactor(k: number, adderShare: number, fusedAdderInputShare: number): number {
  if (k <= 1) return 1;
  const addersPerCell = (1 + (k - 2) * fusedAdderInputShare + 1) / k;
  return 1 - adderShare + adderShare * addersPerCell;
}

/** One matrix unit: cells at the widest class's MAC, more per extra class, plus a systolic edge. */
function matrixUnitMm2(u: MatrixUnitSpec, d: Densities): number {
  const classes = unitClasses(u);
  const widest = classes[classes.length - 1] ?? 'int8';
  const macs = u.kind === 'tensor-core' ? d.tensorMacMm2 : d.macMm2;
  // int8 cells accumulate in int32: only float (and fp8) cells carry the fp32 adder a group shares.
  const grouped =
    widest === 'int8' || u.kind === 'tensor-core'
      ? 1
      : groupedAdderCellFactor(u.productsPerAdder ?? 1, d.adderShare, d.fusedAdderInputShare);
  const mac = macs[widest] * grouped * (1 + d.extraFormatShare * Math.max(0, classes.length - 1));
  const edge = (u.kind ?? 'systolic') === 'systolic' ? (u.rows + u.cols) * d.edgeMacs : 0;
  return (u.rows * u.cols + edge) * mac;
}

/** A SIMT core (GPU SM, CDNA CU): tensor-core units fed from a register file. */
const isSimtCore = (core: CoreSpec): boolean =>
  (core.registerFileBytes ?? 0) > 0 && core.matrixUnits.some((u) => u.kind === 'tensor-core');

interface CoreSums {
  macs: number;
  matrixMm2: number;
  sramMiB: number;
  sramMm2: number;
  registerMiB: number;
  lanes: number;
  simtCores: number;
}

function addCore(core: CoreSpec, count: number, d: Densities, s: CoreSums): void {
  for (const u of core.matrixUnits) {
    s.macs += count * u.count * u.rows * u.cols;
    s.matrixMm2 += count * u.count * matrixUnitMm2(u, d);
    // Weight FIFO tiles at the widest input (1 byte for int8, 2 otherwise).
    if ((u.kind ?? 'systolic') === 'systolic')
      addSram(s, d, count, u.count * u.weightFifoTiles * u.rows * u.cols * (unitClasses(u).includes('float') ? 2 : 1));
  }
  s.lanes += count * core.vectorUnit.lanes;
  addSram(s, d, count, core.unifiedBuffer.sizeBytes);
  // A GPU SM's accumulators are its register file (the spec gives both); count it once.
  const registers = Math.max(
    core.registerFileBytes ?? 0,
    core.matrixUnits.some((u) => u.kind === 'tensor-core') ? core.accumulators.sizeBytes : 0,
  );
  s.registerMiB += (count * registers) / MIB;
  if (registers === 0) addSram(s, d, count, core.accumulators.sizeBytes);
  if (isSimtCore(core)) s.simtCores += count;
}

/** `count` macros of `bytes` each: under 1 MiB a macro pays the small-macro factor. */
function addSram(s: CoreSums, d: Densities, count: number, bytes: number): void {
  const mib = (count * bytes) / MIB;
  s.sramMiB += mib;
  s.sramMm2 += mib * d.sramMm2PerMiB * (bytes < MIB ? d.smallMacroFactor : 1);
}

export function chipArea(
  chip: ChipSpec,
  trace: CostTrace,
  parameters?: AreaParameters,
  layout: DieLayout = {},
): AreaBreakdown {
  const notes: string[] = [];
  const node = chip.technology?.processNm ?? 7;
  if (chip.technology?.processNm === undefined) notes.push(`${chip.name} names no process node; 7 nm assumed`);
  const p: AreaParameters = parameters ?? {
    floatMacRatio: trace.value('area.floatMacRatio'),
    overheadShare: trace.value('area.overheadShare'),
    simtCoreLogicMTr: trace.value('area.simtCoreLogicMTr'),
  };
  const groups = chip.cores.some((c) => c.matrixUnits.some((u) => (u.productsPerAdder ?? 1) > 1));
  const d = densities(trace, node, p, groups);
  const enabled = chip.cores.reduce((n, c) => n + c.count, 0);
  const coreScale = layout.physicalCores !== undefined ? layout.physicalCores / enabled : 1;
  if (coreScale !== 1) notes.push(`${layout.physicalCores} cores on the die, ${enabled} enabled`);
  const s: CoreSums = { macs: 0, matrixMm2: 0, sramMiB: 0, sramMm2: 0, registerMiB: 0, lanes: 0, simtCores: 0 };
  for (const core of chip.cores) addCore(core, core.count * coreScale, d, s);
  if (chip.sharedMemory) addSram(s, d, 1, chip.sharedMemory.sizeBytes);
  const registerFileMm2 = s.registerMiB * d.sramMm2PerMiB * d.registerFileFactor;
  const vectorMm2 = s.lanes * trace.value('area.vectorLaneMacs') * d.macMm2.float;
  const simtLogicMm2 = (s.simtCores * p.simtCoreLogicMTr) / d.logicMtrMm2;
  const devices = memoryDevices(chip);
  const memoryPhys = layout.memoryPhys ?? devices.count;
  const memoryPhyMm2 = memoryPhys * trace.value(devices.kind === 'hbm' ? 'area.hbmPhyMm2' : 'area.ddrPhyMm2');
  const linkBytesPerS =
    chip.hostLink.bandwidthBytesPerS +
    (chip.chipLinks ? chip.chipLinks.count * chip.chipLinks.bandwidthBytesPerSPerLink : 0);
  const linksMm2 = (linkBytesPerS / 1e9) * trace.value('area.serdesMm2PerGBps');
  const blocks = s.matrixMm2 + s.sramMm2 + registerFileMm2 + vectorMm2 + simtLogicMm2 + memoryPhyMm2 + linksMm2;
  const core = blocks / (1 - p.overheadShare);
  const reticle = trace.value('area.reticleMm2');
  // Chiplets talk over die-to-die PHYs at each end (the traffic taken as the memory bandwidth); a pad
  // ring lines each die's edge. Split at the reticle, the dies grow until each fits with its ring.
  const d2dEach = 2 * (chip.offChipMemory.bandwidthBytesPerS / 1e12) * trace.value('area.d2dMm2PerTBps');
  const ringMm = trace.value('area.ioRingWidthMm');
  let dies = layout.dies ?? Math.max(1, Math.ceil(core / reticle));
  let { inner, totalMm2 } = withRing(core + (dies > 1 ? d2dEach : 0), dies, ringMm);
  for (let i = 0; layout.dies === undefined && totalMm2 / dies > reticle && i < 100; i++) {
    dies = Math.max(dies + 1, Math.ceil(totalMm2 / reticle));
    ({ inner, totalMm2 } = withRing(core + d2dEach, dies, ringMm));
  }
  const dieToDieMm2 = inner - core;
  const ioRingMm2 = totalMm2 - inner;
  if (layout.dies === undefined && dies > 1)
    notes.push(
      `${core.toFixed(0)} mm^2 exceeds the ${reticle} mm^2 reticle: ${dies} dies of ` +
        `${(totalMm2 / dies).toFixed(0)} mm^2 in one package, with die-to-die PHYs`,
    );
  const cls = chip.cores
    .flatMap((c) => c.matrixUnits.flatMap(unitClasses))
    .reduce<MacClass>((w, c) => (CLASS_ORDER.indexOf(c) > CLASS_ORDER.indexOf(w) ? c : w), 'int8');
  const overheadMm2 = core - blocks;
  const list: AreaBlock[] = [
    {
      name: 'matrix',
      label: `matrix units (${Math.round(s.macs).toLocaleString('en-US')} ${cls} MACs)`,
      mm2: s.matrixMm2,
    },
    { name: 'sram', label: `SRAM (${+s.sramMiB.toPrecision(4)} MiB)`, mm2: s.sramMm2 },
    { name: 'registers', label: `register files (${+s.registerMiB.toPrecision(4)} MiB)`, mm2: registerFileMm2 },
    { name: 'vector', label: 'vector units', mm2: vectorMm2 },
    { name: 'simtLogic', label: `SIMT core logic (${Math.round(s.simtCores)} cores)`, mm2: simtLogicMm2 },
    {
      name: 'memoryPhy',
      label: `memory PHYs (${memoryPhys} ${devices.kind === 'hbm' ? 'HBM stacks' : 'DRAM channels'})`,
      mm2: memoryPhyMm2,
    },
    { name: 'links', label: 'chip and host links (SerDes)', mm2: linksMm2 },
    { name: 'dieToDie', label: `die-to-die PHYs (${dies} dies)`, mm2: dieToDieMm2 },
    { name: 'ioRing', label: 'I/O pad ring', mm2: ioRingMm2 },
    { name: 'overhead', label: 'control, clocking, wiring (calibrated share)', mm2: overheadMm2 },
  ];
  return {
    nodeNm: node,
    macs: s.macs,
    macClass: cls,
    matrixMm2: s.matrixMm2,
    sramMiB: s.sramMiB + s.registerMiB,
    sramMm2: s.sramMm2,
    registerFileMm2,
    vectorMm2,
    simtLogicMm2,
    memoryPhyMm2,
    memoryDevices: memoryPhys,
    linksMm2,
    dieToDieMm2,
    ioRingMm2,
    overheadMm2,
    totalMm2,
    dies,
    dieMm2: totalMm2 / dies,
    physicalCores: enabled * coreScale,
    blocks: list,
    notes,
  };
}

/**
 * Silicon with a pad ring of `ringMm` round each of `dies` equal dies: total = inner + dies x 4 sqrt(total / dies) x
 * ring.
 */
function withRing(inner: number, dies: number, ringMm: number): { readonly inner: number; readonly totalMm2: number } {
  let totalMm2 = inner;
  for (let i = 0; i < 20; i++) totalMm2 = inner + dies * 4 * Math.sqrt(totalMm2 / dies) * ringMm;
  return { inner, totalMm2 };
}

/** A published die area to hold the model to, with what the die holds beyond the product. */
export interface DieReference {
  readonly chip: ChipSpec;
  readonly publishedMm2: number;
  readonly layout?: DieLayout;
}

export interface CalibrationResult extends AreaParameters {
  /** Root mean square of log(model / published) over the dies. */
  readonly rmsLogError: number;
  readonly errors: ReadonlyArray<{
    readonly chip: string;
    readonly publishedMm2: number;
    readonly modelMm2: number;
    readonly error: number;
  }>;
}

/**
 * Grids the fit searches: overhead 0.05-0.40 by 0.01, SIMT logic 0-400 MTr by 2. The float-MAC ratio is
 * not fitted: it is the book's (derived from Horowitz's areas), passed through.
 */
const GRIDS: ReadonlyArray<{ readonly key: keyof AreaParameters; readonly values: readonly number[] }> = [
  { key: 'overheadShare', values: Array.from({ length: 36 }, (_, i) => (5 + i) / 100) },
  { key: 'simtCoreLogicMTr', values: Array.from({ length: 201 }, (_, i) => 2 * i) },
];

/**
 * The overhead share and SIMT core logic that best fit the dies (least squares in log area) at the book's
 * float-MAC ratio, by coordinate search over GRIDS from the book's values until no parameter moves
 * (deterministic).
 */
export function calibrateArea(book: CostBook, dies: readonly DieReference[]): CalibrationResult {
  const trace = new CostTrace(book);
  const score = (p: AreaParameters): CalibrationResult => {
    let sum = 0;
    const errors = dies.map((d) => {
      const modelMm2 = chipArea(d.chip, trace, p, d.layout).totalMm2;
      sum += Math.log(modelMm2 / d.publishedMm2) ** 2;
      return { chip: d.chip.name, publishedMm2: d.publishedMm2, modelMm2, error: modelMm2 / d.publishedMm2 - 1 };
    });
    return { ...p, rmsLogError: Math.sqrt(sum / dies.length), errors };
  };
  let best = score({
    floatMacRatio: trace.value('area.floatMacRatio'),
    overheadShare: trace.value('area.overheadShare'),
    simtCoreLogicMTr: trace.value('area.simtCoreLogicMTr'),
  });
  for (let round = 0; round < 20; round++) {
    let moved = false;
    for (const g of GRIDS) {
      for (const v of g.values) {
        const r = score({
          floatMacRatio: best.floatMacRatio,
          overheadShare: best.overheadShare,
          simtCoreLogicMTr: best.simtCoreLogicMTr,
          [g.key]: v,
        });
        if (r.rmsLogError < best.rmsLogError - 1e-12) {
          best = r;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  return best;
}

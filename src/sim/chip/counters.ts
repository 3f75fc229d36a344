/**
 * Where every cycle went, the way the TPU paper's Table 3 explains time (Jouppi et al. 2017): for
 * each matrix unit, cycles streaming rows (active), waiting for weight data from memory (weight stall),
 * waiting for a tile to shift in (weight shift), waiting for data an earlier instruction writes (RAW
 * stall, or input stall when it comes from the host), and cycles with no matmul to run (non-matrix).
 * The six add up to the program's total cycles. Useful MACs count rows x depth x columns per matmul;
 * unused MACs are the rest of the array's cells during active cycles.
 */
import { isTransfer } from '../../isa/ops.js';
import type { Instruction } from '../../isa/types.js';
import type { Dependency } from './dependencies.js';
import type { MatrixUnitModel, PassTiming } from './units.js';

export interface MatrixUnitCounters {
  readonly unit: string;
  readonly activeCycles: number;
  readonly weightStallCycles: number;
  readonly weightShiftCycles: number;
  readonly rawStallCycles: number;
  readonly inputStallCycles: number;
  readonly nonMatrixCycles: number;
  readonly usefulMacs: number;
  readonly unusedMacs: number;
  readonly passes: number;
  readonly tiles: number;
}

type Bucket = 'nonMatrix' | 'raw' | 'input' | 'weightStall' | 'weightShift';

/** The producer that bounds a pass's dependencies, if it is a DMA from the host. */
function waitsForHost(
  pass: PassTiming,
  deps: readonly Dependency[],
  instructions: readonly Instruction[],
  end: (i: number) => number,
): boolean {
  let latest: number | undefined;
  for (const d of deps) if (latest === undefined || end(d.on) > end(latest)) latest = d.on;
  if (latest === undefined) return false;
  const producer = instructions[latest]!;
  return isTransfer(producer) && producer.src.space === 'host' && end(latest) >= pass.issueReady;
}

export function matrixUnitCounters(
  model: MatrixUnitModel,
  totalCycles: number,
  dependencies: readonly (readonly Dependency[])[],
  instructions: readonly Instruction[],
  end: (i: number) => number,
): MatrixUnitCounters {
  const buckets: Record<Bucket, number> = { nonMatrix: 0, raw: 0, input: 0, weightStall: 0, weightShift: 0 };
  let cursor = 0;
  let active = 0;
  let useful = 0;
  const cells = model.spec.rows * model.spec.cols;
  const advance = (to: number, bucket: Bucket, limit: number): void => {
    const t = Math.min(limit, Math.max(cursor, to));
    buckets[bucket] += t - cursor;
    cursor = t;
  };
  for (const pass of model.passes) {
    const S = pass.start;
    advance(pass.issueReady, 'nonMatrix', S);
    advance(pass.depsReady, waitsForHost(pass, dependencies[pass.index]!, instructions, end) ? 'input' : 'raw', S);
    if (pass.newTile) advance(model.tiles[pass.tile]!.fetchDone, 'weightStall', S);
    advance(S, pass.newTile ? 'weightShift' : 'nonMatrix', S);
    active += pass.rows;
    useful += pass.rows * pass.depth * pass.cols;
    cursor = S + pass.rows;
  }
  buckets.nonMatrix += Math.max(0, totalCycles - cursor);
  return {
    unit: model.name,
    activeCycles: active,
    weightStallCycles: buckets.weightStall,
    weightShiftCycles: buckets.weightShift,
    rawStallCycles: buckets.raw,
    inputStallCycles: buckets.input,
    nonMatrixCycles: buckets.nonMatrix,
    usefulMacs: useful,
    unusedMacs: active * cells - useful,
    passes: model.passes.length,
    tiles: model.tiles.length,
  };
}

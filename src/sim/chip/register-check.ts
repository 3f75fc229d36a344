/**
 * `--engine register`: every matrix unit's passes, replayed on the register-level engine with the
 * inputs, tiles and readiness times the machine saw. The replay must start every pass and every tile
 * load on the same cycle as the machine's closed-form timing, and form the same partial sums bit for
 * bit; any difference is an error, never a silent change of result.
 */
import type { NumberFormatName } from '../../core/number-formats.js';
import { NUMBER_FORMATS } from '../../core/number-formats.js';
import type { MatmulInstruction } from '../../isa/types.js';
import { SimError } from '../errors.js';
import { Accumulators } from '../systolic/accumulators.js';
import { runStationary, type StationaryPass, type StationaryTile } from '../systolic/register-stationary.js';
import type { MatmulBackend } from './state.js';
import type { MatrixUnitModel } from './units.js';

interface Captured {
  readonly x: Float64Array;
  readonly w: Float64Array;
  readonly sums: ArrayLike<number>;
}

export interface RegisterCheck {
  readonly passes: number;
  readonly tiles: number;
  readonly cellUpdates: number;
}

/** Wraps a backend so that every matmul's operands and sums are kept, by instruction index. */
export function capturingBackend(
  inner: MatmulBackend,
  captured: Map<number, Captured>,
  indexOf: (m: MatmulInstruction) => number,
): MatmulBackend {
  return (x, w, rows, depth, cols, format, instruction) => {
    const sums = inner(x, w, rows, depth, cols, format, instruction);
    captured.set(indexOf(instruction), { x, w, sums });
    return sums;
  };
}

export function checkOnRegisterEngine(
  models: readonly MatrixUnitModel[],
  captured: ReadonlyMap<number, Captured>,
  format: NumberFormatName,
): RegisterCheck {
  const isFloat = NUMBER_FORMATS[format].kind === 'float';
  let passes = 0;
  let tiles = 0;
  let cellUpdates = 0;
  for (const model of models) {
    if (model.passes.length === 0) continue;
    const stationaryTiles: StationaryTile[] = model.tiles.map((tile, k) => {
      const first = model.passes.find((p) => p.tile === k)!;
      return {
        depth: first.depth,
        cols: tile.cols,
        readyAt: tile.fetchDone,
        values: captured.get(first.index)!.w,
        offset: 0,
        stride: tile.cols,
      };
    });
    let base = 0;
    const stationaryPasses: StationaryPass[] = model.passes.map((p) => {
      const pass = {
        tile: p.tile,
        rows: p.rows,
        notBefore: Math.max(p.issueReady, p.depsReady),
        inputs: captured.get(p.index)!.x,
        inputOffset: 0,
        inputStride: p.depth,
        outputBase: base,
        outputRowStride: p.cols,
        overwrite: true,
      };
      base += p.rows * p.cols;
      return pass;
    });
    const acc = new Accumulators(base, isFloat);
    const run = runStationary({
      rows: model.spec.rows,
      cols: model.spec.cols,
      doubleBuffered: model.spec.doubleBufferedWeights,
      isFloat,
      machine: 'auto',
      tiles: stationaryTiles,
      passes: stationaryPasses,
      accumulators: acc,
      recordCycles: 0,
    });
    model.passes.forEach((p, j) => {
      const at = `${model.name}, instruction ${p.index}`;
      if (run.passStarts[j] !== p.start)
        throw new SimError(
          'cross_check',
          `${at}: the register-level engine starts the pass at cycle ${run.passStarts[j]}, the machine at ${p.start}`,
        );
      const sums = captured.get(p.index)!.sums;
      const from = stationaryPasses[j]!.outputBase;
      for (let i = 0; i < p.rows * p.cols; i++) {
        if (!Object.is(acc.values[from + i], sums[i]))
          throw new SimError(
            'cross_check',
            `${at}: partial sum ${i} is ${acc.values[from + i]} on the register-level engine, ${sums[i]} from ` +
              `the fast kernel`,
          );
      }
    });
    model.tiles.forEach((tile, k) => {
      if (run.loadStarts[k] !== tile.loadStart)
        throw new SimError(
          'cross_check',
          `${model.name}: tile ${k} loads at cycle ${run.loadStarts[k]} on the register-level engine, ` +
            `${tile.loadStart} in the machine`,
        );
    });
    passes += model.passes.length;
    tiles += model.tiles.length;
    cellUpdates += run.totalCycles * model.spec.rows * model.spec.cols;
  }
  return { passes, tiles, cellUpdates };
}

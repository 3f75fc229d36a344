/**
 * The register-level engine: runs the cell-by-cell models and reports what they observed.
 * With `timing: 'scalesim'` it still computes every value cell by cell, but reports SCALE-Sim's cycle
 * convention for the same folds (a convention, not a schedule; see closed-form.ts).
 */
import { gemmCycles } from './closed-form.js';
import { DATAFLOW_MAPPINGS, foldGrid, listFolds, type Fold } from './dataflows.js';
import { SimError } from '../errors.js';
import { arithmeticFor, checkOperands, checkShape } from './operands.js';
import { runOutputStationary } from './register-output.js';
import { runStationary } from './register-stationary.js';
import type { GemmRequest, GemmResult, GemmStats, SystolicEngine } from './types.js';

/** Snapshots are meant for animation; larger arrays would need gigabytes. */
export const MAX_RECORDED_CELLS = 32 * 32;

export const registerEngine: SystolicEngine = {
  name: 'register',
  run(request: GemmRequest): GemmResult {
    const { shape, array, operands } = request;
    checkShape(shape);
    if (operands) checkOperands(shape, array.format, operands);
    if (request.record && array.rows * array.cols > MAX_RECORDED_CELLS) {
      throw new SimError('too_large', `recording snapshots needs an array of at most 32 x 32 cells, got ${array.rows} x ${array.cols}`);
    }
    const { m: M, n: N, k: K } = shape;
    const a = operands?.a;
    const b = operands?.b;
    const arith = arithmeticFor(array.format);
    const output = arith.newOutput(M * N);
    const accumulate = operands?.c !== undefined;
    if (operands?.c) output.set(Array.from(operands.c));
    const grid = foldGrid(shape, array.rows, array.cols, array.dataflow);
    const folds = listFolds(grid);
    const mapping = DATAFLOW_MAPPINGS[array.dataflow];
    let cWrites = 0;
    let cReads = 0;
    const store = (index: number, firstChunk: boolean, sum: number): void => {
      cWrites++;
      if (firstChunk && !accumulate) output[index] = sum;
      else {
        cReads++;
        output[index] = arith.add(output[index]!, sum);
      }
    };
    const recordCycles = request.record?.maxCycles ?? 0;

    let observed: { totalCycles: number; streamCycles: number; stallCycles: number; drainCycles: number; weightLoadCycles: number };
    let aReads: number;
    let bReads: number;
    let snapshots;
    if (mapping.mechanism === 'output') {
      const run = runOutputStationary({
        rows: array.rows,
        cols: array.cols,
        isFloat: arith.isFloat,
        k: K,
        folds,
        a: a ? (m, k) => a[m * K + k]! : () => 0,
        b: b ? (k, n) => b[k * N + n]! : () => 0,
        deliver: (_fold, m, n, sum) => store(m * N + n, true, sum),
        recordCycles,
      });
      observed = { ...run, weightLoadCycles: 0 };
      ({ aReads, bReads, snapshots } = run);
    } else {
      const t = mapping.transposed;
      const run = runStationary({
        rows: array.rows,
        cols: array.cols,
        doubleBuffered: array.doubleBuffered,
        isFloat: arith.isFloat,
        time: grid.time,
        k: K,
        folds,
        // ws streams A's rows against B's tile; is streams B's columns against A's tile.
        streamed: a && b ? (t ? (s, k) => b[k * N + s]! : (s, k) => a[s * K + k]!) : () => 0,
        stationary: a && b ? (t ? (k, c) => a[c * K + k]! : (k, c) => b[k * N + c]!) : () => 0,
        deliver: (fold: Fold, s, c, sum) => store(t ? c * N + s : s * N + c, fold.rowFold === 0, sum),
        recordCycles,
      });
      observed = run;
      aReads = t ? run.stationaryReads : run.streamedReads;
      bReads = t ? run.streamedReads : run.stationaryReads;
      snapshots = run.snapshots;
    }

    const timing = request.timing ?? 'native';
    const cycles = timing === 'native' ? observed : gemmCycles(grid, array.dataflow, array.doubleBuffered, timing);
    const cells = array.rows * array.cols;
    const usedCells = folds.reduce((sum, f) => sum + f.rowsUsed * f.colsUsed, 0);
    const macs = M * N * K;
    const stats: GemmStats = {
      timing,
      totalCycles: cycles.totalCycles,
      streamCycles: cycles.streamCycles,
      stallCycles: cycles.stallCycles,
      drainCycles: cycles.drainCycles,
      weightLoadCycles: cycles.weightLoadCycles,
      stallReason: mapping.stallReason,
      rowFolds: grid.rowFolds,
      colFolds: grid.colFolds,
      folds: folds.length,
      macs,
      macUtilization: macs / (cycles.totalCycles * cells),
      mappingEfficiency: usedCells / (folds.length * cells),
      accesses: { aReads, bReads, cWrites, cReads },
    };
    const result: GemmResult = operands ? { output, stats } : { stats };
    return request.record ? { ...result, snapshots } : result;
  },
};

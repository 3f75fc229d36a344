/**
 * Recurrent ops (ONNX LSTM/GRU) in the analytical estimate: the hoisted input GEMM, then T dependent
 * steps (a recurrent GEMM and the gate element operations each), one after another, not one batched GEMM.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { compileGraph } from '../compile/compile.js';
import type { Graph } from '../graph/types.js';
import { runCompiledModel } from '../run/compiled-model.js';
import { estimateGraph } from './estimate.js';

const chip = getChipPreset('tpu-v4')!;
const wave = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => 0.1 * Math.sin(i * 12.9898));

function recurrentGraph(cell: 'LSTM' | 'GRU', seq: number, hidden: number): Graph {
  const gates = cell === 'LSTM' ? 4 : 3;
  return {
    schemaVersion: 1,
    name: cell.toLowerCase(),
    inputs: ['x'],
    outputs: ['y'],
    tensors: {
      x: { name: 'x', dtype: 'fp32', shape: [seq, 1, hidden], kind: 'input' },
      w: {
        name: 'w',
        dtype: 'fp32',
        shape: [1, gates * hidden, hidden],
        kind: 'weight',
        data: wave(gates * hidden * hidden),
      },
      r: {
        name: 'r',
        dtype: 'fp32',
        shape: [1, gates * hidden, hidden],
        kind: 'weight',
        data: wave(gates * hidden * hidden),
      },
      y: { name: 'y', dtype: 'fp32', shape: [seq, 1, 1, hidden], kind: 'activation' },
    },
    nodes: [{ name: 'rnn', op: cell, inputs: ['x', 'w', 'r'], outputs: ['y'], attrs: { hidden_size: hidden } }],
  };
}

describe('recurrent layers in the estimate', () => {
  it.each(['LSTM', 'GRU'] as const)('%s: every step waits for the one before (hand-worked lower bound)', (cell) => {
    // tpu-v4's matrix unit is 128 x 128: a step's single row of H_{t-1} passes through all 128 rows of
    // the array before its gate sums exist, and the next step's GEMM needs the gates' result, so 32 steps
    // take at least 32 x 128 = 4096 cycles however many units the chip has.
    const layer = estimateGraph(recurrentGraph(cell, 32, 128), chip, { dtype: 'bf16' }).layers[0]!;
    expect(layer.cycles).toBeGreaterThanOrEqual(32 * 128);
    expect(layer.note).toBe(
      'a recurrence: 32 sequential steps (a GEMM and its element operations each) after the parallel GEMMs',
    );
    // Twice the steps, about twice the time (the hoisted input GEMM grows too, but it is a small share).
    const twice = estimateGraph(recurrentGraph(cell, 64, 128), chip, { dtype: 'bf16' }).layers[0]!;
    expect(twice.cycles / layer.cycles).toBeGreaterThan(1.9);
    expect(twice.cycles / layer.cycles).toBeLessThan(2.1);
  });

  it.each([8, 32])('LSTM of %i steps: within 1.5x of the chip simulator running the compiled program', (seq) => {
    const graph = recurrentGraph('LSTM', seq, 128);
    const estimated = estimateGraph(graph, chip, { dtype: 'bf16' }).totalCycles;
    const simulated = runCompiledModel(compileGraph(graph, chip, { dtype: 'bf16' }), chip, {
      inputs: { x: wave(seq * 128) },
    }).run.totalCycles;
    console.log(
      `LSTM T=${seq} H=128 on tpu-v4: estimate ${estimated} cycles, simulator ${simulated} (ratio ` +
        `${(estimated / simulated).toFixed(2)})`,
    );
    expect(estimated / simulated).toBeGreaterThan(1 / 1.5);
    expect(estimated / simulated).toBeLessThan(1.5);
  });
});

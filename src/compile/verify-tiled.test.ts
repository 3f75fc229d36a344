import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { accumulatorRows, coreAt } from '../arch/derive.js';
import { GraphBuilder } from '../graph/build.js';
import type { Instruction } from '../isa/types.js';
import { compileGraph } from './compile.js';
import type { TiledProgram } from './tile.js';
import { verifyTiled } from './verify.js';

/** The tile pass's output for a one-layer model on tpu-v1. */
function tiledMatmul(): TiledProgram {
  const g = new GraphBuilder('one');
  const x = g.input('x', [4, 8]);
  const graph = g.build([g.add('MatMul', [x, g.weight('w', [8, 6], new Float64Array(48).fill(0.5))])]);
  let tiled: TiledProgram | undefined;
  compileGraph(graph, getChipPreset('tpu-v1')!, {
    dtype: 'int8',
    onStage: (pass, result) => void (pass === 'tile' && (tiled = result as TiledProgram)),
  });
  return tiled!;
}

describe('verifyTiled: accumulator rows come from the instructions declared accesses', () => {
  const chip = getChipPreset('tpu-v1')!;
  const rows = accumulatorRows(coreAt(chip, 0)!);
  const tiled = tiledMatmul();
  const withAccRow = (op: Instruction['op'], accRow: number): TiledProgram => ({
    ...tiled,
    instructions: tiled.instructions.map((i) => (i.op === op ? ({ ...i, accRow } as Instruction) : i)),
  });

  it('accepts the tiled program as it is', () => {
    expect(verifyTiled(tiled, chip)).toEqual([]);
  });

  it('reports a matmul (once, even when it also accumulates) and an activate past the last accumulator row', () => {
    const matmulAt = tiled.instructions.findIndex((i) => i.op === 'matmul');
    const matmul = tiled.instructions[matmulAt] as Extract<Instruction, { op: 'matmul' }>;
    const past = withAccRow('matmul', rows - 1);
    const accumulating = {
      ...past,
      instructions: past.instructions.map((i) => (i.op === 'matmul' ? { ...i, accumulate: true } : i)),
    };
    for (const program of [past, accumulating]) {
      const found = verifyTiled(program, chip).filter((i) => i.code === 'accumulators');
      expect(found.map((i) => i.message)).toEqual([
        `accumulator rows ${rows - 1}..${rows - 2 + matmul.rows} exceed ${rows}`,
      ]);
      expect(found[0]!.path).toContain(`instruction ${matmulAt} `);
    }
    const activate = tiled.instructions.find((i) => i.op === 'activate') as Extract<Instruction, { op: 'activate' }>;
    const found = verifyTiled(withAccRow('activate', rows), chip).filter((i) => i.code === 'accumulators');
    expect(found.map((i) => i.message)).toEqual([
      `accumulator rows ${rows}..${rows + activate.rows - 1} exceed ${rows}`,
    ]);
  });
});

/**
 * Megatron-style sequence parallelism on the training rows: runs that predate it (Korthikanti et al., arXiv
 * 2205.05198, May 2022) state it off, and the plan that reaches the model has it off; every tensor-parallel
 * row on a stack without an activation-sharding default states it one way or the other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { predictRow } from './predict.js';
import { parseValidationFile } from './rows.js';
import type { TrainWorkload, ValidationRow } from './types.js';

const DIRS = ['validation/data/training-node', 'validation/data/training-scale'];

/** Stacks whose mapping shards activations over the model axis when a row leaves it unset (predict.ts). */
const XLA_STACKS = ['maxtext', 'jax', 'paxml'];

function trainRows(): { file: string; row: ValidationRow; w: TrainWorkload }[] {
  return DIRS.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .flatMap((name) => {
        const file = `${dir}/${name}`;
        const parsed = parseValidationFile(readFileSync(file, 'utf8'), file);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
        return parsed.value.rows.flatMap((row) =>
          row.workload.kind === 'train' ? [{ file, row, w: row.workload }] : [],
        );
      }),
  );
}

function withSequenceParallel(row: ValidationRow, w: TrainWorkload, on: boolean): ValidationRow {
  return { ...row, workload: { ...w, plan: { ...w.plan, sequenceParallel: on } } };
}

const predicted = (row: ValidationRow): number => {
  const p = predictRow(row);
  if (!p.ok) throw new Error(`${row.id}: ${p.reason}`);
  return p.predicted;
};

describe('sequence parallelism on the training rows', () => {
  const rows = trainRows();
  const pre2022 = rows.filter(({ file }) => /narayanan2021|mt-nlg-530b|bloom-176b/.test(file));

  it('the 2021-22 Megatron and Megatron-DeepSpeed rows state it off', () => {
    expect(pre2022.length).toBe(14);
    for (const { row, w } of pre2022) expect(`${row.id}: ${String(w.plan.sequenceParallel)}`).toBe(`${row.id}: false`);
  });

  it('a 2021 Megatron row reaches the model with it off', () => {
    const one = pre2022.find(({ row }) => row.id === 'narayanan2021-gpt-1008b-3072gpu');
    if (!one) throw new Error('narayanan2021-gpt-1008b-3072gpu is missing');
    const asIs = predicted(one.row);
    const off = predicted(withSequenceParallel(one.row, one.w, false));
    const on = predicted(withSequenceParallel(one.row, one.w, true));
    expect(asIs).toBe(off);
    // Sequence parallelism moves this row's prediction (its norms and dropout run on 1/8 of the tokens).
    expect(Math.abs(on / off - 1)).toBeGreaterThan(0.01);
  });

  it('every tensor-parallel row outside the XLA stacks states it', () => {
    const unstated = rows
      .filter(({ w }) => w.plan.tp > 1 && !XLA_STACKS.includes(w.stack) && w.plan.sequenceParallel === undefined)
      .map(({ file, row }) => `${file}: ${row.id}`);
    expect(unstated).toEqual([]);
  });
});

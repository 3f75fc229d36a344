import { describe, expect, expectTypeOf, it } from 'vitest';
import { parsePlanFile, type PlanFile } from './plan-file.js';
import type { TrainingPlan } from './types.js';

describe('plan files', () => {
  it('a good file parses to a typed partial plan', () => {
    const r = parsePlanFile({ tp: 8, zero: 1, recompute: 'full', sequenceParallel: true }, 'p.yaml');
    expect(r).toEqual({ ok: true, value: { tp: 8, zero: 1, recompute: 'full', sequenceParallel: true } });
    expectTypeOf<PlanFile>().toEqualTypeOf<Partial<TrainingPlan>>();
  });

  it('keeps the one-problem messages', () => {
    const one = (value: unknown): string[] => {
      const r = parsePlanFile(value, 'bad.json');
      return r.ok ? [] : r.issues.map((i) => i.message);
    };
    expect(one({ tp: 8, zero: 5 })).toEqual(['bad.json: zero must be a whole number from 0 to 3, got 5']);
    expect(one({ recompute: 'sometimes' })).toEqual([
      'bad.json: recompute must be one of none, selective, full, got "sometimes"',
    ]);
    expect(one({ overlapGradients: 'yes' })).toEqual(['bad.json: overlapGradients must be true or false, got "yes"']);
    expect(one([1])).toEqual([
      'bad.json: expected a mapping of plan fields (tp, pp, dp, cp, ep, zero, microbatch, globalBatch, seq, ' +
        'recompute, sequenceParallel, interleave, overlapGradients)',
    ]);
  });

  it('reports every problem at once, with the limit and a did-you-mean', () => {
    const r = parsePlanFile({ tp: 0, pp: 2.5, dp: 1e12, recompute: 'ful', tpp: 2 }, 'bad.json');
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.issues.map((i) => [i.path, i.message])).toEqual([
      ['tp', 'bad.json: tp must be a whole number from 1 to 102400000000, got 0'],
      ['pp', 'bad.json: pp must be a whole number from 1 to 102400000000, got 2.5'],
      ['dp', 'bad.json: dp must be a whole number from 1 to 102400000000, got 1000000000000'],
      ['recompute', 'bad.json: recompute must be one of none, selective, full, got "ful"; did you mean \'full\'?'],
      [
        'tpp',
        "bad.json: unknown plan field 'tpp'; did you mean 'tp'? (fields: tp, pp, dp, cp, ep, zero, microbatch, " +
          'globalBatch, seq, recompute, sequenceParallel, interleave, overlapGradients)',
      ],
    ]);
  });
});

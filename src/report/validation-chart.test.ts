import { describe, expect, it } from 'vitest';
import type { RowPrediction } from '../validation/predict.js';
import type { ValidationRow } from '../validation/types.js';
import { validationRatioSvg } from './validation-chart.js';

const row = (id: string, category: ValidationRow['category'], split: ValidationRow['split']): ValidationRow =>
  ({
    id,
    category,
    split,
    source: 's',
    where: 'w',
    quote: 'q',
    measured: { metric: 'tflops', value: 1 },
    workload: { kind: 'gemm', chip: 'a100', dtype: 'bf16', m: 1, n: 1, k: 1 },
  }) as ValidationRow;
const predicted = (
  id: string,
  category: ValidationRow['category'],
  split: ValidationRow['split'],
  speedRatio: number,
): RowPrediction => ({
  ok: true,
  row: row(id, category, split),
  predicted: speedRatio,
  ratio: speedRatio,
  speedRatio,
  error: Math.abs(speedRatio - 1),
  regime: { chip: 'a100', chips: 1 },
  notes: [],
});

describe('validation chart', () => {
  const rows = [
    predicted('a', 'kernels', 'held-out', 1.1),
    predicted('b', 'kernels', 'calibration', 0.8),
    predicted('c', 'serving', 'held-out', 9),
    { ok: false, row: row('d', 'serving', 'held-out'), reason: 'unmapped' } as RowPrediction,
  ];
  const svg = validationRatioSvg(rows, ['kernels', 'serving']);

  it('draws one dot per predicted row, held-out filled and calibration hollow, with its id and ratio', () => {
    expect(svg.match(/<circle /g)?.length).toBe(3);
    expect(svg.match(/<circle [^>]*fill="none"/g)?.length).toBe(1);
    expect(svg).toContain('a (held-out): predicted / measured speed 1.10');
    expect(svg).toContain('2 rows');
    expect(svg).toContain('1 rows');
  });

  it('pins ratios beyond 4x to the edge and is deterministic', () => {
    const top = /<circle [^>]*cy="([0-9.]+)"[^>]*><title>c /.exec(svg);
    expect(Number(top?.[1])).toBeCloseTo(30, 5);
    expect(validationRatioSvg(rows, ['kernels', 'serving'])).toBe(svg);
  });
});

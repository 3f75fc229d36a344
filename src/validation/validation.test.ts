/**
 * The validation runner on a few hand-written rows: files parse with every problem named, each kind of
 * workload maps to the library call it should, metrics convert as the README says, and the statistics
 * and error bars follow from the predictions. (How close the predictions are is a report, not a test:
 * npm run validate.)
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { collectiveCost } from '../cluster/collectives.js';
import { getSystemPreset } from '../cluster/systems.js';
import { trainingStep } from '../cluster/train.js';
import { transformerModel } from '../cluster/transformer.js';
import { gemmSeconds } from '../model/kernels.js';
import { validationFor } from '../model/validation.js';
import { predictRow, type RowPrediction } from './predict.js';
import { parseValidationFile } from './rows.js';
import { errorStats, summarize } from './stats.js';
import type { ValidationRow } from './types.js';

const FILE =
  `
sources:
  demo: { title: "A demo source", url: "https://example.org" }
rows:
  - id: demo-gemm
    split: ` +
  `held-out
    category: kernels
    source: demo
    where: "Table 1"
    quote: "600 TFLOPS"
    measured: ` +
  `{ metric: tflops, value: 600 }
    workload: { kind: gemm, chip: h100-sxm, dtype: bf16, m: 8192, n: 8192, ` +
  `k: 8192 }
  - id: demo-train
    split: calibration
    category: training-node
    source: demo
    where: ` +
  `"Table 2"
    quote: "1.5 s"
    measured: { metric: step-s, value: 1.5 }
    workload:
      kind: train
  ` +
  `    model: { zoo: llama3-8b }
      chip: h100-sxm
      system: dgx-h100
      chips: 8
      plan: { tp: ` +
  `1, pp: 1, dp: 8, zero: 3, microbatch: 1, globalBatch: 32, seq: 4096 }
      stack: torchtitan
  - id: ` +
  `demo-allreduce
    split: held-out
    category: collectives
    source: demo
    where: "output"
    ` +
  `quote: "busbw 480"
    measured: { metric: busbw-GBps, value: 480 }
    workload: { kind: collective, chip: ` +
  `h100-sxm, system: dgx-h100, collective: all-reduce, ranks: 8, bytes: 8589934592 }
`;

function rows(): readonly ValidationRow[] {
  const parsed = parseValidationFile(FILE, 'demo.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return parsed.value.rows;
}

const ok = (p: RowPrediction): Extract<RowPrediction, { ok: true }> => {
  if (!p.ok) throw new Error(p.reason);
  return p;
};

describe('validation rows', () => {
  it('parses a file and names every problem with its path', () => {
    expect(rows().map((r) => r.id)).toEqual(['demo-gemm', 'demo-train', 'demo-allreduce']);
    const bad = FILE.replace('split: held-out', 'split: heldout')
      .replace('m: 8192,', 'm: -1,')
      .replace('source: demo\n    where: "Table 2"', 'source: nowhere\n    where: "Table 2"');
    const parsed = parseValidationFile(bad, 'demo.yaml');
    expect(parsed.ok).toBe(false);
    const messages = parsed.ok ? [] : parsed.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages.some((m) => m.startsWith('demo.yaml: rows[0].split:'))).toBe(true);
    expect(messages.some((m) => m.startsWith('demo.yaml: rows[0].workload.m:'))).toBe(true);
    const unknown = parseValidationFile(
      FILE.replace('source: demo\n    where: "Table 2"', 'source: nowhere\n    where: "Table 2"'),
      'demo.yaml',
    );
    expect(unknown.ok ? [] : unknown.issues.map((i) => i.path)).toEqual(['demo.yaml: rows[1].source']);
  });

  it('maps a GEMM row to gemmSeconds and converts to TFLOP/s', () => {
    const p = ok(predictRow(rows()[0]!));
    const s = gemmSeconds(getChipPreset('h100-sxm'), 'bf16', {
      batch: 1,
      m: 8192,
      n: 8192,
      k: 8192,
      weightsAreParameters: true,
    });
    expect(p.predicted).toBeCloseTo((2 * 8192 ** 3) / s / 1e12, 9);
    expect(p.ratio).toBeCloseTo(p.predicted / 600, 12);
    expect(p.speedRatio).toBeCloseTo(p.ratio, 12);
    expect(p.error).toBeCloseTo(Math.abs(p.ratio - 1), 12);
  });

  it('maps a training row to trainingStep with the plan defaults, and a time metric inverts the speed ratio', () => {
    const p = ok(predictRow(rows()[1]!));
    const model = transformerModel({ zoo: 'llama3-8b' }, 4096);
    const step = trainingStep(
      model,
      getChipPreset('h100-sxm'),
      getSystemPreset('dgx-h100'),
      8,
      {
        tp: 1,
        pp: 1,
        dp: 8,
        cp: 1,
        ep: 1,
        zero: 3,
        microbatch: 1,
        globalBatch: 32,
        seq: 4096,
        recompute: 'none',
        sequenceParallel: false,
        interleave: 1,
        overlapGradients: true,
      },
      { flashAttention: true, stack: 'torchtitan' },
    );
    expect(p.predicted).toBe(step.stepTimeS);
    expect(p.speedRatio).toBeCloseTo(1.5 / step.stepTimeS, 12);
    expect(p.regime).toEqual({ chip: 'h100-sxm', chips: 8, params: model.params });
  });

  it('a training row may name its attention kernel: the Triton port of FlashAttention reaches trainingStep', () => {
    const parsed = parseValidationFile(
      FILE.replace('      stack: torchtitan', '      stack: torchtitan\n      attention: flash-triton'),
      'demo.yaml',
    );
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
    const p = ok(predictRow(parsed.value.rows[1]!));
    const model = transformerModel({ zoo: 'llama3-8b' }, 4096);
    const step = trainingStep(
      model,
      getChipPreset('h100-sxm'),
      getSystemPreset('dgx-h100'),
      8,
      {
        tp: 1,
        pp: 1,
        dp: 8,
        cp: 1,
        ep: 1,
        zero: 3,
        microbatch: 1,
        globalBatch: 32,
        seq: 4096,
        recompute: 'none',
        sequenceParallel: false,
        interleave: 1,
        overlapGradients: true,
      },
      { flashAttention: true, stack: 'torchtitan', attention: 'flash-triton' },
    );
    expect(p.predicted).toBe(step.stepTimeS);
    expect(p.predicted).toBeGreaterThan(ok(predictRow(rows()[1]!)).predicted);
    expect(
      parseValidationFile(
        FILE.replace('      stack: torchtitan', '      stack: torchtitan\n      attention: flash9'),
        'demo.yaml',
      ).ok,
    ).toBe(false);
  });

  it('maps a collective row to nccl-tests bus bandwidth', () => {
    const p = ok(predictRow(rows()[2]!));
    const s = collectiveCost(getSystemPreset('dgx-h100'), 'all-reduce', 8589934592, { size: 8, stride: 1 }).seconds;
    expect(p.predicted).toBeCloseTo((8589934592 / s / 1e9) * ((2 * 7) / 8), 9);
  });

  it(
    'a serving row may name its engine release: TensorRT-LLM 0.5 decodes GQA without XQA, so Llama 3 70B ' +
      'at long context comes out slower',
    () => {
      const serve: ValidationRow = {
        ...rows()[0]!,
        id: 'demo-serve',
        category: 'serving',
        measured: { metric: 'output-tokens-per-s', value: 1000 },
        workload: {
          kind: 'serve',
          model: { zoo: 'llama3-70b' },
          chip: 'h100-sxm',
          chips: 4,
          tp: 4,
          batch: 64,
          prompt: 2048,
          output: 2048,
          dtype: 'fp8-e4m3',
          kvDtype: 'fp8-e4m3',
          engine: 'trtllm',
        },
      };
      const parsed = parseValidationFile(
        `${FILE}\n  - ${JSON.stringify({ ...serve, workload: { ...serve.workload, engineVersion: '0.5.0' } })}`,
        'demo.yaml',
      );
      expect(parsed.ok).toBe(true);
      const tagged = parsed.ok ? parsed.value.rows[3]! : serve;
      expect(ok(predictRow(tagged)).predicted).toBeLessThan(0.8 * ok(predictRow(serve)).predicted);
    },
  );

  it('reports a row it cannot map as data, with the reason', () => {
    const row = rows()[0]!;
    const p = predictRow({ ...row, workload: { ...row.workload, chip: 'h1000' } as ValidationRow['workload'] });
    expect(p.ok).toBe(false);
    expect(p.ok ? '' : p.reason).toMatch(/h1000/);
    const train = rows()[1]!;
    const indivisible = predictRow({
      ...train,
      workload: { ...train.workload, chips: 7 } as ValidationRow['workload'],
    });
    expect(indivisible.ok ? '' : indivisible.reason).toMatch(/not the 7 chips/);
  });
});

describe('validation statistics and error bars', () => {
  const fake = (
    id: string,
    split: 'calibration' | 'held-out',
    error: number,
    speedRatio: number,
  ): Extract<RowPrediction, { ok: true }> => ({
    ok: true,
    row: { ...rows()[1]!, id, split },
    predicted: 1,
    ratio: 1 / speedRatio,
    speedRatio,
    error,
    regime: { chip: 'h100-sxm', chips: 8, params: 8e9 },
    notes: [],
  });

  it('computes MAPE, median speed ratio and the shares within 15% and 30%', () => {
    const s = errorStats([
      fake('a', 'held-out', 0.1, 1.1),
      fake('b', 'held-out', 0.2, 0.8),
      fake('c', 'held-out', 0.5, 1.5),
      fake('d', 'held-out', 0.05, 1.05),
    ]);
    expect(s).toEqual({
      rows: 4,
      mape: (0.1 + 0.2 + 0.5 + 0.05) / 4,
      medianSpeedRatio: (1.05 + 1.1) / 2,
      within15: 0.5,
      within30: 0.75,
    });
  });

  it('quotes the held-out error of the category and says when a prediction is outside the validated regime', () => {
    const summary = summarize([
      fake('a', 'held-out', 0.1, 1.1),
      fake('b', 'held-out', 0.3, 1.3),
      fake('c', 'calibration', 0.9, 1.9),
    ]);
    const inside = validationFor('training-node', { chip: 'h100-sxm', chips: 16, params: 10e9 }, summary);
    expect(inside).toMatchObject({ category: 'training-node', rows: 2, inRegime: true });
    expect(inside.mape).toBeCloseTo(0.2, 12);
    expect(inside.text).toBe('validated to +-20% (MAPE over 2 held-out training (fewer than 100 chips) rows)');
    const outside = validationFor('training-node', { chip: 'tpu-v7', chips: 64, params: 400e9 }, summary);
    expect(outside.inRegime).toBe(false);
    expect(outside.outside).toEqual([
      'no validated training (fewer than 100 chips) rows on tpu-v7 (rows on h100-sxm)',
      '64 chips is outside the 8-8 chips of the rows',
      '400B parameters is outside the 8B-8B of the rows',
    ]);
    expect(validationFor('serving', { chip: 'h100-sxm', chips: 8 }, summary)).toMatchObject({
      mape: null,
      rows: 0,
      inRegime: false,
    });
  });
});

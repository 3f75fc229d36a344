import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseServingWorkload } from './serve-capacity.js';
import { csvSamples, expandWorkloadValue, histogramSamples, meanSampleLengths } from './serve-workload.js';
import { simulateServing } from './serving-sim.js';

const example = (name: string): string =>
  readFileSync(new URL(`../../examples/serving/${name}`, import.meta.url), 'utf8');

describe('serving workloads from files', () => {
  it('a histogram expands each bin to its count of samples', () => {
    const r = histogramSamples([
      { input: 100, output: 10, count: 3 },
      { input: 1000, output: 50, count: 1 },
    ]);
    expect(r).toEqual({
      ok: true,
      samples: [
        [100, 10],
        [100, 10],
        [100, 10],
        [1000, 50],
      ],
    });
    expect(meanSampleLengths(r.ok ? r.samples : [])).toEqual({ input: 325, output: 20 });
  });

  it('CSV: header names the columns; counts repeat rows; comments skipped; bad cells named by row and column', () => {
    expect(csvSamples('# comment\nprompt_tokens,output_tokens,count\n10,20,2\n5,7,1\n')).toEqual({
      ok: true,
      samples: [
        [10, 20],
        [10, 20],
        [5, 7],
      ],
    });
    const bad = csvSamples('input,output\n10,x\n0,5\n');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'row 2.output: "x" must be a whole number of tokens from 1 to 16777216',
      'row 3.input: 0 must be a whole number of tokens from 1 to 16777216',
    ]);
    expect(csvSamples('a,b\n1,2\n').ok).toBe(false);
  });

  it('the shipped examples parse, and their means are those their descriptions state', () => {
    const chat = expandWorkloadValue(JSON.parse(example('sharegpt-chat.json')));
    const parsed = chat.ok ? parseServingWorkload(chat.value, 'sharegpt-chat.json') : undefined;
    expect(parsed?.ok).toBe(true);
    const samples = parsed?.ok ? parsed.workload.samples : [];
    expect(samples.length).toBe(1000);
    const m = meanSampleLengths(samples);
    // Within 3% of the vLLM paper's ShareGPT means (161.31 input, 337.99 output).
    expect(Math.abs(m.input / 161.31 - 1)).toBeLessThan(0.03);
    expect(Math.abs(m.output / 337.99 - 1)).toBeLessThan(0.03);
    const lmsys = csvSamples(example('lmsys-chat.csv'));
    expect(lmsys.ok && meanSampleLengths(lmsys.samples)).toEqual({ input: 69.4, output: 215.5 });
    const arxiv = expandWorkloadValue(JSON.parse(example('arxiv-summarization.json')));
    expect(arxiv.ok && parseServingWorkload(arxiv.value, 'arxiv').ok).toBe(true);
  });

  it('the simulator samples a workload deterministically: the same seed, the same run; another seed, another', () => {
    const lmsys = csvSamples(example('lmsys-chat.csv'));
    const run = (seed: number) =>
      simulateServing({
        rate: 20,
        requests: 300,
        promptTokens: 1,
        outputTokens: 1,
        lengthSamples: lmsys.ok ? lmsys.samples : [],
        maxBatch: 16,
        seed,
        iteration: (s) => 1e-3 + 1e-5 * (s.prefillTokens + s.decodeSequences),
      });
    expect(run(7)).toEqual(run(7));
    expect(run(7).latency.p50).not.toBe(run(8).latency.p50);
  });
});

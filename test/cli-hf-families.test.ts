/** The config.json families of issue 17 through estimate, train and infer, as a user runs them. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const config = (name: string): string => join(import.meta.dirname, 'fixtures', 'hf', `${name}.json`);

describe('issue 17 families on the command line', () => {
  for (const name of [
    'gemma-2-9b',
    'gemma-3-1b',
    'phi-3-mini-4k',
    'qwen3-8b',
    'qwen1.5-moe-a2.7b',
    'olmo-7b',
    'olmo-2-1124-7b',
  ]) {
    it(`${name}: estimate, train and infer`, async () => {
      const estimate = await tpusim('estimate', config(name), '--chip', 'tpu-v4', '--seq', '64', '--json');
      expect(estimate.err).toBe('');
      expect(estimate.code).toBe(0);
      const train = await tpusim(
        'train',
        config(name),
        '--chip',
        'tpu-v4',
        '--chips',
        '64',
        '--seq',
        '2048',
        '--top',
        '1',
      );
      expect(train.code, train.err).toBe(0);
      expect(train.out).toMatch(/MFU \d/);
      const infer = await tpusim('infer', config(name), '--chip', 'tpu-v4', '--chips', '8');
      expect(infer.code, infer.err).toBe(0);
    }, 60_000);
  }
});

/**
 * `--power-limit W` on train, infer and estimate: the board under a limit below its rated one, timed at the
 * clock model/power-cap.ts gives (H100 at 500 W: 1132.3 MHz against the measured 1335 MHz at 700 W), and a
 * limit above the rated one or not a number refused with the flag, the value and the limit.
 */
import { describe, expect, it } from 'vitest';
import { tpusim } from './cli-helper.js';

const TRAIN = ['train', 'llama3-8b', '--chip', 'h100-sxm', '--chips', '8', '--tp', '1', '--pp', '1', '--dp', '8'];
const TRAIN_RUN = [
  ...TRAIN,
  '--zero',
  '3',
  '--microbatch',
  '1',
  '--global-batch',
  '8',
  '--seq',
  '8192',
  '--recompute',
  'full',
  '--json',
];

async function json(argv: string[]): Promise<Record<string, unknown>> {
  const r = await tpusim(...argv);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
}

const stepTime = (d: Record<string, unknown>): number => {
  const text = JSON.stringify(d);
  const m = /"stepTimeS":([0-9.e+-]+)/.exec(text);
  if (!m) throw new Error('no stepTimeS in the JSON');
  return Number(m[1]);
};

describe('--power-limit', () => {
  it('train: a 500 W H100 takes longer than a 700 W one, and 700 W changes nothing', async () => {
    const rated = stepTime(await json(TRAIN_RUN));
    const capped = stepTime(await json([...TRAIN_RUN, '--power-limit', '500']));
    expect(capped / rated).toBeGreaterThan(1.1);
    expect(capped / rated).toBeLessThan(1335 / 1132.3 + 1e-3);
    expect(stepTime(await json([...TRAIN_RUN, '--power-limit', '700']))).toBe(rated);
  });

  it('estimate: slower at 500 W', async () => {
    const argv = ['estimate', 'llama3-8b', '--chip', 'h100-sxm', '--batch', '8', '--seq', '2048', '--json'];
    const rated = (await json(argv))['totalTimeS'] as number;
    const capped = (await json([...argv, '--power-limit', '500']))['totalTimeS'] as number;
    expect(capped / rated).toBeGreaterThan(1.1);
  });

  it('infer: a longer prefill at 500 W', async () => {
    const run = async (extra: string[]) => {
      const r = await tpusim(
        'infer',
        'llama3-8b',
        '--chip',
        'h100-sxm',
        '--prompt',
        '4096',
        '--output',
        '16',
        ...extra,
      );
      expect(r.code, r.err).toBe(0);
      return Number(/time to first token ([0-9.]+) ms/.exec(r.out)![1]);
    };
    expect((await run(['--power-limit', '500'])) / (await run([]))).toBeGreaterThan(1.1);
  });

  it('refuses a limit above the rated one (exit 1) and one that is not a number (exit 2)', async () => {
    const over = await tpusim(...TRAIN, '--power-limit', '800');
    expect(over.code).toBe(1);
    expect(over.err).toContain("--power-limit: 800 W exceeds h100-sxm's rated 700 W (technology.tdpW)");
    const bad = await tpusim(...TRAIN, '--power-limit', 'abc');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--power-limit');
  });
});

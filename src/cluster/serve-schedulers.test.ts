import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { servingContext } from './serve.js';
import { scheduledPoint, simIterationSeconds } from './serve-schedulers.js';
import { simulateServing, SCHEDULERS } from './serving-sim.js';
import { getSystemPreset } from './systems.js';
import { transformerModel } from './transformer.js';

const llama8 = transformerModel({ zoo: 'llama3-8b' }, 8192);
const h100 = getChipPreset('h100-sxm');
const dgx = getSystemPreset('dgx-h100');

describe('schedulers: closed form against the simulator in steady state', () => {
  // An open queue kept full (arrivals far above capacity) runs at the batch's steady state. Output lengths
  // uniform within +-50% for the in-flight schedulers, so that the batch does not stay in lockstep: with
  // fixed lengths a full queue's batch finishes and refills together, and chunked then runs 5.5% below its
  // closed form, which assumes the prompts spread over the iterations (seen while writing this test).
  const c = 32;
  const prompt = 512;
  const output = 128;
  for (const scheduler of SCHEDULERS) {
    it(`${scheduler}: throughput within 5%`, () => {
      const ctx = servingContext(llama8, h100, dgx, { tp: 1, pp: 1, engine: 'ideal', chunkTokens: 2048 });
      const closed = scheduledPoint(ctx, scheduler, c, prompt, output);
      const sim = simulateServing({
        rate: 1e6,
        requests: 200 * c,
        promptTokens: prompt,
        outputTokens: scheduler === 'static' ? output : { mean: output, spread: 0.5 },
        maxBatch: c,
        maxBatchTokens: 2048,
        scheduler,
        seed: 1,
        iteration: simIterationSeconds(ctx),
      });
      const error = sim.throughputTokensPerS / closed.tokensPerS - 1;
      console.log(
        `${scheduler}: simulator ${sim.throughputTokensPerS.toFixed(0)} tokens/s, closed form ` +
          `${closed.tokensPerS.toFixed(0)} tokens/s, error ${(error * 100).toFixed(2)}%`,
      );
      expect(Math.abs(error)).toBeLessThan(0.05);
    });
  }

  it('the schedulers differ as they should: chunked beats static at the same batch', () => {
    const ctx = servingContext(llama8, h100, dgx, { tp: 1, pp: 1, engine: 'ideal', chunkTokens: 2048 });
    expect(scheduledPoint(ctx, 'chunked', c, prompt, output).tokensPerS).toBeGreaterThan(
      scheduledPoint(ctx, 'static', c, prompt, output).tokensPerS,
    );
  });
});

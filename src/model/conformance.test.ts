/**
 * The analytical model against the chip simulator, layer by layer: every layer of resnet50 (batch 1),
 * bert-base and gpt2 (batch 1, sequence 128: gpt2's logits at its full 1024 positions do not fit a
 * unified buffer) compiled for tpu-v1 (int8) and tpu-v4 (bf16, one core as the compiler uses), each
 * layer run alone on the simulator (activations on chip, weights off chip) and estimated in closed
 * form. Tolerance: 3% per layer. Layers in steady state on one matrix unit (tpu-v1's) match exactly.
 */
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { compileGraph } from '../compile/compile.js';
import { isolatedLayerCycles } from '../run/compiled-model.js';
import { buildZooModel } from '../graph/zoo/index.js';
import { estimateGraph } from './estimate.js';

const TOLERANCE = 0.03;
const CASES = [
  { model: 'resnet50', options: {} },
  { model: 'bert-base', options: { seq: 128 } },
  { model: 'gpt2', options: { seq: 128 } },
] as const;

describe.each(CASES)('$model', ({ model, options }) => {
  it.each(['tpu-v1', 'tpu-v4'])(
    'on %s: every layer within 3% of the simulator',
    (chipName) => {
      const chip = getChipPreset(chipName)!;
      const graph = buildZooModel(model, options);
      const compiled = compileGraph(graph, chip);
      const simulated = isolatedLayerCycles(compiled, chip);
      const estimate = estimateGraph(graph, chip, { dtype: compiled.dtype, cores: 1 });
      let worst = { layer: '', error: 0, sim: 0, model: 0 };
      let compared = 0;
      let exact = 0;
      for (const layer of estimate.layers) {
        const sim = simulated.get(layer.name);
        if (sim === undefined) {
          // Only host-side embedding lookups and free views have no instructions of their own.
          expect(['embedding', 'view'], `${layer.name} (${layer.kind}) has no simulated cycles`).toContain(layer.kind);
          continue;
        }
        compared++;
        if (layer.cycles === sim) exact++;
        const error = (layer.cycles - sim) / sim;
        if (Math.abs(error) > Math.abs(worst.error)) worst = { layer: layer.name, error, sim, model: layer.cycles };
      }
      console.log(
        `${model} on ${chipName}: ${compared} layers, ${exact} exactly equal; largest error ` +
          `${(worst.error * 100).toFixed(2)}% (${worst.layer}: simulator ${worst.sim}, model ` +
          `${Math.round(worst.model)} cycles)`,
      );
      expect(compared).toBeGreaterThan(30);
      expect(Math.abs(worst.error), `${worst.layer}: simulator ${worst.sim}, model ${worst.model}`).toBeLessThanOrEqual(
        TOLERANCE,
      );
    },
    60_000,
  );
});

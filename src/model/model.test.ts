import { describe, expect, it } from 'vitest';
import { CHIP_PRESETS, getChipPreset } from '../arch/presets/index.js';
import { peakOpsPerS } from '../arch/derive.js';
import { GraphBuilder } from '../graph/build.js';
import { buildZooModel } from '../graph/zoo/index.js';
import { chipContext, criticalPathCycles, estimateGraph } from './estimate.js';
import { energyTable } from './energy.js';
import { gpuContext, gpuGemm, gpuLayerTime } from './gpu.js';
import { layerTime } from './layers.js';
import { prepareGraph } from './plan.js';

describe('estimateGraph', () => {
  it('times a repeated layer once, and exactly as it would time it alone', () => {
    for (const graph of [buildZooModel('gpt2', { seq: 256 }), buildZooModel('resnet50')]) {
      const prepared = prepareGraph(graph);
      const distinct = prepared.layers.filter((l, i) => l.twin === i).length;
      expect(distinct).toBeLessThan(prepared.layers.length);
      for (const chip of [getChipPreset('tpu-v4'), getChipPreset('h100-sxm')]) {
        const e = estimateGraph(graph, chip, { cores: 1 });
        const ctx = chipContext(chip, e.dtype);
        prepared.layers.forEach((layer, i) => {
          const alone = ctx.gpu ? gpuLayerTime(ctx.gpu, layer) : layerTime(ctx.sys, layer);
          expect(e.layers[i]!.name).toBe(layer.name);
          expect(e.layers[i]!.matrixCycles, `${chip.name} ${layer.name}`).toBe(alone.matrixCycles);
          expect(e.layers[i]!.latencyCycles, `${chip.name} ${layer.name}`).toBe(alone.latencyCycles);
          if (ctx.gpu) expect(e.layers[i]!.cycles, `${chip.name} ${layer.name}`).toBe(alone.cycles);
        });
      }
    }
  });

  it('estimates resnet50 on every preset, with every layer accounted for', () => {
    const graph = buildZooModel('resnet50');
    for (const chip of Object.values(CHIP_PRESETS)) {
      const e = estimateGraph(graph, chip);
      expect(e.totalTimeS, chip.name).toBeGreaterThan(0);
      expect(e.layers.reduce((s, l) => s + l.cycles, 0)).toBeCloseTo(e.totalCycles, 6);
      // Never faster than the peak allows.
      expect(e.achievedOpsPerS, chip.name).toBeLessThanOrEqual(peakOpsPerS(chip, e.dtype as never) * 1.0000001);
      expect(e.macs).toBe(e.layers.reduce((s, l) => s + l.macs, 0));
      const parts =
        e.energy.matrixJ + e.energy.vectorJ + e.energy.onChipJ + e.energy.offChipJ + e.energy.linkJ + e.energy.staticJ;
      expect(parts).toBeCloseTo(e.energyJ, 12);
      expect(e.averagePowerW).toBeCloseTo(e.energyJ / e.totalTimeS, 6);
      expect(e.feasible).toBe(true);
    }
  });

  it('is deterministic', () => {
    const graph = buildZooModel('bert-base');
    expect(JSON.stringify(estimateGraph(graph, getChipPreset('tpu-v4')))).toBe(
      JSON.stringify(estimateGraph(graph, getChipPreset('tpu-v4'))),
    );
  });

  it('says when a model does not fit, and still times it', () => {
    const e = estimateGraph(buildZooModel('llama3-405b', { seq: 128 }), getChipPreset('tpu-v4'));
    expect(e.feasible).toBe(false);
    expect(e.reasons[0]).toMatch(/weights \(756 GiB\).*32 GiB of HBM2 on tpu-v4/);
    expect(e.totalTimeS).toBeGreaterThan(0);
  });

  it('times a weight-bound matmul at the off-chip bandwidth and a large one at the compute peak', () => {
    const chip = getChipPreset('tpu-v4');
    const matmul = (m: number, k: number, n: number) => {
      const g = new GraphBuilder('mm');
      return g.build([g.add('MatMul', [g.input('x', [m, k]), g.weight('w', [k, n])])]);
    };
    // One row against 4096 x 4096 bf16 weights: 32 MiB over 1.2 TB/s ~ 28 us, memory-bound.
    const thin = estimateGraph(matmul(1, 4096, 4096), chip, { cores: 1 }).layers[0]!;
    expect(thin.bound).toBe('memory');
    expect(thin.timeS).toBeGreaterThan((4096 * 4096 * 2) / 1.2e12);
    expect(thin.timeS).toBeLessThan(1.2 * ((4096 * 4096 * 2) / 1.2e12));
    // 8192 rows: compute-bound near one core's four 128x128 units.
    const wide = estimateGraph(matmul(8192, 4096, 4096), chip, { cores: 1 }).layers[0]!;
    expect(wide.bound).toBe('compute');
    expect(wide.utilization).toBeGreaterThan(0.9);
  });

  it('reports a critical path no longer than the sum of layers', () => {
    const graph = buildZooModel('resnet50');
    const e = estimateGraph(graph, getChipPreset('tpu-v1'));
    const critical = criticalPathCycles(e, graph);
    expect(critical).toBeLessThanOrEqual(e.totalCycles);
    expect(critical).toBeGreaterThan(0.8 * e.totalCycles);
  });

  it('times a model the compiler cannot lower (MoE) from its GEMMs', () => {
    const e = estimateGraph(buildZooModel('mixtral-8x7b', { seq: 64 }), getChipPreset('tpu-v5p'));
    const moe = e.layers.find((l) => l.kind === 'opaque')!;
    expect(moe.note).toMatch(/GEMMs/);
    expect(moe.macs).toBeGreaterThan(0);
    expect(moe.cycles).toBeGreaterThan(0);
  });
});

describe('GPU tiling', () => {
  const h100 = getChipPreset('h100-sxm');
  const ctx = gpuContext(h100, 'bf16', 2);
  const gemm = (m: number, n: number, k: number) => gpuGemm(ctx, { batch: 1, m, n, k, weightsAreParameters: true });
  it('a large square GEMM keeps the tensor cores nearly busy', () => {
    const t = gemm(8192, 8192, 8192);
    expect(t.efficiency).toBeGreaterThan(0.9);
    const seconds = t.computeCycles / h100.clockHz;
    expect(seconds).toBeGreaterThan((2 * 8192 ** 3) / peakOpsPerS(h100, 'bf16'));
  });
  it('one wave plus one block takes two waves (wave quantization)', () => {
    // 132 SMs: 132 tiles of 128 x 256 fill one wave; 133 need a second wave of the big tile, or a
    // smaller tile with its own losses: either way far more than the 133/132 of the work.
    const one = gemm(128 * 132, 256, 4096);
    const two = gemm(128 * 133, 256, 4096);
    expect(two.computeCycles / one.computeCycles).toBeGreaterThan(1.1);
  });
  it('a skinny GEMM splits K rather than leave SMs idle', () => {
    const t = gemm(128, 256, 65536);
    // Without split-K a single block would run all 1024 k-steps alone.
    const alone = (Math.ceil(65536 / 64) * 128 * 256 * 64) / ctx.smMacsPerCycle;
    expect(t.computeCycles).toBeLessThan(alone / 4);
  });
});

describe('energy table', () => {
  it('prices an int8 MAC below a bf16 one at every node', () => {
    for (const node of [45, 28, 16, 7, 4])
      expect(energyTable(node).macPj('int8')).toBeLessThan(energyTable(node).macPj('bf16'));
  });
});

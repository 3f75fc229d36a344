/**
 * The KV-offload rows (validation/data/serving/vllm-kv-offloading-connector.yaml): `prefixSource: host` parses, maps
 * to the serving plan's KV-cache options, and the prediction is the prefix restored over the host link, then the
 * prefill of the tokens not restored; a bad source or a source without a hit rate is named.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import { predictRow, type RowPrediction } from './predict.js';
import { parseValidationFile } from './rows.js';
import type { ServeWorkload, ValidationRow } from './types.js';

const FILE = 'validation/data/serving/vllm-kv-offloading-connector.yaml';

function rows(): readonly ValidationRow[] {
  const parsed = parseValidationFile(readFileSync(FILE, 'utf8'), FILE);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  return parsed.value.rows;
}

function predicted(r: ValidationRow): number {
  const p: RowPrediction = predictRow(r);
  if (!p.ok) throw new Error(p.reason);
  return p.predicted;
}

function withWorkload(r: ValidationRow, w: Partial<ServeWorkload>): ValidationRow {
  return { ...r, workload: { ...(r.workload as ServeWorkload), ...w } };
}

describe('KV offload to host memory: the vLLM offloading-connector rows', () => {
  it('every row parses and is predicted', () => {
    const all = rows();
    expect(all).toHaveLength(5);
    for (const r of all) expect(predicted(r)).toBeGreaterThan(0);
  });

  it('the 100K CPU-load row: restore over PCIe (6249 blocks of 2 MiB at 52.5 GB/s DMA = 271 ms) plus the rest', () => {
    const r = rows().find((x) => x.id === 'vllm-kvoffload-llama31-8b-h100-100k-cpu-load-ttft')!;
    expect((r.workload as ServeWorkload).blockTokens).toBe(16);
    // 99,984 tokens / 16 = 6249 blocks, each 3.5 us of setup: 21.87 ms; 99,984 x 131,072 B / 52.5e9: 249.62 ms.
    const link = getChipPreset('h100-sxm').hostLink;
    const restoreS = (99984 * 131072) / link.sustainedBandwidthBytesPerS! + 6249 * link.dmaSetupNs! * 1e-9;
    expect(restoreS).toBeCloseTo(0.27149, 5);
    // The same cached share in HBM: only the 16-token prefill and the request's overhead.
    const inHbm = predicted(withWorkload(r, { prefixSource: 'hbm' }));
    expect(inHbm).toBeLessThan(0.03);
    expect(predicted(r) - inHbm).toBeCloseTo(restoreS, 9);
  });

  it('unpaged, the same restore is one copy: the per-block setup is what blockTokens adds', () => {
    const r = rows().find((x) => x.id === 'vllm-kvoffload-llama32-1b-h100-100k-cpu-load-dma-ttft')!;
    const { blockTokens: _b, ...unpaged } = r.workload as ServeWorkload;
    // 6249 blocks of 0.5 MiB: 6248 more setups of 3.5 us than one copy of the whole prefix.
    expect(predicted(r) - predicted({ ...r, workload: unpaged })).toBeCloseTo(6248 * 3.5e-6, 9);
  });

  it('a prefixSource without prefixHitRate, or an unknown one, is named with its path', () => {
    const r = rows()[0]!;
    const { prefixHitRate: _dropped, ...rest } = r.workload as ServeWorkload;
    const p = predictRow({ ...r, workload: rest });
    expect(p.ok).toBe(false);
    expect(p.ok ? '' : p.reason).toMatch(/workload\.prefixSource: host needs prefixHitRate/);
    const bad = readFileSync(FILE, 'utf8').replace('prefixSource: host', 'prefixSource: disk');
    const parsed = parseValidationFile(bad, 'bad.yaml');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.issues.map((i) => `${i.path} ${i.message}`).join('\n')).toMatch(/prefixSource/);
  });
});

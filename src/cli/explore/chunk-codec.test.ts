import { describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk } from './chunk-codec.js';
import type { ChunkColumns } from './chunk-columns.js';

const n = 5;
const columns: ChunkColumns = {
  chunk: 3,
  start: 30,
  length: n,
  knobs: {
    rows: { kind: 'number', values: Float64Array.from([64, 128, Number.NaN, -0, 512]) },
    flavour: { kind: 'label', codes: Uint32Array.from([0, 1, 2, 1, 0]), labels: ['small', 2048, -0] },
  },
  feasible: Uint8Array.from([1, 0, 1, 1, 0]),
  reasons: { kind: 'label', codes: Uint32Array.from([0, 1, 0, 0, 1]), labels: ['[]', '["too slow"]'] },
  objectives: { t: Float64Array.from([1e-3, Number.POSITIVE_INFINITY, 2.5e-4, 7, Number.NaN]) },
};

/** The same bytes starting at `shift` bytes into a fresh ArrayBuffer. */
function shifted(bytes: Buffer, shift: number): Buffer {
  const out = Buffer.from(new ArrayBuffer(bytes.length + shift), shift, bytes.length);
  bytes.copy(out);
  return out;
}

describe('chunk codec', () => {
  it('decodes aligned bytes as views on them, without copying the columns', () => {
    const bytes = shifted(encodeChunk(columns), 8);
    const decoded = decodeChunk(bytes);
    expect(decoded).toStrictEqual(columns);
    const rows = decoded.knobs.rows;
    expect(rows?.kind === 'number' && rows.values.buffer).toBe(bytes.buffer);
    expect(decoded.objectives.t?.buffer).toBe(bytes.buffer);
    expect(decoded.feasible.buffer).toBe(bytes.buffer);
  });

  it('copies bytes that start off an 8-byte boundary into aligned columns of their own', () => {
    for (const shift of [1, 3, 4]) {
      const bytes = shifted(encodeChunk(columns), shift);
      const decoded = decodeChunk(bytes);
      expect(decoded).toStrictEqual(columns);
      expect(decoded.objectives.t?.buffer).not.toBe(bytes.buffer);
    }
  });
});

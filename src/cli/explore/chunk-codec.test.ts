import { describe, expect, it } from 'vitest';
import { createChunkEncoder, decodeChunk, decodeChunkResult, encodeChunk, encodeChunkFailure } from './chunk-codec.js';
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

describe('chunk encoder that reuses its buffer', () => {
  it('gives the same bytes as encodeChunk for each chunk, whatever the chunk before it left behind', () => {
    const encode = createChunkEncoder();
    const m = 40;
    // Values whose bytes are all non-zero, so a padding byte left unwritten shows.
    const big: ChunkColumns = {
      ...columns,
      length: m,
      knobs: { rows: { kind: 'number', values: new Float64Array(m).fill(-0.1) } },
      feasible: new Uint8Array(m).fill(255),
      reasons: { kind: 'label', codes: new Uint32Array(m).fill(0x01010101), labels: ['[]'] },
      objectives: { t: new Float64Array(m).fill(0.1), u: new Float64Array(m).fill(-0.3) },
    };
    // A larger chunk first fills the buffer with non-zero bytes where the next chunk has padding.
    expect(Buffer.compare(encode(big), encodeChunk(big))).toBe(0);
    const bytes = encode(columns);
    expect(Buffer.compare(bytes, encodeChunk(columns))).toBe(0);
    expect(decodeChunk(shifted(bytes, 0))).toStrictEqual(columns);
  });
});

describe('chunk results on the done list', () => {
  it("tells a chunk's columns from the failure of its last try, with the range and reason", () => {
    expect(decodeChunkResult(shifted(encodeChunk(columns), 8))).toStrictEqual({ kind: 'columns', columns });
    const failure = { chunk: 3, start: 30, end: 35, message: 'synthetic failure at point 32' };
    expect(decodeChunkResult(encodeChunkFailure(failure))).toStrictEqual({ kind: 'failed', failure });
    expect(() => decodeChunkResult(Buffer.from('nonsense'))).toThrow(/not a tpusim chunk/);
  });
});

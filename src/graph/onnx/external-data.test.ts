import { describe, expect, it } from 'vitest';
import { formatIssues, issue, type Result } from '../../core/errors.js';
import type { Graph } from '../types.js';
import { externalLocationProblem, type ExternalDataReader, type ExternalDataRef } from './external-data.js';
import { importOnnx, type ImportOnnxOptions } from './import.js';
import { decodeOnnx, encodeOnnx, type OnnxModel, type OnnxTensor } from './onnx-model.js';
import { readTensor } from './onnx-tensor.js';
import { externalizeModel } from './test-support/external.js';
import { encoderLayerModel, mlpModel } from './test-support/onnx-models.js';

/** A reader over in-memory side files that records what it was asked for. */
function memoryReader(files: Readonly<Record<string, Uint8Array>>): ExternalDataReader & { calls: ExternalDataRef[] } {
  const calls: ExternalDataRef[] = [];
  const read = (ref: ExternalDataRef): Result<Uint8Array> => {
    calls.push(ref);
    const file = files[ref.location];
    if (!file) return { ok: false, issues: [issue('external_data', ref.tensor, `no file '${ref.location}'`)] };
    return { ok: true, value: file.subarray(ref.offset, ref.offset + ref.length) };
  };
  return Object.assign(read, { calls });
}

function imported(model: OnnxModel, options: ImportOnnxOptions = {}): Graph {
  const r = importOnnx(encodeOnnx(model), { fileName: 'm.onnx', ...options });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

function problems(model: OnnxModel, options: ImportOnnxOptions = {}): string {
  const r = importOnnx(encodeOnnx(model), { fileName: 'm.onnx', ...options });
  return r.ok ? '' : formatIssues(r.issues);
}

/** The model with its first initializer's external_data entries replaced. */
function withEntries(model: OnnxModel, entries: readonly { key: string; value: string }[]): OnnxModel {
  const [first, ...rest] = model.graph.initializers;
  const changed: OnnxTensor = { ...first!, externalData: entries };
  return { ...model, graph: { ...model.graph, initializers: [changed, ...rest] } };
}

describe('external data locations', () => {
  it('accepts plain relative paths in the model folder', () => {
    for (const ok of ['model.onnx.data', 'weights/w.bin', 'a b.bin', '..data'])
      expect(externalLocationProblem(ok)).toBeUndefined();
  });
  it("refuses absolute paths and '..'", () => {
    expect(externalLocationProblem('/etc/passwd')).toMatch(/absolute/);
    expect(externalLocationProblem('\\\\server\\share\\w.bin')).toMatch(/absolute/);
    expect(externalLocationProblem('C:\\w.bin')).toMatch(/absolute/);
    for (const bad of ['../w.bin', 'a/../../w.bin', '..\\w.bin', '..'])
      expect(externalLocationProblem(bad)).toMatch(/'\.\.'/);
    expect(externalLocationProblem('')).toMatch(/empty/);
  });
});

describe('importing a model with external data', () => {
  const inline = mlpModel();
  const { model, data } = externalizeModel(inline.model, 'mlp.onnx.data');

  it('round-trips the entries through the file format', () => {
    const decoded = decodeOnnx(encodeOnnx(model));
    expect(decoded.ok && decoded.value.graph.initializers[0]!.externalData).toEqual([
      { key: 'location', value: 'mlp.onnx.data' },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(64 * 128 * 4) },
    ]);
  });

  it('reads values through the reader and gives the graph the inline model gives', () => {
    const reader = memoryReader({ 'mlp.onnx.data': data });
    expect(imported(model, { readExternalData: reader })).toEqual(imported(inline.model));
    expect(reader.calls.map((c) => c.tensor)).toEqual(inline.model.graph.initializers.map((t) => t.name));
  });

  it('for timing only reads no weights, yet has every shape, type and kind', () => {
    const reader = memoryReader({});
    const timed = imported(model, { weights: 'shapes', readExternalData: reader });
    expect(reader.calls).toEqual([]);
    const full = imported(inline.model);
    const strip = (g: Graph): Graph => ({
      ...g,
      tensors: Object.fromEntries(Object.entries(g.tensors).map(([n, { data: _, ...t }]) => [n, t])),
    });
    expect(timed).toEqual(strip(full));
    expect(Object.values(timed.tensors).filter((t) => t.kind === 'weight')).toHaveLength(6);
  });

  it('for timing only still reads the small constants that shapes are computed from', () => {
    const encoder = encoderLayerModel();
    const ext = externalizeModel(encoder.model, 'enc.data');
    const reader = memoryReader({ 'enc.data': ext.data });
    const timed = imported(ext.model, { weights: 'shapes', readExternalData: reader });
    expect(reader.calls.map((c) => c.tensor).sort()).toEqual([
      '/attention/self/axes',
      '/attention/self/ends',
      '/attention/self/starts',
      'onnx::Reshape_201',
      'onnx::Reshape_202',
    ]);
    expect(timed.tensors['output']!.shape).toEqual([2, 16, 64]);
    expect(timed.nodes.map((n) => n.name)).toEqual(imported(encoder.model).nodes.map((n) => n.name));
  });

  it('without a reader, asks for the values where they are needed', () => {
    expect(problems(model)).toMatch(
      /m\.onnx:graph\.initializer\[0\]: tensor 'fc1\.weight'.*stored outside the model, in 'mlp\.onnx\.data'/,
    );
  });

  it("refuses locations that leave the model's folder, even for timing only", () => {
    for (const location of ['../mlp.onnx.data', '/tmp/mlp.onnx.data']) {
      const bad = withEntries(model, [{ key: 'location', value: location }]);
      for (const weights of ['values', 'shapes'] as const) {
        const reader = memoryReader({});
        expect(problems(bad, { weights, readExternalData: reader })).toContain(
          `m.onnx:graph.initializer[0]: tensor 'fc1.weight': external data location '${location}'`,
        );
        expect(reader.calls.map((c) => c.tensor)).not.toContain('fc1.weight');
      }
    }
  });

  it('checks offset and length against the tensor', () => {
    const length = String(64 * 128 * 4);
    const cases: [readonly { key: string; value: string }[], RegExp][] = [
      [[{ key: 'offset', value: '0' }], /no 'location' entry/],
      [
        [
          { key: 'location', value: 'mlp.onnx.data' },
          { key: 'offset', value: '-4' },
        ],
        /offset '-4' is not a whole number of bytes/,
      ],
      [
        [
          { key: 'location', value: 'mlp.onnx.data' },
          { key: 'length', value: '12' },
        ],
        /length is 12 bytes, but dims \[128, 64\] of float need 32768/,
      ],
      [
        [
          { key: 'location', value: 'mlp.onnx.data' },
          { key: 'offset', value: String(data.length) },
          { key: 'length', value: length },
        ],
        /gave 0 bytes at offset \d+; the tensor needs 32768/,
      ],
    ];
    for (const [entries, message] of cases)
      expect(
        problems(withEntries(model, entries), { readExternalData: memoryReader({ 'mlp.onnx.data': data }) }),
      ).toMatch(message);
    // Without offset and length: offset 0, and the length the dims need.
    expect(
      problems(withEntries(model, [{ key: 'location', value: 'mlp.onnx.data' }]), {
        readExternalData: memoryReader({ 'mlp.onnx.data': data }),
      }),
    ).toBe('');
  });

  it("passes on the reader's problem with the tensor's place", () => {
    expect(problems(model, { readExternalData: memoryReader({}) })).toMatch(
      /m\.onnx:graph\.initializer\[0\]: tensor 'fc1\.weight': no file 'mlp\.onnx\.data'/,
    );
  });

  it('reports data_location EXTERNAL without entries', () => {
    const reported: string[] = [];
    readTensor({ name: 'w', data_type: 1, dims: [2], data_location: 1 }, (_code, message) => reported.push(message));
    expect(reported).toEqual([
      "tensor 'w' has data_location EXTERNAL but no external_data entries saying where its values are",
    ]);
  });
});

/**
 * Issue 17: what torch.onnx.export writes for nn.TransformerEncoder (batch_first, opset 13) imports, and
 * its fp32 reference matches onnxruntime. The fused QKV projection is cut by a Slice chain whose end is
 * an integer Div ((3 d + 2) / 3): read as a float division it gave (seq, 1, d + 1) slices.
 */
import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../core/errors.js';
import { evaluateGraph } from '../evaluate.js';
import { importOnnx } from './import.js';
import { randomInput, relativeError, runOrt } from './test-support/ort.js';
import { torchEncoderModel } from './test-support/torch-encoder.js';

/** Same as the other importer tests: fp32 per-op rounding against onnxruntime's kernels. */
const TOLERANCE = 1e-4;

describe('torch nn.TransformerEncoderLayer export (opset 13, fused QKV split by Slice)', () => {
  it('imports the reported d_model 256, 4 heads, seq 32 model with (32, 4, 64) heads', () => {
    const fixture = torchEncoderModel({ batch: 1, seq: 32, dModel: 256, heads: 4, ff: 512 });
    const imported = importOnnx(fixture.bytes, { fileName: 'encoder.onnx' });
    if (!imported.ok) throw new Error(formatIssues(imported.issues));
    const graph = imported.value;
    const slices = ['Slice', 'Slice_1', 'Slice_2'].map(
      (s) => graph.tensors[`/layers.0/self_attn/${s}_output_0`]!.shape,
    );
    expect(slices).toEqual([
      [32, 1, 256],
      [32, 1, 256],
      [32, 1, 256],
    ]);
    expect(graph.tensors['/layers.0/self_attn/Reshape_output_0']!.shape).toEqual([32, 4, 64]);
    expect(graph.tensors['y']!.shape).toEqual([1, 32, 256]);
  });

  it(`matches onnxruntime within ${TOLERANCE} of max |output| (batch 2, d_model 32, 4 heads)`, async () => {
    const fixture = torchEncoderModel({ batch: 2, seq: 8, dModel: 32, heads: 4, ff: 64 });
    const imported = importOnnx(fixture.bytes);
    if (!imported.ok) throw new Error(formatIssues(imported.issues));
    const x = randomInput([2, 8, 32], 11);
    const reference = await runOrt(fixture.bytes, { x: { data: x, shape: [2, 8, 32] } });
    const ours = evaluateGraph(imported.value, { x });
    expect(relativeError(ours.get('y')!, reference['y']!)).toBeLessThan(TOLERANCE);
  });
});

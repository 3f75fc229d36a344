/**
 * nn.TransformerEncoderLayer(batch_first=True, post-norm, ReLU) as torch 1.13's torch.onnx.export writes
 * it at opset 13 (checked node by node against a real export): the fused QKV projection is one MatMul to
 * 3 d_model, split by `prim::ConstantChunk`'s pattern (Shape, Gather, Add chunks - 1, integer Div by
 * chunks, Mul, three Slices), heads by Reshape to (seq, batch heads, head) and Transposes, LayerNorm
 * spelled out as ReduceMean/Sub/Pow/Sqrt/Div/Mul/Add.
 */
import { encodeOnnx } from '../onnx-model.js';
import { FixtureBuilder, float, int, ints, type OnnxFixture } from './onnx-models.js';

export interface EncoderShape {
  readonly batch: number;
  readonly seq: number;
  readonly dModel: number;
  readonly heads: number;
  readonly ff: number;
}

/** torch's exported LayerNorm over the last axis (opset < 17 has no LayerNormalization). */
function layerNorm(b: FixtureBuilder, x: string, scope: string, d: number): string {
  const p = `/${scope.replace('.norm', '/norm')}`;
  const centred = b.node('Sub', `${p}/Sub`, [x, b.node('ReduceMean', `${p}/ReduceMean`, [x], [ints('axes', [-1])])]);
  const squared = b.node('Pow', `${p}/Pow`, [centred, b.constant('float', [], [2], p)]);
  const variance = b.node('ReduceMean', `${p}/ReduceMean_1`, [squared], [ints('axes', [-1])]);
  const std = b.node('Sqrt', `${p}/Sqrt`, [b.node('Add', `${p}/Add`, [variance, b.constant('float', [], [1e-5], p)])]);
  const scaled = b.node('Mul', `${p}/Mul`, [
    b.node('Div', `${p}/Div`, [centred, std]),
    b.uniform(`${scope}.weight`, [d], 0.8, 1.2),
  ]);
  return b.node('Add', `${p}/Add_1`, [scaled, b.uniform(`${scope}.bias`, [d], -0.1, 0.1)]);
}

/** MatMul by the transposed weight plus bias, as torch exports a Linear on rank-3 inputs. */
function linear(b: FixtureBuilder, x: string, scope: string, inF: number, outF: number, id: number): string {
  const path = `/${scope.replace('.linear', '/linear')}`;
  const product = b.node('MatMul', `${path}/MatMul`, [x, b.param(`onnx::MatMul_${id}`, [inF, outF], inF)]);
  return b.node('Add', `${path}/Add`, [b.param(`${scope}.bias`, [outF], inF), product]);
}

/** The fused projection cut in three by prim::ConstantChunk(3, dim -1). */
function chunk3(b: FixtureBuilder, qkv: string, p: string): string[] {
  const axis = b.constant('int64', [1], [-1], p);
  const size = b.node('Gather', `${p}/Gather`, [b.node('Shape', `${p}/Shape`, [qkv]), axis], [int('axis', 0)]);
  let start = b.constant('int64', [1], [0], p);
  const chunkSize = b.node('Div', `${p}/Div`, [
    b.node('Add', `${p}/Add_1`, [size, b.constant('int64', [1], [2], p)]),
    b.constant('int64', [1], [3], p),
  ]);
  return [1, 2, 3].map((i) => {
    const suffix = i === 1 ? '' : `_${i - 1}`;
    const end = b.node('Mul', `${p}/Mul${suffix}`, [chunkSize, b.constant('int64', [1], [i], p)]);
    const part = b.node('Slice', `${p}/Slice${suffix}`, [qkv, start, end, axis]);
    start = end;
    return part;
  });
}

function selfAttention(b: FixtureBuilder, x: string, s: EncoderShape): string {
  const p = '/layers.0/self_attn';
  const { batch, seq, dModel: d, heads } = s;
  const head = d / heads;
  const seqFirst = b.node('Transpose', `${p}/Transpose`, [x], [ints('perm', [1, 0, 2])]);
  const projected = b.node('MatMul', `${p}/MatMul`, [seqFirst, b.param('onnx::MatMul_245', [d, 3 * d], d)]);
  const qkv = b.node('Add', `${p}/Add`, [b.uniform('layers.0.self_attn.in_proj_bias', [3 * d], -0.1, 0.1), projected]);
  const [q, k, v] = chunk3(b, qkv, p);
  const split = (t: string, n: string): string =>
    b.node('Reshape', `${p}/Reshape${n}`, [t, b.constant('int64', [3], [seq, batch * heads, head], p)]);
  const qh = b.node('Transpose', `${p}/Transpose_1`, [split(q!, '')], [ints('perm', [1, 0, 2])]);
  const kh = split(k!, '_1');
  const vh = b.node('Transpose', `${p}/Transpose_2`, [split(v!, '_2')], [ints('perm', [1, 0, 2])]);
  const scaled = b.node('Div', `${p}/Div_1`, [qh, b.constant('float', [], [Math.sqrt(head)], p)]);
  const scores = b.node('MatMul', `${p}/MatMul_1`, [
    scaled,
    b.node('Transpose', `${p}/Transpose_3`, [kh], [ints('perm', [1, 2, 0])]),
  ]);
  const probs = b.node('Softmax', `${p}/Softmax`, [scores], [int('axis', -1)]);
  const context = b.node(
    'Transpose',
    `${p}/Transpose_4`,
    [b.node('MatMul', `${p}/MatMul_2`, [probs, vh])],
    [ints('perm', [1, 0, 2])],
  );
  const rows = b.node('Reshape', `${p}/Reshape_3`, [context, b.constant('int64', [2], [seq * batch, d], p)]);
  const w = b.param('layers.0.self_attn.out_proj.weight', [d, d], d);
  const out = b.node(
    'Gemm',
    `${p}/Gemm`,
    [rows, w, b.param('layers.0.self_attn.out_proj.bias', [d], d)],
    [float('alpha', 1), float('beta', 1), int('transB', 1)],
  );
  const back = b.node('Reshape', `${p}/Reshape_4`, [out, b.constant('int64', [3], [seq, batch, d], p)]);
  return b.node('Transpose', `${p}/Transpose_5`, [back], [ints('perm', [1, 0, 2])]);
}

/** x [batch, seq, d_model] -> one encoder layer -> y, opset 13. */
export function torchEncoderModel(shape: EncoderShape, seed = 5): OnnxFixture {
  const b = new FixtureBuilder(seed);
  const x = 'x';
  const h = layerNorm(
    b,
    b.node('Add', '/layers.0/Add', [x, selfAttention(b, x, shape)]),
    'layers.0.norm1',
    shape.dModel,
  );
  const inner = b.node('Relu', '/layers.0/Relu', [linear(b, h, 'layers.0.linear1', shape.dModel, shape.ff, 265)]);
  const out = b.node('Add', '/layers.0/Add_1', [h, linear(b, inner, 'layers.0.linear2', shape.ff, shape.dModel, 266)]);
  const y = layerNorm(b, out, 'layers.0.norm2', shape.dModel);
  b.node('Identity', 'Identity_y', [y], [], 'y');
  const dims = [shape.batch, shape.seq, shape.dModel];
  const fixture = b.model([{ name: x, shape: dims }], [{ name: 'y', shape: dims }]);
  const model = { ...fixture.model, opsetImports: [{ domain: '', version: 13 }] };
  return { ...fixture, model, bytes: encodeOnnx(model) };
}

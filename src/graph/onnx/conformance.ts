/**
 * ONNX's backend node tests (onnx/backend/test/data/node/<test>: model.onnx, test_data_set_0/input_*.pb,
 * output_*.pb) run through tpusim's importer and fp32 reference evaluator. Browser-safe: the caller reads
 * the files (scripts/onnx-conformance.mjs, the conformance test) and passes their bytes.
 *
 * tpusim needs static shapes, so inputs that are integers or bools (shapes, axes, indices, masks) are
 * bound as constants with the test's values; when an op still wants a float input as a constant (Resize's
 * scales, Clip's bounds) every input is bound, and the op is then evaluated while folding constants.
 */
import { formatIssues, type Issue } from '../../core/errors.js';
import { evaluateGraph } from '../evaluate.js';
import { opDef } from '../ops/registry.js';
import { elementCount, type Graph } from '../types.js';
import { onnxToGraph } from './import.js';
import { decodeOnnx, tensorValues, type OnnxDataType, type OnnxModel, type OnnxTensor } from './onnx-model.js';
import { TENSOR } from './onnx-schema.js';
import { readTensor } from './onnx-tensor.js';
import { decodeMessage } from './protobuf.js';

/**
 * |actual - expected| <= atol + rtol |expected|, per element: ONNX's own backend runner's rtol (1e-3); its
 * atol (1e-7) is raised to 1e-5 because tpusim reads double tensors as fp32.
 */
export const CONFORMANCE_TOLERANCE = { rtol: 1e-3, atol: 1e-5 } as const;

export interface NodeTestCase {
  readonly name: string;
  readonly model: Uint8Array;
  /** input_<i>.pb and output_<i>.pb of test_data_set_0, in index order. */
  readonly inputs: readonly Uint8Array[];
  readonly outputs: readonly Uint8Array[];
}

export type NodeTestStatus = 'pass' | 'fail' | 'unsupported';

export interface NodeTestResult {
  readonly name: string;
  /** Op types of the model's nodes (more than one for the `_expanded` function-body tests). */
  readonly ops: readonly string[];
  readonly status: NodeTestStatus;
  /** Why it failed or is unsupported. */
  readonly reason?: string;
}

/** Issue codes that mean "tpusim does not read this" rather than "tpusim read it wrong". */
const UNSUPPORTED_CODES: ReadonlySet<string> = new Set([
  'unsupported_op',
  'unsupported_data_type',
  'unsupported_domain',
  'unsupported_attribute',
  'old_opset',
  'unsupported',
  'external_data',
]);

const result = (name: string, ops: readonly string[], status: NodeTestStatus, reason?: string): NodeTestResult =>
  reason === undefined ? { name, ops, status } : { name, ops, status, reason };

/** A test's tensor; onnx 1.12's generators store bfloat16 data as uint16 bit patterns, read back as bfloat16. */
function readPb(bytes: Uint8Array, what: string, declared: OnnxDataType | undefined): OnnxTensor | string {
  const message = decodeMessage(bytes, TENSOR, what);
  if (!message.ok) return formatIssues(message.issues);
  const problems: string[] = [];
  const tensor = readTensor(message.value, (_code, text) => problems.push(text));
  if (problems.length > 0) return `${what}: ${problems.join('; ')} (not a plain tensor: a sequence or optional value?)`;
  return declared === 'bfloat16' && tensor.dataType === 'uint16' ? { ...tensor, dataType: 'bfloat16' } : tensor;
}

const isInteger = (t: OnnxTensor): boolean => !['float', 'double', 'float16', 'bfloat16'].includes(t.dataType);

/**
 * The model with the test data's dims on its inputs, and some inputs turned into initializers holding the test's
 * values.
 */
function bindInputs(
  model: OnnxModel,
  tensors: readonly OnnxTensor[],
  bind: (t: OnnxTensor, name: string) => boolean,
): OnnxModel {
  const bound = model.graph.inputs.flatMap((v, i) =>
    tensors[i] && bind(tensors[i], v.name) ? [{ ...tensors[i], name: v.name }] : [],
  );
  const inputs = model.graph.inputs.map((v, i) => (tensors[i] ? { ...v, shape: [...tensors[i].dims] } : v));
  return { ...model, graph: { ...model.graph, inputs, initializers: [...model.graph.initializers, ...bound] } };
}

const needsConstant = (issues: readonly Issue[]): boolean =>
  issues.some((i) => i.message.includes('must be a constant known when the graph is built'));

/** A node test imported: the graph, its feeds by input name, and the expected outputs in order. */
export interface LoadedNodeTest {
  readonly ops: readonly string[];
  readonly graph: Graph;
  readonly feeds: Readonly<Record<string, Float64Array>>;
  readonly expected: readonly OnnxTensor[];
}

/**
 * Decodes and imports one node test, or says why it cannot be (a result with status unsupported or fail);
 * never throws. `weightsBound`: float inputs that are a Conv's or Gemm's weights or bias (or a
 * LayerNormalization's scale and bias) are bound as initializers too (a compiled program takes its
 * weights as parameters).
 */
export function loadNodeTest(
  test: NodeTestCase,
  options: { readonly weightsBound?: boolean } = {},
): LoadedNodeTest | NodeTestResult {
  const decoded = decodeOnnx(test.model, `${test.name}/model.onnx`);
  if (!decoded.ok) return result(test.name, [], 'unsupported', formatIssues(decoded.issues));
  const model = decoded.value;
  const ops = [...new Set(model.graph.nodes.map((n) => n.opType))];
  const missing = ops.filter((op) => op !== 'Constant' && !opDef(op));
  if (missing.length > 0)
    return result(test.name, ops, 'unsupported', `op ${missing.join(', ')} is not in tpusim's registry`);
  const declared = (list: OnnxModel['graph']['inputs'], i: number) => list[i]?.elemType;
  const tensors = test.inputs.map((bytes, i) => readPb(bytes, `input_${i}.pb`, declared(model.graph.inputs, i)));
  const expected = test.outputs.map((bytes, i) => readPb(bytes, `output_${i}.pb`, declared(model.graph.outputs, i)));
  const unreadable = [...tensors, ...expected].find((t): t is string => typeof t === 'string');
  if (unreadable !== undefined) return result(test.name, ops, 'unsupported', unreadable);
  const inputs = tensors as OnnxTensor[];
  const weights = new Set(
    options.weightsBound
      ? model.graph.nodes
          .filter((n) => n.opType === 'Conv' || n.opType === 'Gemm' || n.opType === 'LayerNormalization')
          .flatMap((n) => n.inputs.slice(1))
      : [],
  );
  let imported = onnxToGraph(
    bindInputs(model, inputs, (t, name) => isInteger(t) || weights.has(name)),
    { fileName: test.name },
  );
  if (!imported.ok && needsConstant(imported.issues))
    imported = onnxToGraph(
      bindInputs(model, inputs, () => true),
      { fileName: test.name },
    );
  if (!imported.ok) {
    const status = imported.issues.every((i) => UNSUPPORTED_CODES.has(i.code)) ? 'unsupported' : 'fail';
    return result(test.name, ops, status, formatIssues(imported.issues));
  }
  const graph = imported.value;
  try {
    const feeds = Object.fromEntries(
      graph.inputs.map((name) => [name, valuesOf(inputs[model.graph.inputs.findIndex((v) => v.name === name)]!)]),
    );
    return { ops, graph, feeds, expected: expected as OnnxTensor[] };
  } catch (error) {
    return result(test.name, ops, 'fail', error instanceof Error ? error.message : String(error));
  }
}

/** Runs one node test; never throws. */
export function runNodeTest(test: NodeTestCase, tolerance = CONFORMANCE_TOLERANCE): NodeTestResult {
  const loaded = loadNodeTest(test);
  if ('status' in loaded) return loaded;
  const { ops, graph, expected } = loaded;
  try {
    const outputs = evaluateGraph(graph, loaded.feeds);
    const problems = graph.outputs.flatMap((name, i) =>
      compare(name, graph.tensors[name]!.shape, outputs.get(name)!, expected[i]!, tolerance),
    );
    return problems.length > 0 ? result(test.name, ops, 'fail', problems.join('; ')) : result(test.name, ops, 'pass');
  } catch (error) {
    return result(test.name, ops, 'fail', error instanceof Error ? error.message : String(error));
  }
}

/** A tensor's values as numbers (throws when its type cannot be read). */
export function valuesOf(t: OnnxTensor): Float64Array {
  const values = tensorValues(t);
  if (!values.ok) throw new Error(formatIssues(values.issues));
  return values.value;
}

function compare(
  name: string,
  shape: readonly number[],
  actual: Float64Array,
  expected: OnnxTensor,
  tolerance: typeof CONFORMANCE_TOLERANCE,
): string[] {
  if (shape.length !== expected.dims.length || shape.some((d, i) => d !== expected.dims[i])) {
    return [`output '${name}' has shape (${shape.join(', ')}), expected (${expected.dims.join(', ')})`];
  }
  const want = valuesOf(expected);
  if (actual.length !== elementCount(expected.dims))
    return [`output '${name}' has ${actual.length} values, expected ${want.length}`];
  let worst = -1;
  let excess = 0;
  want.forEach((w, i) => {
    const a = actual[i]!;
    if (a === w || (Number.isNaN(w) && Number.isNaN(a))) return;
    const over = Math.abs(a - w) - (tolerance.atol + tolerance.rtol * Math.abs(w));
    if (!(over <= 0) && (worst < 0 || !(over <= excess))) [worst, excess] = [i, over];
  });
  if (worst < 0) return [];
  return [
    `output '${name}' element ${worst} is ${actual[worst]}, expected ${want[worst]} (beyond atol ` +
      `${tolerance.atol} + rtol ${tolerance.rtol})`,
  ];
}

export interface OpTally {
  readonly op: string;
  readonly pass: number;
  readonly fail: number;
  readonly unsupported: number;
  /** Failing and unsupported tests with their reasons. */
  readonly problems: readonly { readonly name: string; readonly status: NodeTestStatus; readonly reason: string }[];
}

/**
 * Counts per op: a single-op test counts for its op; an `_expanded` test (the op's function body) counts
 * for the op of the test it expands, as `Op (expanded)`.
 */
export function tallyByOp(results: readonly NodeTestResult[]): OpTally[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  const opOf = (r: NodeTestResult): string => {
    const own = r.ops.filter((op) => op !== 'Constant');
    if (own.length === 1) return own[0]!;
    const twin = r.name.endsWith('_expanded') ? byName.get(r.name.slice(0, -'_expanded'.length)) : undefined;
    if (twin && twin.ops.length === 1) return `${twin.ops[0]} (expanded)`;
    return own.join('+') || '(no op)';
  };
  const groups = new Map<string, NodeTestResult[]>();
  for (const r of results) groups.set(opOf(r), [...(groups.get(opOf(r)) ?? []), r]);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([op, rs]) => ({
      op,
      pass: rs.filter((r) => r.status === 'pass').length,
      fail: rs.filter((r) => r.status === 'fail').length,
      unsupported: rs.filter((r) => r.status === 'unsupported').length,
      problems: rs
        .filter((r) => r.status !== 'pass')
        .map((r) => ({ name: r.name, status: r.status, reason: r.reason ?? '' })),
    }));
}

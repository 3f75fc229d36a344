/**
 * ONNX's backend node tests: every test in test/fixtures/onnx-conformance/passing.json (written by
 * `node scripts/onnx-conformance.mjs --write-passing`) must keep passing. The data (27 MB) is generated
 * from Debian's python3-onnx by scripts/onnx-node-tests.py, in a few seconds; without it that part skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_TOLERANCE, runNodeTest, tallyByOp, type NodeTestCase } from './conformance.js';
import { encodeOnnx, makeTensor, type OnnxModel } from './onnx-model.js';
import { TENSOR } from './onnx-schema.js';
import { tensorToProto } from './onnx-tensor.js';
import { encodeMessage } from './protobuf-writer.js';

const root = join(import.meta.dirname, '../../..');
const golden = JSON.parse(readFileSync(join(root, 'test/fixtures/onnx-conformance/passing.json'), 'utf8')) as {
  tolerance: typeof CONFORMANCE_TOLERANCE;
  passing: string[];
};

const pb = (name: string, values: readonly number[], dims = [values.length]): Uint8Array =>
  encodeMessage(tensorToProto(makeTensor(name, 'float', dims, values)), TENSOR);

function addTest(op: string, expected: readonly number[]): NodeTestCase {
  const info = (name: string) => ({ name, elemType: 'float' as const, shape: [2] });
  const model: OnnxModel = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    graph: {
      name: 'g',
      nodes: [{ name: 'n', opType: op, domain: '', inputs: ['a', 'b'], outputs: ['y'], attributes: [] }],
      initializers: [],
      inputs: [info('a'), info('b')],
      outputs: [info('y')],
      valueInfo: [],
    },
  };
  return {
    name: `test_${op.toLowerCase()}`,
    model: encodeOnnx(model),
    inputs: [pb('a', [1, 2]), pb('b', [10, 20])],
    outputs: [pb('y', expected)],
  };
}

describe('runNodeTest', () => {
  it('passes a right answer, fails a wrong one, and calls an unknown op unsupported', () => {
    expect(runNodeTest(addTest('Add', [11, 22]))).toEqual({ name: 'test_add', ops: ['Add'], status: 'pass' });
    const wrong = runNodeTest(addTest('Add', [11, 23]));
    expect(wrong.status).toBe('fail');
    expect(wrong.reason).toContain("output 'y' element 1 is 22, expected 23");
    const unknown = runNodeTest(addTest('BitShift', [0, 0]));
    expect(unknown).toMatchObject({ status: 'unsupported', reason: "op BitShift is not in tpusim's registry" });
  });

  it('tallies per op', () => {
    const results = [
      runNodeTest(addTest('Add', [11, 22])),
      runNodeTest(addTest('Add', [0, 0])),
      runNodeTest(addTest('BitShift', [0, 0])),
    ];
    expect(tallyByOp(results).map(({ op, pass, fail, unsupported }) => ({ op, pass, fail, unsupported }))).toEqual([
      { op: 'Add', pass: 1, fail: 1, unsupported: 0 },
      { op: 'BitShift', pass: 0, fail: 0, unsupported: 1 },
    ]);
  });
});

const python = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' });
const haveOnnx = python.status === 0;
if (!haveOnnx)
  console.warn(
    'ONNX node tests skipped: /usr/bin/python3 cannot import onnx (apt-get install python3-onnx); the passing ' +
      'set is not checked',
  );

describe.skipIf(!haveOnnx)("ONNX's backend node tests (python3-onnx)", () => {
  const dir = haveOnnx ? mkdtempSync(join(tmpdir(), 'onnx-node-tests-')) : '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    `every test of the passing set (${golden.passing.length}) passes within atol ` +
      `${CONFORMANCE_TOLERANCE.atol} + rtol ${CONFORMANCE_TOLERANCE.rtol}`,
    () => {
      expect(golden.tolerance).toEqual(CONFORMANCE_TOLERANCE);
      const made = spawnSync('/usr/bin/python3', [join(root, 'scripts/onnx-node-tests.py'), dir], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      const nodeDir = join(dir, 'node');
      const read = (data: string, prefix: string): Uint8Array[] =>
        readdirSync(data)
          .filter((f) => f.startsWith(prefix))
          .sort((a, b) => parseInt(a.slice(prefix.length), 10) - parseInt(b.slice(prefix.length), 10))
          .map((f) => readFileSync(join(data, f)));
      const failures = golden.passing.flatMap((name) => {
        const data = join(nodeDir, name, 'test_data_set_0');
        const result = runNodeTest({
          name,
          model: readFileSync(join(nodeDir, name, 'model.onnx')),
          inputs: read(data, 'input_'),
          outputs: read(data, 'output_'),
        });
        return result.status === 'pass' ? [] : [`${name}: ${result.status}: ${result.reason}`];
      });
      expect(failures).toEqual([]);
    },
  );
});

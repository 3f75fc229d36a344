/**
 * ONNX's backend node tests compiled for tpu-v4 in bf16 and run on the simulator: every test in
 * test/fixtures/onnx-conformance/chip-passing.json (written by `node scripts/onnx-conformance.mjs
 * --write-chip-passing`) must keep passing. The data is generated from Debian's python3-onnx
 * (scripts/onnx-node-tests.py); without it that part skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getChipPreset } from '../arch/presets/index.js';
import type { NodeTestCase } from '../graph/onnx/conformance.js';
import { encodeOnnx, makeTensor, type OnnxModel } from '../graph/onnx/onnx-model.js';
import { TENSOR } from '../graph/onnx/onnx-schema.js';
import { tensorToProto } from '../graph/onnx/onnx-tensor.js';
import { encodeMessage } from '../graph/onnx/protobuf-writer.js';
import { CHIP_CONFORMANCE_TOLERANCE, relativeL2, runNodeTestOnChip } from './node-test-chip.js';

const root = join(import.meta.dirname, '../..');
const golden = JSON.parse(readFileSync(join(root, 'test/fixtures/onnx-conformance/chip-passing.json'), 'utf8')) as {
  chip: string;
  tolerance: typeof CHIP_CONFORMANCE_TOLERANCE;
  passing: string[];
};
const chip = getChipPreset('tpu-v4')!;

const pb = (name: string, values: readonly number[]): Uint8Array =>
  encodeMessage(tensorToProto(makeTensor(name, 'float', [values.length], values)), TENSOR);

function nodeTest(op: string, inputs: readonly (readonly number[])[], expected: readonly number[]): NodeTestCase {
  const names = inputs.map((_, i) => `x${i}`);
  const info = (name: string) => ({ name, elemType: 'float' as const, shape: [expected.length] });
  const model: OnnxModel = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    graph: {
      name: 'g',
      nodes: [{ name: 'n', opType: op, domain: '', inputs: names, outputs: ['y'], attributes: [] }],
      initializers: [],
      inputs: names.map(info),
      outputs: [info('y')],
      valueInfo: [],
    },
  };
  return {
    name: `test_${op.toLowerCase()}`,
    model: encodeOnnx(model),
    inputs: inputs.map((v, i) => pb(names[i]!, v)),
    outputs: [pb('y', expected)],
  };
}

describe('runNodeTestOnChip', () => {
  it('passes a right answer, fails a wrong one, and says why the compiler refuses a test', () => {
    expect(
      runNodeTestOnChip(
        nodeTest(
          'Add',
          [
            [1, 2],
            [10, 20],
          ],
          [11, 22],
        ),
        chip,
      ),
    ).toEqual({ name: 'test_add', ops: ['Add'], status: 'pass' });
    const wrong = runNodeTestOnChip(
      nodeTest(
        'Add',
        [
          [1, 2],
          [10, 20],
        ],
        [11, 30],
      ),
      chip,
    )!;
    expect(wrong).toMatchObject({ status: 'fail' });
    expect(wrong.reason).toMatch(/^output 'y' relative L2 error 0\.2\d* > 0\.02$/);
    // A three-input Max is refused (the vector unit's max takes two), not run with its third input dropped.
    const max3 = runNodeTestOnChip(
      nodeTest(
        'Max',
        [
          [1, 5],
          [4, 2],
          [3, 9],
        ],
        [4, 9],
      ),
      chip,
    )!;
    expect(max3).toMatchObject({
      status: 'unsupported',
      reason:
        "node 'n' (Max): Max of 3 inputs is not supported; the vector unit's max takes 2 (chain 2 two-input Max nodes)",
    });
  });

  it('measures the relative L2 error (absolute against zeros)', () => {
    expect(relativeL2([3, 4], [3, 4])).toBe(0);
    expect(relativeL2([3, 5], [3, 4])).toBeCloseTo(1 / 5, 12);
    expect(relativeL2([0.5, 0], [0, 0])).toBe(0.5);
  });
});

const haveOnnx = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
if (!haveOnnx)
  console.warn(
    'ONNX node tests on the chip skipped: /usr/bin/python3 cannot import onnx (apt-get install python3-onnx)',
  );

describe.skipIf(!haveOnnx)("ONNX's backend node tests on tpu-v4 in bf16 (python3-onnx)", () => {
  const dir = haveOnnx ? mkdtempSync(join(tmpdir(), 'onnx-node-tests-chip-')) : '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    `every test of the passing set (${golden.passing.length}) passes within relative L2 ` +
      `${CHIP_CONFORMANCE_TOLERANCE.relativeL2}`,
    () => {
      expect(golden.chip).toBe('tpu-v4');
      expect(golden.tolerance).toEqual(CHIP_CONFORMANCE_TOLERANCE);
      const made = spawnSync('/usr/bin/python3', [join(root, 'scripts/onnx-node-tests.py'), dir], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      const read = (data: string, prefix: string): Uint8Array[] =>
        readdirSync(data)
          .filter((f) => f.startsWith(prefix))
          .sort((a, b) => parseInt(a.slice(prefix.length), 10) - parseInt(b.slice(prefix.length), 10))
          .map((f) => readFileSync(join(data, f)));
      const failures = golden.passing.flatMap((name) => {
        const data = join(dir, 'node', name, 'test_data_set_0');
        const result = runNodeTestOnChip(
          {
            name,
            model: readFileSync(join(dir, 'node', name, 'model.onnx')),
            inputs: read(data, 'input_'),
            outputs: read(data, 'output_'),
          },
          chip,
        );
        return result?.status === 'pass'
          ? []
          : [`${name}: ${result?.status ?? 'not imported'}: ${result?.reason ?? ''}`];
      });
      expect(failures).toEqual([]);
    },
  );
});

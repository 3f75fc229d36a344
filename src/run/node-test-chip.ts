/**
 * ONNX's backend node tests through the compiled program: each test the importer reads is compiled
 * for a chip (bf16 on tpu-v4 by default), run on the chip simulator, and compared with the test's
 * expected outputs at a bf16 tolerance (graph/onnx/conformance.ts runs the fp32 reference evaluator).
 * A test the compiler refuses is `unsupported` with the compiler's reason; a wrong answer, a verifier
 * issue or a crash is `fail` (each a bug).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { compileAndVerify } from '../compile/compile.js';
import { TpusimError } from '../core/errors.js';
import {
  loadNodeTest,
  valuesOf,
  type NodeTestCase,
  type NodeTestResult,
  type NodeTestStatus,
} from '../graph/onnx/conformance.js';
import { runCompiledModel } from './compiled-model.js';

/**
 * ||actual - expected||_2 <= relativeL2 ||expected||_2 per output: bf16 keeps 8 significant bits
 * (2^-9 relative rounding per step), so a few rounded steps stay well inside 2% (the ONNX end-to-end
 * tests' bf16 tolerance, compile/onnx-e2e.test.ts).
 */
export const CHIP_CONFORMANCE_TOLERANCE = { relativeL2: 2e-2 } as const;

const result = (name: string, ops: readonly string[], status: NodeTestStatus, reason?: string): NodeTestResult =>
  reason === undefined ? { name, ops, status } : { name, ops, status, reason };

/**
 * Relative L2 error of `actual` against `expected` (absolute when `expected` is all zeros). Expected NaN
 * and infinities must be matched exactly (Infinity when one is not) and stay out of the norms.
 */
export function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!Number.isFinite(expected[i]!)) {
      if (!Object.is(actual[i], expected[i])) return Infinity;
      continue;
    }
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
}

/**
 * Compiles one node test for `chip` in `dtype`, runs it and compares; undefined when the importer cannot read it. Never
 * throws.
 */
export function runNodeTestOnChip(
  test: NodeTestCase,
  chip: ChipSpec,
  dtype: 'bf16' = 'bf16',
  tolerance = CHIP_CONFORMANCE_TOLERANCE,
): NodeTestResult | undefined {
  const loaded = loadNodeTest(test, { weightsBound: true });
  if ('status' in loaded) return undefined;
  const { ops, graph, feeds, expected } = loaded;
  // Integer inputs are bound as constants: with no input left, the whole graph folds and nothing runs on the chip.
  if (graph.inputs.length === 0)
    return result(
      test.name,
      ops,
      'unsupported',
      "no float input: the test's integer inputs are bound as constants and the graph folds away, nothing is " +
        'left to run',
    );
  let compiled: ReturnType<typeof compileAndVerify>['compiled'];
  try {
    const verified = compileAndVerify(graph, chip, { dtype });
    const issues = Object.entries(verified.issues).flatMap(([pass, list]) =>
      list.map((i) => `verifier after ${pass}: ${i.message}`),
    );
    if (issues.length > 0) return result(test.name, ops, 'fail', issues.join('; '));
    compiled = verified.compiled;
  } catch (error) {
    const refused = error instanceof TpusimError && error.code !== 'internal';
    return result(
      test.name,
      ops,
      refused ? 'unsupported' : 'fail',
      error instanceof Error ? error.message : String(error),
    );
  }
  try {
    const run = runCompiledModel(compiled, chip, { inputs: feeds });
    const problems = graph.outputs.flatMap((name, i) => {
      const want = valuesOf(expected[i]!);
      const got = run.outputs.get(name);
      if (!got || got.length !== want.length)
        return [`output '${name}' has ${got?.length ?? 0} values, expected ${want.length}`];
      const error = relativeL2(got, want);
      return error <= tolerance.relativeL2
        ? []
        : [`output '${name}' relative L2 error ${error.toPrecision(3)} > ${tolerance.relativeL2}`];
    });
    return problems.length > 0 ? result(test.name, ops, 'fail', problems.join('; ')) : result(test.name, ops, 'pass');
  } catch (error) {
    return result(test.name, ops, 'fail', error instanceof Error ? error.message : String(error));
  }
}

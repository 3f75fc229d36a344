/** Compiling a MODEL for the CLI: format, calibration, and the summary both `compile` and `run` print. */
import {
  COMPILE_DTYPES,
  compileGraph,
  createRng,
  defaultDType,
  formatBytes,
  hasWeightValues,
  type ChipSpec,
  type CompiledModel,
  type Graph,
} from '../index.js';
import { choice, stringOption, type ParsedArgs } from './args.js';
import { readModelInputs } from './model-arg.js';

export const COMPILE_OPTIONS = {
  dtype: { type: 'string' },
  calibrate: { type: 'string', multiple: true },
  'per-tensor': { type: 'boolean' },
} as const;

export const COMPILE_HELP =
  `--dtype int8|bf16 picks the matrix units' format (default: int8 where the chip multiplies int8,
  else bf16). ` +
  `int8 scales come from a calibration run of the fp32 model on --calibrate inputs (.npy, as
  --input); without ` +
  `them, on the run's own inputs (tpusim run) or on a seeded N(0, 1) input. Weights
  get one int8 scale per ` +
  `output channel (--per-tensor: one per tensor). A model without weight values
  (zoo, config.json) compiles for ` +
  `timing.`;

/** Seeded standard-normal values for every float input (zeros for integer inputs such as token ids). */
export function syntheticInputs(graph: Graph): Record<string, Float64Array> {
  const rng = createRng(20261125);
  return Object.fromEntries(
    graph.inputs.map((t) => {
      const tensor = graph.tensors[t]!;
      const n = tensor.shape.reduce((a, b) => a * b, 1);
      const float = tensor.dtype.startsWith('fp') || tensor.dtype === 'bf16';
      return [t, Float64Array.from({ length: n }, () => (float ? rng.normal() : 0))];
    }),
  );
}

export function compileModel(
  graph: Graph,
  chip: ChipSpec,
  values: ParsedArgs['values'],
  runInputs?: Readonly<Record<string, ArrayLike<number>>>,
): CompiledModel {
  const dtypeText = stringOption(values, 'dtype');
  const dtype = dtypeText ? choice('--dtype', dtypeText, COMPILE_DTYPES) : defaultDType(chip);
  const calibrateSpecs = (values['calibrate'] as string[] | undefined) ?? [];
  let calibration: Readonly<Record<string, ArrayLike<number>>> | undefined;
  if (dtype === 'int8' && hasWeightValues(graph)) {
    calibration =
      calibrateSpecs.length > 0 ? readModelInputs(graph, calibrateSpecs) : (runInputs ?? syntheticInputs(graph));
  }
  return compileGraph(graph, chip, {
    dtype,
    ...(values['per-tensor'] ? { perChannel: false } : {}),
    ...(calibration ? { calibration } : {}),
  });
}

/** What was compiled, in a few lines. */
export function compileSummary(compiled: CompiledModel, chip: ChipSpec): string {
  const ub = chip.cores[0]!.unifiedBuffer.sizeBytes;
  const io = (list: CompiledModel['inputs']): string =>
    list
      .map(
        (b) =>
          `${b.tensor} -> ${b.buffer} (${b.perm.map((d) => b.shape[d]).join('x')}` +
          `${b.perm.some((d, i) => d !== i) ? `, dims ${b.perm.join(',')}` : ''} ${b.format}` +
          `${b.format === 'int8' ? `, scale ${b.scale.toPrecision(4)}` : ''}` +
          `${b.gather ? `, rows of ${b.gather.table} picked by ${b.gather.indices} on the host` : ''})`,
      )
      .join('; ');
  return [
    `${compiled.model} for ${compiled.chip} (${compiled.dtype}): ${compiled.layers.length} layers, ` +
      `${compiled.program.instructions.length.toLocaleString('en-US')} instructions`,
    `memory: unified buffer peak ${formatBytes(compiled.memory.ubPeakBytes)} of ${formatBytes(ub)}; off-chip ` +
      `${formatBytes(compiled.memory.dramBytes)} (weights, biases, scales); host ` +
      `${formatBytes(compiled.memory.hostBytes)}`,
    `inputs: ${io(compiled.inputs)}`,
    `outputs: ${io(compiled.outputs)}`,
    compiled.dtype === 'int8' && !compiled.plan.calibrated
      ? 'int8 scales are 1 (no weight values to calibrate with): the program is for timing'
      : '',
  ]
    .filter((l) => l)
    .join('\n');
}

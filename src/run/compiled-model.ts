/**
 * Running a compiled model on the chip machine: the host's part (quantize or round the inputs, put
 * them in the on-chip layout, load weights), the run, and the host's part on the way back (outputs in
 * the graph's layout, dequantized), with a per-layer account of cycles and work.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { peakMacsPerCycle } from '../arch/derive.js';
import type { CompiledModel } from '../compile/emit.js';
import type { IoBinding } from '../compile/kernels.js';
import { embeddingRows, hostDequantize, hostQuantize } from '../compile/reference.js';
import { contiguousStrides } from '../compile/views.js';
import { TpusimError } from '../core/errors.js';
import { OPS } from '../isa/ops.js';
import type { Instruction, MatmulInstruction, Program, ReadWeightsInstruction } from '../isa/types.js';
import { runProgram, type ProgramEngine, type ProgramRun } from '../sim/chip/run.js';

export interface ModelRunOptions {
  /** Graph inputs, fp32, in the graph's layout; leave out for a timing-only run. */
  readonly inputs?: Readonly<Record<string, ArrayLike<number>>>;
  readonly engine?: ProgramEngine;
  readonly trace?: boolean;
}

export interface LayerStats {
  readonly layer: string;
  readonly instructions: number;
  /** First cycle any of its instructions started, and the last one ended. */
  readonly startCycle: number;
  readonly endCycle: number;
  /** Cycles its matmuls kept a matrix unit busy (summed over units). */
  readonly matrixCycles: number;
  readonly macs: number;
  /** Cycles of vector-unit work (activate, vector, pool, fill). */
  readonly vectorCycles: number;
  /** Bytes moved by its DMAs and weight reads. */
  readonly bytesMoved: number;
  /** MACs over (span x the chip's peak MACs per cycle). */
  readonly utilization: number;
}

export interface ModelRun {
  readonly run: ProgramRun;
  /** Dequantized outputs in the graph's layout, by tensor name. */
  readonly outputs: ReadonlyMap<string, Float64Array>;
  readonly layers: readonly LayerStats[];
}

/** Reorders row-major values of `shape` into the binding's host order (perm), or back. */
export function permuteValues(
  values: ArrayLike<number>,
  shape: readonly number[],
  perm: readonly number[],
  inverse: boolean,
): Float64Array {
  const out = new Float64Array(values.length);
  const hostShape = perm.map((d) => shape[d]!);
  const logicalStrides = contiguousStrides(shape);
  const hostStrides = contiguousStrides(hostShape);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    let h = 0;
    for (let k = 0; k < perm.length; k++) h += index[perm[k]!]! * hostStrides[k]!;
    let l = 0;
    for (let d = 0; d < shape.length; d++) l += index[d]! * logicalStrides[d]!;
    if (inverse) out[l] = values[h]!;
    else out[h] = values[l]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function hostInput(binding: IoBinding, values: ArrayLike<number>): Float64Array {
  const expected = binding.shape.reduce((a, b) => a * b, 1);
  if (values.length !== expected)
    throw new TpusimError(
      'bad_input',
      `input '${binding.tensor}' has ${values.length} values; its shape (${binding.shape.join(', ')}) needs ` +
        `${expected}`,
    );
  return permuteValues(hostQuantize(values, binding.format, binding.scale), binding.shape, binding.perm, false);
}

/** The host's embedding lookup for an input filled from a table. */
function hostLookup(binding: IoBinding, inputs: Readonly<Record<string, ArrayLike<number>>>): Float64Array {
  const g = binding.gather!;
  const ids = inputs[g.indices];
  if (!ids)
    throw new TpusimError('missing_input', `no value for model input '${g.indices}' (token ids for ${g.table})`);
  if (!g.values)
    throw new TpusimError('no_values', `the embedding table '${g.table}' has no values; run the model timing-only`);
  const width = binding.shape.reduce((a, b) => a * b, 1) / ids.length;
  return embeddingRows(g.values, [g.values.length / width, width], ids);
}

export function runCompiledModel(compiled: CompiledModel, chip: ChipSpec, options: ModelRunOptions = {}): ModelRun {
  const values = options.inputs !== undefined;
  const inputs: Record<string, ArrayLike<number>> = {};
  if (values) {
    for (const [name, data] of compiled.init) inputs[name] = data;
    for (const binding of compiled.inputs) {
      if (binding.gather) {
        inputs[binding.buffer] = hostInput(binding, hostLookup(binding, options.inputs!));
        continue;
      }
      const given = options.inputs![binding.tensor];
      if (!given)
        throw new TpusimError(
          'missing_input',
          `no value for model input '${binding.tensor}' (inputs: ${compiled.inputs.map((b) => b.tensor).join(', ')})`,
        );
      inputs[binding.buffer] = hostInput(binding, given);
    }
    const missing = compiled.program.buffers.filter((b) => b.space === 'dram' && !compiled.init.has(b.name));
    if (missing.length > 0)
      throw new TpusimError(
        'no_values',
        `the model has no values for ${missing.length} weight buffers (e.g. ${missing[0]!.name}); run it timing-only`,
      );
  }
  const run = runProgram(chip, compiled.program, {
    inputs,
    values,
    engine: options.engine ?? 'fold',
    trace: options.trace ?? false,
  });
  const outputs = new Map<string, Float64Array>();
  if (values) {
    for (const binding of compiled.outputs) {
      const stored = run.outputs[binding.buffer]!.values;
      const logical = permuteValues(stored, binding.shape, binding.perm, true);
      outputs.set(binding.tensor, binding.format === 'int8' ? hostDequantize(logical, binding.scale) : logical);
    }
  }
  return { run, outputs, layers: layerStats(compiled, chip, run) };
}

export function layerStats(compiled: CompiledModel, chip: ChipSpec, run: ProgramRun): LayerStats[] {
  const order: string[] = [];
  const stats = new Map<
    string,
    { instructions: number; start: number; end: number; matrix: number; macs: number; vector: number; bytes: number }
  >();
  const format = compiled.program.dtype ?? 'int8';
  // Tile widths in FIFO order per matrix unit (reads may run ahead of their matmuls).
  const fifo = new Map<number, number[]>();
  compiled.program.instructions.forEach((instruction, i) => {
    // A layer's parts (attention heads, pooling after a convolution) count towards the layer.
    const layer = (compiled.layerOf[i] ?? '?').split('#')[0]!;
    let s = stats.get(layer);
    if (!s) {
      s = { instructions: 0, start: Infinity, end: 0, matrix: 0, macs: 0, vector: 0, bytes: 0 };
      stats.set(layer, s);
      order.push(layer);
    }
    const t = run.timings[i]!;
    const spec = OPS[instruction.op];
    if (t.end === Infinity || spec.issueRule === 'stop') return;
    s.instructions++;
    s.start = Math.min(s.start, t.start);
    s.end = Math.max(s.end, t.end);
    s.bytes += spec.movedBytes?.(instruction, { dtype: format }) ?? 0;
    if (spec.unit === 'weight-fetch') {
      const r = instruction as ReadWeightsInstruction;
      if (!fifo.has(r.mxu)) fifo.set(r.mxu, []);
      fifo.get(r.mxu)!.push(r.cols);
    } else if (spec.unit === 'matrix') {
      const m = instruction as MatmulInstruction;
      s.matrix += t.end - t.start;
      s.macs += m.rows * m.depth * (fifo.get(m.mxu)?.[0] ?? 0);
      if (m.pop) fifo.get(m.mxu)?.shift();
    } else if (spec.unit === 'vector') {
      s.vector += t.end - t.start;
    }
  });
  const peak = peakMacsPerCycle(chip, format as Parameters<typeof peakMacsPerCycle>[1]);
  return order
    .filter((l) => l !== 'end')
    .map((layer) => {
      const s = stats.get(layer)!;
      const span = s.end > s.start ? s.end - s.start : 0;
      return {
        layer,
        instructions: s.instructions,
        startCycle: Number.isFinite(s.start) ? s.start : 0,
        endCycle: s.end,
        matrixCycles: s.matrix,
        macs: s.macs,
        vectorCycles: s.vector,
        bytesMoved: s.bytes,
        utilization: span > 0 ? s.macs / (span * peak) : 0,
      };
    });
}

/**
 * Each layer run alone: its instructions (and nothing else) as a program, timing only, with its
 * activations already in the unified buffer and its weights in off-chip memory. This is what the
 * analytical model estimates per layer, so the two are compared layer by layer.
 */
export function isolatedLayerCycles(compiled: CompiledModel, chip: ChipSpec): Map<string, number> {
  const byLayer = new Map<string, Instruction[]>();
  compiled.program.instructions.forEach((instruction, i) => {
    const layer = (compiled.layerOf[i] ?? '').split('#')[0]!;
    if (
      OPS[instruction.op].issueRule === 'stop' ||
      layer.startsWith('input.') ||
      layer.startsWith('output.') ||
      layer === 'constants'
    )
      return;
    if (!byLayer.has(layer)) byLayer.set(layer, []);
    byLayer.get(layer)!.push(instruction);
  });
  const cycles = new Map<string, number>();
  for (const [layer, instructions] of byLayer) {
    const program: Program = { ...compiled.program, labels: {}, instructions: [...instructions, { op: 'halt' }] };
    cycles.set(layer, runProgram(chip, program, { values: false }).totalCycles);
  }
  return cycles;
}

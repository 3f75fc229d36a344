/**
 * Pass `emit`: symbolic operands become addresses, and the result is a `Program` (with a label where
 * each layer starts) plus what a host needs to run it: initial buffer values and how graph inputs and
 * outputs map to host buffers.
 */
import { OPS } from '../isa/ops.js';
import { instructionFrom } from '../isa/instruction-record.js';
import { CompileError } from './errors.js';
import type { BufferDecl, Instruction, Program } from '../isa/types.js';
import type { Allocation } from './allocate.js';
import { bufferBytes, isSymRef, type IoBinding } from './kernels.js';
import type { CompileDType, QuantPlan } from './quantize.js';

export interface CompiledLayer {
  readonly name: string;
  readonly kind: string;
  /** Graph nodes it covers (fused ones included). */
  readonly nodes: readonly string[];
  readonly shape: readonly number[];
}

export interface CompiledModel {
  readonly program: Program;
  readonly chip: string;
  readonly model: string;
  readonly dtype: CompileDType;
  readonly inputs: readonly IoBinding[];
  readonly outputs: readonly IoBinding[];
  /** Values of initialized buffers (weights, biases, scales, constants), by buffer name, in the buffer's format. */
  readonly init: ReadonlyMap<string, Float64Array>;
  /** The kernel each instruction belongs to: a layer's name, `name#part` for its parts. */
  readonly layerOf: readonly string[];
  /** The model's layers (logical ops) in order, with their kind and output shape. */
  readonly layers: readonly CompiledLayer[];
  readonly plan: QuantPlan;
  readonly memory: { readonly ubPeakBytes: number; readonly dramBytes: number; readonly hostBytes: number };
}

function relocate(instruction: Instruction, address: readonly number[]): Instruction {
  const copy: Record<string, unknown> = { ...instruction };
  for (const field of OPS[instruction.op].fields) {
    if (field.kind !== 'mem') continue;
    const value = copy[field.name];
    if (isSymRef(value)) copy[field.name] = { space: value.space, address: address[value.buffer]! + value.address };
  }
  const relocated = instructionFrom(copy);
  if (!relocated.ok)
    throw new CompileError(
      'internal',
      `relocated ${instruction.op}: ${relocated.issues.map((i) => i.message).join('; ')}`,
    );
  return relocated.value;
}

export function emit(
  allocation: Allocation,
  chipName: string,
  modelName: string,
  layers: readonly CompiledLayer[],
): CompiledModel {
  const { tiled, address } = allocation;
  const lowered = tiled.lowered;
  const buffers: BufferDecl[] = lowered.buffers
    .filter((b) => b.space !== 'ub')
    .map((b) => ({
      name: b.name,
      space: b.space,
      address: address[b.id]!,
      bytes: bufferBytes(b),
      dtype: b.format,
      shape: b.shape ?? [b.elements],
      ...(b.role === 'output' ? { output: true } : {}),
    }));
  const labels: Record<string, number> = {};
  const seen = new Set<string>();
  tiled.layerOf.forEach((layer, i) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    let label = layer.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(label)) label = `L_${label}`;
    while (labels[label] !== undefined) label = `${label}_`;
    labels[label] = i;
  });
  const program: Program = {
    schemaVersion: 1,
    chip: chipName,
    dtype: lowered.plan.matmulFormat,
    buffers,
    labels,
    instructions: tiled.instructions.map((i) => relocate(i, address)),
  };
  const init = new Map(lowered.buffers.filter((b) => b.init).map((b) => [b.name, b.init!]));
  return {
    program,
    chip: chipName,
    model: modelName,
    dtype: lowered.plan.dtype,
    inputs: lowered.inputs,
    outputs: lowered.outputs,
    init,
    layerOf: tiled.layerOf,
    layers,
    plan: lowered.plan,
    memory: { ubPeakBytes: allocation.ubPeakBytes, dramBytes: allocation.dramBytes, hostBytes: allocation.hostBytes },
  };
}

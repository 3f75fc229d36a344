/** onnxruntime-node as the reference runtime for ONNX import and export tests (CPU, fp32). */
import * as ort from 'onnxruntime-node';
import { createRng } from '../../../core/rng.js';
import { elementCount } from '../../types.js';

/** Standard-normal fp32 values for a tensor of `shape`, from `seed`. */
export function randomInput(shape: readonly number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: elementCount(shape) }, () => rng.normal());
}

/** Runs an ONNX model on fp32 inputs and returns every graph output as fp32 values. */
export async function runOrt(
  bytes: Uint8Array,
  inputs: Readonly<Record<string, { data: Float32Array; shape: readonly number[] }>>,
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = Object.fromEntries(
      Object.entries(inputs).map(([name, t]) => [name, new ort.Tensor('float32', t.data, [...t.shape])]),
    );
    const results = await session.run(feeds);
    return Object.fromEntries(session.outputNames.map((name) => [name, results[name]!.data as Float32Array]));
  } finally {
    await session.release();
  }
}

/** Largest difference between two outputs, relative to the largest magnitude of the reference. */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return diff / (scale || 1);
}

export { ort };

/**
 * How each training stack scales its fp8 GEMMs' operands (model/gemm.ts, Fp8Recipe): Transformer
 * Engine's delayed scaling (scales from the amax history, taken inside the cast) on the Megatron-based
 * stacks, and standing in for the casts of the stacks that do not name another recipe (MaxText's AQT or
 * qwix quantization on TPUs among them: not modelled apart); torchao's tensorwise dynamic scaling on
 * torchtitan (job config at the 2024-25 benchmark commits: `--float8.scaling_type_input` "dynamic
 * (default) or delayed", likewise weight and grad_output; later the `tensorwise` recipe), which takes
 * each tensor's amax before casting it (`current-scaling`).
 */
import type { Fp8Recipe } from '../model/kernels.js';
import type { TrainingStack } from './types.js';

export const STACK_FP8_RECIPE: Readonly<Record<TrainingStack, Fp8Recipe>> = {
  megatron: 'transformer-engine',
  nemo: 'transformer-engine',
  maxtext: 'transformer-engine',
  jax: 'transformer-engine',
  paxml: 'transformer-engine',
  torchtitan: 'current-scaling',
  'llm-foundry': 'transformer-engine',
  fsdp: 'transformer-engine',
  deepspeed: 'transformer-engine',
  pytorch: 'transformer-engine',
  other: 'transformer-engine',
};

/** Per-tensor fp8 scaling a run may name: delayed (amax history) or current (each tensor's own amax). */
export const FP8_SCALINGS = ['delayed', 'current'] as const;
export type Fp8Scaling = (typeof FP8_SCALINGS)[number];

/** The GEMM recipe (model/gemm.ts) of a named scaling. */
export const fp8RecipeOf = (scaling: Fp8Scaling): Fp8Recipe =>
  scaling === 'current' ? 'current-scaling' : 'transformer-engine';

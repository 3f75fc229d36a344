/**
 * The kernel-level seam of the analytical model, what the cluster model times transformer layers from:
 * one GEMM (`gemmSeconds`, with the fp8 recipe's casts when asked), one element-wise pass
 * (`streamSeconds`) and one attention core (`attentionSeconds`, a fused or unfused kernel).
 */
export { fp8CastSeconds, gemmSeconds, streamSeconds, type Fp8Recipe, type Fp8Role, type GemmOptions } from './gemm.js';
export { attentionKernelsOf, attentionSeconds, defaultAttentionKernel } from './attention.js';
export {
  ATTENTION_KERNELS,
  type AttentionImplementation,
  type AttentionKernel,
  type AttentionTime,
} from './attention-types.js';

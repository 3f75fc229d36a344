/**
 * GEMM operand alignment on GPUs. GEMM libraries' fast kernels load each operand tile row with 16-byte
 * vector loads (cp.async.16 on Ampere, TMA on Hopper and Blackwell), which needs every row to start on a
 * 16-byte boundary: leading dimensions that are multiples of 16 bytes (cuBLAS documentation; NVIDIA's
 * Matrix Multiplication Background guide, Table 1: "multiples of 16 bytes" for the most efficient Tensor
 * Core use). With row-major A[m,k], B[k,n] and C[m,n] (torch.matmul's layout) the leading dimensions are
 * k (A) and n (B and C); m never matters. A misaligned operand is loaded in accesses of the largest power
 * of two that divides its row pitch (CUTLASS builds Ampere kernels for 16, 8 and 4 bytes; cp.async moves
 * 4, 8 or 16 bytes, so 2-byte rows go through registers). Two costs follow:
 *
 * - **Narrow loads.** Staging an operand through shared memory costs in proportion to the accesses it
 *   takes: a w-byte-aligned operand needs 16 / w times as many as a 16-byte one (`stagingFactor`).
 *   Status: estimate (access count as the cost, at the rate 16-byte accesses reach); against
 *   measurements on H100 it gives 8193x5008x2501 bf16 (k odd) within 15% (measured 509 TFLOP/s,
 *   float8_experimental PR #145) and 4097^3 about 1.5x faster than measured (132 TFLOP/s,
 *   data/gpu-measured/h100-sxm.json): cuBLAS runs still slower kernels when both operands are odd.
 * - **No TMA.** Where the fast kernels need TMA (global strides multiples of 16 bytes), a misaligned
 *   GEMM runs an sm80-class kernel: warp-level mma.sync at `legacyMmaFraction` of the peak (gpu-stack.ts).
 */

/** Widest access (bytes, at most 16) that every row of an operand with `dim` elements per row allows. */
export function accessBytes(dim: number, elementBytes: number): number {
  if (!Number.isInteger(dim) || !Number.isInteger(elementBytes)) return 16;
  const bytes = dim * elementBytes;
  return bytes % 16 === 0 ? 16 : bytes % 8 === 0 ? 8 : bytes % 4 === 0 ? 4 : bytes % 2 === 0 ? 2 : 1;
}

/** Shared-memory staging time of an operand loaded in `access`-byte pieces, relative to 16-byte loads. */
export function stagingFactor(access: number, alignmentBytes: number): number {
  return access >= alignmentBytes ? 1 : alignmentBytes / access;
}

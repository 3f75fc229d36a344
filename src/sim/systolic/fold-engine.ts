/**
 * The fold-level engine: the same outputs as the register-level engine from fast kernels, and the same
 * cycle counts from closed forms per fold. Without operands it is a timing-only model.
 */
import { gemmStats } from './closed-form.js';
import { fastGemm } from './fast-gemm.js';
import { accumulationChunk, checkOperands, checkShape } from './operands.js';
import type { GemmRequest, GemmResult, SystolicEngine } from './types.js';

export const foldEngine: SystolicEngine = {
  name: 'fold',
  run(request: GemmRequest): GemmResult {
    const { shape, array, operands } = request;
    checkShape(shape);
    const stats = gemmStats(shape, array, request.timing ?? 'native', operands?.c !== undefined);
    if (!operands) return { stats };
    checkOperands(shape, array.format, operands);
    return { output: fastGemm(shape, array.format, accumulationChunk(array, shape), operands), stats };
  },
};

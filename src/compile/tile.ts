/**
 * Pass `tile`: every matrix kernel -> read_weights / matmul / activate instructions that fit the matrix
 * units and the accumulators. A job's output columns are cut into array-wide slices, its rows into
 * chunks of at most `accumulatorChunkRows` (a matrix unit's share of the accumulators, halved so one
 * chunk drains through activate while the next accumulates), and its depth into array-high tiles.
 * Work items (column slice x row chunk) go round-robin to the core's matrix units, each with its own
 * accumulator rows; each item streams its weight tiles in K order (the order they are read is the
 * order they are used, so the FIFO and the double-buffered tile register never hold a tile out of turn).
 *
 * Pass `schedule`: weight reads from off-chip memory move earlier, up to the FIFO's depth ahead of
 * the matmuls that use them, so the weight fetcher runs ahead even on a machine that issues in order.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreAt, matrixUnitAt, matrixUnitsPerCore, accumulatorRows } from '../arch/derive.js';
import { NUMBER_FORMATS } from '../core/number-formats.js';
import type { ActivateInstruction, Instruction, MatmulInstruction, ReadWeightsInstruction } from '../isa/types.js';
import { consumesWeightTile, isBarrier, pushesWeightTile } from '../isa/ops.js';
import { CompileError } from './errors.js';
import type { BufferSpec, LoweredProgram, MatmulJob, MatmulKernel, RowsOperand, SymRef } from './kernels.js';
import { accumulatorChunkRows, rowChunks, type RowChunk } from '../arch/mapping.js';

export interface TiledProgram {
  readonly lowered: LoweredProgram;
  readonly instructions: readonly Instruction[];
  /** Layer (kernel) name of each instruction. */
  readonly layerOf: readonly string[];
}

function ref(buffers: readonly BufferSpec[], id: number, elementOffset: number): SymRef {
  const b = buffers[id]!;
  return { space: b.space, address: elementOffset * NUMBER_FORMATS[b.format].bytes, buffer: id };
}

function rowAddress(o: RowsOperand, r: number): number {
  return o.groupRows > 0
    ? (r % o.groupRows) * o.rowStride + Math.floor(r / o.groupRows) * o.groupStride
    : r * o.rowStride;
}

/** Row chunks of a job (arch/mapping.ts): operands must agree on how rows group. */
export function jobRowChunks(job: MatmulJob, chunkRows: number): RowChunk[] {
  const groups = [job.out, ...job.pieces.map((p) => p.a)].map((o) => o.groupRows).filter((g) => g > 0 && g < job.m);
  const group = groups[0] ?? 0;
  if (groups.some((g) => g !== group))
    throw new CompileError('internal', `operands group rows differently (${groups.join(', ')})`);
  return rowChunks(job.m, group, chunkRows);
}

export function tile(lowered: LoweredProgram, chip: ChipSpec): TiledProgram {
  const core = coreAt(chip, 0)!;
  const units = matrixUnitsPerCore(core);
  const rows = Math.min(...Array.from({ length: units }, (_, u) => matrixUnitAt(core, u)!.rows));
  const cols = Math.min(...Array.from({ length: units }, (_, u) => matrixUnitAt(core, u)!.cols));
  const chunk = accumulatorChunkRows(chip);
  const region = Math.floor(accumulatorRows(core) / units);
  const instructions: Instruction[] = [];
  const layerOf: string[] = [];
  let counter = 0;
  const buffers = lowered.buffers;
  const bytes = (id: number): number => NUMBER_FORMATS[buffers[id]!.format].bytes;

  const emitKernel = (kernel: MatmulKernel): void => {
    const e = kernel.epilogue;
    for (const job of kernel.jobs) {
      const chunks = e.pool
        ? [{ start: 0, rows: job.m, grouped: job.pieces[0]!.a.groupRows > 0 }]
        : jobRowChunks(job, chunk);
      if (e.pool && job.m > chunk)
        throw new CompileError('internal', `a pooled job of ${job.m} rows exceeds the ${chunk}-row accumulator chunk`);
      for (let n0 = 0; n0 < job.n; n0 += cols) {
        const nc = Math.min(cols, job.n - n0);
        for (const c of chunks) {
          const unit = counter % units;
          const accRow = unit * region + (Math.floor(counter / units) % 2) * chunk;
          counter++;
          let first = true;
          for (const piece of job.pieces) {
            const w = piece.w;
            const a = piece.a;
            for (let k0 = 0; k0 < piece.depth; k0 += rows) {
              const kc = Math.min(rows, piece.depth - k0);
              const read: ReadWeightsInstruction = {
                op: 'read_weights',
                src: ref(
                  buffers,
                  w.buffer,
                  w.offset + (w.transposed ? n0 * w.lineStride + k0 : k0 * w.lineStride + n0),
                ),
                rows: kc,
                cols: nc,
                strideBytes: w.lineStride * bytes(w.buffer),
                transpose: w.transposed,
                core: 0,
                mxu: unit,
              };
              const eb = bytes(a.buffer);
              const matmul: MatmulInstruction = {
                op: 'matmul',
                accRow,
                src: ref(buffers, a.buffer, a.offset + rowAddress(a, c.start) + k0),
                rows: c.rows,
                depth: kc,
                rowStrideBytes: a.rowStride * eb,
                groupRows: c.grouped && a.groupRows > 0 ? a.groupRows : 0,
                groupStrideBytes: c.grouped && a.groupRows > 0 ? a.groupStride * eb : 0,
                accumulate: !first,
                pop: true,
                core: 0,
                mxu: unit,
              };
              instructions.push(read, matmul);
              layerOf.push(kernel.layer, kernel.layer);
              first = false;
            }
          }
          const out = job.out;
          const ob = bytes(out.buffer);
          const activate: ActivateInstruction = {
            op: 'activate',
            dst: ref(buffers, out.buffer, out.offset + (e.pool ? 0 : rowAddress(out, c.start)) + n0),
            accRow,
            rows: c.rows,
            cols: nc,
            fn: e.fn,
            scale: e.scale,
            outScale: e.outScale,
            outFormat: e.outFormat,
            ...(e.bias !== undefined ? { bias: ref(buffers, e.bias, job.column + n0) } : {}),
            ...(e.columnScale !== undefined ? { columnScale: ref(buffers, e.columnScale, job.column + n0) } : {}),
            rowStrideBytes: out.rowStride * ob,
            groupRows: c.grouped && out.groupRows > 0 && !e.pool ? out.groupRows : 0,
            groupStrideBytes: c.grouped && out.groupRows > 0 && !e.pool ? out.groupStride * ob : 0,
            pool: e.pool?.kind ?? 'none',
            poolHeight: e.pool?.height ?? 0,
            poolWidth: e.pool?.width ?? 0,
            poolStride: e.pool?.stride ?? 0,
            poolInputWidth: e.pool?.inputWidth ?? 0,
            core: 0,
          };
          instructions.push(activate);
          layerOf.push(kernel.layer);
        }
      }
    }
  };

  for (const kernel of lowered.kernels) {
    if (kernel.kind === 'matmul') emitKernel(kernel);
    else {
      instructions.push(...kernel.instructions);
      for (let i = 0; i < kernel.instructions.length; i++) layerOf.push(kernel.layer);
    }
  }
  instructions.push({ op: 'halt' });
  layerOf.push('end');
  return { lowered, instructions, layerOf };
}

/** Pass `schedule`: hoist off-chip weight reads up to the FIFO depth ahead of their matmuls. */
export function schedule(tiled: TiledProgram, chip: ChipSpec): TiledProgram {
  const core = coreAt(chip, 0)!;
  const depth = (mxu: number): number => matrixUnitAt(core, mxu)!.weightFifoTiles;
  const n = tiled.instructions.length;
  // Sort key: an instruction's own position, or (for a movable read) just after the matmul that frees its slot.
  const key = new Float64Array(n);
  const pops = new Map<number, number[]>();
  const reads = new Map<number, number>();
  tiled.instructions.forEach((instruction, i) => {
    key[i] = i;
    if (consumesWeightTile(instruction) && instruction.pop) {
      const list = pops.get(instruction.mxu) ?? [];
      list.push(i);
      pops.set(instruction.mxu, list);
    }
  });
  let barrier = -1;
  // A read never passes an earlier read of the same unit (the FIFO keeps program order).
  const lastKey = new Map<number, number>();
  tiled.instructions.forEach((instruction, i) => {
    if (isBarrier(instruction)) barrier = i;
    if (!pushesWeightTile(instruction)) return;
    const t = reads.get(instruction.mxu) ?? 0;
    reads.set(instruction.mxu, t + 1);
    if (instruction.src.space === 'dram') {
      const freedBy = t - depth(instruction.mxu);
      const after = freedBy >= 0 ? pops.get(instruction.mxu)![freedBy]! : -1;
      key[i] = Math.max(Math.min(i, Math.max(after, barrier) + 0.5), lastKey.get(instruction.mxu) ?? -1);
    }
    lastKey.set(instruction.mxu, key[i]!);
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => key[x]! - key[y]! || x - y);
  return {
    lowered: tiled.lowered,
    instructions: order.map((i) => tiled.instructions[i]!),
    layerOf: order.map((i) => tiled.layerOf[i]!),
  };
}

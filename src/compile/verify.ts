/**
 * Checks between compiler passes (tests run them after every pass): every operand inside its buffer,
 * every tile and accumulator range within the chip, weight FIFOs used in order, no two live buffers
 * sharing unified-buffer bytes, and finally the program against the chip (isa/validate).
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { accumulatorRows, coreAt, matrixUnitAt } from '../arch/derive.js';
import { issue, type Issue } from '../core/errors.js';
import type { NUMBER_FORMATS } from '../core/number-formats.js';
import { OPS, consumesWeightTile, pushesWeightTile } from '../isa/ops.js';
import type { Instruction } from '../isa/types.js';
import { validateProgram } from '../isa/validate.js';
import { lifetimes, type Allocation } from './allocate.js';
import type { CompiledModel } from './emit.js';
import { bufferBytes, isSymRef, type BufferSpec, type LoweredProgram, type RowsOperand } from './kernels.js';
import type { TiledProgram } from './tile.js';
import { fieldsOf } from '../isa/fields.js';

function lastRow(o: RowsOperand, rows: number): number {
  if (rows === 0) return 0;
  const r = rows - 1;
  if (o.groupRows === 0) return o.offset + r * o.rowStride;
  // The furthest row is the last of a full group or the last row overall.
  const fullGroups = Math.floor(rows / o.groupRows);
  const candidates = [o.offset + (r % o.groupRows) * o.rowStride + Math.floor(r / o.groupRows) * o.groupStride];
  if (fullGroups > 0)
    candidates.push(
      o.offset +
        (o.groupRows - 1) * o.rowStride +
        (Math.min(fullGroups, Math.ceil(rows / o.groupRows)) - 1) * o.groupStride,
    );
  return Math.max(...candidates);
}

/** Symbolic operands of instructions stay inside their buffers. */
function checkInstructions(
  instructions: readonly Instruction[],
  buffers: readonly BufferSpec[],
  dtype: keyof typeof NUMBER_FORMATS,
  where: (i: number) => string,
): Issue[] {
  const issues: Issue[] = [];
  const ctx = { dtype };
  instructions.forEach((instruction, i) => {
    const spec = OPS[instruction.op];
    const fields = fieldsOf(instruction);
    const refs = spec.fields
      .filter((f) => f.kind === 'mem')
      .map((f) => fields[f.name])
      .filter(isSymRef);
    const accesses = [...spec.reads(instruction, ctx), ...spec.writes(instruction, ctx)].filter(
      (a) => a.space !== 'acc',
    );
    for (const access of accesses) {
      // Several operands may start at the same offset of different buffers: one of them must hold the range.
      const owners = refs.filter((r) => r.space === access.space && r.address === access.start);
      if (owners.length === 0) continue;
      if (access.start >= 0 && owners.some((r) => access.end <= bufferBytes(buffers[r.buffer]!))) continue;
      const b = buffers[owners[0]!.buffer]!;
      issues.push(
        issue(
          'outside_buffer',
          where(i),
          `${instruction.op} touches bytes ${access.start}..${access.end - 1} of ${b.name}, which has ` +
            `${bufferBytes(b)}`,
        ),
      );
    }
  });
  return issues;
}

export function verifyLowered(lowered: LoweredProgram, chip: ChipSpec): Issue[] {
  const issues: Issue[] = [];
  const elements = (id: number): number => lowered.buffers[id]!.elements;
  for (const kernel of lowered.kernels) {
    const at = `kernel ${kernel.layer}`;
    if (kernel.kind === 'code') {
      issues.push(...checkInstructions(kernel.instructions, lowered.buffers, lowered.plan.matmulFormat, () => at));
      continue;
    }
    const e = kernel.epilogue;
    kernel.jobs.forEach((job, j) => {
      for (const p of job.pieces) {
        if (lastRow(p.a, job.m) + p.depth > elements(p.a.buffer))
          issues.push(
            issue('outside_buffer', `${at} job ${j}`, `input rows reach past ${lowered.buffers[p.a.buffer]!.name}`),
          );
        const wEnd = p.w.transposed
          ? p.w.offset + (job.n - 1) * p.w.lineStride + p.depth
          : p.w.offset + (p.depth - 1) * p.w.lineStride + job.n;
        if (wEnd > elements(p.w.buffer))
          issues.push(
            issue('outside_buffer', `${at} job ${j}`, `weights reach past ${lowered.buffers[p.w.buffer]!.name}`),
          );
      }
      const outRows = e.pool
        ? (Math.floor((job.m / e.pool.inputWidth - e.pool.height) / e.pool.stride) + 1) *
          (Math.floor((e.pool.inputWidth - e.pool.width) / e.pool.stride) + 1)
        : job.m;
      if (lastRow(job.out, outRows) + job.n > elements(job.out.buffer))
        issues.push(
          issue('outside_buffer', `${at} job ${j}`, `output rows reach past ${lowered.buffers[job.out.buffer]!.name}`),
        );
      for (const id of [e.bias, e.columnScale])
        if (id !== undefined && job.column + job.n > elements(id))
          issues.push(issue('outside_buffer', `${at} job ${j}`, `columns reach past ${lowered.buffers[id]!.name}`));
    });
  }
  void chip;
  return issues;
}

/** Tiles fit the matrix units, accumulator rows exist, and each matmul finds a tile of its depth at the FIFO head. */
export function verifyTiled(tiled: TiledProgram, chip: ChipSpec): Issue[] {
  const buffers = tiled.lowered.buffers;
  const where = (i: number): string => `instruction ${i} (${tiled.layerOf[i]})`;
  const issues = checkInstructions(tiled.instructions, buffers, tiled.lowered.plan.matmulFormat, where);
  const core = coreAt(chip, 0)!;
  const accRows = accumulatorRows(core);
  const fifos = new Map<number, number[]>();
  const ctx = { dtype: tiled.lowered.plan.matmulFormat };
  tiled.instructions.forEach((instruction, i) => {
    if (pushesWeightTile(instruction)) {
      const unit = matrixUnitAt(core, instruction.mxu)!;
      if (instruction.rows > unit.rows || instruction.cols > unit.cols)
        issues.push(
          issue(
            'tile_too_big',
            where(i),
            `a ${instruction.rows}x${instruction.cols} tile on a ${unit.rows}x${unit.cols} unit`,
          ),
        );
      if (!fifos.has(instruction.mxu)) fifos.set(instruction.mxu, []);
      fifos.get(instruction.mxu)!.push(instruction.rows);
    } else if (consumesWeightTile(instruction)) {
      const queue = fifos.get(instruction.mxu) ?? [];
      if (queue[0] !== instruction.depth)
        issues.push(
          issue(
            'fifo_order',
            where(i),
            `matmul of depth ${instruction.depth} finds ` +
              `${queue[0] === undefined ? 'no tile' : `a ${queue[0]}-row tile`}`,
          ),
        );
      if (instruction.pop) queue.shift();
    }
    // The accumulator rows it reads or writes, as the registry declares them (one range per instruction).
    const spec = OPS[instruction.op];
    const acc = [...spec.reads(instruction, ctx), ...spec.writes(instruction, ctx)].find((a) => a.space === 'acc');
    if (acc && acc.end > accRows)
      issues.push(issue('accumulators', where(i), `accumulator rows ${acc.start}..${acc.end - 1} exceed ${accRows}`));
  });
  return issues;
}

/** No two unified-buffer tensors that are live at once overlap, and all fit. */
export function verifyAllocation(allocation: Allocation, chip: ChipSpec): Issue[] {
  const issues: Issue[] = [];
  const buffers = allocation.tiled.lowered.buffers.filter((b) => b.space === 'ub');
  const spans = lifetimes(allocation.tiled);
  const capacity = coreAt(chip, 0)!.unifiedBuffer.sizeBytes;
  const live = buffers.filter((b) => spans[b.id]!.first < Infinity);
  for (const b of live) {
    const start = allocation.address[b.id]!;
    if (start + bufferBytes(b) > capacity)
      issues.push(issue('capacity', b.name, `ends at byte ${start + bufferBytes(b)}, beyond ${capacity}`));
  }
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const [x, y] = [live[i]!, live[j]!];
      const [sx, sy] = [spans[x.id]!, spans[y.id]!];
      if (sx.last < sy.first || sy.last < sx.first) continue;
      const [ax, ay] = [allocation.address[x.id]!, allocation.address[y.id]!];
      if (ax < ay + bufferBytes(y) && ay < ax + bufferBytes(x))
        issues.push(issue('overlap', `${x.name} and ${y.name}`, 'live at the same time in overlapping bytes'));
    }
  }
  return issues;
}

export function verifyCompiled(model: CompiledModel, chip: ChipSpec): Issue[] {
  return validateProgram(model.program, chip);
}

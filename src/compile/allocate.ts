/**
 * Pass `allocate`: an address for every symbolic buffer. Unified-buffer tensors share space when their
 * lifetimes (first to last instruction touching them, in program order) do not overlap: first fit,
 * in order of first use. Off-chip weights and host tensors are laid out one after another. The chip
 * machine tracks dependencies by address, so reuse is safe even when units run ahead.
 */
import type { ChipSpec } from '../arch/chip-spec.js';
import { coreAt } from '../arch/derive.js';
import { formatBytes } from '../core/units.js';
import { OPS } from '../isa/ops.js';
import type { Instruction } from '../isa/types.js';
import { CompileError } from './errors.js';
import { bufferBytes, isSymRef, type BufferSpec } from './kernels.js';
import type { TiledProgram } from './tile.js';
import { fieldsOf } from '../isa/fields.js';

const ALIGN = 64;
const align = (x: number): number => Math.ceil(x / ALIGN) * ALIGN;

export interface Allocation {
  readonly tiled: TiledProgram;
  /** Byte address of each buffer, by id. */
  readonly address: readonly number[];
  /** Highest unified-buffer byte in use, and where. */
  readonly ubPeakBytes: number;
  readonly dramBytes: number;
  readonly hostBytes: number;
}

/** The buffer ids an instruction's memory operands name. */
export function buffersOf(instruction: Instruction): number[] {
  const ids: number[] = [];
  const fields = fieldsOf(instruction);
  for (const field of OPS[instruction.op].fields) {
    if (field.kind !== 'mem') continue;
    const value = fields[field.name];
    if (isSymRef(value)) ids.push(value.buffer);
  }
  return ids;
}

export function lifetimes(tiled: TiledProgram): Array<{ first: number; last: number }> {
  const spans = tiled.lowered.buffers.map(() => ({ first: Infinity, last: -Infinity }));
  tiled.instructions.forEach((instruction, i) => {
    for (const id of buffersOf(instruction)) {
      const s = spans[id]!;
      s.first = Math.min(s.first, i);
      s.last = Math.max(s.last, i);
    }
  });
  return spans;
}

export function allocate(tiled: TiledProgram, chip: ChipSpec): Allocation {
  const buffers = tiled.lowered.buffers;
  const address = new Array<number>(buffers.length).fill(0);
  const spans = lifetimes(tiled);
  // Off-chip and host memory: one after another.
  let dram = 0;
  let host = 0;
  for (const b of buffers) {
    if (b.space === 'dram') {
      address[b.id] = dram;
      dram = align(dram + bufferBytes(b));
    } else if (b.space === 'host') {
      address[b.id] = host;
      host = align(host + bufferBytes(b));
    }
  }
  if (dram > chip.offChipMemory.capacityBytes) {
    throw new CompileError(
      'does_not_fit',
      `the weights need ${formatBytes(dram)} of off-chip memory; ${chip.name} has ` +
        `${formatBytes(chip.offChipMemory.capacityBytes)}`,
    );
  }
  // Unified buffer: first fit by first use.
  const capacity = coreAt(chip, 0)!.unifiedBuffer.sizeBytes;
  const ub = buffers
    .filter((b) => b.space === 'ub' && spans[b.id]!.first < Infinity)
    .sort((x, y) => spans[x.id]!.first - spans[y.id]!.first || x.id - y.id);
  let live: Array<{ start: number; end: number; last: number; buffer: BufferSpec }> = [];
  let peak = 0;
  for (const b of ub) {
    const span = spans[b.id]!;
    live = live.filter((l) => l.last >= span.first).sort((x, y) => x.start - y.start);
    const size = align(bufferBytes(b));
    let at = 0;
    for (const l of live) {
      if (at + size <= l.start) break;
      at = Math.max(at, l.end);
    }
    if (at + size > capacity) {
      const biggest = [...live]
        .sort((x, y) => y.end - y.start - (x.end - x.start))
        .slice(0, 3)
        .map((l) => `${l.buffer.name} ${formatBytes(l.end - l.start)}`);
      throw new CompileError(
        'does_not_fit',
        `the unified buffer of ${chip.name} (${formatBytes(capacity)}) cannot hold ${b.name} (` +
          `${formatBytes(size)}) at layer '${tiled.layerOf[span.first]}' next to ` +
          `${formatBytes(live.reduce((s, l) => s + l.end - l.start, 0))} of live tensors (largest: ` +
          `${biggest.join(', ')}); try a smaller batch or sequence`,
      );
    }
    address[b.id] = at;
    live.push({ start: at, end: at + size, last: span.last, buffer: b });
    peak = Math.max(peak, at + size);
  }
  return { tiled, address, ubPeakBytes: peak, dramBytes: dram, hostBytes: host };
}

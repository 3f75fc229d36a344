/**
 * How matrix work is cut to fit a chip's matrix units: the decisions the compiler makes and the
 * analytical model counts, in one place so the two agree. All of them concern core 0 (the compiler
 * targets one core; the model scales to more).
 */
import type { ChipSpec } from './chip-spec.js';
import { accumulatorRows, coreAt, matrixUnitAt, matrixUnitsPerCore } from './derive.js';

export interface ArrayShape {
  readonly units: number;
  /** The smallest unit's rows and columns (all units get the same tiles). */
  readonly rows: number;
  readonly cols: number;
  readonly doubleBuffered: boolean;
  readonly fifoTiles: number;
}

export function arrayShape(chip: ChipSpec): ArrayShape {
  const core = coreAt(chip, 0)!;
  const units = Array.from({ length: matrixUnitsPerCore(core) }, (_, u) => matrixUnitAt(core, u)!);
  return {
    units: units.length,
    rows: Math.min(...units.map((u) => u.rows)),
    cols: Math.min(...units.map((u) => u.cols)),
    doubleBuffered: units.every((u) => u.doubleBufferedWeights),
    fifoTiles: Math.min(...units.map((u) => u.weightFifoTiles)),
  };
}

/** Rows of the accumulators one job may use: each matrix unit gets a share, halved for double buffering. */
export function accumulatorChunkRows(chip: ChipSpec): number {
  const core = coreAt(chip, 0)!;
  return Math.floor(accumulatorRows(core) / matrixUnitsPerCore(core) / 2);
}

/** Groups of a grouped convolution packed block-diagonally into one array-sized weight tile. */
export function groupsPerTile(
  groups: number,
  perGroup: number,
  outPerGroup: number,
  array: { rows: number; cols: number },
): number {
  return groups === 1
    ? 1
    : Math.max(1, Math.min(groups, Math.floor(array.rows / perGroup), Math.floor(array.cols / outPerGroup)));
}

/** Row chunks of a job of `m` rows whose addressing repeats every `group` rows (0: never). */
export interface RowChunk {
  readonly start: number;
  readonly rows: number;
  /** The chunk spans several whole groups (the instruction needs two-dimensional addressing). */
  readonly grouped: boolean;
}

/** Never split a group unless a group alone exceeds the chunk. */
export function rowChunks(m: number, group: number, chunkRows: number): RowChunk[] {
  const chunks: RowChunk[] = [];
  if (group === 0 || group >= m) {
    for (let s = 0; s < m; s += chunkRows) chunks.push({ start: s, rows: Math.min(chunkRows, m - s), grouped: false });
  } else if (group <= chunkRows) {
    const step = Math.floor(chunkRows / group) * group;
    for (let s = 0; s < m; s += step) {
      const rows = Math.min(step, m - s);
      chunks.push({ start: s, rows, grouped: rows > group });
    }
  } else {
    for (let g0 = 0; g0 < m; g0 += group)
      for (let s = g0; s < Math.min(g0 + group, m); s += chunkRows)
        chunks.push({ start: s, rows: Math.min(chunkRows, g0 + group - s, m - s), grouped: false });
  }
  return chunks;
}

/** Sizes of the pieces `total` is cut into at most `limit` each (all full but the last). */
export function splits(total: number, limit: number): { count: number; full: number; last: number } {
  const count = Math.ceil(total / limit);
  return { count, full: Math.min(limit, total), last: total - (count - 1) * limit };
}

/**
 * Rows of a matrix operand: row r at offset + (r % groupRows) x rowStride + floor(r / groupRows) x groupStride
 * (elements).
 */
export interface RowsOperand {
  readonly buffer: number;
  readonly offset: number;
  readonly rowStride: number;
  /** 0: one group. */
  readonly groupRows: number;
  readonly groupStride: number;
}

export interface RowJob {
  readonly rows: number;
  /** Element offset of each operand's first row (added to the operand's base). */
  readonly bases: readonly number[];
  operand(index: number, buffer: number, base: number): RowsOperand;
}

/**
 * Splits nested row loops (outermost first; per operand a stride per level) into jobs of at most two
 * levels that the matmul/activate addressing can express. Levels merge where every operand steps
 * through them as one; operand 2, when present, is the weight operand and must not change inside a job.
 */
export function rowLevels(sizes: readonly number[], strides: ReadonlyArray<readonly number[]>): RowJob[] {
  let levels = sizes.map((size, i) => ({ size, strides: strides.map((s) => s[i] ?? 0) })).filter((l) => l.size !== 1);
  if (levels.length === 0) levels = [{ size: 1, strides: strides.map(() => 0) }];
  const merged: typeof levels = [];
  for (const level of levels) {
    const last = merged[merged.length - 1];
    if (last?.strides.every((s, i) => s === level.size * level.strides[i]!))
      merged[merged.length - 1] = { size: last.size * level.size, strides: level.strides };
    else merged.push(level);
  }
  const weightFixed = (l: (typeof merged)[number]): boolean => strides.length < 3 || l.strides[2] === 0;
  if (!weightFixed(merged[merged.length - 1]!))
    throw new Error('rowLevels: the weight operand changes from row to row');
  const inner = merged.length >= 2 && weightFixed(merged[merged.length - 2]!) ? 2 : 1;
  const innerLevels = merged.slice(merged.length - inner);
  let bases: number[][] = [strides.map(() => 0)];
  for (const level of merged.slice(0, merged.length - inner)) {
    const next: number[][] = [];
    for (const base of bases)
      for (let i = 0; i < level.size; i++) next.push(base.map((b, j) => b + i * level.strides[j]!));
    bases = next;
  }
  const rows = innerLevels.reduce((s, l) => s * l.size, 1);
  const last = innerLevels[innerLevels.length - 1]!;
  return bases.map((base) => ({
    rows,
    bases: base,
    operand(index: number, buffer: number, offset: number): RowsOperand {
      if (innerLevels.length === 1)
        return { buffer, offset: offset + base[index]!, rowStride: last.strides[index]!, groupRows: 0, groupStride: 0 };
      return {
        buffer,
        offset: offset + base[index]!,
        rowStride: last.strides[index]!,
        groupRows: last.size,
        groupStride: innerLevels[0]!.strides[index]!,
      };
    },
  }));
}

function addChunks(classes: Array<{ count: number; rows: number }>, count: number, rows: number): void {
  if (count <= 0 || rows <= 0) return;
  for (const c of classes) {
    if (c.rows === rows) {
      c.count += count;
      return;
    }
  }
  classes.push({ count, rows });
}

/** rowChunks as classes of equal chunks (at most three), without listing them. */
export function rowChunkClasses(m: number, group: number, chunkRows: number): Array<{ count: number; rows: number }> {
  const classes: Array<{ count: number; rows: number }> = [];
  if (group === 0 || group >= m) {
    addChunks(classes, Math.floor(m / chunkRows), chunkRows);
    addChunks(classes, 1, m % chunkRows);
  } else if (group <= chunkRows) {
    const step = Math.floor(chunkRows / group) * group;
    addChunks(classes, Math.floor(m / step), step);
    addChunks(classes, 1, m % step);
  } else {
    const whole = Math.floor(m / group);
    addChunks(classes, whole * Math.floor(group / chunkRows), chunkRows);
    addChunks(classes, whole * (group % chunkRows > 0 ? 1 : 0), group % chunkRows);
    const rest = m - whole * group;
    addChunks(classes, Math.floor(rest / chunkRows), chunkRows);
    addChunks(classes, 1, rest % chunkRows);
  }
  return classes;
}

/**
 * Hazards between instructions through memory: for each instruction, the earlier instructions it must
 * wait for (read-after-write, write-after-read, write-after-write), found with an interval map per
 * memory so programs of many thousands of instructions stay fast.
 *
 * Matmuls on the same matrix unit that write the same accumulator rows do not wait for each other:
 * the array lands results in order, row by row, so the pipeline already orders them.
 *
 * A range remembers, of the readers since its last write, only the latest on each unit: a unit
 * finishes its instructions in program order, so waiting for its latest reader waits for all of them
 * (and weights read thousands of times do not make the search quadratic).
 */
import { OPS, type Access, type AccessContext } from '../../isa/ops.js';
import type { Instruction } from '../../isa/types.js';
import { unitOf } from './timing.js';

interface Segment {
  start: number;
  end: number;
  writer: number;
  /** Latest reader per unit since the last write. */
  readers: number[];
}

/** Disjoint segments, sorted by start. */
class IntervalMap {
  private segments: Segment[] = [];

  /** Index of the first segment ending after `x` (segments are disjoint, so ends are sorted too). */
  private firstEndingAfter(x: number): number {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.end > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Splits segments at `at` so that a boundary exists there. */
  private split(at: number): void {
    const i = this.firstEndingAfter(at);
    const s = this.segments[i];
    if (!s || s.start >= at) return;
    this.segments.splice(
      i,
      1,
      { ...s, end: at, readers: [...s.readers] },
      { ...s, start: at, readers: [...s.readers] },
    );
  }

  /** Segments overlapping [start, end), creating empty ones for the gaps. */
  covering(start: number, end: number): Segment[] {
    this.split(start);
    this.split(end);
    const out: Segment[] = [];
    let cursor = start;
    let i = this.firstEndingAfter(start);
    while (cursor < end) {
      const s = this.segments[i];
      if (s && s.start <= cursor) {
        out.push(s);
        cursor = s.end;
        i++;
        continue;
      }
      const gapEnd = s ? Math.min(s.start, end) : end;
      const gap: Segment = { start: cursor, end: gapEnd, writer: -1, readers: [] };
      this.segments.splice(i, 0, gap);
      out.push(gap);
      cursor = gapEnd;
      i++;
    }
    return out;
  }
}

const key = (a: Access): string => `${a.space}/${a.core}`;

export interface Dependency {
  readonly on: number;
  readonly kind: 'raw' | 'war' | 'waw';
}

/** For every instruction, the earlier ones it waits for. */
export function findDependencies(instructions: readonly Instruction[], ctx: AccessContext): Dependency[][] {
  const maps = new Map<string, IntervalMap>();
  const mapFor = (a: Access): IntervalMap => {
    let map = maps.get(key(a));
    if (!map) {
      map = new IntervalMap();
      maps.set(key(a), map);
    }
    return map;
  };
  const units = instructions.map(unitOf);
  // Matrix-array instructions on one array run in order, so its accumulators need no waits among them.
  const sameArray = (a: number, b: number): boolean =>
    OPS[instructions[a]!.op].unit === 'matrix' && OPS[instructions[b]!.op].unit === 'matrix' && units[a] === units[b];
  const addReader = (readers: number[], index: number): void => {
    const unit = units[index];
    const at = readers.findIndex((r) => units[r] === unit);
    if (at >= 0) readers[at] = index;
    else readers.push(index);
  };
  return instructions.map((instruction, index) => {
    const deps = new Map<number, Dependency['kind']>();
    const add = (on: number, kind: Dependency['kind'], access: Access): void => {
      if (on < 0 || on === index) return;
      if (access.space === 'acc' && sameArray(on, index)) return;
      if (!deps.has(on) || kind === 'raw') deps.set(on, kind);
    };
    const spec = OPS[instruction.op];
    const reads = spec.reads(instruction, ctx);
    const writes = spec.writes(instruction, ctx);
    for (const access of reads) {
      for (const s of mapFor(access).covering(access.start, access.end)) {
        add(s.writer, 'raw', access);
        addReader(s.readers, index);
      }
    }
    for (const access of writes) {
      for (const s of mapFor(access).covering(access.start, access.end)) {
        add(s.writer, 'waw', access);
        for (const r of s.readers) add(r, 'war', access);
        s.writer = index;
        s.readers = [];
      }
    }
    return [...deps.entries()].map(([on, kind]) => ({ on, kind }));
  });
}

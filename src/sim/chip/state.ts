/**
 * The architectural state of a chip running a program: memories, accumulators and weight FIFOs, and
 * what each instruction does to them. The reference interpreter and the timed machine both execute
 * instructions through `ChipState.execute`, so they compute the same bits; they differ only in order
 * (the machine runs instructions out of program order where no dependency forbids it) and in the
 * matrix-unit backend that forms the partial sums.
 */
import type { ChipSpec } from '../../arch/chip-spec.js';
import { accumulatorRows, coreAt, coreCount } from '../../arch/derive.js';
import { NUMBER_FORMATS, type NumberFormatName } from '../../core/number-formats.js';
import {
  activateOutputRows,
  poolOutputShape,
  stridedRowOffset,
  vectorOutputShape,
  BINARY_VECTOR_OPS,
  OPS,
  type InstructionEffect,
} from '../../isa/ops.js';
import { activateOutput, activateValue, addBias, poolValues, toFormat, VECTOR_SEMANTICS } from '../../isa/semantics.js';
import type {
  ActivateInstruction,
  DmaInstruction,
  FillInstruction,
  Instruction,
  MatmulInstruction,
  MemorySpace,
  MemRef,
  PoolInstruction,
  Program,
  ReadWeightsInstruction,
  VectorInstruction,
} from '../../isa/types.js';
import { SimError } from '../errors.js';
import { Memory } from './memory.js';

/**
 * Forms a matmul's partial sums: X (rows x depth) times W (depth x cols), each sum from +0 in
 * increasing k, int32-wrapping or fp32-rounding: one pass of the array.
 */
export type MatmulBackend = (
  x: Float64Array,
  w: Float64Array,
  rows: number,
  depth: number,
  cols: number,
  format: NumberFormatName,
  instruction: MatmulInstruction,
) => ArrayLike<number>;

/** Plain loops: the definition. */
export const referenceMatmul: MatmulBackend = (x, w, rows, depth, cols, format) => {
  const isFloat = NUMBER_FORMATS[format].kind === 'float';
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < depth; k++) {
        const p = x[r * depth + k]! * w[k * cols + c]!;
        s = isFloat ? Math.fround(s + Math.fround(p)) : (s + p) | 0;
      }
      out[r * cols + c] = s;
    }
  }
  return out;
};

export interface Tile {
  readonly rows: number;
  readonly cols: number;
  /** rows x cols values, row-major. */
  readonly values: Float64Array;
}

/** Byte offset of input vector r of a matmul (two-dimensional addressing, see MatmulInstruction). */
export function matmulRowOffset(m: MatmulInstruction, r: number, elementBytes: number): number {
  return stridedRowOffset(r, m.depth * elementBytes, m.rowStrideBytes, m.groupRows, m.groupStrideBytes);
}

export class ChipState {
  readonly format: NumberFormatName;
  readonly isFloat: boolean;
  readonly host = new Memory('host');
  readonly dram = new Memory('dram');
  readonly cmem = new Memory('cmem');
  readonly ub: Memory[];
  /** Per core: accumulator rows x width values (int32 or fp32). */
  readonly acc: Float64Array[];
  readonly accWidth: number[];
  /** Per core and matrix unit: tiles read and not yet released, oldest first. */
  private readonly fifos = new Map<string, Tile[]>();

  constructor(
    readonly chip: ChipSpec,
    readonly program: Program,
    format: NumberFormatName,
  ) {
    this.format = format;
    this.isFloat = NUMBER_FORMATS[format].kind === 'float';
    const cores = coreCount(chip);
    this.ub = Array.from({ length: cores }, (_, c) => new Memory(`ub${c}`));
    this.accWidth = Array.from({ length: cores }, (_, c) =>
      Math.max(...coreAt(chip, c)!.matrixUnits.map((u) => u.cols)),
    );
    this.acc = Array.from(
      { length: cores },
      (_, c) => new Float64Array(accumulatorRows(coreAt(chip, c)!) * this.accWidth[c]!),
    );
  }

  memory(space: MemorySpace, core: number): Memory {
    if (space === 'ub') return this.ub[core]!;
    return this[space];
  }

  private fifo(core: number, mxu: number): Tile[] {
    const key = `${core}/${mxu}`;
    let queue = this.fifos.get(key);
    if (!queue) {
      queue = [];
      this.fifos.set(key, queue);
    }
    return queue;
  }

  execute(instruction: Instruction, backend: MatmulBackend): void {
    ChipState.effects[OPS[instruction.op].effect](this, instruction, backend);
  }

  /** What each effect the registry names does to the state (the instruction has an opcode that declares it). */
  private static readonly effects: Readonly<
    Record<InstructionEffect, (s: ChipState, i: Instruction, backend: MatmulBackend) => void>
  > = {
    copy: (s, i) => s.dma(i as DmaInstruction),
    'load-weights': (s, i) => s.loadWeights(i as ReadWeightsInstruction),
    multiply: (s, i, backend) => s.matmul(i as MatmulInstruction, backend),
    activate: (s, i) => s.activate(i as ActivateInstruction),
    vector: (s, i) => s.vector(i as VectorInstruction),
    fill: (s, i) => s.fill(i as FillInstruction),
    pool: (s, i) => s.pool(i as PoolInstruction),
    none: () => undefined,
  };

  /** Pushes a weight tile onto its matrix unit's FIFO. */
  private loadWeights(r: ReadWeightsInstruction): void {
    this.fifo(r.core, r.mxu).push(this.readTile(r));
  }

  /** Every block is read before any is written, so overlapping copies move the original bytes. */
  private dma(d: DmaInstruction): void {
    const src = this.memory(d.src.space, d.core);
    const blocks = Array.from({ length: d.rows }, (_, i) =>
      src.readBytes(d.src.address + i * (d.srcStrideBytes || d.bytes), d.bytes),
    );
    const dst = this.memory(d.dst.space, d.core);
    blocks.forEach((block, i) => dst.writeBytes(d.dst.address + i * (d.dstStrideBytes || d.bytes), block));
  }

  private readTile(r: ReadWeightsInstruction): Tile {
    const memory = this.memory(r.src.space, r.core);
    const bytes = NUMBER_FORMATS[this.format].bytes;
    const [outer, inner] = r.transpose ? [r.cols, r.rows] : [r.rows, r.cols];
    const stride = r.strideBytes || inner * bytes;
    const values = new Float64Array(r.rows * r.cols);
    for (let o = 0; o < outer; o++) {
      const line = memory.readElements(r.src.address + o * stride, inner, this.format);
      for (let i = 0; i < inner; i++) {
        if (r.transpose) values[i * r.cols + o] = line[i]!;
        else values[o * r.cols + i] = line[i]!;
      }
    }
    return { rows: r.rows, cols: r.cols, values };
  }

  /** The tile a matmul on this unit would use now (the FIFO's head). */
  headTile(core: number, mxu: number): Tile | undefined {
    return this.fifo(core, mxu)[0];
  }

  private matmul(m: MatmulInstruction, backend: MatmulBackend): void {
    const queue = this.fifo(m.core, m.mxu);
    const tile = queue[0];
    if (!tile) throw new SimError('no_tile', `matmul on core ${m.core} mxu ${m.mxu} found no weight tile`);
    if (tile.rows !== m.depth)
      throw new SimError('depth_mismatch', `matmul depth ${m.depth} does not match the ${tile.rows}-row tile`);
    const memory = this.ub[m.core]!;
    const bytes = NUMBER_FORMATS[this.format].bytes;
    const x = new Float64Array(m.rows * m.depth);
    for (let r = 0; r < m.rows; r++)
      x.set(memory.readElements(m.src.address + matmulRowOffset(m, r, bytes), m.depth, this.format), r * m.depth);
    const sums = backend(x, tile.values, m.rows, m.depth, tile.cols, this.format, m);
    const acc = this.acc[m.core]!;
    const width = this.accWidth[m.core]!;
    for (let r = 0; r < m.rows; r++) {
      const base = (m.accRow + r) * width;
      for (let c = 0; c < tile.cols; c++) {
        const s = sums[r * tile.cols + c]!;
        if (!m.accumulate) acc[base + c] = s;
        else acc[base + c] = this.isFloat ? Math.fround(acc[base + c]! + s) : (acc[base + c]! + s) | 0;
      }
    }
    if (m.pop) queue.shift();
  }

  /** cols values of an operand that is read once per instruction (activate's bias and column scale). */
  private columnValues(
    ref: MemRef | undefined,
    core: number,
    cols: number,
    format: NumberFormatName,
  ): Float64Array | undefined {
    return ref ? this.memory(ref.space, core).readElements(ref.address, cols, format) : undefined;
  }

  private activate(a: ActivateInstruction): void {
    const acc = this.acc[a.core]!;
    const width = this.accWidth[a.core]!;
    const bias = this.columnValues(a.bias, a.core, a.cols, this.isFloat ? 'fp32' : 'int32');
    const columnScale = this.columnValues(a.columnScale, a.core, a.cols, 'fp32');
    const values = (row: number): number[] => {
      const out: number[] = [];
      for (let c = 0; c < a.cols; c++) {
        const v = acc[(a.accRow + row) * width + c]!;
        out.push(activateValue(bias ? addBias(v, bias[c]!, this.isFloat) : v, a.fn, a.scale, columnScale?.[c]));
      }
      return out;
    };
    const rowBytes = a.cols * NUMBER_FORMATS[a.outFormat].bytes;
    const write = (outRow: number, row: number[]): void =>
      this.ub[a.core]!.writeElements(
        a.dst.address + stridedRowOffset(outRow, rowBytes, a.rowStrideBytes, a.groupRows, a.groupStrideBytes),
        row.map((v) => activateOutput(v, a.outScale, a.outFormat)),
        a.outFormat,
      );
    if (a.pool === 'none') {
      for (let r = 0; r < a.rows; r++) write(r, values(r));
      return;
    }
    const inputRows = Array.from({ length: a.rows }, (_, r) => values(r));
    const outWidth = Math.floor((a.poolInputWidth - a.poolWidth) / a.poolStride) + 1;
    for (let o = 0; o < activateOutputRows(a); o++) {
      const y0 = Math.floor(o / outWidth) * a.poolStride;
      const x0 = (o % outWidth) * a.poolStride;
      const pooled: number[] = [];
      for (let c = 0; c < a.cols; c++) {
        const window: number[] = [];
        for (let dy = 0; dy < a.poolHeight; dy++)
          for (let dx = 0; dx < a.poolWidth; dx++) window.push(inputRows[(y0 + dy) * a.poolInputWidth + x0 + dx]![c]!);
        pooled.push(poolValues(window, a.pool));
      }
      write(o, pooled);
    }
  }

  private vector(v: VectorInstruction): void {
    const memory = this.ub[v.core]!;
    const bytes = NUMBER_FORMATS[v.dtype].bytes;
    const outBytes = NUMBER_FORMATS[v.outFormat].bytes;
    const semantics = VECTOR_SEMANTICS[v.vop];
    const out = vectorOutputShape(v);
    const result = new Float64Array(v.cols);
    const load = (address: number, scale: number): Float64Array => {
      const values = memory.readElements(address, v.cols, v.dtype);
      return scale === 1 ? values : values.map((x) => Math.fround(x * scale));
    };
    const broadcastRow = v.src2 && v.broadcast ? load(v.src2.address, v.src2Scale) : undefined;
    const rows: Float64Array[] = [];
    for (let r = 0; r < v.rows; r++) {
      const a = load(v.src.address + r * v.cols * bytes, v.srcScale);
      const b = BINARY_VECTOR_OPS.has(v.vop)
        ? (broadcastRow ?? load(v.src2!.address + r * v.cols * bytes, v.src2Scale))
        : undefined;
      semantics.row(a, b, v.imm, result, r);
      rows.push(Float64Array.from(result.subarray(0, out.cols), (x) => activateOutput(x, v.outScale, v.outFormat)));
    }
    // Rows are all read before any is written, so a result may overwrite its own operands.
    rows.forEach((row, r) => memory.writeElements(v.dst.address + r * out.cols * outBytes, row, v.outFormat));
  }

  private fill(f: FillInstruction): void {
    const row = new Float64Array(f.cols).fill(toFormat(f.value, f.dtype));
    const stride = f.rowStrideBytes || f.cols * NUMBER_FORMATS[f.dtype].bytes;
    for (let r = 0; r < f.rows; r++) this.ub[f.core]!.writeElements(f.dst.address + r * stride, row, f.dtype);
  }

  /** Windows in (dy, dx) order; the whole image is read before the output is written. */
  private pool(p: PoolInstruction): void {
    const memory = this.ub[p.core]!;
    const bytes = NUMBER_FORMATS[p.dtype].bytes;
    const image = memory.readElements(p.src.address, p.height * p.width * p.channels, p.dtype);
    const out = poolOutputShape(p);
    const stride = p.rowStrideBytes || out.width * p.channels * bytes;
    const window: number[] = [];
    for (let oy = 0; oy < out.height; oy++) {
      const row = new Float64Array(out.width * p.channels);
      for (let ox = 0; ox < out.width; ox++) {
        for (let c = 0; c < p.channels; c++) {
          window.length = 0;
          for (let dy = 0; dy < p.kernelHeight; dy++) {
            for (let dx = 0; dx < p.kernelWidth; dx++)
              window.push(image[((oy * p.stride + dy) * p.width + ox * p.stride + dx) * p.channels + c]!);
          }
          row[ox * p.channels + c] = toFormat(poolValues(window, p.kind), p.dtype);
        }
      }
      memory.writeElements(p.dst.address + oy * stride, row, p.dtype);
    }
  }

  /** Reads a declared buffer's elements (for saving outputs). */
  readBuffer(name: string): { values: Float64Array; format: NumberFormatName } {
    const b = this.program.buffers.find((x) => x.name === name);
    if (!b?.dtype) throw new SimError('no_buffer', `no typed buffer '${name}'`);
    const count = b.shape ? b.shape.reduce((x, y) => x * y, 1) : b.bytes / NUMBER_FORMATS[b.dtype].bytes;
    return { values: this.memory(b.space, b.core ?? 0).readElements(b.address, count, b.dtype), format: b.dtype };
  }

  /** Fills a declared buffer with values (already in its format). */
  writeBuffer(name: string, values: ArrayLike<number>): void {
    const b = this.program.buffers.find((x) => x.name === name);
    if (!b?.dtype) throw new SimError('no_buffer', `no typed buffer '${name}'`);
    this.memory(b.space, b.core ?? 0).writeElements(b.address, values, b.dtype);
  }
}

/** Quantizes values into a buffer's format (saturating integers), for loading inputs. */
export function valuesForBuffer(values: ArrayLike<number>, format: NumberFormatName): Float64Array {
  return Float64Array.from(values, (v) => toFormat(v, format));
}
